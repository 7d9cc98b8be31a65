"""Towns per map cell, for maps more crowded than one town per cell.

Twenty thousand towns on a 200-column map are several per cell: drawn as
glyphs, the last one listed in a cell hides the others and the map shows
noise. Above `CROWDED` towns per cell (over the whole map) each occupied cell
shows how many towns it holds (1 to 9, `+` for more), in the colour of the
holder of most of them; the map's key line says so (`KEY`).

The looks of one view and size are kept; a step finds the towns that changed
holder since the last step drawn (a pass over the holders, in C) and
recounts only their cells, and the map rewrites only those cells. A jump
changes thousands of towns: then every cell is recounted at once, holder by
holder, with the counting done by C loops (`Counter`, `map`) rather than one
Python `Counter` per cell (at 20,000 towns a third less CPU: 28 -> 17 ms here).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import compress, count, repeat
from operator import add, floordiv, mod, mul, ne

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
        self._by_row: dict[int, list[int]] | None = None
        self.looks: dict[Spot, tuple[str, str]] = {}  # cell -> (the count's character, the holder of most)
        # For recounting every cell at once: cells by number, each listed town's cell number.
        self._spots = list(self._members)
        number = {spot: k for k, spot in enumerate(self._spots)}
        self._cell_of: dict[int, int] = {i: number[col, row] for i, col, row in listed}  # town -> its cell's number
        self._listed = [i for i, _, _ in listed]
        self._every_town = self._listed == list(range(len(self._listed)))  # all the towns, in order: no lookup
        self._town_cell = [number[col, row] for _, col, row in listed]
        self._spread: tuple[int, list[int]] = (0, [])  # (holders present, each town's cell number times that)
        self._chars = [count_char(len(self._members[spot])) for spot in self._spots]
        self._winners: list[str] = []  # the holder of most of each cell, by number

    def update(self, holders: Sequence[str], moved: Iterable[int] | None = None) -> set[Spot] | None:
        """Bring each occupied cell's (character, holder) in `looks` to these holders (indexed like the towns).

        `moved` names the towns that may have changed holder since the last
        update (the towns a step changed, as the timeline knows them), none
        left out; without it they are found by comparing every holder.
        Returns the cells whose look may have changed since the last update,
        or None when every cell was worked out afresh.
        """
        old = self._holders
        self._holders = holders
        if old is None or len(old) != len(holders):
            self._winners = self._recount(holders)
            self.looks = dict(zip(self._spots, zip(self._chars, self._winners)))
            return None
        if old is holders:
            return set()
        cell_of, spots, winners = self._cell_of, self._spots, self._winners
        # the towns that changed hands, found in C if the caller does not know them (a step at 20,000 towns
        # changes a few); their cells are recounted from their own few towns
        found = list(compress(count(), map(ne, old, holders))) if moved is None else list(moved)
        if 8 * len(found) > len(spots):  # a jump: recount every cell at once, keep those that differ
            fresh = self._recount(holders)
            changed = list(compress(count(), map(ne, winners, fresh)))
            self._winners = fresh
            touched = list(map(spots.__getitem__, changed))
            self.looks.update(zip(touched, zip(map(self._chars.__getitem__, changed), map(fresh.__getitem__, changed))))
            return set(touched)
        looks, members, look = self.looks, self._members, self._look
        touched_cells = {cell_of[i] for i in found if i in cell_of}
        for k in touched_cells:
            spot = spots[k]
            new = looks[spot] = look(members[spot], holders)
            winners[k] = new[1]
        return {spots[k] for k in touched_cells}

    def _recount(self, holders: Sequence[str]) -> list[str]:
        """Every cell's holder of most (in `_spots` order), counted in C loops (`Counter`, `map`, a sort).

        Each (cell, holder) present is one integer, cell number times the
        holders present plus the holder's tie rank (higher for a holder
        earlier in the order); `Counter` counts the towns of each. Scored as
        count, then that integer, and sorted, each cell's pairs come last
        the holder of most (ties broken as `_look` breaks them), so a dict
        built from them in that order keeps each cell's winner.
        """
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
        cells = len(self._spots)
        span = cells * wide
        tally = Counter(map(add, self._spread[1], map(tie.__getitem__, held)))
        pairs = list(map(mod, sorted(map(add, map(mul, tally.values(), repeat(span)), tally)), repeat(span)))
        best = dict(zip(map(floordiv, pairs, repeat(wide)), pairs))  # cell -> its winning pair (the last)
        return list(map(by_tie.__getitem__, map(mod, map(best.__getitem__, range(cells)), repeat(wide))))

    def columns_by_row(self) -> dict[int, list[int]]:
        """The occupied cells' columns, by row (worked out once)."""
        if self._by_row is None:
            self._by_row = {}
            for col, row in self._members:
                self._by_row.setdefault(row, []).append(col)
        return self._by_row

    def _look(self, there: list[int], holders: Sequence[str]) -> tuple[str, str]:
        """The count of the towns `there` and the holder of most of them (ties: by `order`, then by id)."""
        if len(there) == 1:  # the commonest cell
            return "1", holders[there[0]]
        counts = Counter([holders[i] for i in there])
        most = max(counts.values())
        tied = [h for h, c in counts.items() if c == most]
        if len(tied) == 1:
            return count_char(len(there)), tied[0]
        rank = self._rank
        return count_char(len(there)), min(tied, key=lambda h: (rank.get(h, len(rank)), h))
