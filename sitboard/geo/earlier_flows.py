"""The static layer with the earlier flows on it, each new one made from a kept one by what changed.

A map draws, dimmed, the last MAX_OLD_FLOWS origin/destination pairs of
earlier steps, oldest first. A step into or out of a step with flows changes
them by a few arrows: added at the recent end, dropped at the old end, or a
pair drawn again moved to the top. Drawing every arrow again on a copy of the
static canvas cost 7-10 ms at 20,000 towns (each arrow walked dot by dot,
then the canvas turned into cells), the most of the slowest steps.

Here each arrow's marks (`canvas.ArrowRecorder`: its dots or strokes and its
head, by cell) are kept by its pair, and a new layer is the nearest kept one
with only the cells under the arrows that were added, dropped or moved made
again: each from the static canvas's cell with the marks of every arrow
over it applied in drawing order (`redrawn`), which is what drawing all the
arrows in turn leaves there. Any other cell has the same arrows over it, in
the same order, as in the kept layer: it is the same. A layer far from any
kept one (a jump) is drawn afresh, its arrows' marks recorded on the way.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

from sitboard.geo.canvas import ArrowRecorder, AsciiCanvas, BrailleCanvas, Grid, Mark, Marks

Pair = tuple[str, str]  # (origin, destination)
Flows = tuple[Pair, ...]  # the earlier flows a layer draws, oldest first
Line = tuple[float, float, float, float]  # where an arrow runs, in cells: (x0, y0, x1, y1)


class EarlierFlows:
    """The layers of one view and size by their earlier flows; a few are kept (a briefer jumps to the ends and back)."""

    KEPT = 4
    SPARE_MARKS = 256  # marks of arrows no kept layer draws, kept beyond twice those drawn (a jump back finds them)

    def __init__(
        self,
        static: BrailleCanvas | AsciiCanvas,
        style: str,
        line: Callable[[Pair], Line],
        marks: dict[Pair, Marks],
        *,
        ascii: bool,
    ) -> None:
        """Arrows in `style` where `line` says, with `ascii` heads, over `static`.

        `marks` is the view's store of arrows' marks, by pair: kept by the
        caller, it outlives a static layer drawn again (with its rivers).
        """
        self._static = static
        self._style = style
        self._line = line
        self._ascii = ascii
        self._marks = marks
        self._recorder: ArrowRecorder | None = None  # records the arrows a layer made from a kept one adds
        self._kept: dict[Flows, Grid] = {}  # the most recently used last

    def grid(self, flows: Flows) -> Grid:
        """The layer with `flows` drawn over the static one, kept: callers copy it before drawing on it.

        Made from the nearest kept layer when few arrows differ (`_near`);
        else (a jump far off) drawn afresh, recording every arrow's marks on
        the way for the layers made from it.
        """
        layer = self._kept.pop(flows, None)
        if layer is None:
            start = self._nearest(flows)
            if start is None:
                layer = self._drawn(flows)
            else:
                layer = [row[:] for row in self._kept[start]]
                self._redraw(layer, self.changed(start, flows), flows)
            if len(self._kept) >= self.KEPT:
                del self._kept[next(iter(self._kept))]
            self._forget_marks(flows)
        self._kept[flows] = layer
        return layer

    def changed(self, before: Flows, after: Flows) -> set[int]:
        """The cells (row * cols + col) that may differ between the layers of `before` and of `after`.

        Those under an arrow drawn in one and not the other, or under one
        whose order among the arrows both draw changed; the arrows both draw
        in the same order put the same marks in the same order elsewhere.
        """
        old, new = set(before), set(after)
        redrawn = old ^ new
        kept_before = [pair for pair in before if pair in new]
        kept_after = [pair for pair in after if pair in old]
        if kept_before != kept_after:
            redrawn.update(_moved(kept_before, kept_after))
        cells: set[int] = set()
        for pair in redrawn:
            marks = self._marks_of(pair)
            cells.update(marks.line)
            if marks.head_at >= 0:
                cells.add(marks.head_at)
        return cells

    def near(self, before: Flows, after: Flows) -> bool:
        """Whether the layer of `after` is best made from that of `before` than drawn afresh (`_near`)."""
        return len(set(after).symmetric_difference(before)) < _near(after)

    def _nearest(self, flows: Flows) -> Flows | None:
        """The kept layer fewest arrows away from `flows`, if it is `near`."""
        wanted = set(flows)
        best = None
        distance = _near(flows)
        for kept in reversed(self._kept):  # the most recent first: it wins a tie
            d = len(wanted.symmetric_difference(kept))
            if d < distance:
                best, distance = kept, d
        return best

    def _drawn(self, flows: Flows) -> Grid:
        """The layer drawn afresh: each arrow in turn on a copy of the static canvas, its marks kept."""
        recorder = ArrowRecorder(self._static, self._style, ascii=self._ascii)
        for pair in flows:
            self._marks[pair] = recorder.record(*self._line(pair))
        return recorder.cells()

    def _redraw(self, layer: Grid, cells: set[int], flows: Flows) -> None:
        """Make `cells` of `layer` again: the static canvas's, with each arrow of `flows` over them in turn."""
        found: dict[int, list[Mark]] = {index: [] for index in cells}
        for pair in flows:
            line, head_at, head = self._marks_of(pair)
            for index in line.keys() & cells:
                found[index].append((line[index], head if index == head_at else ""))
            if head_at not in line and head_at in cells:
                found[head_at].append((0, head))
        cols = self._static.cols
        for index, cell in self._static.redrawn(found, self._style):
            row, col = divmod(index, cols)
            layer[row][col] = cell

    def _marks_of(self, pair: Pair) -> Marks:
        marks = self._marks.get(pair)
        if marks is None:
            if self._recorder is None:
                self._recorder = ArrowRecorder(self._static, self._style, ascii=self._ascii)
            marks = self._marks[pair] = self._recorder.record(*self._line(pair))
        return marks

    def _forget_marks(self, flows: Flows) -> None:
        """Keep the marks of the arrows of the kept layers (and `flows`) once the store holds many more."""
        drawn = set(flows).union(*self._kept)
        if len(self._marks) > 2 * len(drawn) + self.SPARE_MARKS:
            for pair in [pair for pair in self._marks if pair not in drawn]:
                del self._marks[pair]


def _near(flows: Flows) -> int:
    """How few arrows must differ from a kept layer's for a layer of `flows` to be made from it.

    Drawing afresh costs each arrow's dots and then every cell of the map
    (about 16 arrows' worth); making from a kept layer costs each changed
    arrow's cells, each several times over (as many as the arrows over it).
    """
    return len(flows) // 2 + 16


def _moved(before: list[Pair], after: list[Pair]) -> Iterable[Pair]:
    """Pairs of `after` (the same pairs as `before`, reordered) outside a longest run in `before`'s order.

    The rest keep their order relative to each other: only the cells of
    these need making again.
    """
    position = {pair: k for k, pair in enumerate(before)}
    order = [position[pair] for pair in after]
    # Longest increasing subsequence of `order` (patience sorting), by index into `after`.
    tails: list[int] = []  # the smallest last position of a run of each length
    tail_at: list[int] = []  # the index in `after` of that last element
    previous = [-1] * len(order)
    for k, value in enumerate(order):
        length = bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_at.append(k)
        else:
            tails[length] = value
            tail_at[length] = k
        previous[k] = tail_at[length - 1] if length else -1
    in_run = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        in_run.add(k)
        k = previous[k]
    return [pair for k, pair in enumerate(after) if k not in in_run]
