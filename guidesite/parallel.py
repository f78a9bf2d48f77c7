"""Parallelism, all of it: a big build's loading, letter downloads, classroom packs and
rendering shared out to forked processes, which inherit the build's data instead of
receiving it; and the render stage's one entry, `render_in_parallel`, which renders in this
process alone when sharing out does not pay (a small site, one core, the dev server).

Only the results travel back, pickled through an unnamed temporary file: a child writes its
result and exits at once, so its memory is given back before the parent reads the result
(through a pipe it would stay alive until the parent came to read it). Forking is for the
command-line build alone: the dev server runs threads, and a fork copies none of them but all
their locks.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import os
import pickle
import signal
import tempfile
import traceback
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any

from .bodies import Bodies
from .cache import Cache, engine_version, fingerprint, flush_all
from .discover import ContentTree
from .downloads import downloads_missing, letter_files
from .links import PageLinks, scan, settle
from .load import LOADERS, FileMemo, load_config, remember_items
from .memory import trim
from .model import Letter, Site
from .pack import make_pack
from .plan import Plan
from .render import Job, Memo, Output, Renderer, render
from .sitefiles import site_files_of
from .write import InPlace, Staging

PARALLEL_FROM = 400
"""Below this many files to load or pages to render, worker processes cost more than they save."""


def can_fork() -> bool:
    """Whether sharing out pays here: two cores or more, and `fork` exists."""
    return (os.cpu_count() or 1) >= 2 and hasattr(os, "fork")


def forked_map(work: Callable[[int], Any], count: int, here: bool = True,
               meanwhile: Callable[[], Any] | None = None) -> list:
    """`[work(0), ..., work(count - 1)]`, each share in a forked child, except `work(0)`, which
    runs in this process when `here` (after `meanwhile()`, run while the children work).

    Until all are done the collector leaves the objects that exist at the fork alone: looking
    at them writes to them, which would give every process its own copy of their memory.
    """
    children: list[tuple[int, Any]] = []
    gc.freeze()
    try:
        for number in range(1 if here else 0, count):
            result = tempfile.TemporaryFile()
            pid = os.fork()
            if pid == 0:
                _child(work, number, result)  # never returns
            children.append((pid, result))
        if meanwhile is not None:
            meanwhile()
        results = [work(0)] if here else []
        while children:
            pid, result = children.pop(0)
            _, status = os.waitpid(pid, 0)
            with result:
                result.seek(0)
                data = result.read()
            if not data:
                raise RuntimeError(f"a build worker ended without a result ({status=})")
            ok, value = pickle.loads(data)
            if not ok:
                raise RuntimeError(f"a build worker failed:\n{value}")
            results.append(value)
        return results
    finally:
        gc.unfreeze()
        for pid, result in children:  # this process failed: its workers go too
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            result.close()


def _child(work: Callable[[int], Any], number: int, result) -> None:
    """Run one share in the forked child, write its result and leave without any clean-up
    (the parent's exit handlers and open buffers are the parent's)."""
    status = 1
    try:
        die_with_parent()
        try:
            value = work(number)
            flush_all()  # what the share kept in the cache, before the process vanishes
            data = pickle.dumps((True, value), pickle.HIGHEST_PROTOCOL)
        except BaseException:
            data = pickle.dumps((False, traceback.format_exc()))
        result.write(data)
        result.flush()
        status = 0
    finally:
        os._exit(status)


def die_with_parent() -> None:
    """Linux: stop this process (Pagefind, a worker) if the build is killed, so it never
    writes into a later build's folder."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def preload(tree: ContentTree, memo: FileMemo, cache: Cache) -> None:
    """Load a big tree's item files into `memo` in two processes, where `load` finds them."""
    config = load_config(tree.root)
    if config is None:
        return  # `load` says why
    codes = {lang.code for lang in config.languages}
    todo = [source for source in tree.files if source.folder in LOADERS and
            source.lang in codes and source.path not in memo]
    if len(todo) < PARALLEL_FROM or not can_fork():
        return

    def load_share(number: int) -> FileMemo:
        found: FileMemo = {}
        remember_items(todo[number::2], config, found, cache)
        return found

    for part in forked_map(load_share, 2):
        memo.update(part)


class _Sink:
    """Takes each rendered file: writes it into the new site and keeps what the link check
    needs of it: `planned` are the files the site will have.

    A build of its own keeps only the links still to check (`links.settle`); the dev server's
    keep whole scans in `memo` while a page's bytes are the same object, so a rebuild scans
    only the pages that changed.
    """

    def __init__(self, out: Staging | InPlace | None, base_url: str, planned: set[str],
                 cache: Cache, memo: dict[str, tuple[bytes, PageLinks]] | None) -> None:
        self.out = out
        self.base_url = base_url
        self.planned = planned
        self.cache = cache
        self.memo = memo
        self.scans: dict[str, PageLinks] = {}

    def __call__(self, path: str, data: bytes) -> None:
        if self.out is not None:
            self.out.put(path, data)
        if not path.endswith(".html"):
            return
        if self.memo is None:
            self.scans[path] = settle(self._scan(path, data), path, self.planned)
            return
        kept = self.memo.get(path)
        if kept is None or kept[0] is not data:
            kept = self.memo[path] = (data, self._scan(path, data))
        self.scans[path] = kept[1]

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


def render_in_parallel(job: Job, out: Staging | InPlace | None, progress, memo: Memo | None
                       ) -> tuple[Output, dict[str, PageLinks]]:
    """Render (and write) the languages in separate processes when the site is big enough.

    This process renders the first share itself and forked workers the others (one process
    fewer holding a copy of what it touches). Each writes its pages straight into the staging
    folder and keeps only their bodies without HTML and what the link check still needs, so
    no process holds the whole site in memory. With `memo` (the dev server, which runs
    threads and must not fork) this process renders all, reusing what `memo` holds.
    """
    site, layout = job.site, job.layout
    planned = layout.paths
    sink = _Sink(out, site.config.base_url, planned, job.cache,
                 memo.links if memo is not None else None)
    codes = [lang.code for lang in site.config.languages]
    workers = min(len(codes), os.cpu_count() or 1)
    if memo is not None or workers < 2 or len(layout.routes) < PARALLEL_FROM or \
            not can_fork():
        output = _drain(render(job, memo, progress), sink)
        files = site_files_of(site, layout, memo, job.cache)
        for path, data in files.items():
            sink(path, data)
        if memo is None:
            return output, sink.scans
        memo.scans = {**memo.scans, **sink.scans} if output.partial else sink.scans
        return replace(output, visited=tuple(sink.scans) if output.partial else None), \
            memo.scans
    _make_downloads(site, layout, job.cache, workers)
    _make_packs(job, workers)
    default = site.config.default_language
    views = [_share_of(layout, set(codes[n::workers]), default) for n in range(workers)]

    def render_share(number: int) -> tuple[Output, dict[str, PageLinks]]:
        """One share's languages (bodies travel back without their HTML: see `render`)."""
        output = _drain(render(replace(job, layout=views[number])), sink)
        trim()  # what rendering freed goes back to the system before the results are collected
        return output, sink.scans

    def write_site_files() -> None:
        """The sitemap and feeds, written first: what making them took is freed at once."""
        for path, data in site_files_of(site, layout, cache=job.cache).items():
            sink(path, data)
        trim()

    parts = forked_map(render_share, workers, meanwhile=write_site_files)
    bodies: dict = {}
    sources: dict = {}
    problems: list = []
    scans: dict[str, PageLinks] = {}
    for part, part_scans in parts:
        bodies |= part.bodies
        sources |= part.link_sources
        problems += part.problems
        scans |= part_scans
    return Output(bodies, sources, tuple(problems), sum(p.rendered for p, _ in parts)), scans


def _drain(files: Generator[tuple[str, bytes], None, Output],
           sink: Callable[[str, bytes], None]) -> Output:
    """Hand each file `render` yields to `sink`, as it comes; what `render` returns."""
    while True:
        try:
            path, data = next(files)
        except StopIteration as done:
            return done.value
        sink(path, data)


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
    items = tuple(i for i in layout.items if i.lang in langs or isinstance(i, Letter))
    return replace(layout,
                   routes=tuple(r for r in layout.routes if (r.lang or default) in langs),
                   items=items, order={i.source.path: n for n, i in enumerate(items)})


def _make_packs(job: Job, workers: int) -> None:
    """Make the languages' missing packs into the cache in forked workers that then exit."""
    if job.cache.folder is None:
        return  # without a cache the educators' pages make them (see render)
    codes = [lang.code for lang in job.site.config.languages]

    def make_share(number: int) -> None:
        renderer = Renderer(job.site, job.layout, job.templates, job.cache,
                            Bodies(job.site, job.layout, None))
        for lang in codes[number::workers]:
            make_pack(renderer, lang)

    forked_map(make_share, min(workers, len(codes)), here=False)
