"""Where names go, so that the important ones are always readable and none reads as another's.

Greedy placement by descending priority is predictable (the capital's label
never disappears because a village was listed first) and fast enough to redo at
every step. Occupancy lives in one bytearray over the grid, so a candidate
spot costs a slice check rather than a walk over earlier labels.

Rules:

* every request's *token* is blocked, even for towns whose label is dropped,
  and so are the caller's ``blocked`` cells (legend, arrows); a token is the
  anchor cell (the town's glyph) plus ``left`` and ``right`` cells beside it
  (the marks of a control state, see `sitboard.geo.symbols`);
* a label never overlaps another label, and keeps one blank cell to the next
  label on the same row, so two names never read as one;
* a label never reads as belonging to something else: it is *near* a token
  when a token cell is on its row within two cells of its ends, or on the row
  above or below within one cell of them. A town's label is near its own
  token (every position below is) and near no other; a label that would be
  near another town is not placed there, and when no position is free of one
  the label is dropped (zooming in brings it back);
* a label never leaves the grid; requests anchored outside the grid are skipped;
* positions are tried in this order (``a, b`` the token's first and last
  columns, ``c`` the anchor, ``r`` its row, ``w`` the label's width): right
  ``(b+2, r)``; left, ending at ``a-2``; above, centred on ``c``, then starting
  at ``c``; below, centred, then starting at ``c``; then the diagonals
  above-right ``(b+1, r-1)``, below-right ``(b+1, r+1)``, above-left and
  below-left (ending at ``a-1``);
* when no position fits, a shortened form is tried in the same positions: the
  first word plus the ellipsis if that word is at least 4 cells wide, else the
  first 4 cells plus the ellipsis (pass ``ellipsis="."`` in ASCII mode). Text
  containing right-to-left characters is dropped instead of shortened (in
  visual order a cut would keep the wrong end);
* ties in priority keep the input order.

Labels that are not a town's (a flow's size on its arrow, a country's name,
populated places) are placed afterwards on the same occupancy, by `Sheet`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate, chain, repeat
from operator import add, attrgetter, mul, sub
from typing import NamedTuple

from sitboard.geo.text import cell_width, is_rtl, truncate

_TAKEN = 1  # a label, token or blocked cell
_GAP = 2  # the blank cell beside a label, kept free of other labels
_MIN_SHORT = 4  # cells of a name kept when shortening
_PRIORITY = attrgetter("priority")
NEAR_ON_ROW, NEAR_ACROSS = 2, 1  # how far from a label's ends a token reads as its (same row / next rows)


class LabelRequest(NamedTuple):
    """A town that would like its name shown; (col, row) is its glyph's cell, `left`/`right` its marks beside it."""

    key: str
    col: int
    row: int
    text: str  # already prepared for display (text.display)
    priority: float
    left: int = 0
    right: int = 0


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
    halo = _halo(requests, cols, rows)
    return _place(grid, halo, _not_hopeless(requests, cols, rows), cols, rows, ellipsis, shorten)


class Sheet:
    """The labels of one frame so far, with what they occupy: later layers are placed around them.

    `place` puts a label at the first free spot of a list (a flow's size on
    its arrow, a country's name inside the country); `place_point` puts a
    populated place's dot and name where neither crowds anything already
    placed. Both keep the module's rules: no overlap, a blank cell between
    labels on a row, and nothing placed near a token that is not its own.
    """

    __slots__ = ("cols", "grid", "halo", "placed", "rows")

    def __init__(self, grid: bytearray, halo: bytearray, placed: list[PlacedLabel], cols: int, rows: int) -> None:
        self.grid, self.halo, self.placed, self.cols, self.rows = grid, halo, placed, cols, rows

    def free(self, col: int, row: int, width: int) -> bool:
        """Whether a label of `width` cells may start at (col, row): on the grid, unoccupied, near no token."""
        if not (0 <= row < self.rows and col >= 0 and col + width <= self.cols and width > 0):
            return False
        at = row * self.cols + col
        return self.grid.count(0, at, at + width) == width and not any(self.halo[at : at + width])

    def place(self, key: str, text: str, spots: Iterable[tuple[int, int]]) -> PlacedLabel | None:
        """`text` at the first spot (its first cell) that is free, or nowhere."""
        width = cell_width(text)
        for col, row in spots:
            if self.free(col, row, width):
                _occupy(self.grid, self.cols, col, row, width)
                label = PlacedLabel(key, col, row, text)
                self.placed.append(label)
                return label
        return None

    def place_point(self, key: str, text: str, col: int, row: int) -> PlacedLabel | None:
        """A dot at (col, row) with `text` beside it, or neither: the dot must crowd no label or token.

        Nothing may sit where the dot would read as another label's token
        (within two cells on its row, one on the rows beside), and its own
        label takes the town positions, near no other token.
        """
        cols, rows = self.cols, self.rows
        if not (0 <= col < cols and 0 <= row < rows) or not text:
            return None
        grid = self.grid
        for dy, reach in ((0, NEAR_ON_ROW), (-1, NEAR_ACROSS), (1, NEAR_ACROSS)):
            y = row + dy
            if 0 <= y < rows:
                a, b = max(col - reach, 0), min(col + reach + 1, cols)
                if grid.count(0, y * cols + a, y * cols + b) != b - a:
                    return None
        width = cell_width(text)
        request = LabelRequest(key, col, row, text, 0.0)
        grid[row * cols + col] = _TAKEN
        _add_halo(self.halo, cols, rows, request)
        spot = _free_spot(grid, self.halo, cols, rows, request, width)
        if spot is None:
            grid[row * cols + col] = 0
            _add_halo(self.halo, cols, rows, request, -1)
            return None
        _occupy(grid, cols, spot[0], spot[1], width)
        label = PlacedLabel(key, spot[0], spot[1], text)
        self.placed.append(label)
        return label


class LabelLayout:
    """One view's labels: every request placed once (`base`), then a few placed ahead at each step.

    The board places every town's label once per view; at each step only a
    few labels must win (towns that changed hands, the event's place, towns
    whose control state puts marks beside them). `over(first, blocked)`
    places those first; each base label is kept where it was if its cells
    are still free (and, when the step's tokens are wider than the view's,
    still near no other token), and the ones they displaced are placed again,
    by priority. Same rules as `place_labels`, at a fraction of its cost when
    `first` is small: what is the same at every step (every request's anchor
    and its surroundings, the requests by key) is prepared once. Keys are
    expected to be unique (town ids), and a request in `first` with the key
    of a base request to keep that request's anchor.
    """

    __slots__ = (
        "_anchors",
        "_base",
        "_by_key",
        "_ellipsis",
        "_halo",
        "_shorten",
        "base",
        "cols",
        "requests",
        "rows",
    )

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
        ok = cols >= 1 and rows >= 1
        self._anchors = _blocked_grid(self.requests, cols, rows, ()) if ok else bytearray()
        self._halo = _halo(self.requests, cols, rows) if ok else bytearray()
        # `place_labels`, with the tokens' grid and halo worked out once for both
        self.base = (
            _place(
                self.tokens(blocked).grid,
                self._halo,
                _not_hopeless(self.requests, cols, rows),
                cols,
                rows,
                ellipsis,
                shorten,
            )
            if ok
            else []
        )
        self._by_key = {r.key: r for r in self.requests}
        self._base = [(label, cell_width(label.text)) for label in self.base]
        self._ellipsis, self._shorten = ellipsis, shorten

    def tokens(self, blocked: Iterable[tuple[int, int]] = ()) -> Sheet:
        """A sheet holding only the towns' tokens and `blocked`: labels that must win over towns' are placed on it first.

        A flow's size must sit on its arrow, wherever town labels would like
        to be; the cells it takes are then passed to `over` as blocked.
        """
        cols, rows = self.cols, self.rows
        if cols < 1 or rows < 1:
            return Sheet(bytearray(), bytearray(), [], max(cols, 0), max(rows, 0))
        grid = self._anchors[:]
        for col, row in blocked:
            if 0 <= col < cols and 0 <= row < rows:
                grid[row * cols + col] = _TAKEN
        return Sheet(grid, self._halo, [], cols, rows)

    def over(self, first: Sequence[LabelRequest], blocked: Iterable[tuple[int, int]] = ()) -> list[PlacedLabel]:
        """`first` placed ahead of the base labels, which stay where they were if they still fit."""
        return self.sheet(first, blocked).placed

    def sheet(self, first: Sequence[LabelRequest], blocked: Iterable[tuple[int, int]] = ()) -> Sheet:
        """`over`, with what the labels occupy, for the layers placed after them."""
        cols, rows = self.cols, self.rows
        if cols < 1 or rows < 1:
            return Sheet(bytearray(), bytearray(), [], max(cols, 0), max(rows, 0))
        grid = self._anchors[:]
        halo = self._halo
        by_key = self._by_key
        added = [r for r in first if r.key not in by_key or r.left or r.right]
        if added:  # tokens the view's labels were not placed among: new ones, or marks beside known ones
            halo = halo[:]
            for request in added:
                _add_halo(halo, cols, rows, request, skip_anchor=request.key in by_key)
        for request in first:
            _block_token(grid, cols, rows, request)
        for col, row in blocked:
            if 0 <= col < cols and 0 <= row < rows:
                grid[row * cols + col] = _TAKEN
        placed = _place(grid, halo, first, cols, rows, self._ellipsis, self._shorten)
        taken = {r.key for r in first}  # holds the keys of `placed` too
        kept = [entry for entry in self._base if entry[0].key not in taken]
        placed = _keep_or_move(grid, halo, bool(added), placed, kept, by_key, cols, rows, self._ellipsis, self._shorten)
        return Sheet(grid, halo if added else halo[:], placed, cols, rows)


def _keep_or_move(
    grid: bytearray,
    halo: bytearray,
    recheck: bool,
    placed: list[PlacedLabel],
    kept: Iterable[tuple[PlacedLabel, int]],
    by_key: dict[str, LabelRequest],
    cols: int,
    rows: int,
    ellipsis: str,
    shorten: bool,
) -> list[PlacedLabel]:
    """Add to `placed` each earlier label (with its width) still free where it was, then the others placed again.

    `recheck` when the step's tokens are wider than the ones the earlier
    labels were placed among: a kept label must then still be near no other token.
    """
    displaced: list[LabelRequest] = []
    for label, width in kept:
        at = label.row * cols + label.col
        if (
            0 <= label.row < rows
            and 0 <= label.col <= cols - width
            and grid.count(0, at, at + width) == width
            and (not recheck or _unambiguous(halo, cols, by_key[label.key], label.col, label.row, width))
        ):
            _occupy(grid, cols, label.col, label.row, width)
            placed.append(label)
        else:
            displaced.append(by_key[label.key])
    if displaced:
        placed += _place(grid, halo, displaced, cols, rows, ellipsis, shorten)
    return placed


def _not_hopeless(requests: Sequence[LabelRequest], cols: int, rows: int) -> list[LabelRequest]:
    """The requests but those whose label no position can take: a town's whose cell another token covers too.

    A label is placed only near its own token and near no other. A token of
    one cell (no marks beside it) that shares its cell with another token
    is near every position its own is near, so no label of it is ever
    placed. On a map crowded enough to draw density (20,000 towns in 4,500
    cells) that is nearly every town: leaving them out of the search (their
    tokens stay on the grid) spares most of placing a view's labels.
    """
    on_grid = [r for r in requests if 0 <= r.col < cols and 0 <= r.row < rows]  # the others have no token
    at = Counter((r.col, r.row) for r in on_grid)
    shared = {cell for cell, n in at.items() if n > 1}
    for r in on_grid:  # a token with marks covers their cells too
        if r.left or r.right:
            shared.update((c, r.row) for c in range(r.col - r.left, r.col + r.right + 1) if (c, r.row) in at)
    if not shared:
        return list(requests)
    return [r for r in requests if r.left or r.right or (r.col, r.row) not in shared]


def _blocked_grid(
    requests: Sequence[LabelRequest], cols: int, rows: int, blocked: Iterable[tuple[int, int]]
) -> bytearray:
    grid = bytearray(cols * rows)
    for request in {(r.col, r.row, r.left, r.right): r for r in requests}.values():  # a token once: the same cells
        _block_token(grid, cols, rows, request)
    for col, row in blocked:
        if 0 <= col < cols and 0 <= row < rows:
            grid[row * cols + col] = _TAKEN
    return grid


def _block_token(grid: bytearray, cols: int, rows: int, request: LabelRequest) -> None:
    row = request.row
    if 0 <= row < rows and 0 <= request.col < cols:
        a, b = max(request.col - request.left, 0), min(request.col + request.right + 1, cols)
        grid[row * cols + a : row * cols + b] = b"\x01" * (b - a)


def _halo(requests: Sequence[LabelRequest], cols: int, rows: int) -> bytearray:
    """Per cell, how many token cells a label there would be near (see the module rules).

    What `_add_halo` adds token by token, summed row by row instead: each
    row's token cells are counted, and a cell's halo is the count within
    reach of it on its row and the rows either side, window sums of prefix
    sums done in C (at 20,000 towns, 40,000 calls of `_add_halo` were a third
    of placing the labels).
    """
    if cols <= 0 or rows <= 0:
        return bytearray(max(cols, 0) * max(rows, 0))
    pad = max(NEAR_ON_ROW, NEAR_ACROSS)  # a token further off the grid than this is near no cell of it
    tokens: dict[int, list[int]] = {}
    for request in requests:
        row, col = request.row, request.col
        if not (0 <= row < rows and 0 <= col < cols):
            continue
        counts = tokens.get(row)
        if counts is None:
            counts = tokens[row] = [0] * (cols + 2 * pad)
        for x in range(max(col - request.left, -pad), min(col + request.right, cols + pad - 1) + 1):
            counts[x + pad] += 1
    sums = [[0] * cols for _ in range(rows)]
    for row, counts in tokens.items():
        prefix = [0, *accumulate(counts)]
        for dy, reach in ((0, NEAR_ON_ROW), (-1, NEAR_ACROSS), (1, NEAR_ACROSS)):
            y = row + dy
            if 0 <= y < rows:
                near = map(
                    sub, prefix[pad + reach + 1 : pad + reach + 1 + cols], prefix[pad - reach : pad - reach + cols]
                )
                sums[y] = list(map(add, sums[y], near))
    return bytearray(map(min, chain.from_iterable(sums), repeat(255)))


def _add_halo(
    halo: bytearray, cols: int, rows: int, request: LabelRequest, delta: int = 1, *, skip_anchor: bool = False
) -> None:
    """Count the token's cells into the cells a label would be near them from (`delta` -1 takes them out)."""
    row, col = request.row, request.col
    if not (0 <= row < rows and 0 <= col < cols):
        return
    for x in range(col - request.left, col + request.right + 1):
        if skip_anchor and x == col:
            continue
        for dy, reach in ((0, NEAR_ON_ROW), (-1, NEAR_ACROSS), (1, NEAR_ACROSS)):
            y = row + dy
            if 0 <= y < rows:
                base = y * cols
                for c in range(max(x - reach, 0), min(x + reach + 1, cols)):
                    halo[base + c] = min(255, halo[base + c] + delta)


def _own_share(request: LabelRequest, start: int, row: int, width: int) -> int:
    """How much of the halo over a label's cells its own token accounts for."""
    share = 0
    dy = abs(row - request.row)
    if dy > 1:
        return 0
    reach = NEAR_ON_ROW if dy == 0 else NEAR_ACROSS
    end = start + width - 1
    for x in range(request.col - request.left, request.col + request.right + 1):
        share += max(0, min(end, x + reach) - max(start, x - reach) + 1)
    return share


def _unambiguous(halo: bytearray, cols: int, request: LabelRequest, start: int, row: int, width: int) -> bool:
    at = row * cols + start
    return sum(halo[at : at + width]) == _own_share(request, start, row, width)


def _place(
    grid: bytearray,
    halo: bytearray,
    requests: Sequence[LabelRequest],
    cols: int,
    rows: int,
    ellipsis: str,
    shorten: bool,
) -> list[PlacedLabel]:
    placed: list[PlacedLabel] = []
    # Worked out once labels start failing to fit (a crowded map): on a map with room, where most
    # labels are placed, the counts cost a step's draw more than the searches they spare.
    counted: tuple[list[list[int]], list[list[int]]] | None = None
    failed = 0
    # A shorter form is its first word and the ellipsis (4 cells and more), or its first 4 cells,
    # trailing spaces dropped, and the ellipsis: with a name that starts with a printable ASCII
    # character (1 cell, kept) and an ellipsis of a cell or more, 2 cells or more, or none at all.
    wide_ellipsis = cell_width(ellipsis) >= 1
    for request in sorted(requests, key=_PRIORITY, reverse=True):  # stable: ties keep input order
        col, row = request.col, request.row
        if not (0 <= col < cols and 0 <= row < rows) or not request.text:
            continue
        text = request.text
        width = cell_width(text)
        two = True
        if counted is None and failed >= CROWDED_AFTER:
            counted = _free_counts(grid, cols, rows)
        if counted is not None:
            # Every spot `_free_spot` looks at for this label, or a shorter form of it, lies in these
            # columns of its row and the rows either side. Cells are only ever taken: where they held no
            # free cell, or no two side by side, when the counts were made, they hold none now.
            free, pairs = counted
            lo, hi = max(col - request.left - 1 - width, 0), min(col + request.right + 2 + width, cols)
            near = free[row]
            if near[hi] == near[lo]:
                continue  # no label of any width fits
            near = pairs[row]
            two = hi - 1 > lo and near[hi - 1] > near[lo]
        spot = _free_spot(grid, halo, cols, rows, request, width) if two or width < 2 else None
        if spot is None and shorten:
            if not two and wide_ellipsis and " " < text[0] <= "~":
                continue  # its shorter form is 2 cells or more: no two free cells side by side
            text = _shortened(text, ellipsis)
            width = cell_width(text)
            spot = _free_spot(grid, halo, cols, rows, request, width) if text and (two or width < 2) else None
        if spot is not None:
            start, label_row = spot
            _occupy(grid, cols, start, label_row, width)
            placed.append(PlacedLabel(request.key, start, label_row, text))
        else:
            failed += 1
    return placed


CROWDED_AFTER = 64  # labels that found no spot before the pass counts free cells (see `_place`)


_FREE = bytes([1]) + bytes(255)  # a translation: a free cell becomes 1, any other 0


def _free_counts(grid: bytearray, cols: int, rows: int) -> tuple[list[list[int]], list[list[int]]]:
    """Per row, prefix counts over it and the rows either side: of free cells, and of cells starting two free ones.

    A crowded map (20,000 towns) has a free cell here and there and few pairs:
    most labels, and their shorter forms, are then not looked for at all.
    """
    free: list[list[int]] = []
    pairs: list[list[int]] = []
    for y in range(rows):
        cells = grid[y * cols : (y + 1) * cols].translate(_FREE)
        free.append([0, *accumulate(cells)])
        pairs.append([0, *accumulate(map(mul, cells, cells[1:]))])  # pairs starting before each column but the last
    return _with_neighbours(free, rows), _with_neighbours(pairs, rows)


def _with_neighbours(counts: list[list[int]], rows: int) -> list[list[int]]:
    """Each row's counts plus those of the rows above and below it (prefix counts add up)."""
    none = repeat(0)
    return [
        list(map(add, map(add, counts[r - 1] if r > 0 else none, counts[r]), counts[r + 1] if r + 1 < rows else none))
        for r in range(rows)
    ]


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


def _free_spot(
    grid: bytearray, halo: bytearray, cols: int, rows: int, request: LabelRequest, width: int
) -> tuple[int, int] | None:
    """The first candidate (start col, row) whose cells are all free and near no other token."""
    if width <= 0:
        return None
    col, row = request.col, request.row
    first, last = col - request.left, col + request.right
    last_start = cols - width
    # Every candidate lies within these columns of its row and the rows either side: where none
    # of them holds `width` free cells in a row (a crowded map, most labels), none is looked at.
    lo, hi, free = max(first - 1 - width, 0), min(last + 2 + width, cols), bytes(width)
    at = row * cols
    if not (
        free in grid[at + lo : at + hi]
        or (row > 0 and free in grid[at - cols + lo : at - cols + hi])
        or (row + 1 < rows and free in grid[at + cols + lo : at + cols + hi])
    ):
        return None
    start = last + 2  # right: by far the most common answer, so checked before building the rest
    if start <= last_start:
        base = row * cols + start
        if grid.count(0, base, base + width) == width and _unambiguous(halo, cols, request, start, row, width):
            return start, row
    centred = col - (width - 1) // 2
    for start, label_row in (
        (first - 1 - width, row),  # left, ending at first - 2
        (centred, row - 1),  # above
        (col, row - 1),
        (centred, row + 1),  # below
        (col, row + 1),
        (last + 1, row - 1),  # above-right
        (last + 1, row + 1),  # below-right
        (first - width, row - 1),  # above-left, ending at first - 1
        (first - width, row + 1),  # below-left
    ):
        if 0 <= start <= last_start and 0 <= label_row < rows:
            base = label_row * cols + start
            if grid.count(0, base, base + width) == width and _unambiguous(
                halo, cols, request, start, label_row, width
            ):
                return start, label_row
    return None


def _occupy(grid: bytearray, cols: int, start: int, row: int, width: int) -> None:
    base = row * cols + start
    grid[base : base + width] = b"\x01" * width
    if start > 0 and not grid[base - 1]:
        grid[base - 1] = _GAP
    if start + width < cols and not grid[base + width]:
        grid[base + width] = _GAP
