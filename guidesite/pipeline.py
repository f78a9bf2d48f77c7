"""One build, stage by stage: discover -> load -> validate -> plan -> render -> check -> write."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from .cache import Cache
from .diagnostics import Diagnostic, SourceRef, has_errors, note, sort_key
from .discover import ContentTree, discover, display_path
from .files import walk
from .links import ExternalLink, PageLinks, check_links
from .load import Loaded, load
from .lock import LOCK_NAME, UPDATE_LOCK, check_lock, lock_text
from .model import Site, SiteConfig
from .offline import write_offline
from .options import Options, Result
from .parallel import preload, render_in_parallel
from .plan import Plan, plan
from .render import Job, Memo, Output
from .search import build_index
from .validate import Validated, today, validated
from .write import BuildLocked, InPlace, Staging, locked_out, write_failed, write_lock

__all__ = ["Options", "Result", "State", "build"]

ITEM_FOLDERS = ("articles", "letters", "pages", "tips", "lessons")
STATIC = "static"
"""Folder inside the templates folder whose files are copied to the same folder of the site."""


@dataclass(frozen=True)
class State:
    """What a build leaves for the next one in the same process (the dev server, `check`
    with drafts): passed in and returned, never changed after the build that made it."""

    memo: Memo = field(default_factory=Memo)
    """Loaded files, rendered bodies and pages by the fingerprint of their inputs."""
    tree: ContentTree | None = None
    """The content files the last build found (the next one finds the same when only files
    it knows were saved)."""
    loaded: Loaded | None = None
    """What loading the content gave last time."""
    validated: Validated | None = None
    """The last build's checks across items."""
    planned: tuple[Site, Plan] | None = None
    """The last build's site and plan (kept when only what items show changed)."""
    checked: Checked | None = None
    """The last link check that found nothing broken."""
    written: Mapping[str, bytes] | None = None
    """What the output folder holds, when the dev server wrote it; None: unknown."""
    config: SiteConfig | None = None
    """The site settings of the last build that could read them."""
    drafts: tuple[str, ...] = ()
    """Files of the draft items the last build loaded."""


@dataclass(frozen=True)
class Checked:
    """A link check that passed: the files the site had and each page's scan."""

    files: frozenset[str]
    scans: Mapping[str, PageLinks]


def build(options: Options, state: State | None = None, in_place: bool = False,
          changed: set[str] | None = None) -> tuple[Result, State]:
    """Run every stage (see `_build`); what the build kept in the cache is written at the end
    whatever happened, so the next build starts from it."""
    cache = Cache(options.cache)
    try:
        return _build(options, cache, state or State(), in_place, changed)
    finally:
        cache.flush()


def _build(options: Options, cache: Cache, state: State, in_place: bool,
           changed: set[str] | None) -> tuple[Result, State]:
    """Run every stage; write only when no stage found an error. Returns the result and the
    state the next build in this process starts from.

    Every kind of build is these stages. What is unchanged since the last build is not made
    again: from `state` (the dev server's earlier builds, in memory) or from the cache (any
    earlier build). `changed` names the files saved since the last build, when known (the dev
    server's watcher), so the others are not even looked at.

    `in_place` (the dev server) writes each changed file into the output folder as it is made
    and forks nothing; otherwise a complete new folder is made beside it and swapped in.
    """
    started = time.perf_counter()
    memo, last_tree = state.memo.copy(), state.tree
    state = replace(state, memo=memo, tree=None)
    problems: list[Diagnostic] = []
    if not (options.content / "site.yaml").is_file():
        return Result([_missing_site_yaml(options.content)]), state
    if not options.templates.is_dir():
        return Result([Diagnostic("error", "missing-templates", "templates folder not found",
                                  SourceRef(display_path(options.templates)),
                                  "pass --templates DIR or create templates/")]), state
    tree = discover(options.content, last_tree, changed)
    if not in_place:  # (the dev server runs threads: a fork would copy their locks)
        preload(tree, memo.files, cache)
    loaded = load(tree, memo.files, cache=cache,
                  changed=changed if tree is last_tree else None, last=state.loaded)
    state = replace(state, tree=tree, loaded=loaded)
    site, found = loaded
    problems += found
    if site is None:
        return _finish(problems, started), state
    if options.base_url:  # `build --base-url`: the same content published elsewhere
        site = replace(site, config=replace(site.config, base_url=options.base_url))
    state = replace(state, config=site.config,
                    drafts=tuple(sorted(item.source.path for item in site.items if item.draft)))
    checks = validated(site, today(), state.validated)
    state = replace(state, validated=checks)
    problems += checks.problems
    if any(d.severity == "error" and d.where.path.endswith(("site.yaml", "strings.yaml"))
           for d in problems):  # every page depends on these: rendering would only repeat
        return _finish(problems, started), state  # the same error once per page
    copies = static_files(options.templates)
    offline = options.offline or site.config.offline_copy
    layout = plan(site, include_drafts=options.drafts, previous=state.planned,
                  static=tuple(sorted(copies)), search=options.search and options.write,
                  offline=offline)
    state = replace(state, planned=(site, layout))
    problems += layout.problems
    job = Job(site, layout, options.templates, cache)
    external: list[ExternalLink] = []
    lock_update: str | None = None
    out = _output(options, state, in_place)
    try:
        with out if out is not None else contextlib.nullcontext():
            output, scans = render_in_parallel(job, out, options.progress,
                                               memo if in_place else None)
            for rel, source in copies.items() if out is not None else ():
                out.copy(rel, source)
            problems += output.problems
            checked, external, lock_update, passed = _check(
                options, site, layout, output, scans, tree, state.checked)
            problems += checked
            state = replace(state, checked=passed)
            if out is not None and not has_errors(problems):
                def finish(folder: Path) -> list[Diagnostic]:
                    """The search index, then the offline copy, of the complete new site."""
                    found = build_index(folder, site.config, cache) if options.search else []
                    if offline and not has_errors(found):
                        write_offline(folder, site)
                    return found

                problems += out.swap_in(layout.written, finish)
    except BuildLocked as exc:
        return _finish([*problems, locked_out(options.out, exc)], started), state
    except OSError as exc:
        return _finish([*problems, write_failed(options.out, exc, kept=not in_place)],
                       started), _written(state, out)
    state = _written(state, out)
    problems += _record_lock(options, problems, lock_update)
    written = out.written if out is not None else 0
    return _summary(problems, started, layout, output, written, external), state


def _output(options: Options, state: State, in_place: bool) -> Staging | InPlace | None:
    """Where the build writes: the output folder itself (the dev server), a new folder
    swapped in when complete, or nowhere (`check`)."""
    if not options.write:
        return None
    return InPlace(options.out, state.written) if in_place else Staging(options.out)


def _written(state: State, out: Staging | InPlace | None) -> State:
    """The state, knowing what the dev server's output folder now holds."""
    return replace(state, written=out.held) if isinstance(out, InPlace) else state


def _check(options: Options, site, layout: Plan, output: Output, scans, tree: ContentTree,
           last: Checked | None
           ) -> tuple[list[Diagnostic], list[ExternalLink], str | None, Checked | None]:
    """Links and anchors of the new site, and the published URLs it must keep: the problems,
    the external links (listed by `check`), for `--update-lock` the lock to record, and the
    check to start from next time when it passed.

    After a check that passed (`last`), only the pages whose scan changed are checked again,
    when the site has the same files and those pages the same ids (links to them still
    hold)."""
    problems: list[Diagnostic] = []
    if output.problems:
        return problems, [], None, None
    files = layout.paths
    only = _recheck(last, files, scans, output.visited) if options.write else None
    locate = cache(lambda: _locator(layout, output, options.templates))  # made if needed
    broken, external = check_links(scans, files, lambda *link: locate()(*link),
                                   list_external=not options.write, only=only)
    problems += broken
    lock_update = None
    if not has_errors(problems) and not options.drafts:
        urls, anchors = published(layout, output)
        if options.update_lock:
            lock_update = lock_text(set(urls) | anchors)
        elif site.lock is not None:
            problems += check_lock(site.lock, urls, anchors, unloaded_urls(site, tree))
    return problems, external, lock_update, \
        None if has_errors(problems) else Checked(files, scans)


def _recheck(last: Checked | None, files: frozenset[str], scans: Mapping[str, PageLinks],
             visited: Collection[str] | None) -> list[str] | None:
    """The pages to check again after `last`, or None for all of them (`visited`: the only
    pages that may have changed, when known)."""
    if last is None or last.files != files or last.scans.keys() != scans.keys():
        return None
    changed = [path for path in (scans if visited is None else visited)
               if last.scans[path] is not scans[path]]
    if any(last.scans[path].ids != scans[path].ids for path in changed):
        return None
    return changed


def _record_lock(options: Options, problems: list[Diagnostic], lock_update: str | None
                 ) -> list[Diagnostic]:
    """`--update-lock`: write the lock only when the whole build succeeded (atomically);
    a failed build leaves it as it was (`lock_unchanged` says so)."""
    if not options.update_lock or has_errors(problems) or lock_update is None:
        return []
    return write_lock(options.content / LOCK_NAME, lock_update)


def _summary(problems, started, layout: Plan, output, written,
             external: list[ExternalLink]) -> Result:
    return _finish(problems, started, dict(layout.counts), len(layout.written),
                   external, sum(route.kind == "letter" for route in layout.routes),
                   sum(route.kind == "download" for route in layout.files), output.rendered,
                   written)


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
