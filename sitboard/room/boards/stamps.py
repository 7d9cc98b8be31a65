"""Frame stamps: when a board in the room published or drew a state, for the benchmark and the tests.

With ``$SITBOARD_ROOM_STAMPS`` naming a file, the presenter console appends a
line for each state it publishes, and each follower board a line for each
presenter state once its frame is drawn (after the refresh that shows it), and
for each change of what its status bar says. One JSON object a line, stamped
with CLOCK_MONOTONIC (one clock for every process on the machine), appended
with O_APPEND so that many processes (a browser tab each) can share a file.
Without the variable nothing is written; a file that cannot be opened or
written is left alone: a measurement must never stop a briefing.
"""

from __future__ import annotations

import json
import os
import time

VARIABLE = "SITBOARD_ROOM_STAMPS"


class Stamps:
    """Appends stamps to the file named by the variable, if any."""

    def __init__(self, who: str) -> None:
        self.who = who
        self._fd: int | None = None
        path = os.environ.get(VARIABLE)
        if path:
            try:
                self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
            except OSError:
                self._fd = None

    @property
    def on(self) -> bool:
        return self._fd is not None

    def write(self, event: str, **fields: object) -> None:
        if self._fd is None:
            return
        line = {"who": self.who, "pid": os.getpid(), "event": event, "at": time.monotonic(), **fields}
        try:
            os.write(self._fd, (json.dumps(line) + "\n").encode("utf-8"))
        except (OSError, TypeError, ValueError):
            pass

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass
