"""Check every internal link and anchor of the rendered site, before anything is written."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from .diagnostics import Diagnostic, SourceRef, error
from .urls import resolve

_ID = re.compile(rb'\sid="([^"]*)"')
_LINK = re.compile(rb'\s(?:href|src)="([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class ExternalLink:
    url: str
    where: SourceRef


def page_url(path: str) -> str:
    """Site-root URL of an output file: 'sv/x/index.html' -> 'sv/x/'."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


def check_links(pages: Mapping[str, bytes], files: Collection[str],
                locate: Callable[[str, str], SourceRef], base_path: str = "/"
                ) -> tuple[list[Diagnostic], list[ExternalLink]]:
    """Broken internal links and anchors, and the external links found.

    `files` holds every output path; `locate(page_path, href)` says where a link was written;
    links starting with `base_path` (the site's folder on its host) are read from the site root.
    """
    ids: dict[str, set[str]] = {}

    def ids_of(path: str) -> set[str]:
        if path not in ids:
            ids[path] = {html.unescape(m.decode()) for m in _ID.findall(pages[path])}
        return ids[path]

    broken: dict[tuple[SourceRef, str], list[str]] = {}
    external: list[ExternalLink] = []
    for path in sorted(pages):
        if not path.endswith(".html"):
            continue
        here = page_url(path)
        for raw in dict.fromkeys(_LINK.findall(pages[path])):
            href = html.unescape(raw.decode())
            if _SCHEME.match(href) or href.startswith("//"):
                if href.startswith(("http:", "https:", "//")):
                    external.append(ExternalLink(href, locate(path, href)))
                continue
            target, _, fragment = href.partition("#")
            target = target.partition("?")[0]
            if target.startswith("/"):
                target = "/" + target.removeprefix(base_path) if target.startswith(
                    base_path) else "/\0outside-the-site" + target
            target_path = path if not target else resolve(here, unquote(target))
            if target and (target_path == "" or target_path.endswith("/")):
                target_path += "index.html"
            if target_path not in files:
                broken.setdefault((locate(path, href), page_url(target_path)), []).append(here)
            elif fragment and target_path in pages and unquote(fragment) not in ids_of(
                    target_path):
                target = f"{page_url(target_path)}#{fragment}"
                broken.setdefault((locate(path, href), target), []).append(here)
    return [_broken(where, target, on, files) for (where, target), on in broken.items()], external


def _broken(where: SourceRef, target: str, on: list[str], files: Collection[str]) -> Diagnostic:
    """One message per broken link as written, however many pages show it."""
    pages = f"/{on[0]}" if len(on) == 1 else f"{len(on)} pages, e.g. /{on[0]}"
    if "#" in target:
        return error("broken-anchor", f"link to /{target} on {pages}: no such id on that page",
                     where, "link to an id that exists (see the page's table of contents)")
    hint = ("add a trailing '/' to the link" if target + "/index.html" in files
            else "link to a page that exists; for items use [text](key:the-key)")
    return error("broken-link", f"link to /{target} on {pages} leads nowhere", where, hint)
