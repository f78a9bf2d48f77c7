"""The site's machine-readable files: an Atom feed and a Common Cartridge per language,
sitemap.xml and robots.txt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cache import Cache, engine_version, fingerprint
from .cartridge import cartridges
from .feeds import FeedEntry, SitemapPage, atom_feed, robots_txt, sitemap_xml
from .model import Site
from .plan import Plan, feed_path

if TYPE_CHECKING:
    from .render import Memo

FEED_KINDS = ("article", "letter")
NOT_IN_SITEMAP = ("redirect", "handout", "notfound")


def site_files_key(site: Site, layout: Plan) -> str:
    """Fingerprint of all the files below show: URLs, titles, summaries, dates, translations,
    the cartridges' folder names.

    A body edit leaves it unchanged, so the dev server reuses the last files.
    """
    strings = sorted((code, tuple(sorted(s.values.items()))) for code, s in site.strings.items())
    return fingerprint(site.config, strings, [
        (r.url, r.kind, r.lang, r.alternates, r.item.title, r.item.summary, r.item.date,
         r.item.updated, r.item.draft) if r.item else (r.url, r.kind, r.lang, r.alternates)
        for r in layout.routes])


def site_files(site: Site, layout: Plan) -> dict[str, bytes]:
    base = site.config.base_url
    files: dict[str, bytes] = {}
    for lang in site.config.languages:
        entries = {  # keyed by URL: a collision is reported by the plan, listed once here
            base + route.url: FeedEntry(
                title=route.item.title, url=base + route.url, summary=route.item.summary,
                published=route.item.date, updated=route.item.updated, kind=route.item.kind)
            for route in layout.routes
            if route.item is not None and route.kind == route.item.kind
            and route.kind in FEED_KINDS and route.lang == lang.code}
        files[feed_path(lang.code)] = atom_feed(
            title=lang.title, subtitle=lang.tagline, feed_url=base + feed_path(lang.code),
            home_url=f"{base}{lang.code}/", lang=lang.code,
            author=site.config.organisation or lang.title, entries=list(entries.values()))
    pages = []
    seen: set[str] = set()  # a URL collision is reported by the plan; list the URL once
    for route in layout.routes:
        if route.kind in NOT_IN_SITEMAP or (route.item and route.item.draft) or route.url in seen:
            continue
        seen.add(route.url)
        item = route.item
        alternates = ((route.lang, base + route.url),) if route.lang else ()
        if route.kind in ("root", "home"):
            alternates += (("x-default", base),)
        alternates += tuple((alt.lang, base + alt.url) for alt in route.alternates
                            if alt.translated)
        pages.append(SitemapPage(base + route.url, (item.updated or item.date) if item else None,
                                 alternates if len(alternates) > 1 else ()))
    files["sitemap.xml"] = sitemap_xml(pages)
    files["robots.txt"] = robots_txt(base + "sitemap.xml")
    files.update(cartridges(site, layout))
    return files


def site_files_of(site: Site, layout: Plan, memo: Memo | None = None,
                  cache: Cache | None = None) -> dict[str, bytes]:
    """The sitemap, feeds, robots.txt and cartridges, made in one place for every kind of
    build, and made again only when what they show changed (kept in `memo` by the dev
    server, in `cache`)."""
    if memo is not None and memo.keys is not None and memo.keys.kept and memo.site_files[0]:
        return memo.site_files[1]
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
