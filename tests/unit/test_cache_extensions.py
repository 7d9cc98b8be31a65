"""The cache carries every optional key of the format, and holds what it reads back to the checker's rules."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest
from extended_scenario import EXTENDED

from sitboard.scenario import cache, store
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.scenario.model import Bounds, Camera, Control, Deaths, EventTime, Flow, MapSettings, Offset, Scenario

BUNDLED = Path(__file__).resolve().parents[2] / "tests" / "data" / "central_syria_v1.yaml"  # format v1 alone


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(directory))
    return directory


@pytest.fixture(scope="module")
def extended() -> Scenario:
    return parse_scenario(EXTENDED, "extended.yaml")


def round_trip(s: Scenario, file: str) -> Scenario:
    """Through the store's bytes and back, as the cache does once the seal holds."""
    return store.from_database(store.to_database(s), file)


def test_the_entry_format_changed():
    assert cache.ENTRY_FORMAT == store.FORMAT == 6  # entries of formats 4 (JSON) and 5 (rows) are misses


def test_every_new_field_survives_the_round_trip(extended):
    back = round_trip(extended, "extended.yaml")
    assert back == extended
    # field by field, so that a failure says which one was lost
    assert back.map.areas is True
    assert [t.pcode for t in back.towns] == [t.pcode for t in extended.towns] and back.towns[0].pcode == "SY04"
    assert [t.control_state for t in back.towns] == [t.control_state for t in extended.towns]
    assert back.sources[0].affiliation == "hts"
    for mine, theirs in zip(back.events, extended.events):
        assert (mine.notes, mine.view, mine.until, mine.precision, mine.deaths, mine.control_states, mine.at) == (
            theirs.notes,
            theirs.view,
            theirs.until,
            theirs.precision,
            theirs.deaths,
            theirs.control_states,
            theirs.at,
        )
        assert [f.also_to for f in mine.flows] == [f.also_to for f in theirs.flows]
    assert back.events[0].at.offset == Offset("homs", 5.0, "N")  # type: ignore[union-attr]
    assert back.events[1].control_states[0] is extended.events[1].control_states[0]  # plain records stay shared
    assert back.events[1].controls() == extended.events[1].controls()


def test_a_cached_load_of_the_extended_scenario_is_the_same(tmp_path, cache_dir, monkeypatch, extended):
    path = tmp_path / "extended.yaml"
    path.write_text(EXTENDED, encoding="utf-8")
    cold = load_scenario(path, cache=True)

    def no_parsing(*_a, **_k):
        raise AssertionError("parsed although cached")

    monkeypatch.setattr("sitboard.scenario.loader.parse_scenario", no_parsing)
    assert load_scenario(path, cache=True) == cold


def test_a_v1_entry_stores_no_extension_fields():
    """Files without the extensions store nothing extra (a 20,000-event entry stays small)."""
    s = parse_scenario(BUNDLED.read_text(encoding="utf-8"), "c.yaml")
    db = sqlite3.connect(":memory:")
    db.deserialize(store.to_database(s))
    assert db.execute("SELECT count(*) FROM events WHERE extra IS NOT NULL").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM states").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM towns WHERE pcode IS NOT NULL OR state IS NOT NULL").fetchone() == (0,)
    assert db.execute("SELECT value FROM meta WHERE key = 'areas'").fetchone() == (0,)


def _event(s: Scenario, i: int, **changes: object) -> Scenario:
    events = list(s.events)
    events[i] = events[i]._replace(**changes)
    return s.replace(events=tuple(events))


def _town(s: Scenario, i: int, **changes: object) -> Scenario:
    towns = list(s.towns)
    towns[i] = towns[i]._replace(**changes)
    return s.replace(towns=tuple(towns))


def _flow(s: Scenario, **changes: object) -> Scenario:
    flows = list(s.events[1].flows)
    flows[1] = flows[1]._replace(**changes)
    return _event(s, 1, flows=tuple(flows))


SIEGE = Control("gov", "besieged", by=("hts",))

# Values the checker never lets through, each in one of the new fields.
POISONS = {
    "pcode-with-a-dash": lambda s: _town(s, 0, pcode="SY-04"),
    "pcode-twice": lambda s: _town(s, 3, pcode="SY04"),
    "pcode-a-number": lambda s: _town(s, 0, pcode=4),
    "state-with-another-holder": lambda s: _town(s, 1, control_state=SIEGE._replace(holder="hts")),
    "siege-by-no-one": lambda s: _town(s, 1, control_state=SIEGE._replace(by=())),
    "siege-by-the-holder": lambda s: _town(s, 1, control_state=SIEGE._replace(by=("gov",))),
    "siege-by-a-stranger": lambda s: _town(s, 1, control_state=SIEGE._replace(by=("nobody",))),
    "unknown-state": lambda s: _town(s, 1, control_state=SIEGE._replace(state="sieged")),
    "directions-out-of-order": lambda s: _town(s, 1, control_state=SIEGE._replace(from_=("E", "N"))),
    "direction-unknown": lambda s: _town(s, 1, control_state=SIEGE._replace(from_=("up",))),
    "factions-out-of-order": lambda s: _town(s, 1, control_state=SIEGE._replace(by=("sna", "hts"))),
    "mixed-with-one-holder": lambda s: _town(s, 2, control_state=Control("sdf", "mixed", holders=("sdf",))),
    "a-plain-record-on-a-town": lambda s: _town(s, 0, control_state=Control("gov")),
    "truce-with-no-one": lambda s: _town(s, 5, control_state=Control("gov", "truce")),
    "states-not-parallel": lambda s: _event(s, 1, control_states=s.events[1].control_states[:1]),
    "affiliation-unknown": lambda s: s.replace(sources=(s.sources[0]._replace(affiliation="nobody"), *s.sources[1:])),
    "areas-a-string": lambda s: s.replace(map=MapSettings(s.map.bounds, s.map.lines, "yes")),  # type: ignore[arg-type]
    "notes-a-number": lambda s: _event(s, 0, notes=5),
    "precision-unknown": lambda s: _event(s, 0, precision="roughly"),
    "precision-without-at": lambda s: _event(s, 2, precision="near"),
    "view-of-a-stranger": lambda s: _event(s, 0, view=Camera(("nowhere",))),
    "view-margin-nan": lambda s: _event(s, 0, view=Camera(("homs",), math.nan)),
    "view-both": lambda s: _event(s, 0, view=Camera(("homs",), 20.0, Bounds(35, 33, 38, 36))),
    "view-bounds-inverted": lambda s: _event(s, 1, view=Camera(bounds=Bounds(38, 33, 35, 36))),
    "until-before-time": lambda s: _event(
        s, 0, until=EventTime.of("2024-12-01", s.events[0].time.value.replace(day=1))
    ),
    "deaths-out-of-order": lambda s: _event(s, 0, deaths=Deaths(12, 20, 30)),
    "deaths-low-alone": lambda s: _event(s, 0, deaths=Deaths(12, 5, None)),
    "deaths-negative": lambda s: _event(s, 1, deaths=Deaths(-3)),
    "offset-moved": lambda s: _event(s, 0, at=s.events[0].at._replace(lat=34.9)),  # type: ignore[union-attr]
    "offset-from-a-stranger": lambda s: _event(
        s,
        0,
        at=s.events[0].at._replace(  # type: ignore[union-attr]
            offset=Offset("nowhere", 5.0, "N")
        ),
    ),
    "offset-zero-km": lambda s: _event(
        s,
        0,
        at=s.events[0].at._replace(  # type: ignore[union-attr]
            offset=Offset("homs", 0.0, "N")
        ),
    ),
    "offset-and-town": lambda s: _event(s, 0, at=s.events[0].at._replace(town="homs")),  # type: ignore[union-attr]
    "destinations-include-origin": lambda s: _flow(s, also_to=("raqqa", "tartus")),
    "destinations-repeated": lambda s: _flow(s, also_to=("homs", "tartus")),
    "destinations-unknown": lambda s: _flow(s, also_to=("nowhere",)),
    "destinations-too-many": lambda s: _event(
        s, 1, flows=(Flow("raqqa", "homs", 1, None, ("hama", "tartus", "damascus", "manbij", "daraa")),)
    ),
}


@pytest.mark.parametrize("poison", list(POISONS))
def test_an_entry_with_values_the_checker_rejects_is_not_used(tmp_path, cache_dir, extended, poison):
    data = EXTENDED.encode("utf-8")
    cache.store(data, POISONS[poison](extended))  # sealed as sitboard seals its own entries
    assert list(cache_dir.glob("*.sqlite"))  # it was written
    assert cache.load(data, "extended.yaml") is None
    path = tmp_path / "extended.yaml"
    path.write_bytes(data)
    assert load_scenario(path, cache=True) == extended.replace(path=str(path))


def test_the_poisons_are_poison(extended):
    """Each poison breaks a rule the round trip would otherwise keep (so the test above can fail)."""
    for name, poison in POISONS.items():
        with pytest.raises(ValueError, match="store"):
            round_trip(poison(extended), "x.yaml")
            raise AssertionError(f"{name} was accepted")  # pragma: no cover - reported as the wrong exception


def test_a_v1_file_round_trips_with_no_extension_fields():
    s = parse_scenario(BUNDLED.read_text(encoding="utf-8"), "c.yaml")
    assert round_trip(s, "c.yaml") == s
