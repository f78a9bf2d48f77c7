"""Letter downloads (.docx, .odt, .pdf, .txt): content, page, metadata, determinism, LibreOffice."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from guidesite.discover import discover
from guidesite.downloads import FORMATS, DocumentMeta, document_meta, letter_downloads
from guidesite.letters import as_text
from guidesite.load import load
from guidesite.model import Letter

ROOT = Path(__file__).resolve().parent.parent
LETTERS = {
    "sv-post": ("sv", "aterkoppling-efter-intervju-brev"),
    "en-post": ("en", "feedback-after-interview-letter"),
    "en-email": ("en", "feedback-request-email"),
}
LANG_TAGS = {"sv": "sv-SE", "en": "en-GB"}


def squash(text: str) -> str:
    """Whitespace-normalised text: PDF extraction rewraps lines."""
    return " ".join(text.split())


def subject_line(letter: Letter, meta: DocumentMeta) -> str:
    labels = {f.name: f"[{f.label}]" for f in letter.fields}
    subject = "".join(p if isinstance(p, str) else labels[p.name] for p in letter.subject)
    return f"{meta.subject_label} {subject}"


@pytest.fixture(scope="module")
def site():
    site, problems = load(discover(ROOT / "content"))
    assert site is not None, problems
    return site


def meta_for(site, letter: Letter) -> DocumentMeta:
    """The metadata the build gives a letter's downloads."""
    return document_meta(site, letter)


@pytest.fixture(scope="module", params=sorted(LETTERS))
def case(request, site):
    """(letter, meta, downloads, expected paragraphs) for one real letter."""
    lang, slug = LETTERS[request.param]
    letter = next(i for i in site.items if i.kind == "letter" and i.lang == lang
                  and i.slug == slug)
    meta = meta_for(site, letter)
    text = as_text(letter)
    assert "[" in text and "{" not in text  # the letter has blanks, all shown as [Label]
    paragraphs = text.rstrip("\n").split("\n\n")
    if not letter.subject_in_body:  # an e-mail starts with its subject line
        paragraphs.insert(0, subject_line(letter, meta))
    else:  # a posted letter's typed name stands apart, below the space for the signature
        closing, name = paragraphs.pop().rsplit("\n", 1)
        paragraphs += [closing, name]
    return letter, meta, letter_downloads(letter, meta), paragraphs


def subject_at(letter: Letter) -> int:
    """Index of the subject paragraph: first in an e-mail, where `{subject}` stands in a letter."""
    return next((n for n, p in enumerate(letter.paragraphs) if p.is_subject), 0)


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True, timeout=60).stdout
    import pypdf
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_formats(case):
    _, _, downloads, _ = case
    assert tuple(downloads) == FORMATS
    assert all(isinstance(data, bytes) and data for data in downloads.values())


def test_txt(case):
    letter, meta, downloads, paragraphs = case
    expected = "\n\n".join(paragraphs) + "\n"
    if letter.channel == "post":  # three empty lines to sign in, above the typed name
        expected = expected[:expected.rindex("\n\n")] + "\n\n\n\n" + paragraphs[-1] + "\n"
    assert downloads["txt"].decode("utf-8") == expected
    assert b"\r" not in downloads["txt"]


def test_blank_templates_have_no_author(case):
    _, meta, downloads, _ = case
    assert meta.author == ""  # never the site's name: the reader is the author


def test_posted_letter_layout(site):
    """Signature space above the typed name; a British letter's sender and date on the right."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for lang, slug in (LETTERS["sv-post"], LETTERS["en-post"]):
        letter = next(i for i in site.items if i.kind == "letter" and i.slug == slug)
        made = letter_downloads(letter, meta_for(site, letter))
        document = docx.Document(io.BytesIO(made["docx"]))
        paragraphs = document.paragraphs
        assert paragraphs[-1].text == "[" + letter.label("your_name") + "]"
        gaps = [p.paragraph_format.space_before.pt for p in paragraphs]
        assert gaps[-1] >= 3 * gaps[-2] > 0
        right = [p.text.split("\n")[0] for p in paragraphs
                 if p.alignment == WD_ALIGN_PARAGRAPH.RIGHT]
        assert right == ([] if lang == "sv" else ["[Your name]", "[Today’s date]"])


def test_pdf_is_tagged_for_screen_readers(case, tmp_path):
    import pypdf

    letter, meta, downloads, _ = case
    path = tmp_path / "letter.pdf"
    path.write_bytes(downloads["pdf"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    assert "Tagged:          yes" in info
    assert f"Title:           {meta.title}" in info
    tree = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    kinds = [line.split()[0] for line in tree.splitlines() if line.strip()]
    assert kinds[0] == "Document" and kinds.count("H1") == 1
    assert kinds.count("P") >= 6
    root = pypdf.PdfReader(path).trailer["/Root"]
    assert root["/Lang"] == meta.lang
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 - a PDF boolean
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712


def test_docx(case):
    import docx
    from docx.oxml.ns import qn

    letter, meta, downloads, paragraphs = case
    document = docx.Document(io.BytesIO(downloads["docx"]))
    # python-docx reads a <w:br/> inside a paragraph as "\n"
    assert [p.text for p in document.paragraphs] == paragraphs
    at = subject_at(letter)
    assert all(run.bold for run in document.paragraphs[at].runs if run.text)
    assert not any(run.bold for run in document.paragraphs[at + 1].runs)
    assert any("\n" in text for text in paragraphs)  # so line breaks were checked too

    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    for margin in (section.top_margin, section.bottom_margin, section.left_margin,
                   section.right_margin):
        assert 20 <= margin.mm <= 30

    normal = document.styles["Normal"]
    assert normal.font.name in ("Liberation Sans", "DejaVu Sans")
    assert normal.font.size.pt == 11
    lang = normal.element.rPr.find(qn("w:lang"))
    assert lang is not None and lang.get(qn("w:val")) == LANG_TAGS[meta.lang]

    properties = document.core_properties
    midnight = dt.datetime.combine(meta.date, dt.time())
    assert properties.title == meta.title == letter.title
    assert properties.language == meta.lang
    assert properties.author == meta.author
    stamps = (properties.created, properties.modified, properties.last_printed)
    # python-docx reads some of these as UTC-aware, some as naive: all are written as ...Z
    assert {stamp.replace(tzinfo=None) for stamp in stamps} == {midnight}
    assert properties.revision == 1


def test_odt(case):
    from odf import dc, teletype, text
    from odf.namespaces import FONS, STYLENS
    from odf.opendocument import load as load_odt
    from odf.style import DefaultStyle, PageLayoutProperties, Style, TextProperties

    letter, meta, downloads, paragraphs = case
    archive = zipfile.ZipFile(io.BytesIO(downloads["odt"]))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"

    document = load_odt(io.BytesIO(downloads["odt"]))
    found = document.text.getElementsByType(text.P)
    assert [teletype.extractText(p) for p in found] == paragraphs
    assert any(p.getElementsByType(text.LineBreak) for p in found)

    styles = {s.getAttrNS(STYLENS, "name"): s for s in [
        *document.styles.getElementsByType(Style),
        *document.automaticstyles.getElementsByType(Style)]}
    subject_style = styles[found[subject_at(letter)].getAttrNS(text.TEXTNS, "style-name")]
    weights = [t.getAttrNS(FONS, "font-weight")
               for t in subject_style.getElementsByType(TextProperties)]
    assert "bold" in weights

    default = next(s for s in document.styles.getElementsByType(DefaultStyle)
                   if s.getAttrNS(STYLENS, "family") == "paragraph")
    properties = default.getElementsByType(TextProperties)[0]
    language, region = LANG_TAGS[meta.lang].split("-")
    assert properties.getAttrNS(FONS, "language") == language
    assert properties.getAttrNS(FONS, "country") == region

    page = document.automaticstyles.getElementsByType(PageLayoutProperties)[0]
    assert page.getAttrNS(FONS, "page-width") == "210mm"
    assert page.getAttrNS(FONS, "page-height") == "297mm"

    assert teletype.extractText(document.meta.getElementsByType(dc.Title)[0]) == meta.title
    assert teletype.extractText(document.meta.getElementsByType(dc.Language)[0]) == meta.lang
    assert teletype.extractText(document.meta.getElementsByType(dc.Creator)[0]) == meta.author
    assert teletype.extractText(document.meta.getElementsByType(dc.Date)[0]).startswith(
        meta.date.isoformat())


def test_pdf(case, tmp_path):
    import pypdf

    _, meta, downloads, paragraphs = case
    path = tmp_path / "letter.pdf"
    path.write_bytes(downloads["pdf"])
    assert squash(pdf_text(path)) == squash("\n".join(paragraphs))

    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) <= 1 and abs(float(box.height) - 842) <= 1
    assert reader.trailer["/Root"]["/Lang"] == meta.lang
    assert reader.metadata.title == meta.title
    assert reader.metadata.author == meta.author
    assert reader.metadata["/CreationDate"].startswith(f"D:{meta.date:%Y%m%d}")

    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in (ref.get_object() for ref in fonts.values()):
        descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for part in descendants:
            descriptor = part["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), part["/BaseFont"]


def test_same_bytes_twice(case):
    letter, meta, downloads, _ = case
    assert letter_downloads(letter, meta) == downloads


def test_zip_timestamps_from_meta(case):
    _, meta, downloads, _ = case
    for name in ("docx", "odt"):
        with zipfile.ZipFile(io.BytesIO(downloads[name])) as archive:
            stamps = {info.date_time for info in archive.infolist()}
        assert stamps == {(meta.date.year, meta.date.month, meta.date.day, 0, 0, 0)}, name


CHILD = """
import hashlib, json, sys
from pathlib import Path
from guidesite.discover import discover
from guidesite.downloads import DocumentMeta, letter_downloads
from guidesite.load import load
site, _ = load(discover(Path(sys.argv[1])))
out = {}
for lang, slug in reversed(json.loads(sys.argv[2])):  # each after others than in the parent
    letter = next(i for i in site.items if i.kind == "letter" and i.lang == lang
                  and i.slug == slug)
    meta = DocumentMeta(letter.title, site.strings[lang].values["letter_subject"],
                        "", letter.updated or letter.date, lang)
    for name, data in letter_downloads(letter, meta).items():
        out[f"{slug}.{name}"] = hashlib.sha256(data).hexdigest()
print(json.dumps(out))
"""


@pytest.mark.slow
def test_same_bytes_in_another_process(site):
    """A fresh process, another hash seed and time zone, later clock, the letters made in
    another order (a process reuses its set-up documents): the same bytes."""
    expected = {}
    for lang, slug in LETTERS.values():
        letter = next(i for i in site.items if i.kind == "letter" and i.lang == lang
                      and i.slug == slug)
        for name, data in letter_downloads(letter, meta_for(site, letter)).items():
            expected[f"{slug}.{name}"] = hashlib.sha256(data).hexdigest()
    env = os.environ | {"PYTHONHASHSEED": "12345", "TZ": "America/Los_Angeles",
                        "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "content"), json.dumps(list(LETTERS.values()))],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


@pytest.fixture(scope="module")
def soffice(tmp_path_factory):
    """LibreOffice and a private profile, so parallel test runs don't share one."""
    program = shutil.which("soffice")
    if program is None:
        pytest.skip("soffice (LibreOffice, Debian package libreoffice-writer-nogui) "
                    "is not on PATH: cannot check that LibreOffice opens the downloads")
    profile = tmp_path_factory.mktemp("lo-profile")
    return [program, f"-env:UserInstallation={profile.as_uri()}", "--headless"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_libreoffice_converts(case, fmt, soffice, tmp_path):
    import pypdf

    letter, meta, downloads, paragraphs = case
    source = tmp_path / f"{letter.slug}.{fmt}"
    source.write_bytes(downloads[fmt])
    out = tmp_path / "out"
    result = subprocess.run([*soffice, "--convert-to", "pdf", "--outdir", str(out), str(source)],
                            capture_output=True, text=True, timeout=180)
    produced = out / f"{letter.slug}.pdf"
    assert result.returncode == 0 and produced.exists(), result.stdout + result.stderr
    text = squash(pdf_text(produced))
    assert squash(paragraphs[0]) in text
    assert squash(paragraphs[-1]) in text
    reader = pypdf.PdfReader(produced)
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) <= 1 and abs(float(box.height) - 842) <= 1
    assert len(reader.pages) == 1
    assert reader.metadata.title == meta.title
