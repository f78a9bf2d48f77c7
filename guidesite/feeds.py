"""Machine-readable companions of the site: the Atom feed, `sitemap.xml` and `robots.txt`.

Pure functions from plain values to bytes. They read no clock and sort everything they write,
so the same input always gives byte-identical files and a rebuild changes nothing it need not.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPOCH = dt.date(1970, 1, 1)
"""`updated` of a feed without entries: a fixed date, so an empty feed is still reproducible."""

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry at all, not even escaped (NUL, form feed, ...)."""


@dataclass(frozen=True)
class FeedEntry:
    """One article or letter as a feed reader sees it."""

    title: str
    url: str
    """Absolute URL of the page; also the entry's permanent Atom id."""
    summary: str
    published: dt.date
    updated: dt.date | None
    kind: str
    """'article' or 'letter', written as the entry's Atom category."""

    @property
    def changed(self) -> dt.date:
        """The date readers order by: the last update, else publication."""
        return self.updated or self.published


@dataclass(frozen=True)
class SitemapPage:
    """One URL of the sitemap, with its translations for search engines."""

    url: str
    """Absolute URL of the page."""
    lastmod: dt.date | None
    alternates: tuple[tuple[str, str], ...] = ()
    """(hreflang, absolute URL) pairs, including the page's own language and 'x-default'."""


def atom_feed(
    *,
    title: str,
    subtitle: str,
    feed_url: str,
    home_url: str,
    lang: str,
    author: str,
    entries: Sequence[FeedEntry],
    empty_updated: dt.date = EPOCH,
) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of `entries`, newest first.

    The feed id is `feed_url`: stable as long as the feed stays where it is, which is what
    readers key subscriptions on anyway. The feed's `updated` is the newest entry's date, so it
    moves only when content does; without entries it is `empty_updated` (1970-01-01 by default)
    rather than today, which would make every build differ.
    """
    for url in (feed_url, home_url, *(e.url for e in entries)):
        _check_absolute(url)
    _check_unique([e.url for e in entries], "feed entry URL")
    ordered = sorted(entries, key=lambda e: (-e.changed.toordinal(), e.title, e.url))

    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: lang})
    _text(feed, "id", feed_url)
    _text(feed, "title", title)
    _text(feed, "subtitle", subtitle)
    _text(feed, "updated", _timestamp(ordered[0].changed if ordered else empty_updated))
    _link(feed, "self", feed_url, "application/atom+xml")
    _link(feed, "alternate", home_url, "text/html")
    _text(ET.SubElement(feed, "author"), "name", author)
    for entry in ordered:
        item = ET.SubElement(feed, "entry")
        _text(item, "id", entry.url)
        _text(item, "title", entry.title)
        _link(item, "alternate", entry.url, "text/html")
        _text(item, "published", _timestamp(entry.published))
        _text(item, "updated", _timestamp(entry.changed))
        _text(item, "summary", entry.summary)
        ET.SubElement(item, "category", {"term": _clean(entry.kind)})
    return _serialize(feed)


def sitemap_xml(pages: Sequence[SitemapPage]) -> bytes:
    """`sitemap.xml` (sitemaps.org 0.9) with Google's `xhtml:link` hreflang alternates.

    Pages are sorted by URL and alternates by hreflang, so the file does not depend on the
    order pages were planned in. A sitemap must list at least one URL, so an empty one is
    refused rather than written invalid.
    """
    if not pages:
        raise ValueError("a sitemap needs at least one page")
    _check_unique([p.url for p in pages], "sitemap URL")
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS})
    for page in sorted(pages, key=lambda p: p.url):
        _check_absolute(page.url)
        url = ET.SubElement(urlset, "url")
        _text(url, "loc", page.url)
        if page.lastmod is not None:
            _text(url, "lastmod", _day(page.lastmod))
        for hreflang, href in sorted(set(page.alternates)):
            _check_absolute(href)
            attrs = {"rel": "alternate", "hreflang": _clean(hreflang), "href": _clean(href)}
            ET.SubElement(url, "xhtml:link", attrs)
    return _serialize(urlset)


def robots_txt(sitemap_url: str) -> bytes:
    """`robots.txt` letting every crawler in and pointing it at the sitemap."""
    _check_absolute(sitemap_url)
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode()


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _clean(text)
    return element


def _link(parent: ET.Element, rel: str, href: str, type_: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "type": type_, "href": _clean(href)})


def _clean(text: str) -> str:
    """Drop the characters XML cannot represent; ElementTree would write them and break the file."""
    return _NOT_XML.sub("", text)


def _day(date: dt.date) -> str:
    """`YYYY-MM-DD`, zero-padded whatever the year (strftime's `%Y` is not, on every libc)."""
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def _timestamp(date: dt.date) -> str:
    """RFC 3339 date-time at midnight UTC: content carries days, Atom wants instants."""
    return f"{_day(date)}T00:00:00Z"


def _check_absolute(url: str) -> None:
    """Feeds and sitemaps are read away from the site, where relative URLs resolve to nothing."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc) or any(c in url for c in "\r\n\t "):
        raise ValueError(f"not an absolute URL: {url!r}")


def _check_unique(urls: list[str], what: str) -> None:
    """Duplicates would give two entries one id, and make the sort order depend on input order."""
    seen: set[str] = set()
    for url in urls:
        if url in seen:
            raise ValueError(f"duplicate {what}: {url}")
        seen.add(url)


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return _DECLARATION + ET.tostring(root, encoding="unicode").encode() + b"\n"
