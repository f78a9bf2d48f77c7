"""The validate stage: problems between items (reviews due, translations that lag, related keys),
on small loaded trees. Single-file problems belong to load; each code's wording is in
tests/invalid/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from guidesite.discover import discover
from guidesite.load import load
from guidesite.validate import source_fingerprint, validate

from conftest import SITE_YAML

ARTICLE = "---\ntitle: {title}\nsummary: Kort.\ndate: 2026-01-01\nkey: ask\n{extra}---\n{body}\n"


def validated(make_content, files: dict[str, str], today: dt.date | None = None
              ) -> list[tuple[str, int, str]]:
    content = make_content(files)
    site, problems = load(discover(content))
    assert problems == [], problems
    return [(Path(p.where.path).relative_to(content).as_posix(), p.where.line,
             f"{p.severity}[{p.code}]") for p in validate(site, today)]


def test_a_review_is_due_the_day_after_the_limit(make_content) -> None:
    files = {"site.yaml": SITE_YAML + "review_after_days: 30\n",
             "sv/articles/a.md": ARTICLE.format(title="A", extra="reviewed: 2026-01-01\n",
                                                body="Text")}
    assert validated(make_content, files, dt.date(2026, 1, 31)) == []
    assert validated(make_content, files, dt.date(2026, 2, 1)) == [
        ("sv/articles/a.md", 6, "warning[review-due]")]
    assert validated(make_content, files, None) == []  # no date given: no review check


def test_a_translation_lags_only_when_its_sources_text_changes(make_content, tmp_path) -> None:
    source = ARTICLE.format(title="Fråga", extra="", body="Text")
    site, _ = load(discover(make_content({"sv/articles/fraga.md": source})))
    marked = source_fingerprint(site.items[0])
    translation = ARTICLE.format(title="Ask", extra=f"translated_from: {marked}\n", body="Text")
    files = {"sv/articles/fraga.md": source, "en/articles/ask.md": translation}
    assert validated(make_content, files) == []
    moved = {"sv/articles/annat-namn.md": source, "sv/articles/fraga.md": None,
             "en/articles/ask.md": translation}
    (tmp_path / "content/sv/articles/fraga.md").unlink()
    assert validated(make_content, moved) == []  # a renamed source is the same text
    edited = moved | {"sv/articles/annat-namn.md": source.replace("Text", "Ny text")}
    assert validated(make_content, edited) == [
        ("en/articles/ask.md", 6, "warning[outdated-translation]")]


def test_a_tip_related_to_an_item_that_failed_to_load_is_not_reported_twice(make_content
                                                                            ) -> None:
    """The broken article has its own error; its key is not also 'unknown' in the tips."""
    content = make_content({
        "sv/articles/ask.md": ARTICLE.format(title="Fråga", extra="colour: red\n", body="T"),
        "sv/tips/t.yaml": "title: Tips\nkey: tips\nintro: Tips.\ntips:\n  - id: ett\n"
                          "    title: Ett\n    body: Gör så.\n    related: [ask, asc]\n"})
    site, problems = load(discover(content))
    assert [p.code for p in problems] == ["unknown-field"]
    assert [(p.code, p.where.line, p.message) for p in validate(site)] == [
        ("unknown-related", 5, "related key 'asc' of tip 'ett' is not a known key")]
