"""The board step by step as an asciicast v2 recording (asciinema), with a chapter marker per step.

asciicast v2 is newline-delimited JSON: a header object (`version` 2, `width`,
`height`, optionally `timestamp`, `title`, `env`...), then one event per line,
`[seconds, code, data]`: `"o"` is output written to the terminal, `"m"` a
marker, which players show as a chapter and can jump to. Each step is one
marker (`2024-11-30 Insurgents capture Aleppo`) and one frame: the board's
screen, from one headless board stepped as a key press steps it, written as
the terminal sequences Textual itself writes (through a Rich console with a
fixed colour system), after clearing the screen. A full repaint per frame is
larger than the cells that changed, but any frame is then a good place to
start playing from.

Times come from the interval, not from a clock, so the events are the same on
every run; only the header's `timestamp` says when the file was made, and it
is left out when the caller gives none (`record --fixed-clock`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from textual._compositor import CompositorUpdate

from sitboard.app.app import SitboardApp
from sitboard.exports import ExportOptions
from sitboard.exports.picture import board_frames, screen_console
from sitboard.scenario.cleantext import clean
from sitboard.state import BoardState
from sitboard.timeline import Timeline

CLEAR = "\x1b[H\x1b[2J"  # home, then clear the screen
HIDE_CURSOR = "\x1b[?25l"
RESET = "\x1b[0m"
ENV = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}


def record(
    timeline: Timeline, steps: Sequence[int], options: ExportOptions, *, interval: float, timestamp: int | None
) -> bytes:
    """The recording of `steps` (in order), `interval` seconds each, at `options.size`, as a .cast file's bytes."""
    frames = board_frames(timeline, BoardState(step=steps[0]), options, steps, terminal_output, "recording")
    width, height = options.size
    header: dict[str, object] = {"version": 2, "width": width, "height": height}
    if timestamp is not None:
        header["timestamp"] = timestamp
    header["duration"] = round(len(frames) * interval, 6)
    header["title"] = _one_line(timeline.scenario.title)
    header["env"] = ENV
    lines = [_json(header)]
    for i, (step, frame) in enumerate(zip(steps, frames)):
        at = round(i * interval, 6)
        lines.append(_json([at, "m", chapter(timeline, step)]))
        lines.append(_json([at, "o", (HIDE_CURSOR if i == 0 else "") + CLEAR + frame]))
    # The last step stays on screen for its interval too: a player stops at the last event.
    lines.append(_json([round(len(frames) * interval, 6), "o", RESET]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def chapter(timeline: Timeline, step: int) -> str:
    """A step's marker: its date and title (`start` and the scenario's title at step 0), on one line."""
    if step == 0:
        return _one_line(f"start {timeline.scenario.title}")
    event = timeline.scenario.events[step - 1]
    return _one_line(f"{event.time.text.replace('T', ' ')} {event.title}")


def terminal_output(app: SitboardApp) -> str:
    """The whole screen as the sequences a terminal is sent (what Textual's driver writes), in 24-bit colour."""
    console = screen_console(app, colors=True)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, CompositorUpdate)  # a full update always is one
    return update.render_segments(console) + RESET


def _one_line(text: str) -> str:
    return " ".join(clean(text).split())


def _json(value: object) -> str:
    # Compact and in one fixed key order: two recordings of one scenario are the same bytes.
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
