"""A content-addressed cache for whatever is expensive to make: letter downloads, loaded
content files, rendered Markdown bodies, QR codes.

An entry's key is a hash of everything it depends on: the input, the code that makes it
and the versions of the libraries it calls. A changed letter, template code or library gives a
new key, so a stale entry can never be used; unused entries are simply never read, and the
oldest go when the folder outgrows its bound (`evict`). Nothing in the key names a machine or
a folder, so a CI system may keep `.cache/guidesite/` between runs.

Objects are stored pickled with their key and the Python version inside: an entry that does
not unpickle, or holds another key (a corrupt or foreign file), is ignored and made again.
Like `__pycache__`, the folder is trusted as much as the code that writes it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from functools import cache
from importlib import metadata
from pathlib import Path

from .files import write_atomic


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
_TAG = ("guidesite-cache", 1)


class Cache:
    """Files named by key under one folder; `None` folder means no caching."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def has(self, key: str) -> bool:
        return self.folder is not None and (self.folder / key[:2] / key).is_file()

    def get(self, key: str) -> bytes | None:
        """The entry's bytes; reading marks it used (its time), so eviction spares it."""
        if self.folder is None:
            return None
        path = self.folder / key[:2] / key
        try:
            data = path.read_bytes()
            os.utime(path)
        except OSError:
            return None
        return data

    def recall(self, key: str) -> object | None:
        """The object kept under `key`, or None when there is none or it cannot be trusted."""
        data = self.get(key)
        if data is None:
            return None
        try:
            tag, stored_key, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a damaged or foreign file: made again, never used
            return None
        return value if (tag, stored_key) == (_TAG, key) else None

    def keep(self, key: str, value: object) -> None:
        """Keep `value` (a picklable plain value) under `key`."""
        if self.folder is not None:
            self.put(key, pickle.dumps((_TAG, key, value), pickle.HIGHEST_PROTOCOL))

    def put(self, key: str, data: bytes) -> None:
        """Store atomically (write then rename), so a killed build never leaves half an entry."""
        if self.folder is None:
            return
        try:
            write_atomic(self.folder / key[:2] / key, data)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def evict(self, max_bytes: int = MAX_BYTES, every: float = 0) -> int:
        """Remove the entries used longest ago until the folder is under `max_bytes`; returns
        how many went. Run after a build, never during one; with `every`, at most once in
        that many seconds (looking at every entry costs as much as a quick rebuild)."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        marker = self.folder / "evicted"
        try:
            if every and time.time() - marker.stat().st_mtime < every:
                return 0
        except OSError:
            pass
        marker.touch()
        entries = []
        for shard in os.scandir(self.folder):
            if len(shard.name) != 2 or not shard.is_dir(follow_symlinks=False):
                continue  # the compiled templates' folder and the last build's record stay
            for entry in os.scandir(shard.path):
                try:
                    status = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                entries.append((status.st_mtime_ns, status.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= max_bytes:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
            removed += 1
        return removed
