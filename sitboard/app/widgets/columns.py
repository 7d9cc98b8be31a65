"""A widget drawn as side-by-side columns of text: the header and the headline.

Both used to be a row of Static and Digits widgets in containers, seven DOM
nodes for the header alone. Every node is styled against every CSS rule and
laid out at start-up, so as one Line API widget each they cost a fraction of
that, and a step repaints one widget instead of three.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, NamedTuple

from rich.console import RenderableType
from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region
from textual.renderables.digits import Digits
from textual.strip import Strip

from sitboard.app.style import shorten
from sitboard.app.widgets.bound import BoardWidget
from sitboard.state import BoardState
from sitboard.timeline import Timeline


class Column(NamedTuple):
    renderable: RenderableType
    width: int | None  # cells; None takes what the fixed columns leave
    top: int = 0  # blank rows above the content
    middle: bool = False  # centred vertically (after `top`)
    shorten: bool = False  # a Text whose lines are cut to the column's width (see `style.shorten`)


def _drawn_as(renderable: RenderableType) -> Hashable | None:
    """What a column's lines depend on, besides its place; None for a renderable that is drawn again each time."""
    if isinstance(renderable, Text):
        return ("text", renderable.plain, tuple(renderable.spans), str(renderable.style), renderable.justify,
                renderable.no_wrap, renderable.overflow, renderable.end)  # fmt: skip
    if isinstance(renderable, Digits):
        return ("digits", renderable._text, str(renderable._style))
    return None


def digits_width(text: str) -> int:
    """Cells that Textual's three-row `Digits` take for `text`."""
    return Digits.get_width(text)


class ColumnsWidget(BoardWidget):
    """Subclasses say what `columns()` to draw; call `redraw()` when they change."""

    def __init__(self, *, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self._rows: list[Strip] | None = None
        self._rows_size = (-1, -1)
        # Each column's lines of the last build, by what they show and where: a step changes the date and
        # the position, not the title, and drawing a column (the digits above all) is most of a build.
        self._blocks: dict[Hashable, list[list[Segment]]] = {}

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def watch_state(self, old: BoardState, new: BoardState) -> None:
        if old.step != new.step:  # what the columns say depends on the step, not on the view
            self.redraw()

    def watch_timeline(self, old: Timeline, new: Timeline) -> None:
        if old is not new:  # (the binding's first call gives the same one)
            self.redraw()

    def redraw(self) -> None:
        """Draw the columns again and repaint the rows that changed (a step: the position's, and the date's
        when the day changed)."""
        old, (width, height) = self._rows, self.content_size
        if old is None or self._rows_size != (width, height) or not self.is_attached or width <= 0:
            self._rows = None
            self.refresh()
            return
        self._rows = new = self._build(width, height)
        changed = [Region(0, y, width, 1) for y in range(height) if y >= len(old) or old[y] != new[y]]
        if changed:
            self.refresh(*changed)

    def restyle(self) -> None:
        self._blocks, self._rows = {}, None  # drawn in the old theme: all of it again
        self.redraw()

    def _build(self, width: int, height: int) -> list[Strip]:
        base = self.rich_style
        columns = self.columns()
        fixed = sum(c.width for c in columns if c.width is not None)
        rest = max(0, width - fixed)
        blocks: list[list[list[Segment]]] = []
        kept, self._blocks = self._blocks, {}
        left = width
        for column in columns:
            w = min(left, rest if column.width is None else column.width)
            left -= w
            if w <= 0:
                continue
            drawn_as = _drawn_as(column.renderable)
            key = None if drawn_as is None else (drawn_as, w, height, column.top, column.middle, column.shorten, base)
            block = kept.get(key) if key is not None else None
            if block is None:
                block = self._block(column, w, height)
            if key is not None:
                self._blocks[key] = block
            blocks.append(block)
        if left > 0:
            blocks.append([[Segment(" " * left, base)]] * height)
        return [Strip(Segment.simplify(seg for block in blocks for seg in block[y]), width) for y in range(height)]

    def _block(self, column: Column, width: int, height: int) -> list[list[Segment]]:
        """A column's `height` lines of `width` cells."""
        console = self.app.console
        base = self.rich_style
        options = console.options.update_width(width).update(highlight=False)
        renderable = column.renderable
        if column.shorten and isinstance(renderable, Text):
            renderable = shorten(renderable, width, ascii_only=self.ascii_only)
        lines = console.render_lines(renderable, options, style=base, pad=True)
        top = column.top + (max(0, (height - column.top - len(lines)) // 2) if column.middle else 0)
        blank = [Segment(" " * width, base)]
        lines = ([blank] * top + lines)[:height]
        return lines + [blank] * (height - len(lines))

    def render_line(self, y: int) -> Strip:
        width, height = self.content_size
        if self._rows is None or self._rows_size != (width, height):
            self._rows = self._build(width, height)
            self._rows_size = (width, height)
        if 0 <= y < len(self._rows):
            return self._rows[y]
        return Strip([Segment(" " * width, self.rich_style)], width)

    def notify_style_update(self) -> None:
        super().notify_style_update()  # a theme change restyles what was drawn
        self._rows = None
        self._blocks = {}
