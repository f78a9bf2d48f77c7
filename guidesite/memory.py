"""Give freed heap memory back to the system between the phases of a big build.

glibc keeps the pages Python freed for reuse, so a process that made many documents or pages
stays as big as its peak; `malloc_trim` returns them (Linux; elsewhere this does nothing).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc


def trim() -> None:
    """Free what is unreachable and hand the free heap pages back."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
