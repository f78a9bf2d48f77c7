"""Work shared out to forked processes, which inherit the build's data instead of receiving it.

Only the results travel back (pickled). Forking is for the command-line build alone: the dev
server runs threads, and a fork copies none of them but all their locks.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from typing import Any

_WORK: list[Callable[[int], Any]] = []


def can_fork() -> bool:
    """Whether sharing out pays here: two cores or more, and `fork` exists."""
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def forked_map(work: Callable[[int], Any], count: int, here: bool = True,
               meanwhile: Callable[[], Any] | None = None) -> list:
    """`[work(0), ..., work(count - 1)]`, each share in a forked child, except `work(0)`, which
    runs in this process when `here` (after `meanwhile()`, run while the children start)."""
    _WORK.append(work)
    try:
        first = 1 if here else 0
        with multiprocessing.get_context("fork").Pool(count - first, die_with_parent) as pool:
            pending = pool.map_async(_run, range(first, count))
            if meanwhile is not None:
                meanwhile()
            mine = [work(0)] if here else []
            return mine + pending.get()
    finally:
        _WORK.pop()


def _run(number: int) -> Any:
    return _WORK[-1](number)


def die_with_parent() -> None:
    """Linux: stop this process (Pagefind, a worker) if the build is killed, so it never
    writes into a later build's folder."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
