"""The parser floor: the project's own Markdown setup rendering every body of a content tree.

    python benchmarks/floor.py CONTENT [--runs 3]

Prints one JSON object: the wall time of rendering every Markdown text the build renders
(articles, pages, letter guides, tips intros and each tip) with `guidesite.markdown.Markdown`,
configured as `bodies.Bodies` configures it (the site's `allow_html`, the language's
`heading_link` label, `key:` links resolved against the plan), spread over as many forked
processes as the build renders in, and the CPU seconds that took in all. No build can do less
Markdown work than this, so `cold / floor` says how much the rest of a build costs.

The tree is loaded and planned by the engine before the clock starts; only rendering is
timed, from the first fork to the last worker's exit.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guidesite.bodies import main_markdown  # noqa: E402
from guidesite.diagnostics import SourceRef  # noqa: E402
from guidesite.discover import discover  # noqa: E402
from guidesite.load import load  # noqa: E402
from guidesite.markdown import Markdown  # noqa: E402
from guidesite.model import TipTopic  # noqa: E402
from guidesite.parallel import PARALLEL_FROM, can_fork  # noqa: E402
from guidesite.plan import plan  # noqa: E402
from guidesite.urls import RelativeKeys  # noqa: E402

Job = tuple[str, str, SourceRef, RelativeKeys]
"""(language, Markdown text, where it starts, the `key:` links it may use)."""


def jobs_of(content: Path) -> tuple[list[Job], dict[str, Markdown], int]:
    """Every Markdown text the build renders, a parser per language, and the build's
    number of rendering processes."""
    site, problems = load(discover(content))
    if site is None:
        raise SystemExit(f"{content}: the site does not load: {problems[:3]}")
    layout = plan(site)
    markdowns = {lang.code: Markdown(site.config.allow_html, anchor_label=site.strings[
        lang.code].values.get("heading_link", "")) for lang in site.config.languages}
    jobs: list[Job] = []
    for item in layout.items:
        keys = RelativeKeys(layout.keys[item.lang], layout.urls[item.source.path])
        text, line = main_markdown(item)
        jobs.append((item.lang, text, SourceRef(item.source.path, line), keys))
        for tip in item.tips if isinstance(item, TipTopic) else ():
            jobs.append((item.lang, tip.body, SourceRef(item.source.path, tip.body_line), keys))
    return jobs, markdowns, build_processes(len(layout.routes), len(site.config.languages))


def build_processes(routes: int, languages: int) -> int:
    """As many processes as the build renders in."""
    if routes < PARALLEL_FROM or not can_fork():
        return 1
    return max(1, min(languages, os.cpu_count() or 1))


def render_share(jobs: list[Job], markdowns: dict[str, Markdown]) -> tuple[int, float]:
    """(bytes of HTML, CPU seconds) of rendering `jobs` here."""
    started = time.process_time()
    size = sum(len(markdowns[lang].render(text, where, keys).html)
               for lang, text, where, keys in jobs)
    return size, time.process_time() - started


def floor_once(jobs: list[Job], markdowns: dict[str, Markdown], processes: int
               ) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds in all, bytes of HTML) of one spread-out rendering.

    The shares are dealt round-robin by size, the most even split there is: the floor."""
    ordered = sorted(jobs, key=lambda job: len(job[1]), reverse=True)
    shares = [ordered[n::processes] for n in range(processes)]
    gc.freeze()  # as parallel.forked_map: children leave the inherited objects alone
    started = time.perf_counter()
    children = []
    for share in shares[1:]:
        result = tempfile.TemporaryFile()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                result.write(pickle.dumps(render_share(share, markdowns)))
                result.flush()
                status = 0
            finally:
                os._exit(status)
        children.append((pid, result))
    parts = [render_share(shares[0], markdowns)]
    for pid, result in children:
        os.waitpid(pid, 0)
        with result:
            result.seek(0)
            parts.append(pickle.loads(result.read()))
    wall = time.perf_counter() - started
    gc.unfreeze()
    return wall, sum(cpu for _, cpu in parts), sum(size for size, _ in parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, help="default: as many as the build uses")
    args = parser.parse_args()
    jobs, markdowns, processes = jobs_of(args.content)
    processes = args.processes or processes
    runs = [floor_once(jobs, markdowns, processes) for _ in range(args.runs)]
    print(json.dumps({"wall": statistics.median(r[0] for r in runs),
                      "cpu": statistics.median(r[1] for r in runs),
                      "bodies": len(jobs), "processes": processes,
                      "html_bytes": runs[0][2]}))


if __name__ == "__main__":
    main()
