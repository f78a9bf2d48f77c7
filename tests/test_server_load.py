"""Issue 9, part 4: the development server under load while the content keeps changing.

`python build.py serve` runs in a subprocess on loopback; 20 client threads send 2,000
requests (existing pages, missing pages, encoded `../` traversals) while another thread edits
an article every ~100 ms. Every answer must be a whole page or a 404: never a 500 while the
content is valid, never a cut-off body, never a file from outside the output folder. Counts
are printed: run with `-s` to see them.
"""

from __future__ import annotations

import http.client
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from guidesite.pipeline import Options
from guidesite.serve import DevServer

from conftest import CONTENT, ROOT, TEMPLATES, base_tree, report, write_tree

REQUESTS = 2000
CLIENTS = 20
EDIT_EVERY = 0.1
PACE = 0.08
"""Each client waits up to this long between requests, so the load spans many rebuilds
(unpaced, the server answers all 2,000 in about a second, during a handful of edits)."""
DEADLINE = 120.0
"""Seconds the whole load may take; a stuck server fails the test instead of hanging it."""
ARTICLE = "sv/articles/folj-upp-din-ansokan.md"
SENTENCE = "\n\nDen här meningen kommer och går medan servern lastas.\n"
TOKEN = "HEMLIGT-7f3a9c"
TRAVERSALS = [
    "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/..%2f..%2fsecret.txt",
    "/sv/%2e%2e%2f%2e%2e%2fsecret.txt", "/static/..%2f..%2fsecret.txt",
    "/%2e%2e%2fcontent/site.yaml", "/..%2fcontent%2fsite.yaml", "/sv/..%2f..%2fcontent/site.yaml",
    "/%252e%252e%252fsecret.txt", "/..%5csecret.txt", "/%2e%2e%5c%2e%2e%5csecret.txt",
    "/%00../secret.txt", "/sv/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd",
    "/%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/secret.txt", "/.%2e/secret.txt",
]
MISSING = ["/sv/finns-inte/", "/en/articles/nope/", "/nope.html", "/sv/artiklar/nope/index.html",
           "/static/nope.css", "/sv/%C3%A5%C3%A4%C3%B6/", "/x" * 40 + "/"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`build.py serve` in a subprocess, its output lines collected as they come."""

    def __init__(self, tmp: Path) -> None:
        self.content = tmp / "content"
        shutil.copytree(CONTENT, self.content)
        self.out = tmp / "site"
        self.port = free_port()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(self.port),
             "--content", str(self.content), "--templates", str(TEMPLATES),
             "--out", str(self.out)],
            cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 90
        while not any(line.startswith("Serving") for line in self.lines):
            assert self.process.poll() is None, "the server stopped:\n" + "".join(self.lines)
            assert time.monotonic() < deadline, "no 'Serving' line:\n" + "".join(self.lines)
            time.sleep(0.05)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def count(self, prefix: str) -> int:
        return sum(line.startswith(prefix) for line in list(self.lines))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def page_paths(out: Path) -> list[str]:
    paths = []
    for page in sorted(out.rglob("*.html")):
        rel = page.relative_to(out).as_posix()
        paths.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return paths


def test_the_dev_server_under_load_while_content_changes(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text(f"{TOKEN}\n")
    server = Server(tmp_path)
    try:
        pages = [p for p in page_paths(server.out) if not p.endswith("404.html")]
        assert len(pages) > 60, pages
        rng = random.Random(9)
        plan = [("page", rng.choice(pages)) if roll < 0.7 else
                ("missing", rng.choice(MISSING)) if roll < 0.85 else
                ("traversal", rng.choice(TRAVERSALS))
                for roll in (rng.random() for _ in range(REQUESTS))]
        shares = [plan[n::CLIENTS] for n in range(CLIENTS)]
        statuses: Counter = Counter()
        problems: list[str] = []
        lock = threading.Lock()
        done = threading.Event()
        edits = Counter()
        started = time.monotonic()

        def note(problem: str) -> None:
            with lock:
                if len(problems) < 50:
                    problems.append(problem)

        def client(share: list[tuple[str, str]], seed: int) -> None:
            pause = random.Random(seed)
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
            for kind, path in share:
                time.sleep(pause.uniform(0, PACE))
                if time.monotonic() - started > DEADLINE:
                    note(f"deadline passed before {path}")
                    return
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                    status = response.status
                    length = response.getheader("Content-Length")
                except (OSError, http.client.HTTPException) as exc:
                    note(f"{kind} {path}: {type(exc).__name__}: {exc}")
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", server.port,
                                                            timeout=15)
                    continue
                with lock:
                    statuses[(kind, status)] += 1
                if TOKEN.encode() in body or b"base_url:" in body or b"root:x:0:0" in body:
                    note(f"{kind} {path}: a file from outside the output folder was served")
                if length is None or int(length) != len(body):
                    note(f"{kind} {path}: Content-Length {length} but {len(body)} bytes")
                if status == 200:
                    if kind != "page":
                        note(f"{kind} {path}: 200")
                    elif not body.endswith(b"</html>\n"):
                        note(f"{path}: 200 with an incomplete page ({len(body)} bytes, ends "
                             f"{body[-40:]!r})")
                elif status == 404:
                    if kind == "page":
                        note(f"{path}: 404 for a page that exists")
                else:
                    note(f"{kind} {path}: status {status}: {body[:200]!r}")
            connection.close()

        def editor() -> None:
            path = server.content / ARTICLE
            original = path.read_text("utf-8")
            partial = path.with_name("." + path.name + ".edit")
            while not done.is_set():
                text = original + SENTENCE if edits["edits"] % 2 == 0 else original
                partial.write_text(text, "utf-8")
                os.replace(partial, path)  # as editors save: the file is never half written
                edits["edits"] += 1
                done.wait(EDIT_EVERY)
            partial.write_text(original, "utf-8")
            os.replace(partial, path)

        rebuilds_before = server.count("Rebuilt")
        threads = [threading.Thread(target=client, args=(share, n))
                   for n, share in enumerate(shares)]
        edit_thread = threading.Thread(target=editor)
        edit_thread.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE + 20)
        took = time.monotonic() - started
        done.set()
        edit_thread.join(10)
        time.sleep(1.0)  # the last edit's rebuild
        rebuilds = server.count("Rebuilt") - rebuilds_before
        failed = server.count("Build failed")
        served = sum(statuses.values())
        report(f"\n[server] {served} of {REQUESTS} requests answered in {took:.1f} s "
              f"({served / took:.0f}/s) by {CLIENTS} clients: "
              + ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(
                  statuses.items())))
        report(f"[server] {edits['edits']} edits, {rebuilds} 'Rebuilt' lines, {failed} "
              f"'Build failed' lines; server output lines: {len(server.lines)}")
        assert not any(thread.is_alive() for thread in threads), "clients did not finish"
        assert problems == [], "\n".join(problems)
        assert served == REQUESTS
        assert server.process.poll() is None, "the server died:\n" + "".join(server.lines[-30:])
        assert failed == 0, "".join(line for line in server.lines if "error" in line)[:3000]
        assert not any("Traceback" in line for line in server.lines), "".join(server.lines)
        assert rebuilds >= 5, f"only {rebuilds} rebuilds for {edits['edits']} edits"
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        connection.request("GET", "/sv/artiklar/folj-upp-din-ansokan/")
        final = connection.getresponse().read()
        assert b"Den h\xc3\xa4r meningen kommer och g\xc3\xa5r" not in final, \
            "the page does not show the content as it was left"
    finally:
        server.stop()


def test_the_dev_server_serves_an_output_folder_reached_through_a_symlink(tmp_path):
    """`--out` may lead through a symbolic link (macOS /tmp, a linked home or work folder):
    the pages must still be served, not answered 404 as if outside the output."""
    content = write_tree(tmp_path / "content", base_tree() | {
        "sv/articles/a.md": "---\ntitle: A\nsummary: En artikel.\ndate: 2026-01-01\n---\nText\n"})
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    server = DevServer(Options(content=content, templates=TEMPLATES,
                               out=tmp_path / "link" / "site", cache=None),
                       log=lambda *args, **kwargs: None)
    assert server.rebuild().ok
    assert (tmp_path / "real/site/sv/artiklar/a/index.html").is_file()
    answers = {}
    for path in ("/sv/artiklar/a/", "/sv/", "/static/site.css", "/%2e%2e/%2e%2e/content/site.yaml"):
        seen = {}

        def start_response(status, headers, seen=seen):
            seen["status"] = status

        body = b"".join(server.app({"PATH_INFO": path}, start_response))
        answers[path] = (seen["status"], body)
    assert answers["/%2e%2e/%2e%2e/content/site.yaml"][0].startswith("404")
    assert b"base_url" not in answers["/%2e%2e/%2e%2e/content/site.yaml"][1]
    statuses = {path: status for path, (status, _) in answers.items()}
    assert all(statuses[p].startswith("200") for p in ("/sv/artiklar/a/", "/sv/",
                                                       "/static/site.css")), statuses
