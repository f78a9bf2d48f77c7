"""A big site is rendered by two processes (the build's and a forked worker, after forked
workers made the letter downloads): the site and the report are exactly a one-process build's.

The project's own site is small, so the threshold is lowered to take the parallel path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidesite import pipeline
from guidesite.options import Options

from conftest import CONTENT, TEMPLATES

ARTICLE = "sv/articles/folj-upp-din-ansokan.md"
BROKEN = ("\nSe [avsnittet](#finns-inte) och "
          "[artikeln](../../../en/articles/following-up-your-application/#nowhere).\n")
"""An anchor missing on the page itself and one on a page the other process renders."""


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("broken", [False, True], ids=["valid", "broken links"])
def test_two_processes_build_what_one_process_builds(tmp_path: Path, monkeypatch,
                                                     broken: bool) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    if broken:
        with open(content / ARTICLE, "a", encoding="utf-8") as article:
            article.write(BROKEN)
    parallel: list[bool] = []
    site_files = pipeline.site_files  # called by the parallel path only (else by render)
    monkeypatch.setattr(pipeline, "site_files",
                        lambda *args: parallel.append(True) or site_files(*args))
    results = {}
    for name, threshold in (("one", 10**9), ("two", 1)):
        monkeypatch.setattr(pipeline, "PARALLEL_FROM", threshold)
        results[name] = pipeline.Builder(Options(
            content, TEMPLATES, tmp_path / name / "site", search=False,
            cache=tmp_path / name / "cache")).build()  # empty caches: downloads are made
    assert parallel == [True]  # one build took the parallel path
    reports = {name: [d.format() for d in result.diagnostics] for name, result in
               results.items()}
    assert reports["two"] == reports["one"]
    if broken:
        assert [line.split(": ")[1] for line in reports["two"] if "error" in line] == [
            "error[broken-anchor]", "error[broken-anchor]"]
    else:
        assert results["two"].ok
        assert files(tmp_path / "two/site") == files(tmp_path / "one/site")
