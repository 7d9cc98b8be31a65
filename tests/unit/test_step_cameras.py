"""A camera per step: which `view:` a step has, how it frames its towns, and entering a step moves there."""

from __future__ import annotations

import math

import pytest
from extended_scenario import HEAD
from hypothesis import given
from hypothesis import strategies as st

from sitboard.geo import camera
from sitboard.geo.camera import StepCameras, enter_step, framing, view_of, zoom
from sitboard.geo.projection import KM_PER_DEGREE
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import Bounds, Camera
from sitboard.state import BoardState
from sitboard.timeline import Timeline

# Five events: no view, a focus, no view, bounds, no view.
EVENTS = """\
events:
  - {time: 2024-12-01, title: Quiet}
  - {time: 2024-12-02, title: Homs and Hama, view: {focus: [homs, hama], margin_km: 30}}
  - {time: 2024-12-03, title: Still there}
  - {time: 2024-12-04, title: The coast, view: {bounds: {west: 35.5, south: 34.5, east: 36.2, north: 35.8}}}
  - {time: 2024-12-05, title: After}
"""
SCENARIO = parse_scenario(HEAD + EVENTS, "cameras.yaml")
TIMELINE = Timeline(SCENARIO)
HOME = camera.home_view(SCENARIO)
CAMERAS = StepCameras(SCENARIO, HOME)
FOCUS = Camera(("homs", "hama"), 30.0)
COAST = Camera(bounds=Bounds(35.5, 34.5, 36.2, 35.8))


def shows(state: BoardState, lat: float, lon: float) -> bool:
    view = view_of(state, HOME)
    slack = 1e-9 * max(view.width, view.height)  # a town on the edge of the box, in floating point
    return view.west - slack <= lon <= view.east + slack and view.south - slack <= lat <= view.north + slack


def test_a_step_has_the_latest_view_at_or_before_it_and_home_before_the_first():
    assert [CAMERAS.camera_at(step) for step in range(6)] == [None, None, FOCUS, FOCUS, COAST, COAST]
    assert CAMERAS.view_at(0) == CAMERAS.view_at(1) == (None, 1.0)
    assert CAMERAS.any


def test_focus_frames_its_towns_with_the_margin_and_no_more():
    center, closer = framing(FOCUS, SCENARIO, HOME)
    state = BoardState(center=center, zoom=closer)
    homs, hama = SCENARIO.town("homs"), SCENARIO.town("hama")
    margin = 30 / KM_PER_DEGREE  # degrees of latitude
    for town in (homs, hama):
        assert shows(state, town.lat + margin * 0.99, town.lon) and shows(state, town.lat - margin * 0.99, town.lon)
    # The closest zoom that fits: one axis is tight, so zooming in any further loses part of the box.
    view = view_of(state, HOME)
    span_lat = abs(homs.lat - hama.lat) + 2 * margin
    span_lon = abs(homs.lon - hama.lon) + 2 * margin / math.cos(math.radians((homs.lat + hama.lat) / 2))
    assert max(span_lat / view.height, span_lon / view.width) == pytest.approx(1.0)
    assert closer > 1  # two towns 45 km apart: closer than the whole scenario


def test_bounds_are_shown_whole():
    center, closer = framing(COAST, SCENARIO, HOME)
    view = view_of(BoardState(center=center, zoom=closer), HOME)
    assert view.west <= 35.5 + 1e-9 and view.east >= 36.2 - 1e-9
    assert view.south <= 34.5 + 1e-9 and view.north >= 35.8 - 1e-9
    assert center == pytest.approx(((34.5 + 35.8) / 2, (35.5 + 36.2) / 2))


def test_one_town_without_a_margin_is_as_close_as_the_map_goes():
    center, closer = framing(Camera(("homs",), 0.0), SCENARIO, HOME)
    assert center == (SCENARIO.town("homs").lat, SCENARIO.town("homs").lon)
    assert math.isfinite(closer) and zoom(BoardState(center=center, zoom=closer), HOME, 1.5).zoom == closer


def test_entering_steps_moves_the_map_and_stepping_back_restores_the_previous_camera():
    state = BoardState()
    seen = []
    for step in (1, 2, 3, 4, 5, 4, 3, 2, 1, 0, 4, 2):
        state = enter_step(state, TIMELINE, step, CAMERAS)
        seen.append((state.step, state.center, state.zoom))
        assert (state.center, state.zoom) == (CAMERAS.view_at(step) if step >= 2 else (None, 1.0)), f"step {step}"
    assert {s[1:] for s in seen} == {(None, 1.0), framing(FOCUS, SCENARIO, HOME), framing(COAST, SCENARIO, HOME)}


def test_a_manual_zoom_holds_until_the_next_step():
    at_focus = enter_step(BoardState(), TIMELINE, 2, CAMERAS)
    zoomed = zoom(at_focus, HOME, 1.5)
    assert enter_step(zoomed, TIMELINE, 2, CAMERAS) == zoomed  # the same step: nothing moves
    assert enter_step(zoomed, TIMELINE, 99, CAMERAS).step == 5  # held within the timeline, as go_to
    onward = enter_step(zoomed, TIMELINE, 3, CAMERAS)
    assert (onward.center, onward.zoom) == framing(FOCUS, SCENARIO, HOME)  # step 3 keeps step 2's camera


def test_a_scenario_without_views_keeps_the_manual_view_across_steps():
    plain = parse_scenario(HEAD + "events:\n  - {time: 2024-12-01, title: A}\n  - {time: 2024-12-02, title: B}\n")
    cameras = StepCameras(plain, camera.home_view(plain))
    assert not cameras.any
    zoomed = zoom(BoardState(), camera.home_view(plain), 2.0)
    moved = enter_step(zoomed, Timeline(plain), 2, cameras)
    assert moved == zoomed._replace(step=2)


@given(
    st.lists(st.sampled_from([t.id for t in SCENARIO.towns]), min_size=1, max_size=7, unique=True),
    st.floats(min_value=0, max_value=500),
)
def test_every_focused_town_is_in_view(focus, margin):
    center, closer = framing(Camera(tuple(focus), margin), SCENARIO, HOME)
    state = BoardState(center=center, zoom=closer)
    assert state == BoardState.from_json(state.to_json())  # a follower can be sent it
    for town_id in focus:
        town = SCENARIO.town(town_id)
        assert shows(state, town.lat, town.lon)
