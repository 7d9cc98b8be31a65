"""The board's state as plain data, for `sitboard export --format json`."""

from __future__ import annotations

import json
from typing import Any

from sitboard.exports import ExportOptions
from sitboard.scenario.cleantext import escape_in_quotes
from sitboard.state import BoardState
from sitboard.timeline import Situation, Tally, Timeline


def _tally(t: Tally) -> dict[str, Any]:
    return {"people": t.people, "unquantified": t.unquantified, "text": t.describe()}


def state_to_json(state: Situation) -> dict[str, Any]:
    s = state.scenario
    event = state.event
    return {
        "scenario": s.title,
        "step": state.step,
        "steps": state.steps,
        "time": event.time.text if event else None,
        "title": event.title if event else None,
        "event": None if event is None else {
            "text": event.text,
            "kind": event.kind,
            "at": None if event.at is None else {"town": event.at.town, "lat": event.at.lat, "lon": event.at.lon},
            "actors": list(event.actors),
            "sources": [
                {"id": src.id, "name": src.name, "kind": src.kind, "url": src.url}
                for sid in event.sources if (src := s.source_by_id.get(sid)) is not None
            ],
            "confidence": event.confidence,
        },
        "factions": [
            {"id": f.id, "name": f.name, "color": f.color, "mark": f.mark,
             # Population held is null, not 0, when no held town has a population given.
             "towns": (held := state.held(f))[0], "population": held[1] if held[0] > held[2] else None}
            for f in s.factions
        ],
        "towns": [
            {"id": t.id, "name": t.name, "lat": t.lat, "lon": t.lon, "kind": t.kind,
             "population": t.population, "control": holder}
            for t, holder in zip(s.towns, state.holders)
        ],
        "changed": [{"town": c.town, "from": c.before, "to": c.after} for c in state.changed],
        "flows": [
            {"from": f.flow.origin, "to": f.flow.destination, "people": f.flow.people,
             "estimate": f.flow.estimate, "step": f.step}
            for f in state.flows
        ],
        "displaced": {
            "people": state.displaced.total.people,
            "unquantified": state.displaced.total.unquantified,
            "text": state.displaced.total.describe(),
            "by_origin": {k: _tally(v) for k, v in state.displaced.by_origin.items()},
            "by_destination": {k: _tally(v) for k, v in state.displaced.by_destination.items()},
        },
    }


def export(timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes:
    """The registry's `json`: the situation at the state's step, printable as it is (see `escape_in_quotes`)."""
    data = state_to_json(timeline.state_at(state.step))
    return (escape_in_quotes(json.dumps(data, ensure_ascii=False, indent=2)) + "\n").encode("utf-8")
