"""Author commands: `new` scaffolds, `translations` follows translations, review dates."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_build

ARTICLE = ("---\ntitle: {title}\nsummary: S.\ndate: 2026-11-01\nkey: ask\n{extra}---\n"
           "Text {text}.\n")


def test_new_writes_a_correct_draft_and_refuses_to_overwrite(make_content, monkeypatch) -> None:
    content = make_content()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18
    result = run_build("new", "article", "--lang", "sv", "Våga säga nej!", "--content", content)
    letter = run_build("new", "letter", "--lang", "en", "Ask for a reference", "--content",
                       content)
    tip = run_build("new", "tip", "--lang", "sv", "Inför mötet", "--content", content)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == content / "sv/articles/vaga-saga-nej.md"
    text = path.read_text("utf-8")
    assert 'title: "Våga säga nej!"' in text and "date: 2026-11-18" in text
    assert "draft: true" in text and "# " in text  # commented front matter
    assert Path(letter.stdout.strip()).name == "ask-for-a-reference.md"
    assert Path(tip.stdout.strip()) == content / "sv/tips/infor-motet.yaml"
    # the scaffolds are valid content: a check passes with all three in place
    assert run_build("check", "--content", content).returncode == 0
    again = run_build("new", "article", "--lang", "sv", "Våga säga nej!", "--content", content)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert path.read_text("utf-8") == text
    assert run_build("new", "article", "--lang", "de", "X", "--content", content).returncode == 2


def test_translations_table_marks_and_outdated_warning(make_content, tmp_path) -> None:
    content = make_content({
        "sv/articles/fraga.md": ARTICLE.format(title="Fråga", extra="", text="ett"),
        "en/articles/ask.md": ARTICLE.format(title="Ask", extra="", text="one"),
        "sv/articles/bara.md": ARTICLE.format(title="Bara", extra="", text="x").replace(
            "key: ask", "key: only"),
    })
    table = run_build("translations", "--content", content)
    assert table.returncode == 0
    rows = {line.split()[1]: line.split()[2:] for line in table.stdout.splitlines()[1:-1]}
    assert rows == {"ask": ["source", "present"], "only": ["source", "missing"]}
    assert table.stdout.splitlines()[-1] == "2 items: 1 missing, 0 outdated translations"

    marked = run_build("translations", "--content", content, "--mark",
                       content / "en/articles/ask.md")
    assert marked.returncode == 0, marked.stderr
    assert re.search(r"^translated_from: [0-9a-f]{12}$",
                     (content / "en/articles/ask.md").read_text(), re.MULTILINE)
    assert "up to date" in run_build("translations", "--content", content).stdout

    source = content / "sv/articles/fraga.md"
    source.write_text(source.read_text().replace("Text ett.", "Text ett, nu ändrad."))
    assert "outdated" in run_build("translations", "--content", content).stdout
    built = run_build("--content", content, "--out", tmp_path / "site")
    assert built.returncode == 0
    assert ("en/articles/ask.md:6: warning[outdated-translation]: " in built.stderr
            and "has changed since this translation was marked" in built.stderr)


def test_old_review_dates_are_warnings(make_content, tmp_path) -> None:
    content = make_content({"sv/articles/gammal.md": ARTICLE.format(
        title="Gammal", extra="reviewed: 2020-01-01\n", text="x")})
    result = run_build("check", "--content", content)
    assert result.returncode == 0
    assert "gammal.md:6: warning[review-due]: last reviewed 2020-01-01" in result.stderr


def test_check_checks_drafts_too_and_says_which_are_drafts(make_content) -> None:
    content = make_content({"sv/articles/utkast.md": ARTICLE.format(
        title="Utkast", extra="draft: true\n", text="[länk](key:finns-inte)")})
    result = run_build("check", "--content", content)
    assert result.returncode == 1
    assert "utkast.md:8: error[broken-link]: no item with key 'finns-inte'" in result.stderr
    assert f"Drafts, checked too but not published (1):\n  {content}/sv/articles/utkast.md" \
        in result.stdout
    assert " and 1 draft in " in result.stdout.splitlines()[-1]


def test_translations_reports_a_broken_file_and_fails(make_content) -> None:
    content = make_content({
        "sv/articles/fraga.md": ARTICLE.format(title="Fråga", extra="", text="ett"),
        "en/articles/ask.md": ARTICLE.format(title="Ask", extra="", text="one").replace(
            "summary: S.\n", "summary: [broken\n"),
    })
    table = run_build("translations", "--content", content)
    assert table.returncode == 1
    assert "en/articles/ask.md:4: error[bad-yaml]" in table.stderr
    rows = {line.split()[1]: line.split()[2:] for line in table.stdout.splitlines()[1:-1]}
    assert rows == {"ask": ["source", "broken"]}
    assert table.stdout.splitlines()[-1] == ("1 items: 0 missing, 0 outdated translations, "
                                             "1 broken (errors above)")


def test_the_root_404_page_speaks_every_language(make_content, tmp_path) -> None:
    content = make_content()
    assert run_build("--content", content, "--out", tmp_path / "site",
                     "--no-search").returncode == 0
    root = (tmp_path / "site/404.html").read_text("utf-8")
    english = (tmp_path / "site/en/404.html").read_text("utf-8")
    assert '<html lang="sv"' in root and '<html lang="en"' in english
    section = root[root.index('<section lang="en"'):]
    assert "Page not found" in section and 'href="/guide/en/" hreflang="en"' in section


def test_every_scaffold_explains_each_of_its_keys(make_content) -> None:
    content = make_content()
    for kind in ("article", "letter", "tip"):
        made = run_build("new", kind, "--lang", "en", f"A new {kind}", "--content", content)
        lines = Path(made.stdout.strip()).read_text("utf-8").splitlines()
        notes = "\n".join(line for line in lines if line.lstrip().startswith("#"))
        assert "docs/authoring.md" in notes, kind
        unexplained = []
        for number, line in enumerate(lines):
            key = re.match(r"^\s*(?:-\s+)?([a-z_]+):", line)
            if key and not lines[number - 1].lstrip().startswith("#") and \
                    f"{key.group(1)}:" not in notes:
                unexplained.append(key.group(1))
        assert unexplained == [], f"the {kind} scaffold does not explain {unexplained}"


def test_mark_honours_the_dots_terminator_of_front_matter(make_content) -> None:
    """`...` ends front matter as the loader reads it; a `---` rule in the body is body text."""
    content = make_content({
        "sv/articles/fraga.md": ARTICLE.format(title="Fråga", extra="", text="ett"),
        "en/articles/ask.md": "---\ntitle: Ask\nsummary: S.\ndate: 2026-11-01\nkey: ask\n...\n"
                              "Before the rule.\n\n---\n\nAfter the rule.\n",
    })
    marked = run_build("translations", "--content", content, "--mark",
                       content / "en/articles/ask.md")
    assert marked.returncode == 0, marked.stderr
    text = (content / "en/articles/ask.md").read_text()
    front, body = text.split("\n...\n")
    assert re.search(r"^translated_from: [0-9a-f]{12}$", front, re.MULTILINE)
    assert body == "Before the rule.\n\n---\n\nAfter the rule.\n"
    assert "up to date" in run_build("translations", "--content", content).stdout
