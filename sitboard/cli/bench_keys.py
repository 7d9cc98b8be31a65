"""A key's cost to the board itself, for `sitboard bench`: from the key's arrival to the last frame it caused.

Pilot's `press` and `pause` are a test harness: each walks every widget of
the screen and posts a callback to it, then watches the process's CPU in
20 ms slices until it is quiet, three times per key. Measured across them, a
key bound to nothing costs 5-8 ms of CPU on the bench machine, which a
terminal's key never pays. A figure against a target of 8 ms cannot carry
that, so the board's own cost is measured here without it: the key goes to
the driver as a terminal's would (the very call Pilot makes), the board is
left alone until a 20 ms slice passes with almost no CPU spent, and the cost
is the process's CPU from the key to the end of the last frame drawn
meanwhile (`App._display`, which every screen update goes through). Work the
key left for later (after the frame) is not in it; it shows in the next
key's figure, since a key waits for what is still running.

The figures under Pilot stay in the bench's output next to these, so that
runs before this module remain comparable.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App

QUIET_SLICE = 0.02  # seconds, as Textual's own wait for idle
QUIET_CPU = 0.0005  # CPU seconds a slice may use and still count as quiet (an idle board uses ~0.05 ms)
GIVE_UP = 5.0  # seconds: a board that never settles is measured to there


class FrameClock:
    """Records the process's CPU time at the end of every frame `app` draws."""

    def __init__(self, app: App[Any]) -> None:
        self.last = 0.0
        self.frames = 0
        display = app._display

        def timed(*args: Any, **kwargs: Any) -> None:
            try:
                display(*args, **kwargs)
            finally:
                self.last = time.process_time()
                self.frames += 1

        app._display = timed  # type: ignore[method-assign]  # the bench's own board, timed; nothing else uses it


async def board_key(app: App[Any], clock: FrameClock, key: str) -> float:
    """CPU seconds from sending `key` to the end of the last frame it caused (0 if it drew none)."""
    driver = app._driver
    assert driver is not None, "the board runs (under run_test) before its keys are measured"
    event = events.Key(key, None)
    event.set_sender(app)
    return await board_call(app, clock, lambda: driver.send_message(event))


async def board_call(app: App[Any], clock: FrameClock, act: Callable[[], object]) -> float:
    """CPU seconds from `act()` (a key sent, a go-to) to the end of the last frame it caused (0 if none)."""
    frames = clock.frames
    started = time.process_time()
    act()
    waited = time.monotonic()
    while time.monotonic() - waited < GIVE_UP:
        before = time.process_time()
        await asyncio.sleep(QUIET_SLICE)
        quiet = time.process_time() - before < QUIET_CPU
        if quiet and (clock.frames > frames or time.monotonic() - waited > 4 * QUIET_SLICE):
            break  # drawn and quiet, or quiet for long without drawing (a key that changed nothing on screen)
    return max(0.0, clock.last - started) if clock.frames > frames else 0.0
