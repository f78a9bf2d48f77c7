"""A content-addressed cache for expensive outputs (letter downloads).

An entry's key is a hash of everything its bytes depend on: the input, the code that makes it
and the versions of the libraries it calls. A changed letter, template code or library gives a
new key, so a stale entry can never be used; unused entries are simply never read.
"""

from __future__ import annotations

import hashlib
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


def engine_version() -> str:
    """Changes when any engine module or a library that shapes the HTML changes."""
    sources = sorted(Path(__file__).parent.glob("*.py"))
    return fingerprint([path.read_bytes() for path in sources], code_version(
        packages=("jinja2", "markdown-it-py", "mdit-py-plugins", "babel", "pyyaml")))


class Cache:
    """Files named by key under one folder; `None` folder means no caching."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def has(self, key: str) -> bool:
        return self.folder is not None and (self.folder / key[:2] / key).is_file()

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            data = (self.folder / key[:2] / key).read_bytes()
        except OSError:
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store atomically (write then rename), so a killed build never leaves half an entry."""
        if self.folder is None:
            return
        try:
            write_atomic(self.folder / key[:2] / key, data)
        except OSError:
            pass  # a cache that cannot be written only costs time
