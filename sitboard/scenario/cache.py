"""A cache of validated scenarios, so that opening an unchanged file is fast.

Parsing and validating a large scenario takes most of a second; reading back
the result of an earlier validation takes a fraction of that. An entry is a
faster path to the same answer, never a different one: whatever is in the
cache directory, sitboard shows what the file says or refuses it as the
checker would, and never crashes on an entry.

- Entries are keyed by a hash of the file's bytes (and sitboard's version),
  and stored as plain JSON (data only, nothing that could run), each in a file
  `sitboard-<hash>.json` in the user's cache directory.
- Each entry is sealed with a keyed BLAKE2b MAC over its hash and its content.
  The key is 32 random bytes in `sitboard-cache.key` in the same directory,
  created on first use, readable by its owner only. An entry is trusted only
  if its MAC matches, and it and the key are regular files owned by the
  current user that no one else can write (the key: read). Anyone else who can
  write to the directory can therefore delete entries but not forge, edit or
  swap them: a file's bytes cannot be paired with another file's entry.
- What is read is then held to the model's invariants (ids resolve, times
  ordered, coordinates finite and in range, bounds ordered, counts within
  `MAX_PEOPLE`, every field of its type), in case the key leaked or a bug
  wrote a bad entry.
- Any failure is a cache miss, silently: the file is read and checked again
  and the entry rewritten.
- Only files the cache writes are ever deleted: its own entries beyond the
  newest `KEEP`, and its own temporaries (`.sitboard-*.tmp`) left for more than
  `STALE_SECONDS` by a process that died while writing. `SITBOARD_CACHE_DIR`
  may point at a folder shared with other files; they are never touched.

Deleting the directory is always safe. `SITBOARD_CACHE_DIR=off` turns the cache
off. The key is read once per process; checking the MAC of the bundled
scenario's entry costs well under a millisecond of start-up.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import stat
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sitboard import __version__

try:
    # hashlib.blake2b *is* this built-in module's blake2b; importing hashlib
    # itself also loads OpenSSL, 2 ms of every start-up that reads the cache.
    from _blake2 import blake2b
except ImportError:  # an interpreter without the built-in module
    from hashlib import blake2b
from _operator import _compare_digest as same_digest  # hmac.compare_digest, without importing hmac (and OpenSSL)

from sitboard.scenario.model import (
    COMPASS,
    CONFIDENCES,
    CONTROL_STATES,
    HELD,
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
    place_near,
    plain_control,
)
from sitboard.scenario.palette import color_valid
from sitboard.scenario.userfile import NotRegular, read_regular, write_file

ENTRY_FORMAT = 4  # 4: the optional keys of docs/scenario-format.md, in a trailing element when given
KEEP = 24  # entries kept; a live board writes one per saved edit
STALE_SECONDS = 600  # a temporary this old belongs to a writer that died
PREFIX = "sitboard-"
KEY_NAME = "sitboard-cache.key"
KEY_BYTES = 32
MAX_ENTRY_BYTES = 256 * 1024 * 1024  # an entry for the largest scenario (32 MiB) is far smaller
_ENTRY = re.compile(r"sitboard-[0-9a-f]{64}\.json\Z")
# write_file's temporaries for our files: `.<name>.<random hex>.tmp`
_TEMPORARY = re.compile(r"\.sitboard-(?:[0-9a-f]{64}\.json|cache\.key)\.[0-9a-f]+\.tmp\Z")

_keys: dict[Path, bytes] = {}  # per directory: read once per process


def cache_dir() -> Path | None:
    configured = os.environ.get("SITBOARD_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitboard"


def _digest(data: bytes) -> bytes:
    return blake2b(f"{__version__}/{ENTRY_FORMAT}\0".encode() + data, digest_size=32).digest()


def entry_path(data: bytes) -> Path | None:
    """Where the entry for a file with these bytes lives (None: the cache is off)."""
    directory = cache_dir()
    if directory is None:
        return None
    return directory / f"{PREFIX}{_digest(data).hex()}.json"


def _seal(key: bytes, digest: bytes, payload: bytes) -> bytes:
    return blake2b(digest + payload, key=key, digest_size=32).hexdigest().encode()


def _ours(info: os.stat_result, private: bool) -> bool:
    """Owned by this user, and writable (if `private`, readable too) by no one else."""
    others = 0o077 if private else 0o022
    return info.st_uid == os.getuid() and not info.st_mode & others


def load(data: bytes, file: str, color_ok: Any = None) -> Scenario | None:
    """The scenario cached for exactly these bytes, or None.

    `color_ok` judges colour names as the checker does (the core cannot ask Rich).
    """
    directory = cache_dir()
    if directory is None:
        return None
    key = _key(directory, create=False)
    if key is None:
        return None
    digest = _digest(data)
    try:
        raw, info = read_regular(directory / f"{PREFIX}{digest.hex()}.json", MAX_ENTRY_BYTES, follow=False)
    except (OSError, NotRegular, ValueError):
        return None
    if not _ours(info, private=False) or len(raw) > MAX_ENTRY_BYTES:
        return None
    mac, _, payload = raw.partition(b"\n")
    if not same_digest(mac, _seal(key, digest, payload)):
        return None
    enabled = gc.isenabled()
    gc.disable()  # as when parsing: many small objects, none of them garbage
    try:
        plain = json.loads(payload)
        if plain.get("format") != ENTRY_FORMAT or plain.get("version") != __version__:
            return None
        return from_plain(plain["scenario"], file, color_ok)
    except Exception:
        return None
    finally:
        if enabled:
            gc.enable()


def store(data: bytes, scenario: Scenario) -> None:
    """Remember a validated scenario; a cache that cannot be written is simply not used."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        payload = json.dumps(
            {"format": ENTRY_FORMAT, "version": __version__, "scenario": to_plain(scenario)},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = _key(directory, create=True)
        if key is None:
            return
        digest = _digest(data)
        # written whole and renamed: readers see the old entry or the new one, never half of one
        write_file(
            directory / f"{PREFIX}{digest.hex()}.json",
            _seal(key, digest, payload) + b"\n" + payload,
            mode=0o600,
            durable=False,
        )
        _prune(directory)
    except (OSError, ValueError, TypeError):
        return


def _key(directory: Path, *, create: bool) -> bytes | None:
    """The directory's MAC key, made if `create` and missing; None if there is none to trust."""
    known = _keys.get(directory)
    if known is not None:
        return known
    path = directory / KEY_NAME
    try:
        key = _read_key(path)
        if key is None and create:
            _make_key(path, replace=True)  # ours but readable by others, or damaged: a new key
            key = _read_key(path)
    except FileNotFoundError:
        if not create:
            return None
        try:
            _make_key(path, replace=False)
            key = _read_key(path)
        except OSError:
            return None
    except OSError:
        return None
    if key is not None:
        _keys[directory] = key
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        key, info = read_regular(path, KEY_BYTES, follow=False)
    except NotRegular:
        return None
    if info.st_uid != os.getuid():  # someone else's key: never ours to trust or replace
        raise PermissionError(path)
    return key if _ours(info, private=True) and len(key) == KEY_BYTES else None


def _make_key(path: Path, *, replace: bool) -> None:
    """A new random key, in place at once: linked into place unless another process made one first."""
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        try:
            os.write(fd, os.urandom(KEY_BYTES))
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails if it exists: the first key made wins, and every process uses it
        except FileExistsError:
            pass
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _prune(directory: Path) -> None:
    """Keep the newest entries (every edit of a file makes one) and drop our dead writers' temporaries.

    Only names the cache itself gives, owned by this user, are deleted.
    """
    entries: list[tuple[float, str]] = []
    now = time.time()
    uid = os.getuid()
    with os.scandir(directory) as listing:
        for item in listing:
            name = item.name
            if not (_ENTRY.match(name) or _TEMPORARY.match(name)):
                continue
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_uid != uid:
                continue
            if name[0] == ".":
                if now - info.st_mtime > STALE_SECONDS:
                    _remove(directory / name)
            else:
                entries.append((info.st_mtime, name))
    entries.sort(reverse=True)
    for _, name in entries[KEEP:]:
        _remove(directory / name)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


# -- to and from plain data ---------------------------------------------------------


def _flow_plain(f: Flow) -> list[Any]:
    plain: list[Any] = [f.origin, f.destination, f.people, f.estimate]
    return [*plain, list(f.also_to)] if f.also_to else plain


def _at_plain(at: Place | None) -> list[Any] | None:
    if at is None:
        return None
    return [at.lat, at.lon, at.town] if at.offset is None else [at.lat, at.lon, at.town, list(at.offset)]


def to_plain(s: Scenario) -> dict[str, Any]:
    """The scenario as JSON-ready lists; a record's optional keys beyond format v1 follow it only when given."""
    b = s.map.bounds
    plain: dict[str, Any] = {
        "title": s.title,
        "subtitle": s.subtitle,
        "summary": s.summary,
        "resolved": [list(r) for r in s.resolved],
        "factions": [[f.id, f.name, f.color, f.mark, f.color_given] for f in s.factions],
        "towns": [
            [t.id, t.name, t.lat, t.lon, t.kind, t.population, t.control]
            + ([] if t.pcode is None and t.control_state is None else [t.pcode, _control_plain(t.control_state)])
            for t in s.towns
        ],
        "sources": [
            [x.id, x.name, x.kind, x.url] + ([] if x.affiliation is None else [x.affiliation]) for x in s.sources
        ],
        "bounds": None if b is None else [b.west, b.south, b.east, b.north],
        "lines": [[ln.name, ln.kind, [list(p) for p in ln.points], list(ln.via)] for ln in s.map.lines],
        "events": [
            [
                e.time.text,
                e.title,
                e.text,
                e.kind,
                _at_plain(e.at),
                list(e.actors),
                [list(c) for c in e.control],
                [_flow_plain(f) for f in e.flows],
                list(e.sources),
                e.confidence,
                None if e.mark is None else [e.mark.line, e.mark.column],
                *_event_extensions(e),
            ]
            for e in s.events
        ],
    }
    if s.map.areas is not False:
        plain["areas"] = s.map.areas
    return plain


def _control_plain(c: Control | None) -> list[Any] | None:
    return None if c is None else [c.holder, c.state, *(list(v) for v in c[2:])]


def _event_extensions(e: Event) -> list[dict[str, Any]]:
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
    if e.control_states:
        extra["states"] = [_control_plain(c) for c in e.control_states]
    return [extra] if extra else []


def _time(text: str) -> EventTime:
    value: date | datetime
    if len(text) <= 10 and "T" not in text and ":" not in text:
        value = date.fromisoformat(text)
    else:
        value = datetime.fromisoformat(text)
    return EventTime.of(text, value)


def from_plain(d: dict[str, Any], file: str, color_ok: Any = None) -> Scenario:
    factions = tuple(Faction(i, n, c, m, g) for i, n, c, m, g in d["factions"])
    towns = tuple(_town(*t) for t in d["towns"])
    sources = tuple(Source(*x) for x in d["sources"])
    b = d["bounds"]
    lines = tuple(MapLine(n, k, tuple((p[0], p[1]) for p in pts), tuple(via)) for n, k, pts, via in d["lines"])
    times: dict[str, EventTime] = {}
    events = tuple(
        Event(
            index=i,
            time=times.get(t) or times.setdefault(t, _time(t)),
            title=title,
            text=text,
            kind=kind,
            at=None if at is None else _place(*at),
            actors=tuple(actors),
            control=tuple((c[0], c[1]) for c in control),
            flows=tuple(_flow(*f) for f in flows),
            sources=tuple(srcs),
            confidence=conf,
            mark=None if mark is None else Mark(mark[0], mark[1]),
            **(_extensions(extra[0], times) if extra else {}),
        )
        for i, (t, title, text, kind, at, actors, control, flows, srcs, conf, mark, *extra) in enumerate(d["events"])
    )
    areas = d.get("areas", False)
    scenario = Scenario(
        path=file,
        title=d["title"],
        subtitle=d["subtitle"],
        summary=d["summary"],
        factions=factions,
        towns=towns,
        sources=sources,
        map=MapSettings(None if b is None else Bounds(*b), lines, areas),
        events=events,
        resolved=tuple((tid, text) for tid, text in d["resolved"]),
    )
    _check(scenario, color_ok)
    return scenario


def _town(
    i: str,
    n: str,
    la: float,
    lo: float,
    k: str,
    p: int | None,
    c: str,
    pcode: str | None = None,
    state: list[Any] | None = None,
) -> Town:
    return Town(i, n, la, lo, k, p, c, pcode, _control(state))


def _control(c: list[Any] | None) -> Control | None:
    if c is None:
        return None
    holder, state, by, from_, holders, with_, present = c
    if state == HELD and not present:
        return plain_control(holder)  # shared, as the checker's are
    return Control(holder, state, tuple(by), tuple(from_), tuple(holders), tuple(with_), tuple(present))


def _place(lat: float, lon: float, town: str | None, offset: list[Any] | None = None) -> Place:
    return Place(lat, lon, town, None if offset is None else Offset(*offset))


def _flow(
    origin: str, destination: str, people: int | None, estimate: str | None, also_to: list[str] | None = None
) -> Flow:
    return Flow(origin, destination, people, estimate, () if also_to is None else tuple(also_to))


def _extensions(extra: dict[str, Any], times: dict[str, EventTime]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "notes" in extra:
        fields["notes"] = extra["notes"]
    if "view" in extra:
        focus, margin, bounds = extra["view"]
        fields["view"] = Camera(tuple(focus), margin, None if bounds is None else Bounds(*bounds))
    if "until" in extra:
        u = extra["until"]
        fields["until"] = times.get(u) or times.setdefault(u, _time(u))
    if "precision" in extra:
        fields["precision"] = extra["precision"]
    if "deaths" in extra:
        fields["deaths"] = Deaths(*extra["deaths"])
    if "states" in extra:
        fields["control_states"] = tuple(_control(c) for c in extra["states"])
    return fields


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


def _control_ok(c: object, holder: str, factions: Any, holders: Any, *, plain_ok: bool) -> bool:
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


def _check(s: Scenario, color_ok: Any = None) -> None:
    """What the checker guarantees of every scenario, asked again of one read back from the cache."""
    towns = s.town_index
    factions = s.faction_by_id
    holders = set(factions) | set(RESERVED_HOLDERS)
    sources = s.source_by_id
    if not (_text(s.title) and _maybe_text(s.subtitle) and _maybe_text(s.summary)):
        raise ValueError("cache entry: title")
    if not s.factions or not s.towns or len(towns) != len(s.towns) or len(factions) != len(s.factions):
        raise ValueError("cache entry: ids missing or repeated")
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
            raise ValueError("cache entry: faction")
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
            raise ValueError("cache entry: town")
        if t.control_state is not None and not _control_ok(
            t.control_state, t.control, factions, holders, plain_ok=False
        ):
            raise ValueError("cache entry: town control state")
    pcodes = [t.pcode for t in s.towns if t.pcode is not None]
    if len(set(pcodes)) != len(pcodes) or not all(
        _text(p) and p.isascii() and p.isalnum() and len(p) <= MAX_PCODE for p in pcodes
    ):
        raise ValueError("cache entry: place codes")
    if not all(
        _text(x.id)
        and _text(x.name)
        and _maybe_text(x.kind)
        and _maybe_text(x.url)
        and (x.affiliation is None or x.affiliation in factions)
        for x in s.sources
    ):
        raise ValueError("cache entry: source")
    if len(sources) != len(s.sources):
        raise ValueError("cache entry: source ids repeated")
    b = s.map.bounds
    if b is not None and not _bounds_ok(b):
        raise ValueError("cache entry: bounds")
    if type(s.map.areas) is not bool:
        raise ValueError("cache entry: areas")
    for ln in s.map.lines:
        if not (
            _text(ln.name)
            and ln.kind in LINE_KINDS
            and len(ln.points) >= 2
            and all(_coordinate(la, 90) and _coordinate(lo, 180) for la, lo in ln.points)
            and all(v in towns for v in ln.via)
        ):
            raise ValueError("cache entry: line")
    if not all(type(r) is tuple and len(r) == 2 and r[0] in towns and _text(r[1]) for r in s.resolved):
        raise ValueError("cache entry: resolved towns")
    _check_events(s, holders)


def _check_events(s: Scenario, holders: set[str]) -> None:
    """The events' part of `_check`: times in order, every reference known, every value in range."""
    towns = s.town_index
    factions = s.faction_by_id
    sources = s.source_by_id
    previous = None
    places: set[Place] = set()  # a long timeline repeats its places: each is checked once
    for e in s.events:
        key = e.time.sort_key
        if previous is not None and key < previous:
            raise ValueError("cache entry: time goes backwards")
        previous = key
        if not (
            _text(e.title)
            and _maybe_text(e.text)
            and _maybe_text(e.kind)
            and (e.confidence is None or e.confidence in CONFIDENCES)
        ):
            raise ValueError("cache entry: event text")
        at = e.at
        if at is not None and at not in places:
            if not (
                _coordinate(at.lat, 90)
                and _coordinate(at.lon, 180)
                and (at.town is None or (at.town in towns and s.towns[towns[at.town]][2:4] == (at.lat, at.lon)))
                and (at.offset is None or _offset_ok(at, s))
            ):
                raise ValueError("cache entry: place")
            places.add(at)
        if any(a not in factions for a in e.actors) or any(x not in sources for x in e.sources):
            raise ValueError("cache entry: unknown actor or source")
        if any(t not in towns or h not in holders for t, h in e.control):
            raise ValueError("cache entry: unknown town or holder")
        for flow in e.flows:
            if not (
                flow.origin in towns
                and flow.destination in towns
                and (flow.people is None or _people(flow.people))
                and _maybe_text(flow.estimate)
            ):
                raise ValueError("cache entry: flow")
            if flow.also_to and not (
                _ids(flow.destinations, towns, 2, MAX_DESTINATIONS) and flow.origin not in flow.destinations
            ):
                raise ValueError("cache entry: flow destinations")
        if not (
            e.notes is None
            and e.view is None
            and e.until is None
            and e.deaths is None
            and e.precision == "exact"
            and not e.control_states
        ):
            _check_extensions(e, s, factions, holders)
        mark = e.mark
        if mark is not None and not (type(mark.line) is int and type(mark.column) is int):
            raise ValueError("cache entry: position")


def _check_extensions(e: Event, s: Scenario, factions: Any, holders: Any) -> None:
    """An event's optional keys beyond format v1, as the checker guarantees them."""
    if not (_maybe_text(e.notes) and e.precision in PRECISIONS and (e.precision == "exact" or e.at is not None)):
        raise ValueError("cache entry: notes or precision")
    if e.view is not None and not _camera_ok(e.view, s.town_index):
        raise ValueError("cache entry: view")
    if e.until is not None and not (type(e.until) is EventTime and not e.until.ends_before(e.time)):
        raise ValueError("cache entry: until")
    if e.deaths is not None and not _deaths_ok(e.deaths):
        raise ValueError("cache entry: deaths")
    states = e.control_states
    if states and not (
        len(states) == len(e.control)
        and all(_control_ok(c, h, factions, holders, plain_ok=True) for c, (_, h) in zip(states, e.control))
    ):
        raise ValueError("cache entry: control states")
