"""Markdown: heading ids, key links with source lines, raw HTML escaped."""

from guidesite.diagnostics import SourceRef
from guidesite.markdown import Markdown

KEYS = {"other": "../other/", "tips-x": "../../tips/x/"}


def render(text: str, allow_html: bool = False):
    return Markdown(allow_html=allow_html).render(text, SourceRef("a.md", 10), KEYS)


def test_heading_ids_are_ascii_unique_and_overridable() -> None:
    result = render("## Våga fråga\n\n## Våga fråga\n\n## Eget id {#mitt-id}\n\n## Main\n")
    assert [(h.id, h.text, h.line) for h in result.headings] == [
        ("vaga-fraga", "Våga fråga", 10), ("vaga-fraga-2", "Våga fråga", 12),
        ("mitt-id", "Eget id", 14), ("main-2", "Main", 16)]
    assert ('<h2 id="mitt-id" class="anchored">Eget id <a class="anchor" href="#mitt-id" '
            'aria-label="Link to this section: Eget id">#</a></h2>') in result.html


def test_key_links_resolve_and_unknown_keys_are_reported_with_line() -> None:
    result = render("Intro.\n\nSe [tips](key:tips-x#fraga) och\n[mer](key:othr).\n")
    assert '<a href="../../tips/x/#fraga">tips</a>' in result.html
    [problem] = result.problems
    assert (problem.where.line, problem.code, problem.hint) == (12, "broken-link",
                                                                "did you mean 'other'?")


def test_raw_html_is_text_unless_allowed() -> None:
    assert "&lt;b&gt;x&lt;/b&gt;" in render("<b>x</b>").html
    assert "<b>x</b>" in render("<b>x</b>", allow_html=True).html


def test_unsafe_link_schemes_are_not_links() -> None:
    html = render("[a](javascript:alert(1)) [b](data:text/html,x)").html
    assert "href" not in html


def test_tables_and_footnotes() -> None:
    html = render("| a |\n|---|\n| 1 |\n\nText[^1]\n\n[^1]: Not.\n").html
    assert "<table>" in html and 'id="fn1"' in html


def test_prose_text_for_reading_time() -> None:
    assert render("## Rubrik\n\nEtt två tre.\n\n- fyra\n").text.split() == [
        "Rubrik", "Ett", "två", "tre.", "fyra"]
