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
(the command line, a presenter, a follower) uses this; tests that make many
boards do not.

A follower's states come at the presenter's pace, often a few a second, and
the walk after each costs about what a state does (7-8 ms at the bundled
board): on a machine that shows several followers (the lectern's laptop and
the wall), each pays it for every state. Its collector is `patient`: a pause
collects only once Python's own full collection is half due (`half_due`),
about one state in fifteen, still at a pause and never inside a state.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE = 0.2  # seconds without a step after which a full collection may run


def half_due() -> bool:
    """Whether Python's automatic full collection is at least half way due (its count of younger ones)."""
    return gc.get_count()[2] >= max(1, gc.get_threshold()[2] // 2)


class IdleCollector:
    """Tell it when the board was built, stepped or replaced its scenario; `tick` it on a timer.

    `due`, if given, is asked at a pause: False waits (for a later tick of the
    same pause, or the next pause).
    """

    def __init__(
        self, idle: float = IDLE, clock: Callable[[], float] = time.monotonic, due: Callable[[], bool] | None = None
    ) -> None:
        self.idle = idle
        self.clock = clock
        self.due = due
        self._stepped_at: float | None = None  # when the step last changed, until collected

    def built(self) -> None:
        """What exists now outlives the board: out of the collector's walks."""
        gc.freeze()

    def stepped(self) -> None:
        self._stepped_at = self.clock()

    def tick(self) -> bool:
        """A full collection if the steps have paused for `idle` seconds since the last one; True if it ran."""
        if self._stepped_at is not None and self.clock() - self._stepped_at >= self.idle:
            if self.due is not None and not self.due():
                return False
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
