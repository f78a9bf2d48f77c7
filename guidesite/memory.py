"""Give freed heap memory back to the system between the phases of a big build.

glibc keeps the pages Python freed for reuse, so a process that made many documents or pages
stays as big as its peak; `malloc_trim` returns them (Linux; elsewhere this does nothing).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc


def trim(collect: bool = True) -> None:
    """Free what is unreachable (unless `collect` is false: a full collection costs time in a
    big heap) and hand free heap pages back."""
    if collect:
        gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
