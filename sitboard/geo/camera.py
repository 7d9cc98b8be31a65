"""The board state's view (a centre and a zoom) as map bounds, and the moves that need the map's geometry.

`BoardState` says where the map looks relative to the scenario's home view;
this turns that into a `View` for a projection, and zooms and pans in the
home view's degrees. Pure: a key press, the wheel and a drag all go through
these, and a follower at another size does the same sums.
"""

from __future__ import annotations

from sitboard.geo.projection import View
from sitboard.scenario.model import Scenario
from sitboard.state import MAX_CENTER, BoardState

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


def _held(degrees: float) -> float:
    return max(-MAX_CENTER, min(MAX_CENTER, degrees))


def _widest(home: View) -> float:
    """The zoom at which the view reaches the widest span allowed."""
    return max(home.width / MAX_WIDTH, home.height / MAX_HEIGHT)


def _closest(home: View) -> float:
    """The zoom at which the view reaches the narrowest span allowed."""
    return min(home.width / MIN_SPAN, home.height / MIN_SPAN)
