"""Find the content files and say what each one is, from its place in the tree alone."""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .files import walk

FOLDERS = {"articles": ".md", "letters": ".md", "pages": ".md", "tips": ".yaml",
           "lessons": ".md"}
"""Content folder inside a language folder -> the file extension it holds."""
ROOT_FILES = {"site.yaml", "urls.lock"}
LANGUAGE_FILES = {"strings.yaml": "strings", "home.yaml": "home"}
"""Files directly in a language folder -> what they are."""


@dataclass(frozen=True)
class SourceFile:
    """A content file and what it is by its place."""

    path: Path
    display: str
    """Path as printed in messages: relative to the working directory when inside it."""
    lang: str = ""
    folder: str = ""
    """'articles', 'letters', 'pages', 'tips', 'lessons', 'strings', 'home' or 'site'."""


@dataclass(frozen=True)
class ContentTree:
    root: Path
    site_yaml: SourceFile
    files: tuple[SourceFile, ...] = ()
    """Language files, sorted by path."""
    stray: tuple[SourceFile, ...] = field(default=())
    """Files that are not part of any known content type (reported, never silently dropped)."""
    outside: tuple[SourceFile, ...] = field(default=())
    """Symbolic links that lead out of the content folder: never read, always an error."""

    @cached_property
    def names(self) -> dict[str, SourceFile]:
        """Every regular file found, by its path as a string (as the dev server's watcher
        names changed files)."""
        return {str(source.path): source for source in (self.site_yaml, *self.files,
                                                        *self.stray)}


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def discover(root: Path, previous: ContentTree | None = None,
             changed: Collection[str] | None = None) -> ContentTree:
    """List every content file under `root`, sorted, classified by folder.

    `previous` is the tree of the last build and `changed` the files saved since (the dev
    server's watcher): when they are all files it already had, the tree is the same.
    """
    if previous is not None and changed is not None and previous.root == root and \
            _same_files(previous, changed):
        return previous
    files: list[SourceFile] = []
    stray: list[SourceFile] = []
    outside: list[SourceFile] = []
    real_root = root.resolve()
    shown_root = display_path(root)

    def shown(path: Path) -> str:  # one resolve for the root, not one per file
        return str(Path(shown_root) / path.relative_to(root))

    for rel, entry in walk(root, hidden=False):
        path = root / rel
        if entry.is_symlink() and not _inside(path, real_root):
            outside.append(SourceFile(path, shown(path)))
            continue
        if entry.is_dir():
            continue  # a folder linked to from inside: not entered
        source = SourceFile(path, shown(path))
        parts = Path(rel).parts
        kind = _classify(parts[:-1], parts[-1])
        if kind is None:
            stray.append(source)
        elif kind[1] != "site" and kind[1] != "lock":
            files.append(SourceFile(path, source.display, *kind))
    site = root / "site.yaml"
    if site.is_symlink() and not _inside(site, real_root):
        outside.append(SourceFile(site, shown(site)))
    return ContentTree(root, SourceFile(site, shown(site), "", "site"),
                       tuple(files), tuple(stray), tuple(outside))


def _same_files(tree: ContentTree, changed: Collection[str]) -> bool:
    """Whether the changed paths inside the tree's folder are files it has and still are."""
    inside = str(tree.root) + os.sep
    return all(not path.startswith(inside) or (path in tree.names and os.path.isfile(path)
                                               and not os.path.islink(path))
               for path in changed)


def _inside(path: Path, real_root: Path) -> bool:
    target = path.resolve()
    return target == real_root or real_root in target.parents


def _classify(parts: tuple[str, ...], name: str) -> tuple[str, str] | None:
    if not parts:
        return ("", "site" if name == "site.yaml" else "lock") if name in ROOT_FILES else None
    lang = parts[0]
    if len(parts) == 1:
        return (lang, LANGUAGE_FILES[name]) if name in LANGUAGE_FILES else None
    if len(parts) == 2 and parts[1] in FOLDERS and name.endswith(FOLDERS[parts[1]]):
        return lang, parts[1]
    return None
