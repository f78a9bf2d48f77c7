"""The authoring server in a subprocess: edits show, errors show in the page.

How fast an edit shows is measured by the benchmark (`benchmarks/bench.py`), not here: waits
end early when the page is there and fail only on a hang.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT, TEMPLATES

ARTICLE = "sv/articles/folj-upp-din-ansokan.md"
PAGE = "sv/artiklar/folj-upp-din-ansokan/"


HANG_SECONDS = 60
"""Waits end here only when the server hangs; its latency is measured by the benchmark."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(condition, seconds: float) -> float:
    """Poll `condition` until true; return how long it took (fails after `seconds`)."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > seconds:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(0.02)
    return time.perf_counter() - start


@functools.cache
def warm_cache() -> Path:
    """A cache filled by one build of the real content (made once per test process), which
    each server starts from, as an author's does: the letter downloads and classroom packs
    are not made again for every server."""
    folder = Path(tempfile.mkdtemp(prefix="warm-cache-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-search",
                    "--content", str(CONTENT), "--templates", str(TEMPLATES),
                    "--out", str(folder / "site")], cwd=folder, check=True,
                   capture_output=True, timeout=600)
    return folder / ".cache"


class Served:
    def __init__(self, tmp: Path, *args: str) -> None:
        self.content = tmp / "content"
        shutil.copytree(CONTENT, self.content)
        shutil.copytree(warm_cache(), tmp / ".cache")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(self.port),
             "--content", str(self.content), "--templates", str(TEMPLATES),
             "--out", str(tmp / "site"), *args],
            cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        wait_for(lambda: any("Serving" in line for line in self.lines), HANG_SECONDS)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.content / rel
        path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")

    def last_rebuild(self) -> str:
        return [line for line in self.lines if line.startswith("Rebuilt")][-1]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def served(tmp_path):
    server = Served(tmp_path)
    yield server
    server.stop()


def test_an_edit_is_served_without_rebuilding_other_pages(served) -> None:
    status, before = fetch(served.url + PAGE)
    assert status == 200 and "livereload.js" in before
    rebuilds = len([line for line in served.lines if line.startswith("Rebuilt")])
    served.edit(ARTICLE, "## ", "## Nytt avsnitt\n\nHelt ny text här.\n\n## ", )
    wait_for(lambda: "Helt ny text här." in fetch(served.url + PAGE)[1], HANG_SECONDS)
    wait_for(lambda: len([x for x in served.lines if x.startswith("Rebuilt")]) > rebuilds,
             HANG_SECONDS)
    rendered, total, written = map(int, re.search(
        r"rendered (\d+) of (\d+) pages, wrote (\d+) files", served.last_rebuild()).groups())
    assert total > 60
    assert rendered <= 3  # the article and its handout; nothing else shows its text
    assert written <= 4


def test_a_broken_edit_shows_the_error_page_and_a_fix_brings_the_site_back(served) -> None:
    served.edit(ARTICLE, "summary:", "summary: [oops\nsummary2:")
    wait_for(lambda: fetch(served.url + PAGE)[0] == 500, HANG_SECONDS)
    status, page = fetch(served.url + "sv/")
    assert status == 500
    assert "The build failed" in page and "folj-upp-din-ansokan.md:4" in page
    assert "error[bad-yaml]" in page and "hint:" in page
    assert any("error[bad-yaml]" in line for line in served.lines)  # the terminal too
    served.edit(ARTICLE, "summary: [oops\nsummary2:", "summary:")
    wait_for(lambda: fetch(served.url + PAGE)[0] == 200, HANG_SECONDS)
    assert "Följ upp din ansökan" in fetch(served.url + PAGE)[1]


def test_drafts_are_shown_and_marked(served) -> None:
    served.edit(ARTICLE, "key:", "draft: true\nkey:")
    wait_for(lambda: "Utkast" in fetch(served.url + PAGE)[1], HANG_SECONDS)


def test_server_serves_only_the_output_folder(served) -> None:
    for attack in ("..%2f..%2fcontent/site.yaml", "%2e%2e/%2e%2e/etc/passwd",
                   "sv/../../content/site.yaml", "static/%2e%2e/%2e%2e/build.py"):
        status, body = fetch(served.url + attack)
        assert status == 404 and "base_url" not in body and "import" not in body, attack
    assert fetch(served.url + "sv")[0] == 200  # redirected to sv/


def test_a_non_loopback_host_is_served_only_with_a_warning(tmp_path) -> None:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--host", "0.0.0.0", "--port",
         str(free_port()), "--content", str(CONTENT), "--out", str(tmp_path / "site")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        first_line = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(10)
    assert first_line.startswith("warning: serving on 0.0.0.0, which other machines can reach")


def test_search_follows_edits(served) -> None:
    entry = served.content.parent / "site/pagefind/pagefind-entry.json"
    wait_for(entry.exists, HANG_SECONDS)
    before = entry.read_text()
    served.edit(ARTICLE, "## ", "Ordet flygfärdighetsprov finns nu här.\n\n## ")
    wait_for(lambda: entry.read_text() != before, HANG_SECONDS)
