"""A site with a language written right to left (tests/rtl: Arabic beside English), built and
read in headless Chromium: mirrored, nothing wider than a 320 px phone, axe-core clean in
light, dark and print, and the letter form, search and print view working in it.

Arabic strings are tests/rtl/strings-ar.yaml laid over content/en/strings.yaml (see
fixed_sites), so strings other work adds later show in English here instead of failing.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fixed_sites import TESTS, build_fixed_site

import gates

pytestmark = pytest.mark.browser

TREE = TESTS / "rtl"
HOME = "ar/"
ARTICLE = "ar/maqalat/mutabaa/"
LETTER = "ar/rasail/risalat-mutabaa/"
SEARCH = "ar/bahth/"


@pytest.fixture(scope="module")
def rtl_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rtl")
    return build_fixed_site(TREE, {"en": ("en", None), "ar": ("en", "strings-ar.yaml")}, out)


@pytest.fixture(scope="module")
def urls(rtl_site: Path, serve_dir) -> dict[str, str]:
    return gates.page_urls(rtl_site, gates.serve_site(serve_dir, rtl_site, rtl_site.parent
                                                      / "content"))


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def box(page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()


def test_pages_are_marked_right_to_left(rtl_site: Path) -> None:
    html = (rtl_site / HOME / "index.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="en" dir="ltr">' in (rtl_site / "en/index.html").read_text("utf-8")


def test_layout_is_mirrored(tab, urls: dict[str, str]) -> None:
    tab.goto(urls[HOME + "index.html"])
    width = tab.viewport_size["width"]
    title, language = box(tab, ".site-title"), box(tab, ".languages a")
    assert title["x"] > width / 2 > language["x"] + language["width"]  # title on the right
    items = tab.locator(".site-nav li").all()
    firsts = [item.bounding_box()["x"] for item in items[:3]]
    assert firsts == sorted(firsts, reverse=True)  # the menu runs from right to left
    heading = box(tab, "h1")
    main = box(tab, "main")
    assert abs((heading["x"] + heading["width"]) - (main["x"] + main["width"] - 16)) < 2
    assert tab.evaluate("getComputedStyle(document.querySelector('main p')).direction") == "rtl"

    tab.goto(urls[ARTICLE + "index.html"])
    text, aside = box(tab, ".page-main"), box(tab, ".toc")
    assert aside["x"] + aside["width"] <= text["x"]  # the second column is on the left
    quote = tab.evaluate("""() => { const s = getComputedStyle(document.querySelector(
        '.prose blockquote')); return [s.borderRightWidth, s.borderLeftWidth]; }""")
    assert quote == ["4px", "0px"]  # the quote's rule is at the start of the line: the right
    separator = tab.evaluate("""getComputedStyle(document.querySelector(
        '.breadcrumb li + li'), '::before').content""")
    assert separator == '"‹"'
    crumbs = [li.bounding_box()["x"] for li in tab.locator(".breadcrumb li").all()]
    assert crumbs == sorted(crumbs, reverse=True)
    assert tab.errors == []


def test_every_page_fits_320px_stays_local_and_quiet(browser, urls: dict[str, str]) -> None:
    reports = gates.browse(browser, urls)
    assert len(reports) == len(urls) > 15
    problems = gates.grouped_problems(reports)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("mode", [("light", "screen"), ("dark", "screen"), ("light", "print")],
                         ids=["light", "dark", "print"])
def test_no_accessibility_violations(browser, urls: dict[str, str], mode) -> None:
    violations = gates.axe_audit(browser, urls, *mode)
    assert not violations, gates.report_lines(violations)


def test_letter_form_fills_the_arabic_letter(tab, urls: dict[str, str]) -> None:
    tab.goto(urls[LETTER + "index.html"])
    tab.fill("#field-contact_name", "سارة")
    tab.fill("#field-role", "بائع")
    text = tab.locator("#letter").inner_text()
    assert "مرحبًا سارة،" in text and "لوظيفة بائع" in text
    assert tab.evaluate("getComputedStyle(document.getElementById('letter')).direction") == "rtl"
    form, preview = box(tab, ".letter-form-section"), box(tab, ".letter-preview-section")
    assert form["x"] > preview["x"]  # the form comes first: on the right
    assert tab.errors == []


def test_search_finds_arabic_pages(tab, urls: dict[str, str]) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    tab.goto(urls[SEARCH + "index.html"])
    tab.fill("#search-input", "طلبك")
    tab.press("#search-input", "Enter")
    expect(tab.locator("#search-status")).to_contain_text("«طلبك»")
    hrefs = tab.locator(".search-result h2 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert any(href.endswith(ARTICLE) for href in hrefs), hrefs
    assert all("/ar/" in href for href in hrefs), hrefs
    assert tab.errors == []


def test_print_view_keeps_the_text_and_drops_the_chrome(tab, urls: dict[str, str]) -> None:
    reader = pytest.importorskip("pypdf").PdfReader
    tab.goto(urls[ARTICLE + "index.html"])
    tab.emulate_media(media="print")
    assert tab.locator(".site-nav").is_hidden() and tab.locator(".print-link").is_visible()
    assert tab.locator(".page-main").is_visible()
    tab.emulate_media(media="screen")
    tab.goto(urls[LETTER + "index.html"])
    tab.fill("#field-your_name", "أمل")
    tab.emulate_media(media="print")
    pdf = reader(io.BytesIO(tab.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    assert tab.locator(".letter-sheet").is_visible()
    assert tab.locator(".site-header").is_hidden() and tab.locator(".letter-steps").is_hidden()
    text = pdf.pages[0].extract_text()
    assert "لوظيفة" in text or "ﻟﻮﻇﻴﻔﺔ" in text  # pypdf may give presentation forms
