"""Each folder in tests/invalid is a broken content tree with the exact report it must give.

The build must exit 1, print exactly `expected.txt`, and leave the earlier output untouched.
Files ending in .delete remove a base file, .drop removes the listed keys from one, .prepend
adds lines at its top. Set UPDATE_EXPECTED=1 to rewrite the expected reports after an intended
wording change.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, base_tree, run_build, write_tree

CASES = sorted(p for p in (Path(__file__).parent / "invalid").iterdir() if p.is_dir())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_content_is_reported_and_site_kept(case: Path, tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", base_tree())
    for source in (case / "content").rglob("*"):
        rel = source.relative_to(case / "content")
        if source.name.endswith(".delete"):
            (content / str(rel).removesuffix(".delete")).unlink()
        elif source.name.endswith(".drop"):  # drop the listed keys from a base YAML file
            target = content / str(rel).removesuffix(".drop")
            keys = tuple(f"{key}:" for key in source.read_text().split())
            lines = target.read_text("utf-8").splitlines(keepends=True)
            target.write_text("".join(x for x in lines if not x.startswith(keys)), "utf-8")
        elif source.name.endswith(".prepend"):
            target = content / str(rel).removesuffix(".prepend")
            target.write_text(source.read_text("utf-8") + target.read_text("utf-8"), "utf-8")
        elif source.is_file():
            (content / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, content / rel)
    earlier = write_tree(tmp_path / "site", {"index.html": "<p>earlier build</p>",
                                             "sv/index.html": "<p>sv</p>"})
    before = snapshot(earlier)

    result = run_build("--content", "content", "--templates", ROOT / "templates", "--out",
                       "site", cwd=tmp_path)

    expected_file = case / "expected.txt"
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(result.stderr, encoding="utf-8")
    assert "Traceback" not in result.stderr
    assert result.stderr == expected_file.read_text(encoding="utf-8")
    assert result.returncode == 1
    assert snapshot(earlier) == before
    assert not [*tmp_path.glob(".site.tmp-*"), *tmp_path.glob(".site.old-*")], \
        "a staging folder was left behind"
