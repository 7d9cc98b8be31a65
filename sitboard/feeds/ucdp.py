"""Turn UCDP Georeferenced Event Dataset (GED) rows into a scenario.

UCDP codes each event of organized violence with its two sides, a date range
(`date_start`, `date_end`, and how exact they are, `date_prec`), a place with
how exact it is (`where_prec`), deaths as a best estimate between a low and a
high one, and the news sources it was coded from. Each row becomes an event:
its sides are factions, its range `time`/`until`, its place a town with the
format's place `precision`, its deaths `{best, low, high}`, its sources kept.
UCDP says nothing about who holds a place, so nothing changes hands and every
town starts `unknown`.

A row placed no better than a region larger than a province, the country, or
international waters (`where_prec` 5 to 7) is skipped: the board draws events
at places. So is a row whose date, coordinates or deaths cannot be read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from sitboard import __version__
from sitboard.feeds.acled import _parse_date, q
from sitboard.feeds.table import (
    Imported,
    Place,
    Places,
    Scenario,
    Skipped,
    fail,
    ident,
    ids,
    number,
    read_table,
    records,
)

REQUIRED = ("date_start", "side_a", "side_b", "latitude", "longitude", "where_prec", "best")
PRECISION = {"1": None, "2": "near", "3": "district", "4": "province"}
TOO_COARSE = {
    "5": "only a region larger than a province, or a line between places, is known",
    "6": "only the country is known",
    "7": "the event was in international waters or airspace",
}
DATE_PREC = {
    "2": "UCDP: the date is known to within 2 to 6 days.",
    "3": "UCDP: the date is known to within a week.",
    "4": "UCDP: the date is known to within a month.",
    "5": "UCDP: the date is known to within a year or more.",
}
VIOLENCE = {"1": "state-based", "2": "non-state", "3": "one-sided"}
CREDIT = (
    "Data: UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program, https://ucdp.uu.se "
    "(Sundberg and Melander 2013, Journal of Peace Research 50(4)); cite it as UCDP asks."
)


class _Row(NamedTuple):
    start: date
    line: int
    fields: dict[str, str]
    until: str  # '' for one day
    place: Place


def import_ucdp(path: str | Path) -> Imported:
    file, data = read_table(path, "a UCDP GED file (.csv)")
    rows = records(data, file, "a UCDP GED file (a CSV file with a header row)")
    header_line, header = next(rows)
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        fail(file, f"not a UCDP GED file: missing the column(s) {', '.join(missing)}", header_line)
    col = {n: i for i, n in reversed(list(enumerate(names)))}
    skipped: list[Skipped] = []
    kept: list[_Row] = []
    places = Places()
    for line, row in rows:
        if len(row) != len(header):
            skipped.append(Skipped(line, f"it has {len(row)} fields but the header has {len(header)}"))
            continue
        f = {n: row[i] for n, i in col.items()}
        reason = _unusable(f)
        if reason:
            skipped.append(Skipped(line, reason))
            continue
        start = _parse_date(f["date_start"][:10])
        end = _parse_date(f.get("date_end", "")[:10]) or start
        assert start is not None and end is not None  # _unusable checked them
        place = places.add(
            (f.get("where_coordinates", ""), f["latitude"], f["longitude"]),
            Place(
                f.get("where_coordinates") or f.get("adm_1") or f"{f['latitude']}, {f['longitude']}",
                float(f["latitude"]),
                float(f["longitude"]),
            ),
        )
        kept.append(_Row(start, line, f, end.isoformat() if end != start else "", place))
    if not kept:
        fail(file, f"no row could be used ({len(skipped)} skipped): run it again to see why each was", header_line)
    kept.sort(key=lambda r: (r.start, r.line))
    towns = places.named()  # gives each place its id
    sides = ids([f[s] for f in (r.fields for r in kept) for s in ("side_a", "side_b") if _is_side(f, s)], "side")
    offices = ids([o for f in (r.fields for r in kept) for o in _offices(f)], "source")
    scenario = Scenario(
        comments=[
            f"Imported from the UCDP GED file {Path(file).name!r} by `sitboard import ucdp` (sitboard {__version__}).",
            CREDIT,
        ],
        title="UCDP GED events" + (f": {countries}" if (countries := _countries(kept)) else ""),
        subtitle=f"{kept[0].start.isoformat()} to {max(r.until or r.start.isoformat() for r in kept)}, {len(kept)} events",
        summary=(
            f"{len(kept)} events of organized violence from the UCDP Georeferenced Event Dataset, at {len(towns)} "
            f"places ({len(skipped)} rows skipped). UCDP does not say who holds a place: no town changes hands, "
            "and every town's holder is unknown. " + CREDIT
        ),
        factions=[(i, n) for n, i in sides.items()],
        towns=towns,
        sources=[("ucdp-ged", "UCDP Georeferenced Event Dataset (GED)", "dataset")]
        + [(i, n, "news source (as UCDP cites it)") for n, i in offices.items()],
    )
    for r in kept:
        scenario.events.append(_event(r.fields, r.start, r.until, r.place.id, sides, offices))
    return Imported(scenario.yaml(file), skipped)


def _unusable(f: dict[str, str]) -> str:
    """Why a row cannot be an event, or ''."""
    return _when_unusable(f) or _where_unusable(f) or _deaths_unusable(f) or ("" if f["side_a"] else "side_a is empty")


def _when_unusable(f: dict[str, str]) -> str:
    start = _parse_date(f["date_start"][:10])
    if start is None:
        return f"date_start {f['date_start']!r} is not a date"
    end = f.get("date_end", "")
    if end and ((last := _parse_date(end[:10])) is None or last < start):
        return f"date_end {end!r} is not a date on or after date_start"
    return ""


def _where_unusable(f: dict[str, str]) -> str:
    prec = f["where_prec"].strip()
    if prec in TOO_COARSE:
        return f"where_prec {prec}: {TOO_COARSE[prec]}"
    if prec not in PRECISION:
        return f"where_prec {prec!r} is not one of UCDP's codes 1 to 7"
    if number(f["latitude"], -90, 90) is None or number(f["longitude"], -180, 180) is None:
        return f"{f['latitude']!r}, {f['longitude']!r} is not a latitude and longitude"
    return ""


def _deaths_unusable(f: dict[str, str]) -> str:
    best, low, high = (_whole(f.get(k, "")) for k in ("best", "low", "high"))
    if best is None:
        return f"best {f['best']!r} is not a number of deaths"
    if low is None and high is None:
        return ""
    if low is None or high is None or not low <= best <= high:
        return f"deaths best {f['best']}, low {f.get('low', '')}, high {f.get('high', '')}: best is not between them"
    return ""


def _whole(text: str) -> int | None:
    value = number(text, 0, 1e10)
    return int(value) if value is not None and value == int(value) else None


def _is_side(f: dict[str, str], side: str) -> bool:
    """Civilians are the victims of one-sided violence, not a side that holds ground."""
    return bool(f[side]) and not (side == "side_b" and f.get("type_of_violence") == "3")


def _offices(f: dict[str, str]) -> list[str]:
    return [o.strip() for o in f.get("source_office", "").split(";") if o.strip()]


def _countries(kept: list[_Row]) -> str:
    found = list(dict.fromkeys(f.get("country", "") for f in (r.fields for r in kept) if f.get("country")))
    return " and ".join(found) if len(found) <= 2 else f"{found[0]} and {len(found) - 1} more countries"


def _event(
    f: dict[str, str], start: date, until: str, town: str, sides: dict[str, str], offices: dict[str, str]
) -> list[str]:
    violence = VIOLENCE.get(f.get("type_of_violence", ""), "")
    actors = [sides[f[s]] for s in ("side_a", "side_b") if _is_side(f, s)]
    title = f"{f['side_a']} – {f['side_b']}" if f["side_b"] else f["side_a"]
    where = f.get("where_coordinates") or f.get("adm_1") or ""
    lines = [f"time: {start.isoformat()}"]
    if until:
        lines.append(f"until: {until}")
    lines.append(f"title: {q(f'{title}, {where}' if where else title)}")
    if violence:
        lines.append(f"kind: {violence}")
    lines.append(f"at: {ident(town)}")
    precision = PRECISION[f["where_prec"].strip()]
    if precision:
        lines.append(f"precision: {precision}")
    lines.append(f"actors: [{', '.join(ident(a) for a in actors)}]")
    best, low, high = (_whole(f.get(k, "")) for k in ("best", "low", "high"))
    lines.append(f"deaths: {{best: {best}, low: {low}, high: {high}}}" if low is not None else f"deaths: {best}")
    srcs = [offices[o] for o in _offices(f)] + ["ucdp-ged"]
    lines.append(f"sources: [{', '.join(ident(s) for s in dict.fromkeys(srcs))}]")
    lines.append("confidence: reported")
    headline = f.get("source_headline", "")
    text = [headline + ("" if not headline or headline[-1] in ".!?" else ".")]
    if f.get("where_description"):
        text.append(f"Place: {f['where_description']}.")
    if DATE_PREC.get(f.get("date_prec", "")):
        text.append(DATE_PREC[f["date_prec"]])
    who = (f["side_a"], f["side_b"] or "side B", "civilians", "unknown")
    by = [(w, f.get(k, "")) for w, k in zip(who, ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))]
    if any(v for _, v in by):
        text.append("Deaths by UCDP's count: " + ", ".join(f"{w} {v}" for w, v in by if v) + ".")
    if f.get("id"):
        text.append(f"UCDP GED event {f['id']}.")
    lines.append(f"text: {q(' '.join(t for t in text if t))}")
    return lines
