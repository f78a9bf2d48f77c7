"""The reader's own letter files made in the browser (templates/static/letter-files.js).

Each file is made in headless Chromium, brought back as bytes and read with real readers:
zipfile, python-docx, odfpy, LibreOffice, icalendar; drafts go back through `readDraft`.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import icalendar
import pytest
from lxml import etree

from conftest import ROOT

pytestmark = pytest.mark.browser

SCRIPT = ROOT / "templates" / "static" / "letter-files.js"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'")
PAGE = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>Letter files</title><link rel="icon" href="data:,">
<script src="letter-files.js"></script></head>
<body><input id="your-name" value="Alex Åberg-O&apos;Neill"></body></html>
"""
NAME = "Alex Åberg-O'Neill"
TITLE = 'Följ upp din ansökan & "svar" <snart>'
LETTER = {
    "lang": "sv", "dir": "ltr", "title": TITLE, "author": NAME,
    "filename": "folj-upp-din-ansokan",
    "blocks": [
        {"lines": [NAME, "Storgatan 1 <b>", "123 45 Örebro"], "align": "start"},
        {"lines": ["Örebro, 3 december 2026"], "align": "end"},
        {"lines": ['Ansökan & uppföljning: "lager" \'nu\''], "bold": True},
        {"lines": ["Hej!"]},
        {"lines": ["Jag söker jobbet som <lagerarbetare> hos Smith & Söner 😀.",
                   "Telefon:  070-123 45 67"]},
        {"lines": ["Med vänliga hälsningar"]},
        {"lines": [NAME], "gap": 3},
    ],
}
"""A Swedish letter with everything XML must escape, an emoji, a double space, a signature gap."""
PARAGRAPHS = ["\n".join(block["lines"]) for block in LETTER["blocks"]]
GAPS = [0, 1, 1, 1, 1, 1, 3]
ARABIC = {
    "lang": "ar", "dir": "rtl", "title": "رسالة متابعة", "author": "", "filename": "ar",
    "blocks": [{"lines": ["مرحبا سارة"]}, {"lines": ["مع أطيب التحيات"], "align": "end"}],
}
MAKE = """async ([kind, argument]) => {
  const blob = LetterFiles[kind](argument);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return {data: btoa(binary), type: blob.type, name: blob.name || null};
}"""


@pytest.fixture(scope="module")
def files_url(tmp_path_factory, serve_dir) -> str:
    """A page with the module alone, under the site's Content Security Policy."""
    folder = tmp_path_factory.mktemp("letter-files")
    shutil.copy(SCRIPT, folder / SCRIPT.name)
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    return serve_dir(folder)


@pytest.fixture(scope="module")
def page(browser, files_url):
    """One page for the module: the functions keep no state between calls."""
    context = browser.new_context()
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(files_url)
    yield page
    context.close()


def make(page, kind: str, argument: dict) -> tuple[bytes, dict]:
    """The file `LetterFiles[kind](argument)` makes, as bytes, and its type and name."""
    result = page.evaluate(MAKE, [kind, argument])
    return base64.b64decode(result["data"]), result


def stored_zip(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None  # every CRC-32 right
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    for name in archive.namelist():  # Word refuses a file with a part that is not XML
        if name.endswith((".xml", ".rels")):
            etree.fromstring(archive.read(name))
    return archive


# --- .docx -------------------------------------------------------------------------------------

def test_docx_holds_the_letter_as_word_reads_it(page) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    data, info = make(page, "docx", LETTER)
    assert info["name"] == "folj-upp-din-ansokan.docx"
    assert info["type"] == ("application/vnd.openxmlformats-officedocument"
                            ".wordprocessingml.document")
    stored_zip(data)
    document = docx.Document(io.BytesIO(data))
    paragraphs = document.paragraphs
    assert [p.text for p in paragraphs] == PARAGRAPHS
    assert [p.paragraph_format.space_before for p in paragraphs] == [Pt(12 * g) for g in GAPS]
    assert [p.alignment for p in paragraphs] == [
        None, WD_ALIGN_PARAGRAPH.RIGHT, None, None, None, None, None]
    assert [all(run.bold for run in p.runs) for p in paragraphs] == [
        False, False, True, False, False, False, False]

    properties = document.core_properties
    assert (properties.title, properties.author, properties.language) == (
        TITLE, NAME, "sv")
    assert abs(properties.created - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert {round(side.mm) for side in (section.left_margin, section.right_margin,
                                        section.top_margin, section.bottom_margin)} == {25}
    defaults = document.styles.element.find(qn("w:docDefaults")).find(
        qn("w:rPrDefault") + "/" + qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "sv-SE"
    assert defaults.find(qn("w:rFonts")).get(qn("w:ascii")) == "Liberation Sans"
    assert defaults.find(qn("w:sz")).get(qn("w:val")) == "22"  # 11 pt, as the template


def test_docx_right_to_left_and_without_an_author(page) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    data, info = make(page, "docx", ARABIC)
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == ["مرحبا سارة", "مع أطيب التحيات"]
    for paragraph in document.paragraphs:
        assert paragraph._p.pPr.find(qn("w:bidi")) is not None
    # Word reads jc right in a right-to-left paragraph as its end: the left margin.
    assert document.paragraphs[1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None
    language = document.styles.element.find(qn("w:docDefaults")).find(
        ".//" + qn("w:lang"))
    assert language.get(qn("w:bidi")) == "ar"
    properties = document.core_properties
    assert (properties.author, properties.language, properties.title) == ("", "ar", "رسالة متابعة")


# --- .odt --------------------------------------------------------------------------------------

def odt_paragraph_styles(document) -> list[dict[str, str]]:
    """Each text paragraph's margin-top, text-align and font-weight from its automatic style."""
    from odf.namespaces import FONS, STYLENS, TEXTNS
    from odf.style import ParagraphProperties, Style, TextProperties
    from odf.text import P

    styles = {s.getAttrNS(STYLENS, "name"): s
              for s in document.automaticstyles.getElementsByType(Style)}
    out = []
    for paragraph in document.text.getElementsByType(P):
        style = styles[paragraph.getAttrNS(TEXTNS, "style-name")]
        assert style.getAttrNS(STYLENS, "parent-style-name") == "Standard"
        layout = style.getElementsByType(ParagraphProperties)[0]
        text = style.getElementsByType(TextProperties)
        out.append({"margin-top": layout.getAttrNS(FONS, "margin-top"),
                    "text-align": layout.getAttrNS(FONS, "text-align"),
                    "font-weight": text[0].getAttrNS(FONS, "font-weight") if text else None})
    return out


def odt_meta(document) -> dict[str, str]:
    from odf import teletype

    return {element.qname[1]: teletype.extractText(element)
            for element in document.meta.childNodes}


def test_odt_holds_the_letter_as_odfpy_reads_it(page) -> None:
    from odf import teletype
    from odf.namespaces import FONS, STYLENS
    from odf.opendocument import load
    from odf.style import DefaultStyle, PageLayoutProperties, TextProperties
    from odf.text import P

    data, info = make(page, "odt", LETTER)
    assert info["name"] == "folj-upp-din-ansokan.odt"
    archive = stored_zip(data)
    assert archive.namelist()[0] == "mimetype"
    # ODF: `mimetype` first, stored, without extra field, so its text sits at offset 38.
    assert data[30:38] == b"mimetype"
    assert data[38:77] == b"application/vnd.oasis.opendocument.text"

    document = load(io.BytesIO(data))
    paragraphs = document.text.getElementsByType(P)
    assert [teletype.extractText(p) for p in paragraphs] == PARAGRAPHS
    assert odt_paragraph_styles(document) == [
        {"margin-top": f"{12 * gap}pt", "text-align": align, "font-weight": weight}
        for gap, align, weight in zip(GAPS, ["left", "right"] + ["left"] * 5,
                                      [None, None, "bold", None, None, None, None],
                                      strict=True)]
    assert odt_meta(document) == {
        "title": TITLE, "language": "sv", "initial-creator": NAME,
        "creator": NAME, "creation-date": odt_meta(document)["date"],
        "date": odt_meta(document)["date"]}
    default = document.styles.getElementsByType(DefaultStyle)[0]
    text = default.getElementsByType(TextProperties)[0]
    assert (text.getAttrNS(FONS, "language"), text.getAttrNS(FONS, "country"),
            text.getAttrNS(STYLENS, "font-name"), text.getAttrNS(FONS, "font-size")) == (
        "sv", "SE", "Liberation Sans", "11pt")
    page_layout = document.automaticstyles.getElementsByType(PageLayoutProperties)[0]
    assert [page_layout.getAttrNS(FONS, side) for side in (
        "page-width", "page-height", "margin-top", "margin-bottom", "margin-left",
        "margin-right")] == ["210mm", "297mm", "25mm", "25mm", "25mm", "25mm"]


def test_odt_right_to_left_and_without_an_author(page) -> None:
    from odf import teletype
    from odf.namespaces import STYLENS
    from odf.opendocument import load
    from odf.style import PageLayoutProperties, ParagraphProperties, Style
    from odf.text import P

    data, _ = make(page, "odt", ARABIC)
    document = load(io.BytesIO(data))
    assert [teletype.extractText(p) for p in document.text.getElementsByType(P)] == [
        "مرحبا سارة", "مع أطيب التحيات"]
    standard = next(s for s in document.styles.getElementsByType(Style)
                    if s.getAttrNS(STYLENS, "name") == "Standard")
    assert standard.getElementsByType(ParagraphProperties)[0].getAttrNS(
        STYLENS, "writing-mode") == "rl-tb"
    assert document.automaticstyles.getElementsByType(PageLayoutProperties)[0].getAttrNS(
        STYLENS, "writing-mode") == "rl-tb"
    meta = odt_meta(document)
    assert meta["language"] == "ar" and "creator" not in meta and "initial-creator" not in meta
    # The sides of the page, as LibreOffice reads "start" and "end" as left and right.
    assert [style["text-align"] for style in odt_paragraph_styles(document)] == ["right", "left"]


# --- LibreOffice -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def libreoffice(browser, files_url, tmp_path_factory) -> dict[str, dict]:
    """`{"sv.docx": {"text": ..., "pdf": path}, ...}`: four documents converted by LibreOffice,
    to text and to PDF, each in one run."""
    program = shutil.which("soffice")
    if program is None:
        pytest.skip("soffice (LibreOffice, Debian package libreoffice-writer-nogui) is not on "
                    "PATH: cannot check that LibreOffice opens the letter files")
    folder = tmp_path_factory.mktemp("lo-files")
    context = browser.new_context()
    page = context.new_page()
    page.goto(files_url)
    sources = []
    for lang, doc in (("sv", LETTER), ("ar", ARABIC)):
        for kind in ("docx", "odt"):
            source = folder / f"{lang}-{kind}.{kind}"
            source.write_bytes(make(page, kind, doc)[0])
            sources.append(source)
    context.close()
    profile = tmp_path_factory.mktemp("lo-profile")
    out = folder / "out"
    for target in ("txt:Text (encoded):UTF8", "pdf"):
        result = subprocess.run(
            [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
             target, "--outdir", str(out), *map(str, sources)],
            capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    converted = {}
    for source in sources:
        text, pdf = out / f"{source.stem}.txt", out / f"{source.stem}.pdf"
        assert text.exists() and pdf.exists(), f"LibreOffice did not convert {source.name}"
        lang, kind = source.stem.split("-")
        converted[f"{lang}.{kind}"] = {"text": text.read_text("utf-8-sig"), "pdf": pdf}
    return converted


def pdf_lines(pdf: Path) -> list[tuple[float, float]]:
    """(left, right) edge in points of each line of text on the first page, top to bottom."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    lines: dict[float, list[float]] = {}
    for x_min, y_min, x_max in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"', out):
        lines.setdefault(round(float(y_min)), []).extend([float(x_min), float(x_max)])
    return [(min(edges), max(edges)) for _, edges in sorted(lines.items())]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_libreoffice_opens_the_letter(libreoffice, kind) -> None:
    from pypdf import PdfReader

    lines = [line.rstrip("\r") for line in libreoffice[f"sv.{kind}"]["text"].split("\n")]
    for paragraph in PARAGRAPHS:
        for line in paragraph.split("\n"):
            assert line in lines
    assert lines.index("Hej!") < lines.index("Med vänliga hälsningar")
    pdf = PdfReader(libreoffice[f"sv.{kind}"]["pdf"])
    assert len(pdf.pages) == 1
    assert [round(float(v)) for v in pdf.pages[0].mediabox[2:]] == [595, 842]  # A4
    middle = 595 / 2
    sender, _, _, date, *_ = pdf_lines(libreoffice[f"sv.{kind}"]["pdf"])
    assert sender[0] == pytest.approx(25 / 25.4 * 72, abs=2)  # the 25 mm margin
    assert date[0] > middle  # aligned to the end

    assert "مرحبا سارة" in libreoffice[f"ar.{kind}"]["text"]
    greeting, closing = pdf_lines(libreoffice[f"ar.{kind}"]["pdf"])
    assert greeting[0] > middle and closing[1] < middle  # start is right, end is left


# --- .txt --------------------------------------------------------------------------------------

def test_txt_is_utf8_with_lf_and_gaps_as_blank_lines(page) -> None:
    data, info = make(page, "txt", LETTER)
    assert info["name"] == "folj-upp-din-ansokan.txt"
    assert info["type"] == "text/plain;charset=utf-8"
    assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8") == (
        "Alex Åberg-O'Neill\nStorgatan 1 <b>\n123 45 Örebro\n\n"
        "Örebro, 3 december 2026\n\n"
        "Ansökan & uppföljning: \"lager\" 'nu'\n\n"
        "Hej!\n\n"
        "Jag söker jobbet som <lagerarbetare> hos Smith & Söner 😀.\nTelefon:  070-123 45 67\n\n"
        "Med vänliga hälsningar\n\n\n\n"
        "Alex Åberg-O'Neill\n")


def test_line_breaks_inside_a_line_and_default_gaps(page) -> None:
    doc = {"lang": "en", "dir": "ltr", "title": "t", "author": "", "filename": "",
           "blocks": [{"lines": ["a\r\nb"]}, {"lines": ["c"], "align": "middle"}]}
    data, info = make(page, "txt", doc)
    assert data == b"a\nb\n\nc\n"
    assert info["name"] is None  # no file name: a plain Blob


# --- .ics --------------------------------------------------------------------------------------

REMINDER = {
    "title": "Följ upp din ansökan; hör av dig, om du inte har fått svar – en lång rubrik 😀",
    "url": "https://example.org/guide/sv/brev/uppfoljning-av-ansokan/",
    "description": "Dags att följa upp din ansökan, om du inte har fått svar.\nLycka till!",
    "lang": "sv", "days": 7,
}


def test_ics_is_a_valid_reminder_with_an_alarm(page) -> None:
    data, info = make(page, "ics", REMINDER)
    assert info["type"] == "text/calendar;charset=utf-8"
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75 and any(line.startswith(b" ") for line in lines)
    calendar = icalendar.Calendar.from_ical(data)
    assert (str(calendar["VERSION"]), bool(calendar["PRODID"])) == ("2.0", True)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == REMINDER["title"]
    assert event["SUMMARY"].params["LANGUAGE"] == "sv"
    assert str(event["URL"]) == REMINDER["url"]
    assert str(event["DESCRIPTION"]) == REMINDER["description"] + "\n\n" + REMINDER["url"]
    assert str(event["UID"]).endswith("@example.org") and len(str(event["UID"])) > 40
    assert event["DTSTAMP"].dt.tzinfo is not None
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert start.tzinfo is None  # floating: 09:00 wherever the reader is
    assert start == dt.datetime.combine(dt.date.today() + dt.timedelta(days=7), dt.time(9))
    assert end - start == dt.timedelta(minutes=15)
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    assert (str(alarms[0]["ACTION"]), alarms[0]["TRIGGER"].dt) == ("DISPLAY", dt.timedelta(0))
    assert str(alarms[0]["DESCRIPTION"]) == REMINDER["title"]
    # Nothing of the reader: only what the reminder was given, though the page holds a name.
    assert set(event) == {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL",
                          "TRANSP"}
    assert NAME.encode() not in data


def test_ics_uids_differ_and_days_must_be_whole(page) -> None:
    uids = {str(icalendar.Calendar.from_ical(make(page, "ics", REMINDER)[0]).walk("VEVENT")[0][
        "UID"]) for _ in range(2)}
    assert len(uids) == 2
    error = page.evaluate("""reminder => {
      try { LetterFiles.ics(reminder); } catch (e) { return e.name; }
    }""", {**REMINDER, "days": 1.5})
    assert error == "RangeError"


# --- draft -------------------------------------------------------------------------------------

FIELDS = ["your_name", "company", "question"]


def read_draft(page, text: str, key: str = "folj-upp") -> dict:
    """readDraft's result, or the error it throws as {code, title, message}."""
    return page.evaluate("""([text, key, fields]) => {
      try { return LetterFiles.readDraft(text, {key: key, fields: fields}); }
      catch (e) { return {code: e.code, title: e.title, message: e.message}; }
    }""", [text, key, FIELDS])


def test_draft_round_trip(page) -> None:
    values = {"your_name": NAME, "company": 'Smith & Söner "AB"',
              "question": "Hur gick det?\nTack! 😀"}
    data, info = make(page, "draft", {"key": "folj-upp", "lang": "en",
                                      "title": "Följ upp din ansökan", "values": values})
    assert info["type"] == "application/json"
    saved = json.loads(data.decode("utf-8"))
    assert (saved["format"], saved["version"], saved["letter"], saved["lang"],
            saved["title"], saved["values"]) == (
        "letter-draft", 1, "folj-upp", "en", "Följ upp din ansökan", values)
    saved_at = dt.datetime.fromisoformat(saved["saved"])
    assert abs(saved_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert read_draft(page, data.decode("utf-8")) == {"lang": "en", "values": values}
    # A draft that went through an editor that adds a byte order mark still opens.
    assert read_draft(page, "\ufeff" + data.decode("utf-8"))["values"] == values


def test_read_draft_keeps_only_known_fields_as_strings(page) -> None:
    text = json.dumps({"format": "letter-draft", "version": 1, "letter": "folj-upp",
                       "lang": 3, "values": {"your_name": "Kim", "company": 42,
                                             "constructor": "x", "__proto__": {"a": 1},
                                             "script": "<script>"}})
    assert read_draft(page, text) == {"lang": "", "values": {"your_name": "Kim"}}


@pytest.mark.parametrize(("text", "code"), [
    ("this is not json {", "not-json"),
    ("", "not-json"),
    ("[]", "not-a-draft"),
    ("null", "not-a-draft"),
    ('"letter-draft"', "not-a-draft"),
    ('{"format": "something-else", "version": 1, "letter": "folj-upp", "values": {}}',
     "not-a-draft"),
    ('{"format": "letter-draft", "version": "1", "letter": "folj-upp", "values": {}}',
     "not-a-draft"),
    ('{"format": "letter-draft", "version": 1, "letter": "folj-upp"}', "not-a-draft"),
    ('{"format": "letter-draft", "version": 2, "letter": "folj-upp", "values": {}}',
     "newer-version"),
])
def test_read_draft_refuses_what_is_not_a_draft_of_this_letter(page, text, code) -> None:
    result = read_draft(page, text)
    assert result["code"] == code and result["message"]


def test_read_draft_names_the_other_letter(page) -> None:
    data, _ = make(page, "draft", {"key": "tack-for-intervjun", "lang": "sv",
                                   "title": "Tack för intervjun", "values": {"your_name": "K"}})
    result = read_draft(page, data.decode("utf-8"))
    assert (result["code"], result["title"]) == ("other-letter", "Tack för intervjun")


# --- save, and the page as a whole -------------------------------------------------------------

def test_save_downloads_the_file_and_revokes_its_url(browser, files_url) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.clock.install()
    page.goto(files_url)
    page.evaluate("""() => {
      const create = URL.createObjectURL, revoke = URL.revokeObjectURL;
      window.made = [];
      window.revoked = [];
      URL.createObjectURL = blob => { made.push(create.call(URL, blob)); return made.at(-1); };
      URL.revokeObjectURL = url => { revoked.push(url); revoke.call(URL, url); };
    }""")
    with page.expect_download() as download_info:
        page.evaluate("doc => LetterFiles.save(LetterFiles.txt(doc))", LETTER)
    download = download_info.value
    assert download.suggested_filename == "folj-upp-din-ansokan.txt"
    assert Path(download.path()).read_text("utf-8").startswith(NAME + "\n")
    assert page.evaluate("[made.length, revoked.length]") == [1, 0]  # not before it is read
    page.clock.run_for(11_000)
    assert page.evaluate("revoked") == page.evaluate("made")
    assert page.locator("a").count() == 0  # the link is gone
    with page.expect_download() as download_info:  # a name given wins over the File's own
        page.evaluate("doc => LetterFiles.save(LetterFiles.txt(doc), 'mitt brev.txt')", LETTER)
    assert download_info.value.suggested_filename == "mitt brev.txt"
    context.close()


def test_everything_is_made_in_the_page_alone(page, files_url) -> None:
    for kind, argument in (("docx", LETTER), ("odt", ARABIC), ("txt", LETTER),
                           ("ics", REMINDER), ("draft", {"key": "k", "lang": "sv", "title": "t",
                                                         "values": {}})):
        make(page, kind, argument)
    assert page.requests and all(url.startswith(files_url) for url in page.requests)
    assert page.errors == []  # no script error, no Content Security Policy violation
