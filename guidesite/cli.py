"""The command line: parse arguments, run a command, print diagnostics, set the exit status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .pipeline import Options, Result, build

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("build", "check", "serve")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(_with_default_command(sys.argv[1:] if argv is None else argv))
    options = Options(args.content, args.templates, args.out,
                      update_lock=getattr(args, "update_lock", False))
    if args.command == "check":
        return _check(options)
    if args.command == "serve":
        from .serve import serve  # livereload is only imported when serving

        return serve(options, args.host, args.port)
    return _build(options)


def _build(options: Options) -> int:
    result = build(options)
    report(result)
    if not result.ok:
        print(f"Build failed: {_counts(result)}; {options.out}/ was left as it was.",
              file=sys.stderr)
        return EXIT_CONTENT
    print(f"Built {summary(result)} in {result.seconds:.2f} s into {options.out}/"
          f" ({_counts(result)})")
    return EXIT_OK


def _check(options: Options) -> int:
    from dataclasses import replace

    result = build(replace(options, write=False))
    report(result)
    if result.external:
        print(f"External links ({len(result.external)}, not fetched):")
        for link in result.external:
            print(f"  {link.where}: {link.url}")
    status = "no problems" if result.ok and not result.diagnostics else _counts(result)
    print(f"Checked {summary(result)} in {result.seconds:.2f} s: {status}")
    return EXIT_OK if result.ok else EXIT_CONTENT


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
    warnings = len(result.diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _with_default_command(argv: list[str]) -> list[str]:
    """`build.py --out x` means `build.py build --out x`."""
    if any(arg in COMMANDS for arg in argv) or argv in (["-h"], ["--help"]):
        return argv
    return ["build", *argv]


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", type=Path, default=Path("content"),
                        help="content folder (default: content/)")
    common.add_argument("--templates", type=Path, default=Path("templates"),
                        help="templates folder (default: templates/)")
    common.add_argument("--out", type=Path, default=Path("site"),
                        help="output folder (default: site/)")
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the guidance site from content/ into site/.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser("build", parents=[common], help="build the site (the default)")
    build.add_argument("--update-lock", action="store_true",
                       help="record the current URLs and anchors in content/urls.lock")
    commands.add_parser("check", parents=[common],
                        help="validate content and links without writing the site")
    serve = commands.add_parser("serve", parents=[common],
                                help="build, serve on loopback and rebuild on changes")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    return parser
