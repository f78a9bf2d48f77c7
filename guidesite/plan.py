"""Decide every output: each page (its URL, file, template and translations) and each other file
the site has (downloads, feeds, sitemap, static files, the search index...). Nothing is
rendered here."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from .cache import fingerprint
from .diagnostics import Diagnostic, SourceRef, error
from .model import SECTIONS, Item, Language, Lesson, Site, Tip, TipTopic, changed_items
from .slug import slugify

TEMPLATES = {"root": "root.html", "home": "home.html", "section": "section.html",
             "educators": "educators.html", "handout": "handout.html", "search": "search.html",
             "notfound": "404.html",
             "article": "article.html", "page": "page.html", "redirect": "redirect.html",
             "letter": "letter.html", "tips": "tips.html", "lesson": "lesson.html",
             "pack": "pack.html"}
FILE_KINDS = ("download", "feed", "sitemap", "robots", "cartridge", "pack", "static",
              "search-index", "offline")
"""The kinds of the plan's files that are not pages (`Plan.files`)."""
MADE_LAST = ("search-index", "offline")
"""Files made from the finished site folder, after everything else is written."""
OFFLINE_ZIP = "offline.zip"
SEARCH_INDEX = "pagefind"
"""The folder Pagefind writes the search index into."""
PACK_FILE = "classroom-pack"
"""The pack's file name when the language's strings give none."""
SECTION_OF = {"article": "articles", "letter": "letters", "tips": "tips"}
KIND_OF = {section: kind for kind, section in SECTION_OF.items()}
GROUP_TITLE = {"lesson": "educators_lessons", "article": "nav_articles",
               "letter": "nav_letters", "tips": "nav_tips"}
"""The string naming a group of items of each kind, in the order teachers meet them: the
cartridge's folders and the classroom pack's contents."""


@dataclass(frozen=True, slots=True)
class Alternate:
    """The same page in another language, or that language's home when there is none."""

    lang: str
    name: str
    url: str
    translated: bool


@dataclass(frozen=True)
class Route:
    """One page of the output, or one other file of it (`FILE_KINDS`)."""

    url: str
    """Path from the site root: a page's ends in '/' ('sv/artiklar/x/', '' for the root) or
    '.html', a file's is its path ('sv/feed.xml')."""
    kind: str
    """'root', 'home', 'section', 'redirect', an item kind, or one of `FILE_KINDS`."""
    lang: str = ""
    item: Item | None = None
    section: str = ""
    """For 'section' pages: which section ('articles', ...) they list."""
    target: str = ""
    """For redirects: the URL the old address now points to."""
    alternates: tuple[Alternate, ...] = ()
    """The page in the site's other languages, in site.yaml order."""

    @cached_property
    def path(self) -> str:
        """Output file (a page's or another file's), relative to the output folder."""
        return self.url if self.url.endswith(".html") or self.kind in FILE_KINDS \
            else self.url + "index.html"

    @property
    def template(self) -> str:
        return TEMPLATES[self.kind]


@dataclass(frozen=True)
class Plan:
    routes: tuple[Route, ...]
    keys: dict[str, dict[str, str]]
    """Language -> translation key -> URL, for `key:` links."""
    items: tuple[Item, ...]
    """The items that are built (drafts only when asked for)."""
    problems: tuple[Diagnostic, ...] = field(default=())
    drafts: bool = False
    """Whether drafts were asked for."""
    urls: Mapping[str, str] = field(default_factory=dict)
    """Item file -> the URL of its own page."""
    places: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Item file -> where its routes are in `routes` (so a kept plan swaps just those)."""
    counts: Mapping[str, int] = field(default_factory=dict)
    """Language ('root' for the site's own root pages) -> its pages, redirects not counted."""
    by_key: Mapping[tuple[str, str], Item] = field(default_factory=dict)
    """(language, key) -> the item built."""
    order: Mapping[str, int] = field(default_factory=dict)
    """Item file -> where it is in `items`."""
    key_digests: Mapping[str, str] = field(default_factory=dict)
    """Language -> fingerprint of its `keys` (what every body's `key:` links depend on)."""
    tips_about: Mapping[tuple[str, str], tuple[tuple[TipTopic, Tip], ...]] = \
        field(default_factory=dict)
    """(language, key) -> the tips that list that key as related (shown on its page)."""
    files: tuple[Route, ...] = ()
    """The site's files that are not pages (their kinds: `FILE_KINDS`), by path."""
    outputs: Outputs | None = None
    """What `files` were asked for, and the paths of everything the site has; None until
    they are made (and in a kept plan whose files may differ)."""

    @property
    def paths(self) -> frozenset[str]:
        """Every file of the site: pages and files (the search index is one folder)."""
        return self.outputs.paths if self.outputs is not None else frozenset()

    @property
    def known(self) -> frozenset[str]:
        """What links in the site may point to: the pages' URLs and the files' paths."""
        return self.outputs.known if self.outputs is not None else frozenset()

    @property
    def written(self) -> list[str]:
        """The files the build writes before the finished folder's own (`MADE_LAST`)."""
        return [*(route.path for route in self.routes),
                *(route.path for route in self.files if route.kind not in MADE_LAST)]


@dataclass(frozen=True)
class Outputs:
    """What the plan's files were asked for besides its pages (static, search, offline), and
    every path of the site. (They depend on the site too: a kept plan drops them when that
    changed, see `_kept`.)"""

    static: tuple[str, ...]
    search: bool
    offline: bool
    paths: frozenset[str]
    known: frozenset[str]


def item_url(site: Site, item: Item) -> str:
    if item.kind == "page":
        return f"{item.lang}/{item.slug}/"
    if item.kind == "lesson":  # lessons are for teachers: in the educators' folder
        return f"{item.lang}/{site.config.language(item.lang).sections['educators']}/{item.slug}/"
    section = site.config.language(item.lang).sections[SECTION_OF[item.kind]]
    return f"{item.lang}/{section}/{item.slug}/"


def handout_url(site: Site, item: Item) -> str:
    """The printable one-page handout of an item, in the language's educators' folder."""
    language = site.config.language(item.lang)
    return (f"{item.lang}/{language.sections['educators']}/"
            f"{language.sections[SECTION_OF[item.kind]]}/{item.slug}/")


def plan(site: Site, include_drafts: bool = False,
         previous: tuple[Site, Plan] | None = None, static: tuple[str, ...] = (),
         search: bool = False, offline: bool = False) -> Plan:
    """Lay out the site: one route per page, translations linked, URL collisions reported,
    then every other file: the letters' downloads, feeds, sitemap, robots.txt, the
    classroom packs and cartridges, the `static` files (paths in the site), and with
    `search` the search index, with `offline` the offline copy.

    `previous` is the last build's site and plan: when no item changed its place (only what
    it shows), that plan is kept, its routes showing the items of now, and its files too
    unless what decides them changed (the files asked for, the strings, a lesson).
    """
    kept = _kept(site, include_drafts, *previous) if previous is not None else None
    pages = kept if kept is not None else _pages(site, include_drafts)
    if pages.outputs is not None and (pages.outputs.static, pages.outputs.search,
                                      pages.outputs.offline) == (static, search, offline):
        return pages
    files = tuple(sorted(_files(site, pages, static, search, offline),
                         key=lambda route: route.url))
    others = {route.path for route in files}
    return replace(pages, files=files, outputs=Outputs(
        static, search, offline, frozenset(route.path for route in pages.routes) | others,
        frozenset(route.url for route in pages.routes) | others))


def _files(site: Site, pages: Plan, static: tuple[str, ...], search: bool, offline: bool
           ) -> list[Route]:
    """The routes of the site's files besides its pages."""
    from .downloads import FORMATS, download_name  # (document libraries load when used)

    files = [Route(route.url + download_name(route.item.slug, fmt), "download", route.lang)
             for route in pages.routes if route.kind == "letter" and route.item is not None
             for fmt in FORMATS]
    for language in site.config.languages:
        code = language.code
        files.append(Route(feed_path(code), "feed", code))
        files.append(Route(cartridge_path(language), "cartridge", code))
        if any(pack_items(pages.items, code, site.config.journey).values()):
            files.append(Route(educators_url(language) + pack_file(site, code), "pack", code))
    files += [Route("sitemap.xml", "sitemap"), Route("robots.txt", "robots")]
    files += [Route(path, "static") for path in static]
    if search:
        files.append(Route(SEARCH_INDEX, "search-index"))
    if offline:
        files.append(Route(OFFLINE_ZIP, "offline"))
    return files


def feed_path(lang: str) -> str:
    return f"{lang}/feed.xml"


def educators_url(language: Language) -> str:
    return f"{language.code}/{language.sections['educators']}/"


def cartridge_path(language: Language) -> str:
    """`sv/for-pedagoger/vaga-fraga.imscc`: beside the educators' page, named after the site."""
    return f"{educators_url(language)}{slugify(language.title)}.imscc"


def pack_file(site: Site, lang: str) -> str:
    """The classroom pack's file beside the educators' page: `<pack_file>.pdf`, from the
    language's strings, made a safe slug."""
    strings = site.strings.get(lang)
    wanted = strings.values.get("pack_file", "") if strings else ""
    return f"{slugify(wanted) or PACK_FILE}.pdf"


def pack_items(items: tuple[Item, ...], lang: str, journey: tuple[str, ...]
               ) -> dict[str, list[Item]]:
    """What the language's classroom pack prints, by kind: the lessons with worksheets,
    and the items on the site's journey (`journey:` in site.yaml, the path a class follows)
    of the kinds that have handouts. A pack of every item of a big site would be thousands
    of pages no class prints; a site without a journey packs its worksheets."""
    chosen = set(journey)
    wanted: dict[str, list[Item]] = {kind: [] for kind in GROUP_TITLE}
    for item in items:
        if item.lang != lang:
            continue
        if isinstance(item, Lesson) and item.worksheets or \
                item.kind in SECTION_OF and item.key in chosen:
            wanted[item.kind].append(item)
    return wanted


def _pages(site: Site, include_drafts: bool) -> Plan:
    """The plan of the site's pages."""
    items = tuple(i for i in site.items if include_drafts or not i.draft)
    languages = site.config.languages
    urls = {id(item): item_url(site, item) for item in items}
    by_key: dict[tuple[str, str], dict[str, Item]] = defaultdict(dict)
    for item in items:  # translations: the same key and kind in another language
        by_key[(item.kind, item.key)].setdefault(item.lang, item)

    def alternates(lang: str, url_in: dict[str, str]) -> tuple[Alternate, ...]:
        return tuple(Alternate(other.code, other.name, url_in.get(other.code, f"{other.code}/"),
                               other.code in url_in)
                     for other in languages if other.code != lang)

    homes = {lang.code: f"{lang.code}/" for lang in languages}
    routes = [Route("", "root", alternates=alternates("", homes)),
              Route("404.html", "notfound", site.config.default_language)]
    for lang in languages:
        code = lang.code
        routes.append(Route(homes[code], "home", code, alternates=alternates(code, homes)))
        for section in SECTIONS:
            urls_in = {other.code: f"{other.code}/{other.sections[section]}/"
                       for other in languages}
            routes.append(Route(urls_in[code], "section", code, section=section,
                                alternates=alternates(code, urls_in)))
        routes.append(Route(f"{code}/404.html", "notfound", code,
                            alternates=alternates(code, homes)))
        for page in ("educators", "search"):
            urls_in = {other.code: f"{other.code}/{other.sections[page]}/"
                       for other in languages}
            routes.append(Route(urls_in[code], page, code, alternates=alternates(code, urls_in)))
    for item in items:
        siblings = by_key[(item.kind, item.key)]
        translations = {lang: urls[id(other)] for lang, other in siblings.items()}
        translations[item.lang] = urls[id(item)]
        routes.append(Route(urls[id(item)], item.kind, item.lang, item,
                            alternates=alternates(item.lang, translations)))
        if item.kind in SECTION_OF:  # next to its item: both show the same QR code
            siblings = by_key[(item.kind, item.key)]
            handouts = {lang: handout_url(site, other) for lang, other in siblings.items()}
            handouts[item.lang] = handout_url(site, item)
            routes.append(Route(handouts[item.lang], "handout", item.lang, item,
                                alternates=alternates(item.lang, handouts)))
    for item in items:  # after every page, so a clash is reported at the alias
        for alias in item.aliases:
            routes.append(Route(alias, "redirect", item.lang, item, target=urls[id(item)]))
    keys: dict[str, dict[str, str]] = {lang.code: {} for lang in languages}
    for lang, key in site.unloaded:  # broken files: their own error is reported
        keys[lang][key] = f"{lang}/"
    for item in items:
        keys[item.lang].setdefault(item.key, urls[id(item)])
    places: dict[str, list[int]] = defaultdict(list)
    for number, route in enumerate(routes):
        if route.item is not None:
            places[route.item.source.path].append(number)
    counts = Counter(route.lang or "root" for route in routes if route.kind != "redirect")
    return Plan(tuple(routes), keys, items, tuple(_collisions(routes, site.config.source)),
                include_drafts, {item.source.path: urls[id(item)] for item in items},
                {path: tuple(numbers) for path, numbers in places.items()}, dict(counts),
                {(item.lang, item.key): item for item in items},
                {item.source.path: number for number, item in enumerate(items)},
                {lang: fingerprint(sorted(urls.items())) for lang, urls in keys.items()},
                _tips_index(items))


def _tips_index(items: tuple[Item, ...]
                ) -> dict[tuple[str, str], tuple[tuple[TipTopic, Tip], ...]]:
    """(language, key) -> the tips that list that key as related."""
    index: dict[tuple[str, str], list[tuple[TipTopic, Tip]]] = {}
    for topic in items:
        if isinstance(topic, TipTopic):
            for tip in topic.tips:
                for key in tip.related:
                    index.setdefault((topic.lang, key), []).append((topic, tip))
    return {where: tuple(tips) for where, tips in index.items()}


def _place(item: Item) -> tuple:
    """What decides an item's routes: its file, kind, language, key, slug, aliases, draft."""
    return (item.source.path, item.kind, item.lang, item.key, item.slug, item.aliases,
            item.draft)


def _kept(site: Site, include_drafts: bool, old_site: Site, old: Plan) -> Plan | None:
    """`old` with the items of `site`, or None when some route may differ."""
    pairs = changed_items(old_site, site)
    if old.problems or old.drafts != include_drafts or old_site.config != site.config or \
            old_site.unloaded != site.unloaded or pairs is None or \
            any(_place(before) != _place(after) for before, after in pairs):
        return None
    same_files = old_site.strings is site.strings and not any(  # (the packs' names, and
        isinstance(after, Lesson) for _, after in pairs)  # whether a lesson has worksheets)
    if not pairs:
        return old if same_files else replace(old, outputs=None)
    routes, items, by_key = list(old.routes), list(old.items), dict(old.by_key)
    for _, item in pairs:
        path = item.source.path
        for number in old.places.get(path, ()):
            routes[number] = replace(routes[number], item=item)
        if path in old.order:  # (a draft is not in a plan without drafts)
            items[old.order[path]] = item
        entry = by_key.get((item.lang, item.key))
        if entry is not None and entry.source.path == path:
            by_key[(item.lang, item.key)] = item
    return replace(old, routes=tuple(routes), by_key=by_key, items=tuple(items),
                   tips_about=_tips_index(tuple(items)) if any(
                       isinstance(item, TipTopic) for _, item in pairs) else old.tips_about,
                   outputs=old.outputs if same_files else None)


GENERATED = ("sitemap.xml", "robots.txt", "feed.xml", "404.html", "index.html")
"""Files the site makes itself, at the root or in a language folder."""
OWN_FOLDERS = ("static", SEARCH_INDEX)


def _collisions(routes: list[Route], settings: SourceRef) -> list[Diagnostic]:
    """Two pages that would be written to one URL: name both sources."""
    seen: dict[str, Route] = {}
    problems = []
    for route in routes:
        parts = route.url.rstrip("/").split("/")
        if route.kind == "redirect" and (parts[0] in OWN_FOLDERS or parts[-1] in GENERATED
                                         and len(parts) <= 2):
            problems.append(error(
                "duplicate-url", f"alias /{route.url} is a file or folder the site makes itself",
                _origin(route, settings),
                "an alias is the old address of a page; remove this one"))
            continue
        first = seen.setdefault(route.url, route)
        if first is route:
            continue
        where = _origin(route, settings)
        what = "alias" if route.kind == "redirect" else "URL"
        problems.append(error(
            "duplicate-url", f"{what} /{route.url} is already used by {_describe(first)}",
            where, "rename the file (its name is the URL slug) or change the alias"))
    return problems


def _origin(route: Route, settings: SourceRef) -> SourceRef:
    """Where a route comes from: its item's file, or site.yaml for the site's own pages."""
    if route.item is None:
        return settings
    return route.item.at("aliases") if route.kind == "redirect" else route.item.source


def _describe(route: Route) -> str:
    if route.item is not None:
        return route.item.source.path
    return {"home": "the language's home page", "section": "a section listing",
            "educators": "the educators' page", "search": "the search page",
            "notfound": "a page-not-found page",
            "root": "the language chooser"}[route.kind]
