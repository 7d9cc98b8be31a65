"""A JSON Schema (draft 2020-12) of the scenario format, version 1.

For editors: point a YAML language server at it (`# yaml-language-server:
$schema=...`) to get completion, hover help and most mistakes flagged as you
type. It follows the contract (SCENARIO_FORMAT.md) key by key; sitboard itself
never validates with it. The loader remains the authority and checks what a schema
cannot: references between ids, unique ids, the order of event times and the
sides of `map.bounds`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from sitboard.scenario.model import CONFIDENCES, LINE_KINDS, MAX_PEOPLE, RESERVED_HOLDERS, TOWN_KINDS

SCHEMA_ID = "https://sitboard.invalid/schema/scenario-1.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

ID_PATTERN = "^[A-Za-z0-9_-]+$"
# ISO 8601 date, or date-time with optional seconds, fraction and offset. Checks
# the shape only (2024-02-30 passes here; the loader rejects it).
TIME_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([Tt ]([01][0-9]|2[0-3])(:[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?)?"
    r"(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?)?$"
)
X_KEYS = {"^x-": {"description": "Extension key: kept and ignored by sitboard."}}

_CROSS_REFS = (
    "A JSON Schema cannot check references between parts of the file: that every "
    "town, faction and source id used exists, that ids are unique, that event times "
    "never go backwards and that map.bounds has south < north and west < east. "
    "The sitboard loader checks these and names the line and column."
)


def scenario_schema() -> dict[str, Any]:
    """The schema as a fresh dict (safe to modify), ready for `json.dumps`."""
    return copy.deepcopy(_SCHEMA)


def _obj(description: str, properties: dict[str, Any], required: Sequence[str] = (), **extra: Any) -> dict[str, Any]:
    """A mapping with exactly these keys plus `x-` keys."""
    schema: dict[str, Any] = {"type": "object", "description": description}
    if required:
        schema["required"] = list(required)
    schema["properties"] = properties
    schema["patternProperties"] = copy.deepcopy(X_KEYS)
    schema["additionalProperties"] = False
    schema.update(extra)
    return schema


def _text(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _list(description: str, items: dict[str, Any], *, nullable: bool = False, **extra: Any) -> dict[str, Any]:
    # The loader reads an empty key (`events:` with nothing after it) as an empty list.
    kind: Any = ["array", "null"] if nullable else "array"
    return {"type": kind, "description": description, "items": items, **extra}


def _number(description: str, low: int, high: int) -> dict[str, Any]:
    return {"type": "number", "minimum": low, "maximum": high, "description": description}


def _ref(name: str, description: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}", "description": description}


_DEFS: dict[str, Any] = {
    "id": {
        "type": "string",
        "pattern": ID_PATTERN,
        "description": "An identifier: letters, digits, '_' and '-'.",
    },
    "holder": {
        "type": "string",
        "pattern": ID_PATTERN,
        "description": (
            "Who holds a town: a faction id, 'contested' or 'unknown'. "
            "That a faction id exists is checked by sitboard, not by this schema."
        ),
        "examples": list(RESERVED_HOLDERS),
    },
    "lat": _number("Latitude in WGS84 decimal degrees, -90 (south) to 90 (north).", -90, 90),
    "lon": _number("Longitude in WGS84 decimal degrees, -180 (west) to 180 (east).", -180, 180),
    "latlon": {
        "type": "array",
        "description": "A point as a [lat, lon] pair (latitude first).",
        "prefixItems": [
            {"$ref": "#/$defs/lat", "description": "Latitude, -90..90."},
            {"$ref": "#/$defs/lon", "description": "Longitude, -180..180."},
        ],
        "minItems": 2,
        "maxItems": 2,
    },
    "time": {
        "type": "string",
        "pattern": TIME_PATTERN,
        "description": (
            "ISO 8601 date (2024-12-05) or date-time (2024-12-05T14:30), with optional seconds and offset "
            "(2024-12-05T14:30+02:00, Z). A date counts as its midnight; a time without offset is taken as UTC "
            "for ordering. Unquoted YAML dates are fine: they are dates written as text."
        ),
        "examples": ["2024-12-05", "2024-12-05T14:30", "2024-12-05T14:30+02:00"],
    },
    "faction": _obj(
        "A side in the conflict.",
        {
            "id": {
                "$ref": "#/$defs/id",
                "not": {"enum": list(RESERVED_HOLDERS)},
                "description": "Identifier, unique among factions. 'contested' and 'unknown' are reserved.",
            },
            "name": _text("Display name."),
            "color": _text(
                "A colour name Rich understands ('red', 'bright_green') or '#rrggbb'. "
                "Default: a distinct colour from a colour-blind-safe palette.",
                minLength=1,
                pattern="^(#[0-9A-Fa-f]{6}|[^#].*)$",
                examples=["red", "bright_green", "#0072B2"],
            ),
            "mark": _text(
                "One printable ASCII character standing for the faction where colour cannot "
                "(ASCII mode, monochrome, colour-blind viewers). Default: first letter of the id, made unique.",
                pattern="^[ -~]$",
            ),
        },
        ["id", "name"],
    ),
    "town": _obj(
        "A place on the map whose holder the board tracks.",
        {
            "id": _ref("id", "Identifier, unique among towns."),
            "name": _text("Display name (any Unicode)."),
            "lat": _ref("lat", "Latitude, WGS84 decimal degrees, -90..90."),
            "lon": _ref("lon", "Longitude, WGS84 decimal degrees, -180..180."),
            "kind": {
                "enum": list(TOWN_KINDS),
                "default": "town",
                "description": "Size class; drives glyph size and label priority. Default 'town'.",
            },
            "population": {
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_PEOPLE,
                "description": "Population, a non-negative whole number (at most 10,000,000,000). Leave out if unknown.",
            },
            "control": _ref("holder", "Who holds it when the scenario starts: a faction id, 'contested' or "
                            "'unknown' (default 'unknown')."),
            "country": _text("sitboard extension: the country (ISO code such as 'SY', or its name) used, with "
                             "'name', to place a town given without 'lat'/'lon' from the bundled gazetteer."),
        },
        ["id", "name"],
        # lat and lon go together; leaving both out asks the gazetteer (an extension of format v1).
        dependentRequired={"lat": ["lon"], "lon": ["lat"]},
    ),
    "source": _obj(
        "A named source that events can cite.",
        {
            "id": _ref("id", "Identifier, unique among sources."),
            "name": _text("Name, e.g. 'Syrian Observatory for Human Rights'."),
            "kind": _text("Free text, e.g. 'opposition war monitor', 'pro-government media'."),
            "url": _text("Where the source can be found."),
        },
        ["id", "name"],
    ),
    "place": {
        "description": "Where an event happened: a town id, or a point {lat: .., lon: ..}.",
        "oneOf": [
            {"$ref": "#/$defs/id", "description": "A town id."},
            _obj(
                "A point in WGS84 decimal degrees.",
                {
                    "lat": _ref("lat", "Latitude, -90..90."),
                    "lon": _ref("lon", "Longitude, -180..180."),
                },
                ["lat", "lon"],
            ),
        ],
    },
    "control": {
        "type": "object",
        "description": (
            "Towns that change hands with this event: town id -> new holder (a faction id, 'contested' "
            "or 'unknown'). Naming the current holder again is allowed and is not a change."
        ),
        "propertyNames": {"pattern": ID_PATTERN, "description": "A town id."},
        "patternProperties": copy.deepcopy(X_KEYS),
        "additionalProperties": {"$ref": "#/$defs/holder", "description": "The town's new holder."},
    },
    "flow": _obj(
        "People displaced from one town towards another.",
        {
            "from": _ref("id", "Town id people leave."),
            "to": _ref("id", "Town id people head for."),
            "people": {
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_PEOPLE,
                "description": (
                    "Best estimate of the number of people, a non-negative whole number (at most "
                    "10,000,000,000). Leave out when the size "
                    "is not known: the flow is then never counted as a number."
                ),
            },
            "estimate": _text("The words the source used, e.g. 'thousands'.", examples=["thousands"]),
        },
        ["from", "to"],
    ),
    "event": _obj(
        "Something that happened. Events play in file order; each time must be equal to or later than the one "
        "before it.",
        {
            "time": _ref("time", "When it happened: ISO 8601 date (2024-12-05) or date-time (2024-12-05T14:30)."),
            "title": _text("One-line headline."),
            "text": _text("Longer description."),
            "kind": _text(
                "A free word for what happened.",
                examples=["capture", "withdrawal", "advance", "airstrike", "displacement", "statement"],
            ),
            "at": _ref("place", "Where it happened: a town id, or {lat: .., lon: ..}."),
            "actors": _list("Factions involved (faction ids).", {"$ref": "#/$defs/id", "description": "A faction id."},
                            nullable=True),
            "control": _ref("control", "Towns that change hands with this event: town id -> new holder."),
            "flows": _list("Displacement flows of this event.", {"$ref": "#/$defs/flow", "description": "A flow."},
                           nullable=True),
            "sources": _list("Sources for this event (source ids).",
                             {"$ref": "#/$defs/id", "description": "A source id."}, nullable=True),
            "confidence": {
                "enum": list(CONFIDENCES),
                "description": (
                    "How sure the report is: 'confirmed', 'reported', 'claimed' (one party's assertion) or "
                    "'disputed'."
                ),
            },
        },
        ["time", "title"],
    ),
    "bounds": _obj(
        "The map's frame in degrees; all four sides. Default: fit every town with a margin. "
        "south must be less than north and west less than east (checked by sitboard, not by this schema).",
        {
            "west": _ref("lon", "Western edge, longitude -180..180."),
            "south": _ref("lat", "Southern edge, latitude -90..90."),
            "east": _ref("lon", "Eastern edge, longitude -180..180."),
            "north": _ref("lat", "Northern edge, latitude -90..90."),
        },
        ["west", "south", "east", "north"],
    ),
    "line": _obj(
        "An overlay line (road, river, border, front): either 'via' town ids or 'points', not both.",
        {
            "name": _text("Name of the line, e.g. 'M5 highway'."),
            "kind": {
                "enum": list(LINE_KINDS),
                "default": "other",
                "description": "What the line is: 'road', 'river', 'border', 'front' or 'other' (default).",
            },
            "via": _list("Town ids the line passes through, in order (at least two).",
                         {"$ref": "#/$defs/id", "description": "A town id."}, minItems=2),
            "points": _list("The line's points as [lat, lon] pairs (at least two).",
                            {"$ref": "#/$defs/latlon", "description": "A [lat, lon] pair."}, minItems=2),
        },
        ["name"],
        oneOf=[
            {"required": ["via"], "description": "A line through towns."},
            {"required": ["points"], "description": "A line through coordinates."},
        ],
    ),
    "map": _obj(
        "Map settings.",
        {
            "bounds": _ref("bounds", "The map's frame: {west: .., south: .., east: .., north: ..} in degrees."),
            "lines": _list("Overlay lines drawn on the map.", {"$ref": "#/$defs/line", "description": "A line."},
                           nullable=True),
        },
    ),
}

_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT,
    "$id": SCHEMA_ID,
    "title": "sitboard scenario, format version 1",
    **_obj(
        "A sitboard scenario: factions, towns, sources and a timeline of events with control changes and "
        "displacement flows. Keys starting with 'x-' are allowed everywhere and ignored. " + _CROSS_REFS,
        {
            "sitboard": {"const": 1, "type": "integer", "description": "Format version: the integer 1."},
            "title": _text("Shown as the board's title."),
            "subtitle": _text("Period, theatre."),
            "summary": _text("The situation before the first event."),
            "map": _ref("map", "Map settings: bounds and overlay lines."),
            "factions": _list("The sides, at least one.", {"$ref": "#/$defs/faction", "description": "A faction."},
                              minItems=1),
            "towns": _list("The places tracked, at least one.", {"$ref": "#/$defs/town", "description": "A town."},
                           minItems=1),
            "sources": _list("Named sources events can cite.", {"$ref": "#/$defs/source", "description": "A source."},
                             nullable=True),
            "events": _list(
                "The timeline, in order; may be empty (the board then shows the start state).",
                {"$ref": "#/$defs/event", "description": "An event."},
                nullable=True,
            ),
        },
        ["sitboard", "title", "factions", "towns"],
    ),
    "$defs": _DEFS,
}
