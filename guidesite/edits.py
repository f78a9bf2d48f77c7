"""The dev server's quick rebuild after an author edits the text of articles or pages.

Most saves while writing change only the Markdown body of the file open in the editor. Such an
edit changes only the pages of that item, as long as nothing else the site shows from it
changes: its front matter and its headings (anchors, the URL lock, tables of contents). Then
only its pages are rendered again (and its language's listings, when its reading time or
readability changed), with the last build's renderer; their links are checked against the last
build's files, and they are written. Any other change, or anything unusual (a problem in the
file, a broken link), takes the full incremental build, which stays the reference: both give
the same site, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .bodies import Body
from .depends import LISTING_KINDS
from .diagnostics import Diagnostic, SourceRef
from .discover import ContentTree, SourceFile
from .links import PageLinks, check_links, scan
from .load import LOADERS, digested
from .model import Item, Site
from .options import Result
from .pack import pack_files
from .plan import Plan
from .render import Memo, Renderer
from .validate import outdated

EDITABLE = ("articles", "pages")
"""Folders whose files' bodies are shown on their own pages only."""
KEPT_WARNINGS = ("review-due", "outdated-translation")
"""Warnings about a file that depend on its front matter or on other files, not on its body."""


@dataclass
class LastBuild:
    """What the dev server's last successful build made, kept for quick rebuilds."""

    site: Site
    layout: Plan
    renderer: Renderer
    scans: dict[str, PageLinks]
    """Output path -> links and ids of every HTML page."""
    files: set[str]
    """Every output path."""
    summary: Result
    """The build's result, reported again (with the problems of now) after a quick rebuild."""
    problems: list[Diagnostic]
    sources: dict[str, SourceFile] = field(default_factory=dict)
    """Content file path, as the watcher names it -> the file."""

    @classmethod
    def of(cls, tree: ContentTree, site: Site, layout: Plan, renderer: Renderer,
           scans: dict[str, PageLinks], files: set[str], summary: Result) -> LastBuild:
        return cls(site, layout, renderer, scans, files, summary, list(summary.diagnostics),
                   {str(source.path): source for source in tree.files})


def quick_rebuild(last: LastBuild, changed: set[str], memo: Memo,
                  write: Callable[[dict[str, bytes]], bool]) -> list[Diagnostic] | None:
    """Render and `write` the pages `changed` files show, and return the build's problems; or
    None when the edit needs a full build. `last` and `memo` are kept up to date.

    The edited items' own pages, those the author looks at, are written first, then the
    listings. `write(pages)` says whether it could write them.
    """
    edits = [_edit(last, path) for path in sorted(changed)]
    if not edits or None in edits:
        return None
    site, layout, renderer = last.site, last.layout, last.renderer
    relisted = {new.lang for old, new, body in edits if _listed(renderer.bodies, old, body)}
    swapped = {id(old): new for old, new, _ in edits}
    for old, new, body in edits:
        renderer.swap(old, new, body)
    for lang in relisted:  # the classroom pack shows reading figures: made again if changed
        renderer.packs.pop(lang, None)
    own = [replace(route, item=swapped[id(route.item)]) for route in layout.routes
           if id(route.item) in swapped]
    listings = [route for route in layout.routes if route.kind in LISTING_KINDS and relisted
                and (route.lang in relisted or route.kind == "root")]
    for routes in (own, listings):
        pages = {route.path: renderer.page(route) for route in routes}
        if None in pages.values():
            return None
        scans = {path: scan(path, data, site.config.base_url) for path, data in pages.items()}
        broken, _ = check_links(last.scans | scans, last.files, lambda *_: SourceRef(""),
                                only=scans)
        if broken or not write(pages):
            return None
        last.scans |= scans
        for path, data in pages.items():
            memo.pages.pop(path, None)
            memo.links[path] = (data, scans[path])
    packs = {path: data for route in listings if route.kind == "educators"
             for path, data in pack_files(renderer, route).items()}
    if packs and not write(packs):
        return None
    last.site = replace(site, items=tuple(swapped.get(id(item), item) for item in site.items))
    last.layout = replace(
        layout, items=tuple(swapped.get(id(item), item) for item in layout.items),
        routes=tuple(replace(route, item=swapped[id(route.item)])
                     if id(route.item) in swapped else route for route in layout.routes))
    keys = {new.key for new in swapped.values()}
    last.problems = [p for p in last.problems if p.code != "outdated-translation"
                     or not _of_key(last.site, p.where.path, keys)]
    last.problems += outdated(last.site, keys)
    for new in swapped.values():
        memo.bodies.pop(new.source.path, None)
    return last.problems


def _edit(last: LastBuild, path: str) -> tuple[Item, Item, Body] | None:
    """(the item as it was, as it is now, its new body) when only its body text changed."""
    source = last.sources.get(path)
    if source is None or source.folder not in EDITABLE:
        return None
    old = next((item for item in last.site.items if item.source.path == source.display), None)
    if old is None or any(p.where.path == source.display and p.code not in KEPT_WARNINGS
                          for p in last.problems):
        return None
    found: list[Diagnostic] = []
    new = digested(LOADERS[source.folder](source, last.site.config, found))
    if new is None or found or replace(new, body=old.body, digest=old.digest) != old:
        return None
    before = last.renderer.bodies[source.display]
    body = last.renderer.bodies.render(new)
    if body.problems or before.problems or _outline(body) != _outline(before):
        return None
    return old, new, body


def _outline(body: Body) -> list[tuple[int, str, str]]:
    """The headings as pages show them (the lines they are on show nowhere)."""
    return [(heading.level, heading.id, heading.text) for heading in body.rendered.headings]


def _listed(bodies: dict[str, Body], old: Item, body: Body) -> bool:
    """Whether what listings show of the item's body changed."""
    before = bodies[old.source.path]
    return (body.minutes, body.readability) != (before.minutes, before.readability)


def _of_key(site: Site, path: str, keys: set[str]) -> bool:
    return any(item.source.path == path and item.key in keys for item in site.items)
