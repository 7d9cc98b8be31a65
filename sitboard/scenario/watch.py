"""Noticing that the scenario file changed, without reading it on every tick.

A board watches the file its briefer's analyst is editing. Editors save in two
ways: writing in place, or writing a temporary file and renaming it over the
original (a new inode). Both change the file's signature (inode, size,
modification time), which a cheap `stat` reads. So does `chmod`, through the
status-change time: a file made unreadable and readable again is read again,
rather than leaving the error bar of the failed read up until the next edit. A change is reported only once
the signature has held still for `settle` seconds, so a half-written file is
not loaded; a file that disappears is reported once, and again when it comes
back. Pure and clock-injected, so it is tested without sleeping.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import Enum
from pathlib import Path

Signature = tuple[int, int, int, int]  # inode, size, mtime and ctime in ns


class Change(Enum):
    CHANGED = "changed"  # settled on new contents: load it
    MISSING = "missing"  # the file is gone (keep the last picture)


def signature(path: Path) -> Signature | None:
    try:
        st = os.stat(path)
    except OSError:  # missing, or unreadable for now: both mean "nothing to load"
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class FileWatcher:
    def __init__(self, path: Path, settle: float = 0.3, stat: Callable[[Path], Signature | None] = signature) -> None:
        self.path = path
        self.settle = settle
        self.stat = stat
        self._loaded: Signature | None = self.stat(self.path)
        self._pending: Signature | None = self._loaded
        self._since = 0.0
        self._missing_reported = False

    def poll(self, now: float) -> Change | None:
        """What to do now, if anything. Call it on a timer (every ~0.2 s)."""
        current = self.stat(self.path)
        if current is None:
            self._pending = None
            if self._missing_reported:
                return None
            self._missing_reported = True
            self._loaded = None
            return Change.MISSING
        if current == self._loaded:
            self._pending = current
            return None
        if current != self._pending:  # still moving: wait for it to settle
            self._pending = current
            self._since = now
            return None
        if now - self._since < self.settle:
            return None
        self._loaded = current
        self._missing_reported = False
        return Change.CHANGED
