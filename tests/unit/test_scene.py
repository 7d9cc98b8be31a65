"""The map for a step, computed without a terminal: what lands where, and in which style."""

from __future__ import annotations

from pathlib import Path

from sitboard.geo.scene import MapScene
from sitboard.scenario.loader import load_scenario
from sitboard.timeline import Timeline

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"
# The bundled scenario before issue 19: its coast, named "Syrian coast (Latakia/Tartus)" and pinned
# among the northern towns, is the label crowded out at a small size.
V1 = Path(__file__).resolve().parents[2] / "tests" / "data" / "central_syria_v1.yaml"


def setup(ascii_only: bool = False, file: Path = BUNDLED):  # type: ignore[no-untyped-def]
    scenario = load_scenario(file)
    return scenario, Timeline(scenario), MapScene(scenario, ascii_only=ascii_only)


def text_of(frame) -> str:  # type: ignore[no-untyped-def]
    return "\n".join("".join(ch for ch, _ in row) for row in frame.grid)


def test_towns_sit_in_their_projected_cells_with_their_holder():
    scenario, timeline, scene = setup()
    frame = scene.draw(timeline.state_at(3), scene.home, 100, 36)
    for town, holder in zip(scenario.towns, timeline.state_at(3).holders):
        cell = frame.projection.cell(town.lat, town.lon)
        assert cell is not None
        _ch, style = frame.grid[cell[1]][cell[0]]
        assert style is not None and style.split(":")[2] == holder
        assert frame.town_cells[cell] == town.id
    hama = frame.projection.cell(35.1318, 36.7578)
    assert frame.grid[hama[1]][hama[0]][1].endswith(":hot")  # Hama changed hands at step 3


def test_every_row_is_exactly_as_wide_as_the_map():
    _, timeline, scene = setup()
    for cols, rows in ((20, 8), (100, 36), (237, 71)):
        frame = scene.draw(timeline.state_at(8), scene.home, cols, rows)
        assert len(frame.grid) == rows
        assert all(sum(len(ch) > 0 for ch, _ in row) + sum(ch == "" for ch, _ in row) == cols for row in frame.grid)


def test_flows_of_the_step_are_arrows_with_the_sources_words():
    _, timeline, scene = setup()
    frame = scene.draw(timeline.state_at(8), scene.home, 120, 40)
    styles = {style for row in frame.grid for _, style in row}
    assert "flow" in styles
    assert "thousands" in text_of(frame)  # the estimate, never a made-up number
    later = scene.draw(timeline.state_at(9), scene.home, 120, 40)  # flows earlier than this step: dimmed
    later_styles = {style for row in later.grid for _, style in row}
    assert "flow-old" in later_styles and "flow" not in later_styles


def test_ascii_mode_draws_only_ascii():
    _, timeline, scene = setup(ascii_only=True)
    for step in range(timeline.steps + 1):
        frame = scene.draw(timeline.state_at(step), scene.home, 90, 30, marks=True)
        assert text_of(frame).isascii()


def test_a_label_cut_for_want_of_room_comes_back_whole_when_zoomed_in():
    scenario, timeline, scene = setup(file=V1)
    state = timeline.state_at(0)
    coast = scenario.town("coast")
    small = text_of(scene.draw(state, scene.home, 40, 12))
    assert coast.name not in small  # the other towns crowd it: shortened or dropped
    zoomed = text_of(scene.draw(state, scene.home.zoomed(2, (coast.lat, coast.lon + 1.0)), 40, 12))
    assert coast.name in zoomed


def test_a_step_reuses_the_static_layer_and_changes_only_what_moved():
    _, timeline, scene = setup()
    first = scene.draw(timeline.state_at(1), scene.home, 100, 36)
    second = scene.draw(timeline.state_at(2), scene.home, 100, 36)  # Aleppo changes hands
    changed_rows = [y for y, (a, b) in enumerate(zip(first.grid, second.grid)) if a != b]
    aleppo = second.projection.cell(36.2012, 37.1612)
    assert aleppo[1] in changed_rows
    assert len(changed_rows) <= 4  # the town's row and the rows its labels and event marker touch
