"""Towns per map cell, for maps more crowded than one town per cell.

Twenty thousand towns on a 200-column map are several per cell: drawn as
glyphs, the last one listed in a cell hides the others and the map shows
noise. Above `CROWDED` towns per cell (over the whole map) each occupied cell
shows how many towns it holds (1 to 9, `+` for more), in the colour of the
holder of most of them; the map's key line says so (`KEY`).

The counts of one view and size are kept and updated from the towns that
changed holder since the last step drawn, so a step costs a pass over the
holders (to find what changed), not a recount of every cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

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
        self._cell_of: dict[int, Spot] = {i: (col, row) for i, col, row in listed}
        self._members: dict[Spot, list[int]] = {}
        for i, col, row in listed:
            self._members.setdefault((col, row), []).append(i)
        self._rank = {holder: k for k, holder in enumerate(order)}
        self._counts: dict[Spot, Counter[str]] = {}
        self._holders: Sequence[str] | None = None
        self.looks: dict[Spot, tuple[str, str]] = {}  # cell -> (the count's character, the holder of most)

    def update(self, holders: Sequence[str]) -> dict[Spot, tuple[str, str]]:
        """Each occupied cell's (character, holder) for these holders (indexed like the scenario's towns)."""
        old = self._holders
        if old is None or len(old) != len(holders):
            for spot, members in self._members.items():
                counts = self._counts[spot] = Counter(holders[i] for i in members)
                self.looks[spot] = self._look(counts, len(members))
        elif old is not holders:
            touched: set[Spot] = set()
            cell_of = self._cell_of
            for i in [i for i, (a, b) in enumerate(zip(old, holders)) if a != b]:
                found = cell_of.get(i)
                if found is not None:
                    spot = found
                    counts = self._counts[spot]
                    counts[old[i]] -= 1
                    counts[holders[i]] += 1
                    touched.add(spot)
            for spot in touched:
                self.looks[spot] = self._look(self._counts[spot], len(self._members[spot]))
        self._holders = holders
        return self.looks

    def _look(self, counts: Counter[str], n: int) -> tuple[str, str]:
        rank = self._rank
        holder = min(counts, key=lambda h: (-counts[h], rank.get(h, len(rank)), h))
        return count_char(n), holder
