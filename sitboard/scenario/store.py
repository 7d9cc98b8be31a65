"""A validated scenario as an SQLite database: what the cache keeps, and what a warm open reads.

A scenario of 300,000 events is 60 MB of YAML and about 600 MB of Python
records; its database is a few tens of megabytes that open in a fraction of
a second. Towns, factions, sources and the map are read whole (the board
shows them all); of the events only the columns the timeline needs are read
(times, control changes, flows), and an event's record, texts included, is
built when something asks for it (`StoredEvents`, a sequence equal to the
tuple the checker makes).

The database is plain tables (`sqlite3 FILE .schema` shows them): `meta`,
`factions`, `towns`, `sources`, `places` (each distinct place events happen
at), `events` (one row each, by index), `controls` and `flows` (in file
order, by step). It is built in memory and handed over as bytes
(`to_database`), and read back from bytes (`from_database`) that the cache
has checked first: nothing is read from the file afterwards, so what was
checked is what is shown.

What is read back is held to the checker's rules, in bulk (distinct values
are checked once: a timeline repeats its kinds, actors and places), before
the scenario is handed out: any failure raises, and the cache treats it as
a miss.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from operator import le
from typing import Any, overload

from sitboard import __version__
from sitboard.scenario import checks
from sitboard.scenario.model import (
    CONFIDENCES,
    HELD,
    MAX_PEOPLE,
    Bounds,
    Camera,
    Control,
    Deaths,
    Event,
    EventColumns,
    EventTime,
    Faction,
    Flow,
    MapLine,
    MapSettings,
    Mark,
    Offset,
    Place,
    Scenario,
    Source,
    Town,
    instant,
    plain_control,
)

FORMAT = 5  # 5: SQLite (4 was one JSON document)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE factions (i INTEGER PRIMARY KEY, id, name, color, mark, color_given);
CREATE TABLE towns (i INTEGER PRIMARY KEY, id, name, lat, lon, kind, population, control, pcode, state);
CREATE TABLE sources (i INTEGER PRIMARY KEY, id, name, kind, url, affiliation);
CREATE TABLE times (i INTEGER PRIMARY KEY, time, t);
CREATE TABLE places (i INTEGER PRIMARY KEY, lat, lon, town, offset);
CREATE TABLE actor_lists (i INTEGER PRIMARY KEY, ids);
CREATE TABLE source_lists (i INTEGER PRIMARY KEY, ids);
CREATE TABLE events (
    i INTEGER PRIMARY KEY, time, title, text, kind, place, actors, sources, confidence, line, col, extra
);
CREATE TABLE controls (step, town, holder, state);
CREATE TABLE flows (step, origin, destination, people, estimate, also);
"""
# An event refers to its time, place, actors and sources by number: a timeline
# repeats them, and each distinct one is then read and checked once.

_EVENT_COLUMNS = "i, time, title, text, kind, place, actors, sources, confidence, line, col, extra"
_CHUNK = 2048  # events read at once when the whole sequence is walked


# -- writing ---------------------------------------------------------------------------


def to_database(s: Scenario) -> bytes:
    """The scenario as the bytes of an SQLite database (ValueError, TypeError or sqlite3.Error if it cannot be)."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(_SCHEMA)
        b = s.map.bounds
        meta: dict[str, Any] = {
            "format": FORMAT,
            "version": __version__,
            "title": s.title,
            "subtitle": s.subtitle,
            "summary": s.summary,
            "bounds": None if b is None else json.dumps(list(b)),
            "areas": s.map.areas,
            "lines": json.dumps([[ln.name, ln.kind, [list(p) for p in ln.points], list(ln.via)] for ln in s.map.lines]),
            "resolved": json.dumps([list(r) for r in s.resolved]),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.executemany("INSERT INTO factions VALUES (?, ?, ?, ?, ?, ?)", [(i, *f) for i, f in enumerate(s.factions)])
        db.executemany(
            "INSERT INTO towns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, *t[:8], _control_json(t.control_state)) for i, t in enumerate(s.towns)],
        )
        db.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)", [(i, *x) for i, x in enumerate(s.sources)])
        shared = _Shared()
        db.executemany(
            f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_event_row(e, i, shared) for i, e in enumerate(s.events)),
        )
        db.executemany(
            "INSERT INTO times VALUES (?, ?, ?)", [(i, t.text, instant(t.sort_key)) for t, i in shared.times.items()]
        )
        db.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?)",
            [
                (i, p.lat, p.lon, p.town, None if p.offset is None else json.dumps(list(p.offset)))
                for p, i in shared.places.items()
            ],
        )
        for table, lists in (("actor_lists", shared.actors), ("source_lists", shared.sources)):
            db.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(i, json.dumps(v)) for v, i in lists.items()])
        db.executemany(
            "INSERT INTO controls VALUES (?, ?, ?, ?)",
            (
                (step, town, holder, _control_json(states[k]) if k < len(states) else None)
                for step, e in enumerate(s.events, start=1)
                if e.control
                for states in (e.control_states,)
                # states not parallel to the changes (a bug) are stored as they are, and refused when read
                for k, (town, holder) in enumerate(e.control)
            ),
        )
        db.executemany(
            "INSERT INTO flows VALUES (?, ?, ?, ?, ?, ?)",
            (
                (step, f.origin, f.destination, f.people, f.estimate, json.dumps(f.also_to) if f.also_to else None)
                for step, e in enumerate(s.events, start=1)
                if e.flows
                for f in e.flows
            ),
        )
        db.commit()
        return db.serialize()
    finally:
        db.close()


class _Shared:
    """The distinct times, places and lists of ids of a scenario's events, numbered as first met."""

    def __init__(self) -> None:
        self.times: dict[EventTime, int] = {}
        self.places: dict[Place, int] = {}
        self.actors: dict[tuple[str, ...], int] = {}
        self.sources: dict[tuple[str, ...], int] = {}


def _number(table: dict[Any, int], value: Any) -> int:
    found = table.get(value)
    if found is None:
        found = table[value] = len(table)
    return found


def _event_row(e: Event, i: int, shared: _Shared) -> tuple[Any, ...]:
    extra: dict[str, Any] = {}
    if e.notes is not None:
        extra["notes"] = e.notes
    if e.view is not None:
        v = e.view
        extra["view"] = [list(v.focus), v.margin_km, None if v.bounds is None else list(v.bounds)]
    if e.until is not None:
        extra["until"] = e.until.text
    if e.precision != "exact":
        extra["precision"] = e.precision
    if e.deaths is not None:
        extra["deaths"] = list(e.deaths)
    mark = e.mark
    return (
        i,
        _number(shared.times, e.time),
        e.title,
        e.text,
        e.kind,
        None if e.at is None else _number(shared.places, e.at),
        _number(shared.actors, e.actors),
        _number(shared.sources, e.sources),
        e.confidence,
        None if mark is None else mark.line,
        None if mark is None else mark.column,
        json.dumps(extra) if extra else None,
    )


def _control_json(c: Control | None) -> str | None:
    return None if c is None else json.dumps([c.holder, c.state, *(list(v) for v in c[2:])])


# -- reading ---------------------------------------------------------------------------


def from_database(payload: bytes | memoryview, file: str, color_ok: Any = None) -> Scenario:
    """The scenario in these database bytes, held to the checker's rules; any failure raises (a cache miss)."""
    db = sqlite3.connect(":memory:", check_same_thread=False)  # read by the board's thread and its reader's
    try:
        db.deserialize(payload)
        db.execute("PRAGMA query_only = ON")
        return _read(db, file, color_ok)
    except BaseException:
        db.close()
        raise


def _read(db: sqlite3.Connection, file: str, color_ok: Any) -> Scenario:
    meta = dict(db.execute("SELECT key, value FROM meta"))
    if meta.get("format") != FORMAT or meta.get("version") != __version__:
        raise ValueError("store: another format or version")
    factions = tuple(
        Faction(fid, name, color, mark, _flag(given))
        for fid, name, color, mark, given in db.execute(
            "SELECT id, name, color, mark, color_given FROM factions ORDER BY i"
        )
    )
    towns = tuple(
        Town(tid, name, lat, lon, kind, population, control, pcode, _control(state))
        for tid, name, lat, lon, kind, population, control, pcode, state in db.execute(
            "SELECT id, name, lat, lon, kind, population, control, pcode, state FROM towns ORDER BY i"
        )
    )
    sources = tuple(
        Source(*row) for row in db.execute("SELECT id, name, kind, url, affiliation FROM sources ORDER BY i")
    )
    b = meta["bounds"]
    lines = tuple(
        MapLine(n, k, tuple((p[0], p[1]) for p in pts), tuple(via)) for n, k, pts, via in json.loads(meta["lines"])
    )
    areas = meta["areas"]
    scenario = Scenario(
        path=file,
        title=meta["title"],
        subtitle=meta["subtitle"],
        summary=meta["summary"],
        factions=factions,
        towns=towns,
        sources=sources,
        map=MapSettings(None if b is None else Bounds(*json.loads(b)), lines, _flag(areas)),
        resolved=tuple((tid, text) for tid, text in json.loads(meta["resolved"])),
    )
    checks.check_scenario(scenario, color_ok)
    events = StoredEvents(db, scenario)
    return scenario.replace(events=events)


def _flag(value: Any) -> Any:
    """A bool as SQLite keeps it (0 or 1) made a bool again; anything else is left for the checks to refuse."""
    return bool(value) if type(value) is int and value in (0, 1) else value


def _control(text: str | None) -> Control | None:
    if text is None:
        return None
    holder, state, by, from_, holders, with_, present = json.loads(text)
    if state == HELD and not present:
        return plain_control(holder)  # shared, as the checker's are
    return Control(holder, state, tuple(by), tuple(from_), tuple(holders), tuple(with_), tuple(present))


def _time(text: str) -> EventTime:
    value: date | datetime
    if len(text) <= 10 and "T" not in text and ":" not in text:
        value = date.fromisoformat(text)
    else:
        value = datetime.fromisoformat(text)
    return EventTime.of(text, value)


class StoredEvents(Sequence[Event]):
    """A stored scenario's events: equal to the checker's tuple, each record built when asked for.

    The columns the timeline needs (`columns()`), the control changes and the
    flows are read whole and checked when the sequence is made; a record's
    texts are read from the database (in memory) when the record is built.
    A few hundred recent records are kept: a board asks for the same event
    once per widget.
    """

    def __init__(self, db: sqlite3.Connection, scenario: Scenario) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._scenario = scenario
        self._recent: dict[int, Event] = {}
        self._times: dict[str, EventTime] = {}
        self._lists: dict[str, tuple[str, ...]] = {}
        self._n = 0
        self._check(scenario)

    # -- what is read whole, and checked -------------------------------------------------

    def _check(self, s: Scenario) -> None:
        """Read what is read whole and hold it to the checker's rules: one pass over the events, in SQLite."""
        db = self._db
        towns = s.town_index
        factions = s.faction_by_id
        holders = set(factions) | {"contested", "unknown"}
        self._times_by_number = [
            self._time_row(i, text, t) for i, (text, t) in enumerate(_rows(db, "times", "time, t"))
        ]
        self._places = [
            _place(i, lat, lon, town, offset, s)
            for i, (lat, lon, town, offset) in enumerate(_rows(db, "places", "lat, lon, town, offset"))
        ]
        self._actors = [self._ids(i, text, factions) for i, (text,) in enumerate(_rows(db, "actor_lists", "ids"))]
        self._sources = [
            self._ids(i, text, s.source_by_id) for i, (text,) in enumerate(_rows(db, "source_lists", "ids"))
        ]
        confidences = ", ".join(f"'{c}'" for c in CONFIDENCES)
        # one pass over the events' rows: how many, numbered 0 to n-1, and how many have a field of the wrong kind
        n, low, high, bad = db.execute(
            "SELECT count(*), min(i), max(i), count(*) FILTER (WHERE typeof(time) != 'integer' OR time NOT BETWEEN 0 AND ?"
            " OR typeof(title) != 'text' OR (text IS NOT NULL AND typeof(text) != 'text')"
            " OR (kind IS NOT NULL AND typeof(kind) != 'text')"
            " OR (place IS NOT NULL AND (typeof(place) != 'integer' OR place NOT BETWEEN 0 AND ?))"
            " OR typeof(actors) != 'integer' OR actors NOT BETWEEN 0 AND ?"
            " OR typeof(sources) != 'integer' OR sources NOT BETWEEN 0 AND ?"
            f" OR (confidence IS NOT NULL AND confidence NOT IN ({confidences}))"
            " OR (line IS NULL) != (col IS NULL)"
            " OR (line IS NOT NULL AND (typeof(line) != 'integer' OR typeof(col) != 'integer'))"
            " OR (extra IS NOT NULL AND typeof(extra) != 'text')) FROM events",
            (len(self._times_by_number) - 1, len(self._places) - 1, len(self._actors) - 1, len(self._sources) - 1),
        ).fetchone()
        if n and (low, high) != (0, n - 1):
            raise ValueError("store: events are not numbered 0 to n-1")
        if bad:
            raise ValueError("store: event fields")
        self._n = n
        keys = [instant(t.sort_key) for t in self._times_by_number]
        times = [keys[k] for (k,) in db.execute("SELECT time FROM events ORDER BY i")]
        if not _ordered(times):
            raise ValueError("store: time goes backwards")
        holder_ids = ", ".join("?" * len(holders))
        (bad,) = db.execute(
            "SELECT count(*) FROM controls WHERE typeof(step) != 'integer' OR step NOT BETWEEN 1 AND ?"
            " OR town NOT IN (SELECT id FROM towns) OR typeof(holder) != 'text'"
            f" OR holder NOT IN ({holder_ids}) OR (state IS NOT NULL AND typeof(state) != 'text')",
            (self._n, *holders),
        ).fetchone()
        if bad:
            raise ValueError("store: controls")
        states: dict[str, Control | None] = {}
        for holder, state in db.execute("SELECT DISTINCT holder, state FROM controls WHERE state IS NOT NULL"):
            record = states[state] = _control(state)
            if record is None or not checks.control_ok(record, holder, factions, holders, plain_ok=True):
                raise ValueError("store: control state")
        self._controls: list[tuple[int, str, str, Control | None]] = [
            row if row[3] is None else (*row[:3], states[row[3]])
            for row in db.execute("SELECT step, town, holder, state FROM controls ORDER BY rowid")
        ]
        (mixed,) = db.execute(  # within one event, every change has a state or none has
            "SELECT count(*) FROM (SELECT step FROM controls GROUP BY step"
            " HAVING count(state) != 0 AND count(state) != count(*))"
        ).fetchone()
        if mixed:
            raise ValueError("store: control states")
        self._control_steps = [row[0] for row in self._controls]
        if not _ordered(self._control_steps):
            raise ValueError("store: controls out of order")
        (bad,) = db.execute(
            "SELECT count(*) FROM flows WHERE typeof(step) != 'integer' OR step NOT BETWEEN 1 AND ?"
            " OR origin NOT IN (SELECT id FROM towns) OR destination NOT IN (SELECT id FROM towns)"
            " OR (people IS NOT NULL AND (typeof(people) != 'integer' OR people NOT BETWEEN 0 AND ?))"
            " OR (estimate IS NOT NULL AND typeof(estimate) != 'text') OR (also IS NOT NULL AND typeof(also) != 'text')",
            (self._n, MAX_PEOPLE),
        ).fetchone()
        if bad:
            raise ValueError("store: flows")
        self._flows: list[tuple[int, Flow]] = []
        for step, origin, destination, people, estimate, also in db.execute(
            "SELECT step, origin, destination, people, estimate, also FROM flows ORDER BY rowid"
        ):
            flow = Flow(origin, destination, people, estimate)
            if also is not None:
                flow = flow._replace(also_to=tuple(json.loads(also)))
                checks.check_flow(flow, towns)
            self._flows.append((step, flow))
        self._flow_steps = [step for step, _ in self._flows]
        if not _ordered(self._flow_steps):
            raise ValueError("store: flows out of order")
        views: list[tuple[int, Camera]] = []
        untils: list[tuple[int, EventTime]] = []
        for (i,) in db.execute("SELECT i FROM events WHERE extra IS NOT NULL"):
            event = self[i]
            checks.check_extensions(event, s)
            if event.view is not None:
                views.append((i + 1, event.view))
            if event.until is not None:
                untils.append((i + 1, event.until))
        self._columns = EventColumns(times, self._controls, self._flows, views, untils)

    def _time_row(self, i: int, text: object, t: object) -> EventTime:
        if not (type(text) is str and type(t) is int):
            raise ValueError(f"store: time {i}")
        when = self._time(text)
        if instant(when.sort_key) != t:
            raise ValueError("store: a time and its order disagree")
        return when

    def _ids(self, i: int, text: object, known: Any) -> tuple[str, ...]:
        value = json.loads(text) if type(text) is str else None
        if type(value) is not list or not all(type(v) is str and v in known for v in value):
            raise ValueError(f"store: a list of ids ({i})")
        return tuple(value)

    def _time(self, text: str) -> EventTime:
        found = self._times.get(text)
        if found is None:
            found = self._times[text] = _time(text)
        return found

    # -- the sequence --------------------------------------------------------------------

    def columns(self) -> EventColumns:
        return self._columns

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> Event: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Event]: ...
    def __getitem__(self, i: int | slice) -> Event | Sequence[Event]:
        if isinstance(i, slice):
            start, stop, stride = i.indices(self._n)
            if stride != 1:
                return tuple(self[j] for j in range(start, stop, stride))
            return tuple(self._rows(start, stop))
        at = i + self._n if i < 0 else i
        if not 0 <= at < self._n:
            raise IndexError(i)
        found = self._recent.get(at)
        if found is None:
            (found,) = self._rows(at, at + 1)
            if len(self._recent) >= 512:
                self._recent.clear()
            self._recent[at] = found
        return found

    def __iter__(self) -> Iterator[Event]:
        for start in range(0, self._n, _CHUNK):
            yield from self._rows(start, min(self._n, start + _CHUNK))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the tuple it equals

    def __repr__(self) -> str:
        return f"StoredEvents({self._n} events)"

    def _rows(self, start: int, stop: int) -> list[Event]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE i >= ? AND i < ? ORDER BY i",
                (start, stop),
            ).fetchall()
        return [self._event(*row) for row in rows]

    def _event(
        self,
        i: int,
        time: int,
        title: str,
        text: str | None,
        kind: str | None,
        place: int | None,
        actors: int,
        sources: int,
        confidence: str | None,
        line: int | None,
        col: int | None,
        extra: str | None,
    ) -> Event:
        step = i + 1
        control: tuple[tuple[str, str], ...] = ()
        states: tuple[Control, ...] = ()
        first = bisect_left(self._control_steps, step)
        if first < len(self._control_steps) and self._control_steps[first] == step:
            rows = self._controls[first : bisect_right(self._control_steps, step, first)]
            control = tuple((town, holder) for _, town, holder, _ in rows)
            if rows[0][3] is not None:
                states = tuple(record for *_, record in rows)  # type: ignore[misc]
        first = bisect_left(self._flow_steps, step)
        flows = tuple(f for _, f in self._flows[first : bisect_right(self._flow_steps, step, first)])
        event = Event(
            index=i,
            time=self._times_by_number[time],
            title=title,
            text=text,
            kind=kind,
            at=None if place is None else self._places[place],
            actors=self._actors[actors],
            control=control,
            flows=flows,
            sources=self._sources[sources],
            confidence=confidence,
            mark=None if line is None or col is None else Mark(line, col),
            control_states=states,
        )
        return event if extra is None else event._replace(**self._extensions(json.loads(extra)))

    def _extensions(self, extra: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if "notes" in extra:
            fields["notes"] = extra["notes"]
        if "view" in extra:
            focus, margin, bounds = extra["view"]
            fields["view"] = Camera(tuple(focus), margin, None if bounds is None else Bounds(*bounds))
        if "until" in extra:
            fields["until"] = self._time(extra["until"])
        if "precision" in extra:
            fields["precision"] = extra["precision"]
        if "deaths" in extra:
            fields["deaths"] = Deaths(*extra["deaths"])
        return fields


def _place(i: int, lat: float, lon: float, town: str | None, offset: str | None, s: Scenario) -> Place:
    place = Place(lat, lon, town, None if offset is None else Offset(*json.loads(offset)))
    checks.check_place(place, s, i)
    return place


def _rows(db: sqlite3.Connection, table: str, columns: str) -> list[Any]:
    """A small table's rows in order, checked to be numbered 0 to n-1."""
    rows = db.execute(f"SELECT i, {columns} FROM {table} ORDER BY i").fetchall()
    if any(row[0] != i for i, row in enumerate(rows)):
        raise ValueError(f"store: {table} misnumbered")
    return [row[1:] for row in rows]


def _ordered(steps: list[int]) -> bool:
    """Whether a table's changes or flows, read in its order, list their steps in order (checked in C)."""
    return all(map(le, steps, islice(steps, 1, None)))
