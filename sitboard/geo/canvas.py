"""Rasterising map geometry into terminal cells, each cell tagged with a style key.

Two canvases share one interface so the widget can switch with ``--ascii``:

* ``BrailleCanvas`` gives every cell 2 x 4 dots (U+2800..U+28FF), i.e. four
  times the resolution of plain characters, which is what makes coastlines and
  fronts legible in a terminal;
* ``AsciiCanvas`` draws one 7-bit character per cell (``- | / \\``) for
  terminals and fonts without braille.

A cell shows one style (a colour key such as ``"front"``). When several lines
share a cell, the style with the highest ``priority`` wins and, among equal
priorities, the most recently drawn one; unknown styles have priority 0. So
``priority={"front": 3, "border": 2, "coast": 1}`` keeps a front visible where
it runs along a coast.

Everything on top of the lines (town glyphs, labels, arrow heads) goes into a
``Grid``: rows of ``(char, style)`` cells, where a double-width character is
stored in its first cell and ``""`` in the second, so every row always spans
exactly ``cols`` terminal cells. ``runs`` turns a grid row into a few
``(text, style)`` runs that map one-to-one onto Rich segments.

Coordinates are cell units as produced by ``Projection.project``. Segments are
clipped to the grid (Liang–Barsky) before rasterising, so a line from far
outside costs the same as one inside, and non-finite input draws nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple, Protocol

from sitboard.geo.text import cell_width, clusters

Cell = tuple[str, str | None]
Grid = list[list[Cell]]
Run = tuple[str, str | None]
# What one arrow puts in a cell: its line's mark there (a braille canvas's dots, an ASCII
# canvas's stroke as its character's code; 0 for none), then its head ("" for none).
Mark = tuple[int, str]

EMPTY: Cell = (" ", None)
_LOWEST = -(2**62)  # priority of an empty cell: anything drawn beats it
_EDGE = 1e-9  # clip to just inside the far edges: the grid is half-open, [0, cols) x [0, rows)

# Braille dot (dx, dy) inside a cell -> bit, indexed by dy * 2 + dx.
_DOT_BITS = (0x01, 0x08, 0x02, 0x10, 0x04, 0x20, 0x40, 0x80)
_BRAILLE = (" ", *tuple(chr(10240 + bits) for bits in range(1, 256)))
_DOTS = re.compile(rb"[^\x00]+")  # a run of cells with dots in a braille canvas's bits

ASCII_LINE_CHARS = "-|/\\"
ARROWS_UNICODE = "→↗↑↖←↙↓↘"  # counter-clockwise from east, 45° apart
ARROWS_ASCII = ">^<v"  # counter-clockwise from east, 90° apart


class Canvas(Protocol):
    """What the map widget needs from either canvas."""

    cols: int
    rows: int
    cell_aspect: float

    def line(self, x0: float, y0: float, x1: float, y1: float, style: str) -> None: ...
    def polyline(self, points: Sequence[tuple[float, float]], style: str) -> None: ...
    def point(self, x: float, y: float, style: str) -> None: ...
    def glyph(self, col: int, row: int, char: str, style: str | None) -> None: ...
    def cells(self) -> Grid: ...
    def rows_out(self) -> list[list[Run]]: ...
    def copy(self) -> Canvas: ...


def clip_segment(
    x0: float, y0: float, x1: float, y1: float, width: float, height: float
) -> tuple[float, float, float, float] | None:
    """The part of a segment inside ``[0, width] x [0, height]`` (Liang–Barsky).

    Returns None when nothing is inside or when a coordinate is not finite.
    """
    dx = x1 - x0
    dy = y1 - y0
    if not (math.isfinite(dx) and math.isfinite(dy)):
        return None
    t0 = 0.0
    t1 = 1.0
    for p, q in ((-dx, x0), (dx, width - x0), (-dy, y0), (dy, height - y0)):
        if p == 0.0:
            if q < 0.0:
                return None  # parallel to this edge and outside it
            continue
        r = q / p
        if p < 0.0:
            if r > t1:
                return None
            t0 = max(t0, r)
        else:
            if r < t0:
                return None
            t1 = min(t1, r)
    return x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy


def _snap(value: float, limit: int) -> int:
    """Floor a clipped coordinate into ``[0, limit)``."""
    i = int(value)  # values are >= -epsilon after clipping, so int() is floor
    return limit - 1 if i >= limit else (0 if i < 0 else i)


class _Cells:
    """What both canvases share: the grid's size and, per cell, a style and its rank."""

    __slots__ = ("_ranks", "_styles", "cell_aspect", "cols", "priority", "rows")

    def __init__(
        self, cols: int, rows: int, priority: Mapping[str, int] | None = None, cell_aspect: float = 2.0
    ) -> None:
        if cols < 1 or rows < 1:
            raise ValueError(f"canvas must be at least 1x1 cells, got {cols}x{rows}")
        self.cols = cols
        self.rows = rows
        self.cell_aspect = cell_aspect
        self.priority: Mapping[str, int] = dict(priority or {})
        size = cols * rows
        self._styles: list[str | None] = [None] * size
        self._ranks: list[int] = [_LOWEST] * size

    def _copy_cells(self, other: _Cells) -> None:
        other.cols, other.rows, other.cell_aspect = self.cols, self.rows, self.cell_aspect
        other.priority = self.priority
        other._styles = self._styles[:]
        other._ranks = self._ranks[:]


class BrailleCanvas(_Cells):
    """2 x 4 braille dots per cell; highest priority, then latest, style wins a cell."""

    __slots__ = ("_bits", "_glyphs", "_own")

    def __init__(
        self, cols: int, rows: int, priority: Mapping[str, int] | None = None, cell_aspect: float = 2.0
    ) -> None:
        super().__init__(cols, rows, priority, cell_aspect)
        self._bits = bytearray(cols * rows)
        self._glyphs: dict[int, str] = {}  # cell index -> character replacing the dots
        # (cell, the dots a line put in it), written down only on a canvas that records (`ArrowRecorder`)
        self._own: list[tuple[int, int]] | None = None

    def copy(self) -> BrailleCanvas:
        """A cheap snapshot, so static layers are drawn once and reused per step."""
        other = BrailleCanvas.__new__(BrailleCanvas)
        self._copy_cells(other)
        other._bits = self._bits[:]
        other._glyphs = dict(self._glyphs)
        other._own = None
        return other

    # -- drawing -----------------------------------------------------------------

    def point(self, x: float, y: float, style: str) -> None:
        if not (0.0 <= x < self.cols and 0.0 <= y < self.rows):
            return  # also rejects NaN
        dx = int(x * 2)
        dy = int(y * 4)
        index = (dy >> 2) * self.cols + (dx >> 1)
        self._bits[index] |= _DOT_BITS[((dy & 3) << 1) | (dx & 1)]
        rank = self.priority.get(style, 0)
        if rank >= self._ranks[index]:
            self._styles[index] = style
            self._ranks[index] = rank

    def line(self, x0: float, y0: float, x1: float, y1: float, style: str) -> None:
        self.polyline(((x0, y0), (x1, y1)), style)

    def polyline(self, points: Sequence[tuple[float, float]], style: str) -> None:
        """Connected segments; consecutive points on the same dot cost almost nothing."""
        if len(points) < 2:
            for x, y in points:
                self.point(x, y, style)
            return
        width = self.cols * 2
        height = self.rows * 4
        plot = self._plot
        rank = self.priority.get(style, 0)
        iterator = iter(points)
        x, y = next(iterator)
        ax = x * 2.0
        ay = y * 4.0
        last_dot = None
        for x, y in iterator:
            bx = x * 2.0
            by = y * 4.0
            if 0.0 <= ax < width and 0.0 <= ay < height and 0.0 <= bx < width and 0.0 <= by < height:
                start = (int(ax), int(ay))
                end = (int(bx), int(by))
                if start != end or start != last_dot:
                    plot(start[0], start[1], end[0], end[1], style, rank)
                    last_dot = end
            elif not (
                (ax < 0.0 and bx < 0.0)
                or (ay < 0.0 and by < 0.0)
                or (ax >= width and bx >= width)
                or (ay >= height and by >= height)
            ):  # not trivially outside: clip
                clipped = clip_segment(ax, ay, bx, by, width - _EDGE, height - _EDGE)
                if clipped is not None:
                    cx0, cy0, cx1, cy1 = clipped
                    plot(_snap(cx0, width), _snap(cy0, height), _snap(cx1, width), _snap(cy1, height), style, rank)
                    last_dot = None
            ax = bx
            ay = by

    def _plot(self, x0: int, y0: int, x1: int, y1: int, style: str, rank: int) -> None:
        """Bresenham between two dots that are both inside the canvas.

        On a canvas that records, each cell's dots are written down as the
        walk leaves it: a straight walk leaves a cell for good, so they are
        one run, and each cell of an arrow's line (one walk) is written once.
        """
        bits = self._bits
        styles = self._styles
        ranks = self._ranks
        own = self._own
        dot_bits = _DOT_BITS
        cols = self.cols
        last, dots = -1, 0
        dx = x1 - x0 if x1 >= x0 else x0 - x1
        dy = y0 - y1 if y1 >= y0 else y1 - y0  # negative
        sx = 1 if x0 < x1 else -1
        sy = 1 if y0 < y1 else -1
        err = dx + dy
        while True:
            index = (y0 >> 2) * cols + (x0 >> 1)
            bit = dot_bits[((y0 & 3) << 1) | (x0 & 1)]
            bits[index] |= bit
            if rank >= ranks[index]:
                styles[index] = style
                ranks[index] = rank
            if own is not None:
                if index == last:
                    dots |= bit
                else:
                    if last >= 0:
                        own.append((last, dots))
                    last, dots = index, bit
            if x0 == x1 and y0 == y1:
                if own is not None:
                    own.append((last, dots))
                return
            e2 = err + err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def glyph(self, col: int, row: int, char: str, style: str | None) -> None:
        """Replace a cell's dots by a single-width character (e.g. an arrow head)."""
        if 0 <= col < self.cols and 0 <= row < self.rows:
            index = row * self.cols + col
            self._glyphs[index] = char
            self._styles[index] = style

    def redrawn(self, marks: Mapping[int, Sequence[Mark]], style: str) -> Iterator[tuple[int, Cell]]:
        """Cells as `cells` would show them had arrows in `style` been drawn over this canvas, by index.

        `marks` gives each cell's marks in drawing order (`ArrowRecorder`);
        each is applied as drawing it applies: its dots join the cell's and
        take its style by rank, then its head replaces the dots and takes
        it anyway.
        """
        rank = self.priority.get(style, 0)
        bits, styles, ranks, glyphs = self._bits, self._styles, self._ranks, self._glyphs
        for index, found in marks.items():
            dots, cell_style, cell_rank, head = bits[index], styles[index], ranks[index], glyphs.get(index)
            for mark_dots, mark_head in found:
                if mark_dots:
                    dots |= mark_dots
                    if rank >= cell_rank:
                        cell_style, cell_rank = style, rank
                if mark_head:
                    head, cell_style = mark_head, style
            yield index, (_BRAILLE[dots] if head is None else head, cell_style)

    # -- output ------------------------------------------------------------------

    def cells(self) -> Grid:
        cols = self.cols
        bits = self._bits
        styles = self._styles
        char_of = _BRAILLE.__getitem__
        grid: Grid = []
        for start in range(0, len(bits), cols):
            stop = start + cols
            if bits.count(0, start, stop) * 4 >= cols * 3:
                # A mostly blank row (most of a map is): a cell without dots has
                # no style either, so it is EMPTY; only runs of dots get new cells.
                row = [EMPTY] * cols
                for run in _DOTS.finditer(bits, start, stop):
                    a, b = run.span()
                    row[a - start : b - start] = zip(map(char_of, bits[a:b]), styles[a:b])
            else:
                row = list(zip(map(char_of, bits[start:stop]), styles[start:stop]))
            grid.append(row)
        for index, char in self._glyphs.items():
            y, x = divmod(index, cols)
            grid[y][x] = (char, styles[index])
        return grid

    def rows_out(self) -> list[list[Run]]:
        return [runs(row) for row in self.cells()]


class AsciiCanvas(_Cells):
    """One 7-bit character per cell: ``- | / \\`` by slope, ``.`` for points, ``+`` where two lines cross."""

    __slots__ = ("_chars",)

    def __init__(
        self, cols: int, rows: int, priority: Mapping[str, int] | None = None, cell_aspect: float = 2.0
    ) -> None:
        super().__init__(cols, rows, priority, cell_aspect)
        self._chars: list[str] = [" "] * (cols * rows)

    def copy(self) -> AsciiCanvas:
        other = AsciiCanvas.__new__(AsciiCanvas)
        self._copy_cells(other)
        other._chars = self._chars[:]
        return other

    # -- drawing -----------------------------------------------------------------

    def point(self, x: float, y: float, style: str) -> None:
        if 0.0 <= x < self.cols and 0.0 <= y < self.rows:
            self._put(int(y) * self.cols + int(x), ".", style, self.priority.get(style, 0))

    def line(self, x0: float, y0: float, x1: float, y1: float, style: str) -> None:
        clipped = clip_segment(x0, y0, x1, y1, self.cols - _EDGE, self.rows - _EDGE)
        if clipped is None:
            return
        char = line_char(x1 - x0, y1 - y0, self.cell_aspect) if (x0, y0) != (x1, y1) else "."
        cx0, cy0, cx1, cy1 = clipped
        c0, r0 = _snap(cx0, self.cols), _snap(cy0, self.rows)
        c1, r1 = _snap(cx1, self.cols), _snap(cy1, self.rows)
        rank = self.priority.get(style, 0)
        for col, row in cells_between(c0, r0, c1, r1):
            self._put(row * self.cols + col, char, style, rank)

    def polyline(self, points: Sequence[tuple[float, float]], style: str) -> None:
        """Connected segments, thinned to about one point per cell.

        A river digitised with many tiny segments would otherwise pick a
        character from each segment's jitter rather than from its course.
        """
        if not points:
            return
        if len(points) == 1:
            self.point(points[0][0], points[0][1], style)
            return
        kept_x, kept_y = points[0]
        last = len(points) - 1
        drawn = False
        for i in range(1, last + 1):
            x, y = points[i]
            if abs(x - kept_x) < 1.0 and abs(y - kept_y) < 1.0:
                if i != last:
                    continue
                if drawn and x // 1.0 == kept_x // 1.0 and y // 1.0 == kept_y // 1.0:
                    continue  # the tail ends in the cell already drawn
            self.line(kept_x, kept_y, x, y, style)
            drawn = True
            kept_x, kept_y = x, y

    def _put(self, index: int, char: str, style: str | None, rank: int) -> None:
        if rank >= self._ranks[index]:
            self._chars[index] = _stroke_over(self._chars[index], self._styles[index], char, style)
            self._styles[index] = style
            self._ranks[index] = rank

    def glyph(self, col: int, row: int, char: str, style: str | None) -> None:
        """Put a single character in a cell; anything outside printable ASCII becomes '?'."""
        if 0 <= col < self.cols and 0 <= row < self.rows:
            index = row * self.cols + col
            self._chars[index] = _ascii_glyph(char)
            self._styles[index] = style

    def redrawn(self, marks: Mapping[int, Sequence[Mark]], style: str) -> Iterator[tuple[int, Cell]]:
        """Cells as `cells` would show them had arrows in `style` been drawn over this canvas, by index.

        `marks` gives each cell's marks in drawing order (`ArrowRecorder`);
        each is applied as drawing it applies: its stroke is put as `_put`
        puts one, then its head replaces the character and takes the style.
        """
        rank = self.priority.get(style, 0)
        chars, styles, ranks = self._chars, self._styles, self._ranks
        for index, found in marks.items():
            char, cell_style, cell_rank = chars[index], styles[index], ranks[index]
            for stroke, head in found:
                if stroke and rank >= cell_rank:
                    char, cell_style, cell_rank = _stroke_over(char, cell_style, chr(stroke), style), style, rank
                if head:
                    char, cell_style = head, style
            yield index, (char, cell_style)

    # -- output ------------------------------------------------------------------

    def cells(self) -> Grid:
        cols = self.cols
        chars = self._chars
        styles = self._styles
        return [
            list(zip(chars[start : start + cols], styles[start : start + cols])) for start in range(0, len(chars), cols)
        ]

    def rows_out(self) -> list[list[Run]]:
        return [runs(row) for row in self.cells()]


def _stroke_over(old: str, old_style: str | None, char: str, style: str | None) -> str:
    """The character a stroke leaves over a cell's: different lines crossing read as "+", a polyline's own bends keep their stroke."""
    if char != old and char in ASCII_LINE_CHARS and old in ASCII_LINE_CHARS and style != old_style:
        return "+"
    return char


def _ascii_glyph(char: str) -> str:
    """A glyph as an ASCII canvas shows it: anything outside printable ASCII becomes '?'."""
    return char if len(char) == 1 and " " <= char <= "~" else "?"


def new_canvas(
    cols: int, rows: int, *, ascii: bool = False, priority: Mapping[str, int] | None = None, cell_aspect: float = 2.0
) -> BrailleCanvas | AsciiCanvas:
    """The canvas for the chosen character set."""
    kind = AsciiCanvas if ascii else BrailleCanvas
    return kind(cols, rows, priority, cell_aspect)


def line_char(dx: float, dy: float, cell_aspect: float = 2.0) -> str:
    """The ASCII stroke for a direction given in cell units (y down).

    Decided on the *visible* angle (dy stretched by the cell aspect): within
    22.5° of horizontal is ``-``, of vertical ``|``, otherwise a diagonal.
    """
    vx = abs(dx)
    vy = abs(dy) * cell_aspect
    if vy <= vx * 0.41421356:  # tan 22.5°
        return "-"
    if vy >= vx * 2.41421356:  # tan 67.5°
        return "|"
    return "\\" if (dx > 0) == (dy > 0) else "/"


def cells_between(c0: int, r0: int, c1: int, r1: int) -> list[tuple[int, int]]:
    """Cells on the Bresenham line from (c0, r0) to (c1, r1), both ends included."""
    out = []
    dx = abs(c1 - c0)
    dy = -abs(r1 - r0)
    sx = 1 if c0 < c1 else -1
    sy = 1 if r0 < r1 else -1
    err = dx + dy
    while True:
        out.append((c0, r0))
        if c0 == c1 and r0 == r1:
            return out
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            c0 += sx
        if e2 <= dx:
            err += dx
            r0 += sy


# -- grids: text and glyphs on top of the lines --------------------------------------


def blank_grid(cols: int, rows: int) -> Grid:
    return [[EMPTY] * cols for _ in range(rows)]


def grid_from_canvas(canvas: Canvas) -> Grid:
    """The canvas as a grid of (char, style) cells, ready for overlays."""
    return canvas.cells()


def runs(row_cells: Sequence[Cell]) -> list[Run]:
    """Neighbouring cells of equal style merged into ``(text, style)`` runs."""
    if not row_cells:
        return []
    out: list[Run] = []
    chars: list[str] = []
    current = row_cells[0][1]
    for char, style in row_cells:  # a plain loop beats groupby once labels break rows into many runs
        if style != current:
            out.append(("".join(chars), current))
            chars = [char]
            current = style
        else:
            chars.append(char)
    out.append(("".join(chars), current))
    return out


def overlay(grid: Grid, col: int, row: int, text: str, style: str | None) -> int:
    """Write ``text`` into ``grid`` from ``(col, row)``; returns the cells written.

    Wide characters take two cells (the character, then ``""``); one that
    would be cut by the grid edge is not written. Writing over half of an
    existing wide character blanks its other half, so rows stay aligned.
    Combining marks join the previous character. Nothing is written outside.
    """
    if not (0 <= row < len(grid)) or not text:
        return 0
    cells = grid[row]
    cols = len(cells)
    if text.isascii() and text.isprintable():  # fast path: one cell per char
        start = max(col, 0)
        stop = min(col + len(text), cols)
        if start >= stop:
            return 0
        _unsplit(cells, start, stop)
        cells[start:stop] = [(ch, style) for ch in text[start - col : stop - col]]
        return stop - start
    written = 0
    last = -1  # first cell of the cluster written last, where zero-width clusters attach
    x = col
    for cluster, width in clusters(text):
        if width == 0:
            if last >= 0:
                base, base_style = cells[last]
                cells[last] = (base + cluster, base_style)
            continue
        if x >= cols:
            break
        if x >= 0 and x + width <= cols:
            _unsplit(cells, x, x + width)
            cells[x] = (cluster, style)
            if width == 2:
                cells[x + 1] = ("", style)
            written += width
            last = x
        else:
            last = -1
        x += width
    return written


def text_cells(text: str, style: str | None) -> tuple[Cell, ...]:
    """The cells ``overlay`` writes for ``text`` where it fits and no wide character is split.

    That is ``cell_width(text)`` cells: one per cluster, plus ``""`` after a
    wide one. Writing them with a slice assignment is what ``overlay`` does
    there, for a fraction of the cost, when the same text is written often.
    """
    cells = [EMPTY] * cell_width(text)
    overlay([cells], 0, 0, text, style)
    return tuple(cells)


def _unsplit(cells: list[Cell], start: int, stop: int) -> None:
    """Blank the outer half of any wide character straddling [start, stop)."""
    if start > 0 and cells[start][0] == "":
        cells[start - 1] = (" ", cells[start - 1][1])
    if stop < len(cells) and cells[stop][0] == "":
        cells[stop] = (" ", cells[stop][1])


def put(grid: Grid, col: int, row: int, char: str, style: str | None) -> None:
    """Set one single-width cell (a town glyph, an arrow head), keeping wide neighbours whole."""
    if 0 <= row < len(grid):
        cells = grid[row]
        if 0 <= col < len(cells):
            if cells[col][0] == "" and col > 0:  # was the second half of a wide character
                cells[col - 1] = (" ", cells[col - 1][1])
            if col + 1 < len(cells) and cells[col + 1][0] == "":  # was the first half
                cells[col + 1] = (" ", cells[col + 1][1])
            cells[col] = (char, style)


# -- flow arrows -------------------------------------------------------------------


def arrow_head(dx: float, dy: float, *, ascii: bool, cell_aspect: float = 2.0) -> str:
    """The head character for a direction in cell units (y down)."""
    angle = math.atan2(-dy * cell_aspect, dx)  # counter-clockwise from east
    if ascii:
        return ARROWS_ASCII[round(angle / (math.pi / 2)) % 4]
    return ARROWS_UNICODE[round(angle / (math.pi / 4)) % 8]


def arrow(
    target: Canvas | Grid,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    style: str,
    ascii: bool,
) -> tuple[int, int] | None:
    """Draw a flow from (x0, y0) to (x1, y1) with a head at the destination.

    ``target`` is a canvas (the line is rasterised there and the head replaces
    that cell's dots) or a grid (line and head are written over its cells).
    When the destination is off the grid the head sits where the line leaves
    the grid, still pointing along the flow. A zero-length flow points east.
    Returns the head's (col, row), or None when the flow is entirely off-grid.
    """
    if isinstance(target, list):
        rows = len(target)
        cols = len(target[0]) if rows else 0
        aspect = 2.0
    else:
        cols, rows, aspect = target.cols, target.rows, target.cell_aspect
    if not cols or not rows:
        return None
    clipped = clip_segment(x0, y0, x1, y1, cols, rows)
    if clipped is None:
        return None
    cx0, cy0, cx1, cy1 = clipped
    head_col, head_row = _snap(cx1, cols), _snap(cy1, rows)
    head = arrow_head(x1 - x0, y1 - y0, ascii=ascii, cell_aspect=aspect)
    if isinstance(target, list):
        _line_onto_grid(target, cx0, cy0, cx1, cy1, style, ascii, aspect)
        put(target, head_col, head_row, head, style)
    else:
        target.line(x0, y0, x1, y1, style)
        target.glyph(head_col, head_row, head, style)
    return head_col, head_row


def _line_onto_grid(
    grid: Grid, x0: float, y0: float, x1: float, y1: float, style: str, ascii: bool, aspect: float
) -> None:
    """Rasterise an already clipped segment over a grid via a scratch canvas of its bounding box."""
    left = int(min(x0, x1))
    top = int(min(y0, y1))
    width = min(int(max(x0, x1)), len(grid[0]) - 1) - left + 1
    height = min(int(max(y0, y1)), len(grid) - 1) - top + 1
    scratch = new_canvas(width, height, ascii=ascii, cell_aspect=aspect)
    scratch.line(x0 - left, y0 - top, x1 - left, y1 - top, style)
    for r, row_cells in enumerate(scratch.cells()):
        for c, (char, cell_style) in enumerate(row_cells):
            if cell_style is not None:
                put(grid, left + c, top + r, char, cell_style)


class Marks(NamedTuple):
    """What one arrow put on a canvas: its line's mark in each cell it crosses (`Mark`), and its head."""

    line: dict[int, int]  # cell index (row * cols + col) -> dots, or a stroke's character code
    head_at: int  # the head's cell index; -1 for none
    head: str


class ArrowRecorder:
    """Draws arrows on a copy of a canvas and tells what each put in each cell (`Marks`), to draw it again (`redrawn`).

    Kept, the marks draw an arrow again at the cost of its cells, not of its
    dots: the map's earlier flows come and go a few at a time. The arrow is
    drawn by the canvas's own code (`arrow`) on a copy that also writes down
    the dots or strokes and the head it is given: drawing a layer afresh
    records its arrows for little more than drawing them costs.
    """

    def __init__(self, canvas: BrailleCanvas | AsciiCanvas, style: str, *, ascii: bool) -> None:
        self._style = style
        self._ascii = ascii
        self._canvas: _BrailleMarks | _AsciiMarks = (
            _BrailleMarks(canvas) if isinstance(canvas, BrailleCanvas) else _AsciiMarks(canvas)
        )

    def record(self, x0: float, y0: float, x1: float, y1: float) -> Marks:
        """Draw `arrow(copy, x0, y0, x1, y1, style, ascii)` on the copy; what it put there."""
        canvas = self._canvas
        canvas.head = (-1, "")
        arrow(canvas, x0, y0, x1, y1, self._style, self._ascii)
        return Marks(canvas.take_line(), *canvas.head)

    def cells(self) -> Grid:
        """The copy's cells, with every arrow recorded on it."""
        return self._canvas.cells()


class _BrailleMarks(BrailleCanvas):
    """A copy of a braille canvas that also writes down the dots and the head drawn on it."""

    __slots__ = ("head",)

    def __init__(self, canvas: BrailleCanvas) -> None:
        canvas._copy_cells(self)
        self._bits = canvas._bits[:]
        self._glyphs = dict(canvas._glyphs)
        self._own = []  # `_plot` writes down each cell's dots here
        self.head = (-1, "")

    def glyph(self, col: int, row: int, char: str, style: str | None) -> None:
        super().glyph(col, row, char, style)
        if 0 <= col < self.cols and 0 <= row < self.rows:
            self.head = (row * self.cols + col, char)

    def take_line(self) -> dict[int, int]:
        """The dots drawn since the last call, by cell."""
        line = dict(self._own or ())
        self._own = []
        return line


class _AsciiMarks(AsciiCanvas):
    """A copy of an ASCII canvas that also writes down the strokes and the head put on it."""

    __slots__ = ("_line", "head")

    def __init__(self, canvas: AsciiCanvas) -> None:
        canvas._copy_cells(self)
        self._chars = canvas._chars[:]
        self._line: dict[int, int] = {}
        self.head = (-1, "")

    def _put(self, index: int, char: str, style: str | None, rank: int) -> None:
        super()._put(index, char, style, rank)
        self._line[index] = ord(char)  # a line puts each of its cells once

    def glyph(self, col: int, row: int, char: str, style: str | None) -> None:
        super().glyph(col, row, char, style)
        if 0 <= col < self.cols and 0 <= row < self.rows:
            self.head = (row * self.cols + col, _ascii_glyph(char))

    def take_line(self) -> dict[int, int]:
        """The strokes put since the last call, by cell."""
        line, self._line = self._line, {}
        return line
