"""The classroom pack: every handout of a language in one tagged A4 PDF, for a class without
devices, published beside the educators' page as `<lang>/<educators>/<pack_file>.pdf`.

The pack is printed by WeasyPrint from `pack.html`, which shows each part with the same macro
as its handout page (`handout-macros.html`). What goes in is a list of `Part`s: the handouts
now; lessons add their worksheets in `parts_of` (a part kind and its macro in pack.html).

Making a pack takes seconds, so it is cached like the letter downloads: the key is the
fingerprint of the pack's HTML (everything the PDF shows) and of the code and libraries that
print it; an unchanged site finds its pack in the cache. A big site's build makes missing
packs in forked workers before rendering, so WeasyPrint never weighs on the
processes rendering pages (`parallel`); otherwise the educators' page's renderer makes it when
asked.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from babel.numbers import format_decimal
from markupsafe import Markup

from . import downloads
from .bodies import Body
from .cache import Cache, code_version, fingerprint
from .diagnostics import Diagnostic, error
from .home import journey_sorted
from .markdown import Block
from .model import Item, Site
from .plan import GROUP_TITLE, SECTION_OF, Plan, Route, educators_url, pack_file, pack_items


class Renderer(Protocol):
    """What the pack needs of the renderer (`render.Renderer`), named here so the two modules
    do not import each other."""

    site: Site
    layout: Plan
    bodies: Mapping[str, Body]
    cache: Cache
    packs: dict[str, PackFile | None]
    problems: list[Diagnostic]

    def page(self, route: Route, extra: dict | None = None) -> bytes | None: ...


HANDOUT_KINDS = tuple(SECTION_OF)
"""Item kinds with a handout, which the pack holds (lessons give worksheets instead)."""


@dataclass(frozen=True)
class Part:
    """One piece of the pack, starting on a page of its own."""

    kind: str
    """What pack.html prints: 'handout' or 'worksheet'."""
    item: Item
    """The item of a handout, the lesson of a worksheet."""
    section: str
    """The group it is listed under in the contents: the string naming it, `nav_articles`."""
    sheet: Block | None = None
    """A worksheet's step of the lesson's body."""


@dataclass(frozen=True)
class PackFile:
    """A language's pack as the educators' page links it."""

    name: str
    """File name beside the educators' page: `klassrumspaket.pdf`."""
    data: bytes
    pages: int
    size: str
    """The file's size for readers, in the language's number format: `412 kB`, `1,2 MB`."""


def parts_of(renderer: Renderer, lang: str) -> list[Part]:
    """The pack's parts in `lang` (`plan.pack_items`): the lessons' worksheets, then the
    handouts of the items on the site's journey, articles, letters, tips topics, in the
    journey's order (the educators' page's, see `_listings`)."""
    journey = renderer.site.config.journey
    listed = {kind: journey_sorted(items, journey) for kind, items in
              pack_items(renderer.layout.items, lang, journey).items()}
    sheets = [Part("worksheet", lesson, "educators_lessons", block)
              for lesson in listed["lesson"]
              for block in renderer.bodies[lesson.source.path].rendered.blocks
              if block.name == "worksheet"]
    return sheets + [Part("handout", item, section) for kind, section in GROUP_TITLE.items()
                     if kind in HANDOUT_KINDS for item in listed[kind]]


def pack_route(renderer: Renderer, lang: str) -> Route:
    """The route pack.html is rendered at: the educators' folder, so its links resolve there."""
    return Route(educators_url(renderer.site.config.language(lang)), "pack", lang)


def pack_html(renderer: Renderer, lang: str) -> str | None:
    """The HTML the pack is printed from, or None when the language has no parts or the
    template failed (its problem is in `renderer.problems`)."""
    parts = parts_of(renderer, lang)
    if not parts:
        return None
    made = max((p.item.updated or p.item.date or dt.date(2000, 1, 1)) for p in parts)
    groups: dict[str, list[Part]] = {}
    for part in parts:
        groups.setdefault(part.section, []).append(part)
    strings = renderer.site.strings.get(lang)
    label = strings.values.get("pack_page", "{page} / {pages}") if strings else "{page} / {pages}"
    page = renderer.page(pack_route(renderer, lang), {
        "parts": parts, "groups": list(groups.items()), "pack_date": made,
        "page_numbers": Markup(page_numbers(label))})
    return None if page is None else page.decode("utf-8")


def page_numbers(label: str) -> str:
    """CSS `content` of the page footer from `Sida {page} av {pages}`: strings and counters."""
    out: list[str] = []
    for number, chunk in enumerate(label.split("{page}")):
        if number:
            out.append("counter(page)")
        for inner, text in enumerate(chunk.split("{pages}")):
            if inner:
                out.append("counter(pages)")
            if text:
                out.append(_css_string(text))
    return " ".join(out) or "counter(page)"


def _css_string(text: str) -> str:
    """A CSS string holding `text`, safe inside a <style> element."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&\n' else c for c in text)
    return f'"{escaped}"'


def classroom_pack(renderer: Renderer, lang: str) -> PackFile | None:
    """The language's pack, from the cache when its HTML is unchanged; made once per renderer."""
    if lang not in renderer.packs:
        renderer.packs[lang] = make_pack(renderer, lang)
    return renderer.packs[lang]


def pack_files(renderer: Renderer, route: Route) -> dict[str, bytes]:
    """Output path -> bytes of the pack beside the educators' page `route`."""
    made = classroom_pack(renderer, route.lang)
    return {} if made is None else {route.url + made.name: made.data}


def make_pack(renderer: Renderer, lang: str) -> PackFile | None:
    """The language's pack, from the cache when its HTML is unchanged."""
    html = pack_html(renderer, lang)
    if html is None:
        return None
    cache: Cache = renderer.cache
    key = fingerprint(PACK_CODE, html)
    data, pages = cache.get(f"{key}.pdf"), cache.get(f"{key}.pages")
    if data is None or pages is None:
        try:
            data, count = pack_pdf(html, renderer.site.config.base_url + pack_route(
                renderer, lang).url)
        except Exception as exc:  # WeasyPrint failed on our own HTML: an engine bug
            renderer.problems.append(error(
                "pack-failed", f"the classroom pack could not be printed: {exc}",
                renderer.site.config.source, "report this with the build's output"))
            return None
        pages = str(count).encode()
        cache.put(f"{key}.pdf", data)
        cache.put(f"{key}.pages", pages)
    return PackFile(pack_file(renderer.site, lang), data, int(pages),
                    _size(len(data), renderer.site.config.language(lang).locale))


def pack_pdf(html: str, base_url: str) -> tuple[bytes, int]:
    """The tagged (PDF/UA-1) PDF of `html` and its number of pages. Links resolve against
    `base_url` (the public site); nothing is fetched, from the network or from disk."""
    from weasyprint import HTML

    options = {"pdf_identifier": True, "pdf_variant": "pdf/ua-1"}
    document = HTML(string=html, base_url=base_url, url_fetcher=_refuse).render(
        font_config=downloads._font_config(), **options)
    return document.write_pdf(**options), len(document.pages)


def _refuse(url: str, *args, **kwargs) -> dict:
    raise ValueError(f"the classroom pack loads nothing: {url}")


def _size(size: int, locale: str) -> str:
    """`412 kB` below a megabyte, else `1.2 MB` (decimal units, as file managers show)."""
    if size < 1_000_000:
        return f"{format_decimal(max(1, round(size / 1000)), locale=locale)} kB"
    return f"{format_decimal(round(size / 1_000_000, 1), format='#,##0.0', locale=locale)} MB"


PACK_CODE = code_version(downloads, sys.modules[__name__], packages=("weasyprint", "pydyf"))
"""Changes when the code or libraries that print the pack change, invalidating the cache."""
