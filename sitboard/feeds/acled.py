"""Turn an ACLED export (CSV) into a scenario.

ACLED (the Armed Conflict Location & Event Data project, acleddata.com) codes
political violence and protest as one row per event: a date, a type, up to two
actors, a named location with coordinates, its sources and a note. Here each
row becomes one event, each distinct location (name and coordinates) a town,
each actor a faction and each named source a source. Only ACLED's territorial
sub-events move control, to `actor1` at the event's location; every other event
leaves the map as it was, and towns start `unknown`, since an export says
nothing about who held a place before its first territorial event.

The output is YAML written by hand so that it reads well (one event per block,
keys in the order of SCENARIO_FORMAT.md), with every string quoted as JSON,
which YAML reads as a double-quoted scalar. Ids are derived from names, so the
same actor gets the same id in every import. Provenance goes in the summary
(for people) and in an `x-acled` key (for tools).

Like the loader, the only exception that escapes is `ScenarioError`; its
problems point at the CSV's line and the 1-based index of the bad field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from sitboard import __version__
from sitboard.scenario.cleantext import BIDI_CONTROLS
from sitboard.scenario.errors import Problem, ScenarioError
from sitboard.scenario.loader import MAX_BYTES, Progress
from sitboard.scenario.userfile import read_bytes

MAX_INPUT_BYTES = 512 * 1024 * 1024  # 300,000 rows with ACLED's notes are about 300 MB
MAX_OUTPUT_BYTES = MAX_BYTES  # what `check` will read
MAX_PROBLEMS = 50

REQUIRED = ("event_date", "event_type", "actor1", "location", "latitude", "longitude")
OPTIONAL = (
    "event_id_cnty",
    "year",
    "time_precision",
    "disorder_type",
    "sub_event_type",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
# Older exports: upper-case headers (handled by folding case) and other names.
ALIASES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}

TERRITORIAL = (
    "Non-state actor overtakes territory",
    "Government regains territory",
    "Non-violent transfer of territory",
)

# Numeric actor types of exports before 2023 (ACLED codebook).
INTER_CODES = {
    "0": "",
    "1": "State forces",
    "2": "Rebel group",
    "3": "Political militia",
    "4": "Identity militia",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}

# One word for the board's event kind; anything else is the sub-event type in lower case.
KINDS = {
    "armed clash": "clash",
    "government regains territory": "capture",
    "non-state actor overtakes territory": "capture",
    "non-violent transfer of territory": "transfer",
    "air/drone strike": "airstrike",
    "shelling/artillery/missile attack": "shelling",
    "remote explosive/landmine/ied": "explosive",
    "suicide bomb": "bombing",
    "grenade": "grenade",
    "chemical weapon": "chemical",
    "attack": "attack",
    "abduction/forced disappearance": "abduction",
    "sexual violence": "sexual-violence",
    "peaceful protest": "protest",
    "protest with intervention": "protest",
    "excessive force against protesters": "protest",
    "violent demonstration": "riot",
    "mob violence": "riot",
    "agreement": "agreement",
    "arrests": "arrest",
    "change to group/activity": "change",
    "disrupted weapons use": "disrupted-weapons",
    "headquarters or base established": "base",
    "looting/property destruction": "looting",
    "other": "other",
    # event types of exports before 2019, which had no sub-event type
    "battle-no change of territory": "clash",
    "remote violence": "remote-violence",
    "riots/protests": "protest",
    "violence against civilians": "attack",
    "strategic development": "development",
}
TIME_PRECISION = {"2": "The date is approximate (within a week).", "3": "The date is approximate (within a month)."}
GEO_PRECISION = {"2": "approximate: at or near this place", "3": "approximate: only the wider region is known"}
ACLED_CREDIT = (
    "Data: Armed Conflict Location & Event Data (ACLED), https://acleddata.com; ACLED's terms of use apply to the data."
)

_MONTHS = {
    m: i
    for i, ms in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in ms
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?\Z")
_DMY_DATE = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})\Z")
_NAMED_DATE = re.compile(r"(\d{1,2})[- ]([A-Za-z]+)\.?[- ,]+(\d{4})\Z")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_PLAIN = re.compile(r"[a-z][a-z0-9_-]*\Z")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}
# Escaped in quoted output: not printable in YAML, or (bidi formatting) able to
# reorder the text of whoever prints the scenario to a terminal.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff" + "".join(sorted(BIDI_CONTROLS)) + "]")


def import_acled(path: str | Path, progress: Progress | None = None) -> str:
    """Read the ACLED export at `path` and return the scenario as YAML text; `progress` is told how far it got."""
    shown = str(path)
    p = Path(path)
    data = read_bytes(
        path,
        limit=MAX_INPUT_BYTES,
        expected="an ACLED export (.csv)",
        too_big=f"file is over {MAX_INPUT_BYTES // 2**20} MiB: filter the export (by country or dates) first",
    )
    return acled_to_yaml(data, shown, name=p.name, progress=progress)


def acled_to_yaml(
    data: bytes, file: str = "<acled>", *, name: str | None = None, progress: Progress | None = None
) -> str:
    """The scenario for the CSV `data`; `file` names it in errors, `name` in the provenance."""
    if len(data) > MAX_INPUT_BYTES:
        _fail(file, f"file is over {MAX_INPUT_BYTES // 2**20} MiB: filter the export (by country or dates) first")
    rows = _Reader(data, file, progress).rows()
    export = _build(rows)
    # a file name need not be text (bytes that are not UTF-8 on Linux)
    shown = (name or Path(file).name).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = _write(export, shown, hashlib.sha256(data).hexdigest(), progress)
    size = len(text.encode("utf-8"))
    if size > MAX_OUTPUT_BYTES:
        _fail(
            file,
            f"the scenario would be {size / 1e6:.1f} MB, over the {MAX_OUTPUT_BYTES // 2**20} MiB "
            "that sitboard reads: filter the export (by country or dates) first",
        )
    return text


def _fail(file: str, message: str, line: int = 1, column: int = 1) -> None:
    raise ScenarioError([Problem(file, line, column, "", message)])


# -- reading the CSV -----------------------------------------------------------


@dataclass
class _Row:
    line: int
    when: date
    fields: dict[str, str]
    lat: float
    lon: float
    fatalities: int | None


# How the work of an import is shared, for its progress bar: reading the rows
# takes most of it, writing the YAML the rest.
_READING = 0.75
_EVERY = 4096  # rows between reports


class _Reader:
    def __init__(self, data: bytes, file: str, progress: Progress | None = None) -> None:
        self.data = data
        self.file = file
        self.progress = progress
        self.problems: list[Problem] = []
        self.dropped = 0

    def error(self, line: int, column: int, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.file, line, max(1, column), "", message))
        else:
            self.dropped += 1

    def stop(self) -> ScenarioError:
        return ScenarioError(self.problems, truncated=self.dropped)

    def records(self, text: str) -> Iterator[tuple[int, list[str]]]:
        """(first line, fields) of every record that is not blank."""
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter(text), strict=True)
        line = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field limit" in str(exc):  # Python's csv module: 131,072 characters per field
                    self.error(
                        reader.line_num or line,
                        1,
                        f"a field is longer than {csv.field_size_limit():,} characters (128 KiB), the most "
                        "one field may hold (ACLED's longest, the notes, are far shorter): is this an ACLED "
                        "export, with its quotes balanced?",
                    )
                else:
                    self.error(reader.line_num or line, 1, f"not a readable CSV file: {exc}")
                raise self.stop() from None
            start, line = line, reader.line_num + 1
            if any(f.strip() for f in record):
                yield start, record

    @staticmethod
    def delimiter(text: str) -> str:
        """ACLED writes commas; a spreadsheet saved in some locales writes semicolons or tabs."""
        first = text.split("\n", 1)[0].lower()
        for sep in (",", ";", "\t"):
            if all(name in [c.strip().strip('"') for c in first.split(sep)] for name in ("event_date", "latitude")):
                return sep
        return ","

    def rows(self) -> list[_Row]:
        data = self.data[3:] if self.data.startswith(b"\xef\xbb\xbf") else self.data
        if not data.strip():
            _fail(self.file, "the file is empty: expected an ACLED export (a CSV file with a header row)")
        text = data.decode("utf-8", errors="surrogateescape")
        records = self.records(text)
        try:
            header_line, header = next(records)
        except StopIteration:  # pragma: no cover - a non-blank file has a record
            _fail(self.file, "the file is empty: expected an ACLED export (a CSV file with a header row)")
        self.check_encoding(header_line, header)
        columns = self.columns(header_line, header)
        rows: list[_Row] = []
        lines = text.count("\n") + 1 if self.progress is not None else 1
        for line, record in records:
            if self.progress is not None and not line % _EVERY:
                self.progress(_READING * line / lines)
            if len(self.problems) >= MAX_PROBLEMS:
                self.dropped += 1
                continue
            self.check_encoding(line, record)
            if len(record) != len(header):
                if len(record) < len(header):
                    self.error(
                        line,
                        len(record) + 1,
                        f"this row has {len(record)} fields but the header has {len(header)}: "
                        f"'{header[len(record)].strip()}' and the fields after it are missing",
                    )
                else:
                    self.error(
                        line,
                        len(header) + 1,
                        f"this row has {len(record)} fields but the header has {len(header)} "
                        "(a comma inside a field that is not quoted?)",
                    )
                continue
            row = self.row(line, record, columns)
            if row is not None:
                rows.append(row)
        if self.problems:
            raise self.stop()
        if not rows:
            _fail(self.file, "the export has a header but no events", header_line)
        return rows

    def check_encoding(self, line: int, record: list[str]) -> None:
        for i, value in enumerate(record):
            bad = next((c for c in value if "\udc80" <= c <= "\udcff"), None)
            if bad is not None:
                self.error(
                    line, i + 1, f"byte 0x{ord(bad) - 0xDC00:02x} is not valid UTF-8: export or save the file as UTF-8"
                )
                raise self.stop()

    def columns(self, line: int, header: list[str]) -> dict[str, int]:
        columns: dict[str, int] = {}
        known = set(REQUIRED) | set(OPTIONAL)
        for i, raw in enumerate(header):
            name = raw.strip().lower()
            name = ALIASES.get(name, name)
            if name not in known:
                continue
            if name in columns:
                self.error(line, i + 1, f"column '{name}' appears twice (first as column {columns[name] + 1})")
                continue
            columns[name] = i
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            found = ", ".join(h.strip() for h in header[:12]) + (", ..." if len(header) > 12 else "")
            self.error(
                line, 1, f"not an ACLED export: missing the column(s) {', '.join(missing)} (the header has: {found})"
            )
        if self.problems:
            raise self.stop()
        return columns

    def row(self, line: int, record: list[str], columns: dict[str, int]) -> _Row | None:
        # Names become one-line titles; only the notes keep their line breaks.
        fields = {name: _clean(record[i], keep_lines=name == "notes") for name, i in columns.items()}
        ok = True

        def bad(name: str, message: str) -> None:
            nonlocal ok
            ok = False
            self.error(line, columns[name] + 1, f"{name}: {message}")

        when = _parse_date(fields["event_date"])
        if when is None:
            bad("event_date", f"{fields['event_date']!r} is not a date: expected YYYY-MM-DD or DD-MM-YYYY")
        lat = self.coordinate(fields["latitude"], 90)
        if lat is None:
            bad("latitude", f"{fields['latitude']!r} is not a latitude: expected decimal degrees from -90 to 90")
        lon = self.coordinate(fields["longitude"], 180)
        if lon is None:
            bad("longitude", f"{fields['longitude']!r} is not a longitude: expected decimal degrees from -180 to 180")
        if not fields["location"]:
            bad("location", "is empty: every event needs the name of its place")
        if not fields["actor1"]:
            bad("actor1", "is empty: every ACLED event has a main actor")
        fatalities = None
        if fields.get("fatalities"):
            fatalities = _count(fields["fatalities"])
            if fatalities is None:
                bad("fatalities", f"{fields['fatalities']!r} is not a number of people (a whole number from 0)")
        if not ok:
            return None
        return _Row(line, when, fields, lat, lon, fatalities)  # type: ignore[arg-type]

    @staticmethod
    def coordinate(text: str, limit: float) -> float | None:
        try:
            value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
        except ValueError:
            return None
        return value if math.isfinite(value) and -limit <= value <= limit else None


def _clean(value: str, *, keep_lines: bool = False) -> str:
    value = _CONTROL.sub(" ", value)
    return value.strip() if keep_lines else " ".join(value.split())


def _parse_date(text: str) -> date | None:
    try:
        if m := _ISO_DATE.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY_DATE.match(text):
            return date(int(m[4]), int(m[3]), int(m[1]))
        if (m := _NAMED_DATE.match(text)) and m[2].lower() in _MONTHS:
            return date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    except ValueError:  # 31-02-2024
        return None
    return None


def _count(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0 or value != int(value) or value > 1e9:
        return None
    return int(value)


# -- from rows to a scenario ---------------------------------------------------


@dataclass
class _Faction:
    name: str
    inter: str = ""
    events: int = 0
    id: str = ""


@dataclass
class _Town:
    name: str
    lat: float
    lon: float
    id: str = ""


@dataclass
class _Source:
    name: str
    scales: Counter[str] = field(default_factory=Counter)  # from rows where it was the only source
    shared: Counter[str] = field(default_factory=Counter)  # from rows it shared with other sources
    events: int = 0
    id: str = ""

    @property
    def kind(self) -> str:
        scales = self.scales or self.shared
        return scales.most_common(1)[0][0] if scales else ""


@dataclass
class _Event:
    row: _Row
    town: _Town
    actors: list[_Faction]
    sources: list[_Source]
    territorial: bool


@dataclass
class _Export:
    events: list[_Event]
    factions: list[_Faction]
    towns: list[_Town]
    sources: list[_Source]
    countries: list[str]
    latest_update: str | None


def _build(rows: list[_Row]) -> _Export:
    # Exports usually list the newest event first: read such a file from the
    # bottom, so that a day's events keep the order ACLED gave them.
    if rows[0].when > rows[-1].when:
        rows = rows[::-1]
    rows = sorted(rows, key=lambda r: r.when)  # stable

    factions: dict[str, _Faction] = {}
    towns: dict[tuple[str, float, float], _Town] = {}
    sources: dict[str, _Source] = {}
    countries: Counter[str] = Counter()
    events: list[_Event] = []
    stamps: list[int] = []
    for row in rows:
        f = row.fields
        actors: list[_Faction] = []
        for name_key, inter_key in (("actor1", "inter1"), ("actor2", "inter2")):
            name = f.get(name_key, "")
            if not name or any(a.name == name for a in actors):
                continue
            faction = factions.setdefault(name, _Faction(name))
            faction.events += 1
            if not faction.inter:
                inter = f.get(inter_key, "")
                faction.inter = INTER_CODES.get(inter, inter)
            actors.append(faction)
        key = (f["location"], round(row.lat, 6), round(row.lon, 6))
        town = towns.setdefault(key, _Town(f["location"], row.lat, row.lon))
        names = list(dict.fromkeys(s.strip() for s in f.get("source", "").split(";") if s.strip()))
        row_sources = []
        for name in names:
            source = sources.setdefault(name, _Source(name))
            source.events += 1
            scale = f.get("source_scale", "")
            if scale:
                (source.scales if len(names) == 1 else source.shared)[scale] += 1
            row_sources.append(source)
        # exports before 2019 had no sub-event type, but event types like "Battle-Government regains territory"
        kind = f.get("sub_event_type") or f.get("event_type", "")
        territorial = any(t.lower() in kind.lower() for t in TERRITORIAL)
        events.append(_Event(row, town, actors, row_sources, territorial))
        if f.get("country"):
            countries[f["country"]] += 1
        if f.get("timestamp", "").isdigit():
            stamps.append(int(f["timestamp"]))

    _assign_ids(list(factions.values()), lambda a: a.name, "actor", reserved={"contested", "unknown"})
    _assign_ids(list(towns.values()), lambda t: f"{t.name}|{t.lat:.6f}|{t.lon:.6f}", "place", name=lambda t: t.name)
    _assign_ids(list(sources.values()), lambda s: s.name, "source")
    latest = None
    if stamps:
        try:
            latest = datetime.fromtimestamp(max(stamps), tz=UTC).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):
            latest = None
    return _Export(
        events=events,
        factions=sorted(factions.values(), key=lambda a: (-a.events, a.name)),
        towns=list(towns.values()),  # in order of first appearance
        sources=sorted(sources.values(), key=lambda s: (-s.events, s.name)),
        countries=[c for c, _ in countries.most_common()],
        latest_update=latest,
    )


def slug(text: str) -> str:
    """`military-forces-of-syria-2000-2024` for `Military Forces of Syria (2000-2024)`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = _SLUG_DROP.sub("-", ascii_text.lower()).strip("-")
    if len(out) > 48:
        out = out[:48].rsplit("-", 1)[0] if "-" in out[:48] else out[:48]
    return out


def _digest(text: str, n: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


class _HasId(Protocol):
    id: str


_T = TypeVar("_T", bound=_HasId)


def _assign_ids(
    items: Sequence[_T],
    key: Callable[[_T], str],
    prefix: str,
    *,
    reserved: Collection[str] = (),
    name: Callable[[_T], str] | None = None,
) -> None:
    """Ids from names: the same name always gives the same id.

    A name with no Latin letters or digits becomes `prefix-<hash>`; names that
    share a slug all get their hash appended, so no id depends on the order of
    the rows.
    """
    name = name or key
    base: dict[int, str] = {}
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        s = slug(name(item))
        if not s:
            s = f"{prefix}-{_digest(key(item), 8)}"
        elif s in reserved:
            s = f"{s}-{prefix}"
        base[i] = s
        groups.setdefault(s, []).append(i)
    taken: set[str] = {s for s, members in groups.items() if len(members) == 1}
    for s, members in groups.items():
        if len(members) == 1:
            items[members[0]].id = s
            continue
        for i in members:
            n = 6
            candidate = f"{s}-{_digest(key(items[i]), n)}"
            while candidate in taken:
                n += 2
                candidate = f"{s}-{_digest(key(items[i]), n)}"
            taken.add(candidate)
            items[i].id = candidate


# -- writing YAML --------------------------------------------------------------


def q(text: str) -> str:
    """`text` as a double-quoted YAML scalar: JSON's escapes plus YAML's non-printables."""
    out = json.dumps(text, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", out)


def _ident(text: str) -> str:
    """Ids bare when YAML would read them as the same text, quoted otherwise."""
    return text if _PLAIN.match(text) and text.lower() not in _YAML_WORDS else q(text)


def _num(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _title(event: _Event) -> str:
    f = event.row.fields
    what = f.get("sub_event_type") or f.get("event_type") or "Event"
    names = [a.name for a in event.actors]
    etype = f.get("event_type", "").lower()
    if event.territorial:  # actor1 takes the place; actor2, if any, is usually who held it
        who = f"{names[0]} in {f['location']}" + (f", from {names[1]}" if len(names) == 2 else "")
        return f"{what}: {who}"
    if len(names) == 2:
        joiner = (
            " vs "
            if etype.startswith("battle")
            else (
                " against "
                if etype in ("violence against civilians", "explosions/remote violence", "remote violence")
                else " and "
            )
        )
        who = joiner.join(names)
    else:
        who = names[0] if names else ""
    return f"{what}: {who} in {f['location']}" if who else f"{what} in {f['location']}"


def _text(event: _Event) -> str:
    f = event.row.fields
    parts = []
    if f.get("notes"):
        parts.append(f["notes"])
    facts = []
    if event.row.fatalities is not None:
        facts.append(f"Reported fatalities: {event.row.fatalities}.")
    assoc = [a.strip() for key in ("assoc_actor_1", "assoc_actor_2") for a in f.get(key, "").split(";") if a.strip()]
    if assoc:
        facts.append(f"Associated actors: {'; '.join(dict.fromkeys(assoc))}.")
    if f.get("civilian_targeting"):
        facts.append("Civilians were targeted.")
    place = ", ".join(
        dict.fromkeys(x for x in (f["location"], f.get("admin2", ""), f.get("admin1", ""), f.get("country", "")) if x)
    )
    note = GEO_PRECISION.get(f.get("geo_precision", ""))
    facts.append(f"Place: {place}" + (f" ({note})." if note else "."))
    if f.get("time_precision") in TIME_PRECISION:
        facts.append(TIME_PRECISION[f["time_precision"]])
    parts.append(" ".join(facts))
    return "\n\n".join(parts)


def _kind(event: _Event) -> str:
    f = event.row.fields
    what = (f.get("sub_event_type") or f.get("event_type") or "").strip()
    if not f.get("sub_event_type"):  # old exports: "Battle-Government regains territory"
        for t in TERRITORIAL:
            if t.lower() in what.lower():
                return KINDS[t.lower()]
    return KINDS.get(what.lower()) or slug(what)


def _summary(export: _Export, name: str) -> str:
    first, last = export.events[0].row.when, export.events[-1].row.when
    countries = export.countries
    where = ""
    if countries:
        shown = countries[:3]
        where = " in " + (", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0])
        if len(countries) > 3:
            where = " in " + ", ".join(shown) + f" and {len(countries) - 3} more countries"
    changes = sum(1 for e in export.events if e.territorial)
    updated = f" (data updated to {export.latest_update})" if export.latest_update else ""
    return (
        f"Imported from the ACLED export {name!r}{updated} by sitboard {__version__}: "
        f"{len(export.events)} events{where} from {first.isoformat()} to {last.isoformat()}, "
        f"at {len(export.towns)} places, with {len(export.factions)} actors and {len(export.sources)} sources. "
        f"Control changes only with ACLED's territorial sub-events ({'; '.join(TERRITORIAL)}: {changes} in this "
        "export), going to the event's first actor; until then a place's holder is unknown. " + ACLED_CREDIT
    )


def _write(export: _Export, name: str, sha256: str, progress: Progress | None = None) -> str:
    first, last = export.events[0].row.when, export.events[-1].row.when
    countries = export.countries
    if not countries:
        title = "ACLED events"
    elif len(countries) <= 2:
        title = "ACLED events: " + " and ".join(countries)
    else:
        title = f"ACLED events: {countries[0]} and {len(countries) - 1} more countries"
    period = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    out = [
        f"# Imported from the ACLED export {q(name)} by `sitboard import acled` (sitboard {__version__}).",
        "# " + ACLED_CREDIT,
        "sitboard: 1",
        f"title: {q(title)}",
        f"subtitle: {q(f'{period}, {len(export.events)} events')}",
        f"summary: {q(_summary(export, name))}",
        "x-acled:",
        f"  file: {q(name)}",
        f"  sha256: {q(sha256)}",
        f"  events: {len(export.events)}",
        f"  first: {q(first.isoformat())}",
        f"  last: {q(last.isoformat())}",
    ]
    if export.latest_update:
        out.append(f"  updated: {q(export.latest_update)}")
    out += [f"  importer: {q('sitboard ' + __version__)}", f"  terms: {q('https://acleddata.com/terms-of-use/')}"]
    out.append("factions:")
    for a in export.factions:
        line = f"  - {{id: {_ident(a.id)}, name: {q(a.name)}"
        out.append(line + (f", x-acled-inter: {q(a.inter)}}}" if a.inter else "}"))
    out.append("towns:")
    for t in export.towns:
        out.append(f"  - {{id: {_ident(t.id)}, name: {q(t.name)}, lat: {_num(t.lat)}, lon: {_num(t.lon)}}}")
    if export.sources:
        out.append("sources:")
        for s in export.sources:
            kind = f", kind: {q(s.kind)}" if s.kind else ""
            out.append(f"  - {{id: {_ident(s.id)}, name: {q(s.name)}{kind}}}")
    out.append("events:")
    count = len(export.events)
    for k, e in enumerate(export.events):
        if progress is not None and not k % _EVERY:
            progress(_READING + (1 - _READING) * k / count)
        f = e.row.fields
        out.append(f"  - time: {e.row.when.isoformat()}")
        out.append(f"    title: {q(_title(e))}")
        kind = _kind(e)
        if kind:
            out.append(f"    kind: {_ident(kind)}")
        out.append(f"    at: {_ident(e.town.id)}")
        if e.actors:
            out.append(f"    actors: [{', '.join(_ident(a.id) for a in e.actors)}]")
        if e.territorial and e.actors:
            out.append(f"    control: {{{_ident(e.town.id)}: {_ident(e.actors[0].id)}}}")
        if e.sources:
            out.append(f"    sources: [{', '.join(_ident(s.id) for s in e.sources)}]")
        out.append("    confidence: reported")
        out.append(f"    text: {q(_text(e))}")
        if f.get("event_id_cnty"):
            out.append(f"    x-acled-id: {q(f['event_id_cnty'])}")
    return "\n".join(out) + "\n"
