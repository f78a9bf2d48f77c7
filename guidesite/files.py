"""Files the one way: a walk of a folder tree, and a write that no reader sees half done."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def walk(root: Path | str, hidden: bool = True) -> Iterator[tuple[str, os.DirEntry]]:
    """(path relative to `root`, its entry) of everything under `root` but folders, sorted by
    path. Folders linked to are not entered (their link is yielded, for the caller to judge);
    `hidden=False` leaves out names starting with '.' and editor backups ending in '~'."""
    todo = [""]
    found: list[tuple[str, os.DirEntry]] = []
    while todo:
        rel = todo.pop()
        try:
            entries = list(os.scandir(os.path.join(root, rel)))
        except OSError:
            continue
        for entry in entries:
            if not hidden and is_hidden(entry.name):
                continue
            path = os.path.join(rel, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(path)
                    continue
            except OSError:
                continue
            found.append((path, entry))
    found.sort(key=lambda pair: pair[0])
    yield from found


def is_hidden(name: str) -> bool:
    """A name `walk(hidden=False)` leaves out: dot files and editor backups."""
    return name.startswith(".") or name.endswith("~")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary name renamed over it, so a reader (or the
    next build, after a kill) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
