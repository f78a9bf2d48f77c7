"""Letter pages in headless Chromium: fill in, preview, e-mail, copy, print, other language."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

POST_LETTER = "sv/brev/aterkoppling-efter-intervju-brev/"
EMAIL_LETTER = "en/letters/feedback-request-email/"


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.requests = requests
    yield page
    context.close()


def preview_text(page) -> str:
    return page.locator("#letter").inner_text()


def test_typing_updates_the_preview(page, site_url) -> None:
    page.goto(site_url + POST_LETTER)
    assert "[Kontaktpersonens namn]" in preview_text(page)
    page.fill("#field-contact_name", "Sara Lind")
    page.fill("#field-company_address", "Industrigatan 4\n702 27 Örebro")
    text = preview_text(page)
    assert "Hej Sara Lind!" in text
    assert "[Kontaktpersonens namn]" not in text
    assert "Industrigatan 4\n702 27 Örebro" in text


def test_filling_makes_no_network_request(page, site_url) -> None:
    page.goto(site_url + POST_LETTER)
    page.wait_for_load_state("networkidle")
    before = len(page.requests)
    for field in page.locator("#letter-form input[type=text], #letter-form textarea").all():
        field.fill("Test Testsson")
    page.click("#copy-letter")
    page.wait_for_timeout(300)
    assert page.requests[before:] == []
    assert all(url.startswith(site_url) for url in page.requests)


def test_mailto_link_carries_the_encoded_filled_letter(page, site_url) -> None:
    page.goto(site_url + EMAIL_LETTER)
    page.fill("#field-contact_name", "Sam O'Neill & Co")
    page.fill("#field-role", "shop assistant")
    href = page.get_attribute("#email-letter", "href")
    assert href.startswith("mailto:?subject=")
    subject = unquote(re.search(r"subject=([^&]*)", href).group(1))
    body = unquote(re.search(r"body=([^&]*)", href).group(1))
    assert "shop assistant" in subject
    assert "Sam O'Neill & Co" in body and "\r\n" in body
    assert "&" not in href.split("&body=")[1]  # the ampersand in a value is encoded


def test_copy_puts_the_filled_text_on_the_clipboard(page, site_url) -> None:
    page.goto(site_url + EMAIL_LETTER)
    page.fill("#field-your_name", "Alex Berg")
    page.click("#copy-letter")
    page.wait_for_selector("#letter-status:not(:empty)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Alex Berg" in copied and copied.startswith("Feedback")  # subject first
    assert "copied" in page.inner_text("#letter-status")


def test_print_gives_one_a4_page_with_the_letter_alone(page, site_url) -> None:
    page.goto(site_url + POST_LETTER)
    page.fill("#field-your_name", "Alex Nilsson")
    page.fill("#field-place", "Örebro")
    page.fill("#field-contact_name", "Sara Lind")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    text = pdf.pages[0].extract_text()
    assert "Alex Nilsson" in text and "Örebro, [Dagens datum]" in text
    assert text.index("Örebro, [Dagens datum]") < text.index("Återkoppling efter min intervju")
    assert "Ämne:" not in text  # a paper letter has no e-mail subject label
    assert "Hej Sara Lind!" in text and "Med vänliga hälsningar" in text
    for chrome in ("Fyll i brevet", "Brevmallar", "Hoppa till", "Om brevet", "Kom ihåg"):
        assert chrome not in text


@pytest.mark.parametrize("letter", [
    "sv/brev/be-om-aterkoppling-mejl/", "sv/brev/aterkoppling-efter-intervju-brev/",
    "sv/brev/uppfoljning-av-ansokan/", "sv/brev/tack-for-intervjun/",
    "en/letters/feedback-request-email/", "en/letters/feedback-after-interview-letter/",
    "en/letters/following-up-an-application/", "en/letters/thank-you-for-the-interview/"])
def test_every_letter_filled_with_examples_prints_on_one_page(page, site_url, letter) -> None:
    page.goto(site_url + letter)
    for field in page.locator("#letter-form .field").all():
        example = field.locator(".example-value")
        value = example.inner_text() if example.count() else "Exempel"
        field.locator("input, textarea").fill(value)
    page.emulate_media(media="print")
    assert len(PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True))).pages) == 1


def test_write_in_one_language_send_in_another(page, site_url) -> None:
    page.goto(site_url + POST_LETTER)
    page.fill("#field-contact_name", "Sara Lind")
    page.fill("#field-date", "26 November 2026")
    page.check("input[name=letter-language][value=en]")
    text = preview_text(page)
    assert "Dear Sara Lind," in text and "Kind regards" in text
    assert page.get_attribute("#letter", "lang") == "en"
    assert "Feedback after my interview at [Employer]" in text  # the subject, where it belongs
    assert text.index("[Employer's address]") < text.index("Feedback after") < text.index("Dear")


def test_remember_only_after_opt_in_and_forget(page, site_url) -> None:
    page.goto(site_url + EMAIL_LETTER)
    page.fill("#field-your_name", "Kim")
    assert page.evaluate("localStorage.length") == 0
    page.check("#remember")
    page.fill("#field-your_name", "Kim Lee")
    page.goto(site_url + POST_LETTER)  # a saved name fills the same field of other letters
    assert page.input_value("#field-your_name") == "Kim Lee"
    page.click("#forget")
    assert page.evaluate("localStorage.length") == 0
    assert page.input_value("#field-your_name") == ""


def test_without_javascript_the_template_is_readable(browser, site_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + POST_LETTER)
    assert page.locator("#letter-form").is_hidden()
    assert page.locator(".js-hide").is_visible()  # says the form needs JavaScript
    text = page.locator("#letter").inner_text()
    assert "[Ditt namn]" in text and "Med vänliga hälsningar" in text
    downloads = page.locator(".downloads a[download]")
    assert [a.get_attribute("href") for a in downloads.all()] == [
        f"aterkoppling-efter-intervju-brev.{fmt}" for fmt in ("docx", "odt", "pdf", "txt")]
    context.close()
