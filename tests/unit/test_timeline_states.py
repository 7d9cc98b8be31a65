"""The timeline with control states and shared-figure flows: changes of state, mixed towns, one figure once.

The last tests recompute every step of random scenarios that use the new keys
the obvious way (a full replay from the start) and compare.
"""

from __future__ import annotations

import random
import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from extended_scenario import EXTENDED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitboard.timeline
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import MIXED, Control, Event, EventTime, Faction, Flow, Scenario, Town, plain_control
from sitboard.timeline import CHECKPOINT, MIXED_TOWNS, ControlChange, Tally, Timeline

BESIEGED = Control("gov", "besieged", by=("hts",))

TEXT = textwrap.dedent("""\
    sitboard: 1
    title: States
    factions:
      - {id: gov, name: Government}
      - {id: hts, name: HTS}
      - {id: sdf, name: SDF}
      - {id: sna, name: SNA}
    towns:
      - {id: homs, name: Homs, lat: 34.72, lon: 36.73, control: gov, population: 700}
      - {id: manbij, name: Manbij, lat: 36.53, lon: 37.95, control: sdf, population: 100}
      - {id: damascus, name: Damascus, lat: 33.51, lon: 36.29, control: gov}
      - {id: tartus, name: Tartus, lat: 34.89, lon: 35.89, control: gov, population: 50}
    events:
      - time: 2024-12-01
        title: Siege
        control: {homs: {holder: gov, state: besieged, by: [hts]}}
      - time: 2024-12-02
        title: Restated in other words
        control: {homs: {state: besieged, by: [hts], holder: gov}}
      - time: 2024-12-03
        title: Manbij mixed
        control: {manbij: {state: mixed, holders: [sdf, sna]}}
      - time: 2024-12-04
        title: Mixed restated in another order
        control: {manbij: {state: mixed, holders: [sna, sdf]}}
      - time: 2024-12-05
        title: Siege lifted, Homs held
        control: {homs: gov}
      - time: 2024-12-06
        title: One figure, two destinations
        flows:
          - {from: homs, to: [damascus, tartus], estimate: thousands}
          - {from: homs, to: damascus, people: 40}
      - time: 2024-12-07
        title: Again, with a figure
        flows:
          - {from: manbij, to: [damascus, tartus], people: 60}
          - {from: manbij, to: [tartus, damascus], people: 5}
    """)


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return Timeline(parse_scenario(TEXT, "states.yaml"))


def test_a_change_of_state_alone_is_a_control_change(timeline):
    (change,) = timeline.changes_at(1)
    assert change == ControlChange(1, "homs", "gov", "gov", plain_control("gov"), BESIEGED)
    state = timeline.state_at(1)
    assert state.holders[0] == "gov" and state.controls[0] == BESIEGED and state.control("homs") == BESIEGED
    assert timeline.history("homs")[:2] == [(0, "gov"), (1, "gov")]
    assert timeline.control_history("homs") == [(0, plain_control("gov")), (1, BESIEGED), (5, plain_control("gov"))]


def test_restating_the_same_value_is_not_a_change(timeline):
    assert timeline.changes_at(2) == ()
    assert timeline.changes_at(4) == ()  # the same mixed holders in another order
    assert timeline.state_at(4).controls[1].holders == ("sdf", "sna")  # the first statement stands


def test_a_lifted_siege_is_a_change_back_to_plain(timeline):
    (change,) = timeline.changes_at(5)
    assert (change.before, change.after, change.before_state, change.after_state) == (
        "gov",
        "gov",
        BESIEGED,
        plain_control("gov"),
    )
    assert 0 not in timeline.state_at(5).controls.states


def test_plain_changes_carry_no_records():
    s = parse_scenario(TEXT.replace("{homs: gov}", "{homs: hts}"), "s.yaml")
    plain = Timeline(s.replace(events=s.events[4:]))  # start: every town plain; step 1: homs to HTS
    assert plain.changes_at(1) == (ControlChange(1, "homs", "gov", "hts"),)


def test_mixed_towns_are_counted_for_no_faction(timeline):
    before, after = timeline.state_at(2), timeline.state_at(3)
    assert before.held("sdf") == (1, 100, 0)
    assert after.holders[1] == "sdf"  # the first listed holder, for colour only
    assert after.held("sdf") == (0, 0, 0) and after.held("sna") == (0, 0, 0)
    assert after.holdings()[MIXED_TOWNS] == (1, 100, 0)
    assert sum(n for n, _, _ in after.holdings().values()) == len(timeline.scenario.towns)


def test_a_shared_figure_counts_once(timeline):
    d = timeline.displacement_at(6)
    thousands = ("thousands",)
    assert d.total == Tally(40, 1, thousands)
    assert d.by_origin == {"homs": Tally(40, 1, thousands)}
    assert d.by_destination == {("damascus", "tartus"): Tally(None, 1, thousands), "damascus": Tally(40, 0)}
    d = timeline.displacement_at(7)
    assert d.total == Tally(105, 1, thousands)
    assert d.by_destination[("damascus", "tartus")] == Tally(60, 1, thousands)
    assert d.by_destination[("tartus", "damascus")] == Tally(5, 0)  # another group: order is the file's
    assert [f.step for f in timeline.flows_of("tartus")] == [6, 7, 7]


def test_the_extended_scenario_end_to_end():
    timeline = Timeline(parse_scenario(EXTENDED, "extended.yaml"))
    end = timeline.state_at(3)
    assert end.control("manbij") == Control("sna", "encircled", by=("sdf",))
    assert end.control("daraa") == plain_control("gov")
    assert end.holdings().get(MIXED_TOWNS) is None  # no longer mixed
    assert timeline.state_at(2).holdings()[MIXED_TOWNS] == (1, 100000, 0)


# -- against a naive replay ------------------------------------------------------------------------


FACTIONS = ("f0", "f1", "f2", "f3")


def random_control(rng: random.Random) -> Control:
    holder = rng.choice([*FACTIONS, "contested", "unknown"])
    others = [f for f in FACTIONS if f != holder]
    kind = rng.choice(["plain", "plain", "besieged", "encircled", "mixed", "truce", "present"])
    if kind == "plain":
        return plain_control(holder)
    if kind == "mixed":
        holders = tuple(rng.sample(FACTIONS, rng.choice([2, 3])))
        return Control(holders[0], MIXED, holders=holders)
    if kind == "present":
        return Control(holder, present=(rng.choice(others),))
    if kind == "truce":
        return Control(holder, "truce", with_=(rng.choice(others),))
    return Control(
        holder,
        kind,
        by=tuple(sorted(rng.sample(others, rng.choice([1, 2])))),
        from_=("N",) if kind == "besieged" and rng.random() < 0.5 else (),
    )


def random_scenario(rng: random.Random, n_events: int, n_towns: int) -> Scenario:
    factions = tuple(Faction(f, f.upper(), "#000000", str(i)) for i, f in enumerate(FACTIONS))
    towns = []
    for i in range(n_towns):
        start = random_control(rng)
        towns.append(
            Town(
                f"t{i}",
                f"T{i}",
                0.0,
                float(i),
                population=rng.choice([None, rng.randrange(1000)]),
                control=start.holder,
                control_state=None if start.is_plain else start,
            )
        )
    ids = [t.id for t in towns]
    when = datetime(2024, 1, 1, tzinfo=UTC)
    events = []
    for i in range(n_events):
        when += timedelta(hours=rng.choice([0, 1]))
        changed = rng.sample(ids, rng.randint(0, min(3, n_towns)))
        records = [random_control(rng) for _ in changed]
        states = tuple(records) if any(not r.is_plain for r in records) else ()
        flows = []
        for _ in range(rng.choice([0, 0, 1, 2])):
            origin = rng.choice(ids)
            targets = rng.sample([t for t in ids if t != origin], min(len(ids) - 1, rng.choice([1, 1, 2, 3])))
            if targets:
                flows.append(
                    Flow(origin, targets[0], rng.choice([None, 0, rng.randrange(5000)]), None, tuple(targets[1:]))
                )
        events.append(
            Event(
                i,
                EventTime.of(when.isoformat(), when),
                f"e{i}",
                control=tuple((t, r.holder) for t, r in zip(changed, records)),
                control_states=states,
                flows=tuple(flows),
            )
        )
    return Scenario("random", "R", factions, tuple(towns), events=tuple(events))


def same(a: Control, b: Control) -> bool:
    """The format's rule for a restatement, written out again: equal, or mixed with the same set of holders."""
    if a == b:
        return True
    return (
        a.state == b.state == MIXED
        and set(a.holders) == set(b.holders)
        and (a.by, a.from_, a.with_, a.present) == (b.by, b.from_, b.with_, b.present)
    )


def replay(s: Scenario, k: int) -> dict[str, object]:
    controls = {t.id: t.control_state or Control(t.control) for t in s.towns}
    changed: list[tuple[str, Control, Control]] = []
    flows: list[Flow] = []
    for event in s.events[:k]:
        changed = []
        records = event.control_states or tuple(Control(h) for _, h in event.control)
        for (town, _), after in zip(event.control, records):
            if not same(controls[town], after):
                changed.append((town, controls[town], after))
                controls[town] = after
        flows.extend(event.flows)
    held: dict[str, list[int]] = {}
    for t in s.towns:
        c = controls[t.id]
        key = MIXED_TOWNS if c.state == MIXED else c.holder
        entry = held.setdefault(key, [0, 0, 0])
        entry[0] += 1
        entry[1] += t.population or 0
        entry[2] += t.population is None
    total: list[int | None] = [None, 0]  # unknown is not zero: None until a flow gives a figure
    by_origin: dict[str, list[int | None]] = {}
    by_destination: dict[object, list[int | None]] = {}
    for f in flows:
        group = (f.destination, *f.also_to)
        key = group if len(group) > 1 else group[0]
        for tally in (total, by_origin.setdefault(f.origin, [None, 0]), by_destination.setdefault(key, [None, 0])):
            if f.people is not None:
                tally[0] = (tally[0] or 0) + f.people
            tally[1] = (tally[1] or 0) + (f.people is None)
    return {
        "holders": tuple(controls[t.id].holder for t in s.towns),
        "controls": tuple(controls[t.id] for t in s.towns),
        "changed": [(town, a.holder, b.holder, a, b) for town, a, b in changed] if k else [],
        "held": {key: tuple(v) for key, v in held.items()},
        "total": tuple(total),
        "by_origin": {key: tuple(v) for key, v in by_origin.items()},
        "by_destination": {key: tuple(v) for key, v in by_destination.items()},
    }


def observed(timeline: Timeline, k: int) -> dict[str, object]:
    s = timeline.state_at(k)
    d = s.displaced
    return {
        "holders": s.holders,
        "controls": tuple(s.controls),
        "changed": [
            (c.town, c.before, c.after, c.before_state or Control(c.before), c.after_state or Control(c.after))
            for c in s.changed
        ],
        "held": s.holdings(),
        "total": (d.total.people, d.total.unquantified),
        "by_origin": {key: (v.people, v.unquantified) for key, v in d.by_origin.items()},
        "by_destination": {key: (v.people, v.unquantified) for key, v in d.by_destination.items()},
    }


def test_a_long_timeline_with_states_agrees_with_replay():
    s = random_scenario(random.Random(7), 400, 8)
    timeline = Timeline(s)
    for k in (0, 1, 31, 32, 33, 64, 65, 200, 383, 384, 399, 400, 33, 0):
        assert observed(timeline, k) == replay(s, k), k


@pytest.mark.parametrize("checkpoint", [1, 3])
def test_any_checkpoint_spacing_gives_the_same_states(monkeypatch, checkpoint):
    monkeypatch.setattr(sitboard.timeline, "CHECKPOINT", checkpoint)
    s = random_scenario(random.Random(checkpoint), 30, 5)
    timeline = Timeline(s)
    for k in range(31):
        assert observed(timeline, k) == replay(s, k), k


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32), st.integers(0, 2 * CHECKPOINT + 6), st.integers(1, 6), st.data())
def test_random_scenarios_with_states_agree_with_replay(seed, n_events, n_towns, data):
    s = random_scenario(random.Random(seed), n_events, n_towns)
    timeline = Timeline(s)
    for k in sorted({0, n_events, *data.draw(st.lists(st.integers(0, n_events), max_size=10))}):
        assert observed(timeline, k) == replay(s, k), k
