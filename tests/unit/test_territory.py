"""Areas of control and the fronts between them, as the map draws them: on land, inside borders, fronts between holders."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitboard.geo.context import load_context
from sitboard.geo.projection import View
from sitboard.geo.scene import MapScene
from sitboard.scenario.loader import load_scenario
from sitboard.timeline import Timeline

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"
SIZES = ((80, 24), (160, 50), (250, 70))


def board():  # type: ignore[no-untyped-def]
    scenario = load_scenario(BUNDLED)
    return scenario, Timeline(scenario), MapScene(scenario)


def views(scene):  # type: ignore[no-untyped-def]
    """The home view, and one closer in on the coast (Latakia, Tartus, Lebanon's border), where sea is near."""
    return [scene.home, View(south=34.2, west=35.3, north=36.2, east=37.4)]


@pytest.mark.parametrize(("cols", "rows"), SIZES[:2])
def test_no_shaded_cell_is_sea_or_lake(cols: int, rows: int) -> None:
    # Each shaded cell's centre is checked against the polygons themselves (not the grid the areas came from).
    _, timeline, scene = board()
    context = load_context()
    for view in views(scene):
        for step in (timeline.steps,):
            frame = scene.draw(timeline.state_at(step), view, cols, rows, areas=True)
            assert frame.shade is not None
            shaded = [(c, r) for r, line in enumerate(frame.shade) for c, h in enumerate(line) if h is not None]
            assert shaded, "the scenario's towns shade some land"
            for c, r in shaded:
                lat, lon = frame.projection.unproject(c + 0.5, r + 0.5)
                region = context.country_at(lat, lon, detail="fine")
                assert region >= 0, f"cell ({c}, {r}) at {lat:.3f}, {lon:.3f} is shaded but is sea or a lake"


def test_no_area_crosses_an_international_border() -> None:
    # The bundled scenario holds towns in Syria only: no land of Lebanon or Turkey is shaded.
    _, timeline, scene = board()
    context = load_context()
    syria = {i for i, country in enumerate(context.countries) if country.iso_a3 == "SYR"}
    assert syria
    for cols, rows in SIZES[:2]:
        frame = scene.draw(timeline.state_at(timeline.steps), scene.home, cols, rows, areas=True)
        assert frame.shade is not None
        for r, line in enumerate(frame.shade):
            for c, h in enumerate(line):
                if h is not None:
                    lat, lon = frame.projection.unproject(c + 0.5, r + 0.5)
                    assert context.country_at(lat, lon, detail="fine") in syria, (c, r, lat, lon)


@pytest.mark.parametrize(("cols", "rows"), SIZES)
def test_fronts_sit_between_cells_of_different_holders(cols: int, rows: int) -> None:
    _, timeline, scene = board()
    seen = 0
    for step in range(timeline.steps + 1):
        frame = scene.draw(timeline.state_at(step), scene.home, cols, rows, areas=True)
        assert frame.shade is not None
        owner = [[None if h is None else h.split(":")[0] for h in line] for line in frame.shade]
        for r, line in enumerate(frame.grid):
            for c, (char, style) in enumerate(line):
                if style != "front":
                    continue
                seen += 1
                here = owner[r][c]
                right = owner[r][c + 1] if c + 1 < cols else None
                below = owner[r + 1][c] if r + 1 < rows else None
                assert here is not None, (step, c, r)
                meets = [n for n, edge in ((right, "▕"), (below, "▁")) if n is not None and n != here]
                assert meets, f"front at ({c}, {r}) step {step}: {here} with {right} right and {below} below"
                expected = {"▕": right, "▁": below}[char]
                assert expected is not None and expected != here, (step, c, r, char)
    assert seen, "the bundled scenario has two holders whose areas meet"


def test_land_that_changed_hands_at_a_step_is_marked() -> None:
    # Step 3: Hama falls. The cells of its area are marked new; at the step after, nothing is.
    _, timeline, scene = board()
    state = timeline.state_at(3)
    assert any(change.town == "hama" for change in state.changed)
    frame = scene.draw(state, scene.home, 160, 50, areas=True)
    assert frame.shade is not None
    hama = frame.projection.cell(35.1318, 36.7578)
    assert hama is not None
    assert frame.shade[hama[1]][hama[0]] == f"{state.holder('hama')}:new"
    fills = scene.draw(state, scene.home, 160, 50, areas=True, fills=True)
    assert any(style is not None and style.endswith(":new") for line in fills.grid for _, style in line)


def test_context_layers_are_drawn_and_each_can_be_left_out() -> None:
    _, timeline, scene = board()
    state = timeline.state_at(timeline.steps)

    def styles(**options):  # type: ignore[no-untyped-def]
        frame = scene.draw(state, scene.home, 160, 50, **options)
        drawn = {style for line in frame.grid for _, style in line}
        return drawn, {label.key.split(":")[0] for label in frame.labels}

    drawn, keys = styles()
    assert {"country", "sea", "place"} <= keys and "ctx-place" in drawn
    assert any(label.text == "SYRIA" for label in scene.draw(state, scene.home, 160, 50).labels)
    drawn, keys = styles(context=())
    assert not keys & {"country", "sea", "lake", "river", "place"} and "ctx-place" not in drawn
    drawn, keys = styles(context=("countries",))
    assert keys & {"country", "sea", "lake", "river", "place"} == {"country"}
    rivers_only, _ = styles(context=("rivers",))
    nothing, _ = styles(context=())
    assert "line:river" in rivers_only and "line:river" not in nothing


def test_a_deferred_context_is_drawn_once_it_is_handed_back() -> None:
    # The board makes a view's context in a thread: until then the view is drawn without it, and says so.
    _, timeline, scene = board()
    state = timeline.state_at(timeline.steps)
    first = scene.draw(state, scene.home, 160, 50, defer_context=True)
    assert first.context_pending
    assert not any(label.key.startswith(("country:", "place:")) for label in first.labels)
    assert not any(style == "line:river" for line in first.grid for _, style in line)
    shown = frozenset({"countries", "water", "rivers", "places"})
    scene.add_context(scene.home, 160, 50, shown, scene.make_context(scene.home, 160, 50, shown))
    then = scene.draw(state, scene.home, 160, 50, defer_context=True)
    assert not then.context_pending
    assert then.grid == scene.draw(state, scene.home, 160, 50).grid  # the same as made in line
    assert any(label.text == "SYRIA" for label in then.labels)
    assert any(style == "line:river" for line in then.grid for _, style in line)
