"""The board's state as plain data, for `sitboard export --format json`.

Unknown is null, never 0: a tally that no flow gave a figure for has `"people":
null`, and the words the sources used for the flows they did not count travel
with it (`"estimates": ["thousands"]`, `"text": "thousands (unquantified)"`).
Keys of the format's extensions appear only where the scenario uses them, so a
file written to format v1 exports as it always did (tallies aside).
"""

from __future__ import annotations

from typing import Any

from sitboard.exports import ExportOptions
from sitboard.exports.indented_json import dumps_indented
from sitboard.scenario.cleantext import escape_in_quotes
from sitboard.scenario.collector_paused import collector_paused
from sitboard.scenario.model import Camera, Control, Deaths, Place
from sitboard.state import BoardState
from sitboard.timeline import MIXED_TOWNS, DestinationKey, Situation, Tally, Timeline

GROUP_JOIN = "+"  # by_destination's key for towns sharing one figure: ids never contain '+'


def _tally(t: Tally) -> dict[str, Any]:
    out: dict[str, Any] = {"people": t.people, "unquantified": t.unquantified, "estimates": list(t.words)}
    if t.more_words:
        out["more_estimates"] = True  # more distinct words than a tally keeps
    out["text"] = t.describe()
    return out


def _key(key: DestinationKey) -> str:
    return key if isinstance(key, str) else GROUP_JOIN.join(key)


def control_value(c: Control) -> str | dict[str, Any]:
    """A control record as the scenario file writes it: the holder, or the mapping form."""
    if c.is_plain:
        return c.holder
    out: dict[str, Any] = {} if c.is_mixed else {"holder": c.holder}
    out["state"] = c.state
    for key, value in (
        ("by", c.by),
        ("from", c.from_),
        ("holders", c.holders),
        ("with", c.with_),
        ("present", c.present),
    ):
        if value:
            out[key] = list(value)
    return out


def _place(at: Place) -> dict[str, Any]:
    place: dict[str, Any] = {"town": at.town, "lat": at.lat, "lon": at.lon}
    if at.offset is not None:
        place["offset"] = {"town": at.offset.town, "km": at.offset.km, "toward": at.offset.toward}
    return place


def _camera(v: Camera) -> dict[str, Any]:
    if v.bounds is not None:
        return {"bounds": v.bounds._asdict()}
    return {"focus": list(v.focus), "margin_km": v.margin_km}


def _deaths(d: Deaths) -> dict[str, Any]:
    return {"best": d.best, "low": d.low, "high": d.high}


def state_to_json(state: Situation) -> dict[str, Any]:
    s = state.scenario
    event = state.event
    states = state.controls.states
    mixed: dict[str, Any] = {}
    if any(c.is_mixed for c in states.values()):  # towns that no faction is credited with
        towns, population, unknown = state.held(MIXED_TOWNS)
        mixed["mixed"] = {"towns": towns, "population": population if towns > unknown else None}
    return {
        "scenario": s.title,
        "step": state.step,
        "steps": state.steps,
        "time": event.time.text if event else None,
        "title": event.title if event else None,
        "event": None
        if event is None
        else {
            "text": event.text,
            "kind": event.kind,
            "at": None if event.at is None else _place(event.at),
            "actors": list(event.actors),
            "sources": [
                {
                    "id": src.id,
                    "name": src.name,
                    "kind": src.kind,
                    "url": src.url,
                    **({} if src.affiliation is None else {"affiliation": src.affiliation}),
                }
                for sid in event.sources
                if (src := s.source_by_id.get(sid)) is not None
            ],
            "confidence": event.confidence,
            **({} if event.until is None else {"until": event.until.text}),
            **({} if event.precision == "exact" else {"precision": event.precision}),
            **({} if event.deaths is None else {"deaths": _deaths(event.deaths)}),
            **({} if event.view is None else {"view": _camera(event.view)}),
        },
        "factions": [
            {
                "id": f.id,
                "name": f.name,
                "color": f.color,
                "mark": f.mark,
                # Population held is null, not 0, when no held town has a population given.
                "towns": (held := state.held(f))[0],
                "population": held[1] if held[0] > held[2] else None,
            }
            for f in s.factions
        ],
        **mixed,
        "towns": [
            {
                "id": t.id,
                "name": t.name,
                "lat": t.lat,
                "lon": t.lon,
                "kind": t.kind,
                "population": t.population,
                "control": holder if (record := states.get(i)) is None else control_value(record),
                **({} if t.pcode is None else {"pcode": t.pcode}),
            }
            for i, (t, holder) in enumerate(zip(s.towns, state.holders))
        ],
        "changed": [
            {
                "town": c.town,
                "from": c.before if c.before_state is None else control_value(c.before_state),
                "to": c.after if c.after_state is None else control_value(c.after_state),
            }
            for c in state.changed
        ],
        "flows": [
            {
                "from": f.flow.origin,
                "to": f.flow.destination if not f.flow.also_to else list(f.flow.destinations),
                "people": f.flow.people,
                "estimate": f.flow.estimate,
                "step": f.step,
            }
            for f in state.flows
        ],
        "displaced": {
            **_tally(state.displaced.total),
            "by_origin": {k: _tally(v) for k, v in state.displaced.by_origin.items()},
            "by_destination": {_key(k): _tally(v) for k, v in state.displaced.by_destination.items()},
        },
    }


def export(timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes:
    """The registry's `json`: the situation at the state's step, printable as it is (see `escape_in_quotes`)."""
    with collector_paused():  # 20,000 towns and 30,000 flows as dicts: none of them garbage
        data = state_to_json(timeline.state_at(state.step))
        return (escape_in_quotes(dumps_indented(data, 2)) + "\n").encode("utf-8")
