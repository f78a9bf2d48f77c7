"""The output folder: a rebuild in the replaced site's folder makes exactly the new site."""

from __future__ import annotations

from pathlib import Path

from guidesite.write import Staging

FIRST = {"a/index.html": b"a folder", "b": b"a file", "c/d/index.html": b"deep", "e.txt": b"e"}
SECOND = {"e.txt": b"e, again"}
THIRD = {"a": b"now a file", "b/index.html": b"now a folder", "e.txt": b"e"}


def build(out: Path, files: dict[str, bytes]) -> None:
    with Staging(out) as staging:
        for rel, data in files.items():
            staging.put(rel, data)
        assert staging.swap_in(files) == []


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob("*") if path.is_file()}


def test_the_reused_folder_gives_way_and_keeps_nothing_of_its_old_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(out, FIRST)
    build(out, SECOND)  # the first site is now the spare folder
    assert tree(tmp_path / ".site.spare") == FIRST
    build(out, THIRD)  # written in the first site's folder: files where it had folders, ...
    assert tree(out) == THIRD
    assert sorted(p.name for p in out.iterdir()) == ["a", "b", "e.txt"]  # no empty c/
    assert tree(tmp_path / ".site.spare") == SECOND
