"""Wake the dev server as soon as a file under its folders changes.

On Linux the kernel says so (inotify, through libc), so a save is noticed within milliseconds
and nothing is polled while the author reads. Elsewhere, or when inotify is unavailable, the
folders are looked at every `POLL_SECONDS`. Either way the caller then compares snapshots of
the folders, which stay the truth: a wake-up says when to look, and, when the kernel named the
files, where (a whole snapshot of a big site takes longer than rebuilding one page).
"""

from __future__ import annotations

import ctypes
import os
import select
import struct
import time
from pathlib import Path

from .files import is_hidden

POLL_SECONDS = 0.1
"""How often the folders are looked at without inotify."""
SAFETY_SECONDS = 1.0
"""With inotify, the folders are still looked at this often, in case an event was missed."""
SETTLE_SECONDS = 0.01
"""A save is often several events (close, rename): wait until they pause this long."""

_IN_NONBLOCK_CLOEXEC = os.O_NONBLOCK | os.O_CLOEXEC
_IN_CREATE, _IN_ISDIR = 0x100, 0x40000000
_IN_SELF, _IN_Q_OVERFLOW = 0x400 | 0x800, 0x4000
_IN_EVENTS = 0x4 | 0x8 | 0x40 | 0x80 | _IN_CREATE | 0x200 | _IN_SELF
"""Attrib, close-write, moved from/to, create, delete, delete-self, move-self; not modify: a
file being written is looked at once it is closed, never half-written."""
_EVENT = struct.Struct("iIII")
"""struct inotify_event: watch, mask, cookie, length of the name that follows."""


class Wakeup:
    """Blocks until something under `folders` may have changed (see the module's docstring)."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        self.fd = _inotify()
        self.watched: dict[int, str] = {}
        """Watch -> the folder it watches."""
        self._watch_all()

    def wait(self) -> set[str] | None:
        """Return when a change was signalled, or after the poll (or safety) interval: the
        files the kernel named, or None when everything is to be looked at (no inotify, the
        safety interval, a folder came or went, events were lost)."""
        if self.fd is None:
            time.sleep(POLL_SECONDS)
            return None
        deadline = time.monotonic() + SAFETY_SECONDS
        named: set[str] = set()
        everything = False

        def take() -> bool:
            """Read the waiting events; whether one is a change to look at."""
            nonlocal everything
            finished = False
            for mask, path in self._events():
                if path is None or mask & (_IN_ISDIR | _IN_SELF | _IN_Q_OVERFLOW):
                    everything = True
                else:
                    named.add(path)
                finished |= _finished(mask)
            return finished

        while not take():
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
        while select.select([self.fd], [], [], SETTLE_SECONDS)[0]:
            take()
        if everything:
            self._watch_all()  # new folders need watches of their own
            return None
        return named

    def _events(self) -> list[tuple[int, str | None]]:
        """The events waiting to be read: (mask, the file named, None for the folder)."""
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return []
        events: list[tuple[int, str | None]] = []
        offset = 0
        while offset + _EVENT.size <= len(data):
            watch, mask, _, length = _EVENT.unpack_from(data, offset)
            name = data[offset + _EVENT.size: offset + _EVENT.size + length].rstrip(b"\0")
            folder = self.watched.get(watch)
            events.append((mask, os.path.join(folder, os.fsdecode(name))
                           if name and folder is not None else None))
            offset += _EVENT.size + length
        return events

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def _watch_all(self) -> None:
        """Watch every folder; when the system refuses one (its limit of watches), poll."""
        if self.fd is None:
            return
        for folder in self.folders:
            for here, dirs, _ in os.walk(folder):
                dirs[:] = [name for name in dirs if not is_hidden(name)]
                watch = _LIBC.inotify_add_watch(self.fd, os.fsencode(here), _IN_EVENTS)
                if watch < 0:
                    self.close()
                    return
                self.watched[watch] = here


def _finished(mask: int) -> bool:
    """A change to look at: anything but a new file, which is looked at once written."""
    return not mask & _IN_CREATE or bool(mask & _IN_ISDIR)


def _inotify() -> int | None:
    if _LIBC is None:
        return None
    fd = _LIBC.inotify_init1(_IN_NONBLOCK_CLOEXEC)
    return fd if fd >= 0 else None


def _load_libc():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _load_libc()
