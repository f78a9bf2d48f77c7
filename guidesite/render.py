"""Turn the plan into HTML: Markdown once per item, then one Jinja template per page."""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale
from markupsafe import Markup

from . import pack
from .bodies import Bodies, Body, BodyMemo
from .cache import Cache, engine_version, fingerprint
from .depends import LISTING_KINDS, PageKeys, template_fingerprints
from .diagnostics import Diagnostic, SourceRef
from .downloads import FORMATS, download_name, letter_files
from .home import journey_sorted, latest
from .letters import as_data
from .load import FileMemo
from .model import Item, Lesson, Letter, Site
from .plan import KIND_OF, Plan, Route, handout_url
from .qr import qr_svg
from .templating import bytecode_cache, environment, link_source, template_problem
from .urls import relative


@dataclass
class Memo:
    """What a build keeps for the next build in the same process (the dev server): each build
    fills a copy (`copy`) of the last one's, so a build never changes what another holds."""

    files: FileMemo = field(default_factory=dict)
    bodies: dict[str, BodyMemo] = field(default_factory=dict)
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """Output path -> (fingerprint of its inputs, its bytes)."""
    links: dict = field(default_factory=dict)
    """Output path -> (bytes, their scan by the link checker)."""
    site_files: tuple[str, dict[str, bytes]] = ("", {})
    """(fingerprint of what they show, the feeds, sitemap and robots.txt)."""
    keys: PageKeys | None = None
    """The last build's page keys: the next build's start (see `PageKeys`)."""
    downloads: dict[str, tuple[Letter, object, dict[str, bytes]]] = field(default_factory=dict)
    """Letter path -> (the letter, its language's strings, its downloads)."""
    scans: Mapping = field(default_factory=dict)
    """Page path -> its links and ids, of every page of the last build."""
    complete: bool = False
    """Whether the last build rendered every route it looked at without problems (so the
    next may look only at those that may differ: `PageKeys.revisit`)."""

    def copy(self) -> Memo:
        return Memo(dict(self.files), dict(self.bodies), dict(self.pages), dict(self.links),
                    self.site_files, self.keys, dict(self.downloads), self.scans,
                    self.complete)


@dataclass(frozen=True)
class Output:
    bodies: dict[str, Body]
    """Item source path -> its rendered body, for the link checker's source lines."""
    link_sources: dict[tuple[str, str], SourceRef]
    """(output path, href) -> template line, for links to targets that are not planned."""
    problems: tuple[Diagnostic, ...]
    rendered: int = 0
    """How many pages were rendered anew (the others were unchanged and reused)."""
    partial: bool = False
    """Only the routes that may differ from the last build's were rendered; the other files
    are as the last build made them."""
    visited: tuple[str, ...] | None = None
    """When `partial`: the pages rendered (`parallel.render_in_parallel` sets it)."""


@dataclass(frozen=True)
class Job:
    """What rendering is given."""

    site: Site
    layout: Plan
    """The routes to render (in a parallel build, one share's)."""
    templates: Path
    cache: Cache
    """Letter downloads and compiled templates, by the fingerprint of their inputs."""


def render(job: Job, memo: Memo | None = None, progress=None
           ) -> Generator[tuple[str, bytes], None, Output]:
    """Render every route of `job`, yielding each file, `(path, bytes)`, as soon as it is
    made (a big site's pages are never all held at once); returns what the rest of the
    build needs of them (`Output`).

    With `memo`, a page whose inputs are unchanged since the last build is reused as it was;
    after a build without problems whose routes all show what they showed but for some
    items' text (`PageKeys.kept`), only the routes that may differ are even looked at
    (`PageKeys.revisit`): the others' files are those of the last build. Besides pages, a
    letter's route yields its downloads and an educators' route its classroom pack; the
    sitemap, feeds and cartridges are made apart (`sitefiles.site_files_of`).
    """
    site, layout, templates, cache = job.site, job.layout, job.templates, job.cache
    bodies = Bodies(site, layout, memo.bodies if memo else None, cache)
    key_of = PageKeys(site, layout, bodies, template_fingerprints(templates), engine_version(),
                      memo.keys if memo is not None else None) \
        if memo is not None or cache.folder else None
    renderer = Renderer(site, layout, templates, cache, bodies)
    partial = memo is not None and memo.complete and key_of is not None and key_of.kept
    todo = key_of.revisit() if key_of is not None and partial else layout.routes
    routes = sorted(todo, key=lambda r: r.kind in LISTING_KINDS)  # items first: Body.light
    for number, route in enumerate(routes, start=1):
        if progress is not None and number % 25 == 0:
            progress(number, len(routes))
        files: dict[str, bytes] = {}
        if isinstance(route.item, Letter) and route.kind == "letter":
            files |= {route.url + name: data for name, data in
                      _letter_files(site, route.item, cache, memo).items()}
        key = key_of(route) if key_of is not None else ""
        if route.kind == "educators":  # the page shows the pack's pages and size too
            for path, data in pack.pack_files(renderer, route).items():
                files[path] = data
                if key:
                    key = fingerprint(key, path, len(data), renderer.packs[route.lang].pages)
        remembered = memo.pages.get(route.path) if memo else None
        if remembered is not None and remembered[0] == key:
            files[route.path] = remembered[1]
        elif (data := renderer.cached_page(route, key) if key else renderer.fresh_page(route)
              ) is not None:
            files[route.path] = data
            if memo:
                memo.pages[route.path] = (key, data)
        yield from files.items()
        if route.item is not None and route.kind == route.item.kind and \
                route.item.source.path in bodies:  # its page is made: keep what others show
            bodies[route.item.source.path] = bodies[route.item.source.path].light()
    done = bodies if partial else bodies.complete()  # (the rest are as they were)
    problems = [p for body in dict.values(done) for p in body.problems] + renderer.problems
    if memo is not None:
        memo.keys, memo.complete = key_of, not problems
    return Output(done, renderer.link_sources, tuple(problems), renderer.made, partial)


def _letter_files(site: Site, letter: Letter, cache: Cache, memo: Memo | None
                  ) -> dict[str, bytes]:
    """`letter_files`, kept in `memo` while the letter and its language's strings are the
    same objects (the dev server's rebuilds look nothing up)."""
    strings = site.strings.get(letter.lang)
    kept = memo.downloads.get(letter.source.path) if memo is not None else None
    if kept is not None and kept[0] is letter and kept[1] is strings:
        return kept[2]
    files = letter_files(site, letter, cache)
    if memo is not None:
        memo.downloads[letter.source.path] = (letter, strings, files)
    return files


class Renderer:
    """Renders single pages of one build; what every page shares is made once, here."""

    def __init__(self, site: Site, layout: Plan, templates: Path, cache: Cache,
                 bodies: Bodies) -> None:
        self.site = site
        self.templates = templates
        self.cache = cache
        self.packs: dict[str, pack.PackFile | None] = {}
        """Language -> its classroom pack, once asked for (see `pack.classroom_pack`)."""
        self.cache = cache
        self.bodies = bodies
        self.layout = layout
        compiled = bytecode_cache(cache)
        self.envs = {lang.code: environment(site, templates, lang.code, compiled)
                     for lang in site.config.languages}
        self.envs[""] = self.envs[site.config.default_language]
        self.keys = layout.keys
        self.base_path = urlsplit(site.config.base_url).path
        self.problems: list[Diagnostic] = []
        """Template problems, each reported once however many pages hit it."""
        self.link_sources: dict[tuple[str, str], SourceRef] = {}
        """(output path, href) -> template line, for links to targets that are not planned."""
        self._failed: set[tuple[str, int, str]] = set()
        self.made = 0
        """Pages rendered by their template (not taken from a cache)."""
        self._shared: dict[tuple[str, str, str], _Fragment] = {}

    @cached_property
    def listings(self) -> dict[str, dict[str, list[Item]]]:
        return {lang.code: _listings(self.layout, lang.code, self.site.config.journey)
                for lang in self.site.config.languages}

    def cached_page(self, route: Route, key: str) -> bytes | None:
        """`page`, kept in the cache by `key` (the fingerprint of all it shows) with where its
        links to unplanned targets were written, so a cached page reports them as a new one."""
        kept = self.cache.recall(fingerprint("page", key))
        if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], bytes):
            data, sources = kept
            self.link_sources.update({(route.path, href): where for href, where in sources})
            return data
        data = self.fresh_page(route)
        if data is not None:
            self.cache.keep(fingerprint("page", key), (data, [
                (href, where) for (path, href), where in self.link_sources.items()
                if path == route.path]))
        return data

    def fresh_page(self, route: Route) -> bytes | None:
        """`page`, counted in `made` (the pack's own template renders are not pages)."""
        data = self.page(route)
        self.made += data is not None
        return data

    def qr(self, url: str, label: str) -> str:
        """`qr_svg`, kept in the cache: a QR code costs as much as a page's template."""
        key = fingerprint("qr", url, label, engine_version())
        svg = self.cache.recall(key)
        if not isinstance(svg, str):
            svg = qr_svg(url, label)
            self.cache.keep(key, svg)
        return svg

    def link(self, from_route: Route, target: str, at: tuple[str, int] | None = None) -> str:
        """The href of site-root `target` on `from_route`'s page; a target that is not planned
        is kept with `at`, the template and line the link is written on (see `templating`)."""
        # a not-found page is shown at any address, so its links start from the host's root
        href = (self.base_path + target if from_route.kind == "notfound"
                else relative(from_route.url, target))
        if target.partition("#")[0] not in self.layout.known:
            self.link_sources[(from_route.path, href)] = link_source(
                self.templates, at, from_route.template)
        return href

    def shared(self, name: str, route: Route) -> Markup:
        """Template `name` as shown on `route`'s page, rendered once per language and folder.

        For what every page of a folder shows alike (the menu, the footer's links): the
        template sees the language's globals and links through `url`, `key_url`, `key_target`
        and `current(target)`, nothing of the page itself. Its links are the same from every
        page of one folder, except on a page they point at or below, which renders its own.
        """
        if route.kind == "notfound":  # its links start from the host's root
            return self._fragment(name, route).html
        key = (name, route.lang, route.url.rstrip("/").rpartition("/")[0])
        cached = self._shared.get(key)
        if cached is None or not cached.fits(route):
            fragment = self._fragment(name, route)
            if cached is None and fragment.fits(route):
                self._shared[key] = fragment
            cached = fragment
        for href, source in cached.sources:
            self.link_sources[(route.path, href)] = source
        return cached.html

    def _fragment(self, name: str, route: Route) -> _Fragment:
        keys = self.keys[route.lang or self.site.config.default_language]
        targets: list[str] = []
        sources: list[tuple[str, SourceRef]] = []

        def url(target: str, _at: tuple[str, int] | None = None) -> str:
            targets.append(target)
            href = self.link(route, target, _at)
            if (route.path, href) in self.link_sources:  # a target that is not planned
                sources.append((href, self.link_sources[(route.path, href)]))
            return href

        def key_url(key: str, _at: tuple[str, int] | None = None) -> str:
            return url(keys[key], _at) if key in keys else ""

        html = self.envs[route.lang].get_template(name).render(
            url=url, key_url=key_url, key_target=keys.get,
            current=lambda target: target == route.url)
        return _Fragment(Markup(html.strip()), tuple(targets), tuple(sources))

    def page(self, route: Route, extra: dict | None = None) -> bytes | None:
        """The page's HTML, or None after a template problem (kept in `problems`); `extra`
        is added to what the template sees (the classroom pack's parts)."""
        site, bodies, item_urls = self.site, self.bodies, self.layout.urls
        by_key = self.layout.by_key
        keys = self.keys[route.lang or site.config.default_language]
        item = route.item
        listings = self.listings.get(route.lang, {}) if route.kind in (
            *LISTING_KINDS, "pack") else {}  # (a page of one item needs none: made if needed)

        def url_of(entry: Item) -> str:
            return item_urls[entry.source.path]

        context = {
            "route": route,
            "item": item,
            "body": bodies[item.source.path] if item else None,
            "listings": listings,
            "section_items": listings.get(KIND_OF.get(route.section), []),
            "url": lambda target, _at=None: self.link(route, target, _at),
            "shared": lambda name: self.shared(name, route),
            "absolute": lambda target: site.config.base_url + target,
            "item_url": url_of,
            "key_url": lambda key, _at=None: self.link(route, keys[key], _at)
            if key in keys else "",
            "key_target": keys.get,
            "body_of": lambda entry: bodies[entry.source.path],
            "text_of": lambda entry: Markup(bodies.render(entry, at=route.url).rendered.html),
            "qr": lambda target, label: Markup(self.qr(site.config.base_url + target, label)),
            "handout_url": lambda entry: handout_url(site, entry),
            "json_ld": lambda entry, _route: Markup(_article_json_ld(site, entry, _route)),
            "related": lambda related: [
                (by_key[(route.lang, k)].title,
                 relative(route.url, url_of(by_key[(route.lang, k)])))
                for k in related if (route.lang, k) in by_key],
            "tips_about": lambda key: [
                (topic, tip, relative(route.url, url_of(topic)) + "#" + tip.id)
                for topic, tip in self.layout.tips_about.get((route.lang, key), ())],
        }
        if route.kind == "home":
            context.update(self._home_context(route))
        if isinstance(item, Lesson) and route.kind == "lesson":
            blocks = bodies[item.source.path].rendered.blocks
            context.update(
                steps=[block for block in blocks if block.name == "step"],
                worksheets=[block for block in blocks if block.name == "worksheet"],
                uses=[by_key[(route.lang, key)] for key in item.uses
                      if (route.lang, key) in by_key])
        if isinstance(item, Letter) and route.kind == "letter":
            context.update(_letter_context(site, item, by_key, bodies))
            context["downloads"] = [{"format": fmt, "href": download_name(item.slug, fmt)}
                                    for fmt in FORMATS]
        if route.kind == "educators":
            context["pack"] = pack.classroom_pack(self, route.lang)
        context.update(extra or {})
        try:
            return self.envs[route.lang].get_template(route.template).render(context) \
                .encode("utf-8")
        except Exception as exc:  # a template bug: report it where the template says it
            self._report(*template_problem(exc, self.templates, route.template))
        return None

    def _home_context(self, route: Route) -> dict:
        """The language's situations with the items that help (those published), and the
        latest changes to what readers read (lessons are on the educators' page)."""
        home = self.site.homes.get(route.lang)
        situations = [] if home is None else [
            (situation, [self.layout.by_key[(route.lang, key)] for key in situation.keys
                         if (route.lang, key) in self.layout.by_key])
            for situation in home.situations]
        listed = [item for kind, items in self.listings.get(route.lang, {}).items()
                  if kind not in ("page", "lesson") for item in items]
        return {"situations": situations, "latest": latest(listed, 5)}

    def _report(self, problem: Diagnostic, detail: str) -> None:
        key = (problem.where.path, problem.where.line, detail)
        if key not in self._failed:
            self._failed.add(key)
            self.problems.append(problem)


@dataclass(frozen=True)
class _Fragment:
    """A shared template's HTML, the site-root targets of its links, and where the links to
    targets that are not planned were written (for the link check's report)."""

    html: Markup
    targets: tuple[str, ...]
    sources: tuple[tuple[str, SourceRef], ...]

    def fits(self, route: Route) -> bool:
        """Whether its links are right on `route`'s page: none points at or below the page."""
        return not any(target.startswith(route.url) for target in self.targets)


def _article_json_ld(site: Site, item: Item, route: Route) -> str:
    """schema.org Article metadata, safe inside a <script> element."""
    url = site.config.base_url + route.url
    data = {
        "@context": "https://schema.org", "@type": "Article", "headline": item.title,
        "description": item.summary, "inLanguage": item.lang, "url": url,
        "mainEntityOfPage": url, "datePublished": item.date.isoformat(),
        "dateModified": (item.updated or item.date).isoformat(),
        "author": {"@type": "Organization", "name": getattr(item, "author", "")
                   or site.config.organisation},
        "publisher": {"@type": "Organization", "name": site.config.organisation},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def _letter_context(site: Site, letter: Letter, by_key: dict, bodies: dict) -> dict:
    """The letter's guide, its versions in every language and the data its script fills in."""
    versions = [by_key[(lang.code, letter.key)] for lang in site.config.languages
                if (lang.code, letter.key) in by_key]
    names = Locale.parse(letter.lang).languages
    data = {v.lang: as_data(v) | {"subject_label": site.strings[v.lang].values["letter_subject"],
                                  "dir": site.config.language(v.lang).dir}
            for v in versions}
    strings = site.strings[letter.lang].values
    messages = {name.removeprefix("letter_"): text for name, text in strings.items()
                if name.startswith("letter_msg_")} | {
        name: strings[f"letter_{name}"] for name in ("copied", "copy_failed", "forgotten")}
    return {
        "guide": bodies[letter.source.path].rendered,
        "versions": [{"lang": v.lang, "language": names.get(v.lang, v.lang).capitalize()}
                     for v in versions],
        "letter_json": json.dumps({"lang": letter.lang, "key": letter.key, "versions": data,
                                   "messages": messages, "site_url": site.config.base_url,
                                   "remind_after_days": letter.remind_after_days,
                                   "slug": letter.slug},
                                  ensure_ascii=False,
                                  sort_keys=True).replace("<", "\\u003c"),
    }


def _listings(layout: Plan, lang: str, journey: tuple[str, ...]) -> dict[str, list[Item]]:
    """Items of one language by kind, for home and section pages: in the journey's order, the
    items it does not list after them, newest first."""
    by_kind: dict[str, list[Item]] = {}
    for item in layout.items:
        if item.lang == lang:
            by_kind.setdefault(item.kind, []).append(item)
    return {kind: journey_sorted(items, journey) for kind, items in by_kind.items()}
