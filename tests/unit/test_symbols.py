"""Control states on the map: marks beside the glyph, distinct in every mode; the legend lists the states in use."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitboard.geo.scene import AREA_MARK, AREA_MARK_ASCII, PLACE_GLYPH, MapScene
from sitboard.geo.symbols import MARKS, MARKS_ASCII
from sitboard.panels.event import event
from sitboard.panels.legend import states_legend
from sitboard.panels.words import words_for
from sitboard.scenario.loader import load_scenario
from sitboard.timeline import Timeline

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
GEZIRA = SCENARIOS / "gezira_2023.yaml"


def test_each_state_has_its_own_marks_in_unicode_and_in_ascii() -> None:
    for table in (MARKS, MARKS_ASCII):
        assert len(set(table.values())) == len(table)
    assert all(char.isascii() for pair in MARKS_ASCII.values() for char in pair)


@pytest.mark.parametrize("ascii_only", [False, True])
def test_towns_in_a_state_have_its_marks_beside_their_glyph(ascii_only: bool) -> None:
    scenario = load_scenario(GEZIRA)
    timeline, scene = Timeline(scenario), MapScene(scenario, ascii_only=ascii_only)
    table = MARKS_ASCII if ascii_only else MARKS
    state = timeline.state_at(timeline.steps)
    frame = scene.draw(state, scene.home, 250, 70)
    seen = set()
    for town in scenario.towns:
        control = state.control(town.id)
        if control.is_plain:
            continue
        cell = frame.projection.cell(town.lat, town.lon)
        assert cell is not None and frame.town_cells.get(cell) == town.id, town.id
        col, row = cell
        kind = "presence" if control.present else control.state
        left, right = table[kind]
        line = frame.grid[row]
        if left:
            assert line[col - 1][0] == left, (town.id, kind, line[col - 1])
        if right:
            assert line[col + 1][0] == right, (town.id, kind, line[col + 1])
        assert (line[col - 1][1] or line[col + 1][1] or "").startswith("mark:")
        seen.add(kind)
    assert seen == {"besieged", "encircled", "mixed", "truce", "presence"}


def test_the_legend_lists_only_the_states_in_use() -> None:
    gezira = words_for(load_scenario(GEZIRA))
    listed = [entry[1].text.strip() for entry in states_legend(gezira)]
    assert listed == ["besieged", "encircled", "mixed control", "truce", "another faction present"]
    assert states_legend(words_for(load_scenario(SCENARIOS / "central_syria.yaml"))) == []


@pytest.mark.parametrize("ascii_only", [False, True])
def test_an_approximate_place_is_an_area_and_the_panel_says_so(ascii_only: bool) -> None:
    scenario = load_scenario(GEZIRA)
    timeline, scene = Timeline(scenario), MapScene(scenario, ascii_only=ascii_only)
    step = next(k for k in range(1, timeline.steps + 1) if timeline.state_at(k).event.precision == "province")
    state = timeline.state_at(step)
    text = "".join(span.text for span in event(state, words_for(scenario, ascii_only=ascii_only)))
    assert "(approx., province level)" in text
    frame = scene.draw(state, scene.home, 160, 50)
    ring = AREA_MARK_ASCII if ascii_only else AREA_MARK
    marks = [(c, r) for r, line in enumerate(frame.grid) for c, (ch, st) in enumerate(line) if st == "place"]
    assert len(marks) >= 8 and all(frame.grid[r][c][0] == ring for c, r in marks)
    assert not any(ch == PLACE_GLYPH for line in frame.grid for ch, _ in line)
    exact = next(k for k in range(1, timeline.steps + 1) if timeline.state_at(k).event.precision == "exact")
    exact_frame = scene.draw(timeline.state_at(exact), scene.home, 160, 50)
    assert not any(st == "place" for line in exact_frame.grid for _, st in line)  # an exact town place: its glyph
