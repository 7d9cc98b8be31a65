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

from sitboard.scenario.model import (
    COMPASS_WORDS,
    CONFIDENCES,
    CONTROL_STATES,
    LINE_KINDS,
    MAX_DESTINATIONS,
    MAX_FOCUS,
    MAX_KM,
    MAX_PARTIES,
    MAX_PCODE,
    MAX_PEOPLE,
    MIXED,
    PRECISIONS,
    RESERVED_HOLDERS,
    TOWN_KINDS,
)

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
    "Nor, for the extensions, that place codes are unique, that an event's 'until' is not before its 'time', "
    "that fatalities have low <= best <= high, that a control state's factions do not include its holder, "
    "or that a flow's destinations are not its origin. "
    "The sitboard loader checks these and names the line and column."
)
EXTENSION = "sitboard extension of format v1 (optional): "


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


def _ids(description: str, what: str, low: int, high: int) -> dict[str, Any]:
    return _list(
        description, {"$ref": "#/$defs/id", "description": what}, minItems=low, maxItems=high, uniqueItems=True
    )


def _absent(*keys: str) -> dict[str, Any]:
    """None of these keys."""
    return {"not": {"anyOf": [{"required": [k]} for k in keys]}}


def _when_state(states: Sequence[str], then: dict[str, Any], otherwise: dict[str, Any]) -> dict[str, Any]:
    """A rule of the control-state mapping that depends on its `state` (absent: 'held', so `otherwise`)."""
    is_state: dict[str, Any] = {
        "properties": {"state": {"enum": list(states), "description": f"The state is {' or '.join(states)}."}},
        "required": ["state"],
    }
    return {"if": is_state, "then": then, "else": otherwise}


_COMPASS = {"enum": list(COMPASS_WORDS), "description": "A compass direction: N, NE, ... or north, north-east, ..."}


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
            "control": _ref(
                "control_value",
                "Who holds it when the scenario starts: a faction id, 'contested' or "
                "'unknown' (default 'unknown'), or a control state.",
            ),
            "country": _text(
                "sitboard extension: the country (ISO code such as 'SY', or its name) used, with "
                "'name', to place a town given without 'lat'/'lon' from the bundled gazetteer."
            ),
            "pcode": _text(
                EXTENSION + "a humanitarian place code (letters and digits), unique among towns.",
                pattern=f"^[A-Za-z0-9]{{1,{MAX_PCODE}}}$",
                examples=["SY0200"],
            ),
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
            "affiliation": _ref("id", EXTENSION + "the faction id the source is close to."),
        },
        ["id", "name"],
    ),
    "place": {
        "description": "Where an event happened: a town id, a point {lat: .., lon: ..}, or (extension) "
        "{town: .., km: .., toward: ..}.",
        "oneOf": [
            _ref("near", "A point near a town."),
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
    "control_state": _obj(
        EXTENSION + "who holds a town and how. 'state' is held (default), besieged, encircled, mixed or truce; "
        "'holder' is required except for mixed, which lists 2-3 'holders' instead.",
        {
            "holder": _ref("holder", "Who holds the town: a faction id, 'contested' or 'unknown'."),
            "state": {
                "enum": list(CONTROL_STATES),
                "default": "held",
                "description": "held (default), besieged, encircled, mixed or truce.",
            },
            "by": _ids(
                "The factions besieging or encircling the town (besieged and encircled only).",
                "A faction id.",
                1,
                MAX_PARTIES,
            ),
            "from": _list(
                "Where the siege comes from (besieged only).",
                _COMPASS,
                nullable=True,
                minItems=1,
                maxItems=len(COMPASS_WORDS),
                uniqueItems=True,
            ),
            "holders": _ids("The 2-3 factions that share control (mixed only).", "A faction id.", 2, 3),
            "with": _ids("The other parties of the truce (truce only).", "A faction id.", 1, MAX_PARTIES),
            "present": _ids("Factions present without control.", "A faction id.", 1, MAX_PARTIES),
        },
        allOf=[
            _when_state(
                [MIXED], {"required": ["holders"], **_absent("holder")}, {"required": ["holder"], **_absent("holders")}
            ),
            _when_state(["besieged", "encircled"], {"required": ["by"]}, _absent("by")),
            _when_state(["besieged"], {}, _absent("from")),
            _when_state(["truce"], {"required": ["with"]}, _absent("with")),
        ],
    ),
    "control_value": {
        "description": (
            "Who holds a town: a faction id, 'contested' or 'unknown'; or (sitboard extension) a mapping "
            "with the holder and a state such as a siege."
        ),
        "oneOf": [
            _ref("holder", "A holder, as format v1 writes it."),
            _ref("control_state", "A holder and a state."),
        ],
    },
    "control": {
        "type": "object",
        "description": (
            "Towns that change hands with this event: town id -> new holder (a faction id, 'contested' "
            "or 'unknown', or a control state). Naming the current value again is allowed and is not a change."
        ),
        "propertyNames": {"pattern": ID_PATTERN, "description": "A town id."},
        "patternProperties": copy.deepcopy(X_KEYS),
        "additionalProperties": {"$ref": "#/$defs/control_value", "description": "The town's new holder."},
    },
    "near": _obj(
        EXTENSION + "a point a distance from a town in a compass direction (computed on the sphere).",
        {
            "town": _ref("id", "The town id the distance is measured from."),
            "km": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": MAX_KM,
                "description": f"The distance in kilometres, above 0 and at most {MAX_KM:,}.",
            },
            "toward": _COMPASS,
        },
        ["town", "km", "toward"],
    ),
    "deaths": {
        "description": EXTENSION + "fatalities: a whole number, or {best, low, high} (low and high together).",
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": MAX_PEOPLE, "description": "The best estimate."},
            _obj(
                "A best estimate with an optional range (UCDP's best, low and high).",
                {
                    "best": {"type": "integer", "minimum": 0, "maximum": MAX_PEOPLE, "description": "Best estimate."},
                    "low": {"type": "integer", "minimum": 0, "maximum": MAX_PEOPLE, "description": "Low estimate."},
                    "high": {"type": "integer", "minimum": 0, "maximum": MAX_PEOPLE, "description": "High estimate."},
                },
                ["best"],
                dependentRequired={"low": ["high"], "high": ["low"]},
            ),
        ],
    },
    "view": _obj(
        EXTENSION + "the camera for this step: towns to frame ('focus', with 'margin_km') or fixed 'bounds'.",
        {
            "focus": _ids("Town ids to frame.", "A town id.", 1, MAX_FOCUS),
            "margin_km": {
                "type": "number",
                "minimum": 0,
                "maximum": MAX_KM,
                "default": 20,
                "description": "Margin around the focused towns, in km (default 20).",
            },
            "bounds": _ref("bounds", "The map's edges for this step, as map.bounds."),
        },
        oneOf=[
            {"required": ["focus"], **_absent("bounds"), "description": "Towns to frame."},
            {"required": ["bounds"], **_absent("focus", "margin_km"), "description": "Fixed edges."},
        ],
    ),
    "flow": _obj(
        "People displaced from one town towards another.",
        {
            "from": _ref("id", "Town id people leave."),
            "to": {
                "description": "Town id people head for; or (extension) a list of 2-5 town ids that share "
                "one figure, counted once.",
                "oneOf": [
                    _ref("id", "A town id."),
                    _ids("Towns that share one figure.", "A town id.", 2, MAX_DESTINATIONS),
                ],
            },
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
            "actors": _list(
                "Factions involved (faction ids).",
                {"$ref": "#/$defs/id", "description": "A faction id."},
                nullable=True,
            ),
            "control": _ref("control", "Towns that change hands with this event: town id -> new holder."),
            "flows": _list(
                "Displacement flows of this event.", {"$ref": "#/$defs/flow", "description": "A flow."}, nullable=True
            ),
            "sources": _list(
                "Sources for this event (source ids).",
                {"$ref": "#/$defs/id", "description": "A source id."},
                nullable=True,
            ),
            "confidence": {
                "enum": list(CONFIDENCES),
                "description": (
                    "How sure the report is: 'confirmed', 'reported', 'claimed' (one party's assertion) or 'disputed'."
                ),
            },
            "notes": _text(
                EXTENSION + "the briefer's speaker notes; never shown to the room, and only "
                "exported by 'export --format md --notes'."
            ),
            "view": _ref("view", "The camera for this step."),
            "until": _ref(
                "time",
                EXTENSION + "the end of a time range that starts at 'time' (a date includes "
                "its whole day); not before 'time'.",
            ),
            "precision": {
                "enum": list(PRECISIONS),
                "default": "exact",
                "description": EXTENSION + "how exact 'at' is: exact (default), near, district or "
                "province. Needs 'at'.",
            },
            "deaths": _ref("deaths", "Fatalities."),
        },
        ["time", "title"],
        dependentRequired={"precision": ["at"]},
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
            "via": _list(
                "Town ids the line passes through, in order (at least two).",
                {"$ref": "#/$defs/id", "description": "A town id."},
                minItems=2,
            ),
            "points": _list(
                "The line's points as [lat, lon] pairs (at least two).",
                {"$ref": "#/$defs/latlon", "description": "A [lat, lon] pair."},
                minItems=2,
            ),
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
            "lines": _list(
                "Overlay lines drawn on the map.", {"$ref": "#/$defs/line", "description": "A line."}, nullable=True
            ),
            "areas": {
                "type": "boolean",
                "default": False,
                "description": EXTENSION + "whether areas of control start shown (default false).",
            },
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
            "factions": _list(
                "The sides, at least one.", {"$ref": "#/$defs/faction", "description": "A faction."}, minItems=1
            ),
            "towns": _list(
                "The places tracked, at least one.", {"$ref": "#/$defs/town", "description": "A town."}, minItems=1
            ),
            "sources": _list(
                "Named sources events can cite.", {"$ref": "#/$defs/source", "description": "A source."}, nullable=True
            ),
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
