"""The offline copy (`build --offline`): the whole built site as one zip that works unzipped on
a USB stick and opened from the folder (`file://`), for classrooms with patchy Wi-Fi.

Over `file://` a browser shows a folder, not its `index.html`, and refuses module scripts and
`fetch`, so the copy rewrites every internal link to name its `index.html` file and leaves
the search index out: the search page says instead that search needs the web version, and
links to it. Letters need nothing else: their data is in the page and their files are made
in the browser. Made on request only: it holds the site a second time.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from .cartridge import deterministic_zip, newest
from .files import write_atomic
from .model import Site
from .plan import OFFLINE_ZIP, SEARCH_INDEX
from .slug import slugify

LEFT_OUT = (SEARCH_INDEX + "/",)
"""Folders of the site the copy leaves out: the search index cannot load from files."""
_ATTRIBUTE = re.compile(r'(\s(?:href|src|action)=")([^"]*)(")')
_REFRESH = re.compile(r'(<meta http-equiv="refresh" content="\d+; url=)([^"]*)(")')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_SEARCH_SCRIPTS = re.compile(
    r'<script type="application/json" id="search-data">.*?</script>\s*'
    r'|<script type="module" src="[^"]*search\.js"></script>\s*', re.S)
_ITSELF = re.compile(r'\s*<p class="offline-copy">.*?</p>', re.S)
"""The educators' page's link to the offline copy: inside the copy it has nothing to fetch."""
_SEARCH_NOTE = re.compile(r'(<p class="note" id="search-fallback-text">).*?(</p>)', re.S)


def folder_name(site: Site) -> str:
    """The folder the zip unpacks into: the site's name in its default language."""
    language = site.config.language(site.config.default_language)
    return f"{slugify(language.title) or 'site'}-offline"


def write_offline(out: Path, site: Site) -> Path:
    """Write `out/offline.zip` from the built site in `out`; returns its path."""
    files = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel == OFFLINE_ZIP or rel.startswith(LEFT_OUT) or rel.startswith("."):
            continue
        files[rel] = path.read_bytes()
    copy = offline_files(files, site)
    prefix = folder_name(site) + "/"
    data = deterministic_zip({prefix + rel: data for rel, data in copy.items()},
                             newest(site.items))
    target = out / OFFLINE_ZIP
    write_atomic(target, data)
    return target


def offline_files(files: dict[str, bytes], site: Site) -> dict[str, bytes]:
    """The site's files (path -> bytes) with every HTML page rewritten for `file://`."""
    base = site.config.base_url
    searches = {f"{lang.code}/{lang.sections['search']}/index.html": lang
                for lang in site.config.languages}
    copy = {}
    for rel, data in files.items():
        if not rel.endswith(".html"):
            copy[rel] = data
            continue
        text = offline_page(data.decode("utf-8"), rel, urlsplit(base).path or "/")
        if rel in searches:
            strings = site.strings.get(searches[rel].code)
            values = strings.values if strings else {}
            text = search_page(text, base + rel.removesuffix("index.html"),
                               values.get("offline_search", ""),
                               values.get("offline_search_link", ""))
        copy[rel] = text.encode("utf-8")
    return copy


def offline_page(html: str, rel: str, root: str) -> str:
    """`html`, the page at `rel`, with its links to pages of the site made links to their
    files; `root` is the path of the site's address ('/' or '/guide/')."""

    def fix(match: re.Match[str]) -> str:
        return match.group(1) + file_link(match.group(2), rel, root) + match.group(3)

    return _REFRESH.sub(fix, _ATTRIBUTE.sub(fix, _ITSELF.sub("", html)))


def file_link(href: str, rel: str, root: str) -> str:
    """`../artiklar/x/#a` -> `../artiklar/x/index.html#a`, from the page at `rel`; a link from
    the site's root path `root` (the not-found pages') is made relative. Links elsewhere (the
    public address in `canonical`, which copy-link and letters use, included) and to anchors
    stay as they are."""
    if href.startswith(("#", "//")) or _SCHEME.match(href):
        return href
    if href.startswith(root):
        up = "../" * rel.count("/")
        href = up + href[len(root):] or "./"
    path, mark, rest = _split(href)
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif path in (".", ".."):
        path += "/index.html"
    return path + mark + rest


def search_page(html: str, online: str, message: str, link: str) -> str:
    """The search page without its script (Pagefind cannot load from files), saying so."""
    html = _SEARCH_SCRIPTS.sub("", html)
    note = f'{escape(message)} <a href="{escape(online)}">{escape(link)}</a>'
    return _SEARCH_NOTE.sub(lambda m: m.group(1) + note + m.group(2), html)


def _split(href: str) -> tuple[str, str, str]:
    """(path, '?' or '#' or '', the rest) of a link."""
    cut = min((i for i in (href.find("?"), href.find("#")) if i >= 0), default=len(href))
    return href[:cut], href[cut:cut + 1], href[cut + 1:]
