"""Checks across items: what no single file can know about itself."""

from __future__ import annotations

from .diagnostics import Diagnostic, error
from .model import Item, Site


def validate(site: Site) -> list[Diagnostic]:
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
                f"key '{item.key}' is a {item.kind} here but a {other.kind} in "
                f"{other.source.path}",
                item.at("key"), "a translation must be the same kind of item; change one key"))
    return problems
