"""The output folder: a rebuild in the replaced site's folder makes exactly the new site."""

from __future__ import annotations

from pathlib import Path

from guidesite.write import InPlace, Staging

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


def test_in_place_writes_only_what_changed_and_removes_what_is_gone(tmp_path: Path) -> None:
    """The dev server's folder: the same interface, each changed file replaced where it is."""
    out = tmp_path / "site"
    (out / "old").mkdir(parents=True)
    (out / "old/index.html").write_bytes(b"a page the site no longer has")
    (out / "e.txt").write_bytes(b"e")
    (out / "pagefind").mkdir()
    (out / "pagefind/index.js").write_bytes(b"the search index, made apart")
    with InPlace(out, None) as folder:  # what the folder holds is not known: read
        for rel, data in FIRST.items():
            folder.put(rel, data)
        assert folder.swap_in(FIRST) == []
    assert folder.written == 3  # e.txt held these bytes already
    assert tree(out) == FIRST | {"pagefind/index.js": b"the search index, made apart"}
    assert not (out / "old").exists()  # its folder, left empty, went too
    page = out / "c/d/index.html"
    before = page.stat().st_mtime_ns
    with InPlace(out, folder.held) as again:
        for rel, data in (FIRST | SECOND).items():
            again.put(rel, data)
        again.swap_in([*FIRST, *SECOND])
    assert again.written == 1 and (out / "e.txt").read_bytes() == b"e, again"
    assert page.stat().st_mtime_ns == before  # unchanged: not touched
