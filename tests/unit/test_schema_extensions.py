"""The JSON Schema and the checker agree on the format's optional keys, wherever a schema can judge.

What a schema cannot express (ids that exist, a holder not besieging itself,
`until` not before `time`, low <= best <= high, unique place codes) is listed
in the schema's description; those cases are marked here and only the checker
must reject them.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import yaml
from control_values import control_values, flow_style, valid
from extended_scenario import EXTENDED
from extended_scenario import HEAD as BASE
from hypothesis import HealthCheck, given, settings

from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import CONTROL_STATES, PRECISIONS
from sitboard.scenario.schema import scenario_schema

jsonschema = pytest.importorskip("jsonschema")

HEAD = BASE.replace(
    "factions:", "map: {areas: false}\nsources:\n  - {id: sohr, name: SOHR, affiliation: hts}\nfactions:"
)


def iso(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso(v) for v in value]
    return value


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(scenario_schema())


def schema_ok(validator, text: str) -> bool:
    return not list(validator.iter_errors(iso(yaml.safe_load(text))))


def checker_ok(text: str) -> bool:
    try:
        parse_scenario(text, "s.yaml")
    except ScenarioError:
        return False
    return True


def event(line: str) -> str:
    return f"{HEAD}events:\n  - time: 2024-12-05\n    title: E\n    {line}\n"


# (document, the checker accepts it, a schema can judge it)
CASES = [
    (EXTENDED, True, True),
    (event("notes: Say it slowly."), True, True),
    (event("notes: [a]"), False, True),
    (event("view: {focus: [homs, hama]}"), True, True),
    (event("view: {focus: [homs], margin_km: 5.5}"), True, True),
    (event("view: {bounds: {west: 35, south: 33, east: 38, north: 36}}"), True, True),
    (event("view: {focus: [homs], bounds: {west: 35, south: 33, east: 38, north: 36}}"), False, True),
    (event("view: {margin_km: 5}"), False, True),
    (event("view: {bounds: {west: 35, south: 33, east: 38, north: 36}, margin_km: 5}"), False, True),
    (event("view: {focus: []}"), False, True),
    (event("view: {focus: [homs], margin_km: -1}"), False, True),
    (event("view: {focus: [homs], margin_km: 20001}"), False, True),
    (event("view: {focus: [homs, homs]}"), False, True),
    (event("view: {focus: [nowhere]}"), False, False),
    (event("view: {bounds: {west: 38, south: 33, east: 35, north: 36}}"), False, False),
    (event("until: 2024-12-09"), True, True),
    (event("until: 2024-12-09T10:00+02:00"), True, True),
    (event("until: soon"), False, True),
    (event("until: 2024-12-01"), False, False),
    (event("at: homs\n    precision: province"), True, True),
    (event("at: homs\n    precision: roughly"), False, True),
    (event("precision: near"), False, True),
    (event("at: {town: homs, km: 5, toward: north-west}"), True, True),
    (event("at: {town: homs, km: 0, toward: N}"), False, True),
    (event("at: {town: homs, km: 20001, toward: N}"), False, True),
    (event("at: {town: homs, km: 5, toward: up}"), False, True),
    (event("at: {town: homs, km: 5}"), False, True),
    (event("at: {town: homs, km: 5, toward: N, lat: 3}"), False, True),
    (event("at: {town: nowhere, km: 5, toward: N}"), False, False),
    (event("deaths: 12"), True, True),
    (event("deaths: {best: 12, low: 5, high: 20}"), True, True),
    (event("deaths: {best: 12}"), True, True),
    (event("deaths: -1"), False, True),
    (event("deaths: 10000000001"), False, True),
    (event("deaths: many"), False, True),
    (event("deaths: {best: 12, low: 5}"), False, True),
    (event("deaths: {low: 5, high: 20}"), False, True),
    (event("deaths: {best: 2, low: 5, high: 20}"), False, False),
    (event("flows: [{from: homs, to: [hama, tartus], people: 5}]"), True, True),
    (event("flows: [{from: homs, to: [hama]}]"), False, True),
    (event("flows: [{from: homs, to: [hama, hama]}]"), False, True),
    (event("flows: [{from: homs, to: [hama, homs]}]"), False, False),
    (HEAD.replace("affiliation: hts", "affiliation: 'not an id'"), False, True),
    (HEAD.replace("affiliation: hts", "affiliation: nobody"), False, False),
    (HEAD + "  - {id: x, name: X, lat: 1, lon: 1, pcode: SY0200}\n", True, True),
    (HEAD + "  - {id: x, name: X, lat: 1, lon: 1, pcode: SY-02}\n", False, True),
    (HEAD + "  - {id: x, name: X, lat: 1, lon: 1, pcode: " + "A" * 33 + "}\n", False, True),
    (
        HEAD + "  - {id: x, name: X, lat: 1, lon: 1, pcode: P1}\n  - {id: y, name: Y, lat: 1, lon: 1, pcode: P1}\n",
        False,
        False,
    ),
    (HEAD.replace("areas: false", "areas: 'no'"), False, True),
]


@pytest.mark.parametrize(("text", "accepted", "judged"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_schema_and_checker_agree(validator, text, accepted, judged):
    assert checker_ok(text) is accepted
    if judged:
        assert schema_ok(validator, text) is accepted
    else:
        assert accepted is False and schema_ok(validator, text) is True  # beyond a schema: the checker's alone


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(control_values())
def test_control_values_as_the_schema_sees_them(validator, value):
    for text in (
        HEAD + f"  - {{id: x, name: X, lat: 1, lon: 1, control: {flow_style(value)}}}\n",
        event(f"control: {{homs: {flow_style(value)}}}"),
    ):
        assert schema_ok(validator, text) is valid(value, refs=False), value
        assert checker_ok(text) is valid(value), value
        if valid(value):
            assert schema_ok(validator, text)


def test_enums_match_the_model():
    defs = scenario_schema()["$defs"]
    assert defs["control_state"]["properties"]["state"]["enum"] == list(CONTROL_STATES)
    assert defs["event"]["properties"]["precision"]["enum"] == list(PRECISIONS)


def test_the_schema_says_what_it_cannot_check():
    description = scenario_schema()["description"]
    for words in (
        "place codes are unique",
        "'until' is not before its 'time'",
        "low <= best <= high",
        "do not include its holder",
    ):
        assert words in description
