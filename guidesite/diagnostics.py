"""Diagnostics are values: every stage returns them, the command line prints them together."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]
"""A note adds context to another diagnostic (why something was not checked); never fails."""


@dataclass(frozen=True, slots=True, order=True)
class SourceRef:
    """A place in a source file, as an editor would jump to it."""

    path: str
    """File path as shown to the author (relative to the working directory when possible)."""
    line: int = 0
    """1-based line number; 0 when the problem concerns the whole file."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the content, templates or output."""

    severity: Severity
    code: str
    """Short stable identifier, e.g. `missing-field`; tests and authors can search for it."""
    message: str
    where: SourceRef
    hint: str = ""
    """How to fix it, in one sentence."""

    def format(self) -> str:
        """`path:line: severity[code]: message`, one line, plus an indented hint line."""
        text = f"{_one_line(str(self.where))}: {self.severity}[{self.code}]: " \
            f"{_one_line(self.message)}"
        return f"{text}\n  hint: {_one_line(self.hint)}" if self.hint else text


MAX_MESSAGE = 300
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(text: str) -> str:
    """Quoted content can hold anything: keep messages on one line and of a readable length."""
    text = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def error(code: str, message: str, where: SourceRef, hint: str = "") -> Diagnostic:
    return Diagnostic("error", code, _one_line(message), where, _one_line(hint))


def warning(code: str, message: str, where: SourceRef, hint: str = "") -> Diagnostic:
    return Diagnostic("warning", code, _one_line(message), where, _one_line(hint))


def note(code: str, message: str, where: SourceRef, hint: str = "") -> Diagnostic:
    return Diagnostic("note", code, _one_line(message), where, _one_line(hint))


def sort_key(d: Diagnostic) -> tuple:
    return (d.where.path, d.where.line, d.severity, d.code, d.message)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return a ` Did you mean 'x'?`-style suggestion, or '' when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
