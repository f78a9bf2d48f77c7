"""Issue 9, part 3: a build killed at any moment leaves the previous site whole; two builds on
one output do not interleave; a failed write is a clear error that keeps the previous site.

Builds run as an author runs them: `python build.py --out site` in a subprocess. Counts are
printed: run with `-s` to see them.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, TEMPLATES, base_tree, report, write_tree

KILLS = int(os.environ.get("INTERRUPT_KILLS", 50))
SEED = int(os.environ.get("INTERRUPT_SEED", 20261126))
CLEAN_BUILD_EVERY = 10
"""After this many kills, a normal build must succeed and clean up what the kills left."""

ARTICLE = ("---\ntitle: {title}\nsummary: {summary}\ndate: 2026-{month:02d}-{day:02d}\n"
           "key: a-{n}\n---\n{body}\n")
LETTER = """---
title: Fråga om jobbet
summary: Ett kort mejl till en arbetsgivare.
date: 2026-03-01
channel: email
subject: "Ansökan från {namn}"
guide: |
  Skriv kort och vänligt. Läs också [artikel 1](key:a-1).
fields:
  - name: namn
    label: Ditt namn
    example: Alex Nilsson
    required: true
  - name: jobb
    label: Jobbet
    example: butiksbiträde
---
Hej!

Jag heter {namn} och undrar om jobbet som {jobb} fortfarande är ledigt.

Vänliga hälsningar
{namn}
"""


def site_tree(variant: str) -> dict[str, str]:
    """~40 articles in two languages and one letter; `variant` changes one article's text."""
    files = base_tree()
    for n in range(20):
        for lang, word in (("sv", "artikel"), ("en", "article")):
            body = "\n\n".join(f"## Del {part}\n\nStycke {part} i text {n}. " + "ord " * 60
                               for part in range(4))
            if n == 0:
                body += f"\n\nDetta är version {variant}."
            files[f"{lang}/articles/{word}-{n}.md"] = ARTICLE.format(
                title=f"{word.capitalize()} {n}", summary=f"Sammanfattning av text {n}.",
                month=1 + n % 12, day=1 + n, n=n, body=body)
    files["sv/letters/fraga-om-jobbet.md"] = LETTER
    return files


def manifest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `folder` ({} when it does not exist)."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for pattern in (".site.tmp-*", ".site.old-*")
                  for p in out.parent.glob(pattern))


def assert_pages_complete(out: Path) -> int:
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        assert page.read_bytes().endswith(b"</html>\n"), f"incomplete page {page}"
    return len(pages)


class Work:
    """A content folder and an output folder, built with `python build.py` from `cwd` (where
    the letter-download cache lives, so only the first build makes the downloads)."""

    def __init__(self, cwd: Path, name: str) -> None:
        self.cwd = cwd
        self.content = cwd / name / "content"
        self.out = cwd / name / "site"
        write_tree(self.content, site_tree("A"))

    def variant(self, name: str) -> None:
        rel = "sv/articles/artikel-0.md"
        write_tree(self.content, {rel: site_tree(name)[rel]})

    def command(self, out: Path | None = None) -> list[str]:
        return [sys.executable, str(ROOT / "build.py"), "--content", str(self.content),
                "--templates", str(TEMPLATES), "--out", str(out or self.out)]

    def start(self, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(self.command(), cwd=self.cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True,
                                **kwargs)

    def build(self, out: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(out), cwd=self.cwd, capture_output=True, text=True,
                              timeout=120, **kwargs)


def wait_for_group(pgid: int, seconds: float = 15) -> bool:
    """Wait until no process of the build's group is left; True if some outlived the build."""
    outlived = False
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return outlived
        outlived = True
        if time.monotonic() > deadline:
            os.killpg(pgid, signal.SIGKILL)  # our own build's group, by its id
            time.sleep(0.2)
            return outlived
        time.sleep(0.02)


@pytest.fixture(scope="module")
def cwd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("interrupt")


def test_a_killed_build_leaves_the_previous_site_whole(cwd: Path) -> None:
    work = Work(cwd, "kills")
    started = time.perf_counter()
    first = work.build()
    cold = time.perf_counter() - started
    assert first.returncode == 0, first.stderr
    reference = {"A": manifest(work.out)}
    timings = []
    for name in ("B", "A"):
        work.variant(name)
        began = time.perf_counter()
        result = work.build()
        timings.append(time.perf_counter() - began)
        assert result.returncode == 0, result.stderr
        reference.setdefault(name, manifest(work.out))
    assert reference["A"] != reference["B"]
    assert manifest(work.out) == reference["A"], "two builds of the same input differ"
    pages = assert_pages_complete(work.out)
    duration = max(timings)
    report(f"\n[interrupt] site: {len(reference['A'])} files ({pages} pages); cold build "
          f"{cold:.2f} s, warm builds {', '.join(f'{t:.2f}' for t in timings)} s; kills "
          f"spread over 0..{duration:.2f} s, seed {SEED}")

    rng = random.Random(SEED)
    stats: Counter = Counter()
    history: dict[int, str] = {}
    """Process id -> what happened to that build, to say whose leftovers stayed behind."""
    unclean: list[str] = []
    """Leftovers a clean build did not remove (collected, so every kill still runs)."""
    current = reference["A"]
    variant = "A"
    for number in range(1, KILLS + 1):
        variant = "B" if variant == "A" else "A"
        work.variant(variant)
        sig = rng.choice((signal.SIGINT, signal.SIGTERM, signal.SIGKILL))
        delay = rng.uniform(0, duration)
        process = work.start()
        time.sleep(delay)
        if sig == signal.SIGINT:
            os.killpg(process.pid, sig)  # Ctrl+C in a terminal reaches the whole group
        else:
            os.kill(process.pid, sig)
        stdout, stderr = process.communicate(timeout=60)
        history[process.pid] = f"kill {number}: {signal.Signals(sig).name} after {delay:.2f} s"
        if wait_for_group(process.pid):
            stats["children outlived the killed build"] += 1
        stats[f"{signal.Signals(sig).name}"] += 1
        after = manifest(work.out)
        where = f"kill {number}: {signal.Signals(sig).name} after {delay:.2f} s (exit " \
                f"{process.returncode})"
        assert after in (current, reference[variant]), \
            f"{where}: the site is neither the previous one nor the new one: " \
            f"{len(set(after) ^ set(current))} paths differ from the previous site"
        assert_pages_complete(work.out)
        if process.returncode == 0:
            stats["finished before the signal"] += 1
        elif after == current and after != reference[variant]:
            stats["killed: previous site kept"] += 1
        else:
            stats["killed after the swap: new site complete"] += 1
        if "Traceback" in stderr:
            stats["killed build printed a traceback"] += 1
        current = after
        stats["leftover folders after kills"] += len(leftovers(work.out))
        if number % CLEAN_BUILD_EVERY == 0 or number == KILLS:
            before = leftovers(work.out)
            clean = work.start()
            stdout, stderr = clean.communicate(timeout=120)
            history[clean.pid] = "the clean build itself"
            assert clean.returncode == 0, f"{where}; the next build failed: {stderr}"
            left = {name: history.get(int(name.rsplit("-", 1)[1]), "?")
                    for name in leftovers(work.out)}
            if left:
                unclean.append(f"the clean build after kill {number} left {left} (before it "
                               f"ran: {before}; it said: {(stdout + stderr).strip()})")
            current = manifest(work.out)
            assert current == reference[variant], f"{where}; the next build differs"
            assert_pages_complete(work.out)
            stats["clean builds after kills"] += 1
    report(f"[interrupt] {KILLS} killed builds in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    assert not unclean, "\n".join(unclean)


def test_two_builds_at_once_on_one_output_do_not_interleave(cwd: Path) -> None:
    work = Work(cwd, "together")
    assert work.build().returncode == 0
    outcomes: Counter = Counter()
    for number in range(3):
        work.variant("AB"[number % 2])
        first, second = work.start(), work.start()
        results = [(p.wait(timeout=120), *p.communicate()) for p in (first, second)]
        codes = sorted(code for code, _, _ in results)
        for code, _stdout, stderr in results:
            assert "Traceback" not in stderr, stderr
            if code == 1:
                assert "another build" in stderr and "error[build-locked]" in stderr, stderr
        assert codes in ([0, 0], [0, 1]), results
        outcomes["both built, one after the other" if codes == [0, 0]
                 else "one refused: error[build-locked]"] += 1
        assert leftovers(work.out) == []
        assert_pages_complete(work.out)
        reference = manifest(work.out)
        again = work.build()
        assert again.returncode == 0 and manifest(work.out) == reference, \
            "the site two concurrent builds left differs from a clean build"
    report("\n[interrupt] two builds at once, 3 rounds: "
          + ", ".join(f"{k}: {v}" for k, v in outcomes.items()))


def test_a_failed_write_is_a_clear_error_and_keeps_the_previous_site(cwd: Path) -> None:
    work = Work(cwd, "unwritable")
    assert work.build().returncode == 0
    previous = manifest(work.out)
    work.variant("B")

    blocker = cwd / "unwritable" / "a-file"
    blocker.write_text("not a folder\n")
    result = work.build(out=blocker / "site")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1 and "error[write-failed]" in result.stderr, result.stderr
    assert blocker.read_text() == "not a folder\n"

    def small_files_only() -> None:  # like a full disk: writes past 4 KB fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = work.build(preexec_fn=small_files_only)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1 and "error[write-failed]" in result.stderr, result.stderr
    assert manifest(work.out) == previous, "a failed write changed the previous site"
    assert leftovers(work.out) == [], leftovers(work.out)
    said = [line for line in result.stderr.splitlines() if "error[" in line]
    report("\n[interrupt] write failures: " + " | ".join(said))
    assert not any("(None)" in line for line in said), f"the message names no file: {said}"
