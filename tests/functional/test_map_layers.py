"""Each context layer has a key (b, w, v, o) that hides and shows it, and the legend says when areas are on, on the board."""

from __future__ import annotations

import pytest

from sitboard.app.app import SitboardApp
from sitboard.app.widgets.map_view import MapView
from sitboard.timeline import Timeline


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        await pilot.pause()


def drawn(view: MapView) -> tuple[set[str], set[str]]:
    """(styles on the map, kinds of label drawn) of the map's current frame."""
    frame = view._frame
    assert frame is not None
    styles = {style or "" for line in frame.grid for _, style in line}
    return styles, {label.key.split(":")[0] for label in frame.labels}


@pytest.mark.parametrize(
    ("key", "layer", "shows"),
    [
        ("b", "countries", ("country",)),
        ("w", "water", ("sea", "lake")),
        ("v", "rivers", ("line:river",)),
        ("o", "places", ("place",)),
    ],
)
def test_a_key_hides_and_shows_each_context_layer(syria, ui, key: str, layer: str, shows: tuple[str, ...]) -> None:
    app = SitboardApp(Timeline(syria))

    def present(view: MapView) -> bool:
        styles, kinds = drawn(view)
        return any(kind in styles or kind in kinds for kind in shows)

    async def body(pilot):  # type: ignore[no-untyped-def]
        view = app.query_one(MapView)
        assert present(view)
        await pilot.press(key)
        await settle(pilot)
        assert view.state.hidden == (layer,) and not present(view)
        await pilot.press(key)
        await settle(pilot)
        assert view.state.hidden == () and present(view)

    ui.drive(app, body)


def test_the_legend_says_whether_areas_are_on(syria, ui) -> None:
    app = SitboardApp(Timeline(syria))

    async def body(pilot):  # type: ignore[no-untyped-def]
        assert any("Areas off" in line for line in ui.screen_lines(app))
        await pilot.press("a")
        await settle(pilot)
        lines = ui.screen_lines(app)
        assert any("Areas on" in line for line in lines)
        assert any("nearest town within a radius" in line for line in lines)

    ui.drive(app, body)
