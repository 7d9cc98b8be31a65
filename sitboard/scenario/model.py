"""The scenario as the rest of sitboard sees it: plain, immutable, validated data.

Everything here has already passed the loader, so ids resolve, times are ordered
and defaults are filled in. Positions (`Mark`) are kept so that later checks and
the live-reload error bar can still point into the user's file.

Records are NamedTuples, as Textual's and Rich's are: creating the class costs
a tenth of a dataclass's (start-up time), and making an instance a fraction of
a frozen dataclass's (loading 20,000 events). Two records compare equal when
every field does, positions in the file included. The scenario itself is a
plain class, for its cached lookup tables.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cached_property
from typing import Literal, NamedTuple

CONTESTED = "contested"
UNKNOWN = "unknown"
RESERVED_HOLDERS = (CONTESTED, UNKNOWN)

TownKind = Literal["city", "town", "village", "region"]
TOWN_KINDS: tuple[str, ...] = ("city", "town", "village", "region")
LineKind = Literal["road", "river", "border", "front", "other"]
LINE_KINDS: tuple[str, ...] = ("road", "river", "border", "front", "other")
CONFIDENCES: tuple[str, ...] = ("confirmed", "reported", "claimed", "disputed")
# The most people a `population` or a flow's `people` may give: more than live
# on Earth, and small enough that every total sitboard adds up can be printed.
MAX_PEOPLE = 10**10


class Mark(NamedTuple):
    """A 1-based line and column in the scenario file."""

    line: int
    column: int


class Faction(NamedTuple):
    id: str
    name: str
    color: str
    mark: str
    color_given: bool = False


class Town(NamedTuple):
    id: str
    name: str
    lat: float
    lon: float
    kind: str = "town"
    population: int | None = None
    control: str = UNKNOWN


class Source(NamedTuple):
    id: str
    name: str
    kind: str | None = None
    url: str | None = None


class Place(NamedTuple):
    """Where an event happened: a town or a bare coordinate."""

    lat: float
    lon: float
    town: str | None = None


class Flow(NamedTuple):
    origin: str
    destination: str
    people: int | None = None
    estimate: str | None = None


class EventTime(NamedTuple):
    """An ISO 8601 time as the author wrote it, plus the instant that orders it.

    Dates sort as midnight; naive date-times are treated as UTC for ordering only,
    so a file that mixes offsets and naive times still has one total order.
    Make one with `EventTime.of`, which works the key out.
    """

    text: str
    value: date | datetime
    sort_key: datetime

    @classmethod
    def of(cls, text: str, value: date | datetime) -> EventTime:
        """Raises OverflowError for a time whose UTC instant is out of range (0001-01-01T00:00+01:00)."""
        if not isinstance(value, datetime):
            key = datetime(value.year, value.month, value.day, tzinfo=UTC)
        elif value.tzinfo is None:
            key = value.replace(tzinfo=UTC)
        else:
            key = value.astimezone(UTC)
        return cls(text, value, key)

    @property
    def has_clock(self) -> bool:
        return isinstance(self.value, datetime)

    @property
    def day(self) -> date:
        v = self.value
        return v.date() if isinstance(v, datetime) else v


class Event(NamedTuple):
    index: int  # type: ignore[assignment]  # 0-based position in the file (step k is index k-1); shadows tuple.index
    time: EventTime
    title: str
    text: str | None = None
    kind: str | None = None
    at: Place | None = None
    actors: tuple[str, ...] = ()
    control: tuple[tuple[str, str], ...] = ()  # (town id, new holder) in file order
    flows: tuple[Flow, ...] = ()
    sources: tuple[str, ...] = ()
    confidence: str | None = None
    mark: Mark | None = None  # where the event starts in the file, for messages


class Bounds(NamedTuple):
    west: float
    south: float
    east: float
    north: float


class MapLine(NamedTuple):
    name: str
    kind: str
    points: tuple[tuple[float, float], ...]  # (lat, lon)
    via: tuple[str, ...] = ()


class MapSettings(NamedTuple):
    bounds: Bounds | None = None
    lines: tuple[MapLine, ...] = ()


class Scenario:
    """A validated scenario, immutable once made; its lookup tables are built on first use.

    A plain class: a dataclass costs half a millisecond of every start-up to
    define, and this one needs its own __dict__ for the cached tables anyway.
    """

    path: str
    title: str
    factions: tuple[Faction, ...]
    towns: tuple[Town, ...]
    subtitle: str | None
    summary: str | None
    map: MapSettings
    sources: tuple[Source, ...]
    events: tuple[Event, ...]
    # towns given without lat/lon, placed from the gazetteer: (town id, what it matched)
    resolved: tuple[tuple[str, str], ...]

    def __init__(
        self,
        path: str,
        title: str,
        factions: tuple[Faction, ...],
        towns: tuple[Town, ...],
        subtitle: str | None = None,
        summary: str | None = None,
        map: MapSettings = MapSettings(),  # noqa: B008 - an immutable tuple
        sources: tuple[Source, ...] = (),
        events: tuple[Event, ...] = (),
        resolved: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.__dict__.update(path=path, title=title, factions=factions, towns=towns, subtitle=subtitle,
                             summary=summary, map=map, sources=sources, events=events, resolved=resolved)

    _FIELDS = ("path", "title", "factions", "towns", "subtitle", "summary", "map", "sources", "events", "resolved")

    def _values(self) -> tuple[object, ...]:
        return tuple(self.__dict__[name] for name in self._FIELDS)

    def replace(self, **changes: object) -> Scenario:
        """A copy with some fields changed."""
        return Scenario(**{**dict(zip(self._FIELDS, self._values())), **changes})  # type: ignore[arg-type]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Scenario cannot be changed (setting {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Scenario cannot be changed (deleting {name!r})")

    def __eq__(self, other: object) -> bool:
        return self._values() == other._values() if isinstance(other, Scenario) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (f"Scenario(path={self.path!r}, title={self.title!r}, {len(self.factions)} factions, "
                f"{len(self.towns)} towns, {len(self.events)} events)")

    @cached_property
    def town_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.towns)}

    @cached_property
    def faction_by_id(self) -> dict[str, Faction]:
        return {f.id: f for f in self.factions}

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    def town(self, town_id: str) -> Town:
        return self.towns[self.town_index[town_id]]
