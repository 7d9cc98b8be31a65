"""What the map keeps between steps never shows: a long-lived scene draws what a fresh one does.

`MapScene` keeps a lot between draws to make a step cheap: the static layer,
the earlier flows, where the towns of a view sit, the labels placed once per
view, the cells of town glyphs and of label texts. These tests walk one scene
through jumps, steps, zooms, pans, sizes and options and compare every frame
with a scene that draws it from scratch, and check the town layer against its
definition (each town drawn in turn), on the bundled scenario and on a
generated one where many towns share a cell.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from sitboard.cli.bench import generate
from sitboard.geo.canvas import overlay
from sitboard.geo.projection import Projection
from sitboard.geo.scene import KIND_GLYPH, KIND_GLYPH_ASCII, PLACE_GLYPH, PLACE_GLYPH_ASCII, MapScene
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.timeline import Timeline

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"


@pytest.fixture(scope="module", params=["bundled", "generated"])
def board(request):  # type: ignore[no-untyped-def]
    if request.param == "bundled":
        scenario = load_scenario(BUNDLED)
    else:
        scenario = parse_scenario(generate(300, 600), "<generated>")
    return scenario, Timeline(scenario)


def frame_data(frame):  # type: ignore[no-untyped-def]
    return frame.grid, frame.shade, dict(frame.town_cells)


@pytest.mark.parametrize("ascii_only", [False, True])
def test_a_long_lived_scene_draws_what_a_fresh_one_does(board, ascii_only):  # type: ignore[no-untyped-def]
    scenario, timeline = board
    scene = MapScene(scenario, ascii_only=ascii_only)
    home, last = scene.home, timeline.steps
    town = scenario.towns[len(scenario.towns) // 3]
    views = [home, home.zoomed(2.0), home.zoomed(3.0, (town.lat, town.lon)), home.panned(0.3, -0.2)]
    sizes = [(80, 22), (160, 46), (200, 56), (37, 11)]
    rng = random.Random(7)
    walk = []
    for i in range(40):
        # Mostly jumps between the ends (what the caches are for), with steps and random places between.
        step = [0, last, 0, last, 1, last - 1, rng.randrange(last + 1)][i % 7]
        view = views[0] if i < 12 else rng.choice(views)
        size = sizes[1] if i < 8 else rng.choice(sizes)
        options = {
            "marks": rng.random() < 0.4,
            "areas": rng.random() < 0.3,
            "selected": rng.choice([None, None, scenario.towns[0].id, town.id]),
        }
        walk.append((step, view, size, options))
    first_at: dict[tuple[object, ...], int] = {}
    for step, view, (cols, rows), options in walk:
        state = timeline.state_at(step)
        drawn = scene.draw(state, view, cols, rows, **options)
        # The labels of a view are placed at its first draw (around that step's
        # notes), so the fresh scene starts where the long-lived one did.
        fresh = MapScene(scenario, ascii_only=ascii_only)
        first = first_at.setdefault((view, cols, rows), step)
        fresh.draw(timeline.state_at(first), view, cols, rows)
        expected = fresh.draw(state, view, cols, rows, **options)
        assert frame_data(drawn) == frame_data(expected), (step, view, cols, rows, options)


@pytest.mark.parametrize("ascii_only", [False, True])
def test_each_cell_shows_the_last_town_listed_there(board, ascii_only):  # type: ignore[no-untyped-def]
    # Town glyphs are written once per occupied cell (the town drawn last when
    # every town is drawn in turn), then again for the hot ones; one scene
    # draws with and without faction marks in turn.
    scenario, timeline = board
    scene = MapScene(scenario, ascii_only=ascii_only)
    glyphs = KIND_GLYPH_ASCII if ascii_only else KIND_GLYPH
    looks = {f.id: f.mark for f in scenario.factions}
    for cols, rows in ((40, 12), (120, 40)):
        projection = Projection(scene.home, cols, rows)
        listed: dict[tuple[int, int], list[int]] = {}
        for i, t in enumerate(scenario.towns):
            cell = projection.cell(t.lat, t.lon)
            if cell is not None:
                listed.setdefault(cell, []).append(i)
        hidden = [towns[0] for towns in listed.values() if len(towns) > 1]  # under a later town
        shown = [towns[-1] for towns in listed.values()]
        for step in (0, 1, timeline.steps // 2, timeline.steps):
            state = timeline.state_at(step)
            for n, pick in enumerate([None, *hidden[:2], *shown[:2]]):
                selected = scenario.towns[pick].id if pick is not None else None
                marks = n % 2 == step % 2
                frame = scene.draw(state, scene.home, cols, rows, marks=marks, selected=selected)
                hot = {c.town for c in state.changed} | {selected}
                place = state.event.at if state.event else None
                if place is not None and place.town:
                    hot.add(place.town)
                assert frame.town_cells == {cell: scenario.towns[towns[-1]].id for cell, towns in listed.items()}
                for (col, row), towns in listed.items():
                    char, style = frame.grid[row][col]
                    if row in (0, rows - 1) or char in (PLACE_GLYPH, PLACE_GLYPH_ASCII):
                        continue  # the scale bar, north arrow or the event's place may sit on top
                    t = scenario.towns[towns[-1]]
                    holder = state.holders[towns[-1]]
                    glyph = looks.get(holder, "~" if holder == "contested" else "?") if marks else glyphs[t.kind]
                    look = f"town:{t.kind}:{holder}" + (":hot" if t.id in hot else "")
                    assert (char, style) == (glyph, look), (step, selected, t.id)


def test_projecting_a_line_at_once_gives_the_same_numbers(board):  # type: ignore[no-untyped-def]
    scenario, _ = board
    scene = MapScene(scenario)
    points = [(t.lat, t.lon) for t in scenario.towns] + [(90.0, -180.0), (-12.5, 400.0)]
    for view in (scene.home, scene.home.zoomed(3.7), scene.home.panned(-0.4, 0.9)):
        for cols, rows in ((80, 22), (211, 67)):
            projection = Projection(view, cols, rows)
            assert projection.project_all(points) == [projection.project(lat, lon) for lat, lon in points]


def test_labels_are_written_as_overlay_writes_them(monkeypatch):  # type: ignore[no-untyped-def]
    # Label texts are written from cached cells; names with wide, combining,
    # right-to-left and emoji characters must come out as `overlay` writes them.
    names = ["北京{}", "Ḥamā {}", "حمص {}", "😀 Camp {}", "Ne\u0301a {}", "ｱｲｳ {}", "Town {}"]
    text = re.sub(
        r"name: Town (\d+)", lambda m: f"name: '{names[int(m[1]) % len(names)].format(m[1])}'", generate(300, 600)
    )
    scenario = parse_scenario(text, "<wide names>")
    timeline = Timeline(scenario)
    scene = MapScene(scenario)
    reference = MapScene(scenario)

    def write(grid, col, row, text, style):  # type: ignore[no-untyped-def]
        overlay(grid, col, row, text, style)
        return True

    monkeypatch.setattr(reference, "_write", write)
    for step in (0, timeline.steps, 1, timeline.steps // 2, timeline.steps):
        for cols, rows in ((60, 18), (160, 46)):
            state = timeline.state_at(step)
            expected = frame_data(reference.draw(state, scene.home, cols, rows))
            assert frame_data(scene.draw(state, scene.home, cols, rows)) == expected, (step, cols, rows)
    assert any(char == "" for row in expected[0] for char, _ in row)  # some wide names were drawn
