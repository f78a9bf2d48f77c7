"""Published URLs never disappear: `content/urls.lock` lists every public URL and anchor.

A build fails when a locked URL is no longer produced by any page, download or alias, and
warns when a locked anchor vanished from its page. `build.py --update-lock` records the
current set, so intended changes are one reviewed diff of the lock file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, SourceRef, error, warning

LOCK_NAME = "urls.lock"
HEADER = ("# Every public URL and anchor of the site. A build fails when one would vanish\n"
          "# without an alias. Update with: python build.py --update-lock\n")


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


def check_lock(lock: Lock, urls: dict[str, str], anchors: set[str]) -> list[Diagnostic]:
    """Errors for vanished URLs, warnings for vanished anchors, a note for unrecorded ones.

    `urls` maps each public URL to where it leads (itself, or an alias's target), so an anchor
    published on an old address is looked for on the page the alias redirects to.
    """
    problems: list[Diagnostic] = []
    for entry, line in lock.entries.items():
        where = SourceRef(lock.path, line)
        page, hash_, anchor = entry.partition("#")
        if page not in urls:
            problems.append(error(
                "vanished-url", f"published URL {page} would disappear", where,
                f"add 'aliases: [{page}]' to the item that replaces it, so old links redirect; "
                "if it must go, run 'python build.py --update-lock'"))
        elif hash_ and f"{urls[page]}#{anchor}" not in anchors:
            problems.append(warning(
                "vanished-anchor", f"published anchor #{anchor} is no longer on {page}", where,
                "keep the heading text or give it an explicit id ('## Title {#" + anchor + "}'); "
                "run 'python build.py --update-lock' if the change is intended"))
    new = (set(urls) | anchors) - set(lock.entries)
    if new:
        example = sorted(new)[0]
        problems.append(warning(
            "unlocked-url", f"{len(new)} public URL(s) or anchor(s) are not in the lock, "
            f"e.g. {example}", SourceRef(lock.path),
            "run 'python build.py --update-lock' and commit the file"))
    return problems


def read_lock(content: Path) -> Lock | None:
    """The content tree's lock, or None when the site does not keep one."""
    from .discover import display_path

    path = content / LOCK_NAME
    try:
        return parse_lock(path.read_text("utf-8"), display_path(path))
    except FileNotFoundError:
        return None
