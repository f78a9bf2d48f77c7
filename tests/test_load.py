"""The load stage: what an author sees when a content file cannot be read or its settings,
tips or letter fields are wrong. Each problem names the file, the line and how to fix it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guidesite.diagnostics import Diagnostic
from guidesite.discover import discover
from guidesite.load import MAX_FILE_BYTES, load

from conftest import SITE_YAML

ARTICLE = "---\ntitle: Artikel\nsummary: Kort.\ndate: 2026-11-01\n---\nLite text.\n"


def reported(content: Path, problems: list[Diagnostic]) -> list[tuple[str, int, str, str]]:
    """(path in the content folder, line, severity[code], hint) of each problem."""
    return [(Path(p.where.path).resolve().relative_to(content.resolve()).as_posix(),
             p.where.line, f"{p.severity}[{p.code}]", p.hint) for p in problems]


def loaded(content: Path) -> tuple[object, list[tuple[str, int, str, str]]]:
    site, problems = load(discover(content))
    return site, reported(content, problems)


def test_an_unknown_language_code_and_locale_are_reported_at_their_lines(make_content) -> None:
    settings = SITE_YAML.replace("  - code: en\n", "  - code: EN\n    locale: xx_YY\n")
    site, problems = loaded(make_content({"site.yaml": settings}))
    assert site is None
    assert problems == [
        ("site.yaml", 9, "error[bad-language]", "use a lowercase code such as 'sv' or 'en'"),
        ("site.yaml", 10, "error[bad-language]", "use a locale such as 'sv_SE' or 'en_GB'")]


def test_a_language_listed_twice_is_reported(make_content) -> None:
    settings = SITE_YAML.replace("  - code: en\n    name: English", "  - code: sv\n    name: Igen")
    site, problems = loaded(make_content({"site.yaml": settings}))
    assert site is None
    assert problems == [("site.yaml", 3, "error[duplicate-language]", "list each language once")]


def test_a_base_url_without_its_scheme_is_reported(make_content) -> None:
    settings = SITE_YAML.replace("https://example.org/guide/", "example.org/guide/")
    site, problems = loaded(make_content({"site.yaml": settings}))
    assert site is None
    assert problems == [("site.yaml", 1, "error[bad-url]", "write it like https://example.org/ "
                         "or https://example.org/guide/")]


def test_a_language_without_strings_is_named_with_the_file_to_create(make_content) -> None:
    _, problems = loaded(make_content({"en/strings.yaml": None}))
    assert problems == [("en/strings.yaml", 0, "error[missing-file]",
                         "copy the default language's strings.yaml and translate it")]


def test_an_invisible_control_character_is_reported_at_its_line(make_content) -> None:
    _, problems = loaded(make_content({"sv/articles/a.md": ARTICLE + "Rad\nmed \x08 i.\n"}))
    assert problems == [("sv/articles/a.md", 8, "error[control-character]",
                         "remove it: it is invisible and never text (an editor can show it)")]


def test_a_fifo_where_an_article_should_be_is_refused_not_read(make_content) -> None:
    content = make_content({})
    (content / "sv/articles").mkdir(parents=True)
    os.mkfifo(content / "sv/articles/a.md")  # reading it would block the build forever
    _, problems = loaded(content)
    assert problems == [("sv/articles/a.md", 0, "error[not-a-file]", "content files are plain "
                         "text files; remove it or replace it with one")]


def test_a_huge_file_is_refused_before_it_is_read(make_content) -> None:
    content = make_content({"sv/articles/a.md": ARTICLE})
    os.truncate(content / "sv/articles/a.md", MAX_FILE_BYTES + 1)  # sparse: no disk used
    _, problems = loaded(content)
    assert problems == [("sv/articles/a.md", 0, "error[file-too-large]",
                         "split it into several items")]


def test_a_file_deleted_between_discovery_and_loading_is_reported(make_content) -> None:
    """An editor saving by delete-and-rename, or a `git checkout`, during a build."""
    content = make_content({"sv/articles/a.md": ARTICLE, "sv/articles/b.md": ARTICLE})
    tree = discover(content)
    (content / "sv/articles/a.md").unlink()
    site, problems = load(tree)
    assert reported(content, problems) == [
        ("sv/articles/a.md", 0, "error[unreadable-file]",
         "check that the file exists and is readable")]
    assert [item.slug for item in site.items] == ["b"]


TIPS = """\
title: Tips
key: tips-a
intro: |
  Några tips.
tips:
  - id: Första Tipset
    title: Första
    body: Gör så här.
"""

LETTER = """\
---
title: Brev
summary: Ett brev.
date: 2026-11-01
channel: email
subject: "Om {role}"
guide: |
  Skicka det snart.
checklist: Har du kollat namnet?
fields:
  - name: role
    label: Tjänst
  - name: role
    label: Roll
---
Hej!

Jag sökte {role}.
"""


@pytest.mark.parametrize(("rel", "text", "expected"), [
    ("sv/tips/t.yaml", TIPS, (6, "error[bad-id]",
                              "use letters a-z, digits and hyphens, e.g. 'forsta-tipset'")),
    ("sv/letters/b.md", LETTER, (13, "error[duplicate-field]", "declare each field once")),
], ids=["bad-tip-id", "field-declared-twice"])
def test_item_problems_are_reported_at_their_lines(make_content, rel, text, expected) -> None:
    _, problems = loaded(make_content({rel: text}))
    assert problems == [(rel, *expected)]
