"""The stored path and the parsed path show the same board: every panel, at every step, on random scenarios.

A warm open reads the scenario from its SQLite entry (`scenario/store.py`), whose
events are built lazily and whose timeline columns come straight from its tables;
a cold one parses the file. Whatever the scenario, the two must be
indistinguishable on screen and in every export.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_scenarios import random_scenario

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
