"""A camera per step on the board: every way of entering a step moves the map there, and `--no-camera` does not."""

from __future__ import annotations

from extended_scenario import HEAD

from sitboard.app.app import SitboardApp
from sitboard.app.messages import StepRequested
from sitboard.app.widgets.bottom_bar import BottomBar
from sitboard.app.widgets.map_view import MapView
from sitboard.cli.commands import board_parser
from sitboard.geo import camera
from sitboard.geo.camera import framing
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import Bounds, Camera
from sitboard.state import BoardState
from sitboard.timeline import Timeline

EVENTS = """\
events:
  - {time: 2024-12-01, title: Quiet}
  - {time: 2024-12-02, title: Homs and Hama, view: {focus: [homs, hama], margin_km: 30}}
  - {time: 2024-12-03, title: Still there}
  - {time: 2024-12-04, title: The coast, view: {bounds: {west: 35.5, south: 34.5, east: 36.2, north: 35.8}}}
"""
SCENARIO = parse_scenario(HEAD + EVENTS, "cameras.yaml")
HOME = camera.home_view(SCENARIO)
FOCUS = framing(Camera(("homs", "hama"), 30.0), SCENARIO, HOME)
COAST = framing(Camera(bounds=Bounds(35.5, 34.5, 36.2, 35.8)), SCENARIO, HOME)
AT_HOME = (None, 1.0)


def view(app: SitboardApp) -> tuple[tuple[float, float] | None, float]:
    return app.state.center, app.state.zoom


def test_keys_go_to_and_the_strip_move_the_map_and_a_manual_zoom_holds_until_the_next_step(ui):
    app = SitboardApp(Timeline(SCENARIO))

    async def body(pilot):
        seen = []

        async def press(*keys: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()
            seen.append((app.state.step, view(app), app.query_one(MapView).view))

        await press("right")
        assert view(app) == AT_HOME  # before the first view: home
        await press("right")
        assert view(app) == FOCUS
        await press("plus")
        zoomed = view(app)
        assert zoomed[1] > FOCUS[1]  # the briefer zooms in: it holds ...
        await press("a")
        assert view(app) == zoomed  # ... through other keys on the same step ...
        await press("right")
        assert view(app) == FOCUS  # ... until the next step, which keeps step 2's camera
        await press("right")
        assert view(app) == COAST
        await press("left")
        assert view(app) == FOCUS  # stepping back restores the previous step's camera
        await press("g", "4", "enter")
        assert (app.state.step, view(app)) == (4, COAST)
        await press("home")
        assert view(app) == AT_HOME
        app.query_one(BottomBar).post_message(StepRequested(2))  # a click on the timeline strip
        await press()
        assert (app.state.step, view(app)) == (2, FOCUS)
        await press("end")
        assert view(app) == COAST
        assert app.query_one(MapView).view == camera.view_of(BoardState(center=COAST[0], zoom=COAST[1]), HOME)
        assert len({drawn for *_, drawn in seen}) >= 3  # the map itself was drawn at home, focus and coast

    ui.drive(app, body)


def test_autoplay_enters_each_step_with_its_camera(ui):
    app = SitboardApp(Timeline(SCENARIO), autoplay=0.25)

    async def body(pilot):
        views = {}

        def entered(state: BoardState) -> None:  # every state, however loaded the machine (no polling)
            views.setdefault(state.step, (state.center, state.zoom))

        app.watch(app, "state", entered)
        for _ in range(400):
            if app.state.step == 4:
                break
            await pilot.pause(0.05)
        assert views == {0: AT_HOME, 1: AT_HOME, 2: FOCUS, 3: FOCUS, 4: COAST}

    ui.drive(app, body, settle_first=False)


def test_opening_at_a_step_shows_its_camera_and_no_camera_keeps_the_map_still(ui):
    assert SitboardApp(Timeline(SCENARIO), BoardState(step=3)).state.center == FOCUS[0]
    assert board_parser().parse_args(["x.yaml", "--no-camera"]).no_camera
    app = SitboardApp(Timeline(SCENARIO), BoardState(step=3), cameras=False)

    async def body(pilot):
        assert view(app) == AT_HOME
        for key in ("right", "left", "left", "end"):
            await pilot.press(key)
            await pilot.pause()
            assert view(app) == AT_HOME, key
        await pilot.press("plus", "home")
        await pilot.pause()
        assert app.state.step == 0 and app.state.zoom > 1  # a manual zoom holds across steps

    ui.drive(app, body)
