"""The board at one step as GeoJSON (RFC 7946), for `sitboard export --format geojson`.

One FeatureCollection with three layers, told apart by the `layer` property:

- `town`: a Point per town with its holder at this step (and, for a town
  besieged, encircled, under mixed control or a truce, or with others present,
  `control_state`, `control_by`, ... as its control state says);
- `flow`: a LineString per displacement flow so far, origin to destination (a
  MultiLineString for a flow whose one figure several destinations share);
- `line`: the scenario's overlay lines (`map.lines`).

Every feature has a `time` member as OGC JSON-FG (OGC 21-045r1) writes it,
beside `geometry` and `properties`: a town the period it is held by its holder
at this step (`{"interval": [since, until]}`, ".." for an end the scenario does
not reach: held from before the first event, or still held after the last);
a flow its event's instant (`{"date": ...}` or `{"timestamp": ...}` in UTC), or
`{"interval": [...]}` for an event with `until`; an overlay line `null`. The
properties keep `time` and `until` as the author wrote them. (This is JSON-FG's
`time` member only; the document does not claim JSON-FG conformance.)

Positions are `[lon, lat]` in WGS84 (RFC 7946 has no `crs` member). Styling uses
the simplestyle-spec properties (`marker-color`, `stroke`, ...) that geojson.io,
GitHub and many viewers read; QGIS can style by them with data-defined overrides.
Numbers are plain floats and integers, never NaN, so `json.dumps(...,
allow_nan=False)` always works.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from sitboard.exports import ExportOptions
from sitboard.scenario.cleantext import escape_in_quotes
from sitboard.scenario.control_text import control_words
from sitboard.scenario.model import CONTESTED, UNKNOWN, Control, EventTime, Scenario
from sitboard.scenario.palette import CONTESTED_COLOR, UNKNOWN_COLOR
from sitboard.scenario.time_text import jsonfg_time
from sitboard.state import BoardState
from sitboard.timeline import Timeline

ColorHex = Callable[[str], str | None]

FALLBACK_COLOR = "#808080"  # a faction colour we cannot turn into #rrggbb without Rich

# Rich's standard colours as it renders them to true colour (its default
# terminal theme), so an export matches Rich's own SVG/HTML output.
ANSI_COLORS: dict[str, str] = {
    "black": "#000000",
    "red": "#800000",
    "green": "#008000",
    "yellow": "#808000",
    "blue": "#000080",
    "magenta": "#800080",
    "cyan": "#008080",
    "white": "#c0c0c0",
    "bright_black": "#808080",
    "bright_red": "#ff0000",
    "bright_green": "#00ff00",
    "bright_yellow": "#ffff00",
    "bright_blue": "#0000ff",
    "bright_magenta": "#ff00ff",
    "bright_cyan": "#00ffff",
    "bright_white": "#ffffff",
}

FLOW_COLOR = "#d55e00"  # Okabe-Ito vermillion: this step's flows
FLOW_OLD_COLOR = "#999999"  # earlier flows
FLOW_WIDTH = 4.0
FLOW_OLD_WIDTH = 2.0
LINE_STYLE: dict[str, tuple[str, float]] = {  # kind -> (stroke, stroke-width)
    "road": ("#b08d3c", 2.0),
    "river": ("#3c8dd0", 2.0),
    "border": ("#606060", 1.5),
    "front": ("#d00000", 3.0),
    "other": ("#808080", 1.5),
}
MARKER_SIZE = {"city": "large", "region": "large", "town": "medium", "village": "small"}

_HEX6 = re.compile(r"#[0-9A-Fa-f]{6}\Z")
_HEX3 = re.compile(r"#[0-9A-Fa-f]{3}\Z")
_RGB = re.compile(r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)\Z")


def color_to_hex(color: str) -> str | None:
    """A faction colour as `#rrggbb`, or None if it cannot be converted without Rich.

    Handles `#rrggbb`, `#rgb`, `rgb(r, g, b)` and the 16 standard colour names
    (`red`, `bright_green`, also spelt `bright-green` or with capitals).
    """
    c = color.strip().lower()
    if _HEX6.match(c):
        return c
    if _HEX3.match(c):
        return "#" + "".join(ch * 2 for ch in c[1:])
    if m := _RGB.match(c):
        parts = [int(p) for p in m.groups()]
        return "#" + "".join(f"{p:02x}" for p in parts) if all(p <= 255 for p in parts) else None
    return ANSI_COLORS.get(c.replace("-", "_").replace(" ", "_"))


def feature_collection(timeline: Timeline, step: int, *, color_hex: ColorHex | None = None) -> dict[str, Any]:
    """The board at `step` as a GeoJSON FeatureCollection (a dict ready for `json.dumps`).

    `color_hex` may convert faction colours this module does not know (e.g. a
    function built on Rich's colour parser); it is asked first, and a colour
    neither it nor `color_to_hex` can convert is shown in neutral grey. Raises
    IndexError if `step` is outside 0..timeline.steps.
    """
    state = timeline.state_at(step)
    s = timeline.scenario
    colors = _holder_colors(s, color_hex)
    features: list[dict[str, Any]] = []

    states = state.controls.states
    for i, (town, holder) in enumerate(zip(s.towns, state.holders)):
        record = states.get(i)
        props: dict[str, Any] = {
            "layer": "town",
            "id": _text(town.id),
            "name": _text(town.name),
            "kind": town.kind,
            "population": town.population,
            "control": holder,
            "control_name": _holder_name(s, holder),
            "marker-color": colors.get(holder, FALLBACK_COLOR),  # a mixed town: its first holder's
            "marker-size": MARKER_SIZE.get(town.kind, "medium"),
        }
        if record is not None:
            props.update(_control_properties(s, record))
        if town.pcode is not None:
            props["pcode"] = _text(town.pcode)
        mark = _mark(s, holder) if record is None or not record.is_mixed else None
        if mark is not None:
            props["marker-symbol"] = mark
        feature = _feature(f"town:{town.id}", {"type": "Point", "coordinates": _pos(town.lat, town.lon)}, props)
        feature["time"] = jsonfg_time(*holding(timeline, town.id, step), interval=True)
        features.append(feature)

    for n, flow_at in enumerate(state.flows):
        flow = flow_at.flow
        origin, dest = s.town(flow.origin), s.town(flow.destination)
        dests = [s.town(t) for t in flow.destinations]
        current = flow_at.step == state.step
        event = s.events[flow_at.step - 1]
        props = {
            "layer": "flow",
            "from": _text(origin.id),
            "to": _text(dest.id) if not flow.also_to else [_text(t.id) for t in dests],
            "from_name": _text(origin.name),
            "to_name": _text(dest.name) if not flow.also_to else [_text(t.name) for t in dests],
            "people": flow.people,  # one figure, however many destinations share it
            "estimate": None if flow.estimate is None else _text(flow.estimate),
            "step": flow_at.step,
            "time": _text(event.time.text),
            **({} if event.until is None else {"until": _text(event.until.text)}),
            "current": current,
            "stroke": FLOW_COLOR if current else FLOW_OLD_COLOR,
            "stroke-width": FLOW_WIDTH if current else FLOW_OLD_WIDTH,
            "stroke-opacity": 1.0 if current else 0.8,
        }
        start = _pos(origin.lat, origin.lon)
        geometry: dict[str, Any]
        if flow.also_to:
            geometry = {"type": "MultiLineString", "coordinates": [[start, _pos(t.lat, t.lon)] for t in dests]}
        else:
            geometry = {"type": "LineString", "coordinates": [start, _pos(dest.lat, dest.lon)]}
        feature = _feature(f"flow:{n}", geometry, props)
        feature["time"] = jsonfg_time(event.time, event.until)
        features.append(feature)

    for n, line in enumerate(s.map.lines):
        stroke, width = LINE_STYLE.get(line.kind, LINE_STYLE["other"])
        props = {
            "layer": "line",
            "name": _text(line.name),
            "kind": line.kind,
            "via": [_text(v) for v in line.via] or None,
            "stroke": stroke,
            "stroke-width": width,
        }
        geometry = {"type": "LineString", "coordinates": [_pos(lat, lon) for lat, lon in line.points]}
        feature = _feature(f"line:{n}", geometry, props)
        feature["time"] = None  # the map's lines have no time
        features.append(feature)

    collection: dict[str, Any] = {"type": "FeatureCollection"}
    bbox = _bbox(features)
    if bbox is not None:
        collection["bbox"] = bbox
    # Foreign members (RFC 7946 §6.1): ignored by readers that do not know them.
    collection["name"] = _text(s.title)
    collection["step"] = state.step
    collection["steps"] = state.steps
    collection["time"] = None if state.event is None else _text(state.event.time.text)
    if state.event is not None and state.event.until is not None:
        collection["until"] = _text(state.event.until.text)
    collection["features"] = features
    return collection


def holding(timeline: Timeline, town_id: str, step: int) -> tuple[EventTime | None, EventTime | None]:
    """When the holding of `town_id` that `step` falls in began and ended: None for before the first event or after
    the last (a change of state alone, such as a siege, is a period of its own, as in `Timeline.history`)."""
    events = timeline.scenario.events
    changes = [at for at, _ in timeline.history(town_id)]
    since = max(at for at in changes if at <= step)
    after = [at for at in changes if at > step]
    return (events[since - 1].time if since else None), (events[after[0] - 1].time if after else None)


def _control_properties(s: Scenario, c: Control) -> dict[str, Any]:
    """A control state as flat properties (GIS tools filter and style by flat ones)."""
    props: dict[str, Any] = {}
    if c.is_mixed:
        # no single holder: `control` says so, `control_holders` says who
        props["control"] = None
        props["control_name"] = control_words(c, lambda h: _holder_name(s, h))
    props["control_state"] = c.state
    for key, value in (
        ("by", c.by),
        ("from", c.from_),
        ("holders", c.holders),
        ("with", c.with_),
        ("present", c.present),
    ):
        if value:
            props[f"control_{key}"] = list(value)
    props["control_text"] = _text(control_words(c, lambda h: _holder_name(s, h)))
    return props


def _feature(fid: str, geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": _text(fid), "geometry": geometry, "properties": properties}


def _pos(lat: float, lon: float) -> list[float]:
    return [float(lon), float(lat)]


def _bbox(features: list[dict[str, Any]]) -> list[float] | None:
    lons: list[float] = []
    lats: list[float] = []
    for f in features:
        g = f["geometry"]
        if g["type"] == "Point":
            positions = [g["coordinates"]]
        elif g["type"] == "MultiLineString":
            positions = [p for part in g["coordinates"] for p in part]
        else:
            positions = g["coordinates"]
        for lon, lat in positions:
            lons.append(lon)
            lats.append(lat)
    if not lons:
        return None
    return [min(lons), min(lats), max(lons), max(lats)]


def _holder_colors(s: Scenario, color_hex: ColorHex | None) -> dict[str, str]:
    colors = {CONTESTED: CONTESTED_COLOR, UNKNOWN: UNKNOWN_COLOR}
    for f in s.factions:
        found = color_hex(f.color) if color_hex is not None else None
        if found is None or not _HEX6.match(found):
            found = color_to_hex(f.color)
        colors[f.id] = (found or FALLBACK_COLOR).lower()
    return colors


def _holder_name(s: Scenario, holder: str) -> str:
    faction = s.faction_by_id.get(holder)
    return _text(faction.name) if faction is not None else holder


def _mark(s: Scenario, holder: str) -> str | None:
    """simplestyle allows a single letter or digit as `marker-symbol`: the faction's mark, if it is one."""
    faction = s.faction_by_id.get(holder)
    if faction is None:
        return None
    m = faction.mark
    return m.lower() if m.isascii() and m.isalnum() else None


def _text(value: str) -> str:
    """A string that can always be written as UTF-8: lone surrogates (possible via YAML escapes) are dropped."""
    if value.isascii():
        return value
    return "".join(ch for ch in value if not 0xD800 <= ord(ch) <= 0xDFFF)


def export(timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes:
    """The registry's `geojson`: the board at the state's step, colours named as the board names them."""
    collection = feature_collection(timeline, state.step, color_hex=options.color_hex)
    return (escape_in_quotes(json.dumps(collection, ensure_ascii=False, allow_nan=False, indent=1)) + "\n").encode(
        "utf-8"
    )
