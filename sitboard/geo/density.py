"""Towns per map cell, for maps more crowded than one town per cell.

Twenty thousand towns on a 200-column map are several per cell: drawn as
glyphs, the last one listed in a cell hides the others and the map shows
noise. Above `CROWDED` towns per cell (over the whole map) each occupied cell
shows how many towns it holds (1 to 9, `+` for more), in the colour of the
holder of most of them; the map's key line says so (`KEY`).

The looks of one view and size are kept; a step is handed the towns that
changed holder (the timeline knows them) or finds them (a pass over the
holders, in C), recounts only their cells, and the map rewrites only those
cells. A jump changes most towns (Home to End at 20,000 towns: 15,000): then
every cell is recounted at once by C loops (`Counter`, `map`, `max`) rather
than one Python `Counter` per cell (20 -> 8-12 -> 5-6 ms here), and the map writes
every occupied cell, row by row, in C too.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Sequence
from itertools import compress, count, repeat
from operator import add, mod, mul, ne

CROWDED = 1.0  # towns on the map per cell of it, above which density is drawn
KEY = "digits: towns per cell, coloured by the holder of most"
KEY_ASCII = KEY

Spot = tuple[int, int]  # (col, row)


def crowded(towns_on_map: int, cols: int, rows: int) -> bool:
    """Whether a map of `cols` x `rows` cells with this many towns on it draws density rather than glyphs."""
    return towns_on_map > CROWDED * cols * rows


def count_char(n: int) -> str:
    return str(n) if n <= 9 else "+"


class Density:
    """The per-cell counts by holder of one view and size, kept in step with the holders drawn last.

    `listed` is (town index, col, row) of every town on the map; `order`
    ranks holders for ties (the scenario's factions first, in file order).
    """

    def __init__(self, listed: Sequence[tuple[int, int, int]], order: Sequence[str]) -> None:
        self._members: dict[Spot, list[int]] = {}
        for i, col, row in listed:
            self._members.setdefault((col, row), []).append(i)
        self._rank = {holder: k for k, holder in enumerate(order)}
        self._holders: Sequence[str] | None = None
        # Cells by number, row by row (left to right), so that a row's cells are a run of numbers.
        self._spots = sorted(self._members, key=lambda spot: (spot[1], spot[0]))
        self._numbers = number = {spot: k for k, spot in enumerate(self._spots)}
        self._cell_of: dict[int, int] = {i: number[col, row] for i, col, row in listed}  # town -> its cell's number
        self._listed = [i for i, _, _ in listed]
        self._every_town = self._listed == list(range(len(self._listed)))  # all the towns, in order: no lookup
        self._town_cell = [number[col, row] for _, col, row in listed]
        self._spread: tuple[int, list[int]] = (0, [])  # (holders present, each town's cell number times that)
        self._chars = [count_char(len(self._members[spot])) for spot in self._spots]
        self._winners: list[str] = []  # the holder of most of each cell, by number
        rows: dict[int, list[int]] = {}
        for col, row in self._spots:
            rows.setdefault(row, []).append(col)
        self._by_row = rows
        # (row, its occupied columns, the first cell number and the one past its last), row by row
        self.rows: list[tuple[int, list[int], int, int]] = []
        first = 0
        for row, cols in rows.items():
            self.rows.append((row, cols, first, first + len(cols)))
            first += len(cols)

    @property
    def looks(self) -> dict[Spot, tuple[str, str]]:
        """cell -> (the count's character, the holder of most), as of the last update."""
        return dict(zip(self._spots, self.looks_by_number()))

    def looks_by_number(self) -> list[tuple[str, str]]:
        """Each cell's (count's character, holder of most), in the order of `rows`."""
        return list(zip(self._chars, self._winners))

    def look(self, spot: Spot) -> tuple[str, str]:
        """One occupied cell's (count's character, holder of most)."""
        k = self._numbers[spot]
        return self._chars[k], self._winners[k]

    def holds(self, spot: Spot) -> bool:
        """Whether a cell holds a town (has a count)."""
        return spot in self._numbers

    def snapshot(self) -> list[str]:
        """The holder of most of each cell, to `restore` when the same holders come back."""
        return self._winners[:]

    def restore(self, holders: Sequence[str], snapshot: list[str]) -> None:
        """Back to a `snapshot` taken with these holders (counted then: a jump back to a step seen)."""
        self._holders = holders
        self._winners = snapshot[:]

    def update(
        self, holders: Sequence[str], moved: Iterable[int] | None = None, *, far: bool = False
    ) -> set[Spot] | None:
        """Bring each occupied cell's (character, holder) to these holders (indexed like the towns).

        `moved` names the towns that may have changed holder since the last
        update (the towns a step changed, as the timeline knows them), none
        left out; without it they are found by comparing every holder, unless
        the caller says the holders are `far` from the last (most will have
        changed): then every cell is recounted without comparing.
        Returns the cells whose look may have changed since the last update,
        or None when every cell was worked out afresh (a jump: most of them).
        """
        old = self._holders
        self._holders = holders
        if old is not None and old is holders:
            return set()
        found: list[int] | None = None
        if old is not None and len(old) == len(holders) and not far:
            # the towns that changed hands, found in C if the caller does not know them (a step at 20,000 towns
            # changes a few); their cells are recounted from their own few towns
            found = list(compress(count(), map(ne, old, holders))) if moved is None else list(moved)
        if found is None or 8 * len(found) > len(self._spots):  # a jump: recount every cell at once
            self._winners = self._recount(holders)
            return None
        spots = self._spots
        return {spots[k] for k in self._recount_cells(holders, found)}

    def step_from(self, snapshot: list[str], holders: Sequence[str], moved: Iterable[int]) -> None:
        """Back to a `snapshot`, then on to `holders`: those it was taken with but for the towns `moved`."""
        self._holders = holders
        self._winners = snapshot[:]
        self._recount_cells(holders, moved)

    def _recount_cells(self, holders: Sequence[str], towns: Iterable[int]) -> set[int]:
        """The cells (by number) of these towns, each recounted with `holders`."""
        cell_of, spots, winners, members, look = self._cell_of, self._spots, self._winners, self._members, self._look
        touched = {cell_of[i] for i in towns if i in cell_of}
        for k in touched:
            winners[k] = look(members[spots[k]], holders)
        return touched

    def _recount(self, holders: Sequence[str]) -> list[str]:
        """Every cell's holder of most (in `_spots` order), counted in C loops (`Counter`, `map`, `max`).

        Each (cell, holder) present is one integer, cell number times the
        holders present plus the holder's tie rank (higher for a holder
        earlier in the order); `Counter` counts the towns of each, and each
        pair present is scored, count times `wide` plus the tie rank, into a
        list by that integer, so that every `wide`-th score, from a tie rank
        on, is that holder's in each cell (0 where it holds none, below any
        score). A cell's highest score is the holder of most (ties broken as
        `_look` breaks them). Scoring only the pairs present, not every cell
        times every holder, took a fifth off; a sort of the pairs by score
        did the same in twice the time.
        """
        if not self._spots:
            return []  # no town on the map
        held = (
            holders
            if self._every_town and len(holders) == len(self._listed)
            else list(map(holders.__getitem__, self._listed))
        )
        rank = self._rank
        present = sorted(set(held), key=lambda h: (rank.get(h, len(rank)), h))
        wide = len(present)
        tie = {holder: wide - 1 - k for k, holder in enumerate(present)}
        by_tie = present[::-1]  # tie rank -> holder
        if self._spread[0] != wide:
            self._spread = (wide, list(map(mul, self._town_cell, repeat(wide))))
        tally = Counter(map(add, self._spread[1], map(tie.__getitem__, held)))
        keys = list(tally)
        scores = [0] * (len(self._spots) * wide)
        scored = map(add, map(mul, tally.values(), repeat(wide)), map(mod, keys, repeat(wide)))
        deque(map(scores.__setitem__, keys, scored), maxlen=0)
        best = map(max, *(scores[t::wide] for t in range(wide))) if wide > 1 else scores  # every cell holds a town
        return list(map(by_tie.__getitem__, map(mod, best, repeat(wide))))

    def columns_by_row(self) -> dict[int, list[int]]:
        """The occupied cells' columns, by row."""
        return self._by_row

    def _look(self, there: list[int], holders: Sequence[str]) -> str:
        """The holder of most of the towns `there` (ties: by `order`, then by id)."""
        if len(there) == 1:  # the commonest cell
            return holders[there[0]]
        counts = Counter([holders[i] for i in there])
        most = max(counts.values())
        tied = [h for h, c in counts.items() if c == most]
        if len(tied) == 1:
            return tied[0]
        rank = self._rank
        return min(tied, key=lambda h: (rank.get(h, len(rank)), h))
