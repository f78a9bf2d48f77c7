"""Site search that works offline on any static host: a Pagefind index made at build time.

Pagefind (PyPI `pagefind[bin]`, which ships the binary) reads the finished HTML, detects each
page's `<html lang>` and writes one index per language, with that language's stemming, into
`<site>/pagefind/`. The search page loads it from `static/search.js`.

What is indexed is decided by the templates: `base.html` puts `data-pagefind-body` on `<main>`
of articles, letters, tips topics and pages only, and Pagefind then leaves every other page out
(home pages, listings, the educators' page, handouts, redirects, the search pages). Parts of
those pages that are not their text (breadcrumbs, the letter form, download links, print-only
blocks, ...) are left out with `EXCLUDE`, so the templates need no Pagefind markup of their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from importlib import metadata
from pathlib import Path

from .cache import Cache, engine_version, fingerprint
from .diagnostics import Diagnostic, SourceRef, error
from .discover import display_path
from .files import walk, write_atomic
from .model import SiteConfig
from .parallel import die_with_parent
from .plan import SEARCH_INDEX

EXCLUDE = (
    ".breadcrumb", ".toc", ".article-meta", ".reading-aids", ".anchor", ".related",
    ".related-links", ".print-only", ".print-link", ".draft-notice", "#copy-status",
    ".letter-form-section", ".letter-actions", ".downloads", "script", ".page-aside",
    ".back-to-top",
)
"""Parts of an indexed page's `<main>` that are navigation, controls or print aids, not text."""

UNUSED = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)
"""Pagefind's ready-made interfaces (~400 kB): the search page uses its own, `search.js`."""

ENTRY = "pagefind-entry.json"
TIMEOUT = 120
"""Seconds before indexing is given up; this site takes well under one."""

_INDEXED = re.compile(rb"<main\b[^>]*\sdata-pagefind-body[\s>=]")
_LANG = re.compile(rb"<html\b[^>]*\slang=\"([^\"]*)\"")
_STAGING = re.compile(r"^\.(?P<name>.+)\.tmp-\d+$")


def build_index(folder: Path, config: SiteConfig, cache: Cache | None = None
                ) -> list[Diagnostic]:
    """Index the finished site in `folder` (before it is swapped in); return problems.

    With `cache`, an index is kept by the fingerprint of what Pagefind reads (each indexed
    page's address, language and `<main>`), so a build that changed no indexed text (a
    template's header, a listing, a letter download) reuses it instead of running Pagefind.
    """
    where = SourceRef(display_path(_final_folder(folder) / SEARCH_INDEX))
    codes = {lang.code for lang in config.languages}
    reads = hashlib.sha256(repr((EXCLUDE, _version(), engine_version())).encode())
    indexed: set[str] = set()
    for rel, _ in walk(folder):
        if rel.endswith(".html"):
            data = (folder / rel).read_bytes()
            if _INDEXED.search(data):
                indexed.add(Path(rel).parts[0])
                lang = _LANG.search(data)
                reads.update(b"\0".join((rel.encode(), lang[1] if lang else b"",
                                          data[data.find(b"<main"):data.rfind(b"</main>")])))
    indexed &= codes
    if not indexed:
        return []  # nothing to search yet; Pagefind would index every page's whole <body>
    cache = cache or Cache(None)
    key = fingerprint("search index", reads.hexdigest())
    kept = cache.recall(key)
    if isinstance(kept, dict):
        for rel, data in kept.items():
            write_atomic(folder / SEARCH_INDEX / rel, data)
        return []
    problems = _run_pagefind(folder, where, indexed)
    if not problems:
        cache.keep(key, {rel: (folder / SEARCH_INDEX / rel).read_bytes()
                         for rel, entry in walk(folder / SEARCH_INDEX) if entry.is_file()})
    return problems


def _run_pagefind(folder: Path, where: SourceRef, indexed: set[str]) -> list[Diagnostic]:
    """Run Pagefind over `folder` and make its bundle stable; return problems."""
    binary = _executable()
    if binary is None:
        return [error("search-unavailable", "Pagefind is not installed: cannot make the search "
                      "index", where, "install it with: python3 -m pip install 'pagefind[bin]'")]
    command = [str(binary), "--site", ".", "--output-subdir", SEARCH_INDEX, "--quiet",
               *(arg for selector in EXCLUDE for arg in ("--exclude-selectors", selector))]
    # Pagefind also reads PAGEFIND_* variables, and pagefind.{toml,yml,json} in its working
    # folder: neither may change what a build writes, so it runs without the variables in the
    # new site folder, which holds no such file.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("PAGEFIND_")}
    try:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT, check=False, preexec_fn=die_with_parent)
    except subprocess.TimeoutExpired:
        return [error("search-index-failed", f"Pagefind did not finish within {TIMEOUT} s",
                      where, "run the build again; if it keeps happening, report it")]
    except OSError as exc:
        return [error("search-index-failed", f"cannot run Pagefind ({binary}): {exc.strerror}",
                      where, "reinstall it with: python3 -m pip install --force-reinstall "
                      "'pagefind[bin]'")]
    bundle = folder / SEARCH_INDEX
    if done.returncode != 0 or not (bundle / ENTRY).is_file():
        said = " ".join((done.stderr + done.stdout).split())[-300:] or "no output"
        return [error("search-index-failed",
                      f"Pagefind failed (exit {done.returncode}): {said}", where,
                      "run the build again with a fresh output folder; the previous site was "
                      "left as it was")]
    languages = _normalise(bundle)
    return [error("search-language", f"no search index was made for language '{code}'", where,
                  f"check that its pages have <html lang=\"{code}\">")
            for code in sorted(indexed) if code.lower() not in languages]


def _version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "?"


def _executable() -> Path | None:
    """Pagefind's binary as the `pagefind` package finds it (PAGEFIND_BINARY_PATH, the bundled
    `pagefind_bin`, or PATH); None when it is not installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        found = get_executable()
    except (FileNotFoundError, OSError):
        return None
    return found if found is not None and found.is_file() else None


def _normalise(bundle: Path) -> set[str]:
    """Make the bundle the same bytes on every build and drop what the site does not use.

    Pagefind names index and fragment files by content hash, so those are stable; only the
    entry file's language map comes out in varying order (a hash map in Rust).
    """
    entry = bundle / ENTRY
    data = json.loads(entry.read_text("utf-8"))
    entry.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False,
                                separators=(",", ":")), "utf-8")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return {code.lower() for code in data.get("languages", {})}


def _final_folder(folder: Path) -> Path:
    """The output folder a staging folder ('.site.tmp-123') will become, for messages."""
    match = _STAGING.match(folder.name)
    return folder.with_name(match["name"]) if match else folder
