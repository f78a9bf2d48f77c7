"""Relative links between pages, so the site works from any folder of any static host."""

from __future__ import annotations

from collections.abc import Iterator, Mapping


def relative(from_url: str, to_url: str) -> str:
    """Link from the page at `from_url` to `to_url` (both site-root paths, folders end in '/')."""
    here = from_url.split("/")[:-1]
    there = to_url.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    link = "../" * (len(here) - common) + "/".join(there[common:])
    return link or "./"


def resolve(from_url: str, href: str) -> str:
    """Site-root path that a relative `href` on the page at `from_url` points to."""
    parts = from_url.split("/")[:-1]
    if href.startswith("/"):
        parts, href = [], href.lstrip("/")
    pieces = href.split("/")
    for piece in pieces[:-1]:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    last = pieces[-1]
    if last == "..":
        if parts:
            parts.pop()
        last = ""
    elif last == ".":
        last = ""
    return "/".join([*parts, last]) if parts else last


class RelativeKeys(Mapping[str, str]):
    """Translation key -> link relative to one page, computed on lookup (no per-page copy)."""

    def __init__(self, keys: Mapping[str, str], from_url: str) -> None:
        self.keys = keys
        self.from_url = from_url

    def __getitem__(self, key: str) -> str:
        return relative(self.from_url, self.keys[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)
