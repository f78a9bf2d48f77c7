"""Quality gates in headless Chromium: axe-core accessibility, 320 px layout, local requests only,
no console errors, no CSP violations.

Every HTML page of the real built site is checked, served on loopback. Small fixture sites,
broken on purpose, prove the same helpers find each kind of problem. Needs `npm ci` (axe-core
in node_modules) and Debian's chromium; nothing ever leaves the machine: any request to
another host is recorded and aborted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gates
from conftest import CONTENT

pytestmark = pytest.mark.browser

MODES = {
    "light": ("light", "screen", 1280),
    "dark": ("dark", "screen", 1280),
    "print": ("light", "print", 1280),
    "phone": ("light", "screen", 320),
}
"""Test id -> (prefers-color-scheme, emulated media, viewport width) for the axe runs."""


@pytest.fixture(scope="module")
def real_urls(built_site: Path, serve_dir) -> dict[str, str]:
    """Every HTML page of the real site, served at its base path."""
    urls = gates.page_urls(built_site, gates.serve_site(serve_dir, built_site, CONTENT))
    assert len(urls) > 10, f"expected the whole site, found {len(urls)} pages"
    return urls


# --- Gate 2: axe-core, WCAG 2.1 A and AA, light, dark and print ---------------------------------

def richest_of_each_kind(site: Path, urls: dict[str, str]) -> dict[str, str]:
    """The biggest page of each template kind in each language: what dark and print colours
    depend on (the stylesheet of the template, and the most varied content it shows)."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for page in urls:
        text = (site / page).read_text("utf-8")
        kind = re.search(r'<body class="(kind-[\w-]+)', text)
        key = (kind.group(1) if kind else "", page.split("/", 1)[0])
        if key not in best or len(text) > best[key][0]:
            best[key] = (len(text), page)
    return {page: urls[page] for _, page in best.values()}


@pytest.mark.parametrize("mode", MODES)
def test_real_site_has_no_accessibility_violations(mode: str, browser, built_site: Path,
                                                   real_urls: dict[str, str]) -> None:
    """Every page in light colours on screen; in dark colours, in print and on a 320 px
    phone, the richest page of each kind (the Nu validator, the 320 px overflow check and
    sitecheck see every page)."""
    urls = real_urls if mode == "light" else richest_of_each_kind(built_site, real_urls)
    assert len(urls) >= 20
    violations = gates.axe_audit(browser, urls, *MODES[mode])
    pages = sorted({v.page for v in violations})
    assert not violations, (
        f"axe-core ({mode}) found {len(violations)} violations on {len(pages)} of "
        f"{len(urls)} pages:\n" + gates.report_lines(violations))


# --- Gate 3: 320 px without sideways scrolling, local requests only, quiet console, CSP ---------

def test_real_site_fits_320px_stays_local_and_quiet(browser, real_urls: dict[str, str]) -> None:
    urls = real_urls
    reports = gates.browse(browser, urls)
    problems = gates.grouped_problems(reports)
    assert not problems, (f"{len(problems)} problems at 320x640 with the site's CSP:\n"
                          + "\n".join(problems))
    assert len(reports) == len(urls)
    assert all(r.url in r.requests for r in reports), "the request listener saw nothing"
    assert any(u.endswith(".js") for r in reports for u in r.requests), "no script was loaded"


# --- Gate 5: fixture sites prove the gates fail ---------------------------------------------------

def served(serve_dir, site: Path, *pages: str) -> dict[str, str]:
    """URLs of a fixture site's pages (all, or those named), served at its base path."""
    urls = gates.page_urls(site, gates.serve_site(serve_dir, site, site.parent / "content"))
    return {page: urls[page] for page in pages} if pages else urls


def test_fixture_site_unchanged_passes_the_browser_gates(tmp_path: Path, make_content,
                                                         browser, serve_dir) -> None:
    """The control for the broken fixtures, including a moved page (instant meta refresh)."""
    site = gates.fixture_site(tmp_path, make_content)
    urls = served(serve_dir, site, "index.html", "404.html", "sv/index.html", gates.FIXTURE_PAGE,
                  "sv/artiklar/a/index.html", "sv/artiklar/gammal/index.html")
    violations = gates.axe_audit(browser, urls, "light")
    assert not violations, gates.report_lines(violations)
    problems = gates.grouped_problems(gates.browse(browser, urls))
    assert not problems, "\n".join(problems)


def test_axe_reports_an_image_without_alt(tmp_path: Path, make_content, browser,
                                          serve_dir) -> None:
    site = gates.fixture_site(
        tmp_path, make_content,
        inserts=[("page.html", "{% block content %}",
                  '\n<img src="{{ url(\'static/pixel.png\') }}" width="40" height="40">')],
        files={"static/pixel.png": gates.tiny_png()})
    for mode in MODES.values():
        violations = gates.axe_audit(browser, served(serve_dir, site, gates.FIXTURE_PAGE),
                                     *mode)
        found = [v for v in violations if v.rule == "image-alt"]
        assert found, gates.report_lines(violations)
        assert found[0].page == gates.FIXTURE_PAGE and found[0].targets == ("img",)
        assert "image-alt" in str(found[0]) and "    img" in str(found[0])


def test_axe_reports_low_contrast_in_dark_scheme_only(tmp_path: Path, make_content, browser,
                                                      serve_dir) -> None:
    css = ("\n@media (prefers-color-scheme: dark) { .gate-dim { color: #3a3a3a; } }\n")
    site = gates.fixture_site(
        tmp_path, make_content,
        inserts=[("page.html", "{% block content %}", '\n<p class="gate-dim">Svag text</p>')],
        appends=[("static/site.css", css)])
    urls = served(serve_dir, site, gates.FIXTURE_PAGE)
    assert gates.axe_audit(browser, urls, "light") == []
    dark = gates.axe_audit(browser, urls, "dark")
    assert [(v.rule, v.targets) for v in dark] == [("color-contrast", (".gate-dim",))], \
        gates.report_lines(dark)


@pytest.mark.parametrize("csp", ["csp-allows-it", "csp-blocks-it"])
def test_request_to_another_host_is_reported_and_blocked(csp: str, tmp_path: Path,
                                                         make_content, browser,
                                                         serve_dir) -> None:
    font_css = "https://fonts.example.com/x.css"
    replaces = []
    if csp == "csp-allows-it":  # the author also widened the CSP: only the request shows it
        replaces = [("base.html", "style-src 'self'", "style-src 'self' https://fonts.example.com")]
    site = gates.fixture_site(
        tmp_path, make_content, replaces=replaces,
        inserts=[("base.html", "</title>", f'\n<link rel="stylesheet" href="{font_css}">')])
    reports = gates.browse(browser, served(serve_dir, site, "sv/index.html", gates.FIXTURE_PAGE))
    assert len(reports) == 2
    for report in reports:
        problems = report.problems()
        assert any("fonts.example.com" in p for p in problems), \
            f"{report.page}: the foreign stylesheet went unnoticed: {problems}"
        if csp == "csp-allows-it":
            assert report.foreign_requests == [font_css], problems
            assert f"request to another host: {font_css}" in problems
        else:  # the CSP stops it inside the browser, and says so
            assert any("style-src" in v and "fonts.example.com" in v
                       for v in report.csp_violations), problems


def test_sideways_scrolling_at_320px_is_reported(tmp_path: Path, make_content, browser,
                                                 serve_dir) -> None:
    site = gates.fixture_site(
        tmp_path, make_content,
        inserts=[("page.html", "{% block content %}", '\n<div class="gate-wide">bred</div>')],
        appends=[("static/site.css", "\n.gate-wide { width: 500px; }\n")])
    (report,) = gates.browse(browser, served(serve_dir, site, gates.FIXTURE_PAGE))
    assert report.scroll_width > 320
    assert f"scrolls sideways: scrollWidth {report.scroll_width} > 320 px" in report.problems()


def test_inline_script_is_reported_as_csp_violation_and_console_error(
        tmp_path: Path, make_content, browser, serve_dir) -> None:
    site = gates.fixture_site(
        tmp_path, make_content,
        inserts=[("page.html", "{% block content %}",
                  '\n<script>document.title = "inline";</script>')])
    (report,) = gates.browse(browser, served(serve_dir, site, gates.FIXTURE_PAGE))
    assert any(v.startswith("script-src-elem blocked inline") for v in report.csp_violations), \
        report.problems()
    assert any("Content Security Policy" in e for e in report.console_errors), report.problems()


def test_script_error_and_missing_file_are_console_errors(tmp_path: Path, make_content,
                                                          browser, serve_dir) -> None:
    site = gates.fixture_site(
        tmp_path, make_content,
        inserts=[("page.html", "{% block content %}",
                  '\n<script src="{{ url(\'static/broken.js\') }}"></script>')],
        files={"static/broken.js": "window.gateMissing.call();\n"})
    (site / "static/site.css").unlink()  # a 404 for a file the page asks for
    (report,) = gates.browse(browser, served(serve_dir, site, gates.FIXTURE_PAGE))
    errors = "\n".join(report.console_errors)
    assert "uncaught TypeError" in errors and "static/broken.js:1" in errors, errors
    assert "404" in errors, errors


def test_missing_icon_is_reported(tmp_path: Path, make_content, browser, serve_dir) -> None:
    """Without a <link rel="icon">, browsers ask for /favicon.ico and log its 404."""
    site = gates.fixture_site(tmp_path, make_content)
    page = site / gates.FIXTURE_PAGE
    html = re.sub(r"<link\b[^>]*\brel=\"[^\"]*\bicon\b[^\"]*\"[^>]*>", "", page.read_text("utf-8"))
    page.write_text(html, "utf-8")
    (report,) = gates.browse(browser, served(serve_dir, site, gates.FIXTURE_PAGE))
    assert report.icon.endswith("/favicon.ico") and report.icon_status == 404, report
    assert any(p.startswith(f"icon {report.icon} answers 404") for p in report.problems())


def test_declared_icon_is_accepted(tmp_path: Path, make_content, browser, serve_dir) -> None:
    site = gates.fixture_site(
        tmp_path, make_content,
        replaces=[("base.html", "</head>",
                   "<link rel=\"icon\" href=\"{{ url('static/gate-icon.png') }}\">\n</head>")],
        files={"static/gate-icon.png": gates.tiny_png()})
    (report,) = gates.browse(browser, served(serve_dir, site, gates.FIXTURE_PAGE))
    assert report.icon.endswith("/static/gate-icon.png") and report.icon_status == 200, report
    assert not any(p.startswith("icon ") for p in report.problems())
