"""One build, stage by stage: discover -> load -> validate -> plan -> render -> check -> write."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from .diagnostics import Diagnostic, SourceRef, has_errors, sort_key
from .discover import discover, display_path
from .links import ExternalLink, check_links
from .load import load
from .lock import LOCK_NAME, check_lock, lock_text
from .model import SiteConfig
from .plan import plan
from .render import ENGINE, Memo, Output, render
from .search import build_index
from .uptodate import inputs_fingerprint, recall, remember
from .validate import validate
from .write import update_site, write_lock, write_site

STATIC = "static"
"""Folder inside the templates folder whose files are copied to the same folder of the site."""


@dataclass(frozen=True)
class Options:
    content: Path
    templates: Path
    out: Path
    write: bool = True
    drafts: bool = False
    progress: Callable[[int, int], None] | None = None
    """Called with (pages done, pages in all) while rendering; the CLI shows it on a terminal."""
    search: bool = True
    """Make the search index (the slowest single step; off for quick previews)."""
    update_lock: bool = False
    """Record the current URLs and anchors in content/urls.lock instead of checking them."""
    cache: Path | None = Path(".cache/guidesite")
    """Where expensive outputs (letter downloads) are kept between builds; None: no cache."""


@dataclass(frozen=True)
class Result:
    diagnostics: list[Diagnostic]
    pages_per_language: dict[str, int] = field(default_factory=dict)
    files: int = 0
    letters: int = 0
    downloads: int = 0
    seconds: float = 0.0
    external: list[ExternalLink] = field(default_factory=list)
    rendered: int = 0
    """Pages rendered anew; the rest were reused unchanged from an earlier build."""
    written: int = 0
    """Files written to the output folder."""
    unchanged: bool = False
    """Nothing changed since the last build of this output: its result was reused."""

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


class Builder:
    """Runs builds of one site; later builds reuse what earlier ones made from unchanged input."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.memo = Memo()
        self.written: dict[str, bytes] | None = None
        """Files this builder last wrote in place (the dev server's live output)."""
        self.config: SiteConfig | None = None
        """The site settings of the last build that could read them."""

    def build(self, in_place: bool = False) -> Result:
        """Run every stage; write only when no stage found an error.

        `in_place` updates the output folder file by file, writing only files that changed
        (each atomically), for the dev server; otherwise a complete new folder is swapped in.
        """
        options = self.options
        started = time.perf_counter()
        problems: list[Diagnostic] = []
        if not (options.content / "site.yaml").is_file():
            return Result([_missing_site_yaml(options.content)])
        if not options.templates.is_dir():
            return Result([Diagnostic("error", "missing-templates", "templates folder not found",
                                      SourceRef(display_path(options.templates)),
                                      "pass --templates DIR or create templates/")])
        tree = discover(options.content)
        site, found = load(tree, self.memo.files)
        problems += found
        if site is None:
            return _finish(problems, started)
        self.config = site.config
        problems += validate(site, today())
        if any(d.severity == "error" and d.where.path.endswith(("site.yaml", "strings.yaml"))
               for d in problems):  # every page depends on these: rendering would only repeat
            return _finish(problems, started)  # the same error once per page
        layout = plan(site, include_drafts=options.drafts)
        problems += layout.problems
        copies = static_files(options.templates)
        downloads = _download_paths(layout)
        known = {route.url for route in layout.routes} | set(copies) | downloads
        output = render(site, layout, options.templates, known, Cache(options.cache), self.memo,
                        options.progress)
        problems += output.problems
        external: list[ExternalLink] = []
        if not output.problems:
            broken, external = check_links(output.pages, set(output.pages) | set(copies),
                                           _locator(layout, output, options.templates),
                                           site.config.base_url,
                                           list_external=not options.write,
                                           memo=self.memo.links)
            problems += broken
        if not has_errors(problems) and not options.drafts:
            urls, anchors = published(layout, output)
            if options.update_lock:
                problems += write_lock(options.content / LOCK_NAME,
                                       lock_text(set(urls) | anchors))
            elif site.lock is not None:
                problems += check_lock(site.lock, urls, anchors)
        written = 0
        if options.write and not has_errors(problems):
            if in_place:
                found, written = update_site(options.out, output.pages, copies, self.written)
                problems += found
                self.written = None if found else dict(output.pages)
            else:
                index = (lambda folder: build_index(folder, site.config)) if options.search \
                    else None
                problems += write_site(options.out, output.pages, copies, finish=index)
                written = len(output.pages) + len(copies)
        counts = Counter(route.lang or "root" for route in layout.routes
                         if route.kind != "redirect")
        return _finish(problems, started, dict(counts), len(output.pages) + len(copies),
                       external, sum(route.kind == "letter" for route in layout.routes),
                       len(downloads), output.rendered, written)


def today():
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible scaffolds and checks)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def build(options: Options) -> Result:
    """One complete build, as the command line runs it.

    When the content, templates, engine and options are exactly those of the last build and
    its output is untouched, that build's result stands and nothing is done again.
    """
    started = time.perf_counter()
    reusable = options.write and not options.drafts and not options.update_lock and \
        options.content.is_dir() and options.templates.is_dir()
    inputs = ""
    if reusable:
        inputs = inputs_fingerprint(
            [options.content, options.templates], ENGINE, options.search, str(today()),
            str(options.content.absolute()), str(options.templates.absolute()))
        state = recall(options.cache, inputs, options.out)
        if state is not None:
            return Result(state["diagnostics"], dict(state["pages_per_language"]),
                          state["files"], state["letters"], state["downloads"],
                          time.perf_counter() - started, [], 0, 0, unchanged=True)
    result = Builder(options).build()
    if reusable and result.ok:
        remember(options.cache, inputs, options.out, {
            "pages_per_language": list(result.pages_per_language.items()), "files": result.files,
            "letters": result.letters, "downloads": result.downloads}, result.diagnostics)
    return result


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
    return {f"{STATIC}/{path.relative_to(root).as_posix()}": path
            for path in sorted(root.rglob("*")) if path.is_file() and
            not path.name.startswith(".")}


def _locator(layout, output: Output, templates: Path):
    """Where a link in the output was written: Markdown line, template line, or template."""
    item_by_path = {route.path: route.item for route in layout.routes if route.item}
    template_by_path = {route.path: route.template for route in layout.routes}
    template_text: dict[Path, list[str]] = {}

    def locate(path: str, href: str) -> SourceRef:
        if (path, href) in output.link_sources:
            return output.link_sources[(path, href)]
        item = item_by_path.get(path)
        body = output.bodies.get(item.source.path) if item is not None else None
        if body is not None:
            for link in body.rendered.links:
                if link.href == href:
                    return SourceRef(item.source.path, link.line)
        for file in sorted(templates.glob("*.html")):
            lines = template_text.setdefault(file, file.read_text("utf-8").splitlines())
            for number, text in enumerate(lines, start=1):
                if f'"{href}"' in text:
                    return SourceRef(display_path(file), number)
        return SourceRef(display_path(templates / template_by_path.get(path, "base.html")))

    return locate
