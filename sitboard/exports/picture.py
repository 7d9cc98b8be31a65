"""The board as a picture, without a terminal: for `sitboard export --format svg|txt`.

The board runs headless at the requested size, opens at the requested step,
and the first settled frame is exported: an SVG exactly as a terminal would
show it (Textual's screenshot), or the same characters as plain text. A board
that fails while drawing gives no picture at all, never half of one.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from rich.console import Console

from sitboard.app.app import SitboardApp
from sitboard.app.themes import THEMES
from sitboard.exports import ExportOptions
from sitboard.panels.layout import MAX_HEIGHT, MAX_WIDTH, MIN_HEIGHT, MIN_WIDTH
from sitboard.state import BoardState
from sitboard.timeline import Timeline

T = TypeVar("T")


def export_svg(timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes:
    return board_picture(timeline, state, options, "svg").encode("utf-8")


def export_txt(timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes:
    return board_picture(timeline, state, options, "txt").encode("utf-8")


def board_picture(timeline: Timeline, state: BoardState, options: ExportOptions, fmt: str) -> str:
    capture = svg_of if fmt == "svg" else screen_text
    return board_frames(timeline, state, options, [state.step], capture, fmt)[0]


def board_frames(
    timeline: Timeline,
    state: BoardState,
    options: ExportOptions,
    steps: Sequence[int],
    capture: Callable[[SitboardApp], T],
    what: str,
) -> list[T]:
    """`capture` of one headless board at each of `steps` in turn (with `state`'s view), or `BoardFailed`.

    One board for every step, stepped as a key press steps it: a recording or
    a replay of a hundred steps starts Textual once, and each frame is what
    the board shows after that step, not a fresh board's first frame.

    An unknown theme or a size the board cannot be drawn at is a ValueError
    (with a sentence) before anything is drawn: the board's own way with them
    (a warning toast, a "too small" notice) would end up in the picture.
    """
    if options.theme is not None and options.theme not in THEMES:
        raise ValueError(f"unknown theme {options.theme!r}: the themes are {', '.join(THEMES)}")
    width, height = options.size
    if not (MIN_WIDTH <= width <= MAX_WIDTH and MIN_HEIGHT <= height <= MAX_HEIGHT):
        raise ValueError(f"size {width}x{height} is outside {MIN_WIDTH}x{MIN_HEIGHT} .. {MAX_WIDTH}x{MAX_HEIGHT}")
    app = SitboardApp(timeline, state._replace(step=steps[0]), theme_name=options.theme, ascii_only=options.ascii_only)
    out: list[T] = []

    async def take(pilot: Any) -> None:
        await pilot.pause()  # the first frame, and the map focused after it
        for step in steps:
            app.go_to(step)
            await pilot.pause()
            if app.crash is not None:  # a failed board's screen is whatever it had drawn: not a picture
                break
            out.append(capture(app))
        app.exit()

    try:
        app.run(headless=True, size=options.size, auto_pilot=take)
    except Exception as exc:  # taking the pictures failed (the app reports its own failures below)
        if app.crash is None:
            raise BoardFailed(f"no {what} written: {type(exc).__name__}: {exc}") from exc
    # A failure after the pictures were taken (a panel drawn late) spoils them as well.
    if app.crash is not None:
        raise BoardFailed(f"no {what} written: the board failed while drawing it") from app.crash
    if len(out) < len(steps):
        raise BoardFailed(f"no {what} written: the board stopped before it drew every frame")
    return out


def svg_of(app: SitboardApp) -> str:
    return app.export_screenshot()


class BoardFailed(Exception):
    """The headless board failed: there is no picture (the command line exits 1 with this sentence)."""


def screen_text(app: SitboardApp) -> str:
    """What is on screen as plain text, one line per row, trailing spaces removed.

    Same route as Textual's `export_screenshot`, recorded as text instead of SVG.
    """
    console = screen_console(app, colors=False)
    console.print(app.screen._compositor.render_update(full=True))
    return "\n".join(line.rstrip() for line in console.export_text(styles=False).splitlines()) + "\n"


def screen_console(app: SitboardApp, *, colors: bool) -> Console:
    """A console the size of the board's screen, writing to memory: no colour (text) or 24-bit colour (a recording)."""
    width, height = app.size
    return Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor" if colors else None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
