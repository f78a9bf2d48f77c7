"""A content-addressed cache for whatever is expensive to make: letter downloads, loaded
content files, rendered Markdown bodies, QR codes.

An entry's key is a hash of everything it depends on: the input, the code that makes it
and the versions of the libraries it calls. A changed letter, template code or library gives a
new key, so a stale entry can never be used; unused entries are simply never read, and the
oldest go when the folder outgrows its bound (`evict`). Nothing in the key names a machine or
a folder, so a CI system may keep `.cache/guidesite/` between runs.

Objects are stored pickled with their key inside: an entry that does not unpickle, or holds
another key (a corrupt or foreign entry), is ignored and made again. Like `__pycache__`, the
folder is trusted as much as the code that writes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import sys
import time
import weakref
from functools import cache
from importlib import metadata
from pathlib import Path


def fingerprint(*parts: object) -> str:
    """Stable hash of `parts` (their reprs), for cache keys and change detection."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def code_version(*modules: object, packages: tuple[str, ...] = ()) -> str:
    """Fingerprint of the source of `modules` and the versions of `packages`."""
    sources = [Path(m.__file__).read_bytes() for m in modules]  # type: ignore[attr-defined]
    versions = []
    for name in packages:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}==?")
    return fingerprint(sources, versions)


@cache
def engine_version() -> str:
    """Changes when any engine module, the Python version or a library that shapes the HTML
    changes: part of every key, so a new engine never reads an old engine's entries."""
    sources = sorted(Path(__file__).parent.glob("*.py"))
    return fingerprint([path.read_bytes() for path in sources], sys.version_info[:2],
                       code_version(packages=("jinja2", "markdown-it-py", "mdit-py-plugins",
                                              "babel", "pyyaml")))


MAX_BYTES = 512 * 1024 * 1024
"""The cache's bound: past it, the entries used longest ago are removed after a build."""
EVICT_EVERY = 3600.0
"""Seconds between two looks at the cache's size by command-line builds."""
FLUSH_BYTES = 8 * 1024 * 1024
"""New entries are written in batches of about this size: one transaction each."""
DATABASE = "cache.db"
_TAG = ("guidesite-cache", 1)
_OPEN: weakref.WeakSet[Cache] = weakref.WeakSet()


class Cache:
    """Entries by key in one SQLite file under `folder`; a `None` folder means no caching.

    One file, not a file per entry: a cold build keeps tens of thousands of entries, and
    creating that many files cost more than the work they save. New entries are written in
    batches (`flush`); each process (a forked worker too) has its own connection, and
    SQLite's write-ahead log lets them read while one writes. A database that cannot be read
    is removed and started again: the cache only ever costs time.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._new: dict[str, bytes] = {}
        self._new_bytes = 0
        self._used: set[str] = set()
        _OPEN.add(self)

    def _connect(self) -> sqlite3.Connection | None:
        if self.folder is None:
            return None
        if self._db is not None and self._pid == os.getpid():
            return self._db
        if self._pid != os.getpid():  # a forked worker: what the parent had is the parent's
            self._db, self._new, self._new_bytes, self._used = None, {}, 0, set()
        self._pid = os.getpid()
        for attempt in range(2):
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.folder / DATABASE, timeout=120,
                                     isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, "
                           "value BLOB NOT NULL, size INTEGER NOT NULL, used REAL NOT NULL)")
                self._db = db
                return db
            except (sqlite3.Error, OSError):
                if attempt == 0:
                    for suffix in ("", "-wal", "-shm"):
                        with contextlib.suppress(OSError):
                            (self.folder / (DATABASE + suffix)).unlink()
        self.folder = None  # unusable: build without a cache
        return None

    def has(self, key: str) -> bool:
        if key in self._new:
            return True
        db = self._connect()
        return db is not None and self._query(
            db, "SELECT 1 FROM entries WHERE key = ?", key) is not None

    def get(self, key: str) -> bytes | None:
        """The entry's bytes; reading marks it used, so eviction spares it."""
        if key in self._new:
            return self._new[key]
        db = self._connect()
        if db is None:
            return None
        row = self._query(db, "SELECT value FROM entries WHERE key = ?", key)
        if row is None:
            return None
        self._used.add(key)
        return row[0]

    @staticmethod
    def _query(db: sqlite3.Connection, sql: str, key: str) -> tuple | None:
        try:
            return db.execute(sql, (key,)).fetchone()
        except sqlite3.Error:
            return None

    def recall(self, key: str) -> object | None:
        """The object kept under `key`, or None when there is none or it cannot be trusted."""
        data = self.get(key)
        if data is None:
            return None
        try:
            tag, stored_key, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a damaged or foreign entry: made again, never used
            return None
        return value if (tag, stored_key) == (_TAG, key) else None

    def keep(self, key: str, value: object) -> None:
        """Keep `value` (a picklable plain value) under `key`."""
        if self.folder is not None:
            self.put(key, pickle.dumps((_TAG, key, value), pickle.HIGHEST_PROTOCOL))

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key`; written with the next batch (see `flush`)."""
        if self._connect() is None:
            return
        self._new[key] = data
        self._new_bytes += len(data)
        if self._new_bytes >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Write the new entries and mark the used ones, in one transaction."""
        db = self._db if self._pid == os.getpid() else None
        if db is None or not (self._new or self._used):
            return
        now = time.time()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                           [(key, data, len(data), now) for key, data in self._new.items()])
            db.executemany("UPDATE entries SET used = ? WHERE key = ?",
                           [(now, key) for key in self._used])
            db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        self._new, self._new_bytes, self._used = {}, 0, set()

    def evict(self, max_bytes: int = MAX_BYTES, every: float = 0) -> int:
        """Remove the entries used longest ago until the cache is under `max_bytes`; returns
        how many went. Run after a build, never during one; with `every`, at most once in
        that many seconds."""
        self.flush()
        db = self._connect()
        if db is None or self.folder is None:
            return 0
        marker = self.folder / "evicted"
        with contextlib.suppress(OSError):
            if every and time.time() - marker.stat().st_mtime < every:
                return 0
        with contextlib.suppress(OSError):
            marker.touch()
        try:
            total = db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0]
            removed = []
            for key, size in db.execute("SELECT key, size FROM entries ORDER BY used, key"):
                if total <= max_bytes:
                    break
                removed.append((key,))
                total -= size
            db.executemany("DELETE FROM entries WHERE key = ?", removed)
            if removed:
                db.execute("VACUUM")
        except sqlite3.Error:
            return 0
        return len(removed)


def flush_all() -> None:
    """Write every cache's new entries: what a forked worker does before it exits."""
    for store in list(_OPEN):
        store.flush()
