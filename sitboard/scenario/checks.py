"""What the checker guarantees of a scenario, asked again of one read back from the store.

The store's entries are sealed (`cache.py`), so a bad one takes a leaked key
or a bug; these checks make sure even that cannot show what the file does not
say, or crash a command: ids resolve, coordinates are finite and in range,
bounds are ordered, counts are within `MAX_PEOPLE`, every field has its type.
Each raises ValueError, which the cache takes as a miss.
"""

from __future__ import annotations

import math
from typing import Any

from sitboard.scenario.model import (
    COMPASS,
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
    Bounds,
    Camera,
    Control,
    Deaths,
    Event,
    EventTime,
    Flow,
    Offset,
    Place,
    Scenario,
    place_near,
)
from sitboard.scenario.palette import color_valid


def _text(value: object) -> bool:
    return type(value) is str


def _maybe_text(value: object) -> bool:
    return value is None or type(value) is str


def _coordinate(value: object, limit: float) -> bool:
    return type(value) in (float, int) and math.isfinite(value) and -limit <= value <= limit  # type: ignore[operator,arg-type]


def _people(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_PEOPLE


def _ids(value: object, known: Any, low: int, high: int) -> bool:
    """A tuple of `low` to `high` distinct ids, each in `known`."""
    return (
        type(value) is tuple
        and low <= len(value) <= high
        and len(set(value)) == len(value)
        and all(type(v) is str and v in known for v in value)
    )


def control_ok(c: object, holder: str, factions: Any, holders: Any, *, plain_ok: bool) -> bool:
    """A control record the checker could have made for a town held (in `holder`) by `holder`."""
    if type(c) is not Control or c.holder != holder or c.state not in CONTROL_STATES:
        return False
    mixed = c.state == MIXED
    owners = c.holders if mixed else (c.holder,)
    besieging = c.state in ("besieged", "encircled")
    if mixed:
        if not (_ids(c.holders, factions, 2, 3) and c.holders[0] == holder):
            return False
    elif c.holders or holder not in holders:
        return False
    order = list(factions)  # the checker lists these in the file's order of factions
    return (
        (_ids(c.by, factions, 1, MAX_PARTIES) if besieging else c.by == ())
        and (_ids(c.from_, COMPASS, 0, len(COMPASS)) if c.state == "besieged" else c.from_ == ())
        and (_ids(c.with_, factions, 1, MAX_PARTIES) if c.state == "truce" else c.with_ == ())
        and _ids(c.present, factions, 0, MAX_PARTIES)
        and all(list(v) == sorted(v, key=order.index) for v in (c.by, c.with_, c.present))
        and list(c.from_) == sorted(c.from_, key=COMPASS.index)
        and not any(o in c.by or o in c.with_ or o in c.present for o in owners)
        and (plain_ok or not c.is_plain)
    )


def _camera_ok(v: object, towns: Any) -> bool:
    if type(v) is not Camera:
        return False
    if v.bounds is not None:
        return v.focus == () and v.margin_km == Camera().margin_km and _bounds_ok(v.bounds)
    return (
        _ids(v.focus, towns, 1, MAX_FOCUS)
        and type(v.margin_km) in (float, int)
        and math.isfinite(v.margin_km)
        and 0 <= v.margin_km <= MAX_KM
    )


def _bounds_ok(b: object) -> bool:
    return (
        type(b) is Bounds
        and _coordinate(b.west, 180)
        and _coordinate(b.east, 180)
        and _coordinate(b.south, 90)
        and _coordinate(b.north, 90)
        and b.south < b.north
        and b.west < b.east
    )


def _deaths_ok(d: object) -> bool:
    if type(d) is not Deaths or not _people(d.best) or (d.low is None) != (d.high is None):
        return False
    return d.low is None or (_people(d.low) and _people(d.high) and d.low <= d.best <= d.high)  # type: ignore[operator]


def _offset_ok(at: Place, s: Scenario) -> bool:
    o = at.offset
    if type(o) is not Offset or at.town is not None or o.town not in s.town_index or o.toward not in COMPASS:
        return False
    if not (type(o.km) in (float, int) and math.isfinite(o.km) and 0 < o.km <= MAX_KM):
        return False
    town = s.town(o.town)
    return place_near(town.lat, town.lon, o) == at


def check_scenario(s: Scenario, color_ok: Any = None) -> None:
    """What the checker guarantees of a scenario's parts other than its events, asked again of one read back."""
    towns = s.town_index
    factions = s.faction_by_id
    holders = set(factions) | set(RESERVED_HOLDERS)
    sources = s.source_by_id
    if not (_text(s.title) and _maybe_text(s.subtitle) and _maybe_text(s.summary)):
        raise ValueError("stored scenario: title")
    if not s.factions or not s.towns or len(towns) != len(s.towns) or len(factions) != len(s.factions):
        raise ValueError("stored scenario: ids missing or repeated")
    for f in s.factions:
        if not (
            _text(f.id)
            and _text(f.name)
            and _text(f.color)
            and color_valid(f.color, color_ok)
            and _text(f.mark)
            and len(f.mark) == 1
            and " " <= f.mark <= "~"
            and type(f.color_given) is bool
        ):
            raise ValueError("stored scenario: faction")
    for t in s.towns:
        if not (
            _text(t.id)
            and _text(t.name)
            and _coordinate(t.lat, 90)
            and _coordinate(t.lon, 180)
            and t.kind in TOWN_KINDS
            and (t.population is None or _people(t.population))
            and t.control in holders
        ):
            raise ValueError("stored scenario: town")
        if t.control_state is not None and not control_ok(
            t.control_state, t.control, factions, holders, plain_ok=False
        ):
            raise ValueError("stored scenario: town control state")
    pcodes = [t.pcode for t in s.towns if t.pcode is not None]
    if len(set(pcodes)) != len(pcodes) or not all(
        _text(p) and p.isascii() and p.isalnum() and len(p) <= MAX_PCODE for p in pcodes
    ):
        raise ValueError("stored scenario: place codes")
    if not all(
        _text(x.id)
        and _text(x.name)
        and _maybe_text(x.kind)
        and _maybe_text(x.url)
        and (x.affiliation is None or x.affiliation in factions)
        for x in s.sources
    ):
        raise ValueError("stored scenario: source")
    if len(sources) != len(s.sources):
        raise ValueError("stored scenario: source ids repeated")
    b = s.map.bounds
    if b is not None and not _bounds_ok(b):
        raise ValueError("stored scenario: bounds")
    if type(s.map.areas) is not bool:
        raise ValueError("stored scenario: areas")
    for ln in s.map.lines:
        if not (
            _text(ln.name)
            and ln.kind in LINE_KINDS
            and len(ln.points) >= 2
            and all(_coordinate(la, 90) and _coordinate(lo, 180) for la, lo in ln.points)
            and all(v in towns for v in ln.via)
        ):
            raise ValueError("stored scenario: line")
    if not all(type(r) is tuple and len(r) == 2 and r[0] in towns and _text(r[1]) for r in s.resolved):
        raise ValueError("stored scenario: resolved towns")


def check_extensions(e: Event, s: Scenario) -> None:
    """An event's optional keys beyond format v1, as the checker guarantees them."""
    factions = s.faction_by_id
    holders = set(factions) | set(RESERVED_HOLDERS)
    if not (_maybe_text(e.notes) and e.precision in PRECISIONS and (e.precision == "exact" or e.at is not None)):
        raise ValueError("stored scenario: notes or precision")
    if e.view is not None and not _camera_ok(e.view, s.town_index):
        raise ValueError("stored scenario: view")
    if e.until is not None and not (type(e.until) is EventTime and not e.until.ends_before(e.time)):
        raise ValueError("stored scenario: until")
    if e.deaths is not None and not _deaths_ok(e.deaths):
        raise ValueError("stored scenario: deaths")
    states = e.control_states
    if states and not (
        len(states) == len(e.control)
        and all(control_ok(c, h, factions, holders, plain_ok=True) for c, (_, h) in zip(states, e.control))
    ):
        raise ValueError("stored scenario: control states")


def check_place(at: Place, s: Scenario, where: object = None) -> None:
    """A place an event happens at: in range, at its town if it names one, where its offset says."""
    towns = s.town_index
    if not (
        type(at) is Place
        and _coordinate(at.lat, 90)
        and _coordinate(at.lon, 180)
        and (at.town is None or (at.town in towns and s.towns[towns[at.town]][2:4] == (at.lat, at.lon)))
        and (at.offset is None or _offset_ok(at, s))
    ):
        raise ValueError(f"stored scenario: place {where}")


def check_flow(flow: Flow, towns: Any) -> None:
    """A flow between known towns, with a figure in range; several destinations distinct, the origin not among them."""
    if not (
        type(flow.origin) is str
        and flow.origin in towns
        and type(flow.destination) is str
        and flow.destination in towns
        and (flow.people is None or _people(flow.people))
        and _maybe_text(flow.estimate)
    ):
        raise ValueError("stored scenario: flow")
    if flow.also_to and not (
        _ids(flow.destinations, towns, 2, MAX_DESTINATIONS) and flow.origin not in flow.destinations
    ):
        raise ValueError("stored scenario: flow destinations")
