"""A map with more towns than cells draws how many towns each cell holds, in the colour of the holder of most."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitboard.cli.bench import generate
from sitboard.geo.density import KEY, Density
from sitboard.geo.scene import MapScene
from sitboard.scenario.loader import parse_scenario
from sitboard.timeline import Timeline

SCENARIO = parse_scenario(generate(3000, 400, seed=5), "crowded.yaml")
TIMELINE = Timeline(SCENARIO)


def occupants(frame, holders):  # type: ignore[no-untyped-def]
    """cell -> Counter of the holders of the towns in it, worked out town by town."""
    cells: dict[tuple[int, int], Counter[str]] = {}
    for town, holder in zip(SCENARIO.towns, holders):
        cell = frame.projection.cell(town.lat, town.lon)
        if cell is not None:
            cells.setdefault(cell, Counter())[holder] += 1
    return cells


def expected(counts: Counter[str]) -> tuple[str, str]:
    n = sum(counts.values())
    order = [f.id for f in SCENARIO.factions]
    holder = min(counts, key=lambda h: (-counts[h], order.index(h) if h in order else len(order), h))
    return (str(n) if n <= 9 else "+"), holder


# A step whose flows are drawn (their arrows cross occupied cells), and steps around it.
FLOW_STEP = next(s for s in range(1, TIMELINE.steps + 1) if TIMELINE.state_at(s).step_flows)


@pytest.mark.parametrize("step", [250, FLOW_STEP, FLOW_STEP + 1])
def test_a_crowded_map_draws_each_cells_count_in_its_majority_holders_colour(step):
    scene = MapScene(SCENARIO)
    scene.draw(TIMELINE.state_at(step - 1), scene.home, 60, 20)  # the step before, kept by the scene
    situation = TIMELINE.state_at(step)
    frame = scene.draw(situation, scene.home, 60, 20)  # 3,000 towns on 1,200 cells
    assert frame.density
    hot = {c.town for c in situation.changed} | (
        {situation.event.at.town} if situation.event and situation.event.at else set()
    )
    hot_cells = {frame.projection.cell(t.lat, t.lon) for t in SCENARIO.towns if t.id in hot}
    cells = occupants(frame, situation.holders)
    assert len(cells) > 100
    for (col, row), counts in cells.items():
        if (col, row) in hot_cells:
            continue
        char, style = frame.grid[row][col]
        want_char, want_holder = expected(counts)
        if char in "123456789+":
            assert (char, style) == (want_char, f"town:town:{want_holder}"), (col, row, counts)
        else:  # a label or the key line written over the cell
            assert style in ("label", "label-hot", "scale"), (col, row, char, style)
    assert KEY in "\n".join("".join(ch for ch, _ in row) for row in frame.grid)


def test_counts_kept_from_step_to_step_are_those_worked_out_afresh():
    """The counts are updated from the towns that changed hands: any path through the steps gives the fresh answer."""
    kept = MapScene(SCENARIO)
    rng = random.Random(3)
    for step in [1, 2, 3, 50, 49, 400, 0, *rng.sample(range(401), 20), *range(100, 160), *range(300, 260, -1)]:
        situation = TIMELINE.state_at(step)
        fresh = MapScene(SCENARIO)
        assert kept.draw(situation, kept.home, 60, 20).grid == fresh.draw(situation, fresh.home, 60, 20).grid, step


def test_a_step_next_to_a_step_counted_before_is_counted_from_it(monkeypatch):  # type: ignore[no-untyped-def]
    """The board draws its first step, then the last one unseen (End is the jump made most): its next step is
    one step from a step whose counts are kept, though not from the one drawn last, and recounts nothing."""
    scene = MapScene(SCENARIO)
    last = TIMELINE.steps
    for step in (0, last):
        scene.draw(TIMELINE.state_at(step), scene.home, 60, 20)
    recounts: list[int] = []
    recount = Density._recount

    def counting(self, holders):  # type: ignore[no-untyped-def]
        recounts.append(1)
        return recount(self, holders)

    monkeypatch.setattr(Density, "_recount", counting)
    for step in (1, 2, last - 1, last - 2):  # one step on from Home, then from End, back
        situation = TIMELINE.state_at(step)
        fresh = MapScene(SCENARIO)
        assert scene.draw(situation, scene.home, 60, 20).grid == fresh.draw(situation, fresh.home, 60, 20).grid, step
    assert len(recounts) == 4  # the fresh scenes' own, none of the kept one's


def test_a_sparse_map_draws_town_glyphs_as_before():
    scene = MapScene(SCENARIO)
    frame = scene.draw(TIMELINE.state_at(5), scene.home, 200, 60)  # 3,000 towns on 12,000 cells
    assert not frame.density
    text = "\n".join("".join(ch for ch, _ in row) for row in frame.grid)
    assert KEY not in text and "■" in text


def _brute(listed, holders, order):  # type: ignore[no-untyped-def]
    """cell -> (count's character, holder of most; ties by `order`, then id), town by town."""
    cells: dict[tuple[int, int], Counter[str]] = {}
    for i, col, row in listed:
        cells.setdefault((col, row), Counter())[holders[i]] += 1
    rank = {h: k for k, h in enumerate(order)}
    return {
        spot: (
            str(sum(c.values())) if sum(c.values()) <= 9 else "+",
            min(c, key=lambda h: (-c[h], rank.get(h, len(rank)), h)),
        )
        for spot, c in cells.items()
    }


@settings(max_examples=60, deadline=None)
@given(
    towns=st.integers(1, 400),
    kinds=st.integers(1, 80),  # past the 64 holders a recount tells apart at once
    seed=st.integers(0, 10_000),
)
def test_counts_after_any_sequence_of_holders_are_those_counted_town_by_town(towns, kinds, seed):
    rng = random.Random(seed)
    pool = [f"h{k}" for k in range(kinds)]
    order = rng.sample(pool, min(len(pool), 4))  # the scenario's factions; the other holders rank by id
    listed = [(i, rng.randrange(12), rng.randrange(6)) for i in range(towns) if rng.random() < 0.9]
    density = Density(listed, order)
    holders = [rng.choice(pool) for _ in range(towns)]
    for _ in range(6):
        density.update(tuple(holders), far=rng.random() < 0.3)  # told that most moved: recounted without comparing
        assert density.looks == _brute(listed, holders, order)
        moved = rng.choice([1, 3, towns])  # a step, a few, a jump (every cell recounted at once)
        for i in rng.sample(range(towns), min(moved, towns)):
            holders[i] = rng.choice(pool)


def _flipping(seed: int) -> str:
    """A scenario crowded on a 24 x 8 map (~1.5 towns per cell, so a single change often flips a cell's majority),
    each event changing hands of a few towns, with flows now and then."""
    rng = random.Random(seed)
    holders = ["gov", "reb", "kur", "contested", "unknown"]
    lines = ["sitboard: 1", "title: Flipping", "factions:"]
    lines += [f"  - {{id: {f}, name: Faction {f}}}" for f in holders[:3]]
    lines.append("towns:")
    towns = 300
    for i in range(towns):
        lat, lon = 32 + rng.random() * 2, 35.5 + rng.random() * 3
        lines.append(f"  - {{id: t{i}, name: T{i}, lat: {lat:.4f}, lon: {lon:.4f}, control: {rng.choice(holders)}}}")
    lines.append("events:")
    for e in range(120):
        lines.append(f"  - time: 2024-01-{1 + e // 5:02d}T{e % 5:02d}:00")
        lines.append(f"    title: Event {e}")
        if rng.random() < 0.8:
            moved = {f"t{rng.randrange(towns)}": rng.choice(holders) for _ in range(rng.choice([1, 2, 5, 40]))}
            lines.append("    control: {" + ", ".join(f"{t}: {h}" for t, h in moved.items()) + "}")
        if rng.random() < 0.15:
            lines.append(f"    flows: [{{from: t{rng.randrange(towns)}, to: t{rng.randrange(towns)}}}]")
    return "\n".join(lines) + "\n"


MOVES = st.one_of(
    st.tuples(st.just("step"), st.sampled_from([1, -1, 2, -2, 0])),  # the arrow keys, either way, and a redraw
    st.tuples(st.just("go to"), st.integers(0, 120)),  # a date, Home (0) or End (120)
)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 1000), walk=st.lists(MOVES, min_size=5, max_size=40))
# End and Home counted and kept, End again from what was kept, then a date near Home: compared, not recounted
@example(seed=0, walk=[("go to", 120), ("go to", 0), ("go to", 120), ("go to", 1)])
# The same, back from End: a step next to a step counted before
@example(seed=0, walk=[("go to", 0), ("go to", 120), ("go to", 0), ("go to", 119), ("step", -1)])
def test_a_map_kept_through_any_walk_of_steps_and_jumps_is_drawn_as_afresh(seed, walk):
    """Steps either way hand the density the towns that changed; jumps recount: each stop equals a fresh draw."""
    scenario = parse_scenario(_flipping(seed), "flipping.yaml")
    timeline = Timeline(scenario)
    kept = MapScene(scenario)
    step = 0
    for how, n in walk:
        step = timeline.clamp(step + n if how == "step" else n)
        situation = timeline.state_at(step)
        drawn = kept.draw(situation, kept.home, 24, 8)
        fresh = MapScene(scenario)
        assert drawn.density
        assert drawn.grid == fresh.draw(situation, fresh.home, 24, 8).grid, (step, walk)
