"""The site's chrome as a reader meets it in Chromium, on the small fixed site of tests/visual:
a compact phone header with its menu behind a button, the footer at the bottom of short pages,
a second column on wide screens, back to top, findable "#" links, no stray list markers."""

from __future__ import annotations

import pytest
from fixed_sites import TESTS, build_fixed_site

pytestmark = pytest.mark.browser

ARTICLE = "sv/artiklar/folj-upp/"
LETTER = "sv/brev/uppfoljning/"
PHONE = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, serve_dir) -> str:
    out = tmp_path_factory.mktemp("chrome")
    strings = {"sv": ("sv", "strings-sv.yaml"), "en": ("en", "strings-en.yaml")}
    return serve_dir(build_fixed_site(TESTS / "visual", strings, out))


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(url: str, viewport: dict[str, int], javascript: bool = True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_phone_header_is_one_compact_row_with_a_menu_button(open_page, site_url: str) -> None:
    page = open_page(site_url + ARTICLE, PHONE)
    assert page.locator(".site-header").bounding_box()["height"] < 90
    button = page.get_by_role("button", name="Meny")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.locator("#site-menu").is_hidden()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    links = page.locator("#site-menu a").all()
    assert len(links) == 7 and all(link.is_visible() for link in links)
    lefts = {round(link.bounding_box()["x"]) for link in links}
    assert len(lefts) == 1  # one column: the open menu never wraps into a ragged row
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_without_javascript_the_menu_is_simply_shown(open_page, site_url: str) -> None:
    page = open_page(site_url + ARTICLE, PHONE, javascript=False)
    assert page.locator("#site-menu").is_visible()
    assert page.locator(".menu-toggle").is_hidden()


def test_wide_menu_reaches_the_educators_without_a_button(open_page, site_url: str) -> None:
    page = open_page(site_url + ARTICLE, WIDE)
    assert page.locator(".menu-toggle").is_hidden()
    link = page.locator("#site-menu").get_by_role("link", name="För lärare")
    assert link.is_visible() and link.get_attribute("href") == "../../for-pedagoger/"
    tops = {round(a.bounding_box()["y"]) for a in page.locator("#site-menu a").all()}
    assert len(tops) == 1  # one row


@pytest.mark.parametrize("path", ["sv/404.html", "sv/sok/", "index.html", "sv/tips/"])
def test_footer_sits_at_the_bottom_of_short_pages(open_page, site_url: str, path: str) -> None:
    page = open_page(site_url + path, WIDE)
    footer = page.locator(".site-footer").bounding_box()
    assert abs(footer["y"] + footer["height"] - WIDE["height"]) < 1


def test_article_has_a_sticky_contents_column_beside_a_comfortable_measure(
        open_page, site_url: str) -> None:
    page = open_page(site_url + ARTICLE, WIDE)
    text, toc = page.locator(".page-main").bounding_box(), page.locator(".toc").bounding_box()
    assert toc["x"] >= text["x"] + text["width"]  # beside the text, not above it
    characters = page.evaluate("""() => {
        const p = document.querySelector('.page-main p');
        const style = getComputedStyle(p);
        const probe = document.createElement('span');
        probe.textContent = 'abcdefghijklmnopqrstuvwxyzåäö abcdefghij';
        probe.style.font = style.font; probe.style.whiteSpace = 'nowrap';
        probe.style.position = 'absolute'; p.append(probe);
        const perChar = probe.getBoundingClientRect().width / probe.textContent.length;
        probe.remove();
        return p.getBoundingClientRect().width / perChar; }""")
    assert 60 <= characters <= 80, characters
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(200)
    assert 0 <= page.locator(".toc").bounding_box()["y"] <= 40  # it stays in view

    phone = open_page(site_url + ARTICLE, PHONE)
    text, toc = phone.locator(".page-main").bounding_box(), phone.locator(".toc").bounding_box()
    assert toc["y"] + toc["height"] <= text["y"]  # one column: contents above the text


def test_letter_shows_its_steps_beside_the_guide(open_page, site_url: str) -> None:
    page = open_page(site_url + LETTER, WIDE)
    guide, steps = (page.locator(".letter-guide").bounding_box(),
                    page.locator(".letter-steps").bounding_box())
    assert steps["x"] >= guide["x"] + guide["width"] and steps["y"] < guide["y"] + 50
    hrefs = page.locator(".letter-steps a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["#about-letter", "#fill-letter", "#preview-heading", "#downloads-heading"]
    assert all(page.locator(href).count() == 1 for href in hrefs)


def test_lists_of_links_show_no_stray_markers(open_page, site_url: str) -> None:
    page = open_page(site_url + LETTER, WIDE)
    for selector in (".downloads li", ".footer-links li", ".breadcrumb li", ".site-nav li"):
        styles = page.locator(selector).evaluate_all(
            "items => items.map(li => getComputedStyle(li).listStyleType)")
        assert styles and set(styles) == {"none"}, (selector, styles)


def test_back_to_top_on_long_pages(open_page, site_url: str) -> None:
    page = open_page(site_url + ARTICLE, PHONE)
    link = page.get_by_role("link", name="Till början av sidan")
    link.click()
    assert page.evaluate("window.scrollY") == 0 and page.url.endswith("#top")


def test_heading_links_say_what_they_do_and_can_be_seen(open_page, site_url: str) -> None:
    page = open_page(site_url + ARTICLE, WIDE)
    anchor = page.locator("h2 .anchor").first
    assert anchor.get_attribute("aria-label") == "Kopiera länk till avsnittet: När hör du av dig?"
    assert anchor.is_visible()
    assert page.evaluate("""a => getComputedStyle(a).opacity""", anchor.element_handle()) == "1"
