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

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
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

# Extensions of format v1 (optional keys; docs/scenario-format.md).
HELD = "held"
MIXED = "mixed"
CONTROL_STATES: tuple[str, ...] = (HELD, "besieged", "encircled", MIXED, "truce")
PRECISIONS: tuple[str, ...] = ("exact", "near", "district", "province")
COMPASS: tuple[str, ...] = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")  # clockwise from north
# Every word `toward:` and a siege's `from:` accept, to its short form.
COMPASS_WORDS: dict[str, str] = {
    **{c: c for c in COMPASS},
    **dict(zip(("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"), COMPASS)),
}
MAX_KM = 20_000  # about half the Earth's circumference: any point is nearer than this
MAX_PARTIES = 10  # factions named in one `by`, `with` or `present`
MAX_DESTINATIONS = 5
MAX_FOCUS = 1_000  # towns one camera frames
MAX_PCODE = 32  # characters of a place code (HDX P-codes have at most about 15)


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


class Control(NamedTuple):
    """Who holds a town, and how: a siege, an encirclement, a truce, mixed control, others present.

    Most towns are simply held: those share one record per holder
    (`plain_control`), so that a timeline of 20,000 towns holds a pointer per
    town, not a record. `holder` is the one id every older part of sitboard
    reads; for a mixed town it is the first of `holders`, for colour only:
    counting code must look at `state` and never credit a mixed town to it.
    Lists other than `holders` are in a canonical order (factions as the file
    lists them, directions clockwise from north), so that restating a value in
    another order is not a change; `restates` also forgives a new order of
    `holders`, whose order only picks the fallback colour.
    """

    holder: str
    state: str = HELD
    by: tuple[str, ...] = ()  # besieging or encircling factions
    from_: tuple[str, ...] = ()  # where a siege comes from: short compass words
    holders: tuple[str, ...] = ()  # the 2-3 holders of a mixed town, as listed
    with_: tuple[str, ...] = ()  # the other parties of a truce
    present: tuple[str, ...] = ()  # factions present without control

    @property
    def is_plain(self) -> bool:
        return self.state == HELD and not self.present

    @property
    def is_mixed(self) -> bool:
        return self.state == MIXED

    def restates(self, other: Control) -> bool:
        """Whether `other` says the same as this record: equal, or the same mixed holders in another order."""
        if self is other or self == other:
            return True
        return (
            self.state == MIXED == other.state
            and sorted(self.holders) == sorted(other.holders)
            and self._replace(holder="", holders=()) == other._replace(holder="", holders=())
        )


_PLAIN: dict[str, Control] = {}


def plain_control(holder: str) -> Control:
    """The shared record of a town simply held by `holder`."""
    found = _PLAIN.get(holder)
    if found is None:
        if len(_PLAIN) >= 4096:  # ids of every scenario a long-lived process reads: keep it bounded
            _PLAIN.clear()
        found = _PLAIN[holder] = Control(holder)
    return found


def full_control(holder: str, state: Control | None) -> Control:
    """The record behind a (holder, state) pair as towns, events and changes keep them: None is plain."""
    return plain_control(holder) if state is None else state


class Town(NamedTuple):
    id: str
    name: str
    lat: float
    lon: float
    kind: str = "town"
    population: int | None = None
    control: str = UNKNOWN
    pcode: str | None = None
    # The start control when it is more than a plain holding of `control`.
    control_state: Control | None = None


class Source(NamedTuple):
    id: str
    name: str
    kind: str | None = None
    url: str | None = None
    affiliation: str | None = None  # a faction the source is close to


class Offset(NamedTuple):
    """A place given as a distance and a direction from a town ("5 km N of Homs")."""

    town: str
    km: float
    toward: str  # a short compass word


class Place(NamedTuple):
    """Where an event happened: a town, a bare coordinate, or a point near a town.

    `town` is set only when it happened at the town itself; a point near one
    keeps its town in `offset`, so older code sees it as the coordinate it is.
    """

    lat: float
    lon: float
    town: str | None = None
    offset: Offset | None = None


class Flow(NamedTuple):
    """People leaving a town; one figure, however many destinations share it."""

    origin: str
    destination: str  # the first destination
    people: int | None = None
    estimate: str | None = None
    also_to: tuple[str, ...] = ()  # further destinations that share the one figure

    @property
    def destinations(self) -> tuple[str, ...]:
        """Every destination, in file order."""
        return (self.destination, *self.also_to) if self.also_to else (self.destination,)


def place_near(lat: float, lon: float, offset: Offset) -> Place:
    """The point `offset` describes, from its town at (lat, lon), computed on the sphere."""
    from sitboard.scenario.sphere import destination_point  # only for files that use the form

    where = destination_point(lat, lon, offset.km, COMPASS.index(offset.toward) * 45.0)
    return Place(where[0], where[1], None, offset)


class Deaths(NamedTuple):
    """Fatalities as UCDP gives them: a best estimate, and a low and high one when known."""

    best: int
    low: int | None = None
    high: int | None = None

    def said(self, *, dash: str = "–") -> str:
        """As UCDP's users read it: `best 12 (5–20)`, or the one figure when there is no range."""
        if self.low is None or self.high is None:
            return f"{self.best:,}"
        return f"best {self.best:,} ({self.low:,}{dash}{self.high:,})"


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

    def ends_before(self, start: EventTime) -> bool:
        """Whether a range that ends at this time (an event's `until`) would end before `start`.

        A date as the end includes its whole day; a date as the start is its midnight.
        """
        if self.has_clock:
            return self.sort_key < start.sort_key
        try:
            return self.sort_key + timedelta(days=1) <= start.sort_key
        except OverflowError:  # 9999-12-31: its day ends after the last instant there is
            return False


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def instant(sort_key: datetime) -> int:
    """An event time's order as an integer: microseconds since 1970 UTC (exact for years 1 to 9999, unlike a float)."""
    return (sort_key - _EPOCH) // _MICROSECOND


class Bounds(NamedTuple):
    west: float
    south: float
    east: float
    north: float


class Camera(NamedTuple):
    """What the map frames at one step (`view:`): some towns with a margin, or fixed bounds."""

    focus: tuple[str, ...] = ()
    margin_km: float = 20.0
    bounds: Bounds | None = None


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
    notes: str | None = None  # for the briefer only: never shown to the room
    view: Camera | None = None
    until: EventTime | None = None  # the end of a time range that starts at `time`
    precision: str = "exact"  # how exact `at` is
    deaths: Deaths | None = None
    # Parallel to `control` when any of its values is more than a plain holder, else empty.
    control_states: tuple[Control, ...] = ()

    def controls(self) -> tuple[tuple[str, Control], ...]:
        """(town id, full control record) for each entry of `control`."""
        if self.control_states:
            return tuple((town, state) for (town, _), state in zip(self.control, self.control_states))
        return tuple((town, plain_control(holder)) for town, holder in self.control)


class ControlColumns(NamedTuple):
    """Every control change of a timeline, in file order, as parallel columns.

    Columns rather than a record per change: a stored scenario reads each
    column whole (`scenario/store.py`), and 90,000 changes are then four
    lists, not 90,000 tuples built to be taken apart again.
    """

    steps: Sequence[int]  # the event's number (1-based), in order
    towns: Sequence[str]  # the town's id
    holders: Sequence[str]
    records: Sequence[Control | None]  # the full record when it is more than a plain holding


class EventColumns(NamedTuple):
    """What the timeline needs of every event, column by column, without the events themselves.

    A stored scenario (`scenario/store.py`) reads these straight from its
    tables, so that opening 300,000 events builds no 300,000 records; for
    events in memory `event_columns` works them out in one pass.
    """

    times: Sequence[int]  # each event's `instant`, in file order
    controls: ControlColumns
    flows: Sequence[tuple[int, Flow]]  # (step, flow), in file order
    # the few events with a camera or a range: (step, camera) and (step, end), in file order;
    # the board places its cameras and the strip its ranges without building every record
    views: Sequence[tuple[int, Camera]] = ()
    untils: Sequence[tuple[int, EventTime]] = ()


def event_columns(events: Sequence[Event]) -> EventColumns:
    """The columns of `events`: a stored sequence's own (its `columns()`), else worked out from the records.

    Worked out, they are kept for the last events asked about: a board that
    has just read a file asks four times (the timeline, the strip's ticks and
    ranges, the cameras), 0.3 s each at 300,000 events. Nobody changes the
    lists handed out.
    """
    stored = getattr(events, "columns", None)
    if stored is not None:
        found: EventColumns = stored()
        return found
    kept = _kept_columns
    if kept and kept[0][0] is events:
        return kept[0][1]
    found = _worked_out(events)
    kept[:] = [(events, found)]
    return found


_kept_columns: list[tuple[Sequence[Event], EventColumns]] = []  # the last events worked out, with their columns


def _worked_out(events: Sequence[Event]) -> EventColumns:
    """`event_columns` from the records, one pass over them."""
    times: list[int] = []
    steps: list[int] = []
    towns: list[str] = []
    holders: list[str] = []
    records: list[Control | None] = []
    flows: list[tuple[int, Flow]] = []
    views: list[tuple[int, Camera]] = []
    untils: list[tuple[int, EventTime]] = []
    keys: dict[datetime, int] = {}  # a long timeline repeats its times
    for step, e in enumerate(events, start=1):
        key = e.time.sort_key
        t = keys.get(key)
        if t is None:
            t = keys[key] = instant(key)
        times.append(t)
        if e.control:
            states = e.control_states
            for k, (town, holder) in enumerate(e.control):
                steps.append(step)
                towns.append(town)
                holders.append(holder)
                records.append(states[k] if states else None)
        if e.flows:
            flows += [(step, f) for f in e.flows]
        if e.view is not None:
            views.append((step, e.view))
        if e.until is not None:
            untils.append((step, e.until))
    return EventColumns(times, ControlColumns(steps, towns, holders, records), flows, views, untils)


class MapLine(NamedTuple):
    name: str
    kind: str
    points: tuple[tuple[float, float], ...]  # (lat, lon)
    via: tuple[str, ...] = ()


class MapSettings(NamedTuple):
    bounds: Bounds | None = None
    lines: tuple[MapLine, ...] = ()
    areas: bool = False  # whether areas of control start shown


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
    # A tuple when read from the file; a sequence that reads its records from
    # the store when opened from it (`scenario/store.py`), equal to that tuple.
    events: Sequence[Event]
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
        events: Sequence[Event] = (),
        resolved: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.__dict__.update(
            path=path,
            title=title,
            factions=factions,
            towns=towns,
            subtitle=subtitle,
            summary=summary,
            map=map,
            sources=sources,
            events=events,
            resolved=resolved,
        )

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
        return (
            f"Scenario(path={self.path!r}, title={self.title!r}, {len(self.factions)} factions, "
            f"{len(self.towns)} towns, {len(self.events)} events)"
        )

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


class EventSequence(Sequence[Event]):
    """Events read lazily (from the store, or a file and its appended end): equal to, and hashed as, the tuple of them.

    A parsed scenario's events are a tuple, and a scenario from the store or
    an append must compare equal to the same file parsed afresh.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the tuple it equals
