"""What each page depends on, as one fingerprint, so a rebuild re-renders only changed pages.

A page is reused only when everything it can show is unchanged: the engine and template code,
the language's strings and the site settings, its own route (URL, translations), and the
content it displays: its item, the language's links and titles, or the listing of items.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from .bodies import Body
from .cache import fingerprint
from .files import walk
from .model import Letter, Site, TipTopic
from .plan import Plan, Route

_USES = r"""(?:\{%-?\s*(?:extends|include|import|from)\s+|\bshared\(\s*)"""
"""How a template names another: Jinja's tags, and `shared(...)` (see `Renderer.shared`)."""
_REFERENCE = re.compile(_USES + r"""(["'])(.+?)\1""")
_DYNAMIC = re.compile(_USES + r"""[^"'\s]""")
LISTING_KINDS = ("home", "section", "educators", "search", "notfound", "root")
"""Pages that show cards of many items: title, summary, kind and dates. Only the educators' page
also shows each item's reading time and readability, and a lesson's duration and audience
(`AIDS_KINDS`)."""
AIDS_KINDS = ("educators",)


def template_fingerprints(templates: Path) -> dict[str, str]:
    """Template name -> fingerprint of it and of every template it extends, includes or imports.

    A template that names another through a variable depends on all of them, to stay safe.
    """
    texts = {Path(rel).as_posix(): (templates / rel).read_text("utf-8", errors="replace")
             for rel, _ in walk(templates) if rel.endswith(".html")}
    every = fingerprint(sorted(texts.items()))
    result = {}
    for name in texts:
        seen, todo, dynamic = set(), [name], False
        while todo:
            current = todo.pop()
            if current in seen or current not in texts:
                continue
            seen.add(current)
            dynamic |= bool(_DYNAMIC.search(texts[current]))
            todo += [match.group(2) for match in _REFERENCE.finditer(texts[current])]
        result[name] = every if dynamic else fingerprint(sorted((n, texts[n]) for n in seen))
    return result


class PageKeys:
    """Output path -> fingerprint of everything that page shows, asked page by page.

    The educators' page also shows each item's reading figures, which need every body: its
    key is made when first asked for, after the item pages (rendered first) made them.
    """

    def __init__(self, site: Site, layout: Plan, bodies: Mapping[str, Body],
                 templates: dict[str, str], engine: str) -> None:
        self.site, self.layout, self.bodies = site, layout, bodies
        self.templates, self.engine = templates, engine
        self.config = fingerprint(site.config)
        self.strings = {lang: fingerprint(sorted(s.values.items()))
                        for lang, s in site.strings.items()}
        links: dict[str, list] = {lang.code: [] for lang in site.config.languages}
        listing: dict[str, list] = {lang.code: [] for lang in site.config.languages}
        self.digests_by_key: dict[tuple[str, str], list[str]] = {}
        for route in self._item_routes():
            item = route.item
            related = [(t.id, t.title, t.related) for t in item.tips] if isinstance(
                item, TipTopic) else ()
            links[item.lang].append((item.key, item.kind, route.url, item.title, related))
            listing[item.lang].append((route.url, item.kind, item.title, item.summary,
                                       item.date, item.updated, item.draft))
        for item in layout.items:  # a letter's page offers it in every language (and a
            if isinstance(item, Letter):  # share of a parallel build has every letter)
                self.digests_by_key.setdefault(("letter", item.key), []).append(item.digest)
        self.links = {lang: fingerprint(sorted(entries)) for lang, entries in links.items()}
        self.listing = {lang: fingerprint(sorted(entries)) for lang, entries in listing.items()}
        self.everything = fingerprint(sorted(self.listing.items()))
        self._aids: dict[str, str] | None = None

    def _item_routes(self):
        return (route for route in self.layout.routes
                if route.item is not None and route.kind == route.item.kind)

    def aids(self, lang: str) -> str:
        """The language's reading times and readability figures, made on first use."""
        if self._aids is None:
            aids: dict[str, list] = {lang.code: [] for lang in self.site.config.languages}
            for route in self._item_routes():
                body = self.bodies[route.item.source.path]
                item = route.item  # and a lesson's time and audience
                aids[item.lang].append((route.url, body.minutes, body.readability,
                                        getattr(item, "duration", 0),
                                        getattr(item, "audience", "")))
            self._aids = {code: fingerprint(sorted(entries)) for code, entries in aids.items()}
        return self._aids.get(lang, "")

    def __call__(self, route: Route) -> str:
        lang = route.lang or self.site.config.default_language
        parts: list = [self.engine, self.templates.get(route.template, ""), self.config,
                       self.strings.get(lang), route.url, route.kind, route.lang,
                       route.section, route.target, route.alternates, self.links.get(lang)]
        if route.kind in LISTING_KINDS:
            parts.append(self.everything if route.kind == "root" else self.listing.get(lang))
        if not route.lang or "/" not in route.url:  # the chooser and root 404: every language
            parts.append(sorted(self.strings.items()))
        if route.kind in AIDS_KINDS:
            parts.append(self.aids(lang))
        if route.kind == "home":
            parts.append(self.site.homes.get(lang))
        if route.item is not None:
            parts.append(route.item.digest)
            parts.append(self.digests_by_key.get((route.item.kind, route.item.key), ()))
        return fingerprint(*parts)
