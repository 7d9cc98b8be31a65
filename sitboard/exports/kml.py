"""The whole scenario as KML 2.2 (OGC 07-147r2), for `sitboard export --format kml`: Google Earth's time slider plays it.

Unlike the other exports this is not one step: the slider is the timeline.

- Towns: one Placemark per holding period, with a `TimeSpan` from the event
  that gave the town to its holder to the event that took it away (no
  `begin` for a holding from before the first event, no `end` for one that
  lasts past the last), styled in the holder's colour.
- Events that have a place: a Placemark with a `TimeStamp` (a `TimeSpan` for
  an event with `until`), its title, text and sources; never its speaker notes.
- Flows: a Placemark with a line from the origin to each destination (one
  Placemark, a MultiGeometry, for destinations sharing one figure), shown from
  its event on, as the board keeps earlier flows on the map.

Times are written as KML's `when` takes them: a date as `2024-12-05`, a time of
day in UTC (`2024-12-05T14:00:00Z`). Elements follow the order the KML schema
requires. Text that XML 1.0 cannot carry (control characters, lone surrogates)
is dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sitboard.exports import ExportOptions
from sitboard.exports.geojson import _holder_colors, _holder_name
from sitboard.scenario.control_text import control_words, group_words
from sitboard.scenario.model import Event, EventTime, Scenario
from sitboard.scenario.time_text import instant_text
from sitboard.state import BoardState
from sitboard.timeline import Timeline

KML_NS = "http://www.opengis.net/kml/2.2"
_ID_DROP = re.compile(r"[^A-Za-z0-9_.-]")  # an XML ID: ids from the file are mostly this already
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def export(timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes:
    return kml_document(timeline, options)


def kml_document(timeline: Timeline, options: ExportOptions | None = None) -> bytes:
    options = options or ExportOptions()
    s = timeline.scenario
    ET.register_namespace("", KML_NS)
    kml = ET.Element(_tag("kml"))
    doc = _child(kml, "Document")
    _text(doc, "name", s.title)
    if s.summary:
        _text(doc, "description", s.summary)
    for holder, color in _holder_colors(s, options.color_hex).items():
        style = _child(doc, "Style", id=f"holder-{holder}")
        icon = _child(_child(style, "IconStyle"), "color")
        icon.text = _abgr(color)
    flow_style = _child(doc, "Style", id="flow")
    line = _child(flow_style, "LineStyle")
    _text(line, "color", "ff0080ff")
    _text(line, "width", "3")

    towns = _child(doc, "Folder")
    _text(towns, "name", "Towns: who held each, when")
    for town in s.towns:
        history = timeline.control_history(town.id)  # a change of state alone (a siege) is a period too
        for n, (step, control) in enumerate(history):
            holder = control.holder
            mark = _child(towns, "Placemark", id=f"town-{town.id}-{n}")
            _text(mark, "name", town.name)
            _text(mark, "description", control_words(control, lambda h: _holder_name(s, h)))
            begin = s.events[step - 1].time if step else None
            end = s.events[history[n + 1][0] - 1].time if n + 1 < len(history) else None
            _span(mark, begin, end)
            _text(mark, "styleUrl", f"#holder-{holder}")
            _point(mark, town.lat, town.lon)

    events = _child(doc, "Folder")
    _text(events, "name", "Events")
    for event in s.events:
        if event.at is None:
            continue
        mark = _child(events, "Placemark", id=f"event-{event.index + 1}")
        _text(mark, "name", event.title)
        _text(mark, "description", _description(s, event))
        if event.until is None:
            _text(_child(mark, "TimeStamp"), "when", instant_text(event.time))
        else:
            _span(mark, event.time, event.until)
        _point(mark, event.at.lat, event.at.lon)

    flows = _child(doc, "Folder")
    _text(flows, "name", "Flows of people")
    for n, flow_at in enumerate(timeline.state_at(timeline.steps).flows):
        flow = flow_at.flow
        event = s.events[flow_at.step - 1]
        dests = flow.destinations
        to = s.town(dests[0]).name if len(dests) == 1 else group_words(dests, lambda t: s.town(t).name)
        size = f"{flow.people:,}" if flow.people is not None else (flow.estimate or "no figure given")
        mark = _child(flows, "Placemark", id=f"flow-{n}")
        _text(mark, "name", f"{s.town(flow.origin).name} → {to}: {size}")
        _span(mark, event.time, event.until)
        _text(mark, "styleUrl", "#flow")
        a = s.town(flow.origin)
        parent = _child(mark, "MultiGeometry") if len(dests) > 1 else mark
        for d in dests:
            b = s.town(d)
            _text(_child(parent, "LineString"), "coordinates", f"{_coord(a.lat, a.lon)} {_coord(b.lat, b.lon)}")
    ET.indent(kml)
    return bytes(ET.tostring(kml, encoding="utf-8", xml_declaration=True)) + b"\n"


def _description(s: Scenario, event: Event) -> str:
    parts = [event.text or ""]
    if event.precision != "exact":
        parts.append(f"Place: approximate ({event.precision})")
    if event.deaths is not None:
        parts.append(f"Deaths: {event.deaths.said()}")
    if event.sources:
        parts.append("Sources: " + "; ".join(s.source_by_id[x].name for x in event.sources))
    if event.confidence:
        parts.append(f"Confidence: {event.confidence}")
    return "\n\n".join(p for p in parts if p)


def _tag(name: str) -> str:
    return f"{{{KML_NS}}}{name}"


def _child(parent: ET.Element, name: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, _tag(name), {k: _ID_DROP.sub("_", v) for k, v in attributes.items()})


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = _child(parent, name)
    element.text = _clean(value)
    return element


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _span(parent: ET.Element, begin: EventTime | None, end: EventTime | None) -> None:
    span = _child(parent, "TimeSpan")
    if begin is not None:
        _text(span, "begin", instant_text(begin))
    if end is not None:
        _text(span, "end", instant_text(end))


def _point(parent: ET.Element, lat: float, lon: float) -> None:
    _text(_child(parent, "Point"), "coordinates", _coord(lat, lon))


def _coord(lat: float, lon: float) -> str:
    return f"{lon:.6f},{lat:.6f}"


def _abgr(color: str) -> str:
    """KML's colours are aabbggrr."""
    rr, gg, bb = color[1:3], color[3:5], color[5:7]
    return f"ff{bb}{gg}{rr}"
