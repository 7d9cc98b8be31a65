"""Shading by nearest holder: right holder, right radius, same as brute force."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitboard.geo import shading
from sitboard.geo.projection import Projection, View
from sitboard.geo.shading import shade_cells
from sitboard.scenario.sphere import haversine_km

# 10 x 10 degrees around the equator on 20 x 10 cells: 55.66 km per column and,
# with cells twice as tall, 111.32 km per row.
EQUATOR = Projection(View(0.0, -5.0, 10.0, 5.0), 20, 10)


def brute_force(projection: Projection, towns: list[tuple[float, float, str]], radius_km: float) -> list[list]:
    """The definition, cell by cell: nearest town in the view's flat metric, earlier town on ties."""
    if radius_km <= 0:
        return [[None] * projection.cols for _ in range(projection.rows)]
    km = projection.km_per_col()
    aspect = projection.cell_aspect
    points = [(*projection.project(lat, lon), holder) for lat, lon, holder in towns]
    out = []
    for row in range(projection.rows):
        line = []
        for col in range(projection.cols):
            best, holder = None, None
            for x, y, h in points:
                d = math.hypot(col + 0.5 - x, (row + 0.5 - y) * aspect) * km
                if d <= radius_km and (best is None or d < best):
                    best, holder = d, h
            line.append(holder)
        out.append(line)
    return out


def test_cell_at_a_town_gets_its_holder_and_far_cells_get_none() -> None:
    shaded = shade_cells(EQUATOR, [(0.5, 5.25, "gov")], radius_km=100)  # centre of cell (10, 4)
    assert len(shaded) == 10 and all(len(row) == 20 for row in shaded)
    assert shaded[4][10] == "gov"
    assert shaded[4][11] == "gov"  # 55.66 km away
    assert shaded[4][12] is None  # 111.32 km away
    assert shaded[5][10] is None  # one row down is also 111.32 km
    assert shaded[0][0] is None
    assert sum(cell is not None for row in shaded for cell in row) == 3


def test_radius_is_inclusive_and_zero_radius_shades_nothing() -> None:
    town = [(0.5, 5.25, "gov")]
    one_column = EQUATOR.km_per_col()
    assert shade_cells(EQUATOR, town, radius_km=one_column)[4][11] == "gov"
    assert shade_cells(EQUATOR, town, radius_km=one_column * 0.999)[4][11] is None
    assert all(cell is None for row in shade_cells(EQUATOR, town, radius_km=0) for cell in row)


def test_nearest_town_wins_and_ties_go_to_the_earlier_town() -> None:
    towns = [(0.5, 2.25, "west"), (0.5, 6.25, "east")]  # centres of cells (4, 4) and (12, 4)
    shaded = shade_cells(EQUATOR, towns, radius_km=1000)
    assert shaded[4][4:13] == ["west"] * 5 + ["east"] * 4  # col 8 is equidistant: west came first
    assert shaded[0][1] == "west" and shaded[9][18] == "east"
    equal = [(0.5, 2.75, "a"), (0.5, 3.75, "b")]  # col 6's centre is halfway between them
    assert shade_cells(EQUATOR, equal, radius_km=1000)[4][6] == "a"
    assert shade_cells(EQUATOR, equal[::-1], radius_km=1000)[4][6] == "b"


def test_towns_just_off_screen_still_shade_the_edge() -> None:
    shaded = shade_cells(EQUATOR, [(0.5, -0.2, "off")], radius_km=60)  # 50 km from cell (0, 4)
    assert shaded[4][0] == "off"
    assert shade_cells(EQUATOR, [(0.5, -3.0, "off")], radius_km=60)[4][0] is None


def test_step_samples_blocks_and_keeps_the_shape() -> None:
    towns = [(0.5, 2.25, "west"), (0.5, 6.25, "east")]
    coarse = shade_cells(EQUATOR, towns, radius_km=300, step=3)
    assert len(coarse) == 10 and all(len(row) == 20 for row in coarse)
    for row in range(0, 10, 3):
        for col in range(0, 20, 3):
            block = {coarse[r][c] for r in range(row, min(row + 3, 10)) for c in range(col, min(col + 3, 20))}
            assert len(block) == 1
    with pytest.raises(ValueError):
        shade_cells(EQUATOR, towns, radius_km=300, step=0)


def test_flat_distance_agrees_with_great_circle_near_the_centre() -> None:
    p = Projection(View(36.0, 34.0, 38.0, 36.0), 100, 40)
    lat, lon = 35.0, 37.0
    x, y = p.project(lat, lon)
    other = p.unproject(x + 10, y + 3)
    flat = math.hypot(10, 3 * p.cell_aspect) * p.km_per_col()
    assert flat == pytest.approx(haversine_km((lat, lon), other), rel=0.01)


town_lists = st.lists(
    st.tuples(st.floats(-7, 7), st.floats(-2, 12), st.sampled_from(["a", "b", "c"])), min_size=0, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(towns=town_lists, radius=st.floats(0, 1500), cols=st.integers(1, 30), rows=st.integers(1, 12))
def test_matches_brute_force(towns: list, radius: float, cols: int, rows: int) -> None:
    projection = Projection(View(0.0, -5.0, 10.0, 5.0), cols, rows)
    shaded = shade_cells(projection, towns, radius)
    exact = brute_force(projection, towns, radius)
    if shaded == exact:
        return
    # Only floating-point ties may differ: two towns (or a town and the radius)
    # at the same distance to within a millimetre, computed by two routes.
    allowed = acceptable(projection, towns, radius)
    for row in range(rows):
        for col in range(cols):
            assert shaded[row][col] in allowed[row][col], (row, col, shaded[row][col], allowed[row][col])


def acceptable(projection: Projection, towns: list[tuple[float, float, str]], radius_km: float) -> list[list[set]]:
    """Per cell, every answer within a millimetre of the definition's (ties and the radius edge)."""
    eps = 1e-6  # a millimetre: what a pruning bound may round away
    km = projection.km_per_col()
    points = [(*projection.project(lat, lon), holder) for lat, lon, holder in towns]
    out = []
    for row in range(projection.rows):
        line = []
        for col in range(projection.cols):
            dists = [
                (math.hypot(col + 0.5 - x, (row + 0.5 - y) * projection.cell_aspect) * km, h) for x, y, h in points
            ]
            near = [(d, h) for d, h in dists if d <= radius_km + eps] if radius_km > 0 else []
            ok: set = set()
            if not near or min(d for d, _ in near) >= radius_km - eps:
                ok.add(None)
            if near:
                best = min(d for d, _ in near)
                ok |= {h for d, h in near if d <= best + eps}
            line.append(ok)
        out.append(line)
    return out


@settings(max_examples=30, deadline=None)
@given(towns=town_lists, radius=st.floats(0, 1500))
def test_whole_screen_halving_fallback_matches_brute_force(towns: list, radius: float) -> None:
    projection = Projection(View(0.0, -5.0, 10.0, 5.0), 24, 9)
    saved = shading._BUDGET_PER_SITE
    shading._BUDGET_PER_SITE = 0  # force the path taken for crowds seen from afar
    try:
        assert shade_cells(projection, towns, radius) == brute_force(projection, towns, radius)
    finally:
        shading._BUDGET_PER_SITE = saved


def test_clustered_towns_with_a_huge_radius_match_brute_force() -> None:
    towns = [(4.0 + (i % 7) * 0.05, 0.2 + (i // 7) * 0.05, "abc"[i % 3]) for i in range(70)]
    projection = Projection(View(0.0, -5.0, 10.0, 5.0), 40, 12)
    assert shade_cells(projection, towns, 5000) == brute_force(projection, towns, 5000)
