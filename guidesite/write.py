"""Write the output folder: all into a fresh folder beside it, then swap it in.

A build that fails, or is killed at any moment, never leaves a half-written site: the old
folder stays in place until the new one is complete, and the two are exchanged in one atomic
step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, which the next build repairs
if a kill falls between them). A lock file beside the output keeps two builds from writing
the same folder at once.

The site a build replaces is kept beside the output as the next build's folder (`SPARE`): a
rebuild then rewrites its files in place and removes the few it no longer has, instead of
creating and deleting thousands of files (after mass deletion, creating files is slow on ext4).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path

from .diagnostics import Diagnostic, SourceRef, error
from .files import walk, write_atomic
from .plan import SEARCH_INDEX

STAGING = ".{name}.tmp-{pid}"
RETIRED = ".{name}.old-{pid}"
SPARE = ".{name}.spare"
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


class Staging:
    """A new site being written beside `out`: files go in as they are made, then it is swapped in.

    Entering takes the output's lock, repairs what an interrupted build left and starts from
    the spare folder when there is one; leaving (swapped in or not) keeps the folder that is
    not the site as the next spare.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.absolute()
        self.folder = self.out.parent / STAGING.format(name=self.out.name, pid=os.getpid())
        self.spare = self.out.parent / SPARE.format(name=self.out.name)
        self._lock = output_lock(self.out)
        self._made: set[str] = set()
        self._reused = False
        self.written = 0

    def __enter__(self) -> Staging:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._lock.__enter__()
        try:
            clean_leftovers(self.out)
            if self.spare.is_dir() and not self.spare.is_symlink():
                self.spare.rename(self.folder)
                self._reused = True
            else:
                self.folder.mkdir()
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self.spare.exists():
                shutil.rmtree(self.folder, ignore_errors=True)
            else:
                self.folder.rename(self.spare)
        except OSError:
            shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            self._lock.__exit__(*exc_info)

    def put(self, rel: str, data: bytes) -> None:
        target = os.path.join(self.folder, rel)  # strings and os calls: this runs per page
        parent = os.path.dirname(target)
        if parent not in self._made:
            try:
                os.mkdir(parent)  # the usual case: a new page's folder
            except OSError:
                try:
                    os.makedirs(parent, exist_ok=True)
                except (FileExistsError, NotADirectoryError):  # a file of the reused folder
                    _clear_way(self.folder, os.path.relpath(parent, self.folder))
                    os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        elif self._reused and _holds(target, data):
            return  # the spare folder has it already: no write, no new disk blocks
        self.written += 1
        try:
            file = os.open(target, _WRITE, 0o666)  # an existing file is rewritten in place
        except IsADirectoryError:  # a folder of the reused folder
            shutil.rmtree(target)
            file = os.open(target, _WRITE, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(file, view):]
        finally:
            os.close(file)

    def copy(self, rel: str, source: Path) -> None:
        self.put(rel, source.read_bytes())

    def swap_in(self, files: Collection[str],
                finish: Callable[[Path], list[Diagnostic]] | None = None) -> list[Diagnostic]:
        """Run `finish` on the complete folder (the search index), then make it the site.

        `files` are the site's files (whichever process wrote them): what else a reused folder
        holds is removed first.

        The folder and the old site are exchanged atomically where the system can; a kill
        between the fallback's two renames is repaired by the next build.
        """
        if self._reused:
            _prune(self.folder, files)
        if finish is not None:
            problems = finish(self.folder)
            if any(p.severity == "error" for p in problems):
                return problems
        out = self.out
        if out.exists() and _exchange(self.folder, out):
            return []  # the staging folder now holds the previous site; __exit__ removes it
        retired = out.parent / RETIRED.format(name=out.name, pid=os.getpid())
        if out.exists():
            out.rename(retired)
        self.folder.rename(out)
        if retired.exists():
            retired.rename(self.folder)  # to be kept as the next spare
        return []


def _prune(folder: Path, files: Collection[str]) -> None:
    """Remove what the reused folder has besides `files`, empty folders too."""
    keep = set(files)
    for here, dirs, names in os.walk(folder, topdown=False):
        rel = os.path.relpath(here, folder)
        for name in names:
            path = name if rel == "." else os.path.join(rel, name)
            if path not in keep:
                os.unlink(os.path.join(here, name))
        for name in dirs:
            with contextlib.suppress(OSError):  # not empty: it holds this build's files
                os.rmdir(os.path.join(here, name))


def _clear_way(folder: Path, rel: str) -> None:
    """Remove the file of the reused folder that stands where `rel` needs a folder."""
    path = str(folder)
    for part in Path(rel).parts:
        path = os.path.join(path, part)
        if os.path.lexists(path) and not os.path.isdir(path):
            os.unlink(path)
            return


def locked_out(out: Path, exc: BuildLocked) -> Diagnostic:
    return error("build-locked", f"another build or the dev server (process {exc.owner}) "
                 f"is using {out.name}/", SourceRef(str(out)),
                 "wait for it to finish, or stop it (Ctrl+C where it runs), or pass another "
                 "--out; the site was left as it was")


def write_failed(out: Path, exc: OSError, kept: bool = True) -> Diagnostic:
    """The site could not be written; `kept`: the previous site is untouched (a new folder
    was being written, not the site itself)."""
    where = f" ({exc.filename})" if exc.filename else ""
    return error("write-failed", f"cannot write the site: {exc.strerror or exc}{where}",
                 SourceRef(str(out)), "check that the folder is writable and the disk is not "
                 "full" + ("; the previous site was left as it was" if kept else ""))


class BuildLocked(Exception):
    def __init__(self, owner: str) -> None:
        super().__init__(owner)
        self.owner = owner


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold `.<out>.lock` beside the output; the kernel frees it if the process dies."""
    path = out.parent / f".{out.name}.lock"
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise BuildLocked(handle.read().strip() or "?") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically where the system can; False when it cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                 rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM):
        return False  # this file system cannot exchange: fall back to two renames
    raise OSError(code, os.strerror(code), str(second))


class InPlace:
    """The dev server's output folder, brought up to date file by file as files are made: a
    file is written (to a temporary name, renamed over the old one, so a reader never sees
    half of it) only when its bytes changed; `swap_in` then removes what the site no longer
    has. The same interface as `Staging`, without the swap: the dev server holds the
    output's lock while it serves.

    `held` is what the folder holds, as the last build left it (None: unknown, so files are
    compared with the disk); `held` is brought up to date as files are written.
    """

    def __init__(self, out: Path, held: Mapping[str, bytes] | None) -> None:
        self.folder = out.absolute()
        self.known = held is not None
        self.held: dict[str, bytes] = dict(held or {})
        self.written = 0

    def __enter__(self) -> InPlace:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc_info) -> None:
        pass

    def put(self, rel: str, data: bytes) -> None:
        kept = self.held.get(rel)
        if kept is data or kept == data or (not self.known and kept is None and _holds(
                os.path.join(self.folder, rel), data)):
            self.held[rel] = data
            return
        write_atomic(self.folder / rel, data)
        self.held[rel] = data
        self.written += 1

    def copy(self, rel: str, source: Path) -> None:
        """A static file: written when its size or time says it changed."""
        target = self.folder / rel
        stat = source.stat()
        with contextlib.suppress(OSError):
            now = target.stat()
            if now.st_mtime_ns >= stat.st_mtime_ns and now.st_size == stat.st_size:
                return
        write_atomic(target, source.read_bytes())
        self.written += 1

    def swap_in(self, files: Collection[str],
                finish: Callable[[Path], list[Diagnostic]] | None = None) -> list[Diagnostic]:
        """Remove what the folder holds besides `files` (and the search index), then `finish`."""
        keep = set(files)
        if self.known:
            stale = [rel for rel in self.held if rel not in keep]
        else:
            stale = [rel for rel, entry in walk(self.folder) if entry.is_file()
                     and rel not in keep and not rel.startswith(SEARCH_INDEX + "/")]
        for rel in stale:
            (self.folder / rel).unlink(missing_ok=True)
            self.held.pop(rel, None)
            for parent in Path(rel).parents[:-1]:  # folders left empty go too
                try:
                    (self.folder / parent).rmdir()
                except OSError:
                    break
        self.known = True
        return finish(self.folder) if finish is not None else []


def write_lock(path: Path, text: str) -> list[Diagnostic]:
    """Write the URL lock file atomically (it is committed, so never leave half of it)."""
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        return [error("write-failed", f"cannot write {path}: {exc.strerror}", SourceRef(str(path)),
                      "check that the content folder is writable")]
    return []


def leftovers(out: Path) -> list[Path]:
    """Folders an interrupted build left beside `out`: staging and retired sites."""
    return [*out.parent.glob(STAGING.format(name=out.name, pid="*")),
            *out.parent.glob(RETIRED.format(name=out.name, pid="*"))]


def clean_leftovers(out: Path) -> None:
    """Repair and tidy what an interrupted build left beside `out` (call under the lock).

    A kill between the two renames of the fallback swap leaves no `out` but a complete
    retired folder: that one is put back. Staging folders are half-written and removed.
    """
    retired = sorted(out.parent.glob(RETIRED.format(name=out.name, pid="*")),
                     key=lambda p: p.stat().st_mtime)
    if not out.exists() and retired:
        retired.pop().rename(out)
    for leftover in [*retired, *out.parent.glob(STAGING.format(name=out.name, pid="*"))]:
        shutil.rmtree(leftover, ignore_errors=True)


def _holds(path: str, data: bytes) -> bool:
    """Whether the file at `path` has exactly `data` (reading it is cheaper than writing)."""
    try:
        file = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return os.read(file, len(data) + 1) == data
    except OSError:
        return False
    finally:
        os.close(file)
