"""What a build is asked to do and what it found: light types, importable without the engine."""

from __future__ import annotations

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
    offline: bool = False
    """Also write `offline.zip`, the site for opening from a folder (`build --offline`)."""


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
