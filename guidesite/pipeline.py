"""One build, stage by stage: discover -> load -> validate -> plan -> render -> check -> write."""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import forks
from .cache import Cache, engine_version, fingerprint
from .diagnostics import Diagnostic, SourceRef, has_errors, note, sort_key
from .discover import ContentTree, discover, display_path
from .downloads import downloads_missing, letter_files
from .edits import LastBuild, quick_rebuild
from .files import walk
from .forks import can_fork, forked_map
from .links import ExternalLink, PageLinks, check_links, scan, scan_pages, settle
from .load import load
from .lock import LOCK_NAME, UPDATE_LOCK, check_lock, lock_text
from .memory import trim
from .model import Letter, Site, SiteConfig
from .offline import OFFLINE_ZIP, write_offline
from .options import Options, Result
from .pack import make_packs
from .plan import Plan, plan
from .render import Job, Memo, Output, render
from .search import build_index
from .sitefiles import site_files, site_files_key
from .validate import today, validate
from .write import (
    BuildLocked,
    Staging,
    locked_out,
    replace_files,
    update_site,
    write_failed,
    write_lock,
)

__all__ = ["Options", "Result", "State", "build"]

ITEM_FOLDERS = ("articles", "letters", "pages", "tips", "lessons")
STATIC = "static"
"""Folder inside the templates folder whose files are copied to the same folder of the site."""


@dataclass(frozen=True)
class State:
    """What a build leaves for the next one in the same process (the dev server, `check`
    with drafts): passed in and returned, never changed by the caller.

    `memo` is still filled during the build that is given it (the content-addressed cache
    is to replace it); everything else is a new value per build.
    """

    memo: Memo = field(default_factory=Memo)
    """Loaded files, rendered bodies and pages by the fingerprint of their inputs."""
    written: Mapping[str, bytes] | None = None
    """Files the last in-place build wrote (the dev server's live output); None: unknown."""
    config: SiteConfig | None = None
    """The site settings of the last build that could read them."""
    last: LastBuild | None = None
    """The last in-place build, when it succeeded: the start of a quick rebuild."""
    drafts: tuple[str, ...] = ()
    """Files of the draft items the last build loaded."""


def build(options: Options, state: State | None = None, in_place: bool = False,
          changed: set[str] | None = None) -> tuple[Result, State]:
    """Run every stage (see `_build`); what the build kept in the cache is written at the end
    whatever happened, so the next build starts from it."""
    cache = Cache(options.cache)
    try:
        return _build(options, cache, state, in_place, changed)
    finally:
        cache.flush()


def _build(options: Options, cache: Cache, state: State | None = None, in_place: bool = False,
           changed: set[str] | None = None) -> tuple[Result, State]:
    """Run every stage; write only when no stage found an error. Returns the result and the
    state the next build in this process starts from.

    `in_place` updates the output folder file by file, writing only files that changed
    (each atomically), for the dev server; otherwise a complete new folder is swapped in.
    `changed` names the files changed since the last in-place build, when known: an edit to
    the text of articles or pages then renders only their pages (see `edits`).
    """
    state = State() if state is None else state
    started = time.perf_counter()
    if in_place and changed and state.last is not None and state.written is not None:
        quick = _quick(options, state, changed, started)
        if quick is not None:
            return quick
    state = replace(state, last=None)
    problems: list[Diagnostic] = []
    if not (options.content / "site.yaml").is_file():
        return Result([_missing_site_yaml(options.content)]), state
    if not options.templates.is_dir():
        return Result([Diagnostic("error", "missing-templates", "templates folder not found",
                                  SourceRef(display_path(options.templates)),
                                  "pass --templates DIR or create templates/")]), state
    tree = discover(options.content)
    site, found = load(tree, state.memo.files, parallel=not in_place, cache=cache)
    problems += found
    if site is None:
        return _finish(problems, started), state
    if options.base_url:  # `build --base-url`: the same content published elsewhere
        site = replace(site, config=replace(site.config, base_url=options.base_url))
    state = replace(state, config=site.config,
                    drafts=tuple(sorted(item.source.path for item in site.items if item.draft)))
    problems += validate(site, today())
    if any(d.severity == "error" and d.where.path.endswith(("site.yaml", "strings.yaml"))
           for d in problems):  # every page depends on these: rendering would only repeat
        return _finish(problems, started), state  # the same error once per page
    layout = plan(site, include_drafts=options.drafts)
    problems += layout.problems
    copies = static_files(options.templates)
    downloads = _download_paths(layout)
    offline = options.offline or site.config.offline_copy
    later = {OFFLINE_ZIP} if offline else set()  # made from the finished folder (`finish`)
    known = {route.url for route in layout.routes} | set(copies) | downloads | later
    job = Job(site, layout, options.templates, known, cache)
    if in_place:  # the dev server: reuse unchanged pages of the last build, write changes
        output = render(job, state.memo, options.progress)
        files = site_files_of(site, layout, state.memo, cache)
        output = replace(output, pages=output.pages | files, paths=(*output.paths, *files))
        scans = scan_pages(output.pages, site.config.base_url, state.memo.links)
        checked, external, _ = _check(options, site, layout, output, scans, copies, tree,
                                      later)
        problems = [*problems, *output.problems, *checked]
        written = 0
        if options.write and not has_errors(problems):
            found, written = update_site(options.out, output.pages, copies, state.written)
            problems += found
            state = replace(state, written=None if found else dict(output.pages))
        result = _summary(problems, started, layout, output, copies, downloads, written,
                          external)
        if result.ok and state.written is not None and output.renderer is not None:
            state = replace(state, last=LastBuild.of(
                tree, site, layout, output.renderer, scans,
                set(output.paths) | set(copies) | later, result))
        return result, state
    external: list[ExternalLink] = []
    lock_update: str | None = None
    try:
        with Staging(options.out) if options.write else contextlib.nullcontext() as staging:
            output, scans = render_in_parallel(job, staging, options.progress)
            for rel, source in copies.items() if staging is not None else ():
                staging.copy(rel, source)
            problems += output.problems
            checked, external, lock_update = _check(options, site, layout, output, scans,
                                                    copies, tree, later)
            problems += checked
            if staging is not None and not has_errors(problems):
                def finish(folder: Path) -> list[Diagnostic]:
                    """The search index, then the offline copy, of the complete new site."""
                    found = build_index(folder, site.config, cache) if options.search else []
                    if offline and not has_errors(found):
                        write_offline(folder, site)
                    return found

                problems += staging.swap_in([*output.paths, *copies], finish)
    except BuildLocked as exc:
        return _finish([*problems, locked_out(options.out, exc)], started), state
    except OSError as exc:
        return _finish([*problems, write_failed(options.out, exc)], started), state
    problems += _record_lock(options, problems, lock_update)
    written = len(output.paths) + len(copies) if options.write and \
        not has_errors(problems) else 0
    return _summary(problems, started, layout, output, copies, downloads, written,
                    external), state


def _quick(options: Options, state: State, changed: set[str], started: float
           ) -> tuple[Result, State] | None:
    """The quick rebuild of an edit to item text, or None when it needs a full build."""
    assert state.last is not None and state.written is not None
    written: dict[str, bytes] = {}

    def write(pages: dict[str, bytes]) -> bool:
        if replace_files(options.out, pages):
            return False
        written.update(pages)
        return True

    problems = quick_rebuild(state.last, changed, state.memo, write)
    state = replace(state, written={**state.written, **written})
    if problems is None:
        return None
    return replace(state.last.summary, diagnostics=sorted(problems, key=sort_key),
                   seconds=time.perf_counter() - started, rendered=len(written),
                   written=len(written)), state


def _check(options: Options, site, layout, output: Output, scans, copies, tree: ContentTree,
           later: set[str]) -> tuple[list[Diagnostic], list[ExternalLink], str | None]:
    """Links and anchors of the new site, and the published URLs it must keep: the problems,
    the external links (listed by `check`) and, for `--update-lock`, the lock to record."""
    problems: list[Diagnostic] = []
    if output.problems:
        return problems, [], None
    broken, external = check_links(
        scans, set(output.paths) | set(copies) | later,
        _locator(layout, output, options.templates), list_external=not options.write)
    problems += broken
    lock_update = None
    if not has_errors(problems) and not options.drafts:
        urls, anchors = published(layout, output)
        if options.update_lock:
            lock_update = lock_text(set(urls) | anchors)
        elif site.lock is not None:
            problems += check_lock(site.lock, urls, anchors, unloaded_urls(site, tree))
    return problems, external, lock_update


def _record_lock(options: Options, problems: list[Diagnostic], lock_update: str | None
                 ) -> list[Diagnostic]:
    """`--update-lock`: write the lock only when the whole build succeeded (atomically);
    a failed build leaves it as it was (`lock_unchanged` says so)."""
    if not options.update_lock or has_errors(problems) or lock_update is None:
        return []
    return write_lock(options.content / LOCK_NAME, lock_update)


def _summary(problems, started, layout, output, copies, downloads, written,
             external: list[ExternalLink]) -> Result:
    counts = Counter(route.lang or "root" for route in layout.routes
                     if route.kind != "redirect")
    return _finish(problems, started, dict(counts), len(output.paths) + len(copies),
                   external, sum(route.kind == "letter" for route in layout.routes),
                   len(downloads), output.rendered, written)


class _Sink:
    """Takes each rendered file: writes it into the new site and keeps only what the link
    check still needs of it (`links.settle`): `planned` are the files the site will have."""

    def __init__(self, staging: Staging | None, base_url: str, planned: set[str],
                 cache: Cache) -> None:
        self.staging = staging
        self.base_url = base_url
        self.planned = planned
        self.cache = cache
        self.scans: dict[str, PageLinks] = {}

    def __call__(self, path: str, data: bytes) -> None:
        if self.staging is not None:
            self.staging.put(path, data)
        if path.endswith(".html"):
            self.scans[path] = settle(self._scan(path, data), path, self.planned)

    def _scan(self, path: str, data: bytes) -> PageLinks:
        """`links.scan`, kept in the cache by the page's bytes, address and the base URL."""
        if self.cache.folder is None:
            return scan(path, data, self.base_url)
        key = fingerprint("scan", hashlib.sha256(data).digest(), path, self.base_url,
                          engine_version())
        found = self.cache.recall(key)
        if not isinstance(found, PageLinks):
            found = scan(path, data, self.base_url)
            self.cache.keep(key, found)
        return found


def render_in_parallel(job: Job, staging: Staging | None, progress
                       ) -> tuple[Output, dict[str, PageLinks]]:
    """Render (and write) the languages in separate processes when the site is big enough.

    This process renders the first share itself and forked workers the others (one process
    fewer holding a copy of what it touches). Each writes its pages straight into the staging
    folder and keeps only their bodies without HTML and what the link check still needs, so
    no process holds the whole site in memory.
    """
    site, layout, known = job.site, job.layout, job.known
    pages = {route.url for route in layout.routes}  # the others in `known` are files already
    planned = {route.path for route in layout.routes} | (known - pages)
    sink = _Sink(staging, site.config.base_url, planned, job.cache)
    codes = [lang.code for lang in site.config.languages]
    workers = min(len(codes), os.cpu_count() or 1)
    if workers < 2 or len(layout.routes) < forks.PARALLEL_FROM or not can_fork():
        output = render(job, progress=progress, sink=sink)
        files = site_files_of(site, layout, cache=job.cache)
        for path, data in files.items():
            sink(path, data)
        return replace(output, paths=(*output.paths, *files)), sink.scans
    _make_downloads(site, layout, job.cache, workers)
    make_packs(job, workers)
    default = site.config.default_language
    views = [_share_of(layout, set(codes[n::workers]), default) for n in range(workers)]
    site_paths: list[str] = []

    def render_share(number: int) -> tuple[Output, dict[str, PageLinks]]:
        """One share's languages; bodies travel back without their HTML (it is in the pages)."""
        view = views[number]
        output = render(replace(job, layout=view), langs=set(codes[number::workers]), sink=sink)
        light = {path: body.light() for path, body in output.bodies.items()}
        trim()  # what rendering freed goes back to the system before the results are collected
        return replace(output, bodies=light, renderer=None), sink.scans

    def write_site_files() -> None:
        """The sitemap and feeds, written first: what making them took is freed at once."""
        for path, data in site_files_of(site, layout, cache=job.cache).items():
            sink(path, data)
            site_paths.append(path)
        trim()

    parts = forked_map(render_share, workers, meanwhile=write_site_files)
    paths: list[str] = []
    bodies: dict = {}
    sources: dict = {}
    problems: list = []
    scans: dict[str, PageLinks] = {}
    for part, part_scans in parts:
        paths += part.paths
        bodies |= part.bodies
        sources |= part.link_sources
        problems += part.problems
        scans |= part_scans
    return Output({}, bodies, sources, tuple(problems), sum(p.rendered for p, _ in parts),
                  tuple(paths + site_paths)), scans


def site_files_of(site: Site, layout: Plan, memo: Memo | None = None,
                  cache: Cache | None = None) -> dict[str, bytes]:
    """The sitemap, feeds and robots.txt, made here alone for every kind of build, and made
    again only when what they show changed (kept in `memo` by the dev server, in `cache`)."""
    key = fingerprint("site files", site_files_key(site, layout), engine_version())
    if memo is not None and memo.site_files[0] == key:
        return memo.site_files[1]
    files = cache.recall(key) if cache is not None else None
    if not isinstance(files, dict):
        files = site_files(site, layout)
        if cache is not None:
            cache.keep(key, files)
    if memo is not None:
        memo.site_files = (key, files)
    return files


def _make_downloads(site: Site, layout: Plan, cache: Cache, workers: int) -> None:
    """Make the letters' missing downloads into the cache, in forked workers that then exit:
    the document libraries and what they use never weigh on the processes rendering pages."""
    letters = [route.item for route in layout.routes if route.kind == "letter"]
    if cache.folder is None or not downloads_missing(site, letters, cache):
        return  # without a cache the pages' share makes them (see render)

    def make_share(number: int) -> None:
        for letter in letters[number::workers]:
            letter_files(site, letter, cache)

    forked_map(make_share, workers, here=False)


def _share_of(layout: Plan, langs: set[str], default: str) -> Plan:
    """The part of the plan a worker renders: its languages' routes and items, and the letters
    (a letter's page offers its versions in every language).

    Made before forking, so a worker never even looks at another language's items: each
    object it touches is copied into its memory (reference counts are writes).
    """
    return replace(layout,
                   routes=tuple(r for r in layout.routes if (r.lang or default) in langs),
                   items=tuple(i for i in layout.items
                               if i.lang in langs or isinstance(i, Letter)))


def _finish(problems: list[Diagnostic], started: float, counts: dict[str, int] | None = None,
            files: int = 0, external: list[ExternalLink] | None = None, letters: int = 0,
            downloads: int = 0, rendered: int = 0, written: int = 0) -> Result:
    return Result(sorted(problems, key=sort_key), counts or {}, files, letters, downloads,
                  time.perf_counter() - started, external or [], rendered, written)


def published(layout, output: Output) -> tuple[dict[str, str], set[str]]:
    """Public page URLs (alias -> the page it redirects to) and linkable anchors.

    Handouts and downloads follow their item and are not locked on their own.
    """
    urls = {"/" + route.url: "/" + (route.target or route.url) for route in layout.routes
            if route.kind not in ("handout", "notfound")}
    anchors: set[str] = set()
    for route in layout.routes:
        if route.item is None or route.kind != route.item.kind:
            continue
        body = output.bodies[route.item.source.path]
        ids = [h.id for h in body.rendered.headings]
        ids += [tip.id for tip in getattr(route.item, "tips", ())]
        anchors |= {f"/{route.url}#{anchor}" for anchor in ids}
    return urls, anchors


def unloaded_urls(site: Site, tree: ContentTree) -> dict[str, str]:
    """The URL each content file that failed to load would have had -> its file, so the lock
    does not report its addresses as vanished on top of its own error."""
    from .slug import slugify

    loaded = {item.source.path for item in site.items}
    codes = {lang.code for lang in site.config.languages}
    urls: dict[str, str] = {}
    for source in tree.files:
        if source.display in loaded or source.folder not in ITEM_FOLDERS or \
                source.lang not in codes:
            continue
        language = site.config.language(source.lang)
        slug = slugify(source.path.stem)
        folder = "educators" if source.folder == "lessons" else source.folder
        section = "" if source.folder == "pages" else language.sections[folder] + "/"
        urls[f"/{source.lang}/{section}{slug}/"] = source.display
    return urls


def lock_unchanged(content: Path) -> Diagnostic:
    """The note after a failed `--update-lock` build: the lock was left as it was."""
    return note("lock-unchanged", "the URL lock was not updated: the build failed",
                SourceRef(display_path(content / LOCK_NAME)),
                f"fix the errors above, then run '{UPDATE_LOCK}' again")


def _download_paths(layout) -> set[str]:
    from .downloads import FORMATS

    return {f"{route.url}{route.item.slug}.{fmt}" for route in layout.routes
            if route.kind == "letter" for fmt in FORMATS}


def _missing_site_yaml(content: Path) -> Diagnostic:
    where = SourceRef(display_path(content / "site.yaml"))
    if not content.is_dir():
        return Diagnostic("error", "missing-content", "content folder not found", where,
                          "run from the project folder or pass --content DIR")
    return Diagnostic("error", "missing-file", "site.yaml not found", where,
                      "every content folder needs a site.yaml with the site's languages")


def static_files(templates: Path) -> dict[str, Path]:
    """Output path -> source file for everything under `templates/static`."""
    root = templates / STATIC
    if not root.is_dir():
        return {}
    return {f"{STATIC}/{Path(rel).as_posix()}": root / rel
            for rel, entry in walk(root, hidden=False) if entry.is_file()}


def _locator(layout, output: Output, templates: Path):
    """Where a link in the output was written: the template line rendering recorded, the
    Markdown line of the body's link, or else the page's template."""
    item_by_path = {route.path: route.item for route in layout.routes if route.item}
    template_by_path = {route.path: route.template for route in layout.routes}

    def locate(path: str, href: str) -> SourceRef:
        if (path, href) in output.link_sources:
            return output.link_sources[(path, href)]
        item = item_by_path.get(path)
        body = output.bodies.get(item.source.path) if item is not None else None
        if body is not None:
            for link in body.rendered.links:
                if link.href == href:
                    return SourceRef(item.source.path, link.line)
        return SourceRef(display_path(templates / template_by_path.get(path, "base.html")))

    return locate
