"""The letter body syntax: fields, literal braces, {if}/{else}/{end}, and what the filled letter
and the blank template make of them (guidesite/letters.py; letter.js follows the same rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidesite.diagnostics import SourceRef
from guidesite.discover import discover
from guidesite.letters import as_data, as_text, filled_text, parse_body, parse_line, roles
from guidesite.load import load
from guidesite.model import Choice, Letter, LetterField, Slot

ROOT = Path(__file__).resolve().parent.parent
HERE = SourceRef("b.md", 7)


def parse(text: str) -> tuple:
    problems: list = []
    parts = parse_line(text, HERE, problems)
    assert problems == []
    return parts


def errors(text: str) -> list[str]:
    problems: list = []
    parse_line(text, HERE, problems)
    return [f"{p.where.line}: {p.message}" for p in problems]


def letter(body: str, fields: dict[str, bool], channel: str = "email", lang: str = "sv",
           subject: str = "Om {role}") -> Letter:
    """A letter from `body`; `fields` maps each field name to whether it is required."""
    problems: list = []
    return Letter(
        lang=lang, slug="b", key="b", title="B", summary="", source=SourceRef("b.md", 1),
        lines={}, body=body, body_line=1, channel=channel,
        subject=parse_line(subject, HERE, problems),
        fields=tuple(LetterField(n, n.replace("_", " ").capitalize(), "", "", r, False, 1)
                     for n, r in fields.items()),
        paragraphs=parse_body(body, 1, "b.md", problems))


def test_fields_text_and_literal_braces() -> None:
    assert parse("Hej {name}, {{inte}} ett fält}}") == (
        "Hej ", Slot("name"), ", {inte} ett fält}")


def test_if_else_end_makes_a_choice_within_the_line() -> None:
    assert parse("{if recipient_name}Hej {recipient_name}!{else}Hej!{end} Mer.") == (
        Choice("recipient_name", ("Hej ", Slot("recipient_name"), "!"), ("Hej!",)), " Mer.")
    assert parse("A {if phone}tel. {phone}{end}") == (
        "A ", Choice("phone", ("tel. ", Slot("phone")), ()))


@pytest.mark.parametrize(("text", "message"), [
    ("{if a}x", "7: '{if a}' is not closed"),
    ("x{end}", "7: '{end}' without an open {if}"),
    ("x{else}y", "7: '{else}' without an open {if}"),
    ("{if a}x{else}y{else}z{end}", "7: '{else}' without an open {if}"),
    ("{if a}{if b}x{end}{end}", "7: '{if b}' inside another {if}"),
    ("{if}x{end}", "7: '{if}' is not a valid condition"),
    ("{if A B}x{end}", "7: '{if A B}' is not a valid condition"),
    ("{if end}x{end}", "7: '{if end}' is not a valid condition"),
    ("a { b", "7: unmatched '{' in the letter"),
    ("{Ditt namn}", "7: '{Ditt namn}' is not a field placeholder"),
])
def test_syntax_errors_name_their_line(text: str, message: str) -> None:
    assert errors(text) == [message]


SAMPLE = """\
{if recipient_name}Hej {recipient_name}!{else}Hej!{end}

Jag sökte {role}. {if motivation}{motivation} {end}Tack!

{question}

Med vänliga hälsningar
{your_name}
Telefon: {your_phone}
{your_email}"""
FIELDS = {"recipient_name": False, "role": True, "motivation": False, "question": False,
          "your_name": True, "your_phone": False, "your_email": True}


def test_only_required_fields_filled_leaves_no_brackets_or_braces() -> None:
    text = filled_text(letter(SAMPLE, FIELDS),
                       {"role": "kock", "your_name": "Alex", "your_email": "a@example.com"})
    assert text == ("Hej!\n\nJag sökte kock. Tack!\n\n"
                    "Med vänliga hälsningar\nAlex\na@example.com\n")
    assert not set(text) & set("[]{}")


def test_filled_optional_fields_appear() -> None:
    text = filled_text(letter(SAMPLE, FIELDS), {
        "recipient_name": "Sara", "role": "kock", "motivation": "Jag gillar mat.",
        "question": "Hur gick det?", "your_name": "Alex", "your_phone": "070-1",
        "your_email": "a@example.com"})
    assert text == ("Hej Sara!\n\nJag sökte kock. Jag gillar mat. Tack!\n\nHur gick det?\n\n"
                    "Med vänliga hälsningar\nAlex\nTelefon: 070-1\na@example.com\n")


def test_empty_required_fields_read_as_their_label() -> None:
    text = filled_text(letter(SAMPLE, FIELDS), {})
    assert "Jag sökte [Role]." in text and "[Your name]" in text
    assert "Telefon" not in text and "[Question]" not in text


def test_whitespace_only_answers_count_as_empty() -> None:
    text = filled_text(letter(SAMPLE, FIELDS), {"recipient_name": "  ", "question": "\n"})
    assert text.startswith("Hej!\n")
    assert "\n\n\n" not in text


def test_blank_template_shows_every_label_and_the_if_branch() -> None:
    text = as_text(letter(SAMPLE, FIELDS))
    assert text.startswith("Hej [Recipient name]!\n\nJag sökte [Role]. [Motivation] Tack!\n\n"
                           "[Question]\n")
    assert "Telefon: [Your phone]" in text and "{" not in text


def test_the_browser_gets_choices_required_fields_and_layout() -> None:
    data = as_data(letter(SAMPLE, FIELDS))
    assert data["paragraphs"][0]["lines"][0] == [
        {"if": "recipient_name", "then": ["Hej ", {"field": "recipient_name"}, "!"],
         "else": ["Hej!"]}]
    assert data["required"] == ["role", "your_name", "your_email"]
    assert {p["role"] for p in data["paragraphs"]} == {"body"}  # an e-mail has no layout


POSTED = """\
{your_name}
{your_street}

{date}

{recipient_name}
{company}

{subject}

{if recipient_name}Dear {recipient_name},{else}Dear Hiring Manager,{end}

Thank you.

{if recipient_name}Yours sincerely,{else}Yours faithfully,{end}
{your_name}"""


def test_posted_letter_roles_and_the_language_s_alignment() -> None:
    fields = {"your_name": True, "your_street": True, "date": True, "recipient_name": False,
              "company": True}
    english = letter(POSTED, fields, channel="post", lang="en", subject="About {company}")
    assert roles(english) == ["sender", "date", "recipient", "subject", "body", "body",
                              "closing"]
    aligned = [p["align"] for p in as_data(english)["paragraphs"]]
    assert aligned == ["end", "end", "start", "start", "start", "start", "start"]
    swedish = letter(POSTED, fields, channel="post", lang="sv", subject="Om {company}")
    assert {p["align"] for p in as_data(swedish)["paragraphs"]} == {"start"}
    text = filled_text(english, {"your_name": "Alex", "your_street": "Storgatan 1",
                                 "date": "3 December 2026", "company": "Solbacken"})
    assert "\n\nSolbacken\n\nAbout Solbacken\n\nDear Hiring Manager,\n" in text
    assert text.endswith("Yours faithfully,\nAlex\n")


@pytest.fixture(scope="module")
def site():
    site, problems = load(discover(ROOT / "content"))
    assert site is not None, problems
    return site


def test_every_real_letter_greets_naturally_with_only_required_fields(site) -> None:
    letters = [i for i in site.items if i.kind == "letter"]
    assert len(letters) >= 8
    for item in letters:
        required = {f.name: f"x{n}" for n, f in enumerate(item.fields) if f.required}
        text = filled_text(item, required)
        assert not set(text) & set("[]{}"), (item.source.path, text)
        start = text.split("\n\n")[4 if item.channel == "post" else 0]
        recipient = next(f for f in item.fields if f.name == "recipient_name")
        if recipient.required:  # asking someone you know, e.g. to be a reference
            name = required["recipient_name"]
            assert start in (f"Hej {name}!", f"Dear {name},"), (item.source.path, start)
        else:
            assert start in ("Hej!", "Dear Hiring Manager,"), (item.source.path, start)
