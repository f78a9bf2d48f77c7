"""Check every internal link and anchor of the rendered site, before anything is written."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostic, SourceRef, error
from .urls import resolve

OUTSIDE = "\0outside:"
"""Marks a target above the site's folder on its host; never a real path."""
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class ExternalLink:
    url: str
    where: SourceRef


def page_url(path: str) -> str:
    """Site-root URL of an output file: 'sv/x/index.html' -> 'sv/x/'."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


@dataclass(frozen=True, slots=True)
class PageLinks:
    """What the checker needs from one page: its ids, and its links as (href, target, anchor).

    The ids are a tuple, not a set: a big site keeps them for every page until all are made,
    a set of 20 strings takes eight times the memory, and few pages are ever looked up.
    """

    ids: tuple[str, ...]
    links: tuple[tuple[str, str, str], ...]
    external: tuple[str, ...]


def scan(path: str, data: bytes, base_url: str) -> PageLinks:
    """Read the ids and links of one rendered page (the expensive part, so it is memoised)."""
    base_path = urlsplit(base_url).path
    here = page_url(path)
    links, external = [], []
    for raw in dict.fromkeys(_values(data, b'href="') + _values(data, b'src="')):
        href = raw.decode()
        if "&" in href:
            href = html.unescape(href)
        if href.startswith(base_url):
            href = base_path + href[len(base_url):]
        elif _SCHEME.match(href) or href.startswith("//"):
            if href.startswith(("http:", "https:", "//")):
                external.append(href)
            continue
        target, _, fragment = href.partition("#")
        target = target.partition("?")[0]
        if target.startswith("/") and not target.startswith(base_path):
            links.append((href, OUTSIDE + target, ""))
            continue
        if target.startswith("/"):
            target = "/" + target.removeprefix(base_path)
        target_path = path if not target else resolve(here, unquote(target))
        if target and (target_path == "" or target_path.endswith("/")):
            target_path += "index.html"
        links.append((href, target_path, unquote(fragment)))
    ids = tuple(sys.intern(html.unescape(value.decode()))  # most ids recur on every page
                for value in _values(data, b'id="'))
    return PageLinks(ids, tuple(links), tuple(external))


def _values(data: bytes, attribute: bytes) -> list[bytes]:
    """Values of `attribute` (written `name="`) wherever it follows whitespace, as in
    `<a href="...">` but not `data-href="..."`; splitting at a literal runs at C speed."""
    parts = data.split(attribute)
    return [after[:after.find(b'"')] for before, after in zip(parts, parts[1:], strict=False)
            if before[-1:].isspace()]


def settle(page: PageLinks, path: str, files: Collection[str]) -> PageLinks:
    """The page's scan without the links already known to be fine: those to a file in `files`
    (which the output will have) without an anchor, and those to an id of the page itself.

    What is left is what `check_links` must still look at once every page is made; a big
    site's scans are kept until then, so they had better be small.
    """
    return replace(page, links=tuple(
        link for link in page.links
        if not ((not link[2] and link[1] in files) or (link[1] == path and link[2] in page.ids))))


def check_links(scans: Mapping[str, PageLinks], files: Collection[str],
                locate: Callable[[str, str], SourceRef], list_external: bool = False,
                only: Collection[str] | None = None
                ) -> tuple[list[Diagnostic], list[ExternalLink]]:
    """Broken internal links and anchors, and (when asked) the external links found.

    `scans` holds each HTML page's ids and links (see `scan`), `files` every output path;
    `locate(page_path, href)` says where a link was written. With `only`, just the links on
    those pages are checked (their targets' ids are still looked up in `scans`).
    """
    broken: dict[tuple[SourceRef, str], list[str]] = {}
    external: list[ExternalLink] = []
    for path in sorted(scans if only is None else only):
        here = page_url(path)
        if list_external:
            external += [ExternalLink(href, locate(path, href)) for href in scans[path].external]
        for href, target_path, fragment in scans[path].links:
            if target_path not in files:
                broken.setdefault((locate(path, href), page_url(target_path)), []).append(here)
            elif fragment and target_path in scans and fragment not in scans[target_path].ids:
                target = f"{page_url(target_path)}#{fragment}"
                broken.setdefault((locate(path, href), target), []).append(here)
    # a link in a shared template (the footer's licence) is one link, however many pages show it
    return ([_broken(where, target, on, files) for (where, target), on in broken.items()],
            list(dict.fromkeys(external)))


def _broken(where: SourceRef, target: str, on: list[str], files: Collection[str]) -> Diagnostic:
    """One message per broken link as written, however many pages show it."""
    pages = f"/{on[0]}" if len(on) == 1 else f"{len(on)} pages, e.g. /{on[0]}"
    if target.startswith(OUTSIDE):
        return error("broken-link", f"link to {target.removeprefix(OUTSIDE)} on {pages} leaves "
                     "the site's folder", where,
                     "link to pages of the site with [text](key:the-key) or a relative path")
    if "#" in target:
        return error("broken-anchor", f"link to /{target} on {pages}: no such id on that page",
                     where, "link to an id that exists (see the page's table of contents)")
    hint = ("add a trailing '/' to the link" if target + "/index.html" in files
            else "link to a page that exists; for items use [text](key:the-key)")
    return error("broken-link", f"link to /{target} on {pages} leads nowhere", where, hint)
