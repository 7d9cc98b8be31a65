"""The garbage collector of a process that runs one board: out of the way of key presses.

What is built before the first frame (scenario, timeline, basemap, widgets)
lives as long as the board, so it is frozen: the collector stops walking it
(a full pass over that heap cost 15 ms of the first frame, 7% of it). And
Textual's strips refer to themselves through their caches, so every frame
leaves cyclic garbage that only a full collection frees; left to itself,
Python runs one every ten or so jumps, inside a key press (7-10 ms at 2,000
towns). Here it runs once no step has come for `IDLE` seconds, where it
delays nothing; during autoplay that is between steps.

Frozen objects are never collected, so only a process that makes one board
(the command line) uses this; tests that make many boards do not.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE = 0.2  # seconds without a step after which a full collection may run


class IdleCollector:
    """Tell it when the board was built, stepped or replaced its scenario; `tick` it on a timer."""

    def __init__(self, idle: float = IDLE, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle
        self.clock = clock
        self._stepped_at: float | None = None  # when the step last changed, until collected

    def built(self) -> None:
        """What exists now outlives the board: out of the collector's walks."""
        gc.freeze()

    def stepped(self) -> None:
        self._stepped_at = self.clock()

    def tick(self) -> bool:
        """A full collection if the steps have paused for `idle` seconds since the last one; True if it ran."""
        if self._stepped_at is not None and self.clock() - self._stepped_at >= self.idle:
            self._stepped_at = None
            gc.collect()
            return True
        return False

    def replaced(self) -> None:
        """The old scenario (and what was drawn from it) is garbage now: thaw, collect; `built` again after."""
        gc.unfreeze()
        gc.collect()


def freeze() -> None:
    """`gc.freeze`, for `call_after_refresh`.

    Not `call_after_refresh(gc.freeze)`: Textual counts a callback's
    parameters with `inspect.signature`, which for a builtin means compiling
    the tokenizer's regular expressions, 5 ms of the first frame.
    """
    gc.freeze()
