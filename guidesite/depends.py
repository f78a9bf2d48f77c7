"""What each page depends on, as one fingerprint, so a rebuild re-renders only changed pages.

A page is reused only when everything it can show is unchanged: the engine and template code,
the language's strings and the site settings, its own route (URL, translations), and the
content it displays: its item, the language's links and titles, or the listing of items.
"""

from __future__ import annotations

import re
from pathlib import Path

from .bodies import Body
from .cache import fingerprint
from .files import walk
from .model import Letter, Site, TipTopic
from .plan import Plan

_USES = r"""(?:\{%-?\s*(?:extends|include|import|from)\s+|\bshared\(\s*)"""
"""How a template names another: Jinja's tags, and `shared(...)` (see `Renderer.shared`)."""
_REFERENCE = re.compile(_USES + r"""(["'])(.+?)\1""")
_DYNAMIC = re.compile(_USES + r"""[^"'\s]""")
LISTING_KINDS = ("home", "section", "educators", "search", "notfound", "root")
"""Pages that show cards of many items: title, summary, kind and dates. Only the educators' page
also shows each item's reading time and readability, and a lesson's duration and audience
(`AIDS_KINDS`)."""
AIDS_KINDS = ("educators",)


def template_fingerprints(templates: Path) -> dict[str, str]:
    """Template name -> fingerprint of it and of every template it extends, includes or imports.

    A template that names another through a variable depends on all of them, to stay safe.
    """
    texts = {Path(rel).as_posix(): (templates / rel).read_text("utf-8", errors="replace")
             for rel, _ in walk(templates) if rel.endswith(".html")}
    every = fingerprint(sorted(texts.items()))
    result = {}
    for name in texts:
        seen, todo, dynamic = set(), [name], False
        while todo:
            current = todo.pop()
            if current in seen or current not in texts:
                continue
            seen.add(current)
            dynamic |= bool(_DYNAMIC.search(texts[current]))
            todo += [match.group(2) for match in _REFERENCE.finditer(texts[current])]
        result[name] = every if dynamic else fingerprint(sorted((n, texts[n]) for n in seen))
    return result


def page_fingerprints(site: Site, layout: Plan, bodies: dict[str, Body],
                      templates: dict[str, str], engine: str) -> dict[str, str]:
    """Output path -> fingerprint of everything that page shows."""
    config = fingerprint(site.config)
    strings = {lang: fingerprint(sorted(s.values.items())) for lang, s in site.strings.items()}
    links: dict[str, list] = {lang.code: [] for lang in site.config.languages}
    listing: dict[str, list] = {lang.code: [] for lang in site.config.languages}
    aids: dict[str, list] = {lang.code: [] for lang in site.config.languages}
    digests_by_key: dict[tuple[str, str], list[str]] = {}
    for route in layout.routes:
        item = route.item
        if item is None or route.kind != item.kind:
            continue
        body = bodies[item.source.path]
        related = [(t.id, t.title, t.related) for t in item.tips] if isinstance(
            item, TipTopic) else ()
        links[item.lang].append((item.key, item.kind, route.url, item.title, related))
        listing[item.lang].append((route.url, item.kind, item.title, item.summary, item.date,
                                   item.updated, item.draft))
        aids[item.lang].append((route.url, body.minutes, body.readability,
                                getattr(item, "duration", 0), getattr(item, "audience", "")))
        if isinstance(item, Letter):
            digests_by_key.setdefault(("letter", item.key), []).append(item.digest)
    links_fp = {lang: fingerprint(sorted(entries)) for lang, entries in links.items()}
    listing_fp = {lang: fingerprint(sorted(entries)) for lang, entries in listing.items()}
    aids_fp = {lang: fingerprint(sorted(entries)) for lang, entries in aids.items()}
    everything = fingerprint(sorted(listing_fp.items()))
    result = {}
    for route in layout.routes:
        lang = route.lang or site.config.default_language
        parts: list = [engine, templates.get(route.template, ""), config, strings.get(lang),
                       route.url, route.kind, route.lang, route.section, route.target,
                       route.alternates, links_fp.get(lang)]
        if route.kind in LISTING_KINDS:
            parts.append(everything if route.kind == "root" else listing_fp.get(lang))
        if route.kind in AIDS_KINDS:
            parts.append(aids_fp.get(lang))
        if route.kind == "home":
            parts.append(site.homes.get(lang))
        if route.item is not None:
            parts.append(route.item.digest)
            parts.append(digests_by_key.get((route.item.kind, route.item.key), ()))
        result[route.path] = fingerprint(*parts)
    return result
