"""The command line: parse arguments, run a command, print diagnostics, set the exit status."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from .options import Options, Result
from .uptodate import build

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("build", "check", "serve", "new", "translations")


def main(argv: list[str] | None = None) -> int:
    """Run a command; Ctrl+C or a polite kill stops it cleanly, leaving the site as it was."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("Interrupted: the previous site was left as it was.", file=sys.stderr)
        return 128 + signal.SIGINT


def _run(argv: list[str] | None) -> int:
    args = _parser().parse_args(_with_default_command(sys.argv[1:] if argv is None else argv))
    if args.command == "new":
        return _new(args)
    if args.command == "translations":
        return _translations(args.content, args.mark)
    options = Options(args.content, args.templates, getattr(args, "out", Path("site")),
                      update_lock=getattr(args, "update_lock", False),
                      search=not getattr(args, "no_search", False),
                      cache=None if getattr(args, "no_cache", False) else Path(".cache/guidesite"),
                      progress=_progress() if sys.stdout.isatty() and sys.stderr.isatty()
                      else None, base_url=getattr(args, "base_url", None) or "",
                      offline=getattr(args, "offline", False))
    if args.command == "check":
        return _check(options)
    if args.command == "serve":
        from .serve import serve  # livereload is only imported when serving

        return serve(options, args.host, args.port, args.verbose)
    return _build(options)


PROGRESS_AFTER_SECONDS = 1.0
"""A build that ends sooner shows no progress line: it would only flicker."""


def _progress():
    """Progress for a terminal: one self-overwriting line, once the build has taken a while."""
    import time

    started = time.monotonic()

    def show(done: int, total: int) -> None:
        if time.monotonic() - started < PROGRESS_AFTER_SECONDS:
            return
        end = "\r\033[K" if done >= total - 24 else "\r"
        sys.stderr.write(f"\rRendering pages: {done}/{total}{end}")
        sys.stderr.flush()

    return show


def _build(options: Options) -> int:
    result = build(options)
    if options.update_lock and not result.ok:
        from dataclasses import replace

        from .pipeline import lock_unchanged

        result = replace(result, diagnostics=[*result.diagnostics,
                                              lock_unchanged(options.content)])
    if options.progress is not None:
        sys.stderr.write("\r\033[K")
    report(result)
    if not result.ok:
        print(f"Build failed: {_counts(result)}; {options.out}/ was left as it was.",
              file=sys.stderr)
        return EXIT_CONTENT
    verb = "Up to date, nothing changed:" if result.unchanged else "Built"
    print(f"{verb} {summary(result)} in {result.seconds:.2f} s into {options.out}/"
          f" ({_counts(result)})")
    return EXIT_OK


def _check(options: Options) -> int:
    """Check the site as `build` makes it, then its drafts too (their own problems)."""
    from dataclasses import replace

    from .pipeline import build

    options = replace(options, write=False)
    result, state = build(options)
    drafts = state.drafts
    if drafts:
        with_drafts, _ = build(replace(options, drafts=True), state)
        seen = set(result.diagnostics)
        extra = [d for d in with_drafts.diagnostics if d not in seen and d.where.path in drafts]
        result = replace(result, diagnostics=sorted([*result.diagnostics, *extra],
                                                    key=lambda d: (d.where.path, d.where.line)))
    report(result)
    if result.external:
        print(f"External links ({len(result.external)}, not fetched):")
        for link in result.external:
            print(f"  {link.where}: {link.url}")
    if drafts:
        print(f"Drafts, checked too but not published ({len(drafts)}):")
        for path in drafts:
            print(f"  {path}")
    status = "no problems" if result.ok and not _counted(result) else _counts(result)
    print(f"Checked {summary(result)}{_and_drafts(drafts)} in {result.seconds:.2f} s: {status}")
    return EXIT_OK if result.ok else EXIT_CONTENT


def _and_drafts(drafts: list[str]) -> str:
    return f" and {len(drafts)} draft{'s' * (len(drafts) != 1)}" if drafts else ""


def _counted(result: Result) -> list:
    return [d for d in result.diagnostics if d.severity != "note"]


def _new(args: argparse.Namespace) -> int:
    from .authoring import scaffold
    from .load import load_config
    from .validate import today

    config = load_config(args.content)
    codes = [lang.code for lang in config.languages] if config else [args.lang]
    if args.lang not in codes:
        print(f"build.py new: unknown language '{args.lang}'; the site has: {', '.join(codes)}",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        path = scaffold(args.content, args.kind, args.lang, args.title, today())
    except FileExistsError as exc:
        print(f"{exc.filename}: already exists; choose another title or edit that file",
              file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"build.py new: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(path)
    return EXIT_OK


def _translations(content: Path, mark: Path | None) -> int:
    from .authoring import mark_text, source_fingerprint, translation_status
    from .diagnostics import has_errors
    from .discover import discover
    from .load import load

    site, problems = load(discover(content))
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if site is None:
        return EXIT_CONTENT
    if mark is not None:
        target = next((i for i in site.items if Path(i.source.path).resolve() ==
                       mark.resolve()), None)
        source = target and next((i for i in site.items if i.key == target.key and
                                  i.kind == target.kind and
                                  i.lang == site.config.default_language), None)
        if target is None or source is None or source is target:
            print(f"{mark}: not a translation of an item in '{site.config.default_language}'",
                  file=sys.stderr)
            return EXIT_CONTENT
        value = source_fingerprint(source)
        mark.write_text(mark_text(mark.read_text("utf-8"), value, mark.suffix == ".yaml"),
                        encoding="utf-8")
        print(f"{mark}: marked as translated from {source.source.path} ({value})")
        return EXIT_OK
    rows = translation_status(site)
    codes = [lang.code for lang in site.config.languages]
    width = max([len(r.key) for r in rows] + [3])
    print(f"{'kind':8} {'key':{width}}  " + "  ".join(f"{c:12}" for c in codes).rstrip())
    for row in rows:
        print(f"{row.kind:8} {row.key:{width}}  "
              + "  ".join(f"{row.states[c]:12}" for c in codes).rstrip())
    counts = {state: sum(s == state for r in rows for s in r.states.values())
              for state in ("missing", "outdated", "broken")}
    broken = f", {counts['broken']} broken (errors above)" if counts["broken"] else ""
    print(f"{len(rows)} items: {counts['missing']} missing, {counts['outdated']} outdated "
          f"translations{broken}")
    return EXIT_CONTENT if has_errors(problems) else EXIT_OK


def report(result: Result) -> None:
    """Print every diagnostic, sorted by file and line, compiler-style."""
    for diagnostic in result.diagnostics:
        print(diagnostic.format(), file=sys.stderr)


def summary(result: Result) -> str:
    per_language = ", ".join(f"{lang} {count}" for lang, count in
                             result.pages_per_language.items() if lang != "root")
    pages = sum(result.pages_per_language.values())
    text = f"{pages} pages ({per_language})" if per_language else f"{pages} pages"
    if result.letters:
        text += f", {result.letters} letters with {result.downloads} downloads"
    return text


def _counts(result: Result) -> str:
    errors = sum(d.severity == "error" for d in result.diagnostics)
    warnings = sum(d.severity == "warning" for d in result.diagnostics)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _with_default_command(argv: list[str]) -> list[str]:
    """`build.py --out x` means `build.py build --out x`."""
    if any(arg in COMMANDS for arg in argv) or any(
            arg in ("-h", "--help", "--version") for arg in argv):
        return argv
    return ["build", *argv]


def _base_url(text: str) -> str:
    """An absolute http(s) URL, ending in '/' (a usage error otherwise)."""
    import re

    if not re.match(r"^https?://[^/\s]+(/\S*)?$", text):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an absolute http(s) URL, e.g. https://example.org/guide/")
    return text.rstrip("/") + "/"


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    content = argparse.ArgumentParser(add_help=False)
    content.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                         help="content folder (default: content/)")
    templates = argparse.ArgumentParser(add_help=False)
    templates.add_argument("--templates", type=Path, default=Path("templates"), metavar="DIR",
                           help="templates folder (default: templates/)")
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--out", type=Path, default=Path("site"), metavar="DIR",
                     help="output folder (default: site/)")
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the guidance site from content/ into site/. "
        "Without a command: build. Exit status: 0 success, 1 content errors, 2 usage errors.",
        epilog="The content format: docs/authoring.md. Publishing: docs/publishing.md.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser(
        "build", parents=[content, templates, out], help="build the site (the default)",
        description="Build the site into a new folder and swap it in; a failed build leaves "
        "the previous site as it was.")
    build.add_argument("--update-lock", action="store_true",
                       help="record the current URLs and anchors in content/urls.lock "
                       "(only when the build succeeds)")
    build.add_argument("--no-search", action="store_true",
                       help="skip the search index (faster; the site has no search)")
    build.add_argument("--base-url", type=_base_url, metavar="URL",
                       help="the address the site is published at, instead of base_url in "
                       "site.yaml, e.g. https://example.github.io/guide/")
    build.add_argument("--no-cache", action="store_true",
                       help="build everything from scratch, ignoring .cache/guidesite/")
    build.add_argument("--offline", action="store_true",
                       help="also write OUT/offline.zip: the whole site, working when unzipped "
                       "and opened from the folder (file://)")
    commands.add_parser(
        "check", parents=[content, templates],
        help="validate content and links, drafts included, without writing anything",
        description="Validate the content, links and URL lock as a build would, then the "
        "drafts too; list external links (never fetched). Exit 0 only when there is no error.")
    serve = commands.add_parser(
        "serve", parents=[content, templates, out],
        help="build, serve on loopback and rebuild on every save",
        description="Build with drafts, serve the output folder, rebuild what an edit affects "
        "and reload the browser. While it runs, a `build` into the same folder refuses.")
    serve.add_argument("--port", type=int, default=8000,
                       help="port to listen on (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--verbose", action="store_true",
                       help="also show the web server's own log (requests, reloads)")
    new = commands.add_parser(
        "new", parents=[content], help="start a new content file (a commented draft)",
        description="Write a draft with today's date, the slug of the title and every field "
        "explained; print its path. Never overwrites a file (exit 2 when it exists).")
    new.add_argument("kind", choices=("article", "letter", "tip", "lesson"),
                     help="what to write: article, letter, tip (a tips topic) or lesson")
    new.add_argument("title", help="the title; the file name (and URL) is made from it")
    new.add_argument("--lang", required=True, help="language code, e.g. sv")
    translations = commands.add_parser(
        "translations", parents=[content],
        help="which items are missing or outdated per language",
        description="A table of every item per language: source, missing, present, up to "
        "date, outdated or broken (a file with errors: exit 1).")
    translations.add_argument("--mark", type=Path, metavar="PATH",
                              help="record in translation PATH the fingerprint of its source")
    return parser
