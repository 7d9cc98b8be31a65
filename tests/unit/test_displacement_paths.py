"""The displacement at a step is the same whatever path the board took to it (`Timeline.displacement_at`).

A step forward carries on from the tallies of the step before; a jump or a
step back starts again from the tally checkpoint. Either way a situation is
a fixed value: nothing worked out later changes one given earlier.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sitboard.cli.bench import generate
from sitboard.scenario.loader import parse_scenario
from sitboard.timeline import Displacement, Timeline

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
