"""Whatever the file holds, the loader answers with a scenario or a ScenarioError.

And a scenario it accepts is one the timeline and the JSON export can show at
every step.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import event as count_as
from hypothesis import strategies as st

from sitboard.exports.json_state import state_to_json
from sitboard.scenario.bundled import default_scenario
from sitboard.scenario.errors import Problem, ScenarioError
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.scenario.model import Scenario
from sitboard.timeline import Timeline

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_outcome(run) -> Scenario | None:  # type: ignore[no-untyped-def]
    """Run the loader: a scenario, or a well-formed ScenarioError; anything else fails the test."""
    try:
        scenario = run()
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError must carry at least one problem"
        assert len(exc.problems) <= 50
        for p in exc.problems:
            assert isinstance(p, Problem) and p.line >= 1 and p.column >= 1 and p.message
        str(exc)
        count_as("rejected")
        return None
    count_as("loaded")
    exercise(scenario)
    return scenario


def exercise(scenario: Scenario) -> None:
    timeline = Timeline(scenario)
    assert timeline.steps == len(scenario.events)
    for k in range(timeline.steps + 1):
        state = timeline.state_at(k)
        assert len(state.holders) == len(scenario.towns)
        for f in scenario.factions:
            state.held(f)
        state.displaced.total.describe()
        json.dumps(state_to_json(state), ensure_ascii=False)
    for town in scenario.towns:
        timeline.history(town.id)
        timeline.flows_of(town.id)
    for event in scenario.events:
        assert timeline.step_at_or_before(event.time.sort_key) >= event.index + 1


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    check_outcome(lambda: parse_scenario(text, "fuzz.yaml"))


YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab :-#\n\t[]{},&*!|>'\"%@`?~<=.0123456789xT\ufeff\u0085\u2028é")), max_size=200
)


@FUZZ
@given(YAMLISH)
def test_yaml_flavoured_text(text):
    check_outcome(lambda: parse_scenario(text, "fuzz.yaml"))


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_bytes(data)
        check_outcome(lambda: load_scenario(path))


BUNDLED = default_scenario().read_text(encoding="utf-8")


@FUZZ
@given(st.data())
def test_mutated_bundled_scenario(data):
    text = BUNDLED
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["delete", "insert", "replace", "duplicate-line"]))
        if op == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 20)) :]
        elif op == "insert":
            text = text[:at] + data.draw(st.text(max_size=8)) + text[at:]
        elif op == "replace":
            text = (
                text[:at]
                + data.draw(st.sampled_from(["9", "-", ":", " ", "\n", "x", "'", "[", "&a", "*a"]))
                + text[at + 1 :]
            )
        else:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end + 1
            text = text[:end] + text[start:end] + text[end:]
    check_outcome(lambda: parse_scenario(text, "mutated.yaml"))


# -- scenario-shaped data ----------------------------------------------------------------------

FACTION_IDS = ["gov", "hts", "sna"]
TOWN_IDS = ["hama", "homs", "aleppo", "x-ray"]
HOLDERS = [*FACTION_IDS, "contested", "unknown"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(timezones=st.none() | st.just(UTC) | st.timezones()),
)
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def sometimes(valid, p_junk: float = 0.1):  # type: ignore[no-untyped-def]
    """Mostly a plausible value, now and then anything at all."""
    return st.floats(0, 1).flatmap(lambda r: junk if r < p_junk else valid)


def mapping(required: dict, optional: dict):  # type: ignore[no-untyped-def]
    """A dict with the required keys (each sometimes dropped), some optional ones, and now and then a stray key."""

    @st.composite
    def build(draw):  # type: ignore[no-untyped-def]
        out = {}
        for key, strategy in required.items():
            if draw(st.floats(0, 1)) > 0.03:
                out[key] = draw(sometimes(strategy))
        for key, strategy in optional.items():
            if draw(st.booleans()):
                out[key] = draw(sometimes(strategy))
        if draw(st.floats(0, 1)) < 0.08:
            out[draw(st.sampled_from(["x-note", "colour", "populaton", "", "<<", "peopel", "x-"]))] = draw(junk)
        return out

    return build()


ident = st.one_of(
    st.sampled_from(FACTION_IDS + TOWN_IDS + ["sohr", "a b", "contested", ""]),
    st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True),
)
town_ref = st.sampled_from([*TOWN_IDS, "hamz"])
lat = st.one_of(st.floats(-95, 95), st.integers(-95, 95))
lon = st.one_of(st.floats(-185, 185), st.integers(-185, 185))
times = st.one_of(
    st.dates(),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.dates().map(str),
    st.sampled_from(["2024-12-05", "2024-12-05T14:30", "2024-12-05T14:30+02:00", "2024-13-01", "soon"]),
)

faction = mapping(
    {"id": st.sampled_from(FACTION_IDS) | ident, "name": st.text(max_size=10)},
    {
        "color": st.sampled_from(["red", "#00ff00", "#E69F00", "#fff", "bright_green", "nope"]),
        "mark": st.sampled_from(["G", "H", "GG", "", "~", "é"]),
    },
)
town = mapping(
    {"id": st.sampled_from(TOWN_IDS) | ident, "name": st.text(max_size=10), "lat": lat, "lon": lon},
    {
        "kind": st.sampled_from(["city", "town", "village", "region", "cty"]),
        "population": st.integers(-5, 10**7),
        "control": st.sampled_from([*HOLDERS, "gvo"]),
    },
)
flow = mapping(
    {"from": town_ref, "to": town_ref},
    {"people": st.one_of(st.integers(-5, 10**6), st.none()), "estimate": st.text(max_size=8)},
)
event = mapping(
    {"time": times, "title": st.text(max_size=10)},
    {
        "text": st.text(max_size=10),
        "kind": st.text(max_size=6),
        "at": town_ref | st.fixed_dictionaries({"lat": lat, "lon": lon}),
        "actors": st.lists(st.sampled_from([*FACTION_IDS, "gvo"]), max_size=3),
        "control": st.dictionaries(town_ref, st.sampled_from([*HOLDERS, "gvo"]), max_size=3),
        "flows": st.lists(flow, max_size=3),
        "sources": st.lists(st.sampled_from(["sohr", "sorh"]), max_size=2),
        "confidence": st.sampled_from(["confirmed", "reported", "claimed", "disputed", "maybe"]),
    },
)
map_settings = mapping(
    {},
    {
        "bounds": mapping({"west": lon, "south": lat, "east": lon, "north": lat}, {}),
        "lines": st.lists(
            mapping(
                {"name": st.text(max_size=6)},
                {
                    "kind": st.sampled_from(["road", "river", "border", "front", "other", "rode"]),
                    "via": st.lists(town_ref, max_size=4),
                    "points": st.lists(st.lists(lat, min_size=1, max_size=3), max_size=4),
                },
            ),
            max_size=2,
        ),
    },
)
scenario_data = mapping(
    {
        "sitboard": st.sampled_from([1, 1, 1, 2, "1"]),
        "title": st.text(max_size=12),
        "factions": st.lists(faction, min_size=1, max_size=3),
        "towns": st.lists(town, min_size=1, max_size=5),
    },
    {
        "subtitle": st.text(max_size=8),
        "summary": st.text(max_size=8),
        "map": map_settings,
        "sources": st.lists(
            mapping(
                {"id": st.just("sohr") | ident, "name": st.text(max_size=6)},
                {"kind": st.text(max_size=6), "url": st.text(max_size=6)},
            ),
            max_size=2,
        ),
        "events": st.lists(event, max_size=6),
    },
)


@settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(scenario_data)
def test_scenario_shaped_data(data):
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        assume(False)
    check_outcome(lambda: parse_scenario(text, "shaped.yaml"))


VALID_EVENTS = st.lists(
    st.fixed_dictionaries(
        {
            "title": st.text(min_size=1, max_size=8),
            "control": st.dictionaries(st.sampled_from(TOWN_IDS), st.sampled_from(HOLDERS), max_size=3),
            "flows": st.lists(
                st.fixed_dictionaries(
                    {"from": st.sampled_from(TOWN_IDS), "to": st.sampled_from(TOWN_IDS)},
                    optional={"people": st.integers(0, 10**6)},
                ),
                max_size=2,
            ),
        }
    ),
    max_size=40,
)


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_EVENTS)
def test_valid_scenario_shaped_data_always_loads(events):
    # the positive side: well-formed data is never refused, and its steps all work
    for i, e in enumerate(events):
        e["time"] = f"2024-12-{1 + i // 2:02d}"
    data = {
        "sitboard": 1,
        "title": "T",
        "factions": [{"id": f, "name": f.upper()} for f in FACTION_IDS],
        "towns": [
            {"id": t, "name": t.title(), "lat": 35.0, "lon": 36.0 + i, "control": "gov"} for i, t in enumerate(TOWN_IDS)
        ],
        "events": events,
    }
    scenario = check_outcome(
        lambda: parse_scenario(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "valid.yaml")
    )
    assert scenario is not None
    assert len(scenario.events) == len(events)
    assert [dict(e.control) for e in scenario.events] == [e["control"] for e in events]
