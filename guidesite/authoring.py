"""Author tools: scaffold new content files, and follow translations against their source."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .load import front_matter_end
from .model import Item, Site
from .slug import slugify
from .validate import source_fingerprint

FOLDER_OF = {"article": ("articles", ".md"), "letter": ("letters", ".md"),
             "tip": ("tips", ".yaml"), "lesson": ("lessons", ".md")}

_ARTICLE = """\
---
# Every key is described in docs/authoring.md (Articles). Lines starting with # are notes.
# The page heading and the title in listings.
title: {title}
# One or two sentences for listings, search results and the page description.
summary: {summary}
# Publication date (YYYY-MM-DD); listings and feeds are ordered by it.
date: {today}
# When the guidance was last checked; the build warns when it gets old.
reviewed: {today}
# Remove this line when the article is ready: drafts are shown by serve, never published.
draft: true
# The same key in every language links translations; links use [text](key:{slug}).
key: {slug}
# Optional, remove the # to use them:
# author: Your name          (who wrote it; defaults to the author in site.yaml)
# author_role: {role}          (shown after the name)
# tags: [{tag}]          (topic words)
# updated: {today}          (when the text last changed in substance)
# aliases: [/{lang}/old-address/]          (earlier addresses of this page, kept as redirects)
---
{intro}

## {section}

{body}
"""

_LETTER = """\
---
# Every key is described in docs/authoring.md (Letters). Lines starting with # are notes.
# The page heading and the title in listings.
title: {title}
# One or two sentences: what the letter is for (listings, search, page description).
summary: {summary}
# The same key in every language links translations.
key: {slug}
# Publication date (YYYY-MM-DD).
date: {today}
# Remove this line when the letter is ready: drafts are shown by serve, never published.
draft: true
# email (a subject line, "open in e-mail program") or post (a printed letter).
channel: email
# The e-mail subject or the letter's heading; may use {{fields}}, like the body.
subject: "{subject}"
# Markdown beside the form: what the letter is for, when and how to send it.
guide: |
  {guide}
# Optional: questions to tick through before sending, and a reminder after N days.
# checklist: ["{check}"]
# remind_after_days: 7
# The blanks of the letter, in the order the form asks for them. For each:
#   name: written {{name}} in the body; lowercase letters, digits and _
#   label: the form's label, and [Label] in blank templates (required fields need one)
#   hint: help under the input         example: an example value
#   required: true when the reader must fill it in (optional text can vanish, see the docs)
#   multiline: true for a text area     autocomplete: name, email, tel, ... for personal fields
fields:
  - name: recipient_name
    label: {contact}
    hint: {contact_hint}
    example: Sara
    required: false
  - name: your_name
    label: {you}
    example: Alex Nilsson
    required: true
    autocomplete: name
---
{greeting}

{body}

{closing}
{{your_name}}
"""

_TIPS = """\
# Every key is described in docs/authoring.md (Tips). Lines starting with # are notes.
# The topic's heading.
title: {title}
# The same key in every language links translations.
key: {slug}
# Remove this line when the tips are ready: drafts are shown by serve, never published.
draft: true
# Markdown before the tips; its first sentence is the summary unless you add 'summary:'.
intro: |
  {intro}
# The tips, in the order shown. For each:
#   id: its anchor (#id), lowercase letters, digits and -; never change it once published,
#       and keep it in translations
#   title: the tip's heading        body: Markdown
#   related: keys of related articles and letters (they link back)
tips:
  - id: first-tip
    title: {tip_title}
    body: |
      {tip_body}
    related: []
"""

_LESSON = """\
---
# Every key is described in docs/authoring.md (Lessons). Lines starting with # are notes.
# The page heading and the title on the educators' page.
title: {title}
# One or two sentences: what the students do and learn (listings, search, page description).
summary: {summary}
# The same key in every language links translations.
key: {slug}
# Publication date (YYYY-MM-DD), and when the lesson was last checked.
date: {today}
reviewed: {today}
# Remove this line when the lesson is ready: drafts are shown by serve, never published.
draft: true
# Who the lesson is for, and at what level.
audience: {audience}
# Minutes; the steps below should add up to it (the build warns otherwise).
duration: 45
# What the students can do afterwards.
goals:
  - {goal}
# Optional: what the teacher prepares.
prepare:
  - {prepare}
# Keys of the articles, letters and tips topics the lesson works with, in this language.
# Replace these with the ones your lesson uses.{available}
uses: [{uses}]
---
{background}

::: step 10 {step_intro}
{step_text}
:::

::: step 25 {step_work}
{step_text}
:::

::: step 10 {step_end}
{step_text}
:::

::: roleplay {roleplay}
{roleplay_text}
:::

::: worksheet {worksheet}
{worksheet_text}

___

___

___
:::

## {questions}

- {question}
"""

_LESSON_WORDS = {
    "sv": dict(audience="Gymnasiet år 2–3", goal="Eleven kan ...",
               prepare="Skriv ut arbetsbladet, ett per elev",
               background="Skriv en kort bakgrund för läraren: varför lektionen behövs.",
               step_intro="Inledning", step_work="Övning i par", step_end="Avslutning",
               step_text="Vad läraren gör och säger, och vad eleverna gör.",
               roleplay="Rollspel: samtalet", roleplay_text="**Elev A:** ...\n\n**Elev B:** ...",
               worksheet="Arbetsblad: titel", worksheet_text="Vad eleven ska göra. Varje "
               "rad med tre understreck blir en linje att skriva på.",
               questions="Diskussionsfrågor", question="En fråga att prata om."),
    "en": dict(audience="Year 12–13 and adult learners", goal="Students can ...",
               prepare="Print the worksheet, one per student",
               background="Write a short background for the teacher: why the lesson matters.",
               step_intro="Introduction", step_work="Pair work", step_end="Wrap-up",
               step_text="What the teacher does and says, and what the students do.",
               roleplay="Role-play: the conversation",
               roleplay_text="**Student A:** ...\n\n**Student B:** ...",
               worksheet="Worksheet: title", worksheet_text="What the student does. Each line "
               "of three underscores becomes a line to write on.",
               questions="Discussion questions", question="A question to talk about."),
}

_WORDS = {
    "sv": dict(summary="Skriv en eller två meningar om vad texten hjälper till med.",
               intro="Skriv en kort inledning.", section="Första avsnittet",
               body="Skriv texten här.", role="Studie- och yrkesvägledare", tag="ämne",
               subject="Ämnesrad", guide="Vad brevet är till för, när och hur det skickas.",
               contact="Mottagarens namn", contact_hint="Förnamnet räcker, till exempel Sara. "
               "Lämna tomt om du inte vet vem du skriver till.",
               you="Ditt namn", greeting="{if recipient_name}Hej {recipient_name}!{else}Hej!{end}",
               check="Har du kollat att företagets namn är rätt stavat?",
               closing="Med vänliga hälsningar", tip_title="Ett första tips",
               tip_body="Skriv tipset här."),
    "en": dict(summary="Write one or two sentences on what the text helps with.",
               intro="Write a short introduction.", section="First section",
               body="Write the text here.", role="Careers adviser", tag="topic",
               subject="Subject line", guide="What the letter is for, when and how to send it.",
               contact="Recipient's name", contact_hint="Their name as they sign their "
               "e-mails, for example Sara Lind or Ms Lind. Leave it empty if you don't know who "
               "will read it.", you="Your name",
               greeting="{if recipient_name}Dear {recipient_name},{else}Dear Hiring Manager,{end}",
               closing="Kind regards,", check="Is the company's name spelt right?",
               tip_title="A first tip", tip_body="Write the tip here."),
}


def scaffold(content: Path, kind: str, lang: str, title: str, today: dt.date) -> Path:
    """Write a new, correctly formed draft; raise FileExistsError rather than overwrite."""
    folder, suffix = FOLDER_OF[kind]
    slug = slugify(title)
    if not slug:
        raise ValueError("the title gives an empty slug: use letters or digits")
    path = content / lang / folder / f"{slug}{suffix}"
    words = _WORDS.get(lang, _WORDS["en"])
    if kind == "lesson":
        words = words | _LESSON_WORDS.get(lang, _LESSON_WORDS["en"]) | _uses(content, lang)
    template = {"article": _ARTICLE, "letter": _LETTER, "tip": _TIPS, "lesson": _LESSON}[kind]
    text = template.format(title=_quoted(title), slug=slug, today=today.isoformat(), lang=lang,
                           **words)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # "x": never overwrite an author's file
        file.write(text)
    return path


def _uses(content: Path, lang: str) -> dict[str, str]:
    """A lesson's `uses` to start from: the first article, letter and tips topic of the
    language (valid keys the author replaces), and a note listing what there is."""
    from .discover import discover
    from .load import load
    from .validate import USES_KINDS

    site, _ = load(discover(content))
    items = [i for i in (site.items if site else ()) if i.lang == lang and i.kind in USES_KINDS]
    first = [next(i.key for i in items if i.kind == kind)
             for kind in USES_KINDS if any(i.kind == kind for i in items)]
    keys = sorted(i.key for i in items)
    shown = textwrap.wrap(f"In '{lang}': " + ", ".join(keys), 90, break_on_hyphens=False)
    return {"uses": ", ".join(first), "available": "".join(f"\n# {line}" for line in shown)}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Status:
    kind: str
    key: str
    states: dict[str, str]
    """Language -> 'source', 'missing', 'broken', 'present', 'up to date' or 'outdated'."""


def translation_status(site: Site) -> list[Status]:
    """Every item key by language, compared with the default language's version; a file that
    failed to load is 'broken', not 'missing' (its errors are reported by the caller)."""
    default = site.config.default_language
    codes = [lang.code for lang in site.config.languages]
    grouped: dict[tuple[str, str], dict[str, Item]] = {}
    for item in site.items:
        grouped.setdefault((item.kind, item.key), {})[item.lang] = item
    rows = []
    for (kind, key), versions in sorted(grouped.items()):
        source = versions.get(default)
        states = {}
        for code in codes:
            item = versions.get(code)
            if item is None:
                states[code] = "broken" if (code, key) in site.unloaded else "missing"
            elif item is source:
                states[code] = "source"
            elif source is None or not item.translated_from:
                states[code] = "present"
            elif item.translated_from == source_fingerprint(source):
                states[code] = "up to date"
            else:
                states[code] = "outdated"
        rows.append(Status(kind, key, states))
    return rows


def mark_text(text: str, value: str, is_yaml: bool) -> str:
    """The file's text with `translated_from: value` set in its front matter (or YAML)."""
    line = f"translated_from: {value}"
    pattern = re.compile(r"^translated_from:.*$", re.MULTILINE)
    if is_yaml:
        return pattern.sub(line, text, count=1) if pattern.search(text) else f"{line}\n{text}"
    bounds = front_matter_end(text)
    if bounds is None:
        raise ValueError("the file has no front matter")
    front = text[4:bounds[0]]
    front = pattern.sub(line, front, count=1) if pattern.search(front) else front + line + "\n"
    return "---\n" + front + text[bounds[0]:]
