"""Letter templates: the body syntax, parsed into lines of text, slots and choices.

    {name}                       a field          {{ and }}   literal braces
    {if name}...{end}            text shown only when `name` is filled (within one line)
    {if name}...{else}...{end}   ...and the text shown instead when it is empty

The filled letter (what the reader sends) leaves out a line whose fields outside any `{if}` are
all optional and all empty, and a paragraph whose lines are all left out. Blank templates show
every field as `[Label]` and every `{if}` as its first branch. `letter.js` applies the same
rules in the browser; `filled_text` here is their reference, used by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from .diagnostics import Diagnostic, SourceRef, error
from .model import Choice, Letter, LetterParagraph, Line, Part, Slot

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED = ("if", "else", "end")
"""Words of the syntax: they cannot name a field."""

POST_ALIGN_END = {"en": ("sender", "date")}
"""Parts of a posted letter set against the right margin by the language's convention (British
letters: the sender's address and the date top right; Swedish ones keep everything left)."""
SIGNATURE_GAP = 3
"""Empty lines left above the typed name of a posted letter, for the handwritten signature."""


class _Line:
    """Collects one line's parts, with at most one open `{if}`."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.choice: str | None = None
        self.then: list[str | Slot] | None = None
        self.otherwise: list[str | Slot] | None = None
        self.skip = 0
        """`{if}`s reported as nested: their `{end}` is not reported again."""

    def target(self) -> list:
        if self.choice is None:
            return self.parts
        return self.otherwise if self.otherwise is not None else self.then

    def add(self, part: str | Slot) -> None:
        target = self.target()
        if isinstance(part, str) and target and isinstance(target[-1], str):
            target[-1] += part
        else:
            target.append(part)

    def close(self) -> None:
        self.parts.append(Choice(self.choice, tuple(self.then), tuple(self.otherwise or ())))
        self.choice = self.then = self.otherwise = None


def parse_line(text: str, where: SourceRef, problems: list[Diagnostic]) -> Line:
    """Split one line into text, slots and choices; `{{`/`}}` are literal braces."""
    line = _Line()
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            line.add(text[position:match.start()])
        position = match.end()
        token = match.group(0)
        inner = (match.group(1) or "").strip()
        words = inner.split()
        if token in ("{{", "}}"):
            line.add(token[0])
        elif token in ("{", "}"):
            problems.append(error("bad-placeholder", f"unmatched '{token}' in the letter", where,
                                  f"write '{token}{token}' for a literal brace, or {{name}} "
                                  "for a field"))
            line.add(token)
        elif words[:1] == ["if"]:
            if len(words) != 2 or not FIELD_NAME.match(words[1]) or words[1] in RESERVED:
                problems.append(error("bad-placeholder", f"'{token}' is not a valid condition",
                                      where, "write {if name} with one field name, e.g. "
                                      "{if recipient_name}"))
                line.skip += 1
            elif line.choice is not None:
                problems.append(error("bad-placeholder", f"'{token}' inside another {{if}}",
                                      where, "{if} cannot nest: close the first one with {end}"))
                line.skip += 1
            else:
                line.choice, line.then = words[1], []
        elif inner in ("else", "end"):
            if line.skip:
                line.skip -= inner == "end"
            elif line.choice is None or (inner == "else" and line.otherwise is not None):
                problems.append(error("bad-placeholder", f"'{{{inner}}}' without an open {{if}}",
                                      where, "write {if name}...{else}...{end} on one line"))
            elif inner == "else":
                line.otherwise = []
            else:
                line.close()
        elif not FIELD_NAME.match(inner):
            problems.append(error("bad-placeholder", f"'{token}' is not a field placeholder",
                                  where, "field names are lowercase letters, digits and '_', "
                                  "e.g. {your_name}; write '{{' for a literal brace"))
            line.add(token)
        else:
            line.add(Slot(inner))
    if position < len(text):
        line.add(text[position:])
    if line.choice is not None:
        problems.append(error("bad-placeholder", f"'{{if {line.choice}}}' is not closed", where,
                              "end it with {end} on the same line"))
        line.close()
    return tuple(line.parts)


def parse_body(body: str, first_line: int, path: str, problems: list[Diagnostic]
               ) -> tuple[LetterParagraph, ...]:
    """Paragraphs are separated by blank lines; line breaks inside a paragraph are kept."""
    paragraphs: list[LetterParagraph] = []
    lines: list[Line] = []
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


def references(parts: Line) -> list[tuple[str, str]]:
    """Every field a line names, as (name, how it is written): `{name}` or `{if name}`."""
    found: list[tuple[str, str]] = []
    for part in parts:
        if isinstance(part, Slot):
            found.append((part.name, f"{{{part.name}}}"))
        elif isinstance(part, Choice):
            found.append((part.name, f"{{if {part.name}}}"))
            found.extend((p.name, f"{{{p.name}}}") for p in (*part.then, *part.otherwise)
                         if isinstance(p, Slot))
    return found


def slots_in(parts: Line) -> list[str]:
    """Every field a line names: its slots, its conditions and the slots inside them."""
    return [name for name, _ in references(parts)]


def outer_slots(parts: Line) -> list[str]:
    """The fields of a line outside any `{if}`: they decide whether the line is left out."""
    return [part.name for part in parts if isinstance(part, Slot)]


def fill(parts: Line, value_of: Callable[[str], str]) -> str:
    """Join a line as a blank template shows it: slots by `value_of(name)`, `{if}` as its
    first branch."""
    out = []
    for part in parts:
        if isinstance(part, Choice):
            out.append(fill(part.then, value_of))
        else:
            out.append(part if isinstance(part, str) else value_of(part.name))
    return "".join(out)


def as_text(letter: Letter, value_of: Callable[[str], str] | None = None) -> str:
    """The blank template as plain text: fields become `[Label]` unless `value_of` fills them."""
    value_of = value_of or letter.blank
    paragraphs = [fill(letter.subject, value_of) if p.is_subject else
                  "\n".join(fill(line, value_of) for line in p.lines) for p in letter.paragraphs]
    return "\n\n".join(paragraphs) + "\n"


def filled_line(parts: Line, letter: Letter, values: Mapping[str, str]) -> str | None:
    """A line of the filled letter, or None when it is left out (its fields outside `{if}` are
    all optional and all empty, or it came out blank). An empty required field still reads
    `[Label]`."""
    def value(name: str) -> str:
        given = values.get(name, "").strip()
        return given or (letter.blank(name) if letter.required(name) else "")

    outer = outer_slots(parts)
    if outer and all(not letter.required(n) and not values.get(n, "").strip() for n in outer):
        return None
    out = []
    for part in parts:
        if isinstance(part, Choice):
            branch = part.then if values.get(part.name, "").strip() else part.otherwise
            out.append("".join(p if isinstance(p, str) else value(p.name) for p in branch))
        else:
            out.append(part if isinstance(part, str) else value(part.name))
    text = "".join(out)
    return text if text.strip() else None  # a line of `{if}` alone that came out empty


def filled_text(letter: Letter, values: Mapping[str, str]) -> str:
    """The filled letter's body as plain text (the subject where a paper letter places it)."""
    paragraphs = []
    for paragraph in letter.paragraphs:
        lines = [letter.subject] if paragraph.is_subject else paragraph.lines
        kept = [text for text in (filled_line(line, letter, values) for line in lines)
                if text is not None]
        if kept:
            paragraphs.append("\n".join(kept))
    return "\n\n".join(paragraphs) + "\n"


def greeting(paragraphs: Sequence[LetterParagraph]) -> tuple[LetterParagraph, Line] | None:
    """The greeting: the first line of the body, or of the first paragraph after a paper
    letter's `{subject}` (its address and date blocks come before)."""
    start = next((n + 1 for n, p in enumerate(paragraphs) if p.is_subject), 0)
    return (paragraphs[start], paragraphs[start].lines[0]) if start < len(paragraphs) else None


def roles(letter: Letter) -> list[str]:
    """What each paragraph is, for the posted letter's layout: 'sender', 'recipient', 'date'
    and 'subject' before the greeting, 'closing' last (the typed name after the signature
    space); everything else, and every paragraph of an e-mail, is 'body'."""
    out = ["body"] * len(letter.paragraphs)
    if letter.channel != "post" or not letter.paragraphs:
        return out
    out[-1] = "closing"
    head = next((n for n, p in enumerate(letter.paragraphs) if p.is_subject), 0)
    for number, paragraph in enumerate(letter.paragraphs[:head]):
        names = {n for line in paragraph.lines for n in slots_in(line)}
        out[number] = "sender" if number == 0 else "date" if "date" in names else "recipient"
    if head:
        out[head] = "subject"
    return out


def align(letter: Letter, role: str) -> str:
    """'start' or 'end': where a paragraph of this role sits in the letter's language."""
    return "end" if role in POST_ALIGN_END.get(letter.lang.split("-")[0], ()) else "start"


def as_data(letter: Letter) -> dict:
    """What the browser needs to fill the letter in: structure, fields, subject, layout."""
    def parts(line: Line) -> list:
        out: list = []
        for part in line:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Slot):
                out.append({"field": part.name})
            else:
                out.append({"if": part.name, "then": parts(part.then),
                            "else": parts(part.otherwise)})
        return out

    paragraph_roles = roles(letter)
    return {
        "lang": letter.lang,
        "slug": letter.slug,
        "title": letter.title,
        "channel": letter.channel,
        "subject": parts(letter.subject),
        "subject_in_body": letter.subject_in_body,
        "paragraphs": [{"lines": [parts(line) for line in p.lines], "role": role,
                        "align": align(letter, role)}
                       for p, role in zip(letter.paragraphs, paragraph_roles, strict=True)],
        "labels": {f.name: f.label for f in letter.fields},
        "required": [f.name for f in letter.fields if f.required],
        "signature_gap": SIGNATURE_GAP,
    }
