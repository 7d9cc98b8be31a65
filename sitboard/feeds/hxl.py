"""Turn an HXL-tagged displacement table into a scenario of flows.

HXL (the Humanitarian Exchange Language, hxlstandard.org) puts a row of
hashtags under (or instead of) a table's header: `#date`, `#adm1+name+origin`,
`#affected+idps+ind`. Columns are found by hashtag, not by header text, so one
reader takes IOM DTM and UNHCR tables from HDX whatever their language or
column order. A tag asked for matches a column with that hashtag and at least
those attributes, in any order (`#affected+idps` matches `#affected+ind+idps`).

Each row with an origin, a destination and a number of people becomes a flow;
the rows of one date (one round) make one event. Places come from the finest
level given on each side (`#loc`, then `#adm4` to `#adm1`): the name (`+name`,
or the bare hashtag), the place code (`+code` or `+pcode`), and coordinates
(`#geo+lat+origin` / `#geo+lon+origin`, and `+dest`; a bare `#geo+lat` is taken
as the destination's, where the people are counted). A place with a code but no
coordinates is placed from the user's gazetteer. A row left out (no origin,
no number, no place that can be placed) is reported with its line and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from sitboard import __version__
from sitboard.feeds.acled import _parse_date, q
from sitboard.feeds.table import (
    Gazetteer,
    Imported,
    Place,
    Places,
    Scenario,
    Skipped,
    fail,
    ident,
    number,
    pcode_of,
    read_table,
    records,
)

LEVELS = ("#loc", "#adm5", "#adm4", "#adm3", "#adm2", "#adm1")  # finest first
SIDES = {"origin": ("origin",), "dest": ("dest", "destination")}
PEOPLE = (("#affected", "idps"), ("#affected",), ("#population", "idps"))
MAX_HEADER_ROWS = 25  # where the hashtag row may be: after a few rows of titles


class Tag(NamedTuple):
    hashtag: str
    attributes: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Tag | None:
        parts = text.strip().lower().replace(" ", "").split("+")
        if not parts[0].startswith("#") or len(parts[0]) < 2:
            return None
        return cls(parts[0], frozenset(p for p in parts[1:] if p))


class Columns:
    """The columns of one hashtag row, found by tag."""

    def __init__(self, tags: list[Tag | None]) -> None:
        self.tags = tags

    def find(self, hashtag: str, *attributes: str, without: tuple[str, ...] = ()) -> int | None:
        for i, tag in enumerate(self.tags):
            if (
                tag is not None
                and tag.hashtag == hashtag
                and tag.attributes >= set(attributes)
                and not tag.attributes & set(without)
            ):
                return i
        return None

    def side(self, hashtag: str, side: str, *attributes: str) -> int | None:
        for word in SIDES[side]:
            if (i := self.find(hashtag, word, *attributes)) is not None:
                return i
        return None


class _Side(NamedTuple):
    level: str
    name: int | None
    code: int | None
    lat: int | None
    lon: int | None


def import_hxl(path: str | Path, gazetteer: Gazetteer | None = None) -> Imported:
    file, data = read_table(path, "an HXL-tagged table (.csv)")
    rows = records(data, file, "an HXL-tagged table (a CSV file with a row of hashtags)")
    found = _hashtag_row(rows, file)
    line, columns = found
    when = columns.find("#date")
    people = next((i for tag in PEOPLE if (i := columns.find(*tag)) is not None), None)
    sides = {side: _side(columns, side) for side in SIDES}
    missing = [
        what
        for what, col in (
            ("#date", when),
            ("#affected+idps (a number of people)", people),
            ("an origin (such as #adm1+name+origin or #loc+origin)", sides["origin"]),
            ("a destination (such as #adm1+name+dest or #loc+dest)", sides["dest"]),
        )
        if col is None
    ]
    if missing:
        fail(file, f"the hashtag row lacks {'; '.join(missing)}: a flow needs them all", line)
    assert when is not None and people is not None
    origin, dest = sides["origin"], sides["dest"]
    assert origin is not None and dest is not None
    skipped: list[Skipped] = []
    places = Places()
    kept: list[tuple[date, int, Place, Place, int]] = []
    for row_line, cells in rows:
        row = cells + [""] * (len(columns.tags) - len(cells))
        day = _parse_date(row[when][:10])
        count = number(row[people].replace(",", ""), 0, 1e10)
        if day is None:
            skipped.append(Skipped(row_line, f"#date {row[when]!r} is not a date"))
        elif count is None or count != int(count):
            skipped.append(Skipped(row_line, f"{row[people]!r} is not a number of people"))
        else:
            a, why_a = _place(row, origin, places, gazetteer)
            b, why_b = _place(row, dest, places, gazetteer)
            if a is None or b is None:
                skipped.append(Skipped(row_line, f"the {'origin' if a is None else 'destination'} {why_a or why_b}"))
            elif a is b:
                skipped.append(Skipped(row_line, f"origin and destination are the same place ({a.name!r})"))
            else:
                kept.append((day, row_line, a, b, int(count)))
    if not kept:
        fail(file, f"no row could be used ({len(skipped)} skipped): run it again to see why each was", line)
    kept.sort(key=lambda k: (k[0], k[1]))
    towns = places.named()
    name = Path(file).name
    days = list(dict.fromkeys(k[0] for k in kept))
    scenario = Scenario(
        comments=[f"Imported from the HXL table {name!r} by `sitboard import hxl` (sitboard {__version__})."],
        title=f"Displacement: {name}",
        subtitle=f"{days[0].isoformat()} to {days[-1].isoformat()}, {len(kept)} flows",
        summary=(
            f"{len(kept)} flows of people between {len(towns)} places from the HXL table {name!r} "
            f"({len(skipped)} rows skipped), one event per date. The table says nothing about who holds a "
            "place: every town's holder is unknown."
        ),
        # The format needs a faction; the table names no party, and says so.
        factions=[("none-named", "No party named (a displacement table names none)")],
        towns=towns,
        sources=[("table", f"HXL table {name}", "displacement data (HXL)")],
    )
    for day in days:
        flows = [k for k in kept if k[0] == day]
        total = sum(k[4] for k in flows)
        lines = [f"time: {day.isoformat()}", f"title: {q(f'Displacement reported on {day.isoformat()}')}"]
        lines.append("kind: displacement")
        lines.append("flows:")
        lines += [f"  - {{from: {ident(a.id)}, to: {ident(b.id)}, people: {n}}}" for _, _, a, b, n in flows]
        lines += ["sources: [table]", "confidence: reported"]
        rows_said = ", ".join(str(k[1]) for k in flows)
        lines.append(
            f"text: {q(f'{len(flows)} flow(s), {total:,} people in all, from the table (line(s) {rows_said}).')}"
        )
        scenario.events.append(lines)
    return Imported(scenario.yaml(file), skipped)


def _hashtag_row(rows: Iterator[tuple[int, list[str]]], file: str) -> tuple[int, Columns]:
    """The line and columns of the first row that is mostly hashtags (HXL puts it under the header)."""
    for n, (line, row) in enumerate(rows):
        tags = [Tag.parse(cell) for cell in row]
        filled = [c for c in row if c.strip()]
        if filled and sum(t is not None for t in tags) * 2 > len(filled):
            return line, Columns(tags)
        if n + 1 >= MAX_HEADER_ROWS:
            break
    fail(
        file,
        f"no row of HXL hashtags (such as #date, #adm1+name) in the first {MAX_HEADER_ROWS} rows: is it HXL-tagged?",
    )
    raise AssertionError  # pragma: no cover - fail raises


def _side(columns: Columns, side: str) -> _Side | None:
    for level in LEVELS:
        name = columns.side(level, side, "name")
        if name is None:
            name = columns.side(level, side)
            name = name if name is not None and not columns.tags[name].attributes & {"code", "pcode"} else None  # type: ignore[union-attr]
        code = columns.side(level, side, "code")
        code = code if code is not None else columns.side(level, side, "pcode")
        if name is not None or code is not None:
            lat = columns.side("#geo", side, "lat")
            lon = columns.side("#geo", side, "lon")
            if side == "dest" and lat is None:
                lat, lon = (
                    columns.find("#geo", "lat", without=("origin",)),
                    columns.find("#geo", "lon", without=("origin",)),
                )
            return _Side(level, name, code, lat, lon)
    return None


def _place(row: list[str], side: _Side, places: Places, gazetteer: Gazetteer | None) -> tuple[Place | None, str]:
    name = row[side.name] if side.name is not None else ""
    code = pcode_of(row[side.code]) if side.code is not None else None
    if side.code is not None and row[side.code] and code is None:
        return None, f"place code {row[side.code]!r} is not letters and digits"
    if not name and code is None:
        return None, f"is empty ({side.level})"
    key = code or name.lower()
    if key in places.by_key:
        return places.by_key[key], ""
    lat = number(row[side.lat], -90, 90) if side.lat is not None else None
    lon = number(row[side.lon], -180, 180) if side.lon is not None else None
    if lat is None or lon is None:
        if code is None:
            return None, f"{name!r} has no coordinates and no place code to find it by"
        if gazetteer is None:
            return None, f"{name or code!r} has no coordinates: give --gazetteer with its place code {code}"
        if code not in gazetteer.places:
            return None, f"place code {code} is not in the gazetteer"
        lat, lon = gazetteer.places[code]
    return places.add(key, Place(name or code or "", lat, lon, code)), ""
