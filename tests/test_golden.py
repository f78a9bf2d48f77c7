"""The small fixed site in tests/visual/, built without search, equals tests/golden/ file by file.

Pages, feeds, the sitemap and the plain-text letter are compared byte for byte. The binary
letter downloads are compared by what a reader gets from them, readable in a diff and stable
across WeasyPrint and font versions: a PDF by its page count and text, a .docx by its
word/document.xml, an .odt by its content.xml (their bytes are tested in test_downloads.py).
Static files are compared byte for byte with their source in templates/static/.

After an intended change of the output, look at the diff, then accept it and commit the tree:

    UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fixed_sites import TESTS, build_fixed_site

from conftest import TEMPLATES, read_tree

GOLDEN = TESTS / "golden"
SUMMARY = ".summary.txt"
"""Suffix of a golden file that holds a binary download's summary."""
ACCEPT = "UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py"


def _pdf(data: bytes) -> bytes:
    def run(tool: str, *args: str) -> str:
        return subprocess.run([tool, *args, "-", "-"] if tool == "pdftotext" else [tool, "-"],
                              input=data, capture_output=True, check=True).stdout.decode()

    pages = next(line.split()[-1] for line in run("pdfinfo").splitlines()
                 if line.startswith("Pages:"))
    return f"pages: {pages}\n{run('pdftotext', '-layout')}".encode()


def _member(name: str):
    return lambda data: zipfile.ZipFile(io.BytesIO(data)).read(name)


SUMMARIES = {".pdf": _pdf, ".docx": _member("word/document.xml"), ".odt": _member("content.xml")}


def expected_form(files: dict[str, bytes]) -> dict[str, bytes]:
    """The built files as they are kept in tests/golden/: static copies left out (compared
    with their sources), binary downloads as summaries."""
    kept: dict[str, bytes] = {}
    for rel, data in files.items():
        if rel.startswith("static/"):
            continue
        summary = SUMMARIES.get(Path(rel).suffix)
        kept[rel + SUMMARY if summary else rel] = summary(data) if summary else data
    return kept


def first_difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A unified diff of the first differing file, HTML first, or the files missing/added."""
    missing, added = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
    if missing or added:
        return f"files missing from the build: {missing}\nfiles new in the build: {added}"
    differing = sorted((not rel.endswith(".html"), rel) for rel in expected
                       if expected[rel] != actual[rel])
    if not differing:
        return ""
    rel = differing[0][1]
    diff = difflib.unified_diff(
        expected[rel].decode("utf-8", "replace").splitlines(keepends=True),
        actual[rel].decode("utf-8", "replace").splitlines(keepends=True),
        f"tests/golden/{rel}", f"built/{rel}")
    others = [r for _, r in differing[1:]]
    return "".join(diff) + (f"\n... and {len(others)} more differing: {others}" if others else "")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("golden")
    strings = {"sv": ("sv", "strings-sv.yaml"), "en": ("en", "strings-en.yaml")}
    return read_tree(build_fixed_site(TESTS / "visual", strings, out, search=False))


def test_the_built_site_equals_the_golden_tree(built: dict[str, bytes]) -> None:
    actual = expected_form(built)
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    difference = first_difference(read_tree(GOLDEN), actual)
    assert not difference, f"the output differs from tests/golden/:\n{difference}\n\n" \
        f"If the change is intended, accept it and commit tests/golden/:\n    {ACCEPT}"


def test_static_files_are_copied_unchanged(built: dict[str, bytes]) -> None:
    static = {rel.removeprefix("static/"): data for rel, data in built.items()
              if rel.startswith("static/")}
    assert static == read_tree(TEMPLATES / "static")


def test_a_changed_page_is_shown_as_a_diff_with_how_to_accept_it() -> None:
    golden = {"sv/index.html": b"<h1>Hej</h1>\n<p>Text</p>\n", "robots.txt": b"x"}
    changed = golden | {"sv/index.html": b"<h1>Hej</h1>\n<p>Ny text</p>\n", "robots.txt": b"y"}
    difference = first_difference(golden, changed)
    assert difference.startswith("--- tests/golden/sv/index.html\n+++ built/sv/index.html\n")
    assert "-<p>Text</p>\n+<p>Ny text</p>\n" in difference
    assert difference.endswith("1 more differing: ['robots.txt']")
    assert first_difference(golden, golden) == ""
    assert "missing from the build: ['robots.txt']" in first_difference(
        golden, {"sv/index.html": golden["sv/index.html"]})
