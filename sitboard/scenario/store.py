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
at), `events` (one row each, by index: its texts), and `columns`: what the
timeline reads of every event, every control change and every flow, each
column one array of integers (numbers of rows of the small tables, -1 for
none; `array` in the machine's byte order, which `meta` names). A warm
open reads those arrays in one piece each and checks them in C (ranges,
order), instead of a Python tuple per row and an SQL pass over rows that
carry the texts. It is built in memory and handed over as bytes
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
import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import compress, islice, starmap
from operator import attrgetter, le, not_
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
    ControlColumns,
    Deaths,
    Event,
    EventColumns,
    EventSequence,
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

FORMAT = 6  # 6: the timeline's columns as arrays (5: one row per event, change and flow; 4: JSON)
INDEX, COUNT = "i", "q"  # array types: numbers of rows, and counts of people
SMALL = "B"  # a column of numbers all below 256 is written as bytes (INDEX otherwise)
# An entry's arrays are read as this machine writes them: another byte order or size is a miss.
LAYOUT = f"{sys.byteorder}/{array(INDEX).itemsize}/{array(COUNT).itemsize}"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE factions (i INTEGER PRIMARY KEY, id, name, color, mark, color_given);
CREATE TABLE towns (i INTEGER PRIMARY KEY, id, name, lat, lon, kind, population, control, pcode, state);
CREATE TABLE sources (i INTEGER PRIMARY KEY, id, name, kind, url, affiliation);
CREATE TABLE times (i INTEGER PRIMARY KEY, time, t);
CREATE TABLE places (i INTEGER PRIMARY KEY, lat, lon, town, offset);
CREATE TABLE actor_lists (i INTEGER PRIMARY KEY, ids);
CREATE TABLE source_lists (i INTEGER PRIMARY KEY, ids);
CREATE TABLE town_lists (i INTEGER PRIMARY KEY, ids);
CREATE TABLE states (i INTEGER PRIMARY KEY, state);
CREATE TABLE words (i INTEGER PRIMARY KEY, text);
CREATE TABLE events (i INTEGER PRIMARY KEY, title, text, extra);
CREATE TABLE columns (name TEXT PRIMARY KEY, type, data BLOB);
"""
# An event refers to its time, place, actors and sources by number (the `event_*`
# columns): a timeline repeats them, and each distinct one is then read and
# checked once. So do changes to their town, holder (factions in order, then
# `HOLDERS`) and state, and flows to their towns, words and further destinations.
# A number is a row's `i`; where there may be none, `i + 1`, and 0 for none (+1 below).
# Read as unsigned, every valid number is below its table's length: one comparison
# per column (its maximum), or none where the numbers are looked up anyway.
_COLUMNS: dict[str, str] = {
    "event_time": INDEX,  # times
    "event_place": INDEX,  # places +1
    "event_actors": INDEX,  # actor_lists
    "event_sources": INDEX,  # source_lists
    "event_kind": INDEX,  # words +1
    "event_confidence": INDEX,  # CONFIDENCES +1
    "event_mark": COUNT,  # where the event is in its file: line * 2**32 + column (-1: nowhere)
    "control_step": INDEX,  # 1-based event number, in order
    "control_town": INDEX,  # towns
    "control_holder": INDEX,  # factions, then HOLDERS
    "control_state": INDEX,  # states +1 (0: a plain holding)
    "flow_step": INDEX,
    "flow_origin": INDEX,  # towns
    "flow_destination": INDEX,  # towns
    "flow_people": COUNT,  # -1: no figure
    "flow_estimate": INDEX,  # words +1
    "flow_also": INDEX,  # town_lists +1
}
HOLDERS = ("contested", "unknown")
_LINE = 1 << 32  # a mark's line, times this, plus its column
_CONFIDENCE = {c: i for i, c in enumerate(CONFIDENCES)}
_EVENT_COLUMNS = "i, title, text, extra"
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
            "layout": LAYOUT,
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
        shared = _Shared(s)
        columns: dict[str, array[int]] = {name: array(kind) for name, kind in _COLUMNS.items()}
        db.executemany(
            f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?)",
            (_event_row(e, i, shared, columns) for i, e in enumerate(s.events)),
        )
        db.executemany(
            "INSERT INTO times VALUES (?, ?, ?)", [(i, t.text, instant(t.sort_key)) for t, i in shared.times.items()]
        )
        db.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?)",
            [_place_row(p, i, s) for p, i in shared.places.items()],
        )
        for table, lists in (
            ("actor_lists", shared.actors),
            ("source_lists", shared.sources),
            ("town_lists", shared.town_lists),
        ):
            db.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(i, json.dumps(v)) for v, i in lists.items()])
        db.executemany("INSERT INTO states VALUES (?, ?)", [(i, text) for text, i in shared.states.items()])
        db.executemany("INSERT INTO words VALUES (?, ?)", [(i, text) for text, i in shared.words.items()])
        db.executemany("INSERT INTO columns VALUES (?, ?, ?)", [_column_row(name, a) for name, a in columns.items()])
        db.commit()
        return db.serialize()
    finally:
        db.close()


class _Shared:
    """The distinct times, places, lists of ids, states and words of a scenario's events, numbered as first met."""

    def __init__(self, s: Scenario) -> None:
        self.times: dict[EventTime, int] = {}
        self.places: dict[Place, int] = {}
        self.actors: dict[tuple[str, ...], int] = {}
        self.sources: dict[tuple[str, ...], int] = {}
        self.town_lists: dict[tuple[str, ...], int] = {}
        self.states: dict[str, int] = {}
        self.words: dict[str, int] = {}
        self.towns = {t.id: i for i, t in enumerate(s.towns)}
        self.holders = {h: i for i, h in enumerate((*(f.id for f in s.factions), *HOLDERS))}


def _number(table: dict[Any, int], value: Any) -> int:
    found = table.get(value)
    if found is None:
        found = table[value] = len(table)
    return found


def _known(table: dict[Any, int], value: Any) -> int:
    """The number of a town or holder; an unknown one (a bug) is a ValueError: the entry is not written."""
    found = table.get(value) if type(value) is str else None
    if found is None:
        raise ValueError(f"store: unknown id {value!r}")
    return found


def _event_row(e: Event, i: int, shared: _Shared, columns: dict[str, array[int]]) -> tuple[Any, ...]:
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
    columns["event_time"].append(_number(shared.times, e.time))
    columns["event_place"].append(0 if e.at is None else 1 + _number(shared.places, e.at))
    columns["event_actors"].append(_number(shared.actors, e.actors))
    columns["event_sources"].append(_number(shared.sources, e.sources))
    columns["event_kind"].append(0 if e.kind is None else 1 + _number(shared.words, e.kind))
    columns["event_confidence"].append(0 if e.confidence is None else 1 + _known(_CONFIDENCE, e.confidence))
    mark = e.mark
    if mark is not None and not (type(mark.line) is int and type(mark.column) is int and 0 <= mark.column < _LINE):
        raise ValueError("store: mark")  # a column that would spill into the line: not stored
    columns["event_mark"].append(-1 if mark is None else mark.line * _LINE + mark.column)  # a line over 2**31: too big
    step = i + 1
    states = e.control_states
    for k, (town, holder) in enumerate(e.control):
        columns["control_step"].append(step)
        columns["control_town"].append(_known(shared.towns, town))
        columns["control_holder"].append(_known(shared.holders, holder))
        # states not parallel to the changes (a bug) are stored as they are, and refused when read
        columns["control_state"].append(1 + _number(shared.states, _control_json(states[k])) if k < len(states) else 0)
    for f in e.flows:
        if f.people is not None and (type(f.people) is not int or f.people == -1):
            raise ValueError(
                "store: people"
            )  # -1 is none: nothing else may be stored as it (out of range: refused when read)
        columns["flow_step"].append(step)
        columns["flow_origin"].append(_known(shared.towns, f.origin))
        columns["flow_destination"].append(_known(shared.towns, f.destination))
        columns["flow_people"].append(-1 if f.people is None else f.people)
        columns["flow_estimate"].append(0 if f.estimate is None else 1 + _number(shared.words, f.estimate))
        columns["flow_also"].append(1 + _number(shared.town_lists, f.also_to) if f.also_to else 0)
    return (i, e.title, e.text, json.dumps(extra) if extra else None)


def _column_row(name: str, values: array[int]) -> tuple[str, str, bytes]:
    if values.typecode == INDEX and (not values or (min(values) >= 0 and max(values) < 256)):
        values = array(SMALL, values)
    return (name, values.typecode, values.tobytes())


def _place_row(p: Place, i: int, s: Scenario) -> tuple[Any, ...]:
    """A place: at a town, the town alone (its coordinates are the town's, by the checker's rule); else all of it."""
    if p.offset is None and type(p.town) is str and p.town in s.town_index and s.town(p.town)[2:4] == (p.lat, p.lon):
        return (i, None, None, p.town, None)
    return (i, p.lat, p.lon, p.town, None if p.offset is None else json.dumps(list(p.offset)))


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
    if meta.get("format") != FORMAT or meta.get("version") != __version__ or meta.get("layout") != LAYOUT:
        raise ValueError("store: another format or version")
    factions = tuple(
        Faction(fid, name, color, mark, _flag(given))
        for fid, name, color, mark, given in db.execute(
            "SELECT id, name, color, mark, color_given FROM factions ORDER BY i"
        )
    )
    # each row a town as it is, its start control's text then made a record (most towns have none)
    towns = tuple(
        starmap(
            Town,
            db.execute("SELECT id, name, lat, lon, kind, population, control, pcode, state FROM towns ORDER BY i"),
        )
    )
    if any(state is not None for state in map(_CONTROL_STATE, towns)):
        towns = tuple(
            t if t.control_state is None else t._replace(control_state=_control(t.control_state))  # type: ignore[arg-type]  # the stored text until now
            for t in towns
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


_CONTROL_STATE = attrgetter("control_state")


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


class StoredEvents(EventSequence):
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
        self._columns: EventColumns  # `_check_columns`, then `_check` adds the views and ranges
        self._check(scenario)

    # -- what is read whole, and checked -------------------------------------------------

    def _check(self, s: Scenario) -> None:
        """Read what is read whole and hold it to the checker's rules: the columns in C, the rows in one SQL pass.

        The rows' pass (a tenth of a second at 300,000 events) runs in SQLite,
        which lets go of the GIL: it runs in a thread (`_RowsPass`) while the
        columns are checked here, everything else it needs read first (the
        connection serves one statement at a time), and is waited for before
        anything is handed out.
        """
        db = self._db
        time_rows, place_rows = _rows(db, "times", "time, t"), _rows(db, "places", "lat, lon, town, offset")
        actor_rows, source_rows = _rows(db, "actor_lists", "ids"), _rows(db, "source_lists", "ids")
        town_list_rows, word_rows = _rows(db, "town_lists", "ids"), _rows(db, "words", "text")
        state_rows = _rows(db, "states", "state")
        columns = _read_columns(db)
        rows_pass = _RowsPass(db)
        try:
            self._check_columns(
                s, columns, time_rows, place_rows, actor_rows, source_rows, town_list_rows, word_rows, state_rows
            )
        finally:
            rows_pass.join()  # the connection is never closed under it (a miss closes it)
        rows, low, high, bad, extended = rows_pass.result()
        n = self._n
        if rows != n or (n and (low, high) != (0, n - 1)):
            raise ValueError("store: events are not numbered 0 to n-1")
        if bad:
            raise ValueError("store: event fields")
        views: list[tuple[int, Camera]] = []
        untils: list[tuple[int, EventTime]] = []
        for i in extended:
            event = self[i]
            checks.check_extensions(event, s)
            if event.view is not None:
                views.append((i + 1, event.view))
            if event.until is not None:
                untils.append((i + 1, event.until))
        self._columns = self._columns._replace(views=views, untils=untils)

    def _check_columns(
        self,
        s: Scenario,
        columns: dict[str, array[int]],
        time_rows: list[Any],
        place_rows: list[Any],
        actor_rows: list[Any],
        source_rows: list[Any],
        town_list_rows: list[Any],
        word_rows: list[Any],
        state_rows: list[Any],
    ) -> None:
        """Everything but the rows' pass, from what was read before it started."""
        towns = s.town_index
        factions = s.faction_by_id
        self._times_by_number = [self._time_row(i, text, t) for i, (text, t) in enumerate(time_rows)]
        self._places = _places(place_rows, s)
        self._actors = [self._ids(i, text, factions) for i, (text,) in enumerate(actor_rows)]
        self._sources = [self._ids(i, text, s.source_by_id) for i, (text,) in enumerate(source_rows)]
        town_lists = [self._ids(i, text, towns) for i, (text,) in enumerate(town_list_rows)]
        words = [text for (text,) in word_rows]
        if not all(type(w) is str for w in words):
            raise ValueError("store: words")
        time, place = columns["event_time"], columns["event_place"]
        self._time_column, self._place_column = time, place
        self._actor_column, self._source_column = columns["event_actors"], columns["event_sources"]
        self._kind_column, self._confidence_column = columns["event_kind"], columns["event_confidence"]
        self._mark_column = columns["event_mark"]
        n = self._n = len(time)
        if any(len(columns[name]) != n for name in _COLUMNS if name.startswith("event_")):
            raise ValueError("store: event columns of different lengths")
        self._place_of: list[Place | None] = [None, *self._places]  # +1: 0 is none
        self._word_of: list[str | None] = [None, *words]
        self._confidence_of: list[str | None] = [None, *CONFIDENCES]
        for column, table in (
            (place, self._place_of),
            (self._actor_column, self._actors),
            (self._source_column, self._sources),
            (self._kind_column, self._word_of),
            (self._confidence_column, self._confidence_of),
        ):
            _below(column, len(table))  # numbers read when a record is built: checked now
        if n and min(self._mark_column) < -1:
            raise ValueError("store: a mark")
        keys = [instant(t.sort_key) for t in self._times_by_number]
        times = _looked_up(keys, time)
        if not _ordered(times):
            raise ValueError("store: time goes backwards")
        self._columns = EventColumns(
            times, self._control_columns(s, columns, state_rows), self._flow_columns(s, columns, words, town_lists)
        )

    def _control_columns(self, s: Scenario, columns: dict[str, array[int]], state_rows: list[Any]) -> ControlColumns:
        """The control changes, each refused unless the checker could have made it."""
        steps, town, holder, state = (columns[f"control_{k}"] for k in ("step", "town", "holder", "state"))
        holder_ids = [*(f.id for f in s.factions), *HOLDERS]
        _steps(steps, self._n, town, holder, state)
        records = [None, *(_control(t) if type(t) is str else None for (t,) in state_rows)]
        has_state = list(map(bool, state))
        if any(has_state):
            _below(state, len(records))
            holders = set(s.faction_by_id) | set(HOLDERS)
            for h, k in set(zip(compress(holder, has_state), compress(state, has_state))):
                record = records[k]
                if record is None or not checks.control_ok(
                    record, holder_ids[h], s.faction_by_id, holders, plain_ok=True
                ):
                    raise ValueError("store: control state")
            # within one event, every change has a state or none has
            if not set(compress(steps, has_state)).isdisjoint(compress(steps, map(not_, has_state))):
                raise ValueError("store: control states")
            shown = list(map(records.__getitem__, state))
        else:
            shown = [None] * len(steps)
        town_ids = [t.id for t in s.towns]
        self._controls = ControlColumns(steps, _looked_up(town_ids, town), _looked_up(holder_ids, holder), shown)
        return self._controls

    def _flow_columns(
        self, s: Scenario, columns: dict[str, array[int]], words: list[str], town_lists: list[tuple[str, ...]]
    ) -> list[tuple[int, Flow]]:
        """The flows, each refused unless the checker could have made it."""
        steps, origin, destination, people, estimate, also = (
            columns[f"flow_{k}"] for k in ("step", "origin", "destination", "people", "estimate", "also")
        )
        _steps(steps, self._n, origin, destination, people, estimate, also)
        if people and not (min(people) >= -1 and max(people) <= MAX_PEOPLE):
            raise ValueError("store: people")
        town_ids = [t.id for t in s.towns]
        flows = list(
            map(
                Flow,
                _looked_up(town_ids, origin),
                _looked_up(town_ids, destination),
                [None if p < 0 else p for p in people],
                _looked_up([None, *words], estimate),
                _looked_up([(), *town_lists], also),
            )
        )
        if any(also):
            towns = s.town_index
            for flow in flows:
                if flow.also_to:
                    checks.check_flow(flow, towns)
        self._flow_steps = steps
        self._flows = flows
        return list(zip(steps, flows))

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
        title: str,
        text: str | None,
        extra: str | None,
    ) -> Event:
        step = i + 1
        control: tuple[tuple[str, str], ...] = ()
        states: tuple[Control, ...] = ()
        changes = self._controls
        first = bisect_left(changes.steps, step)
        if first < len(changes.steps) and changes.steps[first] == step:
            last = bisect_right(changes.steps, step, first)
            control = tuple(zip(changes.towns[first:last], changes.holders[first:last]))
            if changes.records[first] is not None:
                states = tuple(changes.records[first:last])  # type: ignore[arg-type]  # every one has a state
        first = bisect_left(self._flow_steps, step)
        flows = tuple(self._flows[first : bisect_right(self._flow_steps, step, first)])
        event = Event(
            index=i,
            time=self._times_by_number[self._time_column[i]],
            title=title,
            text=text,
            kind=self._word_of[self._kind_column[i]],
            at=self._place_of[self._place_column[i]],
            actors=self._actors[self._actor_column[i]],
            control=control,
            flows=flows,
            sources=self._sources[self._source_column[i]],
            confidence=self._confidence_of[self._confidence_column[i]],
            mark=None if (mark := self._mark_column[i]) < 0 else Mark(*divmod(mark, _LINE)),
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


def _places(rows: list[Any], s: Scenario) -> list[Place]:
    """The places of the rows: most are at a town (its id alone, see `_place_row`), made here without a call each."""
    towns, index = s.towns, s.town_index
    places: list[Place] = []
    for i, (lat, lon, town, offset) in enumerate(rows):
        if lat is None and lon is None and offset is None and type(town) is str and town in index:
            t = towns[index[town]]
            places.append(Place(t.lat, t.lon, town))  # at the town itself: the checker places it so
        else:
            places.append(_place(i, lat, lon, town, offset, s))
    return places


class _RowsPass(threading.Thread):
    """The one pass over every event row, started at once: how many, their numbers, fields of the wrong kind, extensions.

    `result()`: (rows, lowest number, highest, rows with a field of the
    wrong kind, the numbers of the rows with extensions, in order); it
    raises what the pass raised.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__(name="sitboard-store-rows", daemon=True)
        self._db = db
        self._found: tuple[Any, ...] = ()
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            counts = self._db.execute(
                "SELECT (SELECT count(*) FROM events), (SELECT min(i) FROM events), (SELECT max(i) FROM events),"
                " (SELECT count(*) FROM events WHERE typeof(title) != 'text'"
                " OR (text IS NOT NULL AND typeof(text) != 'text') OR (extra IS NOT NULL AND typeof(extra) != 'text'))"
            ).fetchone()
            extended = [i for (i,) in self._db.execute("SELECT i FROM events WHERE extra IS NOT NULL ORDER BY i")]
            self._found = (*counts, extended)
        except BaseException as exc:  # handed to the reading thread, which raises it
            self._error = exc

    def result(self) -> tuple[Any, ...]:
        self.join()
        if self._error is not None:
            raise self._error
        return self._found


def _place(i: int, lat: float | None, lon: float | None, town: str | None, offset: str | None, s: Scenario) -> Place:
    if lat is None and lon is None and offset is None and type(town) is str and town in s.town_index:
        t = s.town(town)
        return Place(t.lat, t.lon, town)  # at the town itself: the checker places it so
    place = Place(lat, lon, town, None if offset is None else Offset(*json.loads(offset)))  # type: ignore[arg-type]
    checks.check_place(place, s, i)
    return place


def _rows(db: sqlite3.Connection, table: str, columns: str) -> list[Any]:
    """A small table's rows in order, checked to be numbered 0 to n-1."""
    rows = db.execute(f"SELECT i, {columns} FROM {table} ORDER BY i").fetchall()
    if any(row[0] != i for i, row in enumerate(rows)):
        raise ValueError(f"store: {table} misnumbered")
    return [row[1:] for row in rows]


def _ordered(steps: Sequence[int]) -> bool:
    """Whether a column lists its values in order (checked in C)."""
    return all(map(le, steps, islice(steps, 1, None)))


def _read_columns(db: sqlite3.Connection) -> dict[str, array[int]]:
    """Every column of the `columns` table, each of its type: anything missing, extra or mistyped raises."""
    found: dict[str, array[int]] = {}
    for name, kind, data in db.execute("SELECT name, type, data FROM columns"):
        if not (_COLUMNS.get(name) == kind or (_COLUMNS.get(name) == INDEX and kind == SMALL)):
            raise ValueError(f"store: column {name!r}")
        if type(data) is not bytes or name in found:
            raise ValueError(f"store: column {name!r}")
        values = found[name] = array(kind)
        values.frombytes(data)  # ValueError unless a whole number of items
    if found.keys() != _COLUMNS.keys():
        raise ValueError("store: columns missing")
    return found


def _unsigned(values: array[int]) -> Sequence[int]:
    """A column read as unsigned: a negative number is then above every table's length."""
    return values if values.typecode == SMALL else memoryview(values).cast("B").cast("I")  # INDEX, unsigned


def _below(values: array[int], length: int) -> None:
    """Every number of the column a row of a table of `length` rows, checked in C.

    A column of bytes (over a table of a few dozen rows: kinds, confidences,
    lists of actors) is checked by one translation of its bytes; a wider one
    by its maximum, read as unsigned.
    """
    if values.typecode == SMALL:
        if values.tobytes().translate(None, bytes(range(min(length, 256)))):
            raise ValueError("store: a column out of range")
    elif values and max(_unsigned(values)) >= length:
        raise ValueError("store: a column out of range")


def _looked_up(table: Sequence[Any], values: array[int]) -> list[Any]:
    """The rows the column's numbers refer to; a number that refers to none raises (IndexError: a miss)."""
    return list(map(table.__getitem__, _unsigned(values)))


def _steps(steps: array[int], events: int, *parallel: array[int]) -> None:
    """A column of event numbers, 1 to `events`, in order, and the columns parallel to it as long."""
    if any(len(column) != len(steps) for column in parallel):
        raise ValueError("store: columns of different lengths")
    if steps and not (_ordered(steps) and steps[0] >= 1 and steps[-1] <= events):
        raise ValueError("store: steps out of order or range")
