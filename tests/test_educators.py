"""Tips, anchors, readability and educators' handouts, in the built site and in Chromium."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pyzbar.pyzbar import decode

from guidesite.readability import measure

BASE = "https://vagafraga.example/"
IDS = re.compile(r'\sid="([^"]+)"')


def test_readability_levels_follow_the_formulas() -> None:
    easy = measure("Du kan fråga. Det är lätt. Gör det i dag.", "sv")
    hard = measure("Arbetsmarknadsutbildningarnas kvalifikationskrav förutsätter "
                   "dokumentationsunderlag.", "sv")
    assert (easy.method, easy.level) == ("lix", "easy") and hard.level == "demanding"
    assert measure("You can ask. It is easy. Do it today.", "en").level == "easy"
    assert measure("Hallo", "de") is None


def test_ids_are_unique_on_every_page(built_site: Path) -> None:
    duplicates = {}
    for page in built_site.rglob("*.html"):
        counts = Counter(IDS.findall(page.read_text("utf-8")))
        if repeated := [i for i, n in counts.items() if n > 1]:
            duplicates[str(page.relative_to(built_site))] = repeated
    assert duplicates == {}


def test_every_tip_and_heading_has_a_stable_anchor(built_site: Path, tmp_path: Path) -> None:
    from conftest import run_build

    rebuilt = tmp_path / "again"
    assert run_build("--out", rebuilt).returncode == 0
    page = "sv/tips/be-om-aterkoppling/index.html"
    first = IDS.findall((built_site / page).read_text("utf-8"))
    assert "choose-the-right-person" in first
    assert IDS.findall((rebuilt / page).read_text("utf-8")) == first
    article = (built_site / "en/articles/asking-for-feedback-after-a-rejection/index.html")
    assert '<a class="anchor" href="#why-it-is-worth-asking"' in article.read_text("utf-8")


def test_tips_link_related_items_and_items_link_back(built_site: Path) -> None:
    tips = (built_site / "sv/tips/be-om-aterkoppling/index.html").read_text("utf-8")
    assert 'href="../../artiklar/be-om-aterkoppling-efter-ett-nej/"' in tips
    letter = (built_site / "sv/brev/be-om-aterkoppling-mejl/index.html").read_text("utf-8")
    assert 'href="../../tips/be-om-aterkoppling/#' in letter


def test_educators_page_lists_every_item_with_its_permanent_address(built_site: Path) -> None:
    for lang, folder in (("sv", "for-pedagoger"), ("en", "for-educators")):
        html = (built_site / lang / folder / "index.html").read_text("utf-8")
        for section in ("artiklar", "brev", "tips") if lang == "sv" else (
                "articles", "letters", "tips"):
            items = [p.parent.name for p in (built_site / lang / section).glob("*/index.html")]
            for slug in items:
                assert f"{BASE}{lang}/{section}/{slug}/" in html
                assert (built_site / lang / folder / section / slug / "index.html").is_file()
        assert "?utm" not in html and "utm_" not in html


@pytest.mark.browser
def test_copy_link_puts_the_public_url_with_fragment_on_the_clipboard(browser, site_url) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    page.goto(site_url + "en/tips/asking-for-feedback/")
    page.focus("#choose-the-right-person a.anchor")
    page.keyboard.press("Enter")
    page.wait_for_selector("#copy-status:not(:empty)")
    assert page.evaluate("navigator.clipboard.readText()") == (
        BASE + "en/tips/asking-for-feedback/#choose-the-right-person")
    assert page.evaluate("location.hash") == "#choose-the-right-person"
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("handout", [
    "sv/for-pedagoger/artiklar/be-om-aterkoppling-efter-ett-nej/",
    "en/for-educators/tips/before-and-after-the-interview/",
    "sv/for-pedagoger/brev/aterkoppling-efter-intervju-brev/",
])
def test_handout_prints_on_its_a4_pages_and_its_qr_code_leads_to_the_page(
        browser, site_url, handout: str) -> None:
    context = browser.new_context(viewport={"width": 900, "height": 1200})
    page = context.new_page()
    page.goto(site_url + handout)
    expected = BASE + handout.split("/", 2)[0] + "/" + handout.split("/", 2)[2]
    assert page.inner_text(".handout-link a.url") == expected
    png = page.locator("svg.qr").screenshot()
    [code] = decode(Image.open(io.BytesIO(png)))
    assert code.data.decode() == expected
    # a teacher prints with one press, and finds the way back to the list of handouts
    page.evaluate("() => { window.__printed = 0; window.print = () => window.__printed++; }")
    page.click("button.print-page")
    assert page.evaluate("window.__printed") == 1
    back = page.locator(".handout-actions a").evaluate("a => a.href")
    assert back == site_url + "/".join(handout.split("/")[:2]) + "/"
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == (2 if "/brev/" in handout else 1)  # a letter: guide, letter
    text = pdf.pages[-1].extract_text()
    assert expected in text.replace("\n", "")
    page.emulate_media(media="screen")
    page.click(".handout-link a.url")  # on screen the address is a working link
    assert page.url == site_url + expected.removeprefix(BASE)
    context.close()


@pytest.mark.browser
def test_article_print_view_shows_its_address_and_qr(browser, site_url) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "sv/artiklar/folj-upp-din-ansokan/")
    assert page.locator(".print-link").is_hidden()
    page.emulate_media(media="print")
    assert page.locator(".print-link svg.qr").is_visible()
    [code] = decode(Image.open(io.BytesIO(page.locator(".print-link svg.qr").screenshot())))
    assert code.data.decode() == BASE + "sv/artiklar/folj-upp-din-ansokan/"
    context.close()
