"""What a build is asked to do and what it found: light types, importable without the engine.

`build` here first asks whether the last build of the same inputs still stands, so an
up-to-date site costs a hash of its sources and no heavy import.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, has_errors
from .links import ExternalLink


@dataclass(frozen=True)
class Options:
    content: Path
    templates: Path
    out: Path
    write: bool = True
    drafts: bool = False
    progress: Callable[[int, int], None] | None = None
    """Called with (pages done, pages in all) while rendering; the CLI shows it on a terminal."""
    search: bool = True
    """Make the search index (the slowest single step; off for quick previews)."""
    update_lock: bool = False
    """Record the current URLs and anchors in content/urls.lock instead of checking them."""
    cache: Path | None = Path(".cache/guidesite")
    """Where expensive outputs (letter downloads) are kept between builds; None: no cache."""
    base_url: str = ""
    """The public address to build for instead of site.yaml's `base_url` (ends in '/')."""


@dataclass(frozen=True)
class Result:
    diagnostics: list[Diagnostic]
    pages_per_language: dict[str, int] = field(default_factory=dict)
    files: int = 0
    letters: int = 0
    downloads: int = 0
    seconds: float = 0.0
    external: list[ExternalLink] = field(default_factory=list)
    rendered: int = 0
    """Pages rendered anew; the rest were reused unchanged from an earlier build."""
    written: int = 0
    """Files written to the output folder."""
    unchanged: bool = False
    """Nothing changed since the last build of this output: its result was reused."""

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def today():
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible scaffolds and checks)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def build(options: Options) -> Result:
    """One complete build, as the command line runs it.

    When the content, templates, engine and options are exactly those of the last build and
    its output is untouched, that build's result stands and nothing is done again.
    """
    from .cache import engine_version
    from .uptodate import inputs_fingerprint, recall, remember
    from .write import leftovers

    started = time.perf_counter()
    reusable = options.write and not options.drafts and not options.update_lock and \
        options.content.is_dir() and options.templates.is_dir()
    inputs = ""
    if reusable:
        inputs = inputs_fingerprint(
            [options.content, options.templates], engine_version(), options.search, str(today()),
            options.base_url,
            str(options.content.absolute()), str(options.templates.absolute()))
        state = None if leftovers(options.out) else recall(options.cache, inputs, options.out)
        if state is not None:  # (a killed build's leftovers need a real build to clean them)
            return Result(state["diagnostics"], dict(state["pages_per_language"]),
                          state["files"], state["letters"], state["downloads"],
                          time.perf_counter() - started, [], 0, 0, unchanged=True)
    from .pipeline import Builder  # the engine, imported only when there is work to do

    result = Builder(options).build()
    if reusable and result.ok:
        remember(options.cache, inputs, options.out, {
            "pages_per_language": list(result.pages_per_language.items()), "files": result.files,
            "letters": result.letters, "downloads": result.downloads}, result.diagnostics)
    return result
