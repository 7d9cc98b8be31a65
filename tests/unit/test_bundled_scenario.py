"""The bundled scenario stays faithful to its contract and to its source article.

Reads the file with plain `yaml.safe_load`, independent of sitboard's loader, so
that a loader bug cannot hide a broken scenario (and the other way round).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"

CONFIDENCES = {"confirmed", "reported", "claimed", "disputed"}
RESERVED_HOLDERS = {"contested", "unknown"}

# Keys of format version 1 (shared/SCENARIO_FORMAT.md); `x-` keys are also allowed.
ALLOWED_KEYS = {
    "top": {"sitboard", "title", "subtitle", "summary", "map", "factions", "towns", "sources", "events"},
    "map": {"bounds", "lines"},
    "line": {"name", "kind", "via", "points"},
    "faction": {"id", "name", "color", "mark"},
    "town": {"id", "name", "lat", "lon", "kind", "population", "control"},
    "source": {"id", "name", "kind", "url"},
    "event": {"time", "title", "text", "kind", "at", "actors", "control", "flows", "sources", "confidence"},
    "flow": {"from", "to", "people", "estimate"},
}

# GeoNames (cities1000) coordinates, keyed by the scenario's town id.
GEONAMES = {
    "homs": (34.72405, 36.72559),  # geonameid 169577 "Homs"
    "hama": (35.13179, 36.75783),  # geonameid 170017 "Ḩamāh"
    "rastan": (34.92667, 36.73241),  # geonameid 172946 "Ar Rastan"
    "talbiseh": (34.84072, 36.73092),  # geonameid 163779 "Tallbīsah"
    "aleppo": (36.20124, 37.16117),  # geonameid 170063 "Aleppo"
    "damascus": (33.5102, 36.29128),  # geonameid 170654 "Damascus"
}


@pytest.fixture(scope="module")
def scenario() -> dict:
    with SCENARIO.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict)
    return data


def ids(items: list[dict]) -> set[str]:
    return {item["id"] for item in items}


def as_datetime(value: object) -> datetime:
    """YAML turns unquoted ISO dates into date/datetime objects; strings stay strings."""
    return datetime.fromisoformat(str(value))


def test_is_format_version_1(scenario):
    assert scenario["sitboard"] == 1
    assert scenario["title"]


def unknown_keys(mapping: dict, allowed: set[str]) -> set[str]:
    return {key for key in mapping if key not in allowed and not str(key).startswith("x-")}


def test_uses_only_contract_keys(scenario):
    problems = {"top": unknown_keys(scenario, ALLOWED_KEYS["top"])}
    problems["map"] = unknown_keys(scenario.get("map", {}), ALLOWED_KEYS["map"])
    for line in scenario.get("map", {}).get("lines", []):
        problems.setdefault("line", set()).update(unknown_keys(line, ALLOWED_KEYS["line"]))
    for section, kind in (("factions", "faction"), ("towns", "town"), ("sources", "source"), ("events", "event")):
        for item in scenario.get(section, []):
            problems.setdefault(kind, set()).update(unknown_keys(item, ALLOWED_KEYS[kind]))
    for event in scenario["events"]:
        for flow in event.get("flows", []):
            problems.setdefault("flow", set()).update(unknown_keys(flow, ALLOWED_KEYS["flow"]))
    assert {kind: keys for kind, keys in problems.items() if keys} == {}


def test_every_referenced_town_and_faction_exists(scenario):
    towns = ids(scenario["towns"])
    holders = ids(scenario["factions"]) | RESERVED_HOLDERS
    for town in scenario["towns"]:
        assert town.get("control", "unknown") in holders, town["id"]
    for line in scenario["map"]["lines"]:
        assert set(line.get("via", [])) <= towns, line["name"]
    for event in scenario["events"]:
        at = event.get("at")
        if isinstance(at, str):
            assert at in towns, event["title"]
        assert set(event.get("actors", [])) <= ids(scenario["factions"]), event["title"]
        for town, holder in event.get("control", {}).items():
            assert town in towns, event["title"]
            assert holder in holders, event["title"]
        for flow in event.get("flows", []):
            assert {flow["from"], flow["to"]} <= towns, event["title"]


def test_event_times_never_go_backwards(scenario):
    times = [as_datetime(event["time"]) for event in scenario["events"]]
    assert times == sorted(times)


def test_every_event_has_sources_and_a_confidence(scenario):
    source_ids = ids(scenario["sources"])
    for event in scenario["events"]:
        assert event.get("sources"), event["title"]
        assert set(event["sources"]) <= source_ids, event["title"]
        assert event.get("confidence") in CONFIDENCES, event["title"]


def test_flows_carry_no_invented_numbers(scenario):
    """The article says only "thousands": no flow may claim a head count."""
    flows = [flow for event in scenario["events"] for flow in event.get("flows", [])]
    assert all("people" not in flow for flow in flows)
    from_homs = [flow for flow in flows if flow["from"] == "homs"]
    assert {flow["to"] for flow in from_homs} == {"damascus", "coast"}
    assert all(flow.get("estimate") == "thousands" for flow in from_homs)


@pytest.mark.parametrize("town_id", sorted(GEONAMES))
def test_coordinates_match_geonames(scenario, town_id):
    town = next(town for town in scenario["towns"] if town["id"] == town_id)
    lat, lon = GEONAMES[town_id]
    assert abs(town["lat"] - lat) <= 0.01
    assert abs(town["lon"] - lon) <= 0.01


def test_control_follows_the_article(scenario):
    start = {town["id"]: town.get("control") for town in scenario["towns"]}
    assert {start[t] for t in ("aleppo", "hama", "homs", "rastan", "talbiseh", "damascus")} == {"gov"}
    end = dict(start)
    for event in scenario["events"]:
        end.update(event.get("control", {}))
    assert {t: end[t] for t in ("aleppo", "hama", "rastan", "talbiseh")} == dict.fromkeys(
        ("aleppo", "hama", "rastan", "talbiseh"), "hts"
    )
    assert end["homs"] == end["damascus"] == "gov"  # both fell only after the article


def test_article_key_phrases_appear(scenario):
    text = " ".join(f"{event['title']} {event.get('text', '')}" for event in scenario["events"])
    text = " ".join(text.split())  # folded YAML lines
    for phrase in (
        "civilian casualties",
        "without facing resistance",
        "no immediate response",
        "thousands",
        "tactical",
        "foreign countries",
        "Syrian National Army",
    ):
        assert phrase in text, phrase
    assert "5 km" in text or "5 kilometers" in text


def test_dates_from_outside_the_article_say_so(scenario):
    """The article has no dates, so every event must cite the context source and say it."""
    for event in scenario["events"]:
        assert "context" in event["sources"], event["title"]
        assert "public reporting" in " ".join(event.get("text", "").split()), event["title"]
