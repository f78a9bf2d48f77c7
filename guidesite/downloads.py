"""Printable downloads of a letter template: .docx, .odt, .pdf and .txt, blanks shown as `[Label]`.

Every format holds the same text: `as_text(letter)`, one paragraph per letter paragraph with its
line breaks kept, and the subject line: first (`Ämne: …`) for an e-mail, or, in bold, where a
paper letter's `{subject}` paragraph places it.

Cost per letter (measured on 48 letters): .txt < 1 ms, .odt ~2 ms, .docx ~9 ms, .pdf ~20 ms,
plus, once per process, ~0.4 s to import WeasyPrint and ~50 ms each for python-docx and odfpy.

Each letter's downloads are kept in the build's cache by the fingerprint of what they show and
of the code and libraries that make them (`letter_files`), so only a changed letter costs.

Determinism: the same letter and `DocumentMeta` always give the same bytes, whatever the clock,
the process or the hash seed, so a rebuild does not change unchanged downloads.

- Every date written (document properties, PDF info) is `meta.date` at 00:00, never the clock.
- .docx and .odt are zip files whose entries python-docx and odfpy stamp with the current time:
  `_fixed_zip` sets every header's date to `meta.date` and its permissions and creator system
  to fixed values, keeping the library's (stable) entry order and compressed bytes.
- odfpy declares on each XML file's root every namespace used so far by any document in the
  process (a class-level dict); `odt_bytes` resets that dict to odfpy's full, fixed list first.
- .pdf: WeasyPrint 70 only writes `/CreationDate` and `/ModDate` from the HTML's
  `dcterms.created` / `dcterms.modified` meta tags when rendering a string, so we set both from
  `meta.date`. The trailer `/ID` is written only when asked for: `pdf_identifier=True` makes
  pydyf use the MD5 of the file's own bytes, which is stable. Font subset names are an MD5 of the
  font description and no XMP (with its random `uuid4` document ID, PDF/X-4 only) is written.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import struct
import sys
from dataclasses import dataclass
from functools import cache

from . import letters as letters_module
from .cache import Cache, code_version, fingerprint
from .letters import SIGNATURE_GAP, align, fill, roles
from .model import Letter, Site

FORMATS = ("docx", "odt", "pdf", "txt")
FONT = "Liberation Sans"
"""Font family of the office formats: metric-compatible with Arial, installed with LibreOffice."""
PDF_FONTS = '"DejaVu Sans", "Liberation Sans", sans-serif'
LINE_PT = 14
"""One empty line of 11 pt text, in points: the unit of a block's `gap`."""
LINE_EM = 1.4
_REGIONS = {"sv": "SE", "en": "GB"}
"""Default region of a bare language code, for spell checking in word processors."""


@dataclass(frozen=True)
class DocumentMeta:
    """What the downloads say about themselves, apart from the letter."""

    title: str
    """The letter's title, shown as the document title."""
    subject_label: str
    """Put before the subject line: `Ämne:` / `Subject:`."""
    author: str
    """The document's author: empty for a blank template (never the site's name)."""
    date: dt.date
    """Creation and modification date of the documents (the letter's `updated` or `date`)."""
    lang: str
    """BCP 47 language tag of the letter: `sv`."""


@dataclass(frozen=True)
class Block:
    """One paragraph of a download: its lines (joined by line breaks), where it sits, whether it
    is bold (the subject line), and how many empty lines come before it. The browser's filled
    downloads (`LetterFiles` in letter-files.js) take the same shape."""

    lines: tuple[str, ...]
    align: str = "start"
    bold: bool = False
    gap: int = 1
    heading: bool = False
    """The subject line: a heading in the tagged PDF's structure."""


def letter_downloads(letter: Letter, meta: DocumentMeta) -> dict[str, bytes]:
    """format -> file content of the letter template, blanks shown as [Label]."""
    blocks = letter_blocks(letter, meta)
    return {
        "docx": docx_bytes(blocks, meta),
        "odt": odt_bytes(blocks, meta),
        "pdf": pdf_bytes(blocks, meta),
        "txt": txt_bytes(blocks),
    }


def letter_files(site: Site, letter: Letter, cache: Cache) -> dict[str, bytes]:
    """`<slug>.<format>` -> bytes of each download, from the cache when the letter is unchanged."""
    meta = document_meta(site, letter)
    key = _downloads_key(meta, letter)
    found = {fmt: cache.get(f"{key}.{fmt}") for fmt in FORMATS}
    if any(data is None for data in found.values()):
        found = letter_downloads(letter, meta)
        for fmt, data in found.items():
            cache.put(f"{key}.{fmt}", data)
    return {download_name(letter.slug, fmt): found[fmt] for fmt in FORMATS}


def download_name(slug: str, fmt: str) -> str:
    """A letter's download file, beside its page: `be-om-feedback.docx`."""
    return f"{slug}.{fmt}"


def downloads_missing(site: Site, letters: list[Letter], cache: Cache) -> bool:
    """Whether some letter's downloads must be made (they are not in the cache)."""
    keys = (_downloads_key(document_meta(site, letter), letter) for letter in letters)
    return any(not cache.has(f"{key}.{fmt}") for key in keys for fmt in FORMATS)


def document_meta(site: Site, letter: Letter) -> DocumentMeta:
    """What the letter's downloads say about themselves, in the letter's language."""
    return DocumentMeta(title=letter.title,
                        subject_label=site.strings[letter.lang].values["letter_subject"],
                        author="", date=letter.updated or letter.date,
                        lang=letter.lang)


def _downloads_key(meta: DocumentMeta, letter: Letter) -> str:
    return fingerprint(DOWNLOADS_CODE, meta, letter.subject, letter.paragraphs, letter.fields)


DOWNLOADS_CODE = code_version(sys.modules[__name__], letters_module,
                              packages=("python-docx", "odfpy", "weasyprint", "pydyf"))
"""Changes when the code or libraries that make the downloads change, invalidating the cache."""


def letter_blocks(letter: Letter, meta: DocumentMeta) -> list[Block]:
    """The blank template's paragraphs, blanks as `[Label]`, laid out as the letter is sent.

    An e-mail starts with `Subject: ...`; a paper letter places its subject itself with a
    `{subject}` paragraph, sets sender and date where the language's convention puts them
    (`letters.align`) and leaves room for the signature above the typed name.
    """
    subject = fill(letter.subject, letter.blank)
    blocks: list[Block] = [] if letter.subject_in_body else [
        Block((f"{meta.subject_label} {subject}",), bold=True, gap=0, heading=True)]
    for paragraph, role in zip(letter.paragraphs, roles(letter), strict=True):
        gap = 1 if blocks else 0
        if paragraph.is_subject:
            blocks.append(Block((subject,), bold=True, gap=gap, heading=True))
            continue
        lines = tuple(fill(line, letter.blank) for line in paragraph.lines)
        if role == "closing" and len(lines) > 1:
            blocks.append(Block(lines[:-1], gap=gap))
            blocks.append(Block(lines[-1:], gap=SIGNATURE_GAP))
        else:
            blocks.append(Block(lines, align(letter, role), gap=gap))
    return blocks


def _locale(lang: str) -> tuple[str, str]:
    """`sv` -> (`sv`, `SE`): word processors pick spell-checking dictionaries by region."""
    language, _, region = lang.partition("-")
    return language.lower(), (region or _REGIONS.get(language.lower(), "")).upper()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def txt_bytes(blocks: list[Block]) -> bytes:
    """Plain UTF-8 text with newline line ends: for any e-mail program or editor."""
    return ("".join("\n" * (block.gap + 1 if n else 0) + "\n".join(block.lines)
                    for n, block in enumerate(blocks)) + "\n").encode()


def docx_bytes(blocks: list[Block], meta: DocumentMeta) -> bytes:
    """Word document, A4 with 25 mm margins, so the letter can be edited in Word or LibreOffice.

    The document set up for the language (see `_blank_docx`) gets the letter as its body and
    every core property written here, so nothing of an earlier letter remains.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = _blank_docx(meta.lang)
    document.element.body.clear_content()  # all but the page settings
    for block in blocks:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.space_before = Pt(LINE_PT * block.gap)
        if block.align == "end":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for number, line in enumerate(block.lines):
            if number:
                paragraph.add_run().add_break()
            paragraph.add_run(line).bold = block.bold or None

    properties = document.core_properties
    properties.title, properties.language = meta.title, meta.lang
    properties.author = properties.last_modified_by = meta.author
    properties.comments = ""
    properties.created = properties.modified = properties.last_printed = _midnight(meta.date)
    properties.revision = 1
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip(out.getvalue(), meta.date)


@cache
def _blank_docx(lang: str):
    """python-docx's built-in US Letter template made A4 with our fonts and `lang`, and without
    its thumbnail (an empty page); one per language and process, as loading it took half the
    time of a document."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)

    language, region = _locale(lang)
    tag = f"{language}-{region}" if region else language
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    for rpr in (normal.element.get_or_add_rPr(), default_rpr):
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        fonts.attrib.clear()  # theme fonts would win over the named font
        for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(name), FONT)
        lang_element = rpr.find(qn("w:lang"))
        if lang_element is None:
            lang_element = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang_element)
        lang_element.set(qn("w:val"), tag)

    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package_rels[rel_id]
    return document


def odt_bytes(blocks: list[Block], meta: DocumentMeta) -> bytes:
    """OpenDocument text, A4 with 25 mm margins: LibreOffice's own format, editable anywhere."""
    from odf import dc
    from odf import meta as odf_meta
    from odf.element import Element
    from odf.namespaces import XMLNS, nsdict
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        DefaultStyle,
        FontFace,
        MasterPage,
        PageLayout,
        PageLayoutProperties,
        ParagraphProperties,
        Style,
        TextProperties,
    )
    from odf.text import LineBreak, P

    # odfpy declares, on every file's root, every namespace any document in this process has used
    # so far (a class-level dict): start each document from the same full set instead.
    known = {uri: prefix for uri, prefix in nsdict.items() if uri != XMLNS}
    if list(Element.namespaces.items()) != list(known.items()):
        Element.namespaces.clear()
        Element.namespaces.update(known)

    document = OpenDocumentText()
    language, region = _locale(meta.lang)
    document.fontfacedecls.addElement(FontFace(
        name=FONT, fontfamily=f"'{FONT}'", fontfamilygeneric="swiss", fontpitch="variable"))
    default = DefaultStyle(family="paragraph")
    default.addElement(TextProperties(
        fontname=FONT, fontsize="11pt", language=language, country=region or "none"))
    document.styles.addElement(default)
    body_style = Style(name="Standard", family="paragraph", attributes={"class": "text"})
    body_style.addElement(ParagraphProperties(margintop="0mm", marginbottom="0mm"))
    document.styles.addElement(body_style)
    styles: dict[tuple[str, bool, int], Style] = {}
    for block in blocks:  # one automatic style per look, as LibreOffice itself writes them
        look = (block.align, block.bold, block.gap)
        if look not in styles:
            style = Style(name=f"P{len(styles) + 1}", family="paragraph",
                          parentstylename=body_style)
            style.addElement(ParagraphProperties(
                margintop=f"{LINE_PT * block.gap}pt", marginbottom="0mm",
                textalign="end" if block.align == "end" else "start"))
            if block.bold:
                style.addElement(TextProperties(fontweight="bold"))
            document.automaticstyles.addElement(style)
            styles[look] = style

    layout = PageLayout(name="A4")
    layout.addElement(PageLayoutProperties(
        pagewidth="210mm", pageheight="297mm", printorientation="portrait",
        margintop="25mm", marginbottom="25mm", marginleft="25mm", marginright="25mm"))
    document.automaticstyles.addElement(layout)
    document.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=layout))

    for block in blocks:
        paragraph = P(stylename=styles[(block.align, block.bold, block.gap)])
        for number, line in enumerate(block.lines):
            if number:
                paragraph.addElement(LineBreak())
            paragraph.addText(line)
        document.text.addElement(paragraph)

    stamp = _midnight(meta.date).isoformat()
    for element in (dc.Title(text=meta.title), dc.Language(text=meta.lang),
                    odf_meta.InitialCreator(text=meta.author), dc.Creator(text=meta.author),
                    odf_meta.CreationDate(text=stamp), dc.Date(text=stamp),
                    odf_meta.EditingCycles(text="1")):
        document.meta.addElement(element)

    out = io.BytesIO()
    document.save(out)
    return _fixed_zip(out.getvalue(), meta.date)


def pdf_html(blocks: list[Block], meta: DocumentMeta) -> str:
    """The standalone HTML page the PDF is printed from: no external resources at all."""
    def text(value: str) -> str:
        return html.escape(value, quote=True)

    def paragraph(block: Block) -> str:
        tag = "h1" if block.heading else "p"
        style = f"margin-top: {block.gap * LINE_EM:.2f}em"
        if block.align == "end":
            style += "; text-align: end"
        inner = "<br>".join(text(line) for line in block.lines)
        return f'<{tag} style="{style}">{inner}</{tag}>'

    body = "\n".join(paragraph(block) for block in blocks)
    return f"""<!DOCTYPE html>
<html lang="{text(meta.lang)}">
<head>
<meta charset="utf-8">
<title>{text(meta.title)}</title>
<meta name="author" content="{text(meta.author)}">
<meta name="dcterms.created" content="{meta.date.isoformat()}">
<meta name="dcterms.modified" content="{meta.date.isoformat()}">
<style>
@page {{ size: A4; margin: 22mm; }}
body {{ font-family: {PDF_FONTS}; font-size: 11pt; line-height: 1.4; margin: 0; }}
p, h1 {{ margin: 0; }}
h1 {{ font-size: 11pt; font-weight: bold; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def pdf_bytes(blocks: list[Block], meta: DocumentMeta) -> bytes:
    """PDF for printing as is, with a text layer and embedded fonts.

    WeasyPrint takes about a second to import, so it is imported only here, when needed.
    """
    from weasyprint import HTML

    page = HTML(string=pdf_html(blocks, meta), base_url=None)
    return page.write_pdf(pdf_identifier=True, pdf_variant="pdf/ua-1",
                          font_config=_font_config())


@cache
def _font_config():
    """One font configuration for every PDF of the process: WeasyPrint otherwise sets up the
    system's fonts again for each document, which took half its time and kept memory."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _fixed_zip(data: bytes, day: dt.date) -> bytes:
    """The zip with its timestamps set to `day` (zip dates start in 1980) and its attributes to
    fixed values, in its headers alone: entries, their order and their compressed bytes stay
    as the library wrote them (so `mimetype` stays first and stored in an .odt file).
    """
    day = max(day, dt.date(1980, 1, 1))
    dos_date = (day.year - 1980) << 9 | day.month << 5 | day.day  # and time 00:00:00
    out = bytearray(data)
    end = data.rfind(b"PK\x05\x06")  # end of central directory
    count, _, entry = struct.unpack_from("<HII", data, end + 10)
    for _ in range(count):
        if data[entry:entry + 4] != b"PK\x01\x02":
            raise ValueError("not a zip file written by Python's zipfile")
        names, extra, comment = struct.unpack_from("<HHH", data, entry + 28)
        (local,) = struct.unpack_from("<I", data, entry + 42)
        out[entry + 5] = 3  # made on Unix
        struct.pack_into("<HH", out, entry + 12, 0, dos_date)
        struct.pack_into("<I", out, entry + 38, 0o644 << 16)  # rw-r--r--
        struct.pack_into("<HH", out, local + 10, 0, dos_date)
        entry += 46 + names + extra + comment
    return bytes(out)
