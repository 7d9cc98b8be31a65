"""What a step sends to the terminal, laid over what was there, is the screen drawn whole.

A step repaints only what it changed: panels keep their lines, the side
column re-arranges without repainting itself, the map redraws the cells of
what moved (docs/performance.md). A region left out of those repaints would
leave stale cells on a real terminal, while every screenshot (drawn whole)
looked right. So here the updates the board sends are replayed onto a grid of
cells, as a terminal would, and compared after every key with the screen
drawn from scratch.
"""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType, Segment

from sitboard.app.app import SitboardApp
from sitboard.app.widgets.side import SideColumn, _place
from sitboard.panels.layout import EVENT
from sitboard.state import BoardState
from sitboard.timeline import Timeline

Cell = tuple[str, Any]


class Terminal:
    """A grid of (character, style) cells that Textual's updates are written on."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: list[list[Cell]] = [[(" ", None)] * width for _ in range(height)]

    def write(self, console: Console, update: Any) -> None:
        x = y = 0
        for segment in console.render(update, console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                continue
            self._text(segment, x, y)
            x += cell_len(segment.text)

    def _text(self, segment: Segment, x: int, y: int) -> None:
        for character in segment.text:
            if 0 <= y < self.height and 0 <= x < self.width:
                self.cells[y][x] = (character, segment.style)
            x += max(1, cell_len(character))

    def differences(self, other: Terminal) -> list[tuple[int, int, Cell, Cell]]:
        return [
            (x, y, mine, theirs)
            for y, (row, other_row) in enumerate(zip(self.cells, other.cells, strict=True))
            for x, (mine, theirs) in enumerate(zip(row, other_row, strict=True))
            if mine != theirs
        ]


def watched(app: SitboardApp, terminal: Terminal) -> None:
    """Every update the board sends to its (headless) terminal is also written on `terminal`."""
    display = app._display

    def both(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            terminal.write(app.console, renderable)
        display(screen, renderable)

    app._display = both  # type: ignore[method-assign]


def drawn_whole(app: SitboardApp, width: int, height: int) -> Terminal:
    whole = Terminal(width, height)
    whole.write(app.console, app.screen._compositor.render_update(full=True))
    return whole


def laid_out(side: SideColumn) -> bool:
    """Whether the panels on screen have the rows the column's arrangement gives them (the layout was applied:
    the column re-arranges without repainting itself, and Textual keeps a container's arrangement until told)."""
    rows = [int(scalar.value) for scalar in side.styles.grid_rows or ()]
    shown = sorted((p for p in side.panels() if p.display), key=lambda p: _place(p.id or ""))
    if len(side.frame.columns if side.frame else ()) == 2:
        shown = [p for p in shown if p.id != EVENT]  # the event spans the rows of the others
    return [p.outer_size.height for p in shown] == rows


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 60)])
def test_what_every_key_sends_leaves_the_screen_drawn_whole(syria, ui, size):
    width, height = size
    app = SitboardApp(Timeline(syria), BoardState())
    terminal = Terminal(width, height)
    watched(app, terminal)
    keys = ["right"] * (len(syria.events) + 1) + ["end", "home", "left", "end", "tab", "right", "left", "home"]

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            differences = terminal.differences(drawn_whole(app, width, height))
            assert not differences, (key, app.step, differences[:5])
            assert laid_out(app.query_one(SideColumn)), (key, app.step)

    ui.drive(app, body, size=size)
