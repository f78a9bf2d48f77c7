"""The cache changes how long a build takes, never what it makes.

A site is built again after each kind of change an author or a maintainer makes (an article,
a template, site.yaml, the interface strings, a deleted file, the engine's own code), once
with the cache every earlier build filled and once without any cache: the trees must be the
same byte for byte. A dependency left out of a fingerprint shows here as a stale page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fixed_sites import TESTS, strings_for

from conftest import ROOT, TEMPLATES, read_tree, run_build


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def change_article(work: Path) -> None:
    edit(work / "content/sv/articles/folj-upp.md", "title:", "title: Ny rubrik –")


def change_body(work: Path) -> None:
    article = work / "content/en/articles/follow-up.md"
    article.write_text(article.read_text("utf-8") + "\n## A new section\n\nMore text.\n", "utf-8")


def change_template(work: Path) -> None:
    edit(work / "templates/footer-links.html", "<ul", "<!-- edited -->\n<ul")


def change_settings(work: Path) -> None:
    edit(work / "content/site.yaml", "title:", "title: Renamed")


def change_strings(work: Path) -> None:
    edit(work / "content/en/strings.yaml", "skip_link: ", "skip_link: Jump! ")


def delete_file(work: Path) -> None:
    (work / "content/en/pages/about.md").unlink()


def change_engine(work: Path) -> None:
    """A new engine release: the heading links render differently."""
    edit(work / "guidesite/markdown.py", '<a class="anchor" href', '<a class="anchor new" href')


CHANGES = [change_article, change_body, change_template, change_settings, change_strings,
           delete_file, change_engine]


@pytest.mark.slow
def test_a_cached_build_is_the_same_as_a_clean_one_after_every_kind_of_change(
        tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(TESTS / "visual" / "content", work / "content")
    for lang in ("sv", "en"):
        (work / "content" / lang / "strings.yaml").write_text(strings_for(lang, None), "utf-8")
    shutil.copytree(TEMPLATES, work / "templates")
    shutil.copytree(ROOT / "guidesite", work / "guidesite",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", work / "build.py")

    def build(out: str, *flags: str) -> dict[str, bytes]:
        result = run_build("build", "--content", "content", "--templates", "templates",
                           "--out", out, "--no-search", "--update-lock", *flags, cwd=work,
                           engine=work / "build.py")
        assert result.returncode == 0, result.stderr
        return read_tree(work / out)

    build("cached")
    hits = []
    for change in CHANGES:
        change(work)
        cached = build("cached")
        clean = build("clean", "--no-cache")
        stale = sorted(path for path in clean.keys() | cached.keys()
                       if clean.get(path) != cached.get(path))
        assert stale == [], f"after {change.__name__}: {stale[:5]}"
        hits.append(len(list((work / ".cache/guidesite").rglob("*"))))
    assert hits == sorted(hits), "every build adds entries; none is made twice"
    assert 'class="anchor new"' in (work / "cached/en/articles/follow-up/index.html"
                                    ).read_text("utf-8")


def test_a_damaged_or_foreign_cache_entry_is_made_again(tmp_path: Path) -> None:
    import sqlite3

    from guidesite.cache import DATABASE, Cache

    one, two = "1" * 64, "2" * 64
    cache = Cache(tmp_path)
    cache.keep(one, ("kept", 1))
    cache.keep(two, "two")
    cache.flush()
    assert Cache(tmp_path).recall(one) == ("kept", 1)  # another process reads it back
    with sqlite3.connect(tmp_path / DATABASE) as db:
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (b"\x80\x05 damaged", one))
    assert Cache(tmp_path).recall(one) is None
    with sqlite3.connect(tmp_path / DATABASE) as db:  # an entry under another key's name
        db.execute("UPDATE entries SET value = (SELECT value FROM entries WHERE key = ?) "
                   "WHERE key = ?", (two, one))
    assert Cache(tmp_path).recall(one) is None
    (tmp_path / DATABASE).write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / (DATABASE + suffix)).unlink(missing_ok=True)
    fresh = Cache(tmp_path)  # an unreadable file is started again, never a traceback
    assert fresh.recall(one) is None
    fresh.keep(one, "again")
    fresh.flush()
    assert Cache(tmp_path).recall(one) == "again"


def test_the_cache_stays_under_its_bound_keeping_what_was_used_last(tmp_path: Path) -> None:
    import sqlite3

    from guidesite.cache import DATABASE, Cache

    cache = Cache(tmp_path)
    keys = [f"{n:02d}" + "f" * 62 for n in range(10)]
    for key in keys:
        cache.put(key, b"x" * 1000)
    cache.flush()
    with sqlite3.connect(tmp_path / DATABASE) as db:  # used one after the other, long ago
        db.executemany("UPDATE entries SET used = ? WHERE key = ?",
                       [(1_000_000 + age, key) for age, key in enumerate(keys)])
    reader = Cache(tmp_path)
    assert reader.get(keys[0]) is not None  # used just now: the oldest entry, the newest use
    reader.flush()
    assert reader.evict(max_bytes=5000) == 5
    left = [key for key in keys if Cache(tmp_path).has(key)]
    assert left == [keys[0], *keys[6:]]
    assert reader.evict(max_bytes=0, every=3600) == 0  # looked at a moment ago: not again yet


@pytest.mark.slow
def test_the_search_index_is_reused_until_indexed_text_changes(tmp_path: Path) -> None:
    """Pagefind reads each indexed page's <main>: a change elsewhere (a template's footer)
    reuses the last index; a change to an article's text makes a new one. A Pagefind that
    cannot run shows which: only a build that needs it fails."""
    import os
    import subprocess
    import sys

    shutil.copytree(TESTS / "visual" / "content", tmp_path / "content")
    for lang in ("sv", "en"):
        (tmp_path / "content" / lang / "strings.yaml").write_text(strings_for(lang, None),
                                                                   "utf-8")
    shutil.copytree(TEMPLATES, tmp_path / "templates")

    def build(pagefind: str | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, **({"PAGEFIND_BINARY_PATH": pagefind} if pagefind else {}))
        return subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content",
                               "content", "--templates", "templates", "--out", "site"],
                              cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)

    assert build().returncode == 0
    index = read_tree(tmp_path / "site" / "pagefind")
    edit(tmp_path / "templates/footer-links.html", "<ul", "<!-- edited -->\n<ul")
    missing = str(tmp_path / "no-pagefind")
    reused = build(pagefind=missing)
    assert reused.returncode == 0, reused.stderr
    assert read_tree(tmp_path / "site" / "pagefind") == index
    assert "<!-- edited -->" in (tmp_path / "site/en/index.html").read_text("utf-8")
    change_body(tmp_path)
    needed = build(pagefind=missing)
    assert needed.returncode == 1 and "error[search-unavailable]" in needed.stderr
