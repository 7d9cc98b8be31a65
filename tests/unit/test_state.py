"""The board state: one plain value, what a key press makes of it, and what a follower may be sent."""

from __future__ import annotations

import json
import math

import pytest
from functional.conftest import SMALL
from hypothesis import given
from hypothesis import strategies as st

from sitboard.geo import camera
from sitboard.geo.projection import View
from sitboard.scenario.loader import parse_scenario
from sitboard.state import (
    CONTEXT_LAYERS,
    BoardState,
    StepOutOfRange,
    first_step,
    go_to,
    last_step,
    next_step,
    previous_step,
    reset_view,
    resolve_step,
    select,
    toggle_areas,
    toggle_layer,
    toggle_present,
)
from sitboard.timeline import Timeline

TIMELINE = Timeline(parse_scenario(SMALL, "small.yaml"))  # four events
HOME = View(10.0, 10.0, 12.0, 12.0)

finite = st.floats(min_value=-1e6, max_value=1e6)
states = st.builds(
    BoardState,
    step=st.integers(0, 10**6),
    center=st.none() | st.tuples(finite, finite),
    zoom=st.floats(min_value=1e-300, allow_infinity=False, allow_nan=False),
    areas=st.booleans(),
    selected=st.none() | st.text(),
    present=st.booleans(),
    compare=st.none() | st.integers(0, 10**6),
    hidden=st.sets(st.sampled_from(CONTEXT_LAYERS)).map(lambda layers: tuple(sorted(layers))),
)


@given(states)
def test_a_state_survives_json_exactly(state):
    sent = json.dumps(state.to_json(), allow_nan=False)  # plain JSON: what the room sends
    assert BoardState.from_json(json.loads(sent)) == state


@pytest.mark.parametrize(
    "data",
    [
        [],
        "step",
        {"step": -1},
        {"step": 1.5},
        {"step": True},
        {"zoom": 0},
        {"zoom": -2.0},
        {"zoom": "2"},
        {"center": [1.0]},
        {"center": [1.0, float("nan")]},
        {"center": "here"},
        {"areas": 1},
        {"present": "yes"},
        {"selected": 3},
        {"camera": 1},
        {"center": [1e7, 0.0]},
        {"compare": -1},
        {"compare": "2024-12-05"},
        {"compare": False},
        {"hidden": "rivers"},
        {"hidden": ["rivers", "rivers"]},
        {"hidden": ["borders"]},
        {"hidden": [1]},
    ],
)
def test_anything_else_is_refused_with_a_sentence(data):
    with pytest.raises(ValueError, match="board state"):
        BoardState.from_json(data)


def test_missing_keys_are_the_defaults():
    assert BoardState.from_json({}) == BoardState()
    assert BoardState.from_json({"zoom": 2}) == BoardState(zoom=2.0)


def test_steps_move_within_the_timeline():
    state = BoardState()
    assert previous_step(state, TIMELINE) is state  # nothing before the start: the same value
    state = next_step(state, TIMELINE)
    assert state.step == 1
    assert last_step(state, TIMELINE).step == 4
    assert next_step(last_step(state, TIMELINE), TIMELINE).step == 4
    assert first_step(state, TIMELINE).step == 0
    assert go_to(state, TIMELINE, 99).step == 4 and go_to(state, TIMELINE, -3).step == 0


def test_moves_change_only_what_they_are_about():
    state = BoardState(step=2, center=(11.0, 11.0), zoom=3.0, selected="north")
    assert next_step(state, TIMELINE) == state._replace(step=3)
    assert toggle_areas(state) == state._replace(areas=True)
    assert toggle_present(toggle_present(state)) == state
    assert select(state, "east") == state._replace(selected="east")
    assert reset_view(state) == state._replace(center=None, zoom=1.0)
    assert toggle_layer(state, "rivers") == state._replace(hidden=("rivers",))
    assert toggle_layer(toggle_layer(state, "rivers"), "countries") == state._replace(hidden=("countries", "rivers"))
    assert toggle_layer(toggle_layer(state, "rivers"), "rivers") == state
    assert toggle_layer(state, "borders") is state


def test_a_step_given_by_a_person():
    assert resolve_step("end", 4) == 4
    assert resolve_step(3, 4) == 3
    with pytest.raises(StepOutOfRange, match="step 5 is past the last event"):
        resolve_step(5, 4)


# -- the view, through the map's geometry ---------------------------------------------------------


def test_the_home_state_is_the_home_view_itself():
    assert camera.view_of(BoardState(), HOME) is HOME


def test_zooming_and_panning_are_relative_to_the_view_shown():
    closer = camera.zoom(BoardState(), HOME, 2.0)
    view = camera.view_of(closer, HOME)
    assert view.width == pytest.approx(1.0) and view.center == pytest.approx(HOME.center)
    east = camera.pan(closer, HOME, 0.5, 0.0)  # half of the view shown, not of the home view
    assert camera.view_of(east, HOME).center == pytest.approx((11.0, 11.5))
    assert reset_view(east) == BoardState()


def test_the_wheel_keeps_the_place_under_the_pointer():
    state = camera.zoom(BoardState(), HOME, 1.5)
    before = camera.view_of(state, HOME)
    point = (11.5, 10.5)
    after = camera.view_of(camera.zoom_at(state, HOME, 1.25, point), HOME)
    # The point sits at the same fraction of the view before and after.
    for a, b in (
        ((point[1] - before.west) / before.width, (point[1] - after.west) / after.width),
        ((point[0] - before.south) / before.height, (point[0] - after.south) / after.height),
    ):
        assert a == pytest.approx(b)


def test_zoom_stops_at_its_limits_and_any_received_zoom_still_draws():
    far = BoardState(zoom=1e-9)
    assert camera.zoom(far, HOME, 0.5) is far
    near = BoardState(zoom=1e9)
    assert camera.zoom(near, HOME, 2.0) is near
    for state in (far, near, BoardState(center=(1e6, -1e6), zoom=1e300)):
        view = camera.view_of(state, HOME)  # a follower sent an odd value still gets bounds
        assert all(math.isfinite(v) for v in view) and view.west < view.east


def test_the_room_carries_the_state_as_it_is():
    """What a presenter publishes (room.wire) is the state's JSON; a follower reads the same value back."""
    from sitboard.room.wire import state_text

    state = BoardState(step=3, center=(34.73, 36.71), zoom=2.0, selected="homs")
    assert BoardState.from_json(json.loads(state_text(state.to_json()))) == state
