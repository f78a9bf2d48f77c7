"""Where a cold build's time goes: one build of the benchmark corpus under a profiler.

    python benchmarks/profile_build.py [--size 1000] [--work DIR] [--serial] [--keep-downloads]
                                       [--edit] [--pyinstrument | --stages] [--top 40]

Generates the corpus of `bench.py` (N articles per language), then builds it into a new
folder in this process under cProfile (or pyinstrument, when installed and asked for) and
prints the functions by cumulative and by own time; the raw profile is left in the work
folder (`cold.prof`, or `cold.html` for pyinstrument). Both profilers charge every Python
call, so they overstate call-heavy code such as markdown-it-py; `--stages` instead times the
engine's stages with a clock around a few functions (exclusive time: a stage's time leaves
out the stages it calls), which costs next to nothing, and prints the table of
`docs/perf-notes.md`.

`--serial` makes the build see one CPU, so that it forks nothing and every stage's time shows
in one profile (a forked worker's time is invisible to the parent's profiler); without it,
the profile is the parent's share and its waits. `--keep-downloads` keeps the letter
downloads in the cache from a first, unprofiled build, as `cold / floor` in `bench.py` does.
`--edit` profiles instead the command-line rebuild after one article is edited: a first build,
unprofiled, then one sentence added to an article and the build run again (a new process
would reuse the same files: the site, `.site.spare/` and `.cache/guidesite/`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import ROOT, make_corpus  # noqa: E402

STAGES = (  # (module, owner in it or "", function, label): where each stage is looked up
    ("guidesite.pipeline", "", "build", "the rest: orchestration, render loop, Result"),
    ("guidesite.uptodate", "", "inputs_fingerprint", "up-to-date: hash every input file"),
    ("guidesite.uptodate", "", "output_fingerprint", "up-to-date: stat the output"),
    ("guidesite.pipeline", "", "discover", "discover"),
    ("guidesite.pipeline", "", "load", "load (YAML, front matter, model)"),
    ("guidesite.pipeline", "", "validated", "validate"),
    ("guidesite.pipeline", "", "plan", "plan"),
    ("guidesite.pipeline", "", "static_files", "static files: list"),
    ("guidesite.parallel", "", "downloads_missing", "downloads: look up the cache"),
    ("guidesite.render", "", "letter_files", "downloads: read from the cache / make"),
    ("guidesite.render", "Renderer", "__init__", "Jinja environments, listings"),
    ("guidesite.markdown", "Markdown", "render", "Markdown (markdown-it-py + rules): floor"),
    ("guidesite.bodies", "", "measure", "readability (re-tokenises the text)"),
    ("guidesite.bodies", "", "_render_body", "bodies: the rest (word count, tips)"),
    ("guidesite.render", "Renderer", "page", lambda renderer, route: {
        "handout": "Jinja: handouts", "article": "Jinja: article pages"}.get(
            route.kind, "Jinja: other pages (listings, tips, letters, home)")),
    ("guidesite.render", "Renderer", "shared", "Jinja: shared fragments (nav, footer)"),
    ("guidesite.render", "", "qr_svg", "QR code per item page"),
    ("guidesite.render", "", "_article_json_ld", "JSON-LD per article"),
    ("guidesite.render", "", "_letter_context", "letter page context"),
    ("guidesite.parallel", "", "site_files_of", "sitemap, feeds, robots.txt"),
    ("guidesite.parallel", "", "scan", "link scan of each written page"),
    ("guidesite.parallel", "", "settle", "link scan of each written page"),
    ("guidesite.pipeline", "", "check_links", "link check across the site"),
    ("guidesite.pipeline", "", "_locator", "link check across the site"),
    ("guidesite.pipeline", "", "published", "URL lock: published URLs and anchors"),
    ("guidesite.pipeline", "", "check_lock", "URL lock: published URLs and anchors"),
    ("guidesite.write", "Staging", "__enter__", "write: staging folder, lock, swap"),
    ("guidesite.write", "Staging", "put", "write: one file per page (mkdir, open, write)"),
    ("guidesite.write", "Staging", "copy", "write: static files"),
    ("guidesite.write", "Staging", "swap_in", "write: staging folder, lock, swap"),
    ("guidesite.write", "Staging", "__exit__", "write: staging folder, lock, swap"),
    ("guidesite.uptodate", "", "remember", "up-to-date: record this build"),
    ("guidesite.cache", "Cache", "keep", "cache: pickle new entries"),
    ("guidesite.cache", "Cache", "recall", "cache: read and unpickle entries"),
    ("guidesite.cache", "Cache", "flush", "cache: write entries (SQLite)"),
    ("guidesite.parallel", "_Sink", "_scan", "link scan of each written page"),
    ("guidesite.parallel", "", "forked_map", "forks: load, download, render shares, waits"),
    ("guidesite.parallel", "", "trim", "forks: give freed memory back (malloc_trim)"),
)


class Stages:
    """Exclusive time per stage: each wrapped call's time less that of wrapped calls inside
    it, so the rows add up to the build. CPU time (this process's, user and system) and wall
    time: on a machine shared with other work, CPU time is the steadier of the two."""

    def __init__(self) -> None:
        self.own: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.calls: Counter[str] = Counter()
        self.where: dict[str, set[str]] = defaultdict(set)
        self._inner: list[list[float]] = []
        self.missing: list[str] = []

    def wrap(self, module: str, owner: str, name: str, label) -> None:
        """Time `module.owner.name` under `label`, or under `label(*args)` when it is a
        function of the call's arguments."""
        import importlib
        import inspect

        holder = importlib.import_module(module)
        holder = getattr(holder, owner, None) if owner else holder
        original = getattr(holder, name, None)
        if original is None:  # the engine moved it: say so rather than stop
            self.missing.append(f"{module}.{owner + '.' if owner else ''}{name}")
            return
        code = inspect.unwrap(original).__code__
        where = f"{Path(code.co_filename).relative_to(ROOT)}:{code.co_firstlineno} {code.co_name}"
        label_of = label if callable(label) else lambda *args, **kwargs: label

        def timed(*args, **kwargs):
            label = label_of(*args, **kwargs)
            self.where[label].add(where)
            self._inner.append([0.0, 0.0])
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                inner, own = self._inner.pop(), self.own[label]
                own[0] += cpu - inner[0]
                own[1] += wall - inner[1]
                self.calls[label] += 1
                if self._inner:
                    self._inner[-1][0] += cpu
                    self._inner[-1][1] += wall

        setattr(holder, name, timed)

    def table(self) -> str:
        cpu = sum(own[0] for own in self.own.values())
        wall = sum(own[1] for own in self.own.values())
        rows = ["| stage | CPU s | % of CPU | wall s | calls | where |",
                "|---|---:|---:|---:|---:|---|"]
        for label, (own_cpu, own_wall) in sorted(self.own.items(), key=lambda pair: -pair[1][0]):
            rows.append(f"| {label} | {own_cpu:.2f} | {100 * own_cpu / cpu:.1f} | "
                        f"{own_wall:.2f} | {self.calls[label]} | "
                        f"{', '.join(sorted(self.where[label]))} |")
        rows.append(f"| **the build** | {cpu:.2f} | 100 | {wall:.2f} | | |")
        if self.missing:
            rows.append(f"\nnot timed (not in the engine any more): {', '.join(self.missing)}")
        return "\n".join(rows)


def run_stages(argv: list[str]) -> int:
    """The build with its stages timed (see `Stages`); imports are timed first, apart."""
    started = time.perf_counter()
    import guidesite.cli
    import guidesite.pipeline  # noqa: F401  (imported by the build when there is work)
    imported = time.perf_counter() - started
    stages = Stages()
    for stage in STAGES:
        stages.wrap(*stage)
    started = time.perf_counter()
    status = guidesite.cli.main(argv)
    total = time.perf_counter() - started  # with the command line's parsing and report
    heavy = sorted({name.split(".")[0] for name in sys.modules} &
                   {"weasyprint", "docx", "odf", "pydyf", "fontTools"})
    print(f"\nimporting the engine: {imported:.2f} s (before the table); the build: "
          f"{total:.2f} s; document libraries imported: {', '.join(heavy) or 'none'}\n")
    print(stages.table())
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--serial", action="store_true", help="one process: fork nothing")
    parser.add_argument("--keep-downloads", action="store_true")
    parser.add_argument("--edit", action="store_true", help="profile a rebuild after an edit")
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--stages", action="store_true", help="time the stages, no profiler")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="guidesite-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "content").is_dir():
        make_corpus(work, args.size)
    argv = ["build", "--content", str(work / "content"), "--templates",
            str(ROOT / "templates"), "--out", str(work / "site"), "--no-search"]
    if args.edit:
        subprocess.run([sys.executable, str(ROOT / "build.py"), *argv], cwd=work, check=True,
                       stdout=subprocess.DEVNULL)
        article = work / "content/en/articles/article-1.md"
        article.write_text(article.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    elif args.keep_downloads:
        if not (work / ".cache").is_dir():
            subprocess.run([sys.executable, str(ROOT / "build.py"), *argv], cwd=work,
                           check=True, stdout=subprocess.DEVNULL)
        for inputs in (work / ".cache/guidesite").glob("last-build.json"):  # not "up to date"
            inputs.unlink()
    else:
        shutil.rmtree(work / ".cache", ignore_errors=True)
    trash = work / "trash"
    if not args.edit:  # moved aside, deleted after: see `bench.set_aside`
        for name in ("site", ".site.spare"):
            if (work / name).exists():
                trash.mkdir(exist_ok=True)
                (work / name).rename(trash / f"{name}-{time.time_ns()}")
    os.chdir(work)
    if args.serial:
        os.cpu_count = lambda: 1
    started = time.perf_counter()
    if args.stages:
        status = run_stages(argv)
    elif args.pyinstrument:
        from pyinstrument import Profiler

        with Profiler(interval=0.001) as profiler:
            from guidesite.cli import main as cli
            status = cli(argv)
        (work / "cold.html").write_text(profiler.output_html(), "utf-8")
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    else:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        from guidesite.cli import main as cli
        status = cli(argv)
        profile.disable()
        profile.dump_stats(work / "cold.prof")
        stats = pstats.Stats(profile).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    shutil.rmtree(trash, ignore_errors=True)
    print(f"build exit status {status}, {time.perf_counter() - started:.2f} s under the "
          f"profiler; work folder {work}")


if __name__ == "__main__":
    main()
