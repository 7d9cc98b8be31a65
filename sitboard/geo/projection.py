"""From (lat, lon) to terminal cells and back.

The map is a regional situation board, so a plain equirectangular projection is
enough as long as east-west distances are shrunk by cos(latitude) and the
terminal's tall cells are accounted for. Without both corrections a town grid at
60°N would look twice too wide and every map would look squashed vertically.

Conventions used throughout ``sitboard.geo``:

* geographic points are ``(lat, lon)`` tuples, in degrees;
* screen positions are ``(x, y)`` in *cell units*, x to the right, y down, with
  ``(0, 0)`` the top-left corner of cell ``(0, 0)``; cell ``(col, row)`` covers
  ``[col, col + 1) x [row, row + 1)``;
* "width units" are cell widths; a cell is ``cell_aspect`` width units tall, so a
  distance on screen is ``hypot(dx, dy * cell_aspect)`` width units.

Views crossing the antimeridian are not supported (west must be < east).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

KM_PER_DEGREE = 111.32  # one degree of latitude (and of longitude at the equator)
MIN_SPAN_DEGREES = 0.2  # a single town still gets a readable neighbourhood
_MIN_COS = 1e-3  # keeps views touching a pole finite


class _Bounds(NamedTuple):
    west: float
    south: float
    east: float
    north: float


class View(_Bounds):
    """The part of the world the user asked to see, in degrees.

    A NamedTuple (a tenth of a dataclass's cost to define at start-up) that
    refuses bounds that are not finite or not in order.
    """

    __slots__ = ()

    def __new__(cls, west: float, south: float, east: float, north: float) -> View:
        values = (west, south, east, north)
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"view bounds must be finite: {values}")
        if not (west < east and south < north):
            raise ValueError(f"view needs west < east and south < north: {values}")
        return super().__new__(cls, west, south, east, north)

    @classmethod
    def around(cls, points: Iterable[tuple[float, float]], margin: float = 0.08) -> View:
        """The smallest view holding every (lat, lon) point, plus a margin.

        ``margin`` is a fraction of each span added on both sides. Spans below
        ``MIN_SPAN_DEGREES`` are widened around their middle first, so a single
        town (or a row of towns on one parallel) still yields a usable view.
        """
        lats: list[float] = []
        lons: list[float] = []
        for lat, lon in points:
            lats.append(lat)
            lons.append(lon)
        if not lats:
            raise ValueError("View.around needs at least one point")
        south, north = _widened(min(lats), max(lats), margin)
        west, east = _widened(min(lons), max(lons), margin)
        south, north = max(south, -90.0), min(north, 90.0)
        return cls(west, south, east, north)

    @property
    def center(self) -> tuple[float, float]:
        """The (lat, lon) in the middle of the view."""
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)

    @property
    def width(self) -> float:
        return self.east - self.west

    @property
    def height(self) -> float:
        return self.north - self.south

    def zoomed(self, factor: float, center: tuple[float, float] | None = None) -> View:
        """The view ``factor`` times closer (factor > 1 zooms in), around ``center``."""
        if not (factor > 0 and math.isfinite(factor)):
            raise ValueError(f"zoom factor must be positive: {factor}")
        lat, lon = self.center if center is None else center
        half_w = self.width / factor / 2
        half_h = self.height / factor / 2
        return View(lon - half_w, lat - half_h, lon + half_w, lat + half_h)

    def panned(self, dx: float, dy: float) -> View:
        """The view shifted by fractions of its size (+dx east, +dy north)."""
        ox = dx * self.width
        oy = dy * self.height
        return View(self.west + ox, self.south + oy, self.east + ox, self.north + oy)

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def _widened(low: float, high: float, margin: float) -> tuple[float, float]:
    span = high - low
    if span < MIN_SPAN_DEGREES:
        middle = (low + high) / 2
        low, high, span = middle - MIN_SPAN_DEGREES / 2, middle + MIN_SPAN_DEGREES / 2, MIN_SPAN_DEGREES
    pad = span * max(margin, 0.0)
    return low - pad, high + pad


class Projection:
    """Equirectangular with cos(latitude of the view centre) correction and the
    terminal cell aspect (a cell is ~2x as tall as wide), north up.

    The view is fitted inside the cell grid preserving true proportions
    (letterboxed: the shorter dimension gets extra margin so distances look
    right at every size); the centre of the view maps to the centre of the
    grid. ``extent`` is what is really visible, which is at least ``view``.
    """

    __slots__ = (
        "_cx",
        "_cy",
        "_lat0",
        "_lon0",
        "_scale",
        "_sx",
        "_sy",
        "cell_aspect",
        "cols",
        "extent",
        "rows",
        "view"
    )  # fmt: skip

    def __init__(self, view: View, cols: int, rows: int, cell_aspect: float = 2.0) -> None:
        if cols < 1 or rows < 1:
            raise ValueError(f"grid must be at least 1x1 cells, got {cols}x{rows}")
        if not cell_aspect > 0:
            raise ValueError(f"cell_aspect must be positive: {cell_aspect}")
        self.view = view
        self.cols = cols
        self.rows = rows
        self.cell_aspect = cell_aspect
        self._lat0, self._lon0 = view.center
        shrink = max(math.cos(math.radians(self._lat0)), _MIN_COS)
        # Width units per degree of latitude (= per ground degree): the largest
        # scale at which the whole view still fits both ways.
        self._scale = min(cols / (view.width * shrink), rows * cell_aspect / view.height)
        self._sx = self._scale * shrink  # cells per degree of longitude
        self._sy = self._scale / cell_aspect  # cells per degree of latitude
        self._cx = cols / 2
        self._cy = rows / 2
        north, west = self.unproject(0.0, 0.0)
        south, east = self.unproject(float(cols), float(rows))
        self.extent = View(west, south, east, north)

    def __repr__(self) -> str:
        return f"Projection({self.view!r}, cols={self.cols}, rows={self.rows}, cell_aspect={self.cell_aspect})"

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        """Fractional (x, y) in cell units; may lie outside the grid."""
        return (self._cx + (lon - self._lon0) * self._sx, self._cy - (lat - self._lat0) * self._sy)

    def project_all(self, points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
        """`project` for each (lat, lon) point: the same numbers, a third of the time for a long line."""
        cx, cy, lat0, lon0, sx, sy = self._cx, self._cy, self._lat0, self._lon0, self._sx, self._sy
        return [(cx + (lon - lon0) * sx, cy - (lat - lat0) * sy) for lat, lon in points]

    def cell(self, lat: float, lon: float) -> tuple[int, int] | None:
        """The (col, row) holding the point, or None when it is off the grid."""
        x, y = self.project(lat, lon)
        if 0.0 <= x < self.cols and 0.0 <= y < self.rows:
            return int(x), int(y)
        return None

    def dot(self, lat: float, lon: float) -> tuple[int, int]:
        """Braille dot coordinates (2 x 4 dots per cell); callers clip."""
        x, y = self.project(lat, lon)
        return math.floor(x * 2), math.floor(y * 4)

    def unproject(self, x: float, y: float) -> tuple[float, float]:
        """Cell units back to (lat, lon)."""
        return (self._lat0 - (y - self._cy) / self._sy, self._lon0 + (x - self._cx) / self._sx)

    def km_per_col(self) -> float:
        """Ground distance of one cell width (exact at the view's central latitude)."""
        return KM_PER_DEGREE / self._scale


def scale_bar(projection: Projection, max_cols: int) -> tuple[int, str]:
    """The longest round distance (1, 2 or 5 x 10^n) whose bar fits in max_cols.

    Returns ``(length_in_cells, label)``, e.g. ``(14, "50 km")``; distances below
    1 km are labelled in metres. ``(0, "")`` when not even one cell is available.
    """
    if max_cols < 1:
        return 0, ""
    km_per_col = projection.km_per_col()
    longest = max_cols * km_per_col
    exponent = math.floor(math.log10(longest))
    if 10.0 ** (exponent + 1) <= longest:  # log10 rounding just below a power of ten
        exponent += 1
    exponent = max(exponent, -3)  # nothing below 1 m
    for mantissa in (5, 2, 1):
        km = mantissa * 10.0**exponent
        if km <= longest * (1 + 1e-9):
            break
    length = min(max(round(km / km_per_col), 1), max_cols)
    return length, _distance_label(mantissa, exponent)


def _distance_label(mantissa: int, exponent: int) -> str:
    if exponent >= 0:
        return f"{mantissa * 10**exponent} km"
    return f"{mantissa * 10 ** (exponent + 3)} m"
