"""Published URLs never disappear: `content/urls.lock` lists every public URL and anchor.

A build fails when a locked URL is no longer produced by any page, download or alias, and
warns when a locked anchor vanished from its page. `build.py --update-lock` records the
current set, so intended changes are one reviewed diff of the lock file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, SourceRef, error, note, warning

LOCK_NAME = "urls.lock"
UPDATE_LOCK = "python3 build.py --update-lock"
"""The command as the README spells it, for hints."""
HEADER = ("# Every public URL and anchor of the site. A build fails when one would vanish\n"
          f"# without an alias. Update with: {UPDATE_LOCK}\n")


@dataclass(frozen=True)
class Lock:
    """The lock file as read: each entry with its line."""

    path: str
    entries: dict[str, int]


def parse_lock(text: str, path: str) -> Lock:
    entries = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            entries.setdefault(line, number)
    return Lock(path, entries)


def lock_text(entries: set[str]) -> str:
    return HEADER + "".join(f"{entry}\n" for entry in sorted(entries))


def check_lock(lock: Lock, urls: dict[str, str], anchors: set[str],
               unloaded: dict[str, str] | None = None) -> list[Diagnostic]:
    """Errors for vanished URLs (one per page, naming its anchors), warnings for vanished
    anchors, a note for unrecorded ones.

    `urls` maps each public URL to where it leads (itself, or an alias's target), so an anchor
    published on an old address is looked for on the page the alias redirects to. `unloaded`
    maps the URL of each item that failed to load to its file: its locked URLs are not
    reported as vanished (that file's own error is the one to fix), one note says so.
    """
    problems: list[Diagnostic] = []
    vanished: dict[str, list[tuple[int, str]]] = {}
    skipped: dict[str, int] = {}
    for entry, line in lock.entries.items():
        where = SourceRef(lock.path, line)
        page, hash_, anchor = entry.partition("#")
        if page not in urls:
            source = (unloaded or {}).get(page)
            if source is not None:
                skipped[source] = skipped.get(source, 0) + 1
            else:
                vanished.setdefault(page, []).append((line, anchor))
        elif hash_ and f"{urls[page]}#{anchor}" not in anchors:
            problems.append(warning(
                "vanished-anchor", f"published anchor #{anchor} is no longer on {page}", where,
                "keep the heading text or give it an explicit id ('## Title {#" + anchor + "}'); "
                f"run '{UPDATE_LOCK}' if the change is intended"))
    for page, entries in vanished.items():
        named = [f"{page}#{anchor}" for _, anchor in entries if anchor]
        whole = any(not anchor for _, anchor in entries)
        what = f"published URL {page} would disappear" if whole else \
            f"published anchor {named[0]} would disappear"
        if named and whole:
            what += f", with its anchor{'s' * (len(named) > 1)} " + \
                ", ".join("#" + entry.partition("#")[2] for entry in named)
        elif len(named) > 1:
            what = f"published anchors {', '.join(named)} would disappear"
        problems.append(error(
            "vanished-url", what, SourceRef(lock.path, min(line for line, _ in entries)),
            f"add 'aliases: [{page}]' to the item that replaces it, so old links redirect; "
            f"if it must go, run '{UPDATE_LOCK}'"))
    for source, count in skipped.items():
        problems.append(note(
            "unchecked-url", f"{count} locked URL(s) and anchor(s) of {source} were not checked: "
            "the file failed to load", SourceRef(lock.path),
            f"fix the error in {source} first; its addresses are checked again then"))
    new = (set(urls) | anchors) - set(lock.entries)
    if new:
        example = sorted(new)[0]
        problems.append(warning(
            "unlocked-url", f"{len(new)} public URL(s) or anchor(s) are not in the lock, "
            f"e.g. {example}", SourceRef(lock.path),
            f"run '{UPDATE_LOCK}' and commit the file"))
    return problems


def read_lock(content: Path) -> Lock | None:
    """The content tree's lock, or None when the site does not keep one."""
    from .discover import display_path

    path = content / LOCK_NAME
    try:
        return parse_lock(path.read_text("utf-8"), display_path(path))
    except FileNotFoundError:
        return None
