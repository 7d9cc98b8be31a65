"""A cache of validated scenarios, so that opening an unchanged file is fast.

Parsing and validating a large scenario takes most of a second; reading back
the result of an earlier validation takes a fraction of that. Entries are
keyed by a hash of the file's bytes (and sitboard's version), stored as plain
JSON (data only, nothing that could run) in the user's cache directory, and
never trusted: an entry that is missing, unreadable, from another version, or
whose references do not hold together is ignored and replaced. Deleting the
directory is always safe. `SITBOARD_CACHE_DIR=off` turns the cache off.
"""

from __future__ import annotations

import gc
import json
import os
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
from sitboard.model import (
    RESERVED_HOLDERS,
    Bounds,
    Event,
    EventTime,
    Faction,
    Flow,
    MapLine,
    MapSettings,
    Mark,
    Place,
    Scenario,
    Source,
    Town,
)

ENTRY_FORMAT = 2
KEEP = 24  # entries kept; a live board writes one per saved edit


def cache_dir() -> Path | None:
    configured = os.environ.get("SITBOARD_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitboard"


def entry_path(data: bytes) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    digest = blake2b(f"{__version__}/{ENTRY_FORMAT}\0".encode() + data, digest_size=32).hexdigest()
    return directory / f"{digest}.json"


def load(data: bytes, file: str) -> Scenario | None:
    """The scenario cached for exactly these bytes, or None."""
    path = entry_path(data)
    if path is None:
        return None
    enabled = gc.isenabled()
    gc.disable()  # as when parsing: many small objects, none of them garbage
    try:
        raw = json.loads(path.read_bytes())
        if raw.get("format") != ENTRY_FORMAT or raw.get("version") != __version__:
            return None
        return from_plain(raw["scenario"], file)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - corrupt or tampered: forget it, the file will be read again
        try:
            path.unlink()
        except OSError:
            pass
        return None
    finally:
        if enabled:
            gc.enable()


def store(data: bytes, scenario: Scenario) -> None:
    """Remember a validated scenario; a cache that cannot be written is simply not used."""
    path = entry_path(data)
    if path is None:
        return
    payload = json.dumps({"format": ENTRY_FORMAT, "version": __version__, "scenario": to_plain(scenario)},
                         ensure_ascii=False, separators=(",", ":"))
    try:
        import tempfile  # only when writing an entry

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(tmp, path)  # readers see the old entry or the new one, never half of one
        _prune(path.parent)
    except OSError:
        return


def _prune(directory: Path) -> None:
    """Keep the most recently written entries; every edit of a file makes a new one."""
    entries = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


# -- to and from plain data ---------------------------------------------------------


def to_plain(s: Scenario) -> dict[str, Any]:
    b = s.map.bounds
    return {
        "title": s.title, "subtitle": s.subtitle, "summary": s.summary,
        "resolved": [list(r) for r in s.resolved],
        "factions": [[f.id, f.name, f.color, f.mark, f.color_given] for f in s.factions],
        "towns": [[t.id, t.name, t.lat, t.lon, t.kind, t.population, t.control] for t in s.towns],
        "sources": [[x.id, x.name, x.kind, x.url] for x in s.sources],
        "bounds": None if b is None else [b.west, b.south, b.east, b.north],
        "lines": [[ln.name, ln.kind, [list(p) for p in ln.points], list(ln.via)] for ln in s.map.lines],
        "events": [
            [e.time.text, e.title, e.text, e.kind,
             None if e.at is None else [e.at.lat, e.at.lon, e.at.town],
             list(e.actors), [list(c) for c in e.control],
             [[f.origin, f.destination, f.people, f.estimate] for f in e.flows],
             list(e.sources), e.confidence, None if e.mark is None else [e.mark.line, e.mark.column]]
            for e in s.events
        ],
    }


def _time(text: str) -> EventTime:
    value: date | datetime
    if len(text) <= 10 and "T" not in text and ":" not in text:
        value = date.fromisoformat(text)
    else:
        value = datetime.fromisoformat(text)
    return EventTime.of(text, value)


def from_plain(d: dict[str, Any], file: str) -> Scenario:
    factions = tuple(Faction(i, n, c, m, bool(g)) for i, n, c, m, g in d["factions"])
    towns = tuple(Town(i, n, float(la), float(lo), k, p, c) for i, n, la, lo, k, p, c in d["towns"])
    sources = tuple(Source(*x) for x in d["sources"])
    b = d["bounds"]
    lines = tuple(MapLine(n, k, tuple((float(p[0]), float(p[1])) for p in pts), tuple(via))
                  for n, k, pts, via in d["lines"])
    events = tuple(
        Event(
            index=i, time=_time(t), title=title, text=text, kind=kind,
            at=None if at is None else Place(float(at[0]), float(at[1]), at[2]),
            actors=tuple(actors), control=tuple((c[0], c[1]) for c in control),
            flows=tuple(Flow(o, dst, p, est) for o, dst, p, est in flows),
            sources=tuple(srcs), confidence=conf, mark=None if mark is None else Mark(mark[0], mark[1]),
        )
        for i, (t, title, text, kind, at, actors, control, flows, srcs, conf, mark) in enumerate(d["events"])
    )
    scenario = Scenario(
        path=file, title=d["title"], subtitle=d["subtitle"], summary=d["summary"], factions=factions,
        towns=towns, sources=sources, map=MapSettings(None if b is None else Bounds(*b), lines), events=events,
        resolved=tuple((tid, text) for tid, text in d["resolved"]),
    )
    _check(scenario)
    return scenario


def _check(s: Scenario) -> None:
    """The invariants the rest of sitboard relies on; a cache entry must meet them too."""
    towns = s.town_index
    factions = s.faction_by_id
    holders = set(factions) | set(RESERVED_HOLDERS)
    sources = s.source_by_id
    if not s.factions or not s.towns or len(towns) != len(s.towns) or len(factions) != len(s.factions):
        raise ValueError("cache entry: ids missing or repeated")
    if any(t.control not in holders for t in s.towns):
        raise ValueError("cache entry: unknown holder")
    previous = None
    for e in s.events:
        key = e.time.sort_key
        if previous is not None and key < previous:
            raise ValueError("cache entry: time goes backwards")
        previous = key
        if e.at is not None and e.at.town is not None and e.at.town not in towns:
            raise ValueError("cache entry: unknown place")
        if any(a not in factions for a in e.actors) or any(x not in sources for x in e.sources):
            raise ValueError("cache entry: unknown actor or source")
        if any(t not in towns or h not in holders for t, h in e.control):
            raise ValueError("cache entry: unknown town or holder")
        if any(f.origin not in towns or f.destination not in towns for f in e.flows):
            raise ValueError("cache entry: unknown flow end")
    if any(v not in towns for ln in s.map.lines for v in ln.via):
        raise ValueError("cache entry: unknown town on a line")
