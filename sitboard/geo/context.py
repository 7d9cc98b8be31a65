"""The bundled map context: land and countries, lakes, rivers, populated places.

What situates a viewer on the map, offline: which cell is land and in which
country (so areas of control stay on land and inside borders), names of
countries and lakes in Natural Earth's languages with label points and ranks,
rivers, and populated places for a dim orientation layer.

Data: Natural Earth 1:10m, public domain, reduced by ``tools/build_context.py``
to ``sitboard/geo/data/context.bin`` (provenance and versions in
tools/README.md and in ``Context.provenance``).  There is no sea-name layer:
no package registry ships Natural Earth's marine polygons.

Standard library only, and nothing is read on import: the file is opened on
the first ``load_context()``, each table is parsed and each level of geometry
decoded (one 10-degree chunk at a time) the first time a query needs it.

Countries are stored as a topology, not as rings: every boundary piece knows
the two regions on its sides (two countries, a country and the sea, or a
country and a *land gap*: land that Natural Earth puts in no country, such as
the Israeli-held Golan in the German point of view used here).  Filling by the
even-odd rule needs only the edges beside a region, so a border shared by two
countries is stored and simplified once and no sliver of sea opens between
them.  The pieces are the basemap's own chains, simplified with the basemap's
tolerances, so the shaded land meets the drawn coastline.

Lakes are not land: with ``lakes=True`` (the default) a cell whose centre lies
in a Natural Earth lake or reservoir is ``LAKE``, whichever country it is in,
so areas of control are not painted over Lake Assad or the Sea of Galilee.  The
Caspian Sea is sea.

File layout (little-endian)::

    b"SITBCTX1"  uint32 header length  header (UTF-8 JSON)
    body: zlib blocks at the offsets the header gives, each with a CRC-32
      tables:  countries, lakes, rivers, places (JSON)
      stores:  countries, lakes, rivers, each at two levels (coarse, fine): the
               basemap's level layout (see sitboard.geo.basemap) plus a block
               of int16 pairs, the regions on the two sides of each piece
               (-1 = sea; for lakes and rivers the first is the feature index);
               for countries and lakes also a block of int32 fixed-point
               feature boxes (west, south, east, north; empty when west > east)
"""

from __future__ import annotations

import functools
import json
import math
import mmap
import struct
import zlib
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from sitboard.geo.basemap import FINE_MAX_SPAN, _le_array, _Level, _map_file

__all__ = [
    "LAKE",
    "SEA",
    "Context",
    "ContextDataError",
    "Country",
    "CountryGrid",
    "Lake",
    "Place",
    "River",
    "RiverLine",
    "load_context",
]

#: Grid value of a cell whose centre is in no land region.
SEA = -1
#: Grid value of a cell whose centre is in a lake or reservoir (with ``lakes=True``).
LAKE = -2

_MAGIC = b"SITBCTX1"
_FORMAT = 1
_DATA_FILE = "context.bin"
_DETAILS = ("coarse", "fine")


class ContextDataError(ValueError):
    """The context data file is missing, truncated or corrupt."""


class Country(NamedTuple):
    """A country, or a land gap (``kind == "unassigned"``: land in no country).

    ``name`` is Natural Earth's short English name; ``names`` maps language
    codes (``en``, ``fr``, ``ar``, ``uk``, ...) to Natural Earth's NAME_xx.
    ``label`` is (lat, lon), None for land gaps.  Lower ``label_rank`` and
    ``min_label`` mean "label earlier" (Natural Earth's LABELRANK, MIN_LABEL).
    """

    index: int  # type: ignore[assignment]  # the data's own word; shadows tuple.index, never called here
    name: str
    iso_a2: str
    iso_a3: str
    adm0_a3: str
    kind: str
    names: dict[str, str]
    label: tuple[float, float] | None
    label_rank: int
    min_label: float
    max_label: float
    bbox: tuple[float, float, float, float] | None
    neighbours: tuple[str, ...]

    def name_in(self, language: str) -> str:
        """The name in that language, else the English one."""
        return self.names.get(language) or self.name


class Lake(NamedTuple):
    """A lake or reservoir: ``kind`` is Natural Earth's class ("Lake", "Reservoir", ...)."""

    index: int  # type: ignore[assignment]  # the data's own word; shadows tuple.index, never called here
    name: str
    kind: str
    names: dict[str, str]
    label: tuple[float, float]
    rank: int
    min_label: float
    bbox: tuple[float, float, float, float] | None  # None: too small to keep an outline

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


class River(NamedTuple):
    """One named river record; ``river`` groups a river with its lake centre lines."""

    index: int  # type: ignore[assignment]  # the data's own word; shadows tuple.index, never called here
    name: str
    name_alt: str
    kind: str
    rank: int
    river: int


class RiverLine(NamedTuple):
    """A piece of a river's line: (lat, lon) points and bbox (west, south, east, north)."""

    river: River
    points: tuple[tuple[float, float], ...]
    bbox: tuple[float, float, float, float]


class Place(NamedTuple):
    """A populated place.  ``rank`` is Natural Earth's SCALERANK (0 = most prominent)."""

    name: str
    ascii_name: str
    lat: float
    lon: float
    population: int
    rank: int
    label_rank: int
    country: str
    capital: bool


class CountryGrid(NamedTuple):
    """Region index per cell, row-major: ``cells[row * cols + col]``.

    Values are indices into ``Context.countries`` (land), ``SEA`` or ``LAKE``.
    """

    cols: int
    rows: int
    cells: array[int]
    detail: str

    def at(self, col: int, row: int) -> int:
        return self.cells[row * self.cols + col]


class _Store:
    """One level of one layer: the basemap's lazily decoded pieces, plus their sides."""

    def __init__(self, level: _Level, sides: array[int]):
        self.level = level
        self.side_a = sides[0::2]
        self.side_b = sides[1::2]

    def pieces_of(
        self, regions: set[int], west: float, south: float, east: float, north: float
    ) -> Iterator[tuple[tuple[tuple[float, float], ...], int, int]]:
        """(piece points, side a, side b) for pieces of these regions meeting the box."""
        line, sa, sb = self.level.line, self.side_a, self.side_b
        for i in self.level.ids_in(west, south, east, north):
            a, b = sa[i], sb[i]
            if a in regions or b in regions:
                yield line(i).points, a, b


class Context:
    """The context layers of one data file; see the module docstring."""

    def __init__(self, data: bytes | mmap.mmap, source: str = "<bytes>"):
        self.source = source
        if len(data) < 12 or data[:8] != _MAGIC:
            raise ContextDataError(f"{source}: not a sitboard context file (expected it to start with {_MAGIC!r})")
        (hlen,) = struct.unpack_from("<I", data, 8)
        try:
            header = json.loads(bytes(data[12 : 12 + hlen]).decode("utf-8"))
            body_length = int(header["body_length"])
            fmt = header["format"]
            needed = ("provenance", "languages", "tables", "stores", "scale", "grid_deg")
            missing = [k for k in needed if k not in header]
            if missing:
                raise KeyError(", ".join(missing))
        except (ValueError, KeyError, TypeError) as exc:
            raise ContextDataError(f"{source}: unreadable header ({exc})") from None
        if fmt != _FORMAT:
            raise ContextDataError(f"{source}: context format {fmt!r}, expected {_FORMAT}; rebuild it")
        if len(data) != 12 + hlen + body_length:
            raise ContextDataError(
                f"{source}: {len(data)} bytes, expected {12 + hlen + body_length} (truncated or padded)"
            )
        self.header: dict[str, Any] = header
        self.provenance: dict[str, Any] = header["provenance"]
        self.languages: tuple[str, ...] = tuple(header["languages"])
        self._body = memoryview(data)[12 + hlen :]
        self._stores: dict[tuple[str, str], _Store] = {}
        self._box_cache: dict[str, tuple[array[int], array[int], array[int], array[int]]] = {}

    @classmethod
    def from_path(cls, path: str | Path) -> Context:
        try:
            return cls(_map_file(Path(path)), str(path))
        except OSError as exc:
            raise ContextDataError(f"{path}: cannot read the context file ({exc.strerror or exc})") from None

    # -- blocks -------------------------------------------------------------------

    def _block(self, offset: int, length: int, crc: int, what: str) -> memoryview:
        blob = self._body[offset : offset + length]
        if len(blob) != length or zlib.crc32(blob) != crc:
            raise ContextDataError(f"{self.source}: the {what} block is corrupt (CRC mismatch)")
        return blob

    def _table(self, name: str) -> Any:
        info = self.header["tables"][name]
        blob = self._block(info["offset"], info["length"], info["crc32"], f"{name} table")
        try:
            return json.loads(zlib.decompress(blob).decode("utf-8"))
        except (zlib.error, ValueError) as exc:
            raise ContextDataError(f"{self.source}: the {name} table does not decode ({exc})") from None

    def _store(self, layer: str, detail: str) -> _Store:
        store = self._stores.get((layer, detail))
        if store is None:
            if detail not in _DETAILS:
                raise ValueError(f"detail must be one of {_DETAILS} or None, not {detail!r}")
            info = self.header["stores"][layer][detail]
            crcs = info["crc32"]
            self._block(info["meta_offset"], info["meta_length"], crcs[0], f"{layer} {detail} meta")
            self._block(info["coords_offset"], info["coords_length"], crcs[1], f"{layer} {detail} coordinates")
            sides_blob = self._block(info["sides_offset"], info["sides_length"], crcs[2], f"{layer} {detail} sides")
            try:
                level = _Level(
                    detail, info, self._body, int(self.header["scale"]), float(self.header["grid_deg"]), ["piece"]
                )
                sides = _le_array("h", zlib.decompress(sides_blob))
            except (zlib.error, struct.error, ValueError, KeyError) as exc:
                raise ContextDataError(
                    f"{self.source}: the {layer} {detail} geometry does not decode ({exc})"
                ) from None
            if len(sides) != 2 * len(level):
                raise ContextDataError(f"{self.source}: the {layer} {detail} sides do not match its pieces")
            store = self._stores[(layer, detail)] = _Store(level, sides)
        return store

    def _boxes(self, layer: str) -> tuple[array[int], array[int], array[int], array[int]]:
        """Per feature of a layer, its fixed-point bbox sides (west, south, east, north).

        Geometry queries pick their candidate features by these, without
        parsing the tables of names.
        """
        boxes = self._box_cache.get(layer)
        if boxes is None:
            info = self.header["stores"][layer]["boxes"]
            blob = self._block(info["offset"], info["length"], info["crc32"], f"{layer} boxes")
            try:
                flat = _le_array("i", zlib.decompress(blob))
            except zlib.error as exc:
                raise ContextDataError(f"{self.source}: the {layer} boxes do not decode ({exc})") from None
            boxes = self._box_cache[layer] = (flat[0::4], flat[1::4], flat[2::4], flat[3::4])
        return boxes

    def _features_meeting(self, layer: str, west: float, south: float, east: float, north: float) -> set[int]:
        s = int(self.header["scale"])
        w, so, e, n = west * s, south * s, east * s, north * s
        bw, bs, be, bn = self._boxes(layer)
        return {i for i, (a, b, c, d) in enumerate(zip(bw, bs, be, bn)) if a <= e and c >= w and b <= n and d >= so}

    # -- tables -----------------------------------------------------------------

    @functools.cached_property
    def countries(self) -> tuple[Country, ...]:
        """Every land region: the countries, then the land gaps."""
        boxes = self._degree_boxes("countries")
        return tuple(
            Country(
                i,
                r["name"],
                r["iso_a2"],
                r["iso_a3"],
                r["adm0_a3"],
                r["type"],
                r["names"],
                None if r["label"] is None else tuple(r["label"]),
                r["label_rank"],
                r["min_label"],
                r["max_label"],
                boxes[i],
                tuple(r.get("neighbours", ())),
            )
            for i, r in enumerate(self._table("countries"))
        )

    def _degree_boxes(self, layer: str) -> list[tuple[float, float, float, float] | None]:
        s = int(self.header["scale"])
        return [(w / s, so / s, e / s, n / s) if w <= e else None for w, so, e, n in zip(*self._boxes(layer))]

    @functools.cached_property
    def _by_code(self) -> dict[str, Country]:
        codes: dict[str, Country] = {}
        for c in self.countries:
            for code in (c.iso_a2, c.iso_a3, c.adm0_a3):
                if code:
                    codes.setdefault(code.upper(), c)
        return codes

    def country(self, code: str) -> Country | None:
        """The country with this ISO 3166 alpha-2 or alpha-3 (or Natural Earth ADM0_A3) code."""
        return self._by_code.get(code.upper())

    @functools.cached_property
    def lakes(self) -> tuple[Lake, ...]:
        boxes = self._degree_boxes("lakes")
        return tuple(
            Lake(i, r["name"], r["kind"], r["names"], tuple(r["label"]), r["rank"], r["min_label"], boxes[i])
            for i, r in enumerate(self._table("lakes"))
        )

    @functools.cached_property
    def rivers(self) -> tuple[River, ...]:
        return tuple(
            River(i, r["name"], r["name_alt"], r["kind"], r["rank"], r["river"])
            for i, r in enumerate(self._table("rivers"))
        )

    @functools.cached_property
    def places(self) -> tuple[Place, ...]:
        """Natural Earth's populated places, most prominent first (rank, then population)."""
        t = self._table("places")  # sorted so by the build
        return tuple(
            map(
                Place._make,
                zip(
                    t["name"],
                    t["ascii_name"],
                    t["lat"],
                    t["lon"],
                    t["population"],
                    t["rank"],
                    t["label_rank"],
                    t["country"],
                    t["capital"],
                ),
            )
        )

    def places_in(
        self, west: float, south: float, east: float, north: float, *, max_rank: int | None = None
    ) -> list[Place]:
        """Places inside the box, most prominent first."""
        return [
            p
            for p in self.places
            if south <= p.lat <= north and west <= p.lon <= east and (max_rank is None or p.rank <= max_rank)
        ]

    # -- lines ------------------------------------------------------------------

    def river_lines_in(
        self,
        west: float,
        south: float,
        east: float,
        north: float,
        *,
        detail: str | None = None,
        max_rank: int | None = None,
    ) -> list[RiverLine]:
        """River pieces whose bbox meets the box (``detail`` as in ``country_grid``)."""
        store = self._store("rivers", detail or _detail_for(west, east))
        rivers = self.rivers
        out = []
        for i in store.level.ids_in(west, south, east, north):
            river = rivers[store.side_a[i]]
            if max_rank is None or river.rank <= max_rank:
                line = store.level.line(i)
                out.append(RiverLine(river, line.points, line.bbox))
        return out

    def lake_outlines_in(
        self, west: float, south: float, east: float, north: float, *, detail: str | None = None
    ) -> list[tuple[Lake, tuple[tuple[float, float], ...]]]:
        """(lake, (lat, lon) points) for each piece of lake shore meeting the box."""
        store = self._store("lakes", detail or _detail_for(west, east))
        lakes = self.lakes
        return [
            (lakes[store.side_a[i]], store.level.line(i).points) for i in store.level.ids_in(west, south, east, north)
        ]

    # -- land, countries and lakes -------------------------------------------------

    def country_at(self, lat: float, lon: float, *, lakes: bool = True, detail: str = "fine") -> int:
        """The region index at the point, ``SEA``, or (with ``lakes``) ``LAKE``."""
        lon = (lon + 180.0) % 360.0 - 180.0
        if lakes and self._inside("lakes", lat, lon, detail) is not None:
            return LAKE
        region = self._inside("countries", lat, lon, detail)
        return SEA if region is None else region

    def lake_at(self, lat: float, lon: float, *, detail: str = "fine") -> Lake | None:
        found = self._inside("lakes", lat, (lon + 180.0) % 360.0 - 180.0, detail)
        return None if found is None else self.lakes[found]

    def _inside(self, layer: str, lat: float, lon: float, detail: str) -> int | None:
        """The feature whose boundary the point is inside (even-odd, ray to the west).

        The crossing rule is the grid's, so a cell is filled exactly when the
        point at its centre is inside.
        """
        candidates = self._features_meeting(layer, lon, lat, lon, lat)
        if not candidates:
            return None
        parity = dict.fromkeys(candidates, 0)
        for points, a, b in self._store(layer, detail).pieces_of(candidates, -180.0, lat, lon, lat):
            crossings = 0
            plat, plon = points[0]
            for qlat, qlon in points:
                if (plat < lat) != (qlat < lat) and plon + (lat - plat) * (qlon - plon) / (qlat - plat) <= lon:
                    crossings += 1
                plat, plon = qlat, qlon
            if crossings & 1:
                for r in (a, b):
                    if r in parity:
                        parity[r] ^= 1
        inside = [r for r, p in parity.items() if p]
        return min(inside) if inside else None

    def country_grid(
        self, projection: Any, *, subdivide: tuple[int, int] = (1, 1), lakes: bool = True, detail: str | None = None
    ) -> CountryGrid:
        """The region at the centre of every cell of the projection's grid.

        ``subdivide=(2, 4)`` gives one value per braille dot, matching
        ``Projection.dot``.  ``detail`` is 'fine', 'coarse' or None to choose
        as the basemap does (fine below ``FINE_MAX_SPAN`` degrees of longitude).
        The projection must be north-up equirectangular (any object with
        ``cols``, ``rows`` and a ``project(lat, lon)`` linear in each), as
        ``sitboard.geo.projection.Projection`` is.  Parts of the view beyond
        the antimeridian are filled from the other side of the world.
        """
        sx, sy = subdivide
        if sx < 1 or sy < 1:
            raise ValueError(f"subdivide must be positive, not {subdivide}")
        x0, y0 = projection.project(0.0, 0.0)
        kx = projection.project(0.0, 1.0)[0] - x0  # cells per degree of longitude
        ky = projection.project(1.0, 0.0)[1] - y0  # cells per degree of latitude (negative: north up)
        check = projection.project(10.0, 10.0)
        if not (kx > 0 > ky) or abs(check[0] - (x0 + 10 * kx)) > 1e-6 or abs(check[1] - (y0 + 10 * ky)) > 1e-6:
            raise ValueError("country_grid needs a north-up equirectangular projection")
        cols, rows = projection.cols * sx, projection.rows * sy
        west, east = -x0 / kx, (projection.cols - x0) / kx
        north, south = -y0 / ky, (projection.rows - y0) / ky
        if detail is None:
            detail = _detail_for(west, east)
        # Grid coordinates put the centre of sub-cell (i, j) at (i, j).
        affine = (x0 * sx - 0.5, kx * sx, y0 * sy - 0.5, ky * sy)
        cells = array("h", [SEA]) * (cols * rows)
        for shift in (-360.0, 0.0, 360.0):
            box = (max(west - shift, -180.0), south, min(east - shift, 180.0), north)
            if box[0] < box[2]:
                self._fill(cells, cols, rows, "countries", detail, box, shift, affine, None)
                if lakes:
                    self._fill(cells, cols, rows, "lakes", detail, box, shift, affine, LAKE)
        return CountryGrid(cols, rows, cells, detail)

    def _fill(
        self,
        cells: array[int],
        cols: int,
        rows: int,
        layer: str,
        detail: str,
        box: tuple[float, float, float, float],
        shift: float,
        affine: tuple[float, float, float, float],
        value: int | None,
    ) -> None:
        """Scanline fill by the even-odd rule, one scanline per row of cell centres.

        A feature covers cell i of row j when an odd number of its boundary
        crossings on that row lie at or west of i.  Only the parity of the
        crossings west of the grid matters, so an edge wholly west of it flips
        a range of rows in one step (a difference array) and pieces east of it
        are never read.
        """
        west, south, east, north = box
        candidates = self._features_meeting(layer, west, south, east, north)
        if not candidates:
            return
        ax, kx, ay, ky = affine
        ax += kx * shift
        ceil = math.ceil
        west_flips: dict[int, bytearray] = {}
        stops: dict[int, list[int]] = {}
        last_col = cols - 1
        for points, a, b in self._store(layer, detail).pieces_of(candidates, -180.0, south, east, north):
            owners = [r for r in (a, b) if r in candidates]
            plat, plon = points[0]
            py = ay + ky * plat
            pj = ceil(py)
            for lat, lon in points:
                qy = ay + ky * lat
                qj = ceil(qy)
                if qj != pj:
                    j0, j1 = (pj, qj) if pj < qj else (qj, pj)
                    j0 = max(j0, 0)
                    j1 = min(j1, rows)
                    if j0 < j1:
                        px = ax + kx * plon
                        qx = ax + kx * lon
                        if px <= 0.0 and qx <= 0.0:  # wholly west of the grid: parity only
                            for r in owners:
                                flips = west_flips.get(r)
                                if flips is None:
                                    flips = west_flips[r] = bytearray(rows + 1)
                                flips[j0] ^= 1
                                flips[j1] ^= 1
                        elif px <= last_col or qx <= last_col:  # else wholly east: no effect
                            slope = (qx - px) / (qy - py)
                            for j in range(j0, j1):
                                t = ceil(px + (j - py) * slope)
                                if t < cols:
                                    for r in owners:
                                        key = r * rows + j
                                        if t <= 0:
                                            flips = west_flips.get(r)
                                            if flips is None:
                                                flips = west_flips[r] = bytearray(rows + 1)
                                            flips[j] ^= 1
                                            flips[j + 1] ^= 1
                                        else:
                                            stops.setdefault(key, []).append(t)
                plat, plon, py, pj = lat, lon, qy, qj
        for region in sorted(west_flips.keys() | {key // rows for key in stops}):
            fill = array("h", [region if value is None else value])
            flips = west_flips.get(region)
            inside_west = 0
            for j in range(rows):
                if flips is not None:
                    inside_west ^= flips[j]
                row_stops = stops.get(region * rows + j)
                if not inside_west and not row_stops:
                    continue
                base = j * cols
                inside, pos = inside_west, 0
                for t in sorted(row_stops or ()):
                    if inside and t > pos:
                        cells[base + pos : base + t] = fill * (t - pos)
                    inside ^= 1
                    pos = t
                if inside and pos < cols:
                    cells[base + pos : base + cols] = fill * (cols - pos)


def _detail_for(west: float, east: float) -> str:
    return "fine" if east - west < FINE_MAX_SPAN else "coarse"


@functools.cache
def load_context() -> Context:
    """Open the bundled data file once (it ships beside this module, in wheels too)."""
    return Context.from_path(Path(__file__).parent / "data" / _DATA_FILE)
