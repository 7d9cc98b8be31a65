"""The board state's view (a centre and a zoom) as map bounds, and the moves that need the map's geometry.

`BoardState` says where the map looks relative to the scenario's home view;
this turns that into a `View` for a projection, and zooms and pans in the
home view's degrees. Pure: a key press, the wheel and a drag all go through
these, and a follower at another size does the same sums.

A camera per step (an event's `view:`, docs/scenario-format.md): entering a
step (`enter_step`: a key, autoplay, go-to, the timeline strip, a presenter)
points the map at that step's camera, which is the latest `view` at or before
the step, and the home view before the first one. So stepping back restores
the previous step's camera, and a manual zoom or pan holds until the next
step. A scenario without any `view` leaves the map alone when stepping, as
the board always did: its manual view holds across steps.
"""

from __future__ import annotations

import bisect
import math

from sitboard.geo.projection import KM_PER_DEGREE, View
from sitboard.scenario.model import Camera, Scenario, event_columns
from sitboard.state import MAX_CENTER, BoardState, go_to
from sitboard.timeline import Timeline

# The narrowest and widest spans a view may have, in degrees: closer than
# about 10 m the map says nothing more; wider than the world it wraps.
MIN_SPAN = 1e-4
MAX_WIDTH, MAX_HEIGHT = 360.0, 180.0


def home_view(scenario: Scenario) -> View:
    """What the map shows at zoom 1: `map.bounds`, else every town with a margin."""
    b = scenario.map.bounds
    return View(b.west, b.south, b.east, b.north) if b else View.around((t.lat, t.lon) for t in scenario.towns)


def view_of(state: BoardState, home: View) -> View:
    """The bounds `state` looks at; the home view itself at zoom 1 around its own centre.

    Total for any state `BoardState.from_json` accepts: a zoom outside what
    `zoom` allows is held at its limit, so a follower sent an odd value
    still draws a map.
    """
    if state.center is None and state.zoom == 1.0:
        return home
    lat, lon = home.center if state.center is None else state.center
    zoom = min(max(state.zoom, _widest(home)), _closest(home))
    half_w = home.width / zoom / 2
    half_h = home.height / zoom / 2
    return View(lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def zoom(state: BoardState, home: View, factor: float, about: tuple[float, float] | None = None) -> BoardState:
    """`factor` times closer (above 1 zooms in), centred on `about` (default: where the view is centred now).

    Unchanged past the limits, as a key that cannot zoom further does nothing.
    """
    new_zoom = state.zoom * factor
    center = state.center if about is None else about
    if not _widest(home) < new_zoom < _closest(home):
        return state
    return state._replace(center=center, zoom=new_zoom)


def zoom_at(state: BoardState, home: View, factor: float, point: tuple[float, float]) -> BoardState:
    """`zoom`, keeping `point` (lat, lon) where it is on the screen: the wheel under the pointer.

    Centring on the point itself would make the map jump at every notch.
    """
    lat, lon = point
    clat, clon = view_of(state, home).center
    return zoom(state, home, factor, (lat + (clat - lat) / factor, lon + (clon - lon) / factor))


def pan(state: BoardState, home: View, dx: float, dy: float) -> BoardState:
    """The view shifted by fractions of its size (+dx east, +dy north)."""
    view = view_of(state, home)
    lat, lon = view.center
    return state._replace(center=(_held(lat + dy * view.height), _held(lon + dx * view.width)))


class StepCameras:
    """Where each step's camera points, for one scenario and its home view (made once per scenario)."""

    def __init__(self, scenario: Scenario, home: View) -> None:
        self.scenario = scenario
        self.home = home
        views = event_columns(scenario.events).views  # not every event's record: a store builds them lazily
        self._steps = [step for step, _ in views]
        self._cameras = [view for _, view in views]

    @property
    def any(self) -> bool:
        """Whether any event has a camera; without one, stepping never moves the map."""
        return bool(self._steps)

    def camera_at(self, step: int) -> Camera | None:
        """The latest `view` at or before `step`; None before the first (the home view)."""
        found = bisect.bisect_right(self._steps, step)
        return self._cameras[found - 1] if found else None

    def view_at(self, step: int) -> tuple[tuple[float, float] | None, float]:
        """The (centre, zoom) of `step`'s camera, as `BoardState` holds a view; home is (None, 1.0)."""
        camera = self.camera_at(step)
        return (None, 1.0) if camera is None else framing(camera, self.scenario, self.home)


def framing(camera: Camera, scenario: Scenario, home: View) -> tuple[tuple[float, float], float]:
    """The centre and zoom that show all of `camera` on a map of the home view's proportions.

    `focus` frames its towns with `margin_km` around them (a degree of longitude
    is shorter away from the equator); `bounds` are taken as they are. The
    zoom is the closest at which the whole box still fits, held within what
    `zoom` allows.
    """
    if camera.bounds is not None:
        b = camera.bounds
        west, south, east, north = b.west, b.south, b.east, b.north
    else:
        towns = [scenario.town(town_id) for town_id in camera.focus]
        south, north = min(t.lat for t in towns), max(t.lat for t in towns)
        west, east = min(t.lon for t in towns), max(t.lon for t in towns)
        dlat = camera.margin_km / KM_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians((south + north) / 2)), 0.01)
        south, north, west, east = max(south - dlat, -90.0), min(north + dlat, 90.0), west - dlon, east + dlon
    width, height = max(east - west, MIN_SPAN), max(north - south, MIN_SPAN)
    zoom = min(home.width / width, home.height / height)
    zoom = min(max(zoom, _widest(home)), _closest(home))
    return ((south + north) / 2, (west + east) / 2), zoom


def enter_step(state: BoardState, timeline: Timeline, step: int, cameras: StepCameras) -> BoardState:
    """`state` at `step` (held within the timeline) with that step's camera, when the step changes.

    Staying on the same step changes nothing, so a manual view holds; a
    scenario without cameras only changes the step.
    """
    moved = go_to(state, timeline, step)
    if moved.step == state.step or not cameras.any:
        return moved
    center, zoom = cameras.view_at(moved.step)
    return moved._replace(center=center, zoom=zoom)


def _held(degrees: float) -> float:
    return max(-MAX_CENTER, min(MAX_CENTER, degrees))


def _widest(home: View) -> float:
    """The zoom at which the view reaches the widest span allowed."""
    return max(home.width / MAX_WIDTH, home.height / MAX_HEIGHT)


def _closest(home: View) -> float:
    """The zoom at which the view reaches the narrowest span allowed."""
    return min(home.width / MIN_SPAN, home.height / MIN_SPAN)
