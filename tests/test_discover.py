"""The discover stage: which files in content/ are part of the site, decided by place alone.
A file in the wrong place is reported (never silently dropped); editor leftovers are skipped.
Symbolic links out of content/ are covered in test_build.py."""

from __future__ import annotations

from pathlib import Path

from guidesite.discover import discover
from guidesite.load import load

ARTICLE = "---\ntitle: Artikel\nsummary: Kort.\ndate: 2026-11-01\n---\nLite text.\n"


def names(content: Path, sources) -> list[str]:
    return [s.path.relative_to(content).as_posix() for s in sources]


def test_files_are_classified_by_folder_and_listed_in_order(make_content) -> None:
    content = make_content({"sv/articles/b.md": ARTICLE, "sv/articles/a.md": ARTICLE,
                            "en/tips/t.yaml": "x", "sv/home.yaml": "x", "urls.lock": "x"})
    tree = discover(content)
    assert [(s.path.relative_to(content).as_posix(), s.lang, s.folder) for s in tree.files] == [
        ("en/strings.yaml", "en", "strings"), ("en/tips/t.yaml", "en", "tips"),
        ("sv/articles/a.md", "sv", "articles"), ("sv/articles/b.md", "sv", "articles"),
        ("sv/home.yaml", "sv", "home"), ("sv/strings.yaml", "sv", "strings")]
    assert (tree.site_yaml.folder, tree.stray, tree.outside) == ("site", (), ())


def test_files_in_the_wrong_place_are_warned_about_with_where_they_belong(make_content) -> None:
    content = make_content({"sv/articles/a.txt": "x", "sv/tips/t.yml": "x",
                            "sv/articles/old/a.md": ARTICLE, "notes.md": "x"})
    tree = discover(content)
    assert names(content, tree.stray) == ["notes.md", "sv/articles/a.txt",
                                          "sv/articles/old/a.md", "sv/tips/t.yml"]
    site, problems = load(tree)
    assert site is not None  # a warning: the rest of the site still builds
    anywhere = "content goes in <lang>/articles, <lang>/letters, <lang>/pages, " \
        "<lang>/lessons (.md) or <lang>/tips (.yaml)"
    assert [(Path(p.where.path).name, p.severity, p.code, p.hint) for p in problems] == [
        ("notes.md", "warning", "ignored-file", anywhere),
        ("a.txt", "warning", "ignored-file", "articles are Markdown files ending in .md"),
        ("a.md", "warning", "ignored-file", anywhere),
        ("t.yml", "warning", "ignored-file", "tips files end in .yaml")]


def test_hidden_files_and_editor_backups_are_skipped_silently(make_content) -> None:
    content = make_content({"sv/articles/.a.md.swp": "x", "sv/articles/a.md~": ARTICLE,
                            ".git/config": "x", "sv/.DS_Store": "x", "sv/articles/a.md": ARTICLE})
    tree = discover(content)
    assert "sv/articles/a.md" in names(content, tree.files)
    assert (tree.stray, len(tree.files)) == ((), 3)


def test_a_link_to_a_file_inside_content_is_read_like_the_file(make_content) -> None:
    content = make_content({"sv/articles/a.md": ARTICLE})
    (content / "en/articles").mkdir(parents=True)
    (content / "en/articles/a.md").symlink_to(content / "sv/articles/a.md")
    (content / "en/pages").symlink_to(content / "sv/articles", target_is_directory=True)
    tree = discover(content)
    assert names(content, tree.files) == ["en/articles/a.md", "en/strings.yaml",
                                          "sv/articles/a.md", "sv/strings.yaml"]
    assert "en/pages/a.md" not in names(content, tree.stray)  # a linked folder is not entered
    site, _ = load(tree)
    assert sorted(item.lang for item in site.items) == ["en", "sv"]
