"""What each page depends on, as one fingerprint, so a rebuild re-renders only changed pages.

A page is reused only when everything it can show is unchanged: the engine and template code,
the language's strings and the site settings, its own route (URL, translations), and the
content it displays: its item, the language's links and titles, or the listing of items.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from .bodies import Body
from .cache import fingerprint
from .files import walk
from .model import Item, Letter, Site, TipTopic
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
    return dict(_fingerprints(tuple(sorted(
        (Path(rel).as_posix(), (templates / rel).read_text("utf-8", errors="replace"))
        for rel, _ in walk(templates) if rel.endswith(".html")))))


@lru_cache(maxsize=4)
def _fingerprints(named: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """`template_fingerprints` of the templates' texts (the dev server's rebuilds read them
    again, and find them mostly unchanged)."""
    texts = dict(named)
    every = fingerprint(sorted(texts.items()))
    result = []
    for name in texts:
        seen, todo, dynamic = set(), [name], False
        while todo:
            current = todo.pop()
            if current in seen or current not in texts:
                continue
            seen.add(current)
            dynamic |= bool(_DYNAMIC.search(texts[current]))
            todo += [match.group(2) for match in _REFERENCE.finditer(texts[current])]
        result.append((name, every if dynamic else fingerprint(sorted((n, texts[n])
                                                                       for n in seen))))
    return tuple(result)


class PageKeys:
    """Output path -> fingerprint of everything that page shows, asked page by page.

    The educators' page also shows each item's reading figures, which need every body: its
    key is made when first asked for, after the item pages (rendered first) made them.

    With `previous`, the keys of the last build in this process: when the routes are those
    of then, except for items whose text alone changed, every other page keeps its key
    without being fingerprinted again (the dev server's rebuild after an edit).
    """

    def __init__(self, site: Site, layout: Plan, bodies: Mapping[str, Body],
                 templates: dict[str, str], engine: str, previous: PageKeys | None = None
                 ) -> None:
        self.site, self.layout, self.bodies = site, layout, bodies
        self.templates, self.engine = templates, engine
        same = previous is not None and previous.site.config is site.config and \
            previous.site.strings is site.strings  # (the dev server: one edited item)
        self.config = previous.config if same else fingerprint(site.config)
        self.strings = previous.strings if same else {
            lang: fingerprint(sorted(s.values.items())) for lang, s in site.strings.items()}
        self.homes = dict(site.homes)
        self._aids: dict[str, str] | None = None
        self._known: dict[int, tuple[Route, str]] = {}
        """id(route) -> (the route, its key): the keys made, for the next build."""
        pairs = self._replaced(previous) if previous is not None else None
        self.kept = pairs is not None
        """Whether every route shows what it did in `previous` but for its item's text (so
        what shows only routes, titles and dates, the sitemap and feeds, is as it was)."""
        self._pairs = pairs or []
        if pairs is not None:
            assert previous is not None
            self.links, self.listing = previous.links, previous.listing
            self.everything, self.digests_by_key = previous.everything, previous.digests_by_key
            self._known = dict(previous._known)
            for before, _ in pairs:
                self._known.pop(id(before), None)
            self._before = (previous._aids, [
                (before.item, previous.bodies.get(before.item.source.path), after.item)
                for before, after in pairs if before.item is not None])
            self._unsure = {(after.item.kind, after.item.key) for _, after in pairs
                            if isinstance(after.item, Letter)}
            self._letters, self._aids_at = previous._letters, previous._aids_at
            routes = layout.routes
            self.digests_by_key = {**self.digests_by_key, **{  # a changed letter's versions
                letter: [routes[layout.places[path][0]].item.digest
                         for path in self._letters.get(letter, ())]
                for letter in self._unsure}}
            return
        self._before, self._unsure = None, set()
        self._letters: dict[tuple[str, str], list[str]] = {}
        """(kind, key) of a letter -> the files of its versions."""
        self._aids_at = tuple(number for number, route in enumerate(layout.routes)
                              if route.kind in AIDS_KINDS)
        """Where the pages showing reading figures are in the plan's routes."""
        links: dict[str, list] = {lang.code: [] for lang in site.config.languages}
        listing: dict[str, list] = {lang.code: [] for lang in site.config.languages}
        self.digests_by_key: dict[tuple[str, str], list[str]] = {}
        for route in self._item_routes():
            links[route.item.lang].append(_link_entry(route))
            listing[route.item.lang].append(_listing_entry(route))
        for item in layout.items:  # a letter's page offers it in every language (and a
            if isinstance(item, Letter):  # share of a parallel build has every letter)
                self.digests_by_key.setdefault(("letter", item.key), []).append(item.digest)
                self._letters.setdefault(("letter", item.key), []).append(item.source.path)
        self.links = {lang: fingerprint(sorted(entries)) for lang, entries in links.items()}
        self.listing = {lang: fingerprint(sorted(entries)) for lang, entries in listing.items()}
        self.everything = fingerprint(sorted(self.listing.items()))

    def _replaced(self, previous: PageKeys) -> list[tuple[Route, Route]] | None:
        """The routes that differ from `previous`'s, when only their items' text changed (so
        listings, links and the letters' versions are as they were); None otherwise."""
        if (previous.templates, previous.engine, previous.config, previous.strings,
                previous.homes) != (self.templates, self.engine, self.config, self.strings,
                                    self.homes) or \
                len(previous.layout.routes) != len(self.layout.routes):
            return None
        pairs = []
        for before, after in zip(previous.layout.routes, self.layout.routes, strict=True):
            if before is after:
                continue
            if _bare(before) != _bare(after) or (before.item is None) != (after.item is None):
                return None
            if after.item is not None and after.kind == after.item.kind and (
                    _link_entry(before) != _link_entry(after)
                    or _listing_entry(before) != _listing_entry(after)):
                return None
            pairs.append((before, after))
        return pairs

    def revisit(self) -> list[Route]:
        """When `kept`: the routes whose key may differ from the last build's (those showing
        a changed item, the educators' pages with their reading figures, every language's
        version of a changed letter); the others show what they showed."""
        every = self.layout.routes
        routes = {id(after): after for _, after in self._pairs}
        places = [number for letter in self._unsure for path in self._letters.get(letter, ())
                  for number in self.layout.places.get(path, ())]
        for number in (*self._aids_at, *places):
            routes.setdefault(id(every[number]), every[number])
        return list(routes.values())

    def _item_routes(self):
        return (route for route in self.layout.routes
                if route.item is not None and route.kind == route.item.kind)

    def aids(self, lang: str) -> str:
        """The language's reading times and readability figures, made on first use (kept from
        the last build when the changed items' figures are as they were)."""
        if self._aids is None and self._before is not None and self._before[0] is not None \
                and all(body is not None and _aid(body, before) == _aid(
                    self.bodies[after.source.path], after) for before, body, after in
                        self._before[1]):
            self._aids = self._before[0]
        if self._aids is None:
            aids: dict[str, list] = {lang.code: [] for lang in self.site.config.languages}
            for route in self._item_routes():
                aids[route.item.lang].append(
                    (route.url, *_aid(self.bodies[route.item.source.path], route.item)))
            self._aids = {code: fingerprint(sorted(entries)) for code, entries in aids.items()}
        return self._aids.get(lang, "")

    def __call__(self, route: Route) -> str:
        known = self._known.get(id(route))
        if known is not None and known[0] is route and (
                route.item is None or (route.item.kind, route.item.key) not in self._unsure) and (
                route.kind not in AIDS_KINDS or self._before is None
                or self.aids(route.lang) == (self._before[0] or {}).get(route.lang)):
            return known[1]
        key = self._key(route)
        self._known[id(route)] = (route, key)
        return key

    def _key(self, route: Route) -> str:
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


def _bare(route: Route) -> tuple:
    """A route without its item."""
    return (route.url, route.kind, route.lang, route.section, route.target, route.alternates)


def _link_entry(route: Route) -> tuple:
    """What every page of the item's language shows of it: links, titles, related tips."""
    item = route.item
    related = [(t.id, t.title, t.related) for t in item.tips] if isinstance(
        item, TipTopic) else ()
    return (item.key, item.kind, route.url, item.title, related)


def _listing_entry(route: Route) -> tuple:
    """What listings show of the item: its card."""
    item = route.item
    return (route.url, item.kind, item.title, item.summary, item.date, item.updated,
            item.draft)


def _aid(body: Body, item: Item) -> tuple:
    """What the educators' page shows of an item besides its card: its reading figures, and
    a lesson's time and audience."""
    return (body.minutes, body.readability, getattr(item, "duration", 0),
            getattr(item, "audience", ""))
