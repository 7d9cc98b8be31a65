"""A step's situation is the same whatever path the board took to it (`Timeline.state_at`).

The tallies come from a window worked out once per checkpoint (a step
forward or back moves the last table given by the flows between, a jump
copies it whole), the largest from rank snapshots and the keys touched
since; holders and counts move from the last step's, either way. Whatever
the path, a situation is a fixed value: nothing worked out later changes
one given earlier.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_timeline_states import random_scenario

import sitboard.timeline
from sitboard.cli.bench import generate
from sitboard.panels.displacement import SHOWN_PER_TABLE
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import Flow, Scenario
from sitboard.timeline import CHECKPOINT, RANK_EVERY, RANKED, Displacement, Tally, Timeline, ranked

SCENARIO = parse_scenario(generate(60, 700, seed=11), "flows.yaml")  # tallies every 32 flows: several checkpoints


def tallies(d: Displacement) -> tuple[object, ...]:
    return d.total, sorted(d.by_origin.items()), sorted(d.by_destination.items(), key=repr), d.by_origin.largest(8)


FRESH = Timeline(SCENARIO)
STEPS = FRESH.steps
ANSWERS = {step: tallies(Timeline(SCENARIO).displacement_at(step)) for step in range(0, STEPS + 1, 7)}


@settings(max_examples=40, deadline=None)
@given(path=st.lists(st.tuples(st.sampled_from(["forward", "back", "jump"]), st.integers(0, STEPS)), max_size=12))
def test_every_path_gives_the_displacement_worked_out_afresh(path):
    timeline = Timeline(SCENARIO)
    step, given_before = 0, []
    for how, where in path:
        if how == "jump":
            step = where
        else:
            for _ in range(where % 40):  # a run of steps, as a briefer presses → or ←
                step = min(STEPS, step + 1) if how == "forward" else max(0, step - 1)
                d = timeline.displacement_at(step)
                given_before.append((step, d, tallies(d)))
        d = timeline.displacement_at(step)
        given_before.append((step, d, tallies(d)))
    for step, d, seen in given_before:
        assert tallies(d) == seen  # what was given is never changed by what came after
        fresh = ANSWERS.get(step) or tallies(Timeline(SCENARIO).displacement_at(step))
        assert seen == fresh, step


# -- any path, any spacing: against the sums done the obvious way --------------------------------------

WORDS = (None, None, "thousands", "hundreds", "many", "thousands ", " ")  # repeats, and blank words


def small_flows(rng: random.Random, ids: list[str]) -> tuple[Flow, ...]:
    """Small counts, so that tallies tie often (then the name decides), and flows without a figure, some with words."""
    flows = []
    for _ in range(rng.choice([0, 1, 1, 2])):
        origin = rng.choice(ids)
        targets = rng.sample([t for t in ids if t != origin], rng.choice([1, 1, 1, 2]))
        people = rng.choice([None, None, 0, 1, 2, 3, 10])
        words = rng.choice(WORDS) if people is None else None
        flows.append(Flow(origin, targets[0], people, words, tuple(targets[1:])))
    return tuple(flows)


def small_scenario(seed: int, events: int, towns: int) -> Scenario:
    """Random control changes and states (`test_timeline_states`), with `small_flows` for the flows."""
    rng = random.Random(seed)
    s = random_scenario(rng, events, towns)
    ids = [t.id for t in s.towns]
    return Scenario(
        s.path, s.title, s.factions, s.towns, events=tuple(e._replace(flows=small_flows(rng, ids)) for e in s.events)
    )


def summed(scenario: Scenario, step: int) -> tuple[Tally, dict[str, Tally], dict[object, Tally]]:
    """The displacement at `step`, adding up every flow from the start (first met, first listed)."""
    total, by_origin, by_destination = Tally(), {}, {}
    for event in scenario.events[:step]:
        for flow in event.flows:
            total = total.plus(flow)
            by_origin[flow.origin] = by_origin.get(flow.origin, Tally()).plus(flow)
            key = flow.destinations if flow.also_to else flow.destination
            by_destination[key] = by_destination.get(key, Tally()).plus(flow)
    return total, by_origin, by_destination


def largest_by_sorting(tallies: dict[object, Tally], n: int) -> list[tuple[object, Tally]]:
    """Every tally sorted: most people (none counts as 0), then most flows without a figure, then the name."""
    return sorted(tallies.items(), key=lambda kv: (-(kv[1].people or 0), -kv[1].unquantified, str(kv[0])))[:n]


@contextmanager
def spaced(checkpoint: int, rank_every: int) -> Iterator[None]:
    """Checkpoints every `checkpoint` steps and flows (at the fewest), rank snapshots every `rank_every` flows."""
    with (
        patch.object(sitboard.timeline, "CHECKPOINT", checkpoint),
        patch.object(sitboard.timeline, "RANK_EVERY", rank_every),
    ):
        yield


SIZES = (0, 1, 2, 3, SHOWN_PER_TABLE, SHOWN_PER_TABLE + 1, RANKED - 1, RANKED, RANKED + 1, 1000)


def check_step(timeline: Timeline, scenario: Scenario, step: int) -> None:
    state = timeline.state_at(step)
    total, by_origin, by_destination = summed(scenario, step)
    assert state.displaced.total == total
    for tallies, expected in ((state.displaced.by_origin, by_origin), (state.displaced.by_destination, by_destination)):
        assert list(tallies.items()) == list(expected.items())  # the same tallies, listed in the same order
        assert len(tallies) == len(expected)
        for n in SIZES:
            assert ranked(tallies, n) == largest_by_sorting(expected, n), (step, n)
    fresh = Timeline(scenario)  # replays from the checkpoint, the way every step did before
    assert state.holders == fresh.holders_at(step)
    assert list(state.counts.items()) == list(fresh.holdings_at(step).items())  # in the same order too
    assert dict(state.counts) == state._replace(counts=None).holdings()  # counting every town
    assert list(state.controls.states.items()) == list(fresh.controls_at(step).states.items())


@pytest.mark.parametrize(
    ("checkpoint", "rank_every"),
    [(CHECKPOINT, RANK_EVERY), (4, 3), (6, 1), (5, 7)],
)
@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    path=st.lists(st.tuples(st.sampled_from(["forward", "back", "jump"]), st.integers(0, 10**6)), max_size=10),
)
def test_every_step_of_any_path_is_the_sum_of_the_flows_so_far(checkpoint, rank_every, seed, path):
    """Steps forward and back (one and several), jumps anywhere, across checkpoints and rank snapshots."""
    with spaced(checkpoint, rank_every):
        scenario = small_scenario(seed, 120, 9)
        timeline = Timeline(scenario)
        steps = timeline.steps
        step, given_before = 0, []
        for how, where in path:
            if how == "jump":
                step = where % (steps + 1)
            else:
                for _ in range(where % 15):
                    step = min(steps, step + 1) if how == "forward" else max(0, step - 1)
                    given_before.append((step, timeline.state_at(step)))
            given_before.append((step, timeline.state_at(step)))
        for step, _ in given_before:
            check_step(timeline, scenario, step)  # and the path goes on, jumping about
        for step, state in given_before:
            # what was given is never changed by what came after
            assert list(state.displaced.by_origin.items()) == list(summed(scenario, step)[1].items())
            assert state.holders == Timeline(scenario).holders_at(step)


def test_the_largest_tallies_are_found_among_few_keys():
    """The ranking looks at the keys touched since a snapshot, not at every place: not only right, but cheap."""
    scenario = small_scenario(3, 400, 40)
    with patch.object(sitboard.timeline, "CHECKPOINT", 200), patch.object(sitboard.timeline, "RANK_EVERY", 8):
        timeline = Timeline(scenario)
        steps = range(timeline.steps + 1)
        step = max(steps, key=lambda k: len(timeline.state_at(k).displaced.by_origin._over))
        tallies = timeline.state_at(step).displaced.by_origin
        assert len(tallies._over) > 20  # many places touched since the checkpoint...
        assert tallies._top is not None
        assert len(tallies._top[1]) < 8  # ...only those touched since the last snapshot are ranked with its keys
        assert ranked(tallies, 8) == largest_by_sorting(summed(scenario, step)[1], 8)


@pytest.mark.parametrize(("checkpoint", "rank_every"), [(4, 3), (6, 1), (5, 64)])
@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32), order=st.randoms(use_true_random=False))
def test_jumps_after_the_end_take_the_windows_the_checkpoints_were_worked_out_with(checkpoint, rank_every, seed, order):
    """The end first (as a board works it out after its first frame), then jumps anywhere in any order.

    Working out the checkpoints up to the end completes every window before
    the last, and those windows are kept: the jumps after take their tables
    from them, never adding up a window's flows again. Each step is checked
    against the flows summed from the start, and against a timeline that
    worked out only that step.
    """
    with spaced(checkpoint, rank_every):
        scenario = small_scenario(seed, 120, 9)
        timeline = Timeline(scenario)
        steps = timeline.steps
        timeline.state_at(steps)
        windows = dict(timeline._windows)
        passed = range(len(timeline._tally_checkpoints) - 1)  # the windows the checkpoints were worked out from
        assert set(passed) <= set(windows)
        assert all(len(windows[base][0].keys) == len(windows[base][1].keys) == timeline.spacing for base in passed)
        jumps = list(range(steps + 1))
        order.shuffle(jumps)
        for step in jumps[:50]:
            check_step(timeline, scenario, step)
            alone = Timeline(scenario).displacement_at(step)
            assert tallies(timeline.displacement_at(step)) == tallies(alone), step
        assert all(timeline._windows[base] is w for base, w in windows.items())  # kept, not worked out again
