"""Work shared out to forked processes, which inherit the build's data instead of receiving it.

Only the results travel back, pickled through an unnamed temporary file: a child writes its
result and exits at once, so its memory is given back before the parent reads the result
(through a pipe it would stay alive until the parent came to read it). Forking is for the
command-line build alone: the dev server runs threads, and a fork copies none of them but all
their locks.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import tempfile
import traceback
from collections.abc import Callable
from typing import Any

from .cache import flush_all

PARALLEL_FROM = 400
"""Below this many files to load or pages to render, worker processes cost more than they save."""


def can_fork() -> bool:
    """Whether sharing out pays here: two cores or more, and `fork` exists."""
    return (os.cpu_count() or 1) >= 2 and hasattr(os, "fork")


def forked_map(work: Callable[[int], Any], count: int, here: bool = True,
               meanwhile: Callable[[], Any] | None = None) -> list:
    """`[work(0), ..., work(count - 1)]`, each share in a forked child, except `work(0)`, which
    runs in this process when `here` (after `meanwhile()`, run while the children work).

    Until all are done the collector leaves the objects that exist at the fork alone: looking
    at them writes to them, which would give every process its own copy of their memory.
    """
    children: list[tuple[int, Any]] = []
    gc.freeze()
    try:
        for number in range(1 if here else 0, count):
            result = tempfile.TemporaryFile()
            pid = os.fork()
            if pid == 0:
                _child(work, number, result)  # never returns
            children.append((pid, result))
        if meanwhile is not None:
            meanwhile()
        results = [work(0)] if here else []
        while children:
            pid, result = children.pop(0)
            _, status = os.waitpid(pid, 0)
            with result:
                result.seek(0)
                data = result.read()
            if not data:
                raise RuntimeError(f"a build worker ended without a result ({status=})")
            ok, value = pickle.loads(data)
            if not ok:
                raise RuntimeError(f"a build worker failed:\n{value}")
            results.append(value)
        return results
    finally:
        gc.unfreeze()
        for pid, result in children:  # this process failed: its workers go too
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            result.close()


def _child(work: Callable[[int], Any], number: int, result) -> None:
    """Run one share in the forked child, write its result and leave without any clean-up
    (the parent's exit handlers and open buffers are the parent's)."""
    status = 1
    try:
        die_with_parent()
        try:
            value = work(number)
            flush_all()  # what the share kept in the cache, before the process vanishes
            data = pickle.dumps((True, value), pickle.HIGHEST_PROTOCOL)
        except BaseException:
            data = pickle.dumps((False, traceback.format_exc()))
        result.write(data)
        result.flush()
        status = 0
    finally:
        os._exit(status)


def die_with_parent() -> None:
    """Linux: stop this process (Pagefind, a worker) if the build is killed, so it never
    writes into a later build's folder."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
