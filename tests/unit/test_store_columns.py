"""The store's columns (format 6): each array an entry holds is checked before anything is read from it.

A warm open reads each column of the timeline (times, places, changes, flows)
as one array and checks it in bulk (`scenario/store.py`). Whatever an entry's
columns say, sealed by our own key or not, the store refuses what the checker
could not have made, and the cache then reads the file again: a column out of
range, negative, out of order, of another length, type or byte order, missing
or unknown.
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from collections.abc import Callable

import pytest
from extended_scenario import EXTENDED
from random_scenarios import random_scenario

from sitboard.scenario import cache, store
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.scenario.model import MAX_PEOPLE, Scenario


@pytest.fixture(scope="module")
def extended() -> Scenario:
    return parse_scenario(EXTENDED, "extended.yaml")


def column(db: sqlite3.Connection, name: str) -> list[int]:
    kind, data = db.execute("SELECT type, data FROM columns WHERE name = ?", (name,)).fetchone()
    values = array(kind)
    values.frombytes(data)
    return values.tolist()


def set_column(db: sqlite3.Connection, name: str, values: list[int]) -> None:
    """The column's new values, as bytes if they were and still fit (the writer's choice), else as 4-byte ints."""
    kind = db.execute("SELECT type FROM columns WHERE name = ?", (name,)).fetchone()[0]
    if kind == "B" and not all(0 <= v < 256 for v in values):
        kind = "i"
    db.execute("UPDATE columns SET type = ?, data = ? WHERE name = ?", (kind, array(kind, values).tobytes(), name))


def edit(name: str, change: Callable[[list[int]], list[int]]) -> Callable[[sqlite3.Connection], None]:
    return lambda db: set_column(db, name, change(column(db, name)))


def at(k: int, value: int) -> Callable[[list[int]], list[int]]:
    return lambda values: [value if i == k else v for i, v in enumerate(values)]


OTHER_ORDER = "big" if sys.byteorder == "little" else "little"

TAMPERED: dict[str, Callable[[sqlite3.Connection], None]] = {
    "time-beyond-the-table": edit("event_time", at(2, 99)),
    "time-negative": edit("event_time", at(2, -1)),
    "time-backwards": edit("event_time", lambda v: [v[1], v[0], *v[2:]]),
    "place-beyond-the-table": edit("event_place", at(0, 99)),
    "place-negative": edit("event_place", at(0, -1)),
    "actors-negative": edit("event_actors", at(0, -2)),
    "sources-beyond-the-table": edit("event_sources", at(1, 7)),
    "kind-beyond-the-table": edit("event_kind", at(0, 5)),
    "confidence-beyond-the-list": edit("event_confidence", at(0, 9)),
    "mark-below-none": edit("event_mark", at(1, -2)),
    "actors-a-multiple-of-256-above": edit("event_actors", at(0, 256)),
    "kind-just-beyond-the-table": edit("event_kind", lambda v: [len(v) + 10, *v[1:]]),
    "an-event-column-short": edit("event_time", lambda v: v[:-1]),
    "an-event-column-long": edit("event_kind", lambda v: [*v, 0]),
    "a-mark-column-short": edit("event_mark", lambda v: v[:-1]),
    "bytes-not-a-whole-number": lambda db: db.execute(
        "UPDATE columns SET data = data || x'00' WHERE name = 'event_place'"
    ),
    "a-column-missing": lambda db: db.execute("DELETE FROM columns WHERE name = 'flow_also'"),
    "a-column-unknown": lambda db: db.execute("INSERT INTO columns VALUES ('event_mood', 'i', x'')"),
    "a-column-of-another-type": lambda db: db.execute("UPDATE columns SET type = 'q' WHERE name = 'event_time'"),
    "people-as-bytes": lambda db: db.execute("UPDATE columns SET type = 'B', data = x'00' WHERE name = 'flow_people'"),
    "a-column-not-bytes": lambda db: db.execute("UPDATE columns SET data = 'text' WHERE name = 'event_kind'"),
    "another-byte-order": lambda db: db.execute(
        "UPDATE meta SET value = ? || substr(value, instr(value, '/')) WHERE key = 'layout'", (OTHER_ORDER,)
    ),
    "an-event-row-missing": lambda db: db.execute("DELETE FROM events WHERE i = 2"),
    "control-steps-out-of-order": edit("control_step", lambda v: v[::-1]),
    "control-step-beyond-the-events": edit("control_step", lambda v: [*v[:-1], 4]),
    "control-step-zero": edit("control_step", at(0, 0)),
    "control-town-beyond-the-towns": edit("control_town", at(0, 7)),
    "control-town-negative": edit("control_town", at(0, -1)),
    "control-holder-beyond-the-holders": edit("control_holder", at(1, 7)),
    "control-state-beyond-the-table": edit("control_state", at(0, 99)),
    "control-state-on-one-change-of-several": edit("control_state", at(1, 0)),
    "control-columns-of-different-lengths": edit("control_town", lambda v: v[:-1]),
    "flow-people-over-the-limit": edit("flow_people", at(1, MAX_PEOPLE + 1)),
    "flow-people-negative": edit("flow_people", at(1, -2)),
    "flow-origin-negative": edit("flow_origin", at(0, -1)),
    "flow-destination-beyond-the-towns": edit("flow_destination", at(2, 7)),
    "flow-estimate-beyond-the-words": edit("flow_estimate", at(0, 99)),
    "flow-destinations-beyond-the-table": edit("flow_also", at(0, 99)),
    "flow-steps-out-of-order": edit("flow_step", lambda v: v[::-1]),
    "flow-columns-of-different-lengths": edit("flow_people", lambda v: v[:-1]),
    "flow-destinations-with-the-origin": lambda db: db.execute(
        'UPDATE town_lists SET ids = \'["homs", "hama"]\' WHERE i = 0'
    ),
}


# What is read whole besides the columns: the towns (a start control a record made from its text),
# the places (most at a town, by its id alone), and every event row's fields, of their kinds.
ROWS_TAMPERED: dict[str, Callable[[sqlite3.Connection], None]] = {
    "a-title-not-text": lambda db: db.execute("UPDATE events SET title = 7 WHERE i = 1"),
    "a-text-of-bytes": lambda db: db.execute("UPDATE events SET text = x'00' WHERE i = 0"),
    "extensions-not-text": lambda db: db.execute("UPDATE events SET extra = 3 WHERE i = 2"),
    "a-start-control-not-text": lambda db: db.execute("UPDATE towns SET state = 5 WHERE state IS NOT NULL"),
    "a-start-control-empty": lambda db: db.execute("UPDATE towns SET state = '' WHERE state IS NOT NULL"),
    "a-place-at-an-unknown-town": lambda db: db.execute("UPDATE places SET town = 'nowhere' WHERE lat IS NULL"),
    "a-place-at-no-town-and-nowhere": lambda db: db.execute("UPDATE places SET town = NULL WHERE lat IS NULL"),
}


@pytest.mark.parametrize("how", list(ROWS_TAMPERED))
def test_a_tampered_row_is_refused(extended, how):
    db = sqlite3.connect(":memory:")
    db.deserialize(store.to_database(extended))
    assert db.execute("SELECT count(*) FROM places WHERE lat IS NULL").fetchone()[0] > 0  # places at a town
    assert db.execute("SELECT count(*) FROM towns WHERE state IS NOT NULL").fetchone()[0] > 0
    with pytest.raises((ValueError, IndexError, TypeError)):  # any of them a miss (`cache.load_keyed`)
        store.from_database(tampered(extended, ROWS_TAMPERED[how]), "extended.yaml")


def tampered(s: Scenario, how: Callable[[sqlite3.Connection], None]) -> bytes:
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(store.to_database(s))
        how(db)
        db.commit()
        return db.serialize()
    finally:
        db.close()


def test_the_columns_are_what_the_tampering_expects(extended):
    """The scenario has what each tampering changes: 3 events, several changes of one event with states, flows of each kind."""
    db = sqlite3.connect(":memory:")
    db.deserialize(store.to_database(extended))
    assert len(column(db, "event_time")) == 3
    assert column(db, "control_step") == [1, 2, 2, 2, 3, 3] and 0 not in column(db, "control_state")
    assert len(column(db, "flow_step")) == 3 and column(db, "flow_also")[0] == 1
    assert store.from_database(db.serialize(), "extended.yaml") == extended  # untouched, it reads back


@pytest.mark.parametrize("how", list(TAMPERED))
def test_a_tampered_column_is_refused(extended, how):
    with pytest.raises((ValueError, IndexError)):
        store.from_database(tampered(extended, TAMPERED[how]), "extended.yaml")


LARGE_TABLES: dict[str, Callable[[sqlite3.Connection], None]] = {
    "place-beyond-the-table": edit("event_place", lambda v: [v[0] + 10_000, *v[1:]]),
    "place-negative": edit("event_place", at(0, -1)),
    "time-beyond-the-table": edit("event_time", lambda v: [*v[:-1], 10_000]),
    "actors-negative": edit("event_actors", at(0, -1)),
    "actors-a-multiple-of-256-above": edit("event_actors", lambda v: [v[0] + 256, *v[1:]]),
    "confidence-beyond-the-list": edit("event_confidence", at(0, 5)),
}


@pytest.mark.parametrize("how", list(LARGE_TABLES))
def test_a_tampered_column_over_a_large_table_is_refused(how):
    """Hundreds of places and times: their columns are checked another way than those of small tables."""
    s = parse_scenario(random_scenario(5, 400, 700), "r.yaml")
    db = sqlite3.connect(":memory:")
    db.deserialize(store.to_database(s))
    assert db.execute("SELECT count(*) FROM places").fetchone()[0] > 256
    assert store.from_database(db.serialize(), "r.yaml") == s
    with pytest.raises((ValueError, IndexError)):
        store.from_database(tampered(s, LARGE_TABLES[how]), "r.yaml")


@pytest.mark.parametrize("how", ["time-negative", "control-town-negative", "flow-people-over-the-limit"])
def test_a_sealed_entry_with_a_tampered_column_is_a_miss(tmp_path, monkeypatch, extended, how):
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(tmp_path / "cache"))
    data = EXTENDED.encode("utf-8")
    payload = tampered(extended, TAMPERED[how])
    monkeypatch.setattr(store, "to_database", lambda _s: payload)
    cache.store(data, extended)  # sealed with our own key: the columns are still checked
    monkeypatch.undo()
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(tmp_path / "cache"))
    assert list((tmp_path / "cache").glob("*.sqlite"))
    assert cache.load(data, "extended.yaml") is None
    path = tmp_path / "extended.yaml"
    path.write_bytes(data)
    assert load_scenario(path, cache=True) == extended.replace(path=str(path))
