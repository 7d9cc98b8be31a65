"""The timeline engine: hand-computed states, and agreement with a naive replay."""

from __future__ import annotations

import random
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from functional.conftest import SMALL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitboard.timeline
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import Event, EventTime, Faction, Flow, Scenario, Town
from sitboard.timeline import CHECKPOINT, MAX_WORDS, ControlChange, FlowAt, Tally, Timeline

# Three factions, five towns, eight events: a capture through `contested`, a
# re-capture, a no-op step, two events at the same time, flows with and without
# people, and a town that ends `unknown`.
FIXTURE = textwrap.dedent(
    """\
    sitboard: 1
    title: Fixture
    factions:
      - {id: gov, name: Government}
      - {id: hts, name: Insurgents}
      - {id: sna, name: SNA}
    towns:
      - {id: aleppo, name: Aleppo, lat: 36.2, lon: 37.16, kind: city, population: 2000000, control: gov}
      - {id: hama, name: Hama, lat: 35.13, lon: 36.76, kind: city, population: 900000, control: gov}
      - {id: rastan, name: Rastan, lat: 34.93, lon: 36.73, population: 50000, control: gov}
      - {id: homs, name: Homs, lat: 34.72, lon: 36.73, kind: city, control: gov}
      - {id: idlib, name: Idlib, lat: 35.93, lon: 36.63, population: 100000, control: hts}
    events:
      - time: 2024-11-27
        title: e1 fighting in Aleppo
        control: {aleppo: contested}
        flows: [{from: aleppo, to: hama, people: 10000}]
      - time: 2024-11-29
        title: e2 Aleppo falls
        control: {aleppo: hts}
        flows: [{from: aleppo, to: homs, estimate: thousands}]
      - time: 2024-11-30
        title: e3 airstrikes
        kind: airstrike
      - time: 2024-12-01
        title: e4 fighting near Hama
        control: {hama: contested}
        flows: [{from: hama, to: homs, people: 2000}]
      - time: 2024-12-05
        title: e5 Hama and Rastan fall
        control: {hama: hts, rastan: hts}
        flows:
          - {from: hama, to: homs, people: 3000}
          - {from: rastan, to: homs}
      - time: 2024-12-05
        title: e6 SNA takes Aleppo
        control: {aleppo: sna}
      - time: 2024-12-06
        title: e7 army retakes Rastan
        control: {rastan: gov}
      - time: 2024-12-07T10:00
        title: e8 Aleppo changes hands again
        control: {aleppo: hts, homs: unknown}
        flows: [{from: homs, to: idlib, people: 1500}]
    """
)

TOWNS = ("aleppo", "hama", "rastan", "homs", "idlib")
HOLDERS = [
    ("gov", "gov", "gov", "gov", "hts"),  # 0: the start
    ("contested", "gov", "gov", "gov", "hts"),
    ("hts", "gov", "gov", "gov", "hts"),
    ("hts", "gov", "gov", "gov", "hts"),  # 3: nothing changes hands
    ("hts", "contested", "gov", "gov", "hts"),
    ("hts", "hts", "hts", "gov", "hts"),
    ("sna", "hts", "hts", "gov", "hts"),
    ("sna", "hts", "gov", "gov", "hts"),
    ("hts", "hts", "gov", "unknown", "hts"),
]
CHANGED = [
    [],
    [("aleppo", "gov", "contested")],
    [("aleppo", "contested", "hts")],
    [],
    [("hama", "gov", "contested")],
    [("hama", "contested", "hts"), ("rastan", "gov", "hts")],
    [("aleppo", "hts", "sna")],
    [("rastan", "hts", "gov")],
    [("aleppo", "sna", "hts"), ("homs", "gov", "unknown")],
]
# (step, from, to, people, estimate)
FLOWS = [
    (1, "aleppo", "hama", 10000, None),
    (2, "aleppo", "homs", None, "thousands"),
    (4, "hama", "homs", 2000, None),
    (5, "hama", "homs", 3000, None),
    (5, "rastan", "homs", None, None),
    (8, "homs", "idlib", 1500, None),
]
FLOWS_SO_FAR = [0, 1, 2, 2, 3, 5, 5, 5, 6]  # per step
TOTALS = [  # people (None: no flow gave a figure), unquantified, words, text
    (None, 0, (), "none recorded"),
    (10000, 0, (), "10,000"),
    (10000, 1, ("thousands",), "≥ 10,000 + thousands (unquantified)"),
    (10000, 1, ("thousands",), "≥ 10,000 + thousands (unquantified)"),
    (12000, 1, ("thousands",), "≥ 12,000 + thousands (unquantified)"),
    (15000, 2, ("thousands",), "≥ 15,000 + thousands (unquantified, 2 flows)"),
    (15000, 2, ("thousands",), "≥ 15,000 + thousands (unquantified, 2 flows)"),
    (15000, 2, ("thousands",), "≥ 15,000 + thousands (unquantified, 2 flows)"),
    (16500, 2, ("thousands",), "≥ 16,500 + thousands (unquantified, 2 flows)"),
]


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return Timeline(parse_scenario(FIXTURE, "fixture.yaml"))


def test_steps(timeline):
    assert timeline.steps == 8
    assert timeline.clamp(-3) == 0 and timeline.clamp(99) == 8 and timeline.clamp(4) == 4


@pytest.mark.parametrize("step", range(9))
def test_holders_at_every_step(timeline, step):
    state = timeline.state_at(step)
    assert state.holders == HOLDERS[step]
    assert timeline.holders_at(step) == HOLDERS[step]
    assert {t: state.holder(t) for t in TOWNS} == dict(zip(TOWNS, HOLDERS[step]))


@pytest.mark.parametrize("step", range(9))
def test_changed_at_every_step(timeline, step):
    expected = tuple(ControlChange(step, town, before, after) for town, before, after in CHANGED[step])
    assert timeline.state_at(step).changed == expected
    assert timeline.changes_at(step) == expected


@pytest.mark.parametrize("step", range(9))
def test_flows_so_far(timeline, step):
    state = timeline.state_at(step)
    expected = [FlowAt(s, Flow(o, d, p, e)) for s, o, d, p, e in FLOWS[: FLOWS_SO_FAR[step]]]
    assert len(state.flows) == len(expected)
    assert list(state.flows) == expected
    assert [state.flows[i] for i in range(len(expected))] == expected
    assert list(state.flows[:]) == expected and list(state.flows[1:]) == expected[1:]
    if expected:
        assert state.flows[-1] == expected[-1]
    with pytest.raises(IndexError):
        state.flows[len(expected)]
    with pytest.raises(IndexError):
        state.flows[-len(expected) - 1]
    # the flows of this step only
    assert state.step_flows == tuple(Flow(o, d, p, e) for s, o, d, p, e in FLOWS if s == step)


@pytest.mark.parametrize("step", range(9))
def test_totals(timeline, step):
    people, unquantified, words, text = TOTALS[step]
    total = timeline.state_at(step).displaced.total
    assert total == Tally(people, unquantified, words)
    assert total.describe() == text


def test_by_origin_and_destination(timeline):
    d = timeline.state_at(0).displaced
    assert d.by_origin == {} and d.by_destination == {}
    d = timeline.state_at(5).displaced
    thousands = ("thousands",)
    assert d.by_origin == {"aleppo": Tally(10000, 1, thousands), "hama": Tally(5000, 0), "rastan": Tally(None, 1)}
    assert d.by_destination == {"hama": Tally(10000, 0), "homs": Tally(5000, 2, thousands)}
    assert d.by_origin["rastan"].describe() == "unquantified"
    assert d.by_destination["homs"].describe() == "≥ 5,000 + thousands (unquantified, 2 flows)"
    d = timeline.state_at(8).displaced
    assert d.by_origin == {
        "aleppo": Tally(10000, 1, thousands),
        "hama": Tally(5000, 0),
        "rastan": Tally(None, 1),
        "homs": Tally(1500, 0),
    }
    assert d.by_destination == {
        "hama": Tally(10000, 0),
        "homs": Tally(5000, 2, thousands),
        "idlib": Tally(1500, 0),
    }
    assert timeline.displacement_at(8) == d


def test_tally_describe():
    assert Tally().describe() == "none recorded"
    assert Tally(0, 0).describe() == "0"  # a figure of nobody is still a figure
    assert Tally(12000, 0).describe() == "12,000"
    assert Tally(1234567, 0).describe() == "1,234,567"
    assert Tally(12000, 1).describe() == "≥ 12,000 + unquantified"
    assert Tally(12000, 3).describe() == "≥ 12,000 + unquantified (3 flows)"
    assert Tally(None, 1).describe() == "unquantified"
    assert Tally(None, 2).describe() == "unquantified (2 flows)"
    assert Tally(None, 1, ("thousands",)).describe() == "thousands (unquantified)"
    assert (
        Tally(12000, 2, ("thousands", "hundreds")).describe()
        == "≥ 12,000 + thousands; hundreds (unquantified, 2 flows)"
    )
    assert Tally().plus(Flow("a", "b", 5)).plus(Flow("a", "b")).plus(Flow("a", "b", 0)) == Tally(5, 1)


def test_a_tally_keeps_the_sources_words_once_each_and_boundedly():
    t = Tally()
    for word in ("thousands", "thousands", "  ", "hundreds"):
        t = t.plus(Flow("a", "b", None, word))
    assert t == Tally(None, 4, ("thousands", "hundreds"))
    for n in range(MAX_WORDS + 3):
        t = t.plus(Flow("a", "b", None, f"word {n}"))
    assert len(t.words) == MAX_WORDS and t.more_words
    assert t.describe().endswith(f"; and other words (unquantified, {4 + MAX_WORDS + 3} flows)")


def test_held(timeline):
    start = timeline.state_at(0)
    assert start.held("gov") == (4, 2_950_000, 1)  # homs has no population
    assert start.held("hts") == (1, 100_000, 0)
    assert start.held("sna") == (0, 0, 0)
    s5 = timeline.state_at(5)
    assert s5.held("hts") == (4, 3_050_000, 0)
    assert s5.held("gov") == (1, 0, 1)
    end = timeline.state_at(8)
    factions = {f.id: f for f in timeline.scenario.factions}
    assert end.held(factions["gov"]) == (1, 50_000, 0)  # a Faction works as well as its id
    assert end.held("hts") == (3, 3_000_000, 0)
    assert end.held("contested") == (0, 0, 0)
    assert end.held("unknown") == (1, 0, 1)


def test_step_zero_is_the_start_state(timeline):
    s = timeline.state_at(0)
    assert (s.step, s.steps, s.event, s.time, s.changed, s.step_flows) == (0, 8, None, None, (), ())
    assert s.holders == tuple(t.control for t in timeline.scenario.towns)
    assert len(s.flows) == 0 and list(s.flows) == []


def test_event_and_time(timeline):
    for step in range(1, 9):
        s = timeline.state_at(step)
        assert s.event is timeline.scenario.events[step - 1]
        assert s.event.title.startswith(f"e{step} ")
        assert s.time == s.event.time
    assert timeline.state_at(8).time.text == "2024-12-07T10:00"


@pytest.mark.parametrize("step", [-1, 9, 100])
def test_out_of_range_steps(timeline, step):
    for method in (timeline.state_at, timeline.holders_at, timeline.changes_at, timeline.displacement_at):
        with pytest.raises(IndexError):
            method(step)


def test_history(timeline):
    assert timeline.history("aleppo") == [(0, "gov"), (1, "contested"), (2, "hts"), (6, "sna"), (8, "hts")]
    assert timeline.history("hama") == [(0, "gov"), (4, "contested"), (5, "hts")]
    assert timeline.history("rastan") == [(0, "gov"), (5, "hts"), (7, "gov")]
    assert timeline.history("homs") == [(0, "gov"), (8, "unknown")]
    assert timeline.history("idlib") == [(0, "hts")]
    # a copy: the caller cannot corrupt the index
    timeline.history("idlib").append((9, "x"))
    assert timeline.history("idlib") == [(0, "hts")]
    with pytest.raises(KeyError):
        timeline.history("nowhere")


def test_flows_of(timeline):
    flows = [FlowAt(s, Flow(o, d, p, e)) for s, o, d, p, e in FLOWS]
    assert timeline.flows_of("homs") == flows[1:]
    assert timeline.flows_of("aleppo") == flows[:2]
    assert timeline.flows_of("hama") == flows[0:1] + flows[2:4]
    assert timeline.flows_of("idlib") == flows[5:]
    assert timeline.flows_of("nowhere") == []


@pytest.mark.parametrize(
    ("when", "step"),
    [
        (datetime(2024, 11, 26, tzinfo=UTC), 0),
        (datetime(2024, 11, 26, 23, 59, 59, tzinfo=UTC), 0),
        (datetime(2024, 11, 27, tzinfo=UTC), 1),
        (datetime(2024, 11, 28, 12, tzinfo=UTC), 1),
        (datetime(2024, 12, 5, tzinfo=UTC), 6),  # both events of 5 December
        (datetime(2024, 12, 7, 9, 59, tzinfo=UTC), 7),
        (datetime(2024, 12, 7, 10, 0, tzinfo=UTC), 8),
        (datetime(2024, 12, 7, 11, 30, tzinfo=timezone(timedelta(hours=2))), 7),  # 09:30 UTC
        (datetime(2025, 1, 1, tzinfo=UTC), 8),
        # ordered like event times: dates as midnight, naive date-times as UTC
        (datetime(2024, 12, 7, 10, 0), 8),
        (datetime(2024, 12, 4, 23, 0), 4),
        (date(2024, 12, 5), 6),
        (date(2024, 11, 1), 0),
    ],
)
def test_step_at_or_before(timeline, when, step):
    assert timeline.step_at_or_before(when) == step


def test_empty_timeline():
    s = parse_scenario(FIXTURE.split("events:")[0], "empty.yaml")
    t = Timeline(s)
    assert t.steps == 0
    state = t.state_at(0)
    assert (
        state.holders == HOLDERS[0]
        and state.displaced.total == Tally()
        and state.displaced.total.describe() == "none recorded"
    )
    assert t.history("aleppo") == [(0, "gov")] and t.flows_of("aleppo") == []
    assert t.step_at_or_before(datetime(2030, 1, 1, tzinfo=UTC)) == 0
    with pytest.raises(IndexError):
        t.state_at(1)


# -- against a naive replay --------------------------------------------------------------------


def replay(scenario: Scenario, k: int) -> dict:
    """What step k should look like, recomputed from scratch the obvious way."""
    holders = {t.id: t.control for t in scenario.towns}
    flows: list[tuple[int, Flow]] = []
    changed: list[tuple[str, str, str]] = []
    for step, event in enumerate(scenario.events[:k], start=1):
        changed = []
        for town, after in event.control:
            if holders[town] != after:  # restating the holder is not a change
                changed.append((town, holders[town], after))
            holders[town] = after
        flows.extend((step, f) for f in event.flows)
    if k == 0:
        changed = []
    figures = [f.people for _, f in flows if f.people is not None]
    people = sum(figures) if figures else None  # unknown is not zero
    unquantified = sum(1 for _, f in flows if f.people is None)
    by_origin: dict[str, tuple[int | None, int]] = {}
    by_destination: dict[str, tuple[int | None, int]] = {}
    for _, f in flows:
        for table, key in ((by_origin, f.origin), (by_destination, f.destination)):
            p, u = table.get(key, (None, 0))
            if f.people is not None:
                p = (p or 0) + f.people
            table[key] = (p, u + (f.people is None))
    return {
        "holders": tuple(holders[t.id] for t in scenario.towns),
        "changed": [(k, *c) for c in changed],
        "flows": [(s, f) for s, f in flows],
        "total": (people, unquantified),
        "by_origin": by_origin,
        "by_destination": by_destination,
    }


def observed(timeline: Timeline, k: int) -> dict:
    s = timeline.state_at(k)
    return {
        "holders": s.holders,
        "changed": [(c.step, c.town, c.before, c.after) for c in s.changed],
        "flows": [(f.step, f.flow) for f in s.flows],
        "total": (s.displaced.total.people, s.displaced.total.unquantified),
        "by_origin": {k: (v.people, v.unquantified) for k, v in s.displaced.by_origin.items()},
        "by_destination": {k: (v.people, v.unquantified) for k, v in s.displaced.by_destination.items()},
    }


def generated(rng: random.Random, n_events: int, n_towns: int = 6, n_factions: int = 3) -> Scenario:
    factions = tuple(Faction(f"f{i}", f"F{i}", "#000000", chr(65 + i)) for i in range(n_factions))
    holders = [f.id for f in factions] + ["contested", "unknown"]
    towns = tuple(
        Town(
            f"t{i}",
            f"T{i}",
            0.0,
            float(i),
            population=rng.choice([None, rng.randrange(10_000)]),
            control=rng.choice(holders),
        )
        for i in range(n_towns)
    )
    start = datetime(2024, 1, 1, tzinfo=UTC)
    events = []
    for i in range(n_events):
        when = start + timedelta(hours=i // 3)  # some equal times
        changed = rng.sample([t.id for t in towns], rng.choice([0, 0, 1, 1, 2, 3]))
        flows = tuple(
            Flow(rng.choice(towns).id, rng.choice(towns).id, rng.choice([None, rng.randrange(5000)]))
            for _ in range(rng.choice([0, 0, 1, 2]))
        )
        events.append(
            Event(
                i,
                EventTime.of(when.isoformat(), when),
                f"e{i}",
                control=tuple((t, rng.choice(holders)) for t in changed),
                flows=flows,
            )
        )
    return Scenario("generated", "G", factions, towns, events=tuple(events))


def test_long_timeline_agrees_with_replay_at_checkpoint_boundaries():
    assert CHECKPOINT == 32  # the boundary steps below are chosen for this value
    scenario = generated(random.Random(1), 1000)
    timeline = Timeline(scenario)
    assert timeline.steps == 1000
    for k in (0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 500, 991, 992, 999, 1000):
        assert observed(timeline, k) == replay(scenario, k), k
    # asking out of order and twice gives the same answers (no state kept between calls)
    for k in (1000, 33, 0, 64, 64, 31):
        assert observed(timeline, k) == replay(scenario, k), k


def test_long_timeline_history_and_step_lookup():
    scenario = generated(random.Random(2), 300)
    timeline = Timeline(scenario)
    for town in scenario.towns:
        expected = [(0, town.control)]
        for e in scenario.events:
            for t, after in e.control:
                if t == town.id and after != expected[-1][1]:  # only real changes of hands
                    expected.append((e.index + 1, after))
        assert timeline.history(town.id) == expected
        assert timeline.flows_of(town.id) == [
            FlowAt(e.index + 1, f) for e in scenario.events for f in e.flows if town.id in (f.origin, f.destination)
        ]
    for k in (0, 1, 2, 3, 150, 299, 300):
        when = scenario.events[k - 1].time.sort_key if k else datetime(2023, 1, 1, tzinfo=UTC)
        expected = sum(1 for e in scenario.events if e.time.sort_key <= when)
        assert timeline.step_at_or_before(when) == expected


@pytest.mark.parametrize("checkpoint", [1, 2, 3, 7])
def test_any_checkpoint_spacing_gives_the_same_states(monkeypatch, checkpoint):
    monkeypatch.setattr(sitboard.timeline, "CHECKPOINT", checkpoint)
    scenario = generated(random.Random(checkpoint), 40)
    timeline = Timeline(scenario)
    for k in range(41):
        assert observed(timeline, k) == replay(scenario, k), k


@st.composite
def scenarios(draw) -> Scenario:
    n_factions = draw(st.integers(1, 3))
    n_towns = draw(st.integers(1, 5))
    holders = st.sampled_from([f"f{i}" for i in range(n_factions)] + ["contested", "unknown"])
    town_ids = [f"t{i}" for i in range(n_towns)]
    towns = tuple(
        Town(tid, tid.upper(), 0.0, 0.0, population=draw(st.none() | st.integers(0, 10**6)), control=draw(holders))
        for tid in town_ids
    )
    factions = tuple(Faction(f"f{i}", f"F{i}", "#000000", str(i)) for i in range(n_factions))
    n_events = draw(st.integers(0, 2 * CHECKPOINT + 6))
    rng = random.Random(draw(st.integers(0, 2**32)))
    events = []
    when = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(n_events):
        when += timedelta(hours=rng.choice([0, 1, 24]))
        changed = rng.sample(town_ids, rng.randint(0, n_towns))
        control = tuple(
            (t, rng.choice([f"f{j}" for j in range(n_factions)] + ["contested", "unknown"])) for t in changed
        )
        flows = tuple(
            Flow(rng.choice(town_ids), rng.choice(town_ids), rng.choice([None, 0, rng.randrange(10**6)]))
            for _ in range(rng.randint(0, 2))
        )
        events.append(Event(i, EventTime.of(when.isoformat(), when), f"e{i}", control=control, flows=flows))
    return Scenario("random", "R", factions, towns, events=tuple(events))


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.data())
def test_random_scenarios_agree_with_replay(scenario, data):
    timeline = Timeline(scenario)
    steps = len(scenario.events)
    ks = {0, steps, *data.draw(st.lists(st.integers(0, steps), max_size=12))}
    for k in sorted(ks):
        assert observed(timeline, k) == replay(scenario, k), k
        s = timeline.state_at(k)
        for faction in scenario.factions:
            towns = [t for t, h in zip(scenario.towns, s.holders) if h == faction.id]
            assert s.held(faction) == (
                len(towns),
                sum(t.population for t in towns if t.population is not None),
                sum(1 for t in towns if t.population is None),
            )


def test_restating_the_current_holder_is_not_a_change():
    scenario = parse_scenario(
        "sitboard: 1\ntitle: T\nfactions: [{id: gov, name: G}, {id: hts, name: H}]\n"
        "towns: [{id: hama, name: Hama, lat: 35.1, lon: 36.7, control: gov}]\n"
        "events:\n"
        "  - {time: 2024-12-05, title: a, control: {hama: gov}}\n"
        "  - {time: 2024-12-06, title: b, control: {hama: hts}}\n",
        "t.yaml",
    )
    timeline = Timeline(scenario)
    assert timeline.state_at(1).changed == ()
    assert [(c.before, c.after) for c in timeline.state_at(2).changed] == [("gov", "hts")]
    assert timeline.history("hama") == [(0, "gov"), (2, "hts")]


def test_the_situation_asked_for_last_is_kept_not_made_again():
    """Every panel of a board asks for the step it shows: one situation is made per step, not one per panel."""
    timeline = Timeline(parse_scenario(SMALL, "small.yaml"))
    first = timeline.state_at(2)
    assert timeline.state_at(2) is first
    assert timeline.state_at(3) is not first and timeline.state_at(3).step == 3
