"""Letter templates: the `{field}` syntax, parsed into lines of text and slots."""

from __future__ import annotations

import re

from .diagnostics import Diagnostic, SourceRef, error
from .model import LetterParagraph, Slot

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_line(text: str, where: SourceRef, problems: list[Diagnostic]
               ) -> tuple[str | Slot, ...]:
    """Split one line into text and slots; `{{`/`}}` are literal braces."""
    parts: list[str | Slot] = []
    buffer = ""
    position = 0
    for match in _TOKEN.finditer(text):
        buffer += text[position:match.start()]
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            buffer += token[0]
        elif token in ("{", "}"):
            problems.append(error("bad-placeholder", f"unmatched '{token}' in the letter", where,
                                  f"write '{token}{token}' for a literal brace, or {{name}} "
                                  "for a field"))
            buffer += token
        elif not FIELD_NAME.match(match.group(1).strip()):
            problems.append(error("bad-placeholder", f"'{token}' is not a field placeholder",
                                  where, "field names are lowercase letters, digits and '_', "
                                  "e.g. {your_name}; write '{{' for a literal brace"))
            buffer += token
        else:
            if buffer:
                parts.append(buffer)
                buffer = ""
            parts.append(Slot(match.group(1).strip()))
    buffer += text[position:]
    if buffer:
        parts.append(buffer)
    return tuple(parts)


def parse_body(body: str, first_line: int, path: str, problems: list[Diagnostic]
               ) -> tuple[LetterParagraph, ...]:
    """Paragraphs are separated by blank lines; line breaks inside a paragraph are kept."""
    paragraphs: list[LetterParagraph] = []
    lines: list[tuple[str | Slot, ...]] = []
    start = first_line
    for number, text in enumerate(body.split("\n"), start=first_line):
        if not text.strip():
            if lines:
                paragraphs.append(LetterParagraph(tuple(lines), start))
                lines = []
            continue
        if not lines:
            start = number
        lines.append(parse_line(text.rstrip(), SourceRef(path, number), problems))
    if lines:
        paragraphs.append(LetterParagraph(tuple(lines), start))
    return tuple(paragraphs)


def slots_in(parts: tuple[str | Slot, ...]) -> list[str]:
    return [part.name for part in parts if isinstance(part, Slot)]


def fill(parts: tuple[str | Slot, ...], value_of) -> str:
    """Join a line's text and slots, each slot replaced by `value_of(name)`."""
    return "".join(part if isinstance(part, str) else value_of(part.name) for part in parts)


def as_text(letter, value_of=None) -> str:
    """The letter as plain text; blanks become `[Label]` unless `value_of` fills them."""
    value_of = value_of or letter.blank
    paragraphs = [fill(letter.subject, value_of) if p.is_subject else
                  "\n".join(fill(line, value_of) for line in p.lines) for p in letter.paragraphs]
    return "\n\n".join(paragraphs) + "\n"


def as_data(letter) -> dict:
    """What the browser needs to fill the letter in: structure, labels, subject."""
    def parts(line):
        return [p if isinstance(p, str) else {"field": p.name} for p in line]

    return {
        "lang": letter.lang,
        "channel": letter.channel,
        "subject": parts(letter.subject),
        "subject_in_body": letter.subject_in_body,
        "paragraphs": [[parts(line) for line in p.lines] for p in letter.paragraphs],
        "labels": {f.name: f.label for f in letter.fields},
    }
