"""The bundled world basemap: coastlines and country borders, offline.

Data: Natural Earth 1:10m Admin 0 - Countries (German point of view), public
domain, reduced by ``tools/build_basemap.py`` to two levels of detail and
stored in ``sitboard/geo/data/basemap.bin`` (see tools/README.md).

Standard library only.  Loading reads the file and a small table of polyline
bounding boxes; the coordinates are decoded lazily, one 10 x 10 degree chunk
at a time, the first time a query touches it.

File layout (all little-endian)::

    b"SITBMAP1"  uint32 header length  header (UTF-8 JSON)
    per level, at the offsets the header gives (relative to the end of the header):
      meta   = zlib(uint32 n_pieces, uint32 n_chunks, uint8 kind[n_pieces],
                    uint32 npoints[n_pieces], int32 bbox[n_pieces][4] (W, S, E, N),
                    uint32 chunk[n_chunks][4] (first piece, count, offset, length))
      coords = the chunks: zlib(byte-shuffled int32 zigzag deltas, lat/lon interleaved),
               every piece starting from an absolute point; fixed point 1/scale degree
"""

from __future__ import annotations

import functools
import json
import mmap
import struct
import sys
import zlib
from array import array
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["BORDER", "COAST", "DETAILS", "FINE_MAX_SPAN", "Basemap", "Polyline", "load_basemap"]

COAST = "coast"
BORDER = "border"
DETAILS = ("coarse", "fine")
#: Boxes narrower than this many degrees of longitude get the fine level.
FINE_MAX_SPAN = 40.0

_MAGIC = b"SITBMAP1"
_DATA_FILE = "basemap.bin"
_BIG_ENDIAN = sys.byteorder != "little"


class Polyline(NamedTuple):
    """One piece of coastline or border.

    ``points`` are (lat, lon) in degrees; ``bbox`` is (west, south, east, north).
    Pieces never cross the antimeridian.
    """

    kind: str
    points: tuple[tuple[float, float], ...]
    bbox: tuple[float, float, float, float]


def _le_array(typecode: str, data: bytes) -> array[int]:
    a = array(typecode)
    a.frombytes(data)
    if _BIG_ENDIAN:
        a.byteswap()
    return a


class _Level:
    """One level of detail: bboxes eagerly, coordinates per chunk on demand."""

    def __init__(self, name: str, info: dict[str, Any], body: memoryview, scale: int, grid: float, kinds: list[str]):
        self.name = name
        self.tolerance = float(info["tolerance_deg"])
        self._scale = scale
        meta = zlib.decompress(body[info["meta_offset"] : info["meta_offset"] + info["meta_length"]])
        n, n_chunks = struct.unpack_from("<II", meta, 0)
        pos = 8
        self._kind_names = kinds
        self._kind_codes = meta[pos : pos + n]  # looked up as pieces are decoded
        pos += n
        self._npts = _le_array("I", meta[pos : pos + 4 * n])
        pos += 4 * n
        bb = _le_array("i", meta[pos : pos + 16 * n])
        pos += 16 * n
        chunks = _le_array("I", meta[pos : pos + 16 * n_chunks])
        # Bounding boxes stay as the file's scaled integers, one array per side:
        # slicing is done in C, and a query is scaled once instead of every box
        # being divided at load (the board's first frame waits for this).
        self._west, self._south, self._east, self._north = bb[0::4], bb[1::4], bb[2::4], bb[3::4]
        self._chunks = chunks  # (first piece, count, offset, length) per chunk
        self._chunk_firsts = chunks[0::4]  # chunks cover the pieces in order
        start = info["coords_offset"]
        self._coords = body[start : start + info["coords_length"]]
        self._lines: list[Polyline | None] = [None] * n
        self.points = int(info.get("points", sum(self._npts)))

    def __len__(self) -> int:
        return len(self._kind_codes)

    # -- finding pieces ----------------------------------------------------------

    def _bbox(self, i: int) -> tuple[float, float, float, float]:
        s = self._scale
        return (self._west[i] / s, self._south[i] / s, self._east[i] / s, self._north[i] / s)

    def ids_in(self, west: float, south: float, east: float, north: float) -> list[int]:
        """Pieces whose bbox meets the box.

        A straight scan of a few thousand bboxes takes about a millisecond, less
        than building a spatial index would cost at start-up, and it runs once per
        view change (the map caches what it draws for a view). The query is
        scaled to the stored integers rather than every box to degrees.
        """
        s = self._scale
        w, so, e, n = west * s, south * s, east * s, north * s
        return [
            i
            for i, (bw, bs, be, bn) in enumerate(zip(self._west, self._south, self._east, self._north))
            if bw <= e and be >= w and bs <= n and bn >= so
        ]

    # -- decoding --------------------------------------------------------------

    def line(self, i: int) -> Polyline:
        line = self._lines[i]
        if line is None:
            self._decode_chunk(bisect_right(self._chunk_firsts, i) - 1)
            line = self._lines[i]
            assert line is not None
        return line

    def _decode_chunk(self, c: int) -> None:
        first, count, offset, length = self._chunks[4 * c : 4 * c + 4]
        raw = zlib.decompress(self._coords[offset : offset + length])
        n = len(raw) // 4
        buf = bytearray(len(raw))
        for b in range(4):  # undo the byte shuffle
            buf[b::4] = raw[b * n : (b + 1) * n]
        values = _le_array("i", bytes(buf))
        deltas = [(u >> 1) ^ -(u & 1) for u in values]  # undo zigzag
        s = self._scale
        pos = 0
        for i in range(first, first + count):
            end = pos + 2 * self._npts[i]
            lats = [v / s for v in accumulate(deltas[pos:end:2])]
            lons = [v / s for v in accumulate(deltas[pos + 1 : end : 2])]
            kind = self._kind_names[self._kind_codes[i]]
            self._lines[i] = Polyline(kind, tuple(zip(lats, lons)), self._bbox(i))
            pos = end


class Basemap:
    """Coastlines and borders, queried by bounding box."""

    def __init__(self, data: bytes | mmap.mmap):
        if data[:8] != _MAGIC:
            raise ValueError("not a sitboard basemap file")
        (hlen,) = struct.unpack_from("<I", data, 8)
        header = json.loads(bytes(data[12 : 12 + hlen]).decode("utf-8"))
        self.header: dict[str, Any] = header
        self.provenance: dict[str, str] = {str(k): str(v) for k, v in header["provenance"].items()}
        self._body = memoryview(data)[12 + hlen :]
        # Levels are parsed on first use: a regional board never touches the coarse one.
        self._levels: dict[str, _Level | None] = dict.fromkeys(header["levels"])

    def _level(self, detail: str) -> _Level:
        if detail not in self._levels:
            raise ValueError(f"detail must be one of {self.details} or None, not {detail!r}")
        level = self._levels[detail]
        if level is None:
            h = self.header
            level = _Level(detail, h["levels"][detail], self._body, int(h["scale"]), float(h["grid_deg"]), h["kinds"])
            self._levels[detail] = level
        return level

    @classmethod
    def load(cls) -> Basemap:
        """The bundled basemap (loaded once, then cached)."""
        return load_basemap()

    @classmethod
    def from_path(cls, path: str | Path) -> Basemap:
        return cls(Path(path).read_bytes())

    @property
    def details(self) -> tuple[str, ...]:
        return tuple(self._levels)

    def level_info(self, detail: str) -> dict[str, Any]:
        """Tolerance, piece and point counts of one level (from the file header)."""
        return dict(self.header["levels"][detail])

    @staticmethod
    def detail_for(west: float, east: float) -> str:
        """'fine' when the box spans less than FINE_MAX_SPAN degrees of longitude."""
        span = east - west if east >= west else east + 360.0 - west
        return "fine" if span < FINE_MAX_SPAN else "coarse"

    def lines_in(
        self, west: float, south: float, east: float, north: float, *, detail: str | None = None
    ) -> list[Polyline]:
        """Polylines whose bbox intersects the box.

        ``detail`` is 'coarse', 'fine' or None to choose by the box size (fine
        when the box spans less than ~40 degrees of longitude).  A box with
        ``west > east`` is taken to cross the antimeridian.
        """
        if detail is None:
            detail = self.detail_for(west, east)
        level = self._level(detail)
        if south > north:
            south, north = north, south
        if east - west >= 360.0:
            boxes = [(-180.0, south, 180.0, north)]
        elif west > east:
            boxes = [(west, south, 180.0, north), (-180.0, south, east, north)]
        else:
            boxes = [(west, south, east, north)]
        ids: set[int] = set()
        for box in boxes:
            ids.update(level.ids_in(*box))
        return [level.line(i) for i in sorted(ids)]


@functools.cache
def load_basemap() -> Basemap:
    """Open the bundled data file once (it ships beside this module, in wheels too)."""
    return Basemap(_map_file(Path(__file__).parent / "data" / _DATA_FILE))


def _map_file(path: Path) -> bytes | mmap.mmap:
    """The file's bytes, mapped rather than read where the system allows.

    A board reads a few of the megabyte's chunks (its region, one level);
    mapping the file costs 0.02 ms where reading it costs 0.5 ms of start-up.
    """
    try:
        with path.open("rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # a file system without mmap, an empty file
        return path.read_bytes()
