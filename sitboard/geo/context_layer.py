"""What situates a viewer on the map: country, sea, lake and river names, rivers, and dim populated places.

All of it is the same at every step, so a view works it out once
(`ContextLayer`): the lines to draw under everything (rivers, lake shores),
and the names with the spots where each may go, best first. The scene places
the names after the towns' labels, on the same occupancy (`labels.Sheet`), so
a context name never crowds a town: it goes elsewhere or is dropped, and
populated places are dropped first of all.

Names are in English, the language of the legend (Natural Earth's NAME_EN);
seas come from a curated table (`sitboard.geo.seas`). The layers are named so
that the board can toggle each one: `LAYERS`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from sitboard.geo.context import SEA, Context, CountryGrid
from sitboard.geo.projection import Projection
from sitboard.geo.seas import SEAS
from sitboard.geo.text import cell_width, display
from sitboard.state import CONTEXT_LAYERS

COUNTRIES, WATER, RIVERS, PLACES = LAYERS = CONTEXT_LAYERS
LANGUAGE = "en"
MAX_PLACES = 60  # per view: orientation, not a gazetteer
_NEAR_TOWN_DEG = 0.12  # a populated place this close to a scenario town is that town (Hims, Homs)


class ContextName(NamedTuple):
    key: str  # "country:SYR", "sea:Red Sea", "lake:3", "river:Euphrates"
    text: str
    spots: list[tuple[int, int]]  # first cells where the name may start, best first
    style: str  # ctx-country, ctx-water


class ContextPlace(NamedTuple):
    key: str
    text: str
    col: int
    row: int


class ContextLayer:
    """One view's context: lines (projected, with their style), names to place, places to dot."""

    @classmethod
    def none(cls) -> ContextLayer:
        """No context at all (drawn while a view's is being made)."""
        empty: ContextLayer = cls.__new__(cls)
        empty.lines, empty.names, empty.places = [], [], []
        return empty

    def __init__(
        self,
        projection: Projection,
        context: Context,
        towns: Sequence[tuple[float, float]],
        *,
        ascii_only: bool,
        shown: frozenset[str],
    ) -> None:
        self.lines: list[tuple[list[tuple[float, float]], str]] = []
        self.names: list[ContextName] = []
        self.places: list[ContextPlace] = []
        if not shown:
            return
        e = projection.extent
        width_deg = e.east - e.west
        grid = context.country_grid(projection) if shown & {COUNTRIES, WATER} else None
        if COUNTRIES in shown and grid is not None:
            self.names += _country_names(projection, context, grid, ascii_only)
        if WATER in shown and grid is not None:
            self.names += _sea_names(projection, grid, ascii_only)
            self.names += _lake_names(projection, context, ascii_only, width_deg)
        if RIVERS in shown:
            rank = _river_rank(width_deg)
            longest: dict[str, tuple[int, list[tuple[float, float]]]] = {}
            for piece in context.river_lines_in(e.west, e.south, e.east, e.north, max_rank=rank):
                points = projection.project_all(piece.points)
                self.lines.append((points, "line:river"))
                inside = [(x, y) for x, y in points if 0 <= x < projection.cols and 0 <= y < projection.rows]
                name = river_name(piece.river.name) if piece.river.kind == "River" else ""
                if name and len(inside) > longest.get(name, (0, []))[0]:
                    longest[name] = (len(inside), inside)
            for name, (_, inside) in longest.items():
                text = display(name, ascii=ascii_only)
                x, y = inside[len(inside) // 2]
                self.names.append(ContextName(f"river:{name}", text, _around(x, y, cell_width(text)), "ctx-water"))
        if PLACES in shown:
            self.places = _places(projection, context, towns, ascii_only, width_deg)


# Natural Earth's local names for rivers a briefer knows by their English one.
ENGLISH_RIVERS = {"Al Furat": "Euphrates", "Firat": "Euphrates", "Dnipro (Dnieper)": "Dnipro", "Dnepre": "Dnipro"}


def river_name(name: str) -> str:
    """The English name of a river: the table's, else the part in brackets ("El Bahr el Azraq (Blue Nile)")."""
    name = " ".join(name.split())
    if name in ENGLISH_RIVERS:
        return ENGLISH_RIVERS[name]
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1].strip() or name
    return name


def _centred(x: float, y: float, width: int) -> tuple[int, int]:
    return int(x) - (width - 1) // 2, int(y)


def _around(x: float, y: float, width: int) -> list[tuple[int, int]]:
    """Spots for a name centred on (x, y), then a row above and below, then a little left and right."""
    col, row = _centred(x, y, width)
    return [(col + dx, row + dy) for dy, dx in ((0, 0), (-1, 0), (1, 0), (0, -3), (0, 3), (-2, 0), (2, 0))]


def _country_names(projection: Projection, context: Context, grid: CountryGrid, ascii_only: bool) -> list[ContextName]:
    """Each country with land in view, its name where the whole name lies inside it, biggest share of the view first."""
    cols, rows = grid.cols, grid.rows
    count: dict[int, int] = {}
    sum_x: dict[int, float] = {}
    sum_y: dict[int, float] = {}
    cells = grid.cells
    for k, region in enumerate(cells):
        if region >= 0:
            count[region] = count.get(region, 0) + 1
            sum_x[region] = sum_x.get(region, 0.0) + k % cols
            sum_y[region] = sum_y.get(region, 0.0) + k // cols
    countries = context.countries
    out: list[ContextName] = []
    for region in sorted(count, key=lambda r: -count[r]):
        country = countries[region]
        if country.kind == "unassigned" or count[region] < 6:
            continue
        text = display(country.name_in(LANGUAGE).upper(), ascii=ascii_only)
        width = cell_width(text)
        if not text or width > cols:
            continue
        candidates: list[tuple[float, float]] = []
        if country.label is not None:
            lx, ly = projection.project(*country.label)
            if 0 <= lx < cols and 0 <= ly < rows:
                candidates.append((lx, ly))
        candidates.append((sum_x[region] / count[region] + 0.5, sum_y[region] / count[region] + 0.5))
        spots = []
        for x, y in candidates:
            for col, row in _around(x, y, width):
                if 0 <= row < rows and col >= 0 and col + width <= cols:
                    base = row * cols + col
                    if all(cells[base + i] == region for i in range(width)):
                        spots.append((col, row))
        if spots:
            out.append(ContextName(f"country:{country.adm0_a3}", text, spots, "ctx-country"))
    return out


def _sea_names(projection: Projection, grid: CountryGrid, ascii_only: bool) -> list[ContextName]:
    """Each curated sea with water in view: its name on that water, about the middle of it."""
    cols, rows = grid.cols, grid.rows
    cells = grid.cells
    taken: set[int] = set()
    out: list[ContextName] = []
    for sea in SEAS:
        found: list[int] = []
        for west, south, east, north in sea.boxes:
            x0, y0 = projection.project(north, west)
            x1, y1 = projection.project(south, east)
            c0, c1 = max(0, math.floor(x0)), min(cols, math.ceil(x1))
            r0, r1 = max(0, math.floor(y0)), min(rows, math.ceil(y1))
            for row in range(r0, r1):
                base = row * cols
                found += [k for k in range(base + c0, base + c1) if cells[k] == SEA and k not in taken]
        if len(found) < 8:
            continue
        taken.update(found)
        text = display(sea.name, ascii=ascii_only)
        width = cell_width(text)
        mx = sum(k % cols for k in found) / len(found)
        my = sum(k // cols for k in found) / len(found)
        water = set(found)
        spots = []
        for k in sorted(found, key=lambda k: (k % cols - mx) ** 2 + ((k // cols - my) * 2) ** 2)[:40]:
            col, row = _centred(k % cols, k // cols, width)
            if col >= 0 and col + width <= cols and all(row * cols + col + i in water for i in range(width)):
                spots.append((col, row))
        if spots:
            out.append(ContextName(f"sea:{sea.name}", text, spots, "ctx-water"))
    return out


def _lake_names(projection: Projection, context: Context, ascii_only: bool, width_deg: float) -> list[ContextName]:
    out = []
    rank = 10 if width_deg < 8 else 7 if width_deg < 20 else 4
    for lake in context.lakes:
        if lake.rank > rank or not lake.name:
            continue
        x, y = projection.project(*lake.label)
        if 0 <= x < projection.cols and 0 <= y < projection.rows:
            text = display(lake.name_in(LANGUAGE), ascii=ascii_only)
            out.append(ContextName(f"lake:{lake.index}", text, _around(x, y, cell_width(text)), "ctx-water"))
    return out


def _river_rank(width_deg: float) -> int:
    """The least prominent river (Natural Earth scalerank) drawn at a view this wide."""
    return 10 if width_deg < 5 else 8 if width_deg < 10 else 7 if width_deg < 20 else 5 if width_deg < 40 else 3


def _places(
    projection: Projection,
    context: Context,
    towns: Sequence[tuple[float, float]],
    ascii_only: bool,
    width_deg: float,
) -> list[ContextPlace]:
    """Populated places in view, most prominent first, none that is a scenario town under another spelling."""
    e = projection.extent
    rank = 10 if width_deg < 3 else 8 if width_deg < 8 else 7 if width_deg < 15 else 6 if width_deg < 30 else 4
    candidates = context.places_in(e.west, e.south, e.east, e.north, max_rank=rank)
    candidates.sort(key=lambda p: (p.rank, -p.population))
    out: list[ContextPlace] = []
    near = _Near(towns, _NEAR_TOWN_DEG) if candidates else None
    for place in candidates:
        if near is not None and near.any_near(place.lat, place.lon):
            continue
        cell = projection.cell(place.lat, place.lon)
        if cell is None:
            continue
        text = display(place.name, ascii=ascii_only)
        out.append(ContextPlace(f"place:{place.name}:{place.lat}", text, cell[0], cell[1]))
        if len(out) == MAX_PLACES:
            break
    return out


class _Near:
    """Which points lie within `radius` degrees of a place, looked up by squares of that size.

    A place is compared with the points of the nine squares around it, not
    with every town: at 20,000 towns the check of a view's hundred places
    took 150 ms of the map's first draw.
    """

    def __init__(self, points: Sequence[tuple[float, float]], radius: float) -> None:
        self._radius = radius
        self._squares: dict[tuple[float, float], list[tuple[float, float]]] = {}
        add = self._squares.setdefault
        for point in points:
            add((point[0] // radius, point[1] // radius), []).append(point)

    def any_near(self, lat: float, lon: float) -> bool:
        """Whether a point is closer than the radius (in degrees, as if flat) to (lat, lon)."""
        radius = self._radius
        near2 = radius * radius
        y, x = lat // radius, lon // radius
        squares = self._squares
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for plat, plon in squares.get((y + dy, x + dx), ()):
                    if (lat - plat) ** 2 + (lon - plon) ** 2 < near2:
                        return True
        return False
