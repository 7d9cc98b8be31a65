"""Projection: known points land in known cells, proportions stay true."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitboard.geo.projection import KM_PER_DEGREE, Projection, View, scale_bar
from sitboard.scenario.sphere import haversine_km

# 10 x 10 degrees centred on the equator, so cos(latitude of the centre) is exactly 1.
EQUATOR = View(west=0.0, south=-5.0, east=10.0, north=5.0)


def approx_xy(value: tuple[float, float]) -> object:
    return pytest.approx(value, abs=1e-9)


def bounds(view: View) -> tuple[float, float, float, float]:
    return view.west, view.south, view.east, view.north


# -- View ------------------------------------------------------------------------------


def test_view_rejects_empty_or_inverted_bounds() -> None:
    with pytest.raises(ValueError):
        View(10.0, 0.0, 10.0, 5.0)
    with pytest.raises(ValueError):
        View(0.0, 5.0, 10.0, 0.0)
    with pytest.raises(ValueError):
        View(0.0, 0.0, math.nan, 1.0)


def test_around_contains_points_with_margin() -> None:
    view = View.around([(34.7, 36.7), (36.2, 37.2)], margin=0.1)
    assert view.contains(34.7, 36.7) and view.contains(36.2, 37.2)
    assert view.south == pytest.approx(34.7 - 0.15)
    assert view.north == pytest.approx(36.2 + 0.15)
    assert view.west == pytest.approx(36.7 - 0.05)
    assert view.east == pytest.approx(37.2 + 0.05)


def test_around_single_point_gets_minimum_span_centred_on_it() -> None:
    view = View.around([(35.0, 38.0)], margin=0.0)
    assert view.height == pytest.approx(0.2)
    assert view.width == pytest.approx(0.2)
    assert view.center == approx_xy((35.0, 38.0))


def test_around_needs_points() -> None:
    with pytest.raises(ValueError):
        View.around([])


def test_zoomed_keeps_centre_and_divides_span() -> None:
    zoomed = EQUATOR.zoomed(2.0)
    assert zoomed == View(2.5, -2.5, 7.5, 2.5)
    around = EQUATOR.zoomed(4.0, center=(1.0, 9.0))
    assert around.center == approx_xy((1.0, 9.0))
    assert around.width == pytest.approx(2.5)
    assert EQUATOR.zoomed(0.5).width == pytest.approx(20.0)
    with pytest.raises(ValueError):
        EQUATOR.zoomed(0.0)


def test_panned_moves_by_fractions_east_and_north() -> None:
    assert EQUATOR.panned(0.5, 0.0) == View(5.0, -5.0, 15.0, 5.0)
    assert EQUATOR.panned(0.0, -0.1) == View(0.0, -6.0, 10.0, 4.0)


# -- Projection --------------------------------------------------------------------------


def test_equator_corners_and_centre_by_hand() -> None:
    # 10 deg x 10 deg at the equator into 20 x 10 cells of aspect 2: 2 cells per
    # degree of longitude, 1 cell per degree of latitude, an exact fit.
    p = Projection(EQUATOR, cols=20, rows=10)
    assert p.project(5.0, 0.0) == approx_xy((0.0, 0.0))  # north-west corner
    assert p.project(-5.0, 10.0) == approx_xy((20.0, 10.0))  # south-east corner
    assert p.project(0.0, 5.0) == approx_xy((10.0, 5.0))  # centre
    assert p.project(2.0, 2.0) == approx_xy((4.0, 3.0))
    assert p.cell(0.0, 5.0) == (10, 5)
    assert p.cell(4.99, 0.01) == (0, 0)
    assert p.cell(-4.95, 9.95) == (19, 9)
    assert p.cell(-5.0, 10.0) is None  # the far edge belongs to no cell
    assert p.cell(6.0, 5.0) is None
    assert p.dot(0.0, 5.0) == (20, 20)
    assert p.dot(5.0, 0.0) == (0, 0)
    assert p.dot(7.0, -3.0) == (-12, -8)  # outside: callers clip
    assert bounds(p.extent) == pytest.approx(bounds(EQUATOR))


def test_cos_latitude_makes_a_degree_box_at_60n_twice_as_tall_as_wide() -> None:
    p = Projection(View(10.0, 59.5, 11.0, 60.5), cols=80, rows=40)
    x0, y0 = p.project(60.5, 10.0)
    x1, y1 = p.project(59.5, 11.0)
    width = x1 - x0
    height = (y1 - y0) * p.cell_aspect  # in cell widths, as seen on screen
    assert height / width == pytest.approx(1 / math.cos(math.radians(60.0)))
    assert height / width == pytest.approx(2.0)


def test_letterbox_wide_grid_centres_the_view_horizontally() -> None:
    p = Projection(EQUATOR, cols=40, rows=10)  # twice as wide as the view needs
    assert p.project(0.0, 5.0) == approx_xy((20.0, 5.0))
    assert p.project(5.0, 0.0) == approx_xy((10.0, 0.0))
    assert p.project(-5.0, 10.0) == approx_xy((30.0, 10.0))
    assert bounds(p.extent) == pytest.approx(bounds(View(-5.0, -5.0, 15.0, 5.0)))


def test_letterbox_tall_grid_centres_the_view_vertically() -> None:
    p = Projection(EQUATOR, cols=20, rows=30)  # three times as tall as the view needs
    assert p.project(0.0, 5.0) == approx_xy((10.0, 15.0))
    assert p.project(5.0, 0.0) == approx_xy((0.0, 10.0))
    assert p.project(-5.0, 10.0) == approx_xy((20.0, 20.0))
    assert bounds(p.extent) == pytest.approx(bounds(View(0.0, -15.0, 10.0, 15.0)))


@given(
    lat=st.floats(-60, 60),
    lon=st.floats(-170, 170),
    span=st.floats(0.05, 20),
    cols=st.integers(1, 300),
    rows=st.integers(1, 100),
    fx=st.floats(-1, 2),
    fy=st.floats(-1, 2),
)
def test_project_unproject_round_trip(
    lat: float, lon: float, span: float, cols: int, rows: int, fx: float, fy: float
) -> None:
    view = View(lon - span, lat - span / 2, lon + span, lat + span / 2)
    p = Projection(view, cols, rows)
    x, y = fx * cols, fy * rows
    back = p.project(*p.unproject(x, y))
    assert back == pytest.approx((x, y), abs=1e-6)
    # The view's centre is always the grid's centre, whatever the letterbox.
    assert p.project(*view.center) == pytest.approx((cols / 2, rows / 2), abs=1e-9)
    # The visible extent holds the whole view.
    assert p.extent.west <= view.west + 1e-9 and p.extent.east >= view.east - 1e-9
    assert p.extent.south <= view.south + 1e-9 and p.extent.north >= view.north - 1e-9


def test_km_per_col_at_equator_and_60n() -> None:
    p = Projection(EQUATOR, cols=20, rows=10)  # 0.5 degrees of longitude per column
    assert p.km_per_col() == pytest.approx(KM_PER_DEGREE * 0.5)
    p60 = Projection(View(10.0, 59.5, 11.0, 60.5), cols=80, rows=40)
    degrees_per_col = p60.unproject(1.0, 0.0)[1] - p60.unproject(0.0, 0.0)[1]
    assert p60.km_per_col() == pytest.approx(111.32 * math.cos(math.radians(60.0)) * degrees_per_col)


# -- scale bar and distances --------------------------------------------------------------


def test_scale_bar_by_hand() -> None:
    p = Projection(EQUATOR, cols=20, rows=10)  # 55.66 km per column
    assert scale_bar(p, 20) == (18, "1000 km")
    assert scale_bar(p, 5) == (4, "200 km")
    assert scale_bar(p, 0) == (0, "")


def test_scale_bar_in_metres_when_zoomed_in() -> None:
    p = Projection(View(36.0, 35.0, 36.001, 35.001), cols=40, rows=20)
    length, label = scale_bar(p, 10)
    assert label.endswith(" m") and 1 <= length <= 10


@settings(max_examples=200)
@given(span=st.floats(0.001, 50), lat=st.floats(-70, 70), cols=st.integers(10, 300), max_cols=st.integers(1, 60))
def test_scale_bar_is_the_largest_round_number_that_fits(span: float, lat: float, cols: int, max_cols: int) -> None:
    p = Projection(View(30.0, lat - span / 2, 30.0 + span, lat + span / 2), cols, 40)
    length, label = scale_bar(p, max_cols)
    number, unit = label.split()
    value = int(number)
    assert unit in ("km", "m")
    digits = str(value).rstrip("0")
    assert digits in ("1", "2", "5")
    km = value / 1000 if unit == "m" else value
    cells = km / p.km_per_col()
    assert 1 <= length <= max_cols
    assert length == min(max_cols, max(1, round(cells)))
    smallest = unit == "m" and value == 1  # nothing below one metre is offered
    assert cells <= max_cols * (1 + 1e-9) or smallest
    # The next round number up would not fit.
    next_up = {"1": 2, "2": 5, "5": 10}[digits] * cells / int(digits)
    assert next_up > max_cols * (1 - 1e-9)


def test_haversine_known_distances() -> None:
    assert haversine_km((0.0, 0.0), (0.0, 0.0)) == 0.0
    assert haversine_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(111.195, abs=0.01)
    assert haversine_km((0.0, 0.0), (1.0, 0.0)) == pytest.approx(111.195, abs=0.01)
    assert haversine_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(math.pi * 6371.0088)
    homs, aleppo = (34.73, 36.72), (36.20, 37.16)
    assert haversine_km(homs, aleppo) == pytest.approx(haversine_km(aleppo, homs))
    assert 160 < haversine_km(homs, aleppo) < 175
