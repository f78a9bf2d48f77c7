"""Front matter checks: one message per problem, each with its line and a hint."""

import datetime as dt

from guidesite.diagnostics import SourceRef
from guidesite.schema import Field, check
from guidesite.yamldoc import parse

SCHEMA = {"title": Field("text", required=True), "date": Field("date", required=True),
          "draft": Field("bool"), "tags": Field("texts"), "count": Field("int")}


def run(text: str):
    values, problems = check(parse(text, 2), SCHEMA, SourceRef("a.md", 1), "the front matter")
    return values, [(p.where.line, p.code, p.message, p.hint) for p in problems]


def test_values_are_converted() -> None:
    values, problems = run("title: Hej\ndate: 2026-11-26\ndraft: yes\ntags: one\ncount: 3\n")
    assert problems == []
    assert values == {"title": "Hej", "date": dt.date(2026, 11, 26), "draft": True,
                      "tags": ("one",), "count": 3}


def test_every_problem_is_reported_together() -> None:
    _, problems = run("titel: Hej\ndate: 2026-02-30\ndraft: maybe\ntags: {a: b}\n")
    assert problems == [
        (2, "unknown-field", "unknown field 'titel' in the front matter", "did you mean 'title'?"),
        (2, "missing-field", "missing required field 'title' in the front matter",
         "add 'title: ...' to the front matter"),
        (3, "bad-date", "'date' is not a valid date: '2026-02-30'",
         "write dates as YYYY-MM-DD, for example 2026-11-26"),
        (4, "wrong-type", "'draft' must be true or false, not 'maybe'",
         "change 'draft' to true or false"),
        (5, "wrong-type", "'tags' must be a list of text, e.g. [one, two], not a mapping",
         "change 'tags' to a list of text, e.g. [one, two]"),
    ]


def test_unknown_field_without_close_match_lists_allowed_fields() -> None:
    _, problems = run("title: a\ndate: 2026-01-01\nzzz: 1\n")
    assert problems[0][3] == "allowed fields: count, date, draft, tags, title"
