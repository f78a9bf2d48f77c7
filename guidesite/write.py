"""Write the output folder: all into a fresh folder beside it, then swap it in.

A build that fails, or is killed, never leaves a half-written site: the old folder stays in
place until the new one is complete.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from .diagnostics import Diagnostic, SourceRef, error

STAGING = ".{name}.tmp-{pid}"
RETIRED = ".{name}.old-{pid}"


def write_site(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path],
               finish: Callable[[Path], list[Diagnostic]] | None = None) -> list[Diagnostic]:
    """Replace `out` with exactly `files` (path -> bytes) plus `copies` (path -> source file).

    `finish(folder)` runs on the complete new folder before it is swapped in (the search
    index is made there); its errors stop the swap like a failed write.
    """
    out = out.absolute()
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(out)
        staging = parent / STAGING.format(name=out.name, pid=os.getpid())
        staging.mkdir()
        made: set[Path] = set()
        for rel in sorted(set(files) | set(copies)):
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if rel in files:
                target.write_bytes(files[rel])
            else:
                shutil.copyfile(copies[rel], target)
        if finish is not None:
            problems = finish(staging)
            if any(p.severity == "error" for p in problems):
                shutil.rmtree(staging, ignore_errors=True)
                return problems
        retired = parent / RETIRED.format(name=out.name, pid=os.getpid())
        if out.exists():
            out.rename(retired)
        staging.rename(out)
        if retired.exists():
            shutil.rmtree(retired)
    except OSError as exc:
        return [error("write-failed", f"cannot write the site: {exc.strerror} ({exc.filename})",
                      SourceRef(str(out)),
                      "check that the folder is writable and the disk is not full; "
                      "the previous site was left as it was")]
    return []


def update_site(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path],
                previous: Mapping[str, bytes] | None) -> tuple[list[Diagnostic], int]:
    """Bring `out` up to date file by file: write what changed, delete what is gone.

    For the dev server, where a rebuild must take milliseconds: each file is written to a
    temporary name and renamed over the old one, so a reader never sees half a file.
    `previous` is what the last call wrote (None: unknown, so everything is written).
    """
    out = out.absolute()
    written = 0
    try:
        out.mkdir(parents=True, exist_ok=True)
        known = previous or {}
        for rel, data in files.items():
            if known.get(rel) is data or (rel in known and known[rel] == data):
                continue
            _replace_file(out / rel, data)
            written += 1
        for rel, source in copies.items():
            target = out / rel
            stat = source.stat()
            if previous is not None and target.exists() and target.stat().st_mtime_ns >= \
                    stat.st_mtime_ns and target.stat().st_size == stat.st_size:
                continue
            _replace_file(target, source.read_bytes())
            written += 1
        if previous is None:
            wanted = {out / rel for rel in (*files, *copies)}
            stale = [p for p in out.rglob("*") if p.is_file() and p not in wanted
                     and "pagefind" not in p.relative_to(out).parts]
        else:
            stale = [out / rel for rel in previous if rel not in files]
        for path in stale:
            path.unlink(missing_ok=True)
    except OSError as exc:
        return [error("write-failed", f"cannot write the site: {exc.strerror} ({exc.filename})",
                      SourceRef(str(out)), "check that the folder is writable and the disk is "
                      "not full")], written
    return [], written


def _replace_file(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(target)


def write_lock(path: Path, text: str) -> list[Diagnostic]:
    """Write the URL lock file atomically (it is committed, so never leave half of it)."""
    try:
        partial = path.with_name(path.name + ".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        return [error("write-failed", f"cannot write {path}: {exc.strerror}", SourceRef(str(path)),
                      "check that the content folder is writable")]
    return []


def clean_leftovers(out: Path) -> None:
    """Remove staging folders that an interrupted build left beside `out`."""
    for pattern in (STAGING, RETIRED):
        for leftover in out.parent.glob(pattern.format(name=out.name, pid="*")):
            shutil.rmtree(leftover, ignore_errors=True)
