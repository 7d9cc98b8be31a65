"""Where town names go, so that the important ones are always readable.

Greedy placement by descending priority is predictable (the capital's label
never disappears because a village was listed first) and fast enough to redo at
every step. Occupancy lives in one bytearray over the grid, so a candidate
spot costs a slice check rather than a walk over earlier labels.

Rules:

* every request's anchor cell (its town glyph) is blocked, even for towns whose
  label is dropped, and so are the caller's ``blocked`` cells (legend, arrows);
* a label never overlaps another label, and keeps one blank cell to the next
  label on the same row, so two names never read as one;
* a label never leaves the grid; requests anchored outside the grid are skipped;
* positions are tried in this order (``c, r`` the anchor, ``w`` the width):
  right ``(c+2, r)``; left, ending at ``c-2``; above, centred, then starting
  at ``c``; below, centred, then starting at ``c``; then the diagonals
  above-right ``(c+1, r-1)``, below-right ``(c+1, r+1)``, above-left and
  below-left (ending at ``c-1``);
* when no position fits, a shortened form is tried in the same positions: the
  first word plus the ellipsis if that word is at least 4 cells wide, else the
  first 4 cells plus the ellipsis (pass ``ellipsis="."`` in ASCII mode). Text
  containing right-to-left characters is already in visual order, where a cut
  would keep the wrong end, so it is dropped instead of shortened;
* ties in priority keep the input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from sitboard.geo.text import cell_width, is_rtl, truncate

_TAKEN = 1  # a label, anchor or blocked cell
_GAP = 2  # the blank cell beside a label, kept free of other labels
_MIN_SHORT = 4  # cells of a name kept when shortening
_PRIORITY = attrgetter("priority")


class LabelRequest(NamedTuple):
    """A town that would like its name shown; (col, row) is its glyph's cell."""

    key: str
    col: int
    row: int
    text: str  # already prepared for display (text.display)
    priority: float


class PlacedLabel(NamedTuple):
    """A label that fits; (col, row) is the cell of its first character."""

    key: str
    col: int
    row: int
    text: str


def place_labels(
    requests: Sequence[LabelRequest],
    cols: int,
    rows: int,
    blocked: Iterable[tuple[int, int]] = (),
    *,
    ellipsis: str = "…",
    shorten: bool = True,
) -> list[PlacedLabel]:
    """Labels that fit, highest priority first (see the module rules)."""
    if cols < 1 or rows < 1:
        return []
    grid = _blocked_grid(requests, cols, rows, blocked)
    return _place(grid, requests, cols, rows, ellipsis, shorten)


class LabelLayout:
    """One view's labels: every request placed once (`base`), then a few placed ahead at each step.

    The board places every town's label once per view; at each step only a
    few labels must win (towns that changed hands, the event's place, flow
    sizes). `over(first, blocked)` places those first; each base label is
    kept where it was if its cells are still free, and the ones they
    displaced are placed again, by priority. Same rules as `place_labels` (no
    overlaps, anchors blocked), at a fraction of its cost when `first` is
    small: what is the same at every step (every request's anchor, the
    requests by key) is prepared once; on a big map that work costs more than
    the placement itself. Keys are expected to be unique (town ids), and a
    request in `first` with the key of a base request to keep that request's
    anchor.
    """

    __slots__ = ("_anchors", "_base", "_by_key", "_ellipsis", "_shorten", "base", "cols", "requests", "rows")

    def __init__(
        self,
        requests: Sequence[LabelRequest],
        cols: int,
        rows: int,
        blocked: Iterable[tuple[int, int]] = (),
        *,
        ellipsis: str = "…",
        shorten: bool = True,
    ) -> None:
        self.requests = list(requests)
        self.cols, self.rows = cols, rows
        self.base = place_labels(self.requests, cols, rows, blocked, ellipsis=ellipsis, shorten=shorten)
        self._anchors = _blocked_grid(self.requests, cols, rows, ()) if cols >= 1 and rows >= 1 else bytearray()
        self._by_key = {r.key: r for r in self.requests}
        self._base = [(label, cell_width(label.text)) for label in self.base]
        self._ellipsis, self._shorten = ellipsis, shorten

    def over(self, first: Sequence[LabelRequest], blocked: Iterable[tuple[int, int]] = ()) -> list[PlacedLabel]:
        """`first` placed ahead of the base labels, which stay where they were if they still fit."""
        cols, rows = self.cols, self.rows
        if cols < 1 or rows < 1:
            return []
        grid = self._anchors[:]
        for request in first:
            if 0 <= request.col < cols and 0 <= request.row < rows:
                grid[request.row * cols + request.col] = _TAKEN
        for col, row in blocked:
            if 0 <= col < cols and 0 <= row < rows:
                grid[row * cols + col] = _TAKEN
        placed = _place(grid, first, cols, rows, self._ellipsis, self._shorten)
        taken = {r.key for r in first}  # holds the keys of `placed` too
        kept = [entry for entry in self._base if entry[0].key not in taken]
        return _keep_or_move(grid, placed, kept, self._by_key, cols, rows, self._ellipsis, self._shorten)


def _keep_or_move(
    grid: bytearray,
    placed: list[PlacedLabel],
    kept: Iterable[tuple[PlacedLabel, int]],
    by_key: dict[str, LabelRequest],
    cols: int,
    rows: int,
    ellipsis: str,
    shorten: bool,
) -> list[PlacedLabel]:
    """Add to `placed` each earlier label (with its width) still free where it was, then the others placed again."""
    displaced: list[LabelRequest] = []
    for label, width in kept:
        at = label.row * cols + label.col
        if 0 <= label.row < rows and 0 <= label.col <= cols - width and grid.count(0, at, at + width) == width:
            _occupy(grid, cols, label.col, label.row, width)
            placed.append(label)
        else:
            displaced.append(by_key[label.key])
    placed += _place(grid, displaced, cols, rows, ellipsis, shorten)
    return placed


def _blocked_grid(
    requests: Sequence[LabelRequest], cols: int, rows: int, blocked: Iterable[tuple[int, int]]
) -> bytearray:
    grid = bytearray(cols * rows)
    for request in requests:
        if 0 <= request.col < cols and 0 <= request.row < rows:
            grid[request.row * cols + request.col] = _TAKEN
    for col, row in blocked:
        if 0 <= col < cols and 0 <= row < rows:
            grid[row * cols + col] = _TAKEN
    return grid


def _place(
    grid: bytearray, requests: Sequence[LabelRequest], cols: int, rows: int, ellipsis: str, shorten: bool
) -> list[PlacedLabel]:
    placed: list[PlacedLabel] = []
    for request in sorted(requests, key=_PRIORITY, reverse=True):  # stable: ties keep input order
        col, row = request.col, request.row
        if not (0 <= col < cols and 0 <= row < rows) or not request.text:
            continue
        text = request.text
        width = cell_width(text)
        spot = _free_spot(grid, cols, rows, col, row, width)
        if spot is None and shorten:
            text = _shortened(text, ellipsis)
            width = cell_width(text)
            spot = _free_spot(grid, cols, rows, col, row, width) if text else None
        if spot is not None:
            start, label_row = spot
            _occupy(grid, cols, start, label_row, width)
            placed.append(PlacedLabel(request.key, start, label_row, text))
    return placed


@lru_cache(maxsize=4096)
def _shortened(text: str, ellipsis: str) -> str:
    """A shorter form of the label, or "" when none is allowed or useful."""
    if is_rtl(text):
        return ""
    words = text.split()
    first_word = words[0].rstrip(",;:-") if words else ""
    if len(words) > 1 and cell_width(first_word) >= _MIN_SHORT:
        short = first_word + ellipsis
    else:
        short = truncate(text, _MIN_SHORT + cell_width(ellipsis), ellipsis)
    return short if cell_width(short) < cell_width(text) else ""


def _free_spot(grid: bytearray, cols: int, rows: int, col: int, row: int, width: int) -> tuple[int, int] | None:
    """The first candidate (start col, row) whose cells are all free."""
    if width <= 0:
        return None
    last_start = cols - width
    start = col + 2  # right: by far the most common answer, so checked before building the rest
    if start <= last_start:
        base = row * cols + start
        if grid.count(0, base, base + width) == width:  # memchr speed, no slice copy
            return start, row
    centred = col - (width - 1) // 2
    for start, label_row in (
        (col - 1 - width, row),  # left, ending at col - 2
        (centred, row - 1),  # above
        (col, row - 1),
        (centred, row + 1),  # below
        (col, row + 1),
        (col + 1, row - 1),  # above-right
        (col + 1, row + 1),  # below-right
        (col - width, row - 1),  # above-left, ending at col - 1
        (col - width, row + 1),  # below-left
    ):
        if 0 <= start <= last_start and 0 <= label_row < rows:
            base = label_row * cols + start
            if grid.count(0, base, base + width) == width:
                return start, label_row
    return None


def _occupy(grid: bytearray, cols: int, start: int, row: int, width: int) -> None:
    base = row * cols + start
    grid[base : base + width] = b"\x01" * width
    if start > 0 and not grid[base - 1]:
        grid[base - 1] = _GAP
    if start + width < cols and not grid[base + width]:
        grid[base + width] = _GAP
