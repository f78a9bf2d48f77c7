"""Site search: the Pagefind index the build makes, and the search page in headless Chromium.

The index tests read Pagefind's own files: `pagefind-entry.json` and the fragments (one per
indexed page, gzip with a `pagefind_dcd` prefix, JSON with the page's URL and text). The
browser tests run with the site's Content-Security-Policy enforced, as a reader sees it.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from guidesite.diagnostics import SourceRef
from guidesite.model import Language, SiteConfig
from guidesite.plan import SEARCH_INDEX
from guidesite.search import UNUSED, build_index

import gates
from conftest import ROOT, TEMPLATES, run_build

STEMMING = [
    # (language, query, a page that has other forms of the word but never the query itself)
    ("sv", "arbetsgivarna", "sv/brev/be-om-aterkoppling-mejl/"),   # arbetsgivare, -n
    ("sv", "intervjuerna", "sv/tips/be-om-aterkoppling/"),         # intervjun
    ("sv", "återkopplingar", "sv/brev/be-om-aterkoppling-mejl/"),  # återkoppling(en)
    ("en", "applies", "en/about/"),                                # apply
    ("en", "employers", "en/about/"),                              # employer
]
SEARCH_PAGE = {"sv": "sv/sok/", "en": "en/search/"}
INDEXED_KINDS = ("kind-article", "kind-letter", "kind-tips", "kind-page", "kind-lesson")


def fragments(site: Path) -> dict[str, dict]:
    """Indexed page URL ('sv/artiklar/x/') -> its Pagefind fragment."""
    found = {}
    for path in sorted((site / SEARCH_INDEX / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        found[fragment["url"].lstrip("/")] = fragment
    return found


def page_kind(page: Path) -> str:
    match = re.search(r'<body class="([^"]*)"', page.read_text("utf-8"))
    return match[1] if match else ""


def url_of(site: Path, page: Path) -> str:
    return page.relative_to(site).as_posix().removesuffix("index.html")


# --- The index ---------------------------------------------------------------------------------

def test_index_holds_exactly_the_content_pages_one_index_per_language(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    expected = {url_of(built_site, p) for p in pages if page_kind(p) in INDEXED_KINDS}
    indexed = fragments(built_site)
    assert set(indexed) == expected
    kinds = {page_kind(p) for p in pages if url_of(built_site, p) in indexed}
    assert kinds == set(INDEXED_KINDS)  # articles, letters, tips, pages, lessons
    left_out = {page_kind(p) for p in pages} - set(INDEXED_KINDS)
    assert {"kind-educators", "kind-handout", "kind-home", "kind-root", "kind-section",
            "kind-search"} <= left_out
    entry = json.loads((built_site / SEARCH_INDEX / "pagefind-entry.json").read_text("utf-8"))
    counts = {lang: sum(url.startswith(f"{lang}/") for url in indexed) for lang in ("sv", "en")}
    assert {lang: v["page_count"] for lang, v in entry["languages"].items()} == counts
    assert all(count >= 10 for count in counts.values())
    assert {v["wasm"] for v in entry["languages"].values()} == {"sv", "en"}  # own stemming


def test_index_leaves_out_navigation_forms_and_print_aids(built_site: Path) -> None:
    strings = {lang: (ROOT / "content" / lang / "strings.yaml").read_text("utf-8")
               for lang in ("sv", "en")}
    chrome = []
    for lang, text in strings.items():
        for name in ("letter_remember", "letter_privacy", "download_docx", "handout_scan",
                     "heading_link", "breadcrumb_label", "toc_title", "published"):
            value = re.search(rf"^{name}: (.*)$", text, re.MULTILINE)
            if value:
                chrome.append((lang, value[1].strip("\"'")))
    assert len(chrome) > 10
    indexed = fragments(built_site)
    for url, fragment in indexed.items():
        for lang, text in chrome:
            if url.startswith(f"{lang}/"):
                assert text not in fragment["content"], (url, text)
        assert fragment["meta"]["title"], url
    letter = indexed["sv/brev/tack-for-intervjun/"]
    assert "[" in letter["content"]  # the letter itself, with its blanks, is searchable
    assert not [name for name in UNUSED if (built_site / SEARCH_INDEX / name).exists()]


def test_redirects_are_not_indexed(make_content, tmp_path: Path) -> None:
    content = make_content(gates.FIXTURE_CONTENT)
    out = tmp_path / "site"
    result = run_build("--content", content, "--out", out)
    assert result.returncode == 0, result.stderr
    assert (out / "sv/artiklar/gammal/index.html").is_file()
    assert set(fragments(out)) == {"sv/artiklar/a/", "sv/p/"}


def test_two_builds_give_identical_search_bundles(tmp_path: Path) -> None:
    bundles = []
    for name in ("one", "two"):
        result = run_build("--out", tmp_path / name)
        assert result.returncode == 0, result.stderr
        root = tmp_path / name / SEARCH_INDEX
        bundles.append({p.relative_to(root).as_posix(): p.read_bytes()
                        for p in sorted(root.rglob("*")) if p.is_file()})
    one, two = bundles
    assert len(one) > 20 and one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    entry = one["pagefind-entry.json"].decode("utf-8")
    assert entry == json.dumps(json.loads(entry), sort_keys=True, ensure_ascii=False,
                               separators=(",", ":"))


CONFIG = SiteConfig("https://example.org/", (Language("sv", "Svenska", "T", "", "ltr", {}),),
                    "sv", "", "", 365, False, SourceRef("site.yaml"))
INDEXABLE = ('<!doctype html><html lang="sv"><head><title>t</title></head><body>'
             '<main data-pagefind-body><h1>Rubrik</h1><p>Text.</p></main></body></html>')


def test_missing_pagefind_is_a_diagnostic_with_a_hint(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("guidesite.search._executable", lambda: None)
    site = tmp_path / ".site.tmp-1"
    (site / "sv").mkdir(parents=True)
    (site / "sv/index.html").write_text(INDEXABLE, "utf-8")
    [problem] = build_index(site, CONFIG)
    assert (problem.severity, problem.code) == ("error", "search-unavailable")
    assert problem.where.path.endswith("site/pagefind")
    assert "pip install 'pagefind[bin]'" in problem.hint


def test_failing_pagefind_is_a_diagnostic_not_an_exception(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("guidesite.search._executable", lambda: Path("/bin/false"))
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv/index.html").write_text(INDEXABLE, "utf-8")
    [problem] = build_index(tmp_path, CONFIG)
    assert (problem.severity, problem.code) == ("error", "search-index-failed")
    assert "exit 1" in problem.message


def test_site_without_content_pages_is_not_indexed(tmp_path: Path) -> None:
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv/index.html").write_text(INDEXABLE.replace(" data-pagefind-body", ""))
    assert build_index(tmp_path, CONFIG) == []
    assert not (tmp_path / SEARCH_INDEX).exists()  # Pagefind would index every whole <body>


def test_failed_index_fails_the_build_and_keeps_the_old_site(make_content, tmp_path: Path,
                                                             monkeypatch) -> None:
    content = make_content(gates.FIXTURE_CONTENT)
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.txt").write_text("previous site")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    result = run_build("--content", content, "--templates", TEMPLATES, "--out", out,
                       cwd=tmp_path)  # its own cache: an index kept elsewhere is not used
    assert result.returncode == 1
    assert "error[search-index-failed]: Pagefind failed (exit 1)" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["old.txt"]


def test_pages_whose_html_lang_is_not_their_folders_are_reported(tmp_path: Path) -> None:
    """Pagefind indexes by `<html lang>`: sv/ pages marked English leave Swedish unsearchable."""
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv/index.html").write_text(INDEXABLE.replace('lang="sv"', 'lang="en"'))
    [problem] = build_index(tmp_path, CONFIG)
    assert (problem.severity, problem.code, problem.message) == (
        "error", "search-language", "no search index was made for language 'sv'")
    assert problem.hint == 'check that its pages have <html lang="sv">'


# --- The search page in Chromium ----------------------------------------------------------------

STATUS = "#search-status"


@pytest.fixture(scope="module")
def reader(browser):
    """A reader's browser tab: the site's CSP enforced; CSP violations and errors collected."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.add_init_script(script=gates._LISTEN_CSP)
    page = context.new_page()
    page.errors = []  # what a reader would never see: script errors, failed requests

    def on_console(message) -> None:
        if message.type == "error" and "favicon.ico" not in (message.location or {}).get(
                "url", ""):  # Chromium asks every host for /favicon.ico; the site has none
            page.errors.append(message.text)

    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", on_console)
    yield page
    context.close()


def run_search(page, query: str) -> list[str]:
    """Type `query`, press Enter, show every result; the result URLs relative to the site."""
    expect = pytest.importorskip("playwright.sync_api").expect
    page.fill("#search-input", query)
    page.press("#search-input", "Enter")
    quoted = re.compile(f"[”“]{re.escape(query)}[”“]")  # not a previous query it starts
    expect(page.locator(STATUS)).to_contain_text(quoted)
    count = re.match(r"\d+", page.inner_text(STATUS))  # "3 träffar för …", "Inga träffar …"
    total = int(count[0]) if count else 0
    results = page.locator(".search-result")
    while results.count() < total:
        shown = results.count()
        page.click("#search-more")
        expect(results).to_have_count(min(total, shown + 10))
    expect(page.locator("#search-more")).to_be_hidden()
    return [href.removeprefix("/") for href in result_links(page)]


def result_links(page) -> list[str]:
    return page.locator(".search-result h2 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.browser
def test_search_finds_inflected_forms_in_the_page_language(reader, built_site: Path,
                                                             site_url: str) -> None:
    for lang in ("sv", "en"):
        reader.goto(site_url + SEARCH_PAGE[lang])
        for query_lang, query, page_url in STEMMING:
            if query_lang != lang:
                continue
            text = (built_site / page_url / "index.html").read_text("utf-8").lower()
            assert query not in text, f"{page_url} says {query!r}: not a test of stemming"
            found = run_search(reader, query)
            assert page_url in found, (query, found)
            assert all(url.startswith(f"{lang}/") for url in found), found
    assert reader.errors == [] and reader.evaluate("window.__cspViolations || []") == []


@pytest.mark.browser
def test_every_content_page_is_found_by_its_title(reader, built_site: Path,
                                                  site_url: str) -> None:
    indexed = fragments(built_site)
    for lang in ("sv", "en"):
        reader.goto(site_url + SEARCH_PAGE[lang])
        for url, fragment in indexed.items():
            if url.startswith(f"{lang}/"):
                title = re.sub(r"\(.*?\)", "", fragment["meta"]["title"]).strip()
                assert url in run_search(reader, title), (title, url)
    assert reader.errors == []


@pytest.mark.browser
def test_swedish_readers_find_the_feedback_guidance_by_their_own_word(reader,
                                                                     site_url: str) -> None:
    """Young Swedes say "feedback"; the guidance also says "återkoppling"."""
    reader.goto(site_url + "sv/sok/")
    found = run_search(reader, "feedback")
    assert {"sv/artiklar/be-om-aterkoppling-efter-ett-nej/", "sv/artiklar/anvand-aterkopplingen/",
            "sv/brev/be-om-aterkoppling-mejl/"} <= set(found), found
    assert all(url.startswith("sv/") for url in found)


@pytest.mark.browser
def test_results_are_counted_announced_and_only_in_the_page_language(reader,
                                                                      site_url: str) -> None:
    reader.goto(site_url + "sv/sok/")
    assert reader.get_attribute(STATUS, "role") == "status"
    assert reader.locator("label[for=search-input]").inner_text() == "Vad vill du hitta?"
    assert run_search(reader, "intervjusvar") == ["sv/tips/ta-emot-aterkoppling/"]
    assert reader.inner_text(STATUS) == "1 träff för ”intervjusvar”"
    found = run_search(reader, "intervju")
    assert reader.inner_text(STATUS) == f"{len(found)} träffar för ”intervju”"
    assert len(found) > 10  # more than one page of results: all shown after "Visa fler"
    assert run_search(reader, "employer") == []
    assert reader.inner_text(STATUS).startswith("Inga träffar för ”employer”.")
    reader.goto(site_url + "en/search/")
    # Pagefind alone would answer these with every page that has "a" or "in": a word not in
    # the index falls back to the longest indexed word it starts with; search.js drops that.
    assert run_search(reader, "arbetsgivare") == []
    assert run_search(reader, "intervju") == []
    found = run_search(reader, "feedback")
    assert found and all(url.startswith("en/") for url in found)
    result = reader.locator(".search-result").first
    assert result.locator("mark").count() >= 1  # the excerpt shows the match
    assert result.locator(".search-kind").inner_text() in (
        "Article", "Letter template", "Tips", "About the site", "Lesson plan")
    reader.focus("#search-input")
    reader.keyboard.press("Tab")  # from the field to the button, then to the first result
    reader.keyboard.press("Tab")
    assert reader.evaluate("document.activeElement.getAttribute('href')") == "/" + found[0]
    with reader.expect_navigation():
        reader.keyboard.press("Enter")
    assert reader.url == site_url + found[0]
    assert reader.errors == []


@pytest.mark.browser
def test_query_in_the_address_is_searched_and_kept_up_to_date(reader, site_url: str) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    reader.goto(site_url + "sv/sok/?q=tacka")
    expect(reader.locator(STATUS)).to_contain_text("”tacka”")
    assert reader.input_value("#search-input") == "tacka"
    assert "/sv/brev/tack-for-intervjun/" in result_links(reader)
    reader.fill("#search-input", "")
    reader.type("#search-input", "nej")
    expect(reader.locator(STATUS)).to_contain_text("”nej”")
    assert reader.url == site_url + "sv/sok/?q=nej"
    assert reader.errors == []


@pytest.mark.browser
def test_search_works_from_a_subfolder(browser, built_site: Path, serve_dir) -> None:
    base = serve_dir(built_site.parent) + built_site.name + "/"
    page = browser.new_page()
    try:
        page.goto(base + "en/search/?q=thanking")
        page.wait_for_selector(".search-result h2 a")
        link = page.locator(".search-result h2 a").first
        assert link.get_attribute("href").startswith(f"/{built_site.name}/en/")
        title = link.inner_text()
        link.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == title
    finally:
        page.close()


@pytest.mark.browser
def test_without_javascript_the_page_says_so_and_links_the_listings(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + "sv/sok/")
        assert page.is_hidden("#search-form")
        fallback = page.locator("#search-fallback")
        assert fallback.is_visible()
        assert "Sökningen behöver JavaScript" in fallback.inner_text()
        links = fallback.locator("a")
        assert links.all_inner_texts() == ["Artiklar", "Brevmallar", "Tips"]
        for href in links.evaluate_all("els => els.map(a => a.href)"):
            response = page.request.get(href)
            assert response.status == 200, href
        links.first.click()
        assert page.locator("h1").inner_text() == "Artiklar"
    finally:
        context.close()


@pytest.mark.browser
def test_when_the_index_cannot_load_the_page_says_so(browser, site_url: str) -> None:
    context = browser.new_context()
    context.route("**/pagefind/**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(site_url + "en/search/?q=feedback")
        page.wait_for_selector("#search-fallback:visible")
        assert page.is_hidden("#search-form")
        assert "search could not start" in page.inner_text("#search-fallback")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_have_no_accessibility_violations(scheme: str, browser, site_url: str) -> None:
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    context.add_init_script(script=gates.axe_source())
    page = context.new_page()
    try:
        page.goto(site_url + "sv/sok/?q=intervju")
        page.wait_for_selector(".search-result mark")
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                               ".then(r => r.violations.map(v => v.id + ': ' + v.help))",
                               gates.WCAG_TAGS)
        assert result == []
    finally:
        context.close()
