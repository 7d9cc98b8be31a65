"""The map's earlier flows, made from a kept layer by what changed, look as if every arrow were drawn again.

`EarlierFlows` makes the layer of a step's earlier flows from a kept one,
redrawing only the cells of arrows added, dropped or moved (from each
arrow's recorded marks). These tests hold it, over many random changes of
the flows, against the definition: a copy of the static canvas with every
arrow drawn in turn by `arrow`. The static canvases carry lines of every
priority (a front above the flows, coasts and borders below, context
lines with none), in braille and in ASCII, and the arrows cross each
other, share heads, leave the grid or have no length. Then a scene walked
step by step through a timeline long enough to drop its oldest flows is
held against fresh scenes, on a sparse map and on a dense one.
"""

from __future__ import annotations

import random

import pytest

from sitboard.cli.bench import generate
from sitboard.geo import canvas as canvas_module
from sitboard.geo import earlier_flows
from sitboard.geo import scene as scene_module
from sitboard.geo.canvas import ArrowRecorder, arrow, new_canvas
from sitboard.geo.earlier_flows import EarlierFlows
from sitboard.geo.scene import MAX_OLD_FLOWS, PRIORITY, MapScene, _flow_pairs
from sitboard.scenario.loader import parse_scenario
from sitboard.timeline import Timeline

STATIC_STYLES = ["coast", "border", "line:river", "line:front", "ctx-water", "line:road"]


def static_canvas(rng: random.Random, cols: int, rows: int, ascii_only: bool):  # type: ignore[no-untyped-def]
    canvas = new_canvas(cols, rows, ascii=ascii_only, priority=PRIORITY)
    for _ in range(rng.randrange(3, 12)):
        points = [(rng.uniform(-3, cols + 3), rng.uniform(-2, rows + 2)) for _ in range(rng.randrange(2, 7))]
        canvas.polyline(points, rng.choice(STATIC_STYLES))
    return canvas


def random_lines(rng: random.Random, cols: int, rows: int, n: int) -> dict[tuple[str, str], tuple[float, ...]]:
    """Arrows by pair: most across the map, some crossing its edge, some of no length, several to one place."""
    hub = (rng.uniform(0, cols), rng.uniform(0, rows))
    lines = {}
    for k in range(n):
        x0, y0 = rng.uniform(-5, cols + 5), rng.uniform(-3, rows + 3)
        kind = k % 5
        if kind == 0:
            x1, y1 = hub
        elif kind == 1:
            x1, y1 = x0, y0
        elif kind == 2:
            x1, y1 = x0 + rng.uniform(-2, 2), y0 + rng.uniform(-1, 1)
        else:
            x1, y1 = rng.uniform(-5, cols + 5), rng.uniform(-3, rows + 3)
        lines[(f"a{k}", f"b{k}")] = (x0, y0, x1, y1)
    return lines


def drawn_afresh(static, lines, flows, ascii_only):  # type: ignore[no-untyped-def]
    canvas = static.copy()
    for pair in flows:
        arrow(canvas, *lines[pair], "flow-old", ascii_only)
    return canvas.cells()


def next_flows(rng: random.Random, flows: list, pairs: list, cap: int) -> list:  # type: ignore[type-arg]
    """A change of the earlier flows as steps make them, or now and then a jump."""
    flows = list(flows)
    move = rng.random()
    if move < 0.35:  # a step with flows: new pairs on top, the oldest dropped past the cap
        for pair in rng.sample(pairs, rng.randrange(1, 4)):
            if pair in flows:
                flows.remove(pair)  # a pair drawn again moves to the top
            flows.append(pair)
        del flows[: max(0, len(flows) - cap)]
    elif move < 0.55 and flows:  # back over that step
        del flows[-rng.randrange(1, min(3, len(flows)) + 1) :]
    elif move < 0.7 and len(flows) > 2:  # some pairs moved among the others
        for _ in range(rng.randrange(1, 3)):
            flows.insert(rng.randrange(len(flows)), flows.pop(rng.randrange(len(flows))))
    elif move < 0.8:  # a jump: flows from anywhere
        flows = rng.sample(pairs, rng.randrange(0, cap + 1))
    else:  # back to a layer seen before (kept), or near it
        flows = flows[1:] if flows else flows
    return flows


@pytest.mark.parametrize("ascii_only", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_a_layer_made_from_a_kept_one_is_the_layer_drawn_afresh(ascii_only: bool, seed: int) -> None:
    rng = random.Random(seed)
    cols, rows = rng.choice([(40, 12), (23, 9), (60, 20)])
    static = static_canvas(rng, cols, rows, ascii_only)
    lines = random_lines(rng, cols, rows, 80)
    pairs = list(lines)
    cap = [6, 25, 60][seed % 3]
    layers = EarlierFlows(static, "flow-old", lines.__getitem__, {}, ascii=ascii_only)  # type: ignore[arg-type]
    layers.SPARE_MARKS = seed % 2 * 1000  # marks forgotten (and recorded again) as soon as they may be, or never
    flows: list[tuple[str, str]] = []
    before: tuple[tuple[str, str], ...] = ()
    made, afresh = 0, 0
    for _ in range(150):
        flows = next_flows(rng, flows, pairs, cap)
        after = tuple(flows)
        expected = drawn_afresh(static, lines, after, ascii_only)
        if after not in layers._kept:
            near = layers._nearest(after) is not None
            made, afresh = made + near, afresh + (not near)
        assert layers.grid(after) == expected, after
        # Every cell that differs between two layers is among those `changed` names.
        old = drawn_afresh(static, lines, before, ascii_only)
        differ = {r * cols + c for r in range(rows) for c in range(cols) if old[r][c] != expected[r][c]}
        assert differ <= layers.changed(before, after)
        before = after
    assert made > 40  # most layers were made from a kept one
    assert afresh > 0 or cap < 40  # and jumps far off were drawn afresh (then made from)


@pytest.mark.parametrize("ascii_only", [False, True])
def test_recorded_marks_redraw_an_arrow_as_drawing_it_does(ascii_only: bool) -> None:
    rng = random.Random(11)
    for _ in range(60):
        cols, rows = rng.randrange(1, 30), rng.randrange(1, 12)
        static = static_canvas(rng, cols, rows, ascii_only)
        recorder = ArrowRecorder(static, "flow-old", ascii=ascii_only)
        lines = list(random_lines(rng, cols, rows, 6).values())
        expected = drawn_afresh(static, dict(enumerate(lines)), range(len(lines)), ascii_only)
        found: dict[int, list[canvas_module.Mark]] = {}
        for line in lines:
            marks = recorder.record(*line)
            for index, mark in marks.line.items():
                found.setdefault(index, []).append((mark, marks.head if index == marks.head_at else ""))
            if marks.head_at >= 0 and marks.head_at not in marks.line:
                found.setdefault(marks.head_at, []).append((0, marks.head))
        assert recorder.cells() == expected  # the recorder draws as the canvas does
        got = static.cells()
        for index, cell in static.redrawn(found, "flow-old"):
            got[index // cols][index % cols] = cell
        assert got == expected  # and its marks draw the arrows again


def test_a_step_that_adds_a_flow_draws_only_the_arrows_that_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = parse_scenario(generate(300, 2000), "<generated>")
    timeline = Timeline(scenario)
    keys = [tuple(_flow_pairs(timeline.state_at(s))[1]) for s in range(timeline.steps + 1)]
    changes = [s for s in range(1, timeline.steps + 1) if keys[s] != keys[s - 1] and len(keys[s]) == MAX_OLD_FLOWS]
    assert len(changes) >= 3, "the generated timeline drops old flows"
    scene = MapScene(scenario)
    view = scene.home
    for step in range(changes[0] - 1, changes[2]):
        scene.draw(timeline.state_at(step), view, 120, 40)
    drawn: list[str] = []
    real = canvas_module.arrow

    def counting(target, x0, y0, x1, y1, style, ascii):  # type: ignore[no-untyped-def]
        if not isinstance(target, list):  # a grid is this step's own flows
            drawn.append(style)
        return real(target, x0, y0, x1, y1, style, ascii)

    for module in (canvas_module, scene_module, earlier_flows):
        monkeypatch.setattr(module, "arrow", counting, raising=False)
    scene.draw(timeline.state_at(changes[2]), view, 120, 40)
    added = len(set(keys[changes[2]]) - set(keys[changes[2] - 1]))
    assert 0 < len(drawn) <= 2 * added + 2  # the new arrows (and any the step took away), not all 120


@pytest.fixture(scope="module")
def long_board():  # type: ignore[no-untyped-def]
    scenario = parse_scenario(generate(300, 2000), "<generated>")
    return scenario, Timeline(scenario)


@pytest.mark.parametrize("ascii_only", [False, True])
@pytest.mark.parametrize("size", [(100, 34), (16, 9)], ids=["sparse", "dense"])
def test_a_scene_stepping_through_flows_draws_what_a_fresh_one_does(long_board, ascii_only, size):  # type: ignore[no-untyped-def]
    scenario, timeline = long_board
    keys = [tuple(_flow_pairs(timeline.state_at(s))[1]) for s in range(timeline.steps + 1)]
    full = next(s for s, key in enumerate(keys) if len(key) == MAX_OLD_FLOWS)
    cols, rows = size
    scene = MapScene(scenario, ascii_only=ascii_only)
    view = scene.home
    rng = random.Random(3)
    start = full - 30
    # Forward over the steps where the oldest flows start to drop, back, a jump away and back, forward again.
    walk = [
        *range(start, full + 40),
        *range(full + 38, full + 10, -1),
        rng.randrange(timeline.steps),
        *range(full + 10, full + 30),
    ]
    compared, last = 0, -1
    for step in walk:
        state = timeline.state_at(step)
        frame = scene.draw(state, view, cols, rows)
        near_change = last < 0 or keys[step] != keys[last] or rng.random() < 0.2
        last = step
        if not near_change:  # a step that keeps its layer: checked now and then (a fresh scene costs)
            continue
        fresh = MapScene(scenario, ascii_only=ascii_only)
        fresh.draw(timeline.state_at(start), view, cols, rows)  # where the long-lived scene placed its labels
        expected = fresh.draw(state, view, cols, rows)
        assert frame.density == expected.density == (size == (16, 9))
        assert (frame.grid, frame.shade, frame.labels) == (expected.grid, expected.shade, expected.labels), step
        compared += 1
    assert compared > 25


def test_arrows_recorded_before_the_context_came_are_drawn_over_its_rivers(long_board):  # type: ignore[no-untyped-def]
    # The map's first frames are drawn without the context (made in a thread), then with it: the static
    # layer is drawn again with rivers under the arrows, and the arrows' marks recorded before are reused.
    scenario, timeline = long_board
    keys = [tuple(_flow_pairs(timeline.state_at(s))[1]) for s in range(timeline.steps + 1)]
    full = next(s for s, key in enumerate(keys) if len(key) == MAX_OLD_FLOWS)
    scene = MapScene(scenario)
    view, cols, rows = scene.home, 100, 34
    for step in range(full - 5, full + 5):
        assert scene.draw(timeline.state_at(step), view, cols, rows, defer_context=True).context_pending
    shown = frozenset(scene_module.ALL_CONTEXT)
    scene.add_context(view, cols, rows, shown, scene.make_context(view, cols, rows, shown))
    fresh = MapScene(scenario)
    fresh.draw(timeline.state_at(full - 5), view, cols, rows)
    for step in range(full + 5, full + 25):
        state = timeline.state_at(step)
        assert scene.draw(state, view, cols, rows).grid == fresh.draw(state, view, cols, rows).grid, step
