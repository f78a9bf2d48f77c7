"""Letter pages in headless Chromium on the built site: fill in, leave optional fields empty,
try to send with required fields empty, copy, e-mail, print, drafts, reminders, downloads."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from pypdf import PdfReader

from gates import WCAG_TAGS, axe_source

pytestmark = pytest.mark.browser

POST_LETTER = "sv/brev/aterkoppling-efter-intervju-brev/"
EN_POST_LETTER = "en/letters/feedback-after-interview-letter/"
EMAIL_LETTER = "en/letters/feedback-request-email/"
SV_EMAIL_LETTER = "sv/brev/uppfoljning-av-ansokan/"
LETTERS = [
    "sv/brev/be-om-aterkoppling-mejl/", "sv/brev/aterkoppling-efter-intervju-brev/",
    "sv/brev/uppfoljning-av-ansokan/", "sv/brev/tack-for-intervjun/",
    "en/letters/feedback-request-email/", "en/letters/feedback-after-interview-letter/",
    "en/letters/following-up-an-application/", "en/letters/thank-you-for-the-interview/"]
LEFTOVERS = re.compile(r"[\[\]{}]")


def new_page(browser, site_url, **options):
    context = browser.new_context(accept_downloads=True, **options)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.requests = requests
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed++; };")
    return page


@pytest.fixture
def page(browser, site_url):
    page = new_page(browser, site_url, viewport={"width": 1280, "height": 900})
    yield page
    page.context.close()


def preview_text(page) -> str:
    return page.locator("#letter").inner_text()


def fill_required(page) -> None:
    """Every required field with its example (the date keeps today's date)."""
    for field in page.locator("#letter-form .field").all():
        control = field.locator("input, textarea")
        if control.get_attribute("required") is not None and not control.input_value():
            example = field.locator(".example-value")
            control.fill(example.inner_text() if example.count() else "Exempel")


def squash(text: str) -> str:
    return " ".join(text.split())


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def copy(page, button: str) -> str:
    page.evaluate("navigator.clipboard.writeText('untouched')")
    page.evaluate("document.getElementById('letter-status').textContent = ''")
    page.click(button)
    page.wait_for_selector("#letter-status:not(:empty)")
    return clipboard(page)


def mail_parts(page) -> tuple[str, str, str]:
    href = page.get_attribute("#email-letter", "href")
    match = re.fullmatch(r"mailto:([^?]*)\?subject=([^&]*)&body=([^&]*)", href)
    assert match, href
    return match.group(1), unquote(match.group(2)), unquote(match.group(3))


def printed_text(page) -> tuple[str, int]:
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    page.emulate_media(media="screen")
    return "\n".join(p.extract_text() for p in pdf.pages), len(pdf.pages)


def download(page, selector: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(selector)
    path = info.value.path()
    return info.value.suggested_filename, Path(path).read_bytes()


def test_typing_updates_the_preview(page, site_url) -> None:
    page.goto(site_url + POST_LETTER)
    assert "Hej!" in preview_text(page)  # no name: a neutral greeting, never "Hej !"
    page.fill("#field-recipient_name", "Sara")
    page.fill("#field-company_street", "Industrigatan 4")
    text = preview_text(page)
    assert "Hej Sara!" in text
    assert "[Arbetsgivarens gatuadress]" not in text and "Industrigatan 4" in text


@pytest.mark.parametrize("letter", LETTERS)
def test_only_required_fields_leave_no_brackets_or_braces(page, site_url, letter) -> None:
    """The issue's "done when": preview, copy, e-mail and print hold no [ ] { }."""
    page.goto(site_url + letter)
    fill_required(page)
    preview = preview_text(page)
    assert not LEFTOVERS.search(preview), preview
    copied = copy(page, "#copy-letter")
    assert not LEFTOVERS.search(copied) and squash(copied) in squash(preview)
    assert page.locator("#error-summary").is_hidden()
    if page.locator("#email-letter").count():
        _, subject, body = mail_parts(page)
        assert not LEFTOVERS.search(subject + body)
        assert body.replace("\r\n", "\n") == copied
    text, pages = printed_text(page)
    assert pages == 1 and not LEFTOVERS.search(text)
    assert page.evaluate("window.__printed") == 0  # emulating print media is not printing
    page.click("#print-letter")
    assert page.evaluate("window.__printed") == 1
    greeting = "Hej!" if letter.startswith("sv") else "Dear Hiring Manager,"
    assert greeting in preview


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_required_fields_empty_stop_every_way_out(browser, site_url, scheme) -> None:
    """GOV.UK error summary: focused, links to each field, fields say what is missing, nothing
    is copied, printed, e-mailed or downloaded; axe finds nothing in this state."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900},
                                  color_scheme=scheme)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    context.add_init_script(script=axe_source())
    context.add_init_script("window.__printed = 0; window.print = () => { window.__printed++; };")
    page = context.new_page()
    page.goto(site_url + EMAIL_LETTER)
    page.fill("#field-role", "shop assistant")
    page.evaluate("navigator.clipboard.writeText('untouched')")
    page.click("#copy-letter")

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    required = page.locator("#letter-form [required]").all()
    empty = [c.get_attribute("id") for c in required if not c.input_value()]
    links = summary.locator("a").all()
    assert [a.get_attribute("href") for a in links] == ["#" + i for i in empty]
    assert links[0].inner_text() == "Enter employer"
    for control_id in empty:
        control = page.locator("#" + control_id)
        assert control.get_attribute("aria-invalid") == "true"
        error_id = control.get_attribute("aria-describedby").split()[0]
        assert page.locator("#" + error_id).is_visible()
        assert page.locator("#" + error_id).inner_text().startswith("Enter ")
    assert page.get_attribute("#field-role", "aria-invalid") is None
    assert clipboard(page) == "untouched"

    page.click("#print-letter")
    page.click("#copy-subject")
    assert page.evaluate("window.__printed") == 0 and clipboard(page) == "untouched"
    prevented = page.evaluate("""() => {
        const click = new MouseEvent('click', {bubbles: true, cancelable: true});
        document.getElementById('email-letter').dispatchEvent(click);
        return click.defaultPrevented; }""")
    assert prevented

    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                           ".then(r => r.violations.map(v => v.id + ': ' + v.help))", WCAG_TAGS)
    assert result == []

    links[0].click()
    assert page.evaluate("document.activeElement.id") == empty[0]
    fill_required(page)
    assert summary.is_hidden()  # fixing the fields clears the summary as you go
    assert page.locator("#letter-form [aria-invalid]").count() == 0
    assert "shop assistant" in copy(page, "#copy-letter")
    context.close()


def test_copy_subject_and_copy_text_are_two_actions(page, site_url) -> None:
    page.goto(site_url + EMAIL_LETTER)
    fill_required(page)
    subject = copy(page, "#copy-subject")
    assert subject == "Feedback on my application for the shop assistant role"
    assert "subject line has been copied" in page.inner_text("#letter-status")
    text = copy(page, "#copy-letter")
    assert text.startswith("Dear Hiring Manager,\n\nThank you") and subject not in text
    assert text.rstrip().endswith("alex.nilsson@example.com")


def test_mailto_goes_to_the_recipient_percent_encoded(page, site_url) -> None:
    page.goto(site_url + EMAIL_LETTER)
    fill_required(page)
    page.fill("#field-recipient_name", "Sam O'Neill")
    page.fill("#field-company", "Berg & Son + Co")
    page.fill("#recipient-email", "sam.oneill@example.com")
    href = page.get_attribute("#email-letter", "href")
    assert href.startswith("mailto:sam.oneill@example.com?subject=Feedback%20on%20my")
    assert "+" not in href  # a space is %20 and a plus %2B: never '+'
    assert "Berg%20%26%20Son%20%2B%20Co" in href and "%0D%0A" in href
    to, subject, body = mail_parts(page)
    assert to == "sam.oneill@example.com" and subject.startswith("Feedback on my application")
    assert body.startswith("Dear Sam O'Neill,\r\n\r\n") and "Berg & Son + Co" in body

    page.fill("#recipient-email", "not an address")
    page.click("#copy-letter")
    assert page.locator("#error-summary a").all_inner_texts() == [
        "Write the e-mail address like name@example.com"]
    assert page.get_attribute("#recipient-email", "aria-invalid") == "true"


def test_optional_text_vanishes_and_appears(page, site_url) -> None:
    page.goto(site_url + SV_EMAIL_LETTER)
    fill_required(page)
    text = preview_text(page)
    assert "intervju. Om ni behöver" in text  # {if motivation} left nothing behind
    page.fill("#field-motivation", "Jag gillar kunder.")
    assert "intervju. Jag gillar kunder. Om ni behöver" in preview_text(page)


def test_on_a_phone_the_letter_is_one_tap_away(browser, site_url) -> None:
    page = new_page(browser, site_url, viewport={"width": 360, "height": 740},
                    is_mobile=True, has_touch=True)
    page.goto(site_url + POST_LETTER)
    show = page.locator("#show-letter")
    for field in ("#field-your_name", "#field-company_town"):
        page.locator(field).scroll_into_view_if_needed()
        box = show.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= 740, field
    show.click()
    heading = page.locator("#preview-heading").bounding_box()
    assert 0 <= heading["y"] < 740
    assert page.evaluate("document.activeElement.id") == "letter-preview"
    assert page.locator("#back-to-form a").is_visible()
    page.context.close()


def test_personal_fields_help_the_reader(page, site_url) -> None:
    page.goto(site_url + POST_LETTER)
    tokens = {"your_name": "name", "your_email": "email", "your_phone": "tel",
              "your_street": "address-line1", "your_postcode": "postal-code",
              "place": "address-level2"}
    for name, token in tokens.items():
        assert page.get_attribute(f"#field-{name}", "autocomplete") == token
    assert page.locator("[autocomplete=off]").count() == 0
    assert page.get_attribute("#field-your_email", "type") == "email"
    assert page.get_attribute("#field-your_phone", "type") == "tel"
    today = dt.date.today()
    assert page.input_value("#field-date") == format_date(today, "d MMMM y", locale="sv")
    box = page.locator("#remember").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24


def test_print_gives_one_a4_page_with_the_letter_alone(page, site_url) -> None:
    page.goto(site_url + POST_LETTER)
    fill_required(page)
    page.fill("#field-date", "26 november 2026")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    text = pdf.pages[0].extract_text()
    assert "Alex Nilsson" in text and "Örebro, 26 november 2026" in text
    assert text.index("Örebro, 26 november") < text.index("Återkoppling efter min intervju")
    assert text.index("Solbackens Trädgård\nIndustrigatan 4\n702 27 Örebro") < text.index(
        "Örebro, 26 november")
    assert "Ämne:" not in text  # a paper letter has no e-mail subject label
    assert "Hej!" in text and "Med vänliga hälsningar" in text
    for chrome in ("Fyll i brevet", "Brevmallar", "Hoppa till", "Om brevet", "Kom ihåg",
                   "Innan du skickar", "Något saknas"):
        assert chrome not in text
    closing = page.locator("#letter-body p", has_text="Med vänliga hälsningar").bounding_box()
    name = page.locator("#letter-body p.signed").bounding_box()
    assert name["y"] - (closing["y"] + closing["height"]) > 40  # room to sign above the name


def test_british_posted_letter_layout(page, site_url) -> None:
    page.goto(site_url + EN_POST_LETTER)
    fill_required(page)
    page.fill("#field-recipient_name", "Ms Lind")
    right = page.locator("#letter-body p.align-end").all_inner_texts()
    assert right[0].startswith("Alex Nilsson\nStorgatan 12")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", right[1])
    text = preview_text(page)
    assert "Ms Lind\nSolbackens Trädgård\nIndustrigatan 4" in text
    assert "Dear Ms Lind," in text and "Yours sincerely," in text
    page.fill("#field-recipient_name", "")
    assert "Dear Hiring Manager," in preview_text(page)
    assert "Yours faithfully," in preview_text(page)


@pytest.mark.parametrize("letter", LETTERS)
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
    note = page.locator("#language-note")
    assert note.is_visible() and "översätts inte" in note.inner_text()
    page.fill("#field-recipient_name", "Sara Lind")
    page.check("input[name=letter-language][value=en]")
    text = preview_text(page)
    assert "Dear Sara Lind," in text and "Yours sincerely," in text
    assert page.get_attribute("#letter", "lang") == "en"
    today = dt.date.today()
    assert page.input_value("#field-date") == format_date(today, "d MMMM y", locale="en_GB")
    assert "Feedback after my interview at [Employer]" in text  # the subject, where it belongs
    assert text.index("[Employer’s postcode]") < text.index("Feedback after") < text.index("Dear")


def test_no_request_leaves_the_page(page, site_url) -> None:
    page.goto(site_url + EMAIL_LETTER)
    page.wait_for_load_state("networkidle")
    before = len(page.requests)
    for field in page.locator("#letter-form .field input, #letter-form textarea").all():
        field.fill("Test Testsson")
    page.fill("#recipient-email", "a@example.com")
    for button in ("#copy-subject", "#copy-letter", "#print-letter"):
        page.click(button)
    page.wait_for_timeout(300)
    assert page.requests[before:] == []
    assert all(url.startswith(site_url) for url in page.requests)


def test_remember_only_after_opt_in_and_forget(page, site_url) -> None:
    page.goto(site_url + EMAIL_LETTER)
    page.fill("#field-your_name", "Kim")
    assert page.evaluate("localStorage.length") == 0
    page.check("#remember")
    page.fill("#field-your_name", "Kim Lee")
    page.goto(site_url + POST_LETTER)  # a saved name fills the same field of other letters
    assert page.input_value("#field-your_name") == "Kim Lee"
    page.fill("#field-date", "1 januari 2020")
    page.reload()  # the date is not remembered: the next visit starts from today
    assert page.input_value("#field-date") == format_date(dt.date.today(), "d MMMM y", locale="sv")
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
    assert "Hej [Mottagarens namn]!" in text  # the template shows the {if} text to fill in
    assert page.locator(".letter-checklist li").count() == 3  # the checklist needs no script
    assert page.locator("#letter-actions").is_hidden()
    downloads = page.locator(".downloads a[download]")
    assert [a.get_attribute("href") for a in downloads.all()] == [
        f"aterkoppling-efter-intervju-brev.{fmt}" for fmt in ("docx", "odt", "pdf", "txt")]
    context.close()


# ---- Files made in the browser by letter-files.js ----


@pytest.mark.parametrize("letter", [EMAIL_LETTER, POST_LETTER])
def test_filled_downloads_hold_the_readers_letter(page, site_url, letter, tmp_path) -> None:
    import docx
    from odf import dc, teletype, text
    from odf.opendocument import load as load_odt

    page.goto(site_url + letter)
    page.click("#filled-downloads [data-format=docx]")
    assert page.locator("#error-summary").is_visible()  # checked first, nothing downloaded
    fill_required(page)
    preview = preview_text(page)
    name, data = download(page, "#filled-downloads [data-format=txt]")
    assert name.endswith(".txt")
    txt = data.decode("utf-8")
    assert not LEFTOVERS.search(txt)
    assert " ".join(txt.split()).endswith(" ".join(preview.split()))

    name, data = download(page, "#filled-downloads [data-format=docx]")
    document = docx.Document(io.BytesIO(data))
    words = " ".join(" ".join(p.text for p in document.paragraphs).split())
    assert not LEFTOVERS.search(words) and "Alex Nilsson" in words
    assert document.core_properties.author == "Alex Nilsson"
    assert document.core_properties.language.startswith(letter[:2])

    name, data = download(page, "#filled-downloads [data-format=odt]")
    odt = load_odt(io.BytesIO(data))
    words = " ".join(teletype.extractText(p) for p in odt.text.getElementsByType(text.P))
    assert not LEFTOVERS.search(words) and "Alex Nilsson" in words
    assert teletype.extractText(odt.meta.getElementsByType(dc.Language)[0]).startswith(letter[:2])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"


def test_draft_saved_as_a_file_and_restored(page, site_url, tmp_path) -> None:
    page.goto(site_url + EMAIL_LETTER)
    page.fill("#field-role", "baker")
    page.fill("#field-your_name", "Kim Lee")
    name, data = download(page, "#draft-save")
    saved = tmp_path / name
    saved.write_bytes(data)
    assert json.loads(data)  # a small JSON file

    page.reload()
    page.set_input_files("#draft-file", str(saved))
    expect(page.locator("#field-role")).to_have_value("baker")
    assert page.input_value("#field-your_name") == "Kim Lee"
    expect(page.locator("#letter-status")).to_contain_text("saved answers have been filled in")

    page.fill("#field-role", "cook")  # something written: ask before replacing it
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.set_input_files("#draft-file", str(saved))
    expect(page.locator("#letter-status")).to_contain_text("Nothing has been changed")
    assert page.input_value("#field-role") == "cook"

    bad = tmp_path / "notes.json"
    bad.write_text("this is not JSON", "utf-8")
    page.set_input_files("#draft-file", str(bad))
    expect(page.locator("#letter-status")).to_contain_text("can't be read")
    assert page.input_value("#field-role") == "cook"

    page.goto(site_url + POST_LETTER)  # another letter's page refuses the file
    page.set_input_files("#draft-file", str(saved))
    expect(page.locator("#letter-status")).to_contain_text("annat brev")
    assert page.input_value("#field-your_name") == ""


def test_reminder_is_a_calendar_event_without_personal_data(page, site_url) -> None:
    import icalendar

    page.goto(site_url + SV_EMAIL_LETTER)
    page.fill("#field-your_name", "Kim Lee")
    name, data = download(page, "#remind-me")
    assert name.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(data)  # valid iCalendar, or this raises
    events = calendar.walk("VEVENT")
    assert len(events) == 1 and events[0].walk("VALARM")
    event = events[0]
    assert "Följ upp en ansökan" in str(event["SUMMARY"])
    assert "uppfoljning-av-ansokan" in str(event.get("URL", "")) + str(event["DESCRIPTION"])
    assert "Kim" not in data.decode("utf-8")  # no personal data
    start = event.decoded("DTSTART")
    day = start.date() if isinstance(start, dt.datetime) else start
    assert day == dt.date.today() + dt.timedelta(days=14)
