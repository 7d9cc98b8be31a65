"""The JSON Schema of format v1: well-formed, accepts the bundled scenario, rejects what the contract rejects.

Documents are read with plain `yaml.safe_load` (YAML dates become ISO strings,
as an editor's YAML language server sees them) and, where the schema can
judge, the verdict is compared with sitboard's own loader.
"""

from __future__ import annotations

import copy
import datetime
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

from sitboard.scenario.errors import ScenarioError  # noqa: E402
from sitboard.scenario.loader import parse_scenario  # noqa: E402
from sitboard.scenario.model import CONFIDENCES, LINE_KINDS, TOWN_KINDS  # noqa: E402
from sitboard.scenario.schema import scenario_schema  # noqa: E402

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"

BASE = textwrap.dedent(
    """\
    sitboard: 1
    title: T
    factions:
      - {id: gov, name: Government}
      - {id: reb, name: Rebels, color: "#AABBCC", mark: R}
    towns:
      - {id: a, name: Alpha, lat: 10, lon: 20, kind: city, population: 1000, control: gov}
      - {id: b, name: Bravo, lat: 11.5, lon: -21.25}
    sources:
      - {id: s, name: Source, kind: monitor, url: "https://example.org"}
    map:
      bounds: {west: 0, south: 0, east: 30, north: 30}
      lines:
        - {name: Road, kind: road, via: [a, b]}
    events:
      - time: 2024-01-01
        title: One
        text: Longer.
        kind: capture
        at: a
        actors: [reb]
        control: {a: reb, b: contested}
        flows: [{from: a, to: b, people: 10, estimate: ten}]
        sources: [s]
        confidence: reported
    """
)


def iso(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso(v) for v in value]
    return value


def load(text: str) -> Any:
    return iso(yaml.safe_load(text))


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(scenario_schema())


def valid(validator, doc) -> bool:
    return not list(validator.iter_errors(doc))


def loader_accepts(doc: dict) -> bool:
    try:
        parse_scenario(json.dumps(doc))  # JSON is YAML
    except ScenarioError:
        return False
    return True


def test_the_schema_is_well_formed_draft_2020_12():
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("https://") and schema["$id"].endswith(".json")
    assert schema["title"] and schema["description"]
    assert "cannot" in schema["description"]  # says what it cannot check
    json.dumps(schema, allow_nan=False)


def test_each_call_returns_a_fresh_copy():
    first = scenario_schema()
    first["properties"].clear()
    assert scenario_schema()["properties"]


def walk(node: Any, path: str = "#"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


def test_every_property_has_a_description():
    for path, node in walk(scenario_schema()):
        for name, sub in node.get("properties", {}).items() if isinstance(node.get("properties"), dict) else ():
            assert sub.get("description"), f"{path}/properties/{name}"


def test_every_mapping_is_closed_except_for_x_keys():
    objects = [(p, n) for p, n in walk(scenario_schema()) if n.get("type") == "object"]
    assert len(objects) >= 10
    for path, node in objects:
        assert "^x-" in node.get("patternProperties", {}), path
        assert node.get("additionalProperties") is False or path.endswith("/control"), path


def test_enums_match_the_model():
    defs = scenario_schema()["$defs"]
    assert defs["event"]["properties"]["confidence"]["enum"] == list(CONFIDENCES)
    assert defs["town"]["properties"]["kind"]["enum"] == list(TOWN_KINDS)
    assert defs["line"]["properties"]["kind"]["enum"] == list(LINE_KINDS)


def test_the_bundled_scenario_validates(validator):
    doc = load(SCENARIO.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


def test_the_base_document_validates(validator):
    doc = load(BASE)
    assert valid(validator, doc)
    assert loader_accepts(doc)


def edit(path: list, value: Any = ..., *, delete: bool = False):
    """A change to BASE: set (or delete) the value at `path`."""

    def apply(doc: dict) -> dict:
        doc = copy.deepcopy(doc)
        node = doc
        for key in path[:-1]:
            node = node[key]
        if delete:
            del node[path[-1]]
        else:
            node[path[-1]] = value
        return doc

    return apply


# Each must be rejected by the schema AND by the loader.
BROKEN = {
    "unknown top-level key": edit(["titel"], "T"),
    "unknown town key": edit(["towns", 0, "popultion"], 5),
    "unknown flow key": edit(["events", 0, "flows", 0, "count"], 5),
    "bad confidence": edit(["events", 0, "confidence"], "certain"),
    "missing title": edit(["title"], delete=True),
    "missing factions": edit(["factions"], delete=True),
    "sitboard 2": edit(["sitboard"], 2),
    "sitboard as text": edit(["sitboard"], "1"),
    "no towns": edit(["towns"], []),
    "latitude out of range": edit(["towns", 0, "lat"], 91),
    "longitude out of range": edit(["towns", 1, "lon"], -180.5),
    "latitude as text": edit(["towns", 0, "lat"], "10"),
    "bad town kind": edit(["towns", 0, "kind"], "metropolis"),
    "negative population": edit(["towns", 0, "population"], -1),
    "fractional people": edit(["events", 0, "flows", 0, "people"], 1.5),
    "id with a space": edit(["towns", 0, "id"], "al pha"),
    "reserved faction id": edit(["factions", 0, "id"], "contested"),
    "two-character mark": edit(["factions", 1, "mark"], "RR"),
    "bad hex colour": edit(["factions", 1, "color"], "#12345"),
    "time not ISO": edit(["events", 0, "time"], "05/12/2024"),
    "time month 13": edit(["events", 0, "time"], "2024-13-01"),
    "time as number": edit(["events", 0, "time"], 20240101),
    "event without time": edit(["events", 0, "time"], delete=True),
    "line with via and points": edit(["map", "lines", 0, "points"], [[1, 2], [3, 4]]),
    "line with neither": edit(["map", "lines", 0, "via"], delete=True),
    "line with one point": edit(["map", "lines", 0, "via"], ["a"]),
    "bad line kind": edit(["map", "lines", 0, "kind"], "railway"),
    "point not a pair": edit(["map", "lines", 0], {"name": "P", "points": [[1, 2, 3], [3, 4]]}),
    "bounds missing a side": edit(["map", "bounds", "north"], delete=True),
    "place without lon": edit(["events", 0, "at"], {"lat": 1}),
    "place with extra key": edit(["events", 0, "at"], {"lat": 1, "lon": 2, "alt": 3}),
    "control not a mapping": edit(["events", 0, "control"], ["a"]),
    "control holder not text": edit(["events", 0, "control"], {"a": 5}),
    "actors not a list": edit(["events", 0, "actors"], "reb"),
    "title null": edit(["title"], None),
    "not a mapping": lambda doc: ["sitboard", 1],
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_documents_fail(validator, name):
    doc = BROKEN[name](load(BASE))
    assert not valid(validator, doc), name
    assert not loader_accepts(doc), f"the loader accepts it: the test case {name!r} is wrong"


# Each must be accepted by the schema AND by the loader.
VALID = {
    "x- keys everywhere": lambda doc: {
        **edit(["x-note"], {"anything": [1, 2]})(doc),
        "towns": [{**t, "x-geonames": 1} for t in doc["towns"]],
        "events": [
            {
                **doc["events"][0],
                "x-draft": True,
                "flows": [{**doc["events"][0]["flows"][0], "x-why": "because"}],
                "control": {**doc["events"][0]["control"], "x-comment": [1]},
            }
        ],
        "map": {
            **doc["map"],
            "x-zoom": 3,
            "bounds": {**doc["map"]["bounds"], "x-why": "frame"},
            "lines": [{**doc["map"]["lines"][0], "x-style": "dashed"}],
        },
        "factions": [{**doc["factions"][0], "x-flag": "f"}, doc["factions"][1]],
        "sources": [{**doc["sources"][0], "x-lang": "en"}],
    },
    "minimal": lambda doc: {k: doc[k] for k in ("sitboard", "title", "factions", "towns")},
    "empty events": edit(["events"], []),
    "events: with nothing": edit(["events"], None),
    "place as a point": edit(["events", 0, "at"], {"lat": -45.5, "lon": 170}),
    "line by points": edit(["map", "lines", 0], {"name": "Front", "kind": "front", "points": [[1, 2], [3.5, -4]]}),
    "date-time": edit(["events", 0, "time"], "2024-12-05T14:30"),
    "date-time with seconds and offset": edit(["events", 0, "time"], "2024-12-05T14:30:15+02:00"),
    "date-time in UTC": edit(["events", 0, "time"], "2024-12-05T14:30Z"),
    "colour name": edit(["factions", 0, "color"], "bright_green"),
    "space as a mark": edit(["factions", 0, "mark"], " "),
    "unicode name": edit(["towns", 0, "name"], "حمص"),
    "holder unknown": edit(["towns", 0, "control"], "unknown"),
    "edge coordinates": edit(["towns", 1], {"id": "pole", "name": "Pole", "lat": -90, "lon": 180}),
    "people zero": edit(["events", 0, "flows", 0, "people"], 0),
    "flow without people": edit(["events", 0, "flows", 0], {"from": "a", "to": "b"}),
}


@pytest.mark.parametrize("name", VALID)
def test_valid_documents_pass(validator, name):
    doc = VALID[name](load(BASE))
    if name == "edge coordinates":  # keep the references in BASE resolvable
        doc["map"]["lines"][0]["via"] = ["a", "pole"]
        doc["events"][0]["control"] = {"a": "reb", "pole": "contested"}
        doc["events"][0]["flows"][0]["to"] = "pole"
        del doc["map"]["bounds"]
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []
    assert loader_accepts(doc), f"the loader rejects it: the test case {name!r} is wrong"


def test_cross_references_are_beyond_the_schema(validator):
    # Documented limitation: an unknown town id is valid JSON Schema-wise; the loader catches it.
    doc = edit(["events", 0, "control"], {"homz": "gov"})(load(BASE))
    assert valid(validator, doc)
    assert not loader_accepts(doc)
