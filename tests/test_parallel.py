"""A big site is loaded and rendered by two processes (the build's and a forked worker, after
forked workers made the letter downloads): the site and the report are exactly a one-process
build's.

The project's own site is small, so the thresholds are lowered to take the parallel paths.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidesite import parallel as guidesite_parallel
from guidesite import pipeline
from guidesite.options import Options

from conftest import CONTENT, TEMPLATES

ARTICLE = "sv/articles/folj-upp-din-ansokan.md"
BROKEN = ("\nSe [avsnittet](#finns-inte) och "
          "[artikeln](../../../en/articles/following-up-your-application/#nowhere).\n")
"""An anchor missing on the page itself and one on a page the other process renders."""
UNLOADABLE = "en/articles/keeping-going-after-many-rejections.md"
"""Given an unknown front matter field: a problem found by the loading worker."""


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("broken", [False, True], ids=["valid", "broken"])
def test_two_processes_build_what_one_process_builds(tmp_path: Path, monkeypatch,
                                                     broken: bool) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    if broken:
        with open(content / ARTICLE, "a", encoding="utf-8") as article:
            article.write(BROKEN)
        unloadable = content / UNLOADABLE
        unloadable.write_text(unloadable.read_text("utf-8").replace(
            "\ntitle:", "\ntitel: x\ntitle:", 1), "utf-8")
    parallel: list[bool] = []
    loaded_in_forks = []
    share_out = guidesite_parallel.forked_map

    def counted(*args, **kwargs):
        """The render shares (with a `meanwhile`) and the load shares (two, here too)."""
        if "meanwhile" in kwargs:
            parallel.append(True)
        elif not kwargs:
            loaded_in_forks.append(True)
        return share_out(*args, **kwargs)

    monkeypatch.setattr(guidesite_parallel, "forked_map", counted)
    results = {}
    # a valid site is built three times: the third build is written in the first one's folder
    for name, threshold in [("one", 10**9)] + [("two", 1)] * (1 if broken else 3):
        monkeypatch.setattr(guidesite_parallel, "PARALLEL_FROM", threshold)
        results[name] = pipeline.build(Options(
            content, TEMPLATES, tmp_path / name / "site", search=False,
            cache=tmp_path / name / "cache"))[0]  # empty caches: downloads are made
    assert parallel == loaded_in_forks == [True] * (1 if broken else 3)
    reports = {name: [d.format() for d in result.diagnostics] for name, result in
               results.items()}
    assert reports["two"] == reports["one"]
    if broken:
        assert [line.split(": ")[1] for line in reports["two"] if "error" in line] == [
            "error[unknown-field]", "error[broken-anchor]", "error[broken-anchor]"]
    else:
        assert results["two"].ok
        assert files(tmp_path / "two/site") == files(tmp_path / "one/site")
