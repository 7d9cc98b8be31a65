"""What the UCDP and HXL imports share: reading a CSV table, rows skipped with a reason, places, and writing YAML.

Unlike the ACLED import, which refuses a file with one bad row, these keep
every row they can use and report each one they cannot, with its line and why
(a UCDP event known only to the country, an HXL row with no number of people):
such rows are normal in these datasets, not mistakes in the file. A file
that yields no event at all is an error.

Places without coordinates may be found by their place code (P-code) in a
gazetteer the user gives: a CSV with the columns `pcode`, `lat`, `lon` (and
`name`, optional), as OCHA's common operational datasets can be cut down to.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sitboard.feeds.acled import MAX_INPUT_BYTES, MAX_OUTPUT_BYTES, _assign_ids, _clean, _ident, _num, q
from sitboard.scenario.errors import Problem, ScenarioError
from sitboard.scenario.model import MAX_PCODE
from sitboard.scenario.userfile import read_bytes


class Skipped(NamedTuple):
    """A row left out, and why: printed as `file:line:1: skipped: why`."""

    line: int
    reason: str


class Imported(NamedTuple):
    """A scenario as YAML text, and the rows that are not in it."""

    text: str
    skipped: list[Skipped]


def fail(file: str, message: str, line: int = 1, column: int = 1) -> None:
    raise ScenarioError([Problem(file, line, column, "", message)])


def read_table(path: str | Path, expected: str) -> tuple[str, bytes]:
    """(the name the file is shown by, its bytes) for the CSV at `path`, or a `ScenarioError`."""
    data = read_bytes(
        path,
        limit=MAX_INPUT_BYTES,
        expected=expected,
        too_big=f"file is over {MAX_INPUT_BYTES // 2**20} MiB: filter it (by country or dates) first",
    )
    return str(path), data


def records(data: bytes, file: str, expected: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cleaned fields) of every row that is not blank, the header first; bad bytes or CSV are errors."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        fail(file, f"the file is empty: expected {expected}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        fail(file, f"byte 0x{data[exc.start]:02x} is not valid UTF-8: save the file as UTF-8", line)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            fail(file, f"not a readable CSV file: {exc}", reader.line_num or line)
        start, line = line, reader.line_num + 1
        if any(f.strip() for f in record):
            yield start, [_clean(f) for f in record]


def number(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None  # NaN fails both


# -- places -------------------------------------------------------------------


class Gazetteer(NamedTuple):
    """Place codes to (lat, lon), from the user's CSV."""

    places: dict[str, tuple[float, float]]

    @classmethod
    def read(cls, path: str | Path) -> Gazetteer:
        file, data = read_table(path, "a gazetteer (.csv with the columns pcode, lat, lon)")
        rows = records(data, file, "a gazetteer (a CSV file with the columns pcode, lat, lon)")
        _, header = next(rows)
        names = [h.strip().lower() for h in header]
        missing = [c for c in ("pcode", "lat", "lon") if c not in names]
        if missing:
            fail(file, f"not a gazetteer: missing the column(s) {', '.join(missing)} (expected pcode, lat, lon)")
        at = {c: names.index(c) for c in ("pcode", "lat", "lon")}
        places: dict[str, tuple[float, float]] = {}
        for line, row in rows:
            if len(row) != len(header):
                fail(file, f"this row has {len(row)} fields but the header has {len(header)}", line)
            lat, lon = number(row[at["lat"]], -90, 90), number(row[at["lon"]], -180, 180)
            if lat is None or lon is None:
                fail(file, f"{row[at['lat']]!r}, {row[at['lon']]!r} is not a latitude and longitude", line)
            places.setdefault(row[at["pcode"]].upper(), (lat, lon))  # type: ignore[arg-type]
        return cls(places)


@dataclass
class Place:
    name: str
    lat: float
    lon: float
    pcode: str | None = None
    id: str = ""


def pcode_of(text: str) -> str | None:
    """A place code as the format takes it (ASCII letters and digits), or None."""
    code = text.strip().upper()
    return code if code and code.isascii() and code.isalnum() and len(code) <= MAX_PCODE else None


class Places:
    """Towns by key, first seen first; ids from names (the same name, the same id)."""

    def __init__(self) -> None:
        self.by_key: dict[object, Place] = {}

    def add(self, key: object, place: Place) -> Place:
        return self.by_key.setdefault(key, place)

    def named(self) -> list[Place]:
        places = list(self.by_key.values())
        _assign_ids(places, lambda p: f"{p.name}|{p.pcode or ''}|{p.lat}|{p.lon}", "place", name=lambda p: p.name)
        return places


# -- writing ------------------------------------------------------------------


@dataclass
class Scenario:
    """What an import writes, in the order the format lists it."""

    comments: list[str]
    title: str
    subtitle: str
    summary: str
    factions: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    towns: list[Place] = field(default_factory=list)
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, kind)
    events: list[list[str]] = field(default_factory=list)  # each event's lines, "key: value" already written

    def yaml(self, file: str) -> str:
        out = [f"# {c}" for c in self.comments]
        out += [
            "sitboard: 1",
            f"title: {q(self.title)}",
            f"subtitle: {q(self.subtitle)}",
            f"summary: {q(self.summary)}",
        ]
        if self.factions:
            out.append("factions:")
            out += [f"  - {{id: {_ident(i)}, name: {q(n)}}}" for i, n in self.factions]
        out.append("towns:")
        for t in self.towns:
            code = f", pcode: {t.pcode}" if t.pcode else ""
            out.append(f"  - {{id: {_ident(t.id)}, name: {q(t.name)}, lat: {_num(t.lat)}, lon: {_num(t.lon)}{code}}}")
        if self.sources:
            out.append("sources:")
            out += [f"  - {{id: {_ident(i)}, name: {q(n)}, kind: {q(k)}}}" for i, n, k in self.sources]
        out.append("events:")
        for lines in self.events:
            out += [("  - " if j == 0 else "    ") + line for j, line in enumerate(lines)]
        text = "\n".join(out) + "\n"
        size = len(text.encode("utf-8"))
        if size > MAX_OUTPUT_BYTES:
            fail(
                file,
                f"the scenario would be {size / 1e6:.1f} MB, over the {MAX_OUTPUT_BYTES // 2**20} MiB sitboard reads",
            )
        return text


def ids(names: list[str], prefix: str) -> dict[str, str]:
    """An id for each name: the same name, the same id in every import."""

    @dataclass
    class Named:
        name: str
        id: str = ""

    items = [Named(n) for n in dict.fromkeys(names)]
    _assign_ids(items, lambda x: x.name, prefix)
    return {x.name: x.id for x in items}


def ident(text: str) -> str:
    return _ident(text)
