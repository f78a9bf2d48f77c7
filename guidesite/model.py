"""The content model: plain frozen values, built once by `load`, never changed afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from .diagnostics import SourceRef
from .lock import Lock

SECTIONS = ("articles", "letters", "tips")
FOLDERS = (*SECTIONS, "educators", "search")
"""URL folders each language names in site.yaml: the item sections and the educators' page."""
"""Kinds with a section (`<lang>/<section slug>/<item slug>/`); pages sit at `<lang>/<slug>/`."""


@dataclass(frozen=True)
class Language:
    """One language of the site, from `site.yaml`."""

    code: str
    """BCP 47 tag, also the URL prefix and content folder: `sv`."""
    name: str
    """The language's own name for itself, shown in the switcher: `Svenska`."""
    title: str
    """Site title in this language."""
    tagline: str
    dir: str
    """Text direction for `<html dir>`: `ltr` or `rtl`."""
    sections: Mapping[str, str]
    """Section kind -> URL slug in this language: {'articles': 'artiklar', ...}."""
    locale: str = ""
    """Babel locale for dates and numbers: `sv_SE`, `en_GB` (defaults to the code)."""


@dataclass(frozen=True)
class Licence:
    """The content licence (`licence: {name, url}` in site.yaml)."""

    name: str
    url: str


@dataclass(frozen=True)
class SiteConfig:
    """Site-wide settings from `site.yaml`."""

    base_url: str
    """Absolute URL of the site root, always ending in '/', may contain a path."""
    languages: tuple[Language, ...]
    default_language: str
    organisation: str
    author: str
    review_after_days: int
    allow_html: bool
    source: SourceRef
    journey: tuple[str, ...] = ()
    """Item keys in reading order (`journey:`): listings and the home page follow it."""
    journey_lines: tuple[int, ...] = ()
    """The site.yaml line of each journey key, for messages."""
    contact_email: str = ""
    """Where readers reach the editors, shown in the footer."""
    licence: Licence | None = None
    """The licence of the texts, shown in the footer and on handouts."""
    offline_copy: bool = False
    """Every build also writes `offline.zip`, linked from the educators' page."""

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)


@dataclass(frozen=True)
class Strings:
    """Interface strings of one language (`strings.yaml`): name -> text."""

    lang: str
    values: Mapping[str, str]
    lines: Mapping[str, int]
    source: SourceRef


@dataclass(frozen=True)
class Situation:
    """One of the reader's situations on the home page, with the items that help in it."""

    title: str
    text: str
    keys: tuple[str, ...]
    line: int
    key_lines: tuple[int, ...]
    """The file line of each key, for messages."""


@dataclass(frozen=True)
class Home:
    """A language's task-first home page (`<lang>/home.yaml`)."""

    lang: str
    situations: tuple[Situation, ...]
    source: SourceRef


@dataclass(frozen=True)
class Item:
    """What articles, pages, letters and tips topics share: identity and front matter."""

    kind: ClassVar[str] = ""
    lang: str
    slug: str
    """URL slug, from the file name, lowercase ASCII."""
    key: str
    """Translation key: the same item in another language has the same key."""
    title: str
    summary: str
    source: SourceRef
    """The content file (line 1)."""
    lines: Mapping[str, int]
    """Front matter field -> line, for messages about a field."""
    body: str
    """Markdown text after the front matter."""
    body_line: int
    """File line of the body's first line."""
    aliases: tuple[str, ...] = ()
    """Earlier URL paths ('sv/artiklar/old/'), kept alive as redirects."""
    draft: bool = False
    date: dt.date | None = None
    updated: dt.date | None = None
    digest: str = ""
    """Fingerprint of the file's text and the settings it was read with: equal digests mean an
    unchanged item, so work derived from it can be reused."""

    def at(self, name: str) -> SourceRef:
        """Where front matter field `name` was written (the file's top when absent)."""
        return SourceRef(self.source.path, self.lines.get(name, 1))


@dataclass(frozen=True)
class Article(Item):
    kind: ClassVar[str] = "article"
    author: str = ""
    author_role: str = ""
    tags: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    translated_from: str = ""


@dataclass(frozen=True)
class Page(Item):
    kind: ClassVar[str] = "page"
    translated_from: str = ""


@dataclass(frozen=True)
class Site:
    """Everything `load` read: the input of every later stage."""

    config: SiteConfig
    strings: Mapping[str, Strings]
    items: tuple[Item, ...] = field(default=())
    lock: Lock | None = None
    """`content/urls.lock`: every URL and anchor published so far (None: not kept)."""
    unloaded: frozenset[tuple[str, str]] = frozenset()
    """(language, probable key) of files that failed to load: links to them are not reported
    again, the file's own error says what to fix."""
    homes: Mapping[str, Home] = field(default_factory=dict)
    """Language -> its home page's situations (languages without home.yaml have none)."""


@dataclass(frozen=True)
class LetterField:
    """One blank of a letter template, shown as a form input and as `[label]` in downloads."""

    name: str
    label: str
    hint: str
    example: str
    required: bool
    multiline: bool
    line: int
    autocomplete: str = ""
    """HTML autocomplete token for personal fields (`name`, `email`, `tel`, ...), or none."""


SUBJECT = "subject"
"""The reserved slot that places the letter's subject inside the body (paper letters)."""


@dataclass(frozen=True)
class Slot:
    """A `{name}` placeholder inside a letter line."""

    name: str


@dataclass(frozen=True)
class Choice:
    """`{if name}then{else}otherwise{end}`: text that depends on whether a field is filled.

    Blank templates always show `then` (with `[Label]` for its slots)."""

    name: str
    then: tuple[str | Slot, ...]
    otherwise: tuple[str | Slot, ...] = ()


Part = str | Slot | Choice
Line = tuple[Part, ...]


@dataclass(frozen=True)
class LetterParagraph:
    """A paragraph of a letter: lines kept as written, each a run of text, slots and choices."""

    lines: tuple[Line, ...]
    line: int

    @property
    def is_subject(self) -> bool:
        """A paragraph that is only `{subject}`: where the subject line goes in the letter."""
        return self.lines == ((Slot(SUBJECT),),)


@dataclass(frozen=True)
class Letter(Item):
    kind: ClassVar[str] = "letter"
    channel: str = "email"
    """'email' or 'post'."""
    subject: Line = ()
    guide: str = ""
    """Markdown: what the letter is for and how to send it."""
    guide_line: int = 0
    fields: tuple[LetterField, ...] = ()
    paragraphs: tuple[LetterParagraph, ...] = ()
    translated_from: str = ""
    checklist: tuple[str, ...] = ()
    """Short questions the reader sees before sending ("Is the company's name right?")."""
    remind_after_days: int = 0
    """Letters that wait for an answer offer an .ics reminder this many days ahead (0: none)."""

    @property
    def subject_in_body(self) -> bool:
        """A paper letter places its subject line itself, as a `{subject}` paragraph."""
        return any(p.is_subject for p in self.paragraphs)

    def label(self, name: str) -> str:
        """The label shown for slot `name` (its name when the field is not declared)."""
        return next((f.label for f in self.fields if f.name == name), name)

    def required(self, name: str) -> bool:
        """Whether the reader must fill field `name` before sending."""
        return any(f.required for f in self.fields if f.name == name)

    def blank(self, name: str) -> str:
        """How an unfilled slot reads in templates and downloads: `[Label]`."""
        return f"[{self.label(name)}]"


@dataclass(frozen=True)
class Tip:
    id: str
    """Stable anchor id; the same in every language."""
    title: str
    body: str
    body_line: int
    related: tuple[str, ...]
    """Translation keys of related articles and letters."""
    line: int


@dataclass(frozen=True)
class TipTopic(Item):
    kind: ClassVar[str] = "tips"
    intro: str = ""
    intro_line: int = 0
    tips: tuple[Tip, ...] = ()
    translated_from: str = ""


@dataclass(frozen=True)
class Step:
    """One timed step of a lesson (`::: step 10 Title`), for its running order."""

    minutes: int
    title: str
    line: int


@dataclass(frozen=True)
class Lesson(Item):
    """A lesson plan for teachers and counsellors, published in the educators' folder."""

    kind: ClassVar[str] = "lesson"
    audience: str = ""
    """Who the lesson is for and at what level: `Gymnasiet år 2–3, komvux och SFI`."""
    duration: int = 0
    """Minutes the lesson takes; its steps should add up to it."""
    goals: tuple[str, ...] = ()
    prepare: tuple[str, ...] = ()
    """What the teacher prepares beforehand."""
    uses: tuple[str, ...] = ()
    """Keys of the articles, letters and tips topics of the same language it works with."""
    uses_lines: tuple[int, ...] = ()
    """The file line of each key in `uses` (empty when written on one line)."""
    reviewed: dt.date | None = None
    translated_from: str = ""
    steps: tuple[Step, ...] = ()
    worksheets: tuple[str, ...] = ()
    """Titles of its worksheets, in order."""


def changed_items(old: Site, new: Site) -> list[tuple[Item, Item]] | None:
    """Each item of `new` that is not the very object it was in `old`, with what it was; None
    when the two do not hold the same files in the same order (an item came or went)."""
    if len(old.items) != len(new.items):
        return None
    pairs = [(before, after) for before, after in zip(old.items, new.items, strict=True)
             if before is not after]
    return None if any(b.source.path != a.source.path for b, a in pairs) else pairs
