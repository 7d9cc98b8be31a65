"""Areas of control on land: which town's area every cell of a view is in, and what that says at a step.

An area is what a briefer infers from towns, not data: a cell belongs to the
nearest town within a radius (`sitboard.geo.shading`), and only if the cell is
land in the same country as the town. So areas stop at the coast and at lakes,
and do not spill across an international border: a faction that holds towns
on both sides of one has areas on both sides, each grown from its own
country's towns. Land that Natural Earth puts in no country (the Israeli-held
Golan) is a region of its own, shaded only from towns inside it.

The geometry does not depend on who holds what, so it is worked out once per
view and size (`Territory`): a town index per cell. A step then only looks up
each cell's town in the step's holders, which costs the same at 2,000 towns
as at 8. Fronts (where two holders' areas meet) and the cells that changed
hands at a step come from the same index.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Hashable, Sequence
from itertools import chain
from typing import TYPE_CHECKING, TypeVar

from sitboard.geo.projection import Projection

if TYPE_CHECKING:  # the data and the shading are loaded when areas are first drawn, not at start-up
    from sitboard.geo.context import Context, CountryGrid

K = TypeVar("K", bound=Hashable)

NO_TOWN = -1
RIGHT, BELOW = 1, 2  # the edges of a cell a front runs along (see `Territory.fronts`)
# Fill patterns, one per holder in the scenario's order (factions, then contested), for boards that
# cannot show a tint: NO_COLOR, --ascii, and terminals of 16 or 256 colours. Drawn on every other cell.
FILLS = ("·", "╱", "+", "∶", "=", "╲", "×", "°", "‥", "¨")
FILLS_ASCII = (".", ":", "+", "=", "'", '"', "x", ",", "`", ";")  # not the coast's / \\ | - _
# A front drawn on the edge of a cell (a vertical bar on its right side, a line along its bottom).
FRONT_GLYPHS = {RIGHT: "▕", BELOW: "▁", RIGHT | BELOW: "▕"}
FRONT_GLYPHS_ASCII = {RIGHT: "|", BELOW: "_", RIGHT | BELOW: "|"}
EXTENT = "nearest town within a radius, land only, within borders"
_MIN_RADIUS_KM, _MAX_RADIUS_KM = 5.0, 60.0
_VIEW_SHARE = 12  # the radius is a twelfth of the view's width, within the bounds above
_SHORE_SEARCH = 2  # cells around a town whose point falls in water, to find its land


def area_radius_km(projection: Projection) -> float:
    """How far a town's area reaches in this view: a twelfth of the view's width, from 5 to 60 km.

    Scaled to the view so that areas read at any zoom; bounded so that a town
    never claims a province, nor only its own cell.
    """
    width_km = projection.km_per_col() * projection.cols
    return max(_MIN_RADIUS_KM, min(_MAX_RADIUS_KM, width_km / _VIEW_SHARE))


class _Padded:
    """The view's projection with a margin of whole cells around it, for `Context.country_grid`.

    Towns just outside the view can own cells inside it; their country is
    read from the margin, in the same pass as the view's own cells.
    """

    def __init__(self, projection: Projection, pad_cols: int, pad_rows: int) -> None:
        self.cols = projection.cols + 2 * pad_cols
        self.rows = projection.rows + 2 * pad_rows
        self._project = projection.project
        self._dx, self._dy = float(pad_cols), float(pad_rows)

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self._project(lat, lon)
        return x + self._dx, y + self._dy


class Territory:
    """One view at one size: the land and country of every cell, and the town whose area each cell is in.

    `regions[row * cols + col]` is the cell's region (an index into the
    context's countries, `SEA` or `LAKE`, as `Context.country_grid` gives it);
    `nearest` is the index of the town whose area holds the cell, or
    `NO_TOWN`. `town_region[i]` is the region a town's area may cover (its own
    country; for a point that falls just offshore, the land next to it).
    """

    def __init__(self, projection: Projection, towns: Sequence[tuple[float, float]], context: Context) -> None:
        self.cols, self.rows = cols, rows = projection.cols, projection.rows
        self.radius_km = radius = area_radius_km(projection)
        reach = radius / projection.km_per_col()  # in cell widths
        pad_cols, pad_rows = math.ceil(reach) + 1, math.ceil(reach / projection.cell_aspect) + 1
        padded = _Padded(projection, pad_cols, pad_rows)
        grid = context.country_grid(padded)
        self.regions = _inner(grid, pad_cols, pad_rows, cols, rows)
        self.town_region = [_region_near(grid, *padded.project(lat, lon)) for lat, lon in towns]
        self.nearest = self._nearest(projection, towns, radius)
        self._cells_of: dict[int, list[int]] | None = None
        self._meetings: list[tuple[int, int, int, int]] | None = None
        self._checker: list[tuple[int, int, int]] | None = None

    def _nearest(self, projection: Projection, towns: Sequence[tuple[float, float]], radius: float) -> array[int]:
        """Per cell, the nearest town of the cell's own region within the radius (ties: the earlier town)."""
        nearest = array("i", [NO_TOWN]) * (self.cols * self.rows)
        by_region: dict[int, list[tuple[float, float, int]]] = {}
        for i, (lat, lon) in enumerate(towns):
            region = self.town_region[i]
            if region >= 0:
                by_region.setdefault(region, []).append((lat, lon, i))
        if not by_region:
            return nearest
        cells_of: dict[int, list[int]] = {}
        for k, region in enumerate(self.regions):
            if region in by_region:
                cells_of.setdefault(region, []).append(k)
        for region, cells in cells_of.items():
            from sitboard.geo.shading import shade_cells

            flat = list(chain.from_iterable(shade_cells(projection, by_region[region], radius)))
            for k in cells:
                town = flat[k]
                if town is not None:
                    nearest[k] = town
        return nearest

    def is_land(self, col: int, row: int) -> bool:
        return self.regions[row * self.cols + col] >= 0

    def cells_of(self, town: int) -> list[int]:
        """The cells (row * cols + col) in a town's area."""
        if self._cells_of is None:
            self._cells_of = {}
            for k, i in enumerate(self.nearest):
                if i != NO_TOWN:
                    self._cells_of.setdefault(i, []).append(k)
        return self._cells_of.get(town, [])

    def owners(self, town_keys: Sequence[K | None]) -> list[K | None]:
        """Per cell (row-major), the key of the town whose area it is in (`town_keys` is indexed like the towns)."""
        return [None if i == NO_TOWN else town_keys[i] for i in self.nearest]

    def meetings(self) -> list[tuple[int, int, int, int]]:
        """(cell, edge, town, town beyond the edge) wherever two towns' areas meet (`edge`: RIGHT or BELOW).

        The same at every step: a step's fronts are the meetings of towns
        whose holders differ, which costs a pass over these, not over the grid.
        """
        if self._meetings is None:
            out: list[tuple[int, int, int, int]] = []
            nearest, cols, rows = self.nearest, self.cols, self.rows
            for k, a in enumerate(nearest):
                if a == NO_TOWN:
                    continue
                if (k + 1) % cols:
                    b = nearest[k + 1]
                    if b not in (a, NO_TOWN):
                        out.append((k, RIGHT, a, b))
                if k + cols < cols * rows:
                    b = nearest[k + cols]
                    if b not in (a, NO_TOWN):
                        out.append((k, BELOW, a, b))
            self._meetings = out
        return self._meetings

    def fronts(self, town_keys: Sequence[Hashable | None]) -> list[tuple[int, int, int]]:
        """Where two holders' areas meet: (col, row, edges) of the cell left of or above each meeting.

        `edges` is a bit set: `RIGHT` when the cell's right neighbour is
        another holder's, `BELOW` when the cell below is; each boundary is
        thus drawn once, on the edge between the two cells. `town_keys` gives
        each town's holder (None: no holder, no front).
        """
        edges: dict[int, int] = {}
        for k, edge, a, b in self.meetings():
            here, there = town_keys[a], town_keys[b]
            if here != there and here is not None and there is not None:
                edges[k] = edges.get(k, 0) | edge
        cols = self.cols
        return [(k % cols, k // cols, bits) for k, bits in edges.items()]

    def checker(self) -> list[tuple[int, int, int]]:
        """(row, col, town) of every other cell (a checkerboard) in some town's area: where a fill pattern goes."""
        if self._checker is None:
            cols = self.cols
            self._checker = [
                (k // cols, k % cols, i)
                for k, i in enumerate(self.nearest)
                if i != NO_TOWN and not (k // cols + k % cols) & 1
            ]
        return self._checker

    def changed(self, towns: Sequence[int]) -> list[int]:
        """The cells of these towns' areas, in row-major order: the land that changed hands with them."""
        return sorted(chain.from_iterable(self.cells_of(i) for i in towns))


def fill_pattern(order: int, *, ascii_only: bool) -> str:
    """The fill of the holder at `order` in the scenario's holders (patterns repeat past ten holders)."""
    fills = FILLS_ASCII if ascii_only else FILLS
    return fills[order % len(fills)]


def _inner(grid: CountryGrid, pad_cols: int, pad_rows: int, cols: int, rows: int) -> array[int]:
    """The view's own cells out of the padded grid."""
    out = array("h")
    for row in range(pad_rows, pad_rows + rows):
        start = row * grid.cols + pad_cols
        out.extend(grid.cells[start : start + cols])
    return out


def _region_near(grid: CountryGrid, x: float, y: float) -> int:
    """The land region at a point of the padded grid; for a point in water, the nearest land within a few cells.

    Coordinates of a coastal town often fall a little offshore at the
    data's resolution; its area is then the land beside it. A point beyond
    the padded grid cannot own a visible cell: SEA.
    """
    from sitboard.geo.context import LAKE, SEA

    if not (math.isfinite(x) and math.isfinite(y)):
        return SEA
    col, row = math.floor(x), math.floor(y)
    if not (0 <= col < grid.cols and 0 <= row < grid.rows):
        return SEA
    here = grid.at(col, row)
    if here >= 0:
        return here
    best: tuple[float, int] | None = None
    for dy in range(-_SHORE_SEARCH, _SHORE_SEARCH + 1):
        for dx in range(-_SHORE_SEARCH, _SHORE_SEARCH + 1):
            c, r = col + dx, row + dy
            if 0 <= c < grid.cols and 0 <= r < grid.rows:
                region = grid.at(c, r)
                if region >= 0:
                    d = (c + 0.5 - x) ** 2 + ((r + 0.5 - y) * 2.0) ** 2
                    if best is None or d < best[0]:
                        best = (d, region)
    return best[1] if best is not None else (LAKE if here == LAKE else SEA)
