"""The render stage: a broken template is reported once, at its file and line, with a hint,
and nothing is written; the rest of rendering is covered by the build and page tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidesite.pipeline import Options, build

from conftest import TEMPLATES

ARTICLE = "---\ntitle: Artikel\nsummary: Kort.\ndate: 2026-11-01\n---\nLite text.\n"


@pytest.fixture
def site(make_content, tmp_path: Path):
    """`site(template, line)` -> the problems of building one article with `line` added to
    the end of a copy of `template`, and the added line's number. Paths in hints are shown
    from the temporary folder, as `templates/...`."""

    def build_with(template: str, line: str) -> tuple[list[tuple[str, int, str, str]], int]:
        content = make_content({"sv/articles/a.md": ARTICLE})
        templates = tmp_path / "templates"
        shutil.copytree(TEMPLATES, templates, dirs_exist_ok=True)
        text = (templates / template).read_text("utf-8").rstrip("\n") + "\n"
        (templates / template).write_text(text + line + "\n", "utf-8")
        out = tmp_path / "site"
        result, _ = build(Options(content, templates, out, search=False, cache=None))
        assert not out.exists(), "a build with a template error wrote the site"
        return [(Path(d.where.path).name, d.where.line, f"{d.severity}[{d.code}]",
                 d.hint.replace(f"{tmp_path}/", "")) for d in result.diagnostics], \
            text.count("\n") + 1

    return build_with


def test_a_template_syntax_error_is_reported_at_its_line(site) -> None:
    problems, line = site("article.html", "{% if item.title %}never closed")
    assert problems == [("article.html", line, "error[template-syntax]",
                         "see https://jinja.palletsprojects.com/templates/")]


def test_a_failing_expression_is_reported_once_at_its_line(site) -> None:
    """Every article page and its handout use the template: one report, not one per page."""
    problems, line = site("macros.html", "{% set broken = 1 // 0 %}")
    assert problems == [("macros.html", line, "error[template-error]",
                         "fix the template at this line")]


def test_an_undefined_name_points_at_the_strings(site) -> None:
    problems, line = site("base.html", "{{ t.no_such_string }}")
    assert problems == [("base.html", line, "error[template-error]",
                         "a name the template uses is not defined: for an interface string, "
                         "add it to every language's strings.yaml")]


def test_an_included_template_that_does_not_exist_is_named(site) -> None:
    problems, _ = site("home.html", '{% include "no-such-part.html" %}')
    assert problems == [("no-such-part.html", 0, "error[missing-template]",
                         "create templates/no-such-part.html")]


def test_a_missing_templates_folder_is_reported_before_any_work(make_content, tmp_path) -> None:
    content = make_content({"sv/articles/a.md": ARTICLE})
    result, _ = build(Options(content, tmp_path / "nowhere", tmp_path / "site", cache=None))
    assert [(d.code, Path(d.where.path).name, d.hint) for d in result.diagnostics] == [
        ("missing-templates", "nowhere", "pass --templates DIR or create templates/")]
    assert not (tmp_path / "site").exists()
