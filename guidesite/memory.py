"""Memory between the phases of a big build, and between the dev server's builds.

glibc keeps the pages Python freed for reuse, so a process that made many documents or pages
stays as big as its peak; `malloc_trim` returns them (Linux; elsewhere this does nothing).

The dev server holds the last build's state, hundreds of thousands of objects on a big site.
Python's cycle collector walks every young container's references each time it runs, and a
rebuild makes many big young containers (the plan's routes, the memo's tables): on a site of
2 x 5,000 items its collections took 20-30 ms of a 130 ms rebuild, and a full one 0.3-0.4 s.
So a rebuild runs with the collector paused (reference counting still frees nearly
everything), and afterwards what survives is collected once and set aside (`gc.freeze`),
where no later collection walks it; the old states' cycles set aside with it are collected
when edits pause (`settle(everything=True)`).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc


@contextlib.contextmanager
def collector_paused():
    """Run the block without the cycle collector (see above)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle(everything: bool = False) -> None:
    """Collect the cycles made since the last settle and set what survives aside; with
    `everything`, also those set aside before (a full collection: 0.3 s at 2 x 5,000)."""
    if everything:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def trim() -> None:
    """Free what is unreachable and hand the free heap pages back."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
