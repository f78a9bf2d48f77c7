"""Checks across items: what no single file can know about itself."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace

from .cache import fingerprint
from .diagnostics import Diagnostic, SourceRef, did_you_mean, error, warning
from .home import check_keys
from .model import Item, Lesson, Letter, Site, TipTopic, changed_items

RELATED_KINDS = ("article", "letter")
USES_KINDS = ("article", "letter", "tips")
NOUN = {"article": "an article", "letter": "a letter", "tips": "a tips topic", "page": "a page",
        "lesson": "a lesson"}


def today() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible scaffolds and checks)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def source_fingerprint(item: Item) -> str:
    """Short fingerprint of what a translator translates: the text, not where it sits."""
    parts: list = [item.kind, item.title, item.summary, item.body]
    if isinstance(item, Letter):
        parts += [item.subject, item.guide,
                  [(f.name, f.label, f.hint, f.example) for f in item.fields]]
    if isinstance(item, TipTopic):
        parts += [item.intro, [(t.id, t.title, t.body, t.related) for t in item.tips]]
    if isinstance(item, Lesson):
        parts += [item.audience, item.duration, item.goals, item.prepare, item.uses]
    return fingerprint(*parts)[:12]


@dataclass(frozen=True)
class Validated:
    """A site and what `validate` found in it, for the next build to start from."""

    site: Site
    today: dt.date | None
    problems: tuple[Diagnostic, ...]


def validated(site: Site, today: dt.date | None = None, previous: Validated | None = None
              ) -> Validated:
    """`validate`, starting from `previous`: when only the body text of items changed
    (nothing these checks read but whether a translation lags), the rest of its problems
    still hold."""
    texts = _texts_changed(previous, site, today) if previous is not None else None
    if texts is not None:
        assert previous is not None
        keys = {item.key for item in texts}
        problems = [p for p in previous.problems if p.code != "outdated-translation"
                    or not _of_key(site, p.where.path, keys)]
        return Validated(site, today, (*problems, *outdated(site, keys)))
    return Validated(site, today, tuple(validate(site, today)))


def _texts_changed(previous: Validated, site: Site, today: dt.date | None
                   ) -> list[Item] | None:
    """The items whose body text alone changed since `previous`, or None when anything else
    did."""
    old = previous.site
    pairs = changed_items(old, site)
    if previous.today != today or old.config != site.config or old.unloaded != site.unloaded \
            or old.homes != site.homes or pairs is None or any(
                replace(after, body=before.body, digest=before.digest) != before
                for before, after in pairs):
        return None
    return [after for _, after in pairs]


def _of_key(site: Site, path: str, keys: set[str]) -> bool:
    return any(item.source.path == path and item.key in keys for item in site.items)


def validate(site: Site, today: dt.date | None = None) -> list[Diagnostic]:
    """Problems between items: keys, translations that disagree or lag, related keys, and
    (given `today`) guidance whose review is due."""
    problems = _keys(site)
    problems += _translations(site)
    problems += outdated(site)
    problems += _related(site)
    problems += _uses(site)
    problems += check_keys(site)
    if today is not None:
        problems += _reviews(site, today)
    return problems


def outdated(site: Site, keys: set[str] | None = None) -> list[Diagnostic]:
    """A translation marked with its source's fingerprint lags when the source has changed.

    With `keys`, only the translations of items with those keys are checked.
    """
    default = site.config.default_language
    items = site.items if keys is None else [i for i in site.items if i.key in keys]
    sources = {(i.kind, i.key): i for i in items if i.lang == default}
    problems = []
    for item in items:
        source = sources.get((item.kind, item.key))
        if source is None or source is item or not item.translated_from:
            continue
        if item.translated_from != source_fingerprint(source):
            problems.append(warning(
                "outdated-translation", f"{source.source.path} has changed since this "
                "translation was marked", item.at("translated_from"),
                "update the translation, then run 'python3 build.py translations --mark "
                f"{item.source.path}'"))
    return problems


def _reviews(site: Site, today: dt.date) -> list[Diagnostic]:
    """Guidance checked longer ago than `review_after_days` is listed for re-checking."""
    limit = site.config.review_after_days
    problems = []
    for item in site.items:
        reviewed = getattr(item, "reviewed", None)
        if reviewed is not None and (today - reviewed).days > limit:
            problems.append(warning(
                "review-due", f"last reviewed {reviewed.isoformat()}, "
                f"{(today - reviewed).days} days ago (limit {limit})", item.at("reviewed"),
                "check that the guidance still holds, then set 'reviewed' to today's date"))
    return problems


def _keys(site: Site) -> list[Diagnostic]:
    """Duplicate translation keys in one language, and keys shared by items of different kinds."""
    problems: list[Diagnostic] = []
    first_in_lang: dict[tuple[str, str], Item] = {}
    kind_of_key: dict[str, Item] = {}
    for item in site.items:
        first = first_in_lang.setdefault((item.lang, item.key), item)
        if first is not item:
            problems.append(error(
                "duplicate-key",
                f"key '{item.key}' is also used by {first.source.path} in '{item.lang}'",
                item.at("key"),
                "each item needs its own key within a language; the same key in another "
                "language marks a translation"))
            continue
        other = kind_of_key.setdefault(item.key, item)
        if other.kind != item.kind:
            problems.append(error(
                "translation-kind",
                f"key '{item.key}' is {NOUN[item.kind]} here but {NOUN[other.kind]} in "
                f"{other.source.path}",
                item.at("key"), "a translation must be the same kind of item; change one key"))
    return problems


def _translations(site: Site) -> list[Diagnostic]:
    """A letter's translations declare the same fields; a tips topic's translations the same tips.

    The default language's version is the source the others are compared with.
    """
    problems: list[Diagnostic] = []
    default = site.config.default_language
    sources = {i.key: i for i in site.items if i.lang == default}
    for item in site.items:
        source = sources.get(item.key)
        if source is None or source is item or source.kind != item.kind:
            continue
        if isinstance(item, Letter) and isinstance(source, Letter):
            mine = [f.name for f in item.fields]
            theirs = [f.name for f in source.fields]
            missing = [n for n in theirs if n not in mine]
            extra = [n for n in mine if n not in theirs]
            if missing or extra:
                parts = ([f"lacks {', '.join(missing)}"] if missing else []) + (
                    [f"adds {', '.join(extra)}"] if extra else [])
                problems.append(error(
                    "translation-fields",
                    f"fields differ from the translation {source.source.path}: "
                    + "; ".join(parts), item.at("fields"),
                    "translations of a letter must declare the same field names, so one form "
                    "can fill both"))
        if isinstance(item, TipTopic) and isinstance(source, TipTopic):
            mine_ids = {t.id for t in item.tips}
            for tip in source.tips:
                if tip.id not in mine_ids:
                    problems.append(error(
                        "translation-tip", f"tip '{tip.id}' of {source.source.path}:{tip.line} "
                        "is missing in this translation", item.at("tips"),
                        "translate the tip and keep its id, so links to it work in every "
                        "language"))
    return problems


def _related(site: Site) -> list[Diagnostic]:
    """Every key a tip lists as related names an article or letter of the same language."""
    problems: list[Diagnostic] = []
    kinds = {(i.lang, i.key): i.kind for i in site.items}
    for topic in site.items:
        if not isinstance(topic, TipTopic):
            continue
        for tip in topic.tips:
            for key in tip.related:
                kind = kinds.get((topic.lang, key))
                if kind in RELATED_KINDS or (topic.lang, key) in site.unloaded:
                    continue
                what = f"{NOUN[kind]}, not an article or letter" if kind else "not a known key"
                problems.append(error(
                    "unknown-related", f"related key '{key}' of tip '{tip.id}' is {what}",
                    SourceRef(topic.source.path, tip.line),
                    did_you_mean(key, _choices(site, topic.lang)) or
                    "use the key of an article or letter"))
    return problems


def _choices(site: Site, lang: str) -> list[str]:
    """Keys a related list may name, for did-you-mean (only made when a key is wrong)."""
    return [i.key for i in site.items if i.lang == lang and i.kind in RELATED_KINDS]



def _uses(site: Site) -> list[Diagnostic]:
    """Every key a lesson uses names an article, letter or tips topic of its language."""
    problems: list[Diagnostic] = []
    kinds = {(i.lang, i.key): i.kind for i in site.items}
    for lesson in site.items:
        if not isinstance(lesson, Lesson):
            continue
        for index, key in enumerate(lesson.uses):
            kind = kinds.get((lesson.lang, key))
            if kind in USES_KINDS or (lesson.lang, key) in site.unloaded:
                continue
            line = (lesson.uses_lines[index] if index < len(lesson.uses_lines)
                    else lesson.at("uses").line)
            what = f"{NOUN[kind]}, not an article, letter or tips topic" if kind else \
                f"not a known key in '{lesson.lang}'"
            choices = [i.key for i in site.items
                       if i.lang == lesson.lang and i.kind in USES_KINDS]
            problems.append(error(
                "unknown-uses", f"'{key}' in 'uses' is {what}",
                SourceRef(lesson.source.path, line),
                did_you_mean(key, choices) or "use the key of an article, letter or tips "
                "topic in the same language (its file name when it sets none)"))
    return problems
