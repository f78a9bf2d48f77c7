"""Benchmark: cold, warm and one-edit builds, serve latency, the parser floor, against Hugo and
Pelican.

    python benchmarks/bench.py [--sizes 100,500,1000,5000] [--runs 3] [--no-others]

Generates the same deterministic corpus for each size (N articles per language, letters and
tips in proportion), builds it with our generator in subprocesses (as an author would) and,
where installed, with Hugo and Pelican, and prints wall time, pages per second and peak
memory (the whole process tree, sampled). In the same run it times the parser floor
(`floor.py`: the project's own Markdown setup rendering every body of the corpus over as many
processes as the build uses) and prints `cold / floor`, with search and the letter downloads
left out of the ratio and reported beside it. Figures, not assertions: targets are read off.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guidesite.downloads import FORMATS  # noqa: E402

from corpus import ROOT, make_corpus  # noqa: E402
from others import hugo_site, pelican_site  # noqa: E402


def tree_rss(pid: int) -> int:
    """Memory in bytes of a process and all its descendants.

    Proportional set size (PSS) where the kernel reports it: a page shared by forked workers
    counts once in all, split between them, instead of once per process as with RSS.
    """
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            try:
                with open(f"/proc/{current}/smaps_rollup") as rollup:
                    total += sum(int(line.split()[1]) * 1024 for line in rollup
                                 if line.startswith("Pss:"))
            except FileNotFoundError:
                with open(f"/proc/{current}/status") as status:
                    total += sum(int(line.split()[1]) * 1024 for line in status
                                 if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def cpu_of_children() -> float:
    """CPU seconds (user and system) of every finished child and the children they waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], cwd: Path, env: dict | None = None, sample: bool = False
            ) -> tuple[float, int, str, float]:
    """(wall seconds, peak tree memory in bytes or 0, output, CPU seconds) of one command.

    Memory is sampled only when asked: reading a process's memory map every 10 ms takes a
    good part of a core, time a build on two cores would be charged for. CPU seconds are
    those of the whole process tree (forked workers, Pagefind): on a shared machine they
    vary less than wall time.
    """
    peak = 0
    cpu = cpu_of_children()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **(env or {})})
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample if sample else lambda: None, daemon=True)
    sampler.start()
    output = process.communicate()[0]
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output[-2000:]}")
    return wall, peak, output, cpu_of_children() - cpu


TRASH = Path(tempfile.gettempdir()) / "guidesite-bench-trash"
"""Where `set_aside` moves output; set beside the run's sites by `main`."""


def set_aside(*folders: Path) -> None:
    """Move earlier output out of the way, to be deleted after the run.

    Deleting thousands of files just before a build slows that build's file creation on ext4
    (the inode allocator skips recently freed inodes; here it doubled a cold build's time),
    a cost no author's first build pays and no other tool is charged in this benchmark.
    """
    for folder in folders:
        if folder.exists():
            TRASH.mkdir(parents=True, exist_ok=True)
            folder.rename(TRASH / f"{folder.parent.name}-{folder.name}-{time.time_ns()}")


def downloads_only(cache: Path) -> None:
    """Leave in the build cache (`.cache/`) the letter downloads alone: Hugo makes none, so
    `cold / floor` and the ratios to Hugo leave them out; whatever else the cache may hold
    (compiled templates, and pages or bodies once it keeps them) is a cold build's to make."""
    if not cache.exists():
        return
    TRASH.mkdir(parents=True, exist_ok=True)
    old = TRASH / f"cache-{time.time_ns()}"
    cache.rename(old)
    for entry in old.glob("*/*/*"):  # guidesite/<first two of the key>/<key>.<format>
        if entry.suffix.lstrip(".") in FORMATS:
            target = cache / entry.relative_to(old)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(entry, target)


def ours(work: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--content", str(work / "content"),
            "--templates", str(ROOT / "templates"), "--out", str(work / "site"), *extra]


def pages_of(output: str) -> int:
    import re

    match = re.search(r"Built (\d+) pages", output)
    return int(match.group(1)) if match else 0


def serve_latency(work: Path, edits: int = 5) -> tuple[list[float], list[float]]:
    """Seconds from saving an article to its page being written by the running dev server
    (its pages are written as they are made), and to the rebuild's end (when the browser
    is told to reload)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([*ours(work)[:2], "serve", *ours(work)[2:], "--port", str(port)],
                               cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    for line in process.stdout:
        if line.startswith("Serving"):
            break
    rebuilt: list[float] = []
    threading.Thread(target=lambda: [rebuilt.append(time.perf_counter()) for line in
                                     process.stdout if line.startswith("Rebuilt")],
                     daemon=True).start()
    article = work / "content/sv/articles/article-0.md"
    page = work / "site/sv/artiklar/article-0/index.html"
    times, ends = [], []
    try:
        for edit in range(edits):
            marker = f"Benchmark edit {edit}."
            text = article.read_text("utf-8")
            time.sleep(0.3)
            before = len(rebuilt)
            started = time.perf_counter()
            article.write_text(text + f"\n{marker}\n", "utf-8")
            while marker.encode() not in page.read_bytes():
                if time.perf_counter() - started > 30:
                    raise RuntimeError("the dev server did not write the page")
                time.sleep(0.002)
            times.append(time.perf_counter() - started)
            while len(rebuilt) == before:
                if time.perf_counter() - started > 30:
                    raise RuntimeError("the dev server did not finish the rebuild")
                time.sleep(0.002)
            ends.append(rebuilt[before] - started)
    finally:
        process.terminate()
        process.wait(10)
    return times, ends


def row(name: str, seconds: float, pages: int, memory: int) -> str:
    rate = f"{pages / seconds:8.0f}" if pages else "       -"
    return f"  {name:38} {seconds:8.2f} s {rate} pages/s {memory / 2**20:8.0f} MB"


def repeated(runs: int, command: list[str], cwd: Path, env: dict | None = None,
             before=lambda: None) -> tuple[float, int, str, float]:
    """Median wall time of `runs` runs (each after `before()`: single runs on a shared machine
    vary by a tenth or more), the peak memory of one more run, that run's output, and the
    median CPU seconds of the timed runs."""
    walls, cpus = [], []
    for _ in range(runs):
        before()
        wall, _, _, cpu = measure(command, cwd, env)
        walls.append(wall)
        cpus.append(cpu)
    before()
    _, peak, output, _ = measure(command, cwd, env, sample=True)
    return statistics.median(walls), peak, output, statistics.median(cpus)


def parser_floor(work: Path, runs: int) -> dict:
    """`floor.py` on this corpus: wall and CPU seconds of the parser alone, in the build's
    number of processes (a subprocess, so that nothing this process holds is forked)."""
    output = measure([sys.executable, str(Path(__file__).resolve().parent / "floor.py"),
                      str(work / "content"), "--runs", str(runs)], work)[2]
    return json.loads(output.strip().splitlines()[-1])


def bench(size: int, others: bool, work_root: Path, runs: int) -> dict:
    work = work_root / f"n{size}"
    work.mkdir(parents=True, exist_ok=True)
    make_corpus(work, size)
    cache = {"XDG_CACHE_HOME": str(work / "xdg")}
    set_aside(work / "site", work / ".cache", work / ".site.spare")
    print(f"\nN = {size} articles per language ({2 * size} articles), median of {runs} runs")
    result: dict = {}
    # the others first: our rebuilds replace whole sites, and file creation just after mass
    # deletion is slower (see set_aside), so after ours they would pay for our deletions
    if others and shutil.which("hugo"):
        for name, same_pages in (("hugo", False), ("hugo, our pages (+handouts, letters)", True)):
            site = hugo_site(work / "content", work / ("hugo-same" if same_pages else "hugo"),
                             same_pages)
            seconds, memory, _, _ = repeated(
                runs, ["hugo", "--quiet", "-s", str(site), "-d", str(site / "public")], work,
                before=lambda site=site: set_aside(site / "public"))
            pages = sum(1 for _ in (site / "public").rglob("*.html" if same_pages
                                                           else "index.html"))
            print(row(name, seconds, pages, memory))
            result |= {"hugo_same": seconds} if same_pages else {"hugo": seconds,
                                                                   "hugo_memory": memory}
    if others and shutil.which("pelican"):
        site = pelican_site(work / "content", work / "pelican")
        pelican, pelican_memory, _, _ = repeated(
            runs, ["pelican", str(site / "content"), "-o", str(site / "output"), "-s",
                   str(site / "pelicanconf.py"), "-q"], site,
            before=lambda: set_aside(site / "output"))
        pelican_pages = sum(1 for _ in (site / "output").rglob("*.html"))
        print(row("pelican", pelican, pelican_pages, pelican_memory))
        result |= {"pelican": pelican}

    def fresh(*names: str):  # a build into a new folder, without what `names` held
        return lambda: set_aside(*(work / name for name in names))

    everything = ("site", ".cache", ".site.spare")
    cold_search, memory, output, _ = repeated(runs, ours(work), work, cache,
                                              fresh(*everything))
    pages = pages_of(output)
    print(row("ours: cold full build (with search)", cold_search, pages, memory))
    cold, memory, _, _ = repeated(runs, ours(work, "--no-search"), work, cache,
                                  fresh(*everything))
    print(row("ours: cold full build (no search)", cold, pages, memory))
    def cold_but_downloads() -> None:
        fresh("site", ".site.spare")()
        downloads_only(work / ".cache")

    cached, cached_memory, _, cached_cpu = repeated(
        runs, ours(work, "--no-search"), work, cache, cold_but_downloads)
    print(row("ours: same, letter downloads cached", cached, pages, cached_memory))
    floor = parser_floor(work, runs)
    name = f"parser floor ({floor['bodies']} bodies, {floor['processes']} processes)"
    print(f"  {name:38} {floor['wall']:8.2f} s wall, {floor['cpu']:.2f} s CPU "
          f"(the cold build above: {cached_cpu:.2f} s CPU)")
    print(f"  cold / floor {cached / floor['wall']:.2f} (target <= 1.5; search and downloads "
          f"excluded: they add {cold_search - cold:.2f} s and {cold - cached:.2f} s), "
          f"in CPU seconds {cached_cpu / floor['cpu']:.2f}")
    warm, warm_memory, _, _ = repeated(runs, ours(work, "--no-search"), work, cache)
    print(row("ours: warm rebuild, nothing changed", warm, pages, warm_memory))
    article = work / "content/en/articles/article-1.md"

    def edit() -> None:
        article.write_text(article.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")

    edited, edit_memory, _, _ = repeated(runs, ours(work, "--no-search"), work, cache, edit)
    print(row("ours: rebuild after editing one article", edited, pages, edit_memory))
    edited_search, edit_search_memory, _, _ = repeated(runs, ours(work), work, cache, edit)
    print(row("ours: same, with search", edited_search, pages, edit_search_memory))
    latency, ends = serve_latency(work)
    serve = sorted(latency)[len(latency) // 2]
    print(f"  {'ours: serve, save -> page written':38} {min(latency) * 1000:8.0f} ms best, "
          f"{serve * 1000:.0f} ms median of {len(latency)} (target < 150 ms at 2 x 5,000)")
    print(f"  {'ours: serve, save -> rebuild done':38} {min(ends) * 1000:8.0f} ms best, "
          f"{sorted(ends)[len(ends) // 2] * 1000:.0f} ms median (the browser reloads)")
    result |= {"size": size, "pages": pages, "cold": cold, "cached": cached, "warm": warm,
               "memory": memory, "floor": floor["wall"], "edited": edited, "serve": serve}
    if "hugo" in result:
        print(f"  ratios: cold/hugo {cold / result['hugo']:.2f} (target <= 1.5; downloads "
              f"cached {cached / result['hugo']:.2f}), "
              f"warm/hugo {warm / result['hugo']:.2f} (target <= 0.3), "
              f"memory/hugo {memory / result['hugo_memory']:.2f} (target < 0.25)")
        print(f"  one article edited, new process: edited/hugo {edited / result['hugo']:.2f} "
              f"(target <= 0.25 at 2 x 1,000; with search "
              f"{edited_search / result['hugo']:.2f})")
        print(f"  against Hugo making our pages: cold {cold / result['hugo_same']:.2f}, "
              f"downloads cached {cached / result['hugo_same']:.2f}")
    if "pelican" in result:
        print(f"  pelican/cold {result['pelican'] / cold:.1f} x (target >= 6)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000,5000")
    parser.add_argument("--no-others", action="store_true", help="skip Hugo and Pelican")
    parser.add_argument("--work", type=Path, help="keep the generated sites here")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; hugo: {shutil.which('hugo') or 'not installed'}; "
          f"pelican: {shutil.which('pelican') or 'not installed'}")
    work_root = args.work or Path(tempfile.mkdtemp(prefix="guidesite-bench-"))
    global TRASH
    TRASH = work_root / "trash"  # on the same file system: moving is a rename
    results = [bench(int(size), not args.no_others, work_root, args.runs)
               for size in args.sizes.split(",")]
    by_size = {r["size"]: r for r in results}
    if len(by_size) > 1:
        large = max(by_size)
        small = 500 if 500 in by_size and large > 500 else min(by_size)
        print()
        for key, name in (("cold", "cold"), ("cached", "cold, downloads cached")):
            per_small = by_size[small][key] / by_size[small]["pages"]
            per_large = by_size[large][key] / by_size[large]["pages"]
            print(f"linearity ({name}): {per_large * 1000:.2f} ms/page at N={large} vs "
                  f"{per_small * 1000:.2f} ms/page at N={small} "
                  f"({(per_large / per_small - 1) * 100:+.0f} %, target within 20 %)")
    shutil.rmtree(work_root / "trash", ignore_errors=True)
    if not args.work:
        shutil.rmtree(work_root, ignore_errors=True)


if __name__ == "__main__":
    main()
