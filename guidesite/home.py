"""The task-first home page and the reading order: `<lang>/home.yaml` and `journey:`.

A reader arrives with a situation ("I got a no"), not a date: each language's home.yaml names
a handful of situations and the items that help in each, and site.yaml's `journey:` lists item
keys in the order a reader lives them, which listings and the home page follow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from . import schema
from .diagnostics import Diagnostic, SourceRef, did_you_mean, error
from .discover import SourceFile
from .model import Home, Item, Site, Situation
from .schemas import HOME_SCHEMA
from .yamldoc import Mapping, Sequence


def load_home(source: SourceFile, data: object, problems: list[Diagnostic]) -> Home | None:
    """The situations of one language's home.yaml (`data` as parsed), None after an error."""
    where = SourceRef(source.display, 1)
    values, found = schema.check(data, HOME_SCHEMA, where, "home.yaml")
    problems.extend(found)
    if found or not isinstance(data, Mapping):
        return None
    raw = data["situations"]
    situations = []
    for record, raw_record in zip(values["situations"], raw, strict=True):
        listed = raw_record["items"]
        lines = tuple(listed.lines) if isinstance(listed, Sequence) else (
            raw_record.line_of("items"),)
        situations.append(Situation(
            title=record["title"].strip(), text=" ".join(record["text"].split()),
            keys=tuple(k.strip() for k in record["items"]), line=record.line,
            key_lines=lines))
    return Home(source.lang, tuple(situations), where)


def check_keys(site: Site) -> list[Diagnostic]:
    """Every key of the journey and of the home pages names an item."""
    problems = []
    every = {item.key for item in site.items} | {key for _, key in site.unloaded}
    config = site.config
    seen: set[str] = set()
    for key, line in zip(config.journey, config.journey_lines, strict=True):
        if key in seen:
            problems.append(error("duplicate-key", f"'{key}' is listed twice in the journey",
                                  SourceRef(config.source.path, line), "list each item once"))
        seen.add(key)
        if key not in every:
            problems.append(_unknown(key, "any language", every,
                                     SourceRef(config.source.path, line)))
    for home in site.homes.values():
        keys = {i.key for i in site.items if i.lang == home.lang} | {
            key for lang, key in site.unloaded if lang == home.lang}
        for situation in home.situations:
            for key, line in zip(situation.keys, situation.key_lines, strict=False):
                if key not in keys:
                    problems.append(_unknown(key, f"'{home.lang}'", keys,
                                             SourceRef(home.source.path, line)))
    return problems


def _unknown(key: str, where: str, keys: Iterable[str], at: SourceRef) -> Diagnostic:
    return error("unknown-key", f"no item with key '{key}' in {where}", at,
                 did_you_mean(key, keys) or "use the 'key' of an article, letter or tips topic "
                 "(its file name when it sets none)")


def journey_sorted(items: Iterable[Item], journey: tuple[str, ...]) -> list[Item]:
    """Items in journey order; those the journey does not list after them, newest first."""
    place = {key: number for number, key in enumerate(journey)}
    return sorted(items, key=lambda i: (place.get(i.key, len(place)),
                                        -(i.date or dt.date.min).toordinal(), i.title))


def latest(items: Iterable[Item], count: int) -> list[Item]:
    """The `count` most recently published or updated items."""
    return sorted(items, key=lambda i: (-(i.updated or i.date or dt.date.min).toordinal(),
                                        i.title))[:count]
