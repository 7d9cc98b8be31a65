"""The stored path and the parsed path show the same board: every panel, at every step, on random scenarios.

A warm open reads the scenario from its SQLite entry (`scenario/store.py`), whose
events are built lazily and whose timeline columns come straight from its tables;
a cold one parses the file. Whatever the scenario, the two must be
indistinguishable on screen and in every export.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitboard.exports.json_state import state_to_json
from sitboard.geo.camera import StepCameras
from sitboard.geo.projection import View
from sitboard.panels.control import control
from sitboard.panels.displacement import displacement
from sitboard.panels.event import event
from sitboard.panels.header import date as header_date
from sitboard.panels.header import day, headline, position, title
from sitboard.panels.legend import legend
from sitboard.panels.ticks import dates, fractions, spans
from sitboard.panels.town_history import town_history
from sitboard.panels.words import Words
from sitboard.scenario import cache
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import Scenario
from sitboard.scenario.store import StoredEvents
from sitboard.timeline import Timeline

FACTIONS = ["gov", "hts", "sdf", "sna", "isis"]
COMPASS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]


def random_scenario(seed: int, towns: int, events: int) -> str:
    """A valid scenario drawing on every kind of value the format has: states, offsets, ranges, several destinations."""
    rng = random.Random(seed)
    factions = FACTIONS[: rng.randint(2, len(FACTIONS))]
    holders = [*factions, "unknown", "contested"]

    def state(holder: str | None = None) -> str:
        holder = holder or rng.choice(factions)
        others = [f for f in factions if f != holder]
        pick = rng.random()
        if pick < 0.3:
            by = ", ".join(rng.sample(others, rng.randint(1, len(others))))
            return f"{{holder: {holder}, state: besieged, by: [{by}], from: [{rng.choice(COMPASS)}]}}"
        if pick < 0.5:
            return f"{{holder: {holder}, state: encircled, by: [{rng.choice(others)}]}}"
        if pick < 0.7:
            return f"{{state: mixed, holders: [{holder}, {rng.choice(others)}]}}"
        if pick < 0.85:
            return f"{{holder: {holder}, state: truce, with: [{rng.choice(others)}]}}"
        return f"{{holder: {holder}, present: [{rng.choice(others)}]}}"

    def holder() -> str:
        return state() if rng.random() < 0.15 else rng.choice(holders)

    lines = ["sitboard: 1", f"title: Random {seed}", f"map: {{areas: {rng.choice(['true', 'false'])}}}", "factions:"]
    lines += [f"  - {{id: {f}, name: Side {f.upper()}}}" for f in factions]
    lines += ["sources:"] + [
        f"  - {{id: s{i}, name: Source {i}{', affiliation: ' + factions[0] if i == 0 else ''}}}" for i in range(3)
    ]
    lines.append("towns:")
    for i in range(towns):
        population = f", population: {rng.randint(0, 900000)}" if rng.random() < 0.7 else ""
        pcode = f", pcode: P{i}" if rng.random() < 0.2 else ""
        lines.append(
            f"  - {{id: t{i}, name: Town {i}, lat: {33 + rng.random() * 3:.4f}, lon: {36 + rng.random() * 3:.4f}"
            f", kind: {rng.choice(['city', 'town', 'village'])}{population}{pcode}, control: {holder()}}}"
        )
    lines.append("events:")
    day_ = date(2024, 1, 1)
    timed = False
    for e in range(events):
        if timed or rng.random() < 0.6:
            day_ += timedelta(days=rng.randint(1, 3))
            timed = rng.random() < 0.2
        when = f"{day_.isoformat()}T{rng.randint(0, 23):02d}:30" if timed else day_.isoformat()
        lines += [f"  - time: {when}", f"    title: Event {e} near 'Town' #{e}"]
        if not timed and rng.random() < 0.15:
            lines.append(f"    until: {(day_ + timedelta(days=rng.randint(0, 5))).isoformat()}")
        if rng.random() < 0.6:
            lines.append(f"    text: {rng.randint(0, 40)} dead, [not markup] {'é' * rng.randint(0, 2)}")
        if rng.random() < 0.7:
            lines.append(f"    kind: {rng.choice(['clash', 'airstrike', 'capture'])}")
        place = rng.random()
        if place < 0.5:
            lines.append(f"    at: t{rng.randrange(towns)}")
        elif place < 0.65:
            lines.append(
                f"    at: {{town: t{rng.randrange(towns)}, km: {rng.randint(1, 30)}, toward: {rng.choice(COMPASS)}}}"
            )
        if place < 0.65 and rng.random() < 0.2:
            lines.append(f"    precision: {rng.choice(['near', 'district', 'province'])}")
        if rng.random() < 0.6:
            lines.append(f"    actors: [{', '.join(rng.sample(factions, rng.randint(1, 2)))}]")
        if rng.random() < 0.5:
            lines.append(f"    sources: [s{rng.randrange(3)}]")
        if rng.random() < 0.5:
            lines.append(f"    confidence: {rng.choice(['confirmed', 'reported', 'claimed', 'disputed'])}")
        if rng.random() < 0.1:
            lines.append(f"    notes: Briefer note {e}")
        if rng.random() < 0.1:
            lines.append(f"    view: {{focus: [t{rng.randrange(towns)}], margin_km: {rng.randint(5, 80)}}}")
        if rng.random() < 0.15:
            best = rng.randint(0, 50)
            lines.append(
                f"    deaths: {{best: {best}, low: {best // 2}, high: {best * 2}}}"
                if best % 2
                else f"    deaths: {best}"
            )
        if rng.random() < 0.5:
            changed = rng.sample(range(towns), rng.randint(1, min(3, towns)))
            full = rng.random() < 0.25  # every change of the event a full record, or none
            values = [state() if full else rng.choice(holders) for _ in changed]
            lines.append("    control: {" + ", ".join(f"t{t}: {v}" for t, v in zip(changed, values)) + "}")
        if towns >= 4 and rng.random() < 0.3:
            flows = []
            for _ in range(rng.randint(1, 3)):
                origin, *to = rng.sample(range(towns), rng.randint(2, 4))
                target = (
                    f"t{to[0]}" if len(to) == 1 or rng.random() < 0.5 else "[" + ", ".join(f"t{t}" for t in to) + "]"
                )
                people = f", people: {rng.randint(0, 20000)}" if rng.random() < 0.7 else ""
                estimate = ", estimate: thousands" if rng.random() < 0.3 else ""
                flows.append(f"{{from: t{origin}, to: {target}{people}{estimate}}}")
            lines.append(f"    flows: [{', '.join(flows)}]")
    return "\n".join(lines) + "\n"


def stored(text: str, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Scenario, Scenario]:
    """The scenario parsed, and the same read back through the cache's sealed SQLite entry."""
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(tmp))
    data = text.encode("utf-8")
    parsed = parse_scenario(text, "r.yaml")
    cache.store(data, parsed)
    back = cache.load(data, "r.yaml")
    assert back is not None, "the entry was not read back"
    assert isinstance(back.events, StoredEvents)  # the stored path indeed, events read lazily
    return parsed, back


def board(s: Scenario) -> list[object]:
    """Everything a board and its exports show of this scenario, step by step."""
    timeline = Timeline(s)
    words = Words(s)
    shown: list[object] = [title(words), legend(words), fractions(s), s.title, s.towns, s.factions, s.map, s.sources]
    shown.append(spans(s))
    cameras = StepCameras(s, View(30.0, 30.0, 45.0, 40.0))
    columns = list(range(len(s.events)))
    for step in range(timeline.steps + 1):
        situation = timeline.state_at(step)
        shown += [
            step,
            control(situation, words),
            displacement(situation, words),
            event(situation, words),
            headline(situation, words),
            position(situation, ""),
            header_date(situation),
            day(situation),
            state_to_json(situation),
            timeline.holdings_at(step),
            list(timeline.controls_at(step)),
            timeline.changes_at(step),
            cameras.camera_at(step),
            cameras.view_at(step),
        ]
        if s.events:
            shown.append(dates(s, step, columns, max(40, len(columns))))
    for town in s.towns:
        shown += [
            town_history(timeline, town.id, timeline.steps // 2, words),
            timeline.control_history(town.id),
            timeline.flows_of(town.id),
        ]
    shown += [timeline.step_at_or_before(e.time.value) for e in s.events]
    return shown


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32),
    towns=st.integers(1, 40),
    events=st.integers(0, 160),
)
def test_every_panel_is_the_same_from_the_store(tmp_path_factory, monkeypatch, seed, towns, events):
    text = random_scenario(seed, towns, events)
    parsed, back = stored(text, tmp_path_factory.mktemp("cache"), monkeypatch)
    assert back == parsed
    assert board(back) == board(parsed)


def test_events_are_read_from_the_store_only_when_shown(tmp_path, monkeypatch):
    """Opening a stored scenario builds no event record; showing one step builds that step's."""
    parsed, back = stored(random_scenario(7, 30, 400), tmp_path, monkeypatch)
    events = back.events
    assert isinstance(events, StoredEvents)
    built: list[int] = []
    original = events._event
    monkeypatch.setattr(events, "_event", lambda i, *rest: built.append(i) or original(i, *rest))
    timeline = Timeline(back)
    timeline.state_at(timeline.steps)
    assert built == [timeline.steps - 1]
    assert event(timeline.state_at(200), Words(back)) == event(Timeline(parsed).state_at(200), Words(parsed))
