"""Skip a build whose inputs are exactly those of the last build of the same, untouched output.

The inputs are addressed by content: every file of the content and templates folders (path
and SHA-256 of its bytes), the engine's own code and libraries, the options and, for review
warnings, today's date. The output is recognised by a listing of its files (path, size,
modification time), so a site changed or removed by hand is always rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import asdict
from pathlib import Path

from .diagnostics import Diagnostic, SourceRef

STATE = "last-build.json"


def inputs_fingerprint(folders: list[Path], *settings: object) -> str:
    digest = hashlib.sha256(repr(settings).encode())
    for folder in folders:
        for path in sorted(_files(folder)):
            digest.update(os.fsencode(path.relative_to(folder)))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def output_fingerprint(out: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(_files(out)):
        stat = path.stat()
        digest.update(f"{path.relative_to(out)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    """Regular files only: reading a named pipe would block (the build reports it instead)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in filenames:
            path = Path(dirpath) / name
            try:
                if stat.S_ISREG(path.stat().st_mode):
                    found.append(path)
            except OSError:
                continue
    return found


def recall(cache: Path | None, inputs: str, out: Path) -> dict | None:
    """The last build's summary when it had these inputs and `out` is as it left it."""
    if cache is None or not out.is_dir():
        return None
    try:
        state = json.loads((cache / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("inputs") != inputs or state.get("out") != str(out.absolute()):
        return None
    if state.get("output") != output_fingerprint(out):
        return None
    state["diagnostics"] = [Diagnostic(d["severity"], d["code"], d["message"],
                                       SourceRef(**d["where"]), d["hint"])
                            for d in state["diagnostics"]]
    return state


def remember(cache: Path | None, inputs: str, out: Path, summary: dict,
             diagnostics: list[Diagnostic]) -> None:
    """Record a successful build, so the same inputs need no work next time."""
    if cache is None:
        return
    state = summary | {"inputs": inputs, "out": str(out.absolute()),
                       "output": output_fingerprint(out),
                       "diagnostics": [asdict(d) for d in diagnostics]}
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f"{STATE}.{os.getpid()}"
        partial.write_text(json.dumps(state, sort_keys=True), "utf-8")
        partial.replace(cache / STATE)
    except OSError:
        pass  # without the record the next build simply does the work
