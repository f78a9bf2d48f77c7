"""The build's front door: skip a build whose inputs are exactly those of the last build of
the same, untouched output, and only otherwise import the engine and run the pipeline.

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
import time
from dataclasses import asdict
from pathlib import Path

from .diagnostics import Diagnostic, SourceRef
from .files import walk, write_atomic
from .options import Options, Result

STATE = "last-build.json"


def build(options: Options) -> Result:
    """One complete build, as the command line runs it.

    When the content, templates, engine and options are exactly those of the last build and
    its output is untouched, that build's result stands: an up-to-date site costs a hash of
    its sources and no heavy import.
    """
    from .cache import engine_version
    from .validate import today
    from .write import leftovers

    started = time.perf_counter()
    reusable = options.write and not options.drafts and not options.update_lock and \
        options.content.is_dir() and options.templates.is_dir()
    inputs = ""
    if reusable:
        inputs = inputs_fingerprint(
            [options.content, options.templates], engine_version(), options.search, str(today()),
            options.base_url, options.offline,
            str(options.content.absolute()), str(options.templates.absolute()))
        state = None if leftovers(options.out) else recall(options.cache, inputs, options.out)
        if state is not None:  # (a killed build's leftovers need a real build to clean them)
            return Result(state["diagnostics"], dict(state["pages_per_language"]),
                          state["files"], state["letters"], state["downloads"],
                          time.perf_counter() - started, [], 0, 0, unchanged=True)
    from .pipeline import build as run  # the engine, imported only when there is work to do

    result, _ = run(options)
    if result.ok and options.write:
        from .cache import EVICT_EVERY, Cache

        Cache(options.cache).evict(every=EVICT_EVERY)
    if reusable and result.ok:
        remember(options.cache, inputs, options.out, {
            "pages_per_language": list(result.pages_per_language.items()), "files": result.files,
            "letters": result.letters, "downloads": result.downloads}, result.diagnostics)
    return result


def inputs_fingerprint(folders: list[Path], *settings: object) -> str:
    digest = hashlib.sha256(repr(settings).encode())
    for folder in folders:
        for rel, _ in _files(str(folder)):
            digest.update(os.fsencode(rel))
            with open(os.path.join(folder, rel), "rb") as file:
                digest.update(hashlib.sha256(file.read()).digest())
    return digest.hexdigest()


def output_fingerprint(out: Path) -> str:
    digest = hashlib.sha256()
    for rel, stat_result in _files(str(out)):
        digest.update(f"{rel}\0{stat_result.st_size}\0{stat_result.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _files(folder: str) -> list[tuple[str, os.stat_result]]:
    """(path relative to `folder`, its status) of every regular file, sorted by path.

    Regular files only: reading a named pipe would block (the build reports it instead).
    """
    found = []
    for rel, entry in walk(folder):
        try:
            status = entry.stat()
        except OSError:
            continue
        if stat.S_ISREG(status.st_mode):
            found.append((rel, status))
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
        write_atomic(cache / STATE, json.dumps(state, sort_keys=True).encode("utf-8"))
    except OSError:
        pass  # without the record the next build simply does the work
