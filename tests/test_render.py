"""The render stage: a broken template is reported once, at its file and line, with a hint,
and nothing is written; the rest of rendering is covered by the build and page tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from guidesite.pipeline import Options, build
from guidesite.templating import FileBytecodeCache, LinkPositions

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



@pytest.mark.parametrize("template", ["share.html", "nav.html"])
def test_a_link_to_an_unplanned_page_is_reported_where_a_partial_writes_it(site, template
                                                                           ) -> None:
    """`share.html` is included by the article's template and `nav.html` rendered once for
    every page (`Renderer.shared`): the link is reported at the partial's line, not at the
    page's template."""
    problems, line = site(template, '<a href="{{ url("sv/finns-inte/") }}">x</a>')
    assert problems == [(template, line, "error[broken-link]",
                         "link to a page that exists; for items use [text](key:the-key)")]


def test_a_template_compiled_without_link_positions_is_not_reused(tmp_path: Path) -> None:
    """Jinja's bytecode cache checks only the template's source: a template compiled without
    `LinkPositions` (kept by an older engine in .cache/guidesite/jinja) calls url() without
    the place it is written. The engine's cache compiles it again, and keeps that."""
    (tmp_path / "t.html").write_text("{{ url('x') }}", "utf-8")
    folder = tmp_path / "jinja"
    folder.mkdir()

    def place(cache: jinja2.BytecodeCache, extensions: list) -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path),
                                 bytecode_cache=cache, extensions=extensions)
        return env.get_template("t.html").render(url=lambda target, _at=None: repr(_at))

    assert place(jinja2.FileSystemBytecodeCache(str(folder)), []) == "None"
    assert place(FileBytecodeCache(str(folder)), [LinkPositions]) == "('t.html', 1)"
    assert place(FileBytecodeCache(str(folder)), []) == "('t.html', 1)"  # from the cache
