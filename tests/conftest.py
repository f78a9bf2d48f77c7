"""Shared fixtures: content trees written from dicts, builds run as an author runs them."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"

SITE_YAML = """\
base_url: https://example.org/guide/
default_language: sv
languages:
  - code: sv
    name: Svenska
    title: Testsajt
    sections: {articles: artiklar, letters: brev, tips: tips, educators: for-pedagoger,
               search: sok}
  - code: en
    name: English
    title: Test site
    sections: {articles: articles, letters: letters, tips: tips,
               educators: for-educators, search: search}
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `{relative path: text}` under `root` and return `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def base_tree() -> dict[str, str]:
    """The smallest valid content tree: settings and the real interface strings."""
    return {
        "site.yaml": SITE_YAML,
        "sv/strings.yaml": (CONTENT / "sv" / "strings.yaml").read_text("utf-8"),
        "en/strings.yaml": (CONTENT / "en" / "strings.yaml").read_text("utf-8"),
    }


@pytest.fixture
def make_content(tmp_path: Path):
    """`make_content({path: text})` -> a content folder with the base tree plus these files."""

    def make(files: dict[str, str | bytes] | None = None, base: bool = True) -> Path:
        tree = (base_tree() if base else {}) | (files or {})
        return write_tree(tmp_path / "content", {k: v for k, v in tree.items() if v is not None})

    return make


def run_build(*args: str | Path, cwd: Path = ROOT, engine: Path = ROOT / "build.py"
              ) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS` the way an author does, capturing its output."""
    return subprocess.run([sys.executable, str(engine), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`: relative path -> bytes (what two builds are compared by)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own site, built once per test session into a temporary folder."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = run_build("build", "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@pytest.fixture(scope="session")
def serve_dir() -> Iterator:
    """`serve_dir(path)` -> base URL of a loopback HTTP server for that folder."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(path: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(path))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url(built_site: Path, serve_dir) -> str:
    """Base URL of the project's own built site, served on loopback."""
    return serve_dir(built_site)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser is ever downloaded)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


SLOW_MODULES = {"test_fuzz.py", "test_interrupt.py", "test_server_load.py", "test_serve.py",
                "test_parallel.py", "test_gates_html.py", "test_quick_rebuild.py",
                "test_shared_fragments.py"}
SLOW_TESTS = {"test_cached_and_uncached_builds_are_byte_identical",
              "test_build_runs_from_another_working_directory",
              "test_two_builds_are_byte_identical",
              "test_a_rebuild_in_the_replaced_sites_folder_equals_a_fresh_build",
              "test_two_builds_give_identical_search_bundles",
              "test_matrices_equal_segnos_at_every_version_and_level_boundary",
              "test_matrices_equal_segnos_in_byte_mode_utf8"}
"""Modules and tests that take several seconds each (many builds, servers, the Java validator):
left out of the quick subset, `pytest -m "not browser and not slow"`."""


FIRST = ("test_gates_browser.py", "test_fuzz.py", "test_build.py", "test_cli.py",
         "test_cache.py", "test_interrupt.py", "test_letters_browser.py", "test_serve.py",
         "test_parallel.py", "test_quick_rebuild.py")
"""The longest modules, run first: the two workers take whole modules in turn
(`--dist loadfile`), so a long one taken last would leave the other worker idle."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are those that use Chromium; slow ones are listed by module or marked.
    The longest modules go first (`FIRST`)."""
    items.sort(key=lambda item: FIRST.index(item.path.name) if item.path.name in FIRST
               else len(FIRST))  # (stable: the others keep their order)
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.path.name in SLOW_MODULES or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


COUNTS: list[str] = []
"""Lines robustness tests report (inputs tried, kills survived, requests served)."""


def report(line: str) -> None:
    """Record a count for the end of the run's output, where it shows without `-s`."""
    COUNTS.append(line.strip())
    print(line)


def pytest_terminal_summary(terminalreporter) -> None:
    if COUNTS:
        terminalreporter.section("robustness counts")
        for line in COUNTS:
            terminalreporter.write_line(line)
