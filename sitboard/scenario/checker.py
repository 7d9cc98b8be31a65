"""Checking scenario text against the format contract, rule by rule, with positions.

Split from `loader` so that opening a file whose validation is cached (see
`cache.py`) imports neither PyYAML nor this module.
"""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from sitboard.scenario import halves, palette
from sitboard.scenario.errors import Problem, ScenarioError
from sitboard.scenario.loader import Progress
from sitboard.scenario.model import (
    COMPASS,
    COMPASS_WORDS,
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
    UNKNOWN,
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
    full_control,
    place_near,
)
from sitboard.scenario.palette import ColorCheck
from sitboard.scenario.yamldoc import (
    BOOL,
    FLOAT,
    INT,
    NULL,
    Map,
    Node,
    Scalar,
    Seq,
    YamlProblem,
    compose,
    resolve_merges,
)

if TYPE_CHECKING:
    from subprocess import Popen

MAX_PROBLEMS = 50
FORMAT_VERSION = 1

_ID = re.compile(r"[A-Za-z0-9_-]+\Z")


# Keys of each mapping: name -> required.
_TOP = {
    "sitboard": True,
    "title": True,
    "subtitle": False,
    "summary": False,
    "map": False,
    "factions": True,
    "towns": True,
    "sources": False,
    "events": False,
}
_FACTION = {"id": True, "name": True, "color": False, "mark": False}
# `lat`/`lon` are required unless both are missing and the gazetteer places the
# town by `name` (and the optional `country`, an extension of the format).
_TOWN = {
    "id": True,
    "name": True,
    "lat": False,
    "lon": False,
    "kind": False,
    "population": False,
    "control": False,
    "country": False,
    "pcode": False,
}
_SOURCE = {"id": True, "name": True, "kind": False, "url": False, "affiliation": False}
_EVENT = {
    "time": True,
    "title": True,
    "text": False,
    "kind": False,
    "at": False,
    "actors": False,
    "control": False,
    "flows": False,
    "sources": False,
    "confidence": False,
    "notes": False,
    "view": False,
    "until": False,
    "precision": False,
    "deaths": False,
}
_FLOW = {"from": True, "to": True, "people": False, "estimate": False}
_MAP = {"bounds": False, "lines": False, "areas": False}
_BOUNDS = {"west": True, "south": True, "east": True, "north": True}
_LINE = {"name": True, "kind": False, "via": False, "points": False}
_LATLON = {"lat": True, "lon": True}
# Extensions of format v1 (docs/scenario-format.md).
_NEAR = {"town": True, "km": True, "toward": True}
_CONTROL = {
    "holder": False,
    "state": False,
    "by": False,
    "from": False,
    "holders": False,
    "with": False,
    "present": False,
}
_VIEW = {"focus": False, "margin_km": False, "bounds": False}
_DEATHS = {"best": True, "low": False, "high": False}
_PCODE = re.compile(r"[A-Za-z0-9]+\Z")


def check(
    text: str | bytes,
    file: str,
    color_ok: ColorCheck | None,
    progress: Progress | None = None,
    *,
    split_bytes: int = halves.SPLIT_BYTES,
) -> Scenario:
    """The scenario in `text`, or a `ScenarioError` with every problem and its place.

    A well-formed file is read in one pass that checks each event as soon as
    it is composed and lets its nodes go (`_Checker.stream`), so reading
    300,000 events never holds 300,000 events' worth of nodes. Anything
    unusual (a problem, events before the towns they name, merge keys at the
    top) sends the file down the whole-document path, which reports exactly
    what it always did, positions and order included.

    `text` may be the file's bytes, already known to be UTF-8: libyaml reads
    those as they are, where text would be copied to UTF-8 first. The
    whole-document path reads text, as it always did.

    From `split_bytes` up, the events are read in two processes
    (`halves.py`, `_in_two`) when the file is plain enough to cut and this
    process may use two cores; when either
    finds anything amiss, the file is read as above, in this process alone.
    """
    if isinstance(text, bytes):
        if text.startswith(_BOM):
            text = text[len(_BOM) :]
    elif text.startswith("\ufeff"):
        text = text[1:]
    try:
        if isinstance(text, bytes) and len(text) >= split_bytes and halves.two_cores():
            scenario = _in_two(text, file, color_ok, progress)
            if scenario is not None:
                return scenario
        return _streamed(text, file, color_ok, progress)
    except (_NotStreamable, _TooMany, YamlProblem, RecursionError):
        pass
    return _whole(text.decode("utf-8") if isinstance(text, bytes) else text, file, color_ok)


_BOM = "\ufeff".encode()


def _streamed(text: str | bytes, file: str, color_ok: ColorCheck | None, progress: Progress | None) -> Scenario:
    checker = _Checker(file, color_ok)
    checker.progress = progress
    checker.lines = (text.count(b"\n") if isinstance(text, bytes) else text.count("\n")) + 1
    root = compose(text, stream=checker.stream, shared=True)  # positions inside events are never reported here
    if root is None or checker.streamed is None:
        raise _NotStreamable
    scenario = checker.scenario(root)
    if checker.problems or checker.dropped or scenario is None:
        raise _NotStreamable
    return scenario


def _in_two(data: bytes, file: str, color_ok: ColorCheck | None, progress: Progress | None) -> Scenario | None:
    """`_streamed` with the events after a seam read by another process meanwhile; None if it cannot vouch.

    Each process reads the file with the other's events as empty lines
    (`halves.py`). Problems are never reported from here: the caller reads
    the file again in one process, which reports them as always.
    """
    cut = halves.cut(data)
    if cut is None:
        return None
    try:
        process = halves.start(halves.second_text(data, cut), file, cut)
    except (OSError, ValueError):  # no second process (none allowed, none left): read in one
        return None
    try:
        seam = halves.vouched(data, cut)  # meanwhile: whether the cut was safe
        if seam is None:
            return None
        return _joined(data, seam, process, file, color_ok, progress)
    except (_NotStreamable, _TooMany, YamlProblem, RecursionError):
        return None
    finally:
        halves.stop(process)


def _joined(
    data: bytes,
    seam: halves.Seam,
    process: Popen[bytes],
    file: str,
    color_ok: ColorCheck | None,
    progress: Progress | None,
) -> Scenario | None:
    """This process's events, then the other's, reconciled as if read in one pass.

    What the one-pass reading carries from event to event: the events after
    the seam are numbered on from the count before it, the time order is
    checked across the seam, and equal times and places are shared again.
    """
    checker = _Checker(file, color_ok)
    checker.progress = progress
    checker.lines = seam.split_line  # this process's share is the whole bar: the other reads meanwhile
    root = compose(halves.first_text(data, seam), stream=checker.stream, shared=True)
    events = checker.streamed
    if (
        not isinstance(root, Map)
        or events is None
        or checker.problems
        or checker.dropped
        or len(events) != seam.before
        or (events[0].mark or _NOWHERE).line != seam.first_line
        or not _ends_at(root, seam)
    ):
        return None
    rows = halves.answer(process)
    if rows is None:
        return None
    after = halves.unpack(rows, seam.before, {t: t for t in checker.times.values()}, checker.places_by_value())
    if not after or after[0].time.sort_key < events[-1].time.sort_key:  # backwards at the seam: one process reports it
        return None
    events.extend(after)
    scenario = checker.scenario(root)
    return None if checker.problems or checker.dropped else scenario


_NOWHERE = Mark(0, 0)


def _ends_at(root: Map, seam: halves.Seam) -> bool:
    """Whether the file's tail (the keys after the events list) was read where it is, right after the list.

    Keys are shared nodes in this reading, placed at the first such text: a
    key also written earlier only makes the answer False (read in one process).
    """
    keys = [key for key, _ in root.pairs]
    at = next((i for i, key in enumerate(keys) if key.text == "events"), None)
    if at is None:
        return False
    if at + 1 == len(keys):
        return not seam.tail
    return (keys[at + 1].line, keys[at + 1].column) == (seam.end_line, 1)


def second_half(text: bytes, file: str, seam: halves.Seam) -> list[Event] | None:
    """The events after `seam`, read from `halves.second_text` in the other process; None if it cannot vouch."""
    enabled = gc.isenabled()
    gc.disable()  # as `loader.parse_scenario`: nothing read is garbage
    try:
        checker = _Checker(file, None)  # colours are the first process's to check
        try:
            root = compose(text, stream=checker.stream, shared=True)
        except (_NotStreamable, _TooMany, YamlProblem, RecursionError):
            return None
        events = checker.streamed
        if (
            root is None
            or not events
            or checker.problems
            or checker.dropped
            or (events[0].mark or _NOWHERE).line != seam.split_line
        ):
            return None
        return events
    finally:
        if enabled:
            gc.enable()


def _whole(text: str, file: str, color_ok: ColorCheck | None) -> Scenario:
    try:
        root = compose(text)
    except YamlProblem as exc:
        raise ScenarioError([Problem(file, exc.line, exc.column, "", exc.message)]) from None
    except RecursionError:  # pragma: no cover - our composer is iterative; belt and braces
        raise ScenarioError([Problem(file, 1, 1, "", "document nested too deeply")]) from None
    if root is None:
        raise ScenarioError(
            [Problem(file, 1, 1, "", "the file is empty: expected a scenario (a mapping with 'sitboard: 1')")]
        )
    checker = _Checker(file, color_ok)
    stopped = False  # counting stopped: the number of problems left out is a floor
    try:
        scenario = checker.scenario(root)
    except YamlProblem as exc:  # a bad merge key found while reading mappings
        checker.problems.append(Problem(file, exc.line, exc.column, "", exc.message))
        scenario = None
    except _TooMany:
        stopped = True
    if checker.problems or scenario is None:
        # The checker walks section by section; the author reads top to bottom.
        checker.problems.sort(key=lambda p: (p.line, p.column))
        shown = [checker.with_hint(p) for p in checker.problems[:MAX_PROBLEMS]]
        raise ScenarioError(
            shown, truncated=max(0, len(checker.problems) - MAX_PROBLEMS) + checker.dropped, counting_stopped=stopped
        )
    return scenario


def check_appended(
    scenario: Scenario,
    entries: list[Node],
    first: int,
    previous: tuple[EventTime, int] | None,
    file: str,
    color_ok: ColorCheck | None,
) -> list[Event]:
    """Entries `first`, `first + 1`, ... of `events`, appended to a file whose every other part is `scenario`'s.

    `previous` is the event before them and the line of its time. Each entry
    is checked as `check` checks it (ids, places, every rule, the order of
    times), so that when these entries hold the file's only problems the
    `ScenarioError` is the one `check` raises: same messages, same places,
    same count. For `scenario/append.py`, which reads only what was appended.
    """
    checker = _Checker(file, color_ok)
    faction_ids = [f.id for f in scenario.factions]
    checker.seen_factions = dict.fromkeys(faction_ids)  # type: ignore[assignment]  # events read only the ids
    towns: dict[str, Town | None] = {t.id: t for t in scenario.towns}
    holders = faction_ids + list(RESERVED_HOLDERS)
    sources = [s.id for s in scenario.sources]
    checker.previous = previous
    events: list[Event] = []
    stopped = False
    try:
        for j, entry in enumerate(entries):
            event = checker.event(first + j, entry, towns, faction_ids, holders, sources, index=first + len(events))
            if event is not None:
                events.append(event)
    except _TooMany:
        stopped = True
    if checker.problems:
        checker.problems.sort(key=lambda p: (p.line, p.column))
        shown = [checker.with_hint(p) for p in checker.problems[:MAX_PROBLEMS]]
        raise ScenarioError(
            shown, truncated=max(0, len(checker.problems) - MAX_PROBLEMS) + checker.dropped, counting_stopped=stopped
        )
    return events


class _NotStreamable(Exception):
    """The one-pass reading cannot vouch for this file: read it whole."""


class _TooMany(Exception):
    pass


def _nearest(word: str, choices: Iterable[str]) -> str:
    import difflib  # only when there is an error to explain

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _quoted(text: str, limit: int = 60) -> str:
    """`text` as a message quotes it: a 3,600-digit number or a page of text is not repeated whole."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit // 2]!r}... ({len(text):,} characters)"


def _number_text(text: str) -> str:
    """A number as written, shortened the same way, without quotes when it is short."""
    return text if len(text) <= 24 else _quoted(text, 24)


def _describe(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    if node.tag == NULL:
        return "nothing (null)"
    return _quoted(node.text)


class _Extensions(NamedTuple):
    """An event's keys beyond format v1, read together."""

    notes: str | None = None
    view: Camera | None = None
    until: EventTime | None = None
    precision: str = "exact"
    deaths: Deaths | None = None


_NO_EXTENSIONS = _Extensions()
_REFERRED = frozenset(("factions", "towns", "sources"))


class _Sections(NamedTuple):
    """What events refer to, checked (`_Checker.referred`)."""

    factions: list[Faction]
    faction_ids: list[str]
    holders: list[str]
    towns: list[Town]
    town_ids: dict[str, Town | None]
    sources: list[Source]
    source_ids: list[str]
    keys: frozenset[str]  # which of the three the file gives


_EXTENSION_KEYS = frozenset(("notes", "view", "until", "precision", "deaths"))
_T = TypeVar("_T", bound=tuple[object, ...])


class _Checker:
    """Walks the composed document, collecting problems and building the model."""

    def __init__(self, file: str, color_ok: ColorCheck | None) -> None:
        self.file = file
        self.color_ok = color_ok
        self.problems: list[Problem] = []
        self.dropped = 0
        # "did you mean ...?" costs a fuzzy search through every id: it is
        # worked out only for the problems that are shown (the first 50), not
        # for the thousands a hopeless file has. id(problem) -> (word, choices, where).
        self.hints: dict[int, tuple[str, Collection[str], int]] = {}
        self.seen_factions: dict[str, Scalar] = {}
        self.seen_towns: dict[str, Town | None] = {}
        self.resolved: list[tuple[str, str]] = []
        # A long timeline repeats its dates and places: each is built once and
        # shared (both are immutable), which also keeps a big scenario smaller.
        self.times: dict[str, EventTime] = {}
        self.places: dict[str, Place] = {}
        # So do its lists of actors and sources and its control changes: equal tuples are kept once.
        self.tuples: dict[object, Any] = {}
        self.pcodes: dict[str, int] = {}  # place code -> line of the town that first gave it
        # Reading in one pass (`stream`): what the events refer to, checked before the first
        # event; the events checked so far; the one before the next; how far along the file is.
        self.sections: _Sections | None = None
        self.streamed: list[Event] | None = None
        self.previous: tuple[EventTime, int] | None = None
        self.progress: Progress | None = None
        self.lines = 1

    # -- reporting -----------------------------------------------------------

    def error(
        self,
        node: Node | Scalar,
        path: str,
        message: str,
        *,
        near: tuple[str, Collection[str]] | None = None,
        then: str = "",
    ) -> None:
        """Report a problem; `near` = (word, choices) adds a did-you-mean between `message` and `then`."""
        if len(self.problems) >= MAX_PROBLEMS * 4:
            self.dropped += 1
            if self.dropped > 10_000:
                raise _TooMany
            return
        problem = Problem(self.file, node.line, node.column, path, message + then)
        self.problems.append(problem)
        if near is not None:
            self.hints[id(problem)] = (near[0], near[1], len(message))

    def with_hint(self, problem: Problem) -> Problem:
        hint = self.hints.get(id(problem))
        if hint is None:
            return problem
        word, choices, at = hint
        message = problem.message
        return problem._replace(message=message[:at] + _nearest(word, choices) + message[at:])

    # -- shapes --------------------------------------------------------------

    def fields(self, node: Node, path: str, spec: dict[str, bool], what: str) -> dict[str, tuple[Scalar, Node]] | None:
        """The known keys of a mapping; reports wrong shape, unknown, duplicate and missing keys."""
        if not isinstance(node, Map):
            self.error(node, path, f"expected {what} (a mapping), found {_describe(node)}")
            return None
        found: dict[str, tuple[Scalar, Node]] = {}
        for pair in resolve_merges(node):
            key = pair[0]
            name = key.text
            # Nearly every key is a known one given once: take it before building
            # a path that only an error would use (no known key starts with 'x-').
            if name in spec and name not in found:
                found[name] = pair
                continue
            if name.startswith("x-"):
                continue
            kpath = f"{path}.{name}" if path else name
            if name in found:
                first = found[name][0]
                self.error(key, kpath, f"duplicate key (first given at line {first.line})")
            else:
                allowed = ", ".join(spec)
                self.error(
                    key, kpath, "unknown key", near=(name, spec), then=f"; expected one of: {allowed} (or an 'x-' key)"
                )
        for name, required in spec.items():
            if required and name not in found:
                self.error(node, path or name, f"missing required key '{name}'" if path else "missing required key")
        return found

    def items(self, node: Node, path: str, what: str) -> list[Node]:
        if isinstance(node, Seq):
            return node.items
        if isinstance(node, Scalar) and node.tag == NULL:
            return []
        self.error(node, path, f"expected a list of {what}, found {_describe(node)}")
        return []

    def text(self, node: Node, path: str, *, allow_empty: bool = True) -> str | None:
        if not isinstance(node, Scalar) or node.tag == NULL:
            self.error(node, path, f"expected text, found {_describe(node)}")
            return None
        value = node.value if isinstance(node.value, str) else node.text
        if not allow_empty and not value.strip():
            self.error(node, path, "expected non-empty text")
            return None
        return value

    def optional_text(self, f: dict[str, tuple[Scalar, Node]], key: str, path: str) -> str | None:
        """`text` of the value of `key` in `f`, None when the key is absent."""
        if key not in f:
            return None
        node = f[key][1]
        if isinstance(node, Scalar) and isinstance(node.value, str):  # the usual case: no path needed
            return node.value
        return self.text(node, f"{path}.{key}")

    def ident(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if not _ID.match(value):
            self.error(node, path, f"{_quoted(value)} is not a valid id: use letters, digits, '_' and '-'")
            return None
        return value

    def number(self, node: Node, path: str, low: float, high: float) -> float | None:
        if not isinstance(node, Scalar) or node.tag not in (INT, FLOAT) or isinstance(node.value, bool):
            self.error(node, path, f"expected a number from {low:g} to {high:g}, found {_describe(node)}")
            return None
        try:
            value = float(node.value)  # type: ignore[arg-type]
        except OverflowError:  # an integer too large for a float is out of any range
            value = math.inf
        if not math.isfinite(value) or not low <= value <= high:
            self.error(
                node, path, f"{_number_text(node.text)} is out of range: expected a number from {low:g} to {high:g}"
            )
            return None
        return value

    def count(self, node: Node, path: str) -> int | None:
        expected = "a non-negative whole number"
        if (
            not isinstance(node, Scalar)
            or node.tag != INT
            or not isinstance(node.value, int)
            or isinstance(node.value, bool)
        ):
            self.error(node, path, f"expected {expected}, found {_describe(node)}")
            return None
        value = node.value
        if value < 0:
            self.error(node, path, f"{_number_text(node.text)} is negative: expected {expected}")
            return None
        if value > MAX_PEOPLE:  # also keeps every total printable (Python will not print 4,300 digits)
            self.error(node, path, f"{_number_text(node.text)} is too large: expected at most {MAX_PEOPLE:,}")
            return None
        return value

    def choice(self, node: Node, path: str, options: tuple[str, ...]) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if value not in options:
            self.error(
                node,
                path,
                f"{_quoted(value)} is not allowed",
                near=(value, options),
                then=f"; expected one of: {', '.join(options)}",
            )
            return None
        return value

    def ref(self, node: Node, path: str, known: Collection[str], what: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if value not in known:  # `known` is a dict or list; never copy it (a big file would go quadratic)
            self.error(node, path, f"unknown {what} {_quoted(value)}", near=(value, known))
            return None
        return value

    # -- the document --------------------------------------------------------

    def scenario(self, root: Node) -> Scenario | None:
        top = self.fields(root, "", _TOP, "a scenario")
        if top is None:
            return None
        if "sitboard" in top:
            node = top["sitboard"][1]
            if not (isinstance(node, Scalar) and node.tag == INT and node.value == FORMAT_VERSION):
                self.error(node, "sitboard", f"expected the format version {FORMAT_VERSION}, found {_describe(node)}")
        title = self.text(top["title"][1], "title") if "title" in top else None
        subtitle = self.text(top["subtitle"][1], "subtitle") if "subtitle" in top else None
        summary = self.text(top["summary"][1], "summary") if "summary" in top else None

        if self.sections is None:
            self.sections = self.referred(top)
        elif self.sections.keys != frozenset(top).intersection(_REFERRED):
            raise _NotStreamable  # a section the events refer to came after them
        factions, faction_ids, holders, towns, town_ids, sources, source_ids, _ = self.sections
        map_settings = self.map(top["map"][1], town_ids) if "map" in top else MapSettings()
        if self.streamed is not None:
            events = self.streamed
        else:
            events = (
                self.events(top["events"][1], town_ids, faction_ids, holders, source_ids) if "events" in top else []
            )
        if self.problems or title is None:
            return None
        return Scenario(
            path=self.file,
            title=title,
            subtitle=subtitle,
            summary=summary,
            factions=tuple(factions),
            towns=tuple(towns),
            sources=tuple(sources),
            map=map_settings,
            events=tuple(events),
            resolved=tuple(self.resolved),
        )

    def referred(self, top: dict[str, tuple[Scalar, Node]]) -> _Sections:
        """The sections events refer to: factions, towns and sources, checked in that order."""
        factions = self.factions(top["factions"][1]) if "factions" in top else []
        # Ids of entries that had other errors still count as known, so that
        # one mistake in a town does not turn every reference to it into another.
        faction_ids = list(self.seen_factions)
        holders = faction_ids + list(RESERVED_HOLDERS)
        towns = self.towns(top["towns"][1], holders) if "towns" in top else []
        sources = self.sources(top["sources"][1]) if "sources" in top else []
        source_ids = [s.id for s in sources]
        keys = frozenset(top).intersection(_REFERRED)
        return _Sections(factions, faction_ids, holders, towns, self.seen_towns, sources, source_ids, keys)

    def stream(self, root: Map, entry: Node) -> bool:
        """One event of the top-level `events`, just composed: checked now, its nodes let go (`compose`).

        Raises `_NotStreamable` at the first thing the one-pass reading cannot
        vouch for; the whole-document path then reads the file again.
        """
        if self.sections is None:  # the first event: check what events refer to, written above them
            if root.merges:
                raise _NotStreamable
            top: dict[str, tuple[Scalar, Node]] = {}
            for pair in root.pairs:
                if pair[0].text in top:
                    raise _NotStreamable
                top[pair[0].text] = pair
            if not {"factions", "towns"} <= top.keys():
                raise _NotStreamable
            self.sections = self.referred(top)
            self.streamed = []
        if self.problems or self.dropped:
            raise _NotStreamable
        sections = self.sections
        events = self.streamed
        assert events is not None
        event = self.event(
            len(events), entry, sections.town_ids, sections.faction_ids, sections.holders, sections.source_ids
        )
        if event is None or self.problems:
            raise _NotStreamable
        events.append(event)
        if self.progress is not None and not len(events) % 4096:
            self.progress(entry.line / self.lines)
        return True

    def factions(self, node: Node) -> list[Faction]:
        raw: list[tuple[str, str, str | None, str | None]] = []
        seen = self.seen_factions
        entries = self.items(node, "factions", "factions")
        if not entries and isinstance(node, (Seq, Scalar)):
            self.error(node, "factions", "expected at least one faction")
        for i, entry in enumerate(entries):
            path = f"factions[{i}]"
            f = self.fields(entry, path, _FACTION, "a faction")
            if f is None:
                continue
            fid = self.ident(f["id"][1], f"{path}.id") if "id" in f else None
            name = self.text(f["name"][1], f"{path}.name") if "name" in f else None
            color = self.color(f["color"][1], f"{path}.color") if "color" in f else None
            mark = self.mark(f["mark"][1], f"{path}.mark") if "mark" in f else None
            if fid is not None:
                id_node = f["id"][1]
                if fid in RESERVED_HOLDERS:
                    self.error(id_node, f"{path}.id", f"{_quoted(fid)} is reserved and cannot be a faction id")
                    fid = None
                elif fid in seen:
                    self.error(
                        id_node, f"{path}.id", f"duplicate faction id {_quoted(fid)} (first at line {seen[fid].line})"
                    )
                    fid = None
                else:
                    seen[fid] = id_node  # type: ignore[assignment]
            if fid is not None and name is not None:
                raw.append((fid, name, color, mark))
        colors = palette.default_colors([c for _, _, c, _ in raw])
        marks = palette.default_marks([i for i, _, _, _ in raw], [m for _, _, _, m in raw])
        return [
            Faction(fid, name, color, mark, color_given=given is not None)
            for (fid, name, given, _), color, mark in zip(raw, colors, marks)
        ]

    def color(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if not palette.color_valid(value, self.color_ok):
            self.error(
                node,
                path,
                f"{_quoted(value)} is not a colour: expected a colour name such as 'red' or 'bright_green', or '#rrggbb'",
            )
            return None
        return value

    def mark(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if len(value) != 1 or not " " <= value <= "~":
            self.error(node, path, f"expected one printable ASCII character, found {_quoted(value)}")
            return None
        return value

    def holder(self, node: Node, path: str, holders: list[str]) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if value not in holders:
            self.error(
                node,
                path,
                f"unknown holder {_quoted(value)}",
                near=(value, holders),
                then=": expected a faction id, 'contested' or 'unknown'",
            )
            return None
        return value

    def control_value(self, node: Node, path: str, holders: list[str]) -> tuple[str, Control | None] | None:
        """A town's holder, as v1 writes it or in the mapping form: (holder id, full record or None if plain)."""
        if isinstance(node, Seq):
            self.error(
                node,
                path,
                "expected a holder (a faction id, 'contested' or 'unknown') or a mapping "
                "with 'holder' and 'state', found a list",
            )
            return None
        if not isinstance(node, Map):
            holder = self.holder(node, path, holders)
            return None if holder is None else (holder, None)
        before = len(self.problems) + self.dropped
        f = self.fields(node, path, _CONTROL, "a control value (a holder, or a mapping with 'holder' and 'state')")
        if f is None:
            return None
        state = self.choice(f["state"][1], f"{path}.state", CONTROL_STATES) if "state" in f else HELD
        if state is None:
            return None
        mixed = state == MIXED
        holder = None
        if "holder" in f:
            if mixed:
                self.error(
                    f["holder"][0], f"{path}.holder", "a mixed town has no single holder: list them in 'holders'"
                )
            else:
                holder = self.holder(f["holder"][1], f"{path}.holder", holders)
        elif not mixed:
            self.error(node, path, f"missing required key 'holder' (only a mixed town has none; this one is {state})")
        rules = (  # key, required in this state, allowed in this state, what the key is for
            ("holders", mixed, mixed, "'holders' is only for a town under mixed control (state: mixed)"),
            (
                "by",
                state in ("besieged", "encircled"),
                state in ("besieged", "encircled"),
                "'by' is only for a besieged or encircled town",
            ),
            ("from", False, state == "besieged", "'from' is only for a besieged town"),
            ("with", state == "truce", state == "truce", "'with' is only for a town under a truce"),
        )
        for key, required, fits, why in rules:
            if key in f and not fits:
                self.error(f[key][0], f"{path}.{key}", f"{why}; this one is {state}")
            elif required and key not in f:
                self.error(node, path, f"missing required key '{key}' (a {state} town needs it)")
        listed = self.factions_listed(f, "holders", path, 2, 3) if mixed and "holders" in f else ()
        owners = listed or ((holder,) if holder is not None else ())
        fitting = {key for key, _, fits, _ in rules if fits} | {"present"}
        by, with_, present = (
            self.factions_listed(f, key, path, 1, MAX_PARTIES, owners, why, canonical=True)
            if key in f and key in fitting
            else ()
            for key, why in (
                ("by", "it cannot besiege itself"),
                ("with", "it is already a party to the truce"),
                ("present", "a holder is more than present"),
            )
        )
        from_ = self.directions(f["from"][1], f"{path}.from") if "from" in f and state == "besieged" else ()
        if len(self.problems) + self.dropped != before:
            return None
        if mixed:
            return listed[0], Control(listed[0], MIXED, by, from_, listed, with_, present)
        assert holder is not None  # no problem was reported, so the holder was read
        if state == HELD and not present:
            return holder, None  # `{holder: gov}` is `gov`
        return holder, Control(holder, state, by, from_, (), with_, present)

    def factions_listed(
        self,
        f: dict[str, tuple[Scalar, Node]],
        key: str,
        path: str,
        low: int,
        high: int,
        owners: tuple[str, ...] = (),
        why: str = "",
        *,
        canonical: bool = False,
    ) -> tuple[str, ...]:
        """A list of `low` to `high` distinct faction ids, none of them in `owners` (the town's holders).

        In file order, or with `canonical` in the order the file lists its factions.
        """
        node = f[key][1]
        kpath = f"{path}.{key}"
        if not isinstance(node, Seq):
            self.error(node, kpath, f"expected a list of {low} to {high} faction ids, found {_describe(node)}")
            return ()
        if not low <= len(node.items) <= high:
            self.error(node, kpath, f"expected {low} to {high} faction ids, found {len(node.items)}")
            return ()
        found: list[str] = []
        for j, item in enumerate(node.items):
            fid = self.ref(item, f"{kpath}[{j}]", self.seen_factions, "faction")
            if fid is None:
                continue
            if fid in found:
                self.error(item, f"{kpath}[{j}]", f"{_quoted(fid)} is listed twice")
            elif fid in owners:
                self.error(item, f"{kpath}[{j}]", f"{_quoted(fid)} holds the town: {why}")
            else:
                found.append(fid)
        if canonical:
            order = {fid: i for i, fid in enumerate(self.seen_factions)}
            found.sort(key=order.__getitem__)
        return tuple(found)

    def directions(self, node: Node, path: str) -> tuple[str, ...]:
        """Compass words (N, north-east, ...), distinct, as short forms clockwise from north."""
        entries = self.items(node, path, "compass directions")
        if isinstance(node, Seq) and not entries:
            self.error(node, path, "expected at least one compass direction (or leave 'from' out)")
        found: list[str] = []
        for j, item in enumerate(entries):
            word = self.choice(item, f"{path}[{j}]", tuple(COMPASS_WORDS))
            if word is None:
                continue
            short = COMPASS_WORDS[word]
            if short in found:
                self.error(item, f"{path}[{j}]", f"{_quoted(word)} repeats a direction already given")
                continue
            found.append(short)
        return tuple(sorted(found, key=COMPASS.index))

    def towns(self, node: Node, holders: list[str]) -> list[Town]:
        towns: list[Town] = []
        seen: dict[str, Scalar] = {}
        known = self.seen_towns
        entries = self.items(node, "towns", "towns")
        if not entries and isinstance(node, (Seq, Scalar)):
            self.error(node, "towns", "expected at least one town")
        for i, entry in enumerate(entries):
            path = f"towns[{i}]"
            f = self.fields(entry, path, _TOWN, "a town")
            if f is None:
                continue
            tid = self.ident(f["id"][1], f"{path}.id") if "id" in f else None
            if tid is not None:
                if tid in seen:
                    self.error(
                        f["id"][1], f"{path}.id", f"duplicate town id {_quoted(tid)} (first at line {seen[tid].line})"
                    )
                    tid = None
                else:
                    seen[tid] = f["id"][1]  # type: ignore[assignment]
                    known[tid] = None
            name = self.text(f["name"][1], f"{path}.name") if "name" in f else None
            country = self.country(f["country"][1], f"{path}.country") if "country" in f else None
            if "lat" in f or "lon" in f:
                for key in ("lat", "lon"):
                    if key not in f:
                        self.error(entry, path, f"missing required key '{key}'")
                lat = self.number(f["lat"][1], f"{path}.lat", -90, 90) if "lat" in f else None
                lon = self.number(f["lon"][1], f"{path}.lon", -180, 180) if "lon" in f else None
            elif name is not None and ("country" not in f or country is not None):
                lat, lon = self.gazetteer_place(entry, path, tid, name, country)
            else:
                lat = lon = None
            kind = self.choice(f["kind"][1], f"{path}.kind", TOWN_KINDS) if "kind" in f else "town"
            population = self.count(f["population"][1], f"{path}.population") if "population" in f else None
            start = (
                self.control_value(f["control"][1], f"{path}.control", holders) if "control" in f else (UNKNOWN, None)
            )
            control, state = start if start is not None else (None, None)
            pcode = self.pcode(f["pcode"][1], f"{path}.pcode") if "pcode" in f else None
            if None not in (tid, name, lat, lon, kind, control) and ("pcode" not in f or pcode is not None):
                town = Town(tid, name, lat, lon, kind, population, control, pcode, state)  # type: ignore[arg-type]
                towns.append(town)
                known[town.id] = town
        return towns

    def pcode(self, node: Node, path: str) -> str | None:
        """A humanitarian place code: letters and digits, unique among towns."""
        value = self.text(node, path)
        if value is None:
            return None
        if not _PCODE.match(value) or len(value) > MAX_PCODE:
            self.error(
                node,
                path,
                f"{_quoted(value)} is not a place code: expected up to {MAX_PCODE} letters "
                "and digits, such as 'SY0200'",
            )
            return None
        if value in self.pcodes:
            self.error(node, path, f"duplicate place code {_quoted(value)} (first at line {self.pcodes[value]})")
            return None
        self.pcodes[value] = node.line
        return value

    def country(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        from sitboard.scenario import gazetteer  # only for files that use the extension

        try:
            code = gazetteer.country_code(value)
        except gazetteer.GazetteerError as exc:
            self.error(node, path, str(exc))
            return None
        if code is None:
            self.error(
                node, path, f"unknown country {_quoted(value)}: expected an ISO 3166 code (SY, SYR) or a country name"
            )
        return code

    def gazetteer_place(
        self, entry: Node, path: str, tid: str | None, name: str, country: str | None
    ) -> tuple[float | None, float | None]:
        from sitboard.scenario import gazetteer  # read only when a town has no coordinates

        try:
            found = gazetteer.resolve(name, country)
        except gazetteer.GazetteerError as exc:
            self.error(entry, path, f"no 'lat'/'lon' given, and the gazetteer cannot be read: {exc}")
            return None, None
        if isinstance(found, list):
            self.error(entry, path, gazetteer.explain_unresolved(name, country, found))
            return None, None
        if tid is not None:
            self.resolved.append((tid, gazetteer.describe(found)))
        return found.lat, found.lon

    def sources(self, node: Node) -> list[Source]:
        sources: list[Source] = []
        seen: dict[str, Scalar] = {}
        for i, entry in enumerate(self.items(node, "sources", "sources")):
            path = f"sources[{i}]"
            f = self.fields(entry, path, _SOURCE, "a source")
            if f is None:
                continue
            sid = self.ident(f["id"][1], f"{path}.id") if "id" in f else None
            if sid is not None:
                if sid in seen:
                    self.error(
                        f["id"][1], f"{path}.id", f"duplicate source id {_quoted(sid)} (first at line {seen[sid].line})"
                    )
                    sid = None
                else:
                    seen[sid] = f["id"][1]  # type: ignore[assignment]
            name = self.text(f["name"][1], f"{path}.name") if "name" in f else None
            kind = self.text(f["kind"][1], f"{path}.kind") if "kind" in f else None
            url = self.text(f["url"][1], f"{path}.url") if "url" in f else None
            affiliation = (
                self.ref(f["affiliation"][1], f"{path}.affiliation", self.seen_factions, "faction")
                if "affiliation" in f
                else None
            )
            if sid is not None and name is not None and ("affiliation" not in f or affiliation is not None):
                sources.append(Source(sid, name, kind, url, affiliation))
        return sources

    def map(self, node: Node, towns: dict[str, Town | None]) -> MapSettings:
        f = self.fields(node, "map", _MAP, "map settings")
        if not f:
            return MapSettings()
        bounds = self.bounds(f["bounds"][1]) if "bounds" in f else None
        lines: list[MapLine] = []
        if "lines" in f:
            for i, entry in enumerate(self.items(f["lines"][1], "map.lines", "lines")):
                line = self.line(entry, f"map.lines[{i}]", towns)
                if line is not None:
                    lines.append(line)
        areas = self.flag(f["areas"][1], "map.areas") if "areas" in f else False
        return MapSettings(bounds, tuple(lines), bool(areas))

    def flag(self, node: Node, path: str) -> bool | None:
        if not isinstance(node, Scalar) or node.tag != BOOL:
            self.error(node, path, f"expected true or false, found {_describe(node)}")
            return None
        return bool(node.value)

    def bounds(self, node: Node, path: str = "map.bounds") -> Bounds | None:
        f = self.fields(node, path, _BOUNDS, "bounds")
        if f is None or len(f) < 4:
            return None
        west = self.number(f["west"][1], f"{path}.west", -180, 180)
        south = self.number(f["south"][1], f"{path}.south", -90, 90)
        east = self.number(f["east"][1], f"{path}.east", -180, 180)
        north = self.number(f["north"][1], f"{path}.north", -90, 90)
        if None in (west, south, east, north):
            return None
        if south >= north:  # type: ignore[operator]
            self.error(f["south"][1], f"{path}.south", "south must be less than north")
            return None
        if west >= east:  # type: ignore[operator]
            self.error(
                f["west"][1],
                f"{path}.west",
                "west must be less than east (maps across the 180th meridian are not supported)",
            )
            return None
        return Bounds(west, south, east, north)  # type: ignore[arg-type]

    def line(self, node: Node, path: str, towns: dict[str, Town | None]) -> MapLine | None:
        f = self.fields(node, path, _LINE, "a map line")
        if f is None:
            return None
        name = self.text(f["name"][1], f"{path}.name") if "name" in f else None
        kind = self.choice(f["kind"][1], f"{path}.kind", LINE_KINDS) if "kind" in f else "other"
        if ("via" in f) == ("points" in f):
            self.error(node, path, "expected exactly one of 'via' (town ids) or 'points' ([lat, lon] pairs)")
            return None
        points: list[tuple[float, float]] = []
        via: list[str] = []
        if "via" in f:
            for j, item in enumerate(self.items(f["via"][1], f"{path}.via", "town ids")):
                tid = self.ref(item, f"{path}.via[{j}]", towns, "town")
                town = towns.get(tid) if tid is not None else None
                if town is not None:
                    via.append(town.id)
                    points.append((town.lat, town.lon))
            count_node = f["via"][1]
        else:
            for j, item in enumerate(self.items(f["points"][1], f"{path}.points", "[lat, lon] pairs")):
                point = self.latlon_pair(item, f"{path}.points[{j}]")
                if point is not None:
                    points.append(point)
            count_node = f["points"][1]
        if isinstance(count_node, Seq) and len(count_node.items) < 2:
            self.error(
                count_node, f"{path}.{'via' if via or 'via' in f else 'points'}", "a line needs at least two points"
            )
            return None
        if name is None or kind is None or len(points) < 2:
            return None
        return MapLine(name, kind, tuple(points), tuple(via))

    def latlon_pair(self, node: Node, path: str) -> tuple[float, float] | None:
        if not isinstance(node, Seq) or len(node.items) != 2:
            self.error(node, path, f"expected a [lat, lon] pair, found {_describe(node)}")
            return None
        lat = self.number(node.items[0], f"{path}[0]", -90, 90)
        lon = self.number(node.items[1], f"{path}[1]", -180, 180)
        return None if lat is None or lon is None else (lat, lon)

    def events(
        self,
        node: Node,
        towns: dict[str, Town | None],
        factions: list[str],
        holders: list[str],
        sources: list[str],
    ) -> list[Event]:
        events: list[Event] = []
        for i, entry in enumerate(self.items(node, "events", "events")):
            event = self.event(i, entry, towns, factions, holders, sources, index=len(events))
            if event is not None:
                events.append(event)
        return events

    def event(
        self,
        i: int,
        entry: Node,
        towns: dict[str, Town | None],
        factions: list[str],
        holders: list[str],
        sources: list[str],
        *,
        index: int | None = None,
    ) -> Event | None:
        """The `i`-th entry of `events` (the `index`-th good one: `i` unless some before it were bad)."""
        path = f"events[{i}]"
        f = self.fields(entry, path, _EVENT, "an event")
        if f is None:
            return None
        when = self.time(f["time"][1], f"{path}.time") if "time" in f else None
        if when is not None:
            previous = self.previous
            if previous is not None and when.sort_key < previous[0].sort_key:
                self.error(
                    f["time"][1],
                    f"{path}.time",
                    f"{when.text} is earlier than the event before it ({previous[0].text}, line {previous[1]}): "
                    "events play in file order, so times must not go backwards",
                )
            self.previous = (when, f["time"][1].line)
        title = self.optional_text(f, "title", path)
        text = self.optional_text(f, "text", path)
        kind = self.optional_text(f, "kind", path)
        at = self.place(f["at"][1], f"{path}.at", towns) if "at" in f else None
        actors = self.refs(f, "actors", path, factions, "faction")
        control = self.control(f["control"][1], f"{path}.control", towns, holders) if "control" in f else ()
        flows = (
            tuple(
                flow
                for j, item in enumerate(self.items(f["flows"][1], f"{path}.flows", "flows"))
                if (flow := self.flow(item, f"{path}.flows[{j}]", towns)) is not None
            )
            if "flows" in f
            else ()
        )
        srcs = self.refs(f, "sources", path, sources, "source")
        confidence = self.choice(f["confidence"][1], f"{path}.confidence", CONFIDENCES) if "confidence" in f else None
        extra = _NO_EXTENSIONS if _EXTENSION_KEYS.isdisjoint(f) else self.event_extensions(f, path, towns, when)
        if when is None or title is None or extra is None:
            return None
        pairs: tuple[tuple[str, str], ...] = ()
        states: tuple[Control, ...] = ()
        if control:
            pairs = self.shared(tuple(self.shared(pair) for pair, _ in control))
            if any(st is not None for _, st in control):
                states = tuple(full_control(h, st) for (_, h), st in control)
        event = Event(
            index=i if index is None else index,
            time=when,
            title=title,
            text=text,
            kind=kind,
            at=at,
            actors=actors,
            control=pairs,
            flows=flows,
            sources=srcs,
            confidence=confidence,
            mark=Mark(entry.line, entry.column),
        )
        if extra is not _NO_EXTENSIONS or states:  # most events use none of the extensions
            event = event._replace(
                notes=extra.notes,
                view=extra.view,
                until=extra.until,
                precision=extra.precision,
                deaths=extra.deaths,
                control_states=states,
            )
        return event

    def event_extensions(
        self, f: dict[str, tuple[Scalar, Node]], path: str, towns: dict[str, Town | None], when: EventTime | None
    ) -> _Extensions | None:
        """An event's optional keys beyond v1; None if any of them is wrong."""
        before = len(self.problems) + self.dropped
        notes = self.optional_text(f, "notes", path)
        view = self.camera(f["view"][1], f"{path}.view", towns) if "view" in f else None
        until = self.time(f["until"][1], f"{path}.until") if "until" in f else None
        if until is not None and when is not None and until.ends_before(when):
            self.error(
                f["until"][1],
                f"{path}.until",
                f"{until.text} is before the event's time ({when.text}): a range must not end before it starts",
            )
        precision = "exact"
        if "precision" in f:
            precision = self.choice(f["precision"][1], f"{path}.precision", PRECISIONS) or "exact"
            if "at" not in f:
                self.error(f["precision"][0], f"{path}.precision", "'precision' says how exact 'at' is: give 'at' too")
        deaths = self.deaths(f["deaths"][1], f"{path}.deaths") if "deaths" in f else None
        if len(self.problems) + self.dropped != before:
            return None
        return _Extensions(notes, view, until, precision, deaths)

    def camera(self, node: Node, path: str, towns: dict[str, Town | None]) -> Camera | None:
        f = self.fields(node, path, _VIEW, "a view ({focus: [town ids]} or {bounds: {...}})")
        if f is None:
            return None
        if ("focus" in f) == ("bounds" in f):
            self.error(node, path, "expected exactly one of 'focus' (town ids to frame) or 'bounds' (the map's edges)")
            return None
        if "bounds" in f:
            if "margin_km" in f:
                self.error(f["margin_km"][0], f"{path}.margin_km", "'margin_km' goes with 'focus', not with 'bounds'")
                return None
            bounds = self.bounds(f["bounds"][1], f"{path}.bounds")
            return None if bounds is None else Camera(bounds=bounds)
        margin = self.number(f["margin_km"][1], f"{path}.margin_km", 0, MAX_KM) if "margin_km" in f else 20.0
        focus_node = f["focus"][1]
        if not isinstance(focus_node, Seq):
            self.error(focus_node, f"{path}.focus", f"expected a list of town ids, found {_describe(focus_node)}")
            return None
        entries = focus_node.items
        if not 1 <= len(entries) <= MAX_FOCUS:
            self.error(focus_node, f"{path}.focus", f"expected 1 to {MAX_FOCUS:,} town ids, found {len(entries):,}")
            return None
        focus: list[str] = []
        for j, item in enumerate(entries):
            tid = self.ref(item, f"{path}.focus[{j}]", towns, "town")
            if tid is not None and tid in focus:
                self.error(item, f"{path}.focus[{j}]", f"{_quoted(tid)} is listed twice")
            elif tid is not None:
                focus.append(tid)
        if margin is None or len(focus) != len(entries):
            return None
        return Camera(tuple(focus), margin)

    def deaths(self, node: Node, path: str) -> Deaths | None:
        if not isinstance(node, Map):
            if isinstance(node, Scalar) and node.tag == INT and not isinstance(node.value, bool):
                best = self.count(node, path)
                return None if best is None else Deaths(best)
            self.error(
                node,
                path,
                f"expected a non-negative whole number, or {{best: .., low: .., high: ..}}, found {_describe(node)}",
            )
            return None
        f = self.fields(node, path, _DEATHS, "fatalities ({best: .., low: .., high: ..})")
        if f is None:
            return None
        values = {k: self.count(f[k][1], f"{path}.{k}") for k in _DEATHS if k in f}
        if ("low" in f) != ("high" in f):
            self.error(node, path, "give both 'low' and 'high', or neither")
            return None
        if None in values.values() or "best" not in values:
            return None
        best, low, high = values["best"], values.get("low"), values.get("high")
        assert best is not None
        if low is not None and low > best:
            self.error(
                f["low"][1], f"{path}.low", f"low ({low:,}) is more than best ({best:,}): expected low ≤ best ≤ high"
            )
            return None
        if high is not None and high < best:
            self.error(
                f["high"][1],
                f"{path}.high",
                f"high ({high:,}) is less than best ({best:,}): expected low ≤ best ≤ high",
            )
            return None
        return Deaths(best, low, high)

    def refs(
        self, f: dict[str, tuple[Scalar, Node]], key: str, path: str, known: list[str], what: str
    ) -> tuple[str, ...]:
        if key not in f:
            return ()
        node = f[key][1]
        entries = node.items if isinstance(node, Seq) else self.items(node, f"{path}.{key}", f"{what} ids")
        found = []
        for j, item in enumerate(entries):
            # A known id written as text, the usual case, needs no path for an error.
            if isinstance(item, Scalar) and isinstance(item.value, str) and item.value in known:
                found.append(item.value)
                continue
            value = self.ref(item, f"{path}.{key}[{j}]", known, what)
            if value is not None:
                found.append(value)
        return self.shared(tuple(found))

    def places_by_value(self) -> dict[Place, Place]:
        """The places built so far, to share equal ones read elsewhere (`_in_two`)."""
        return {p: p for p in self.places.values()}

    def shared(self, value: _T) -> _T:
        """`value`, or an equal tuple kept before (an ACLED-like file repeats thirty pairs of actors)."""
        kept: _T = self.tuples.setdefault(value, value)
        return kept

    def time(self, node: Node, path: str) -> EventTime | None:
        expected = "expected an ISO 8601 date (2024-12-05) or date-time (2024-12-05T14:30)"
        if not isinstance(node, Scalar) or node.tag in (INT, FLOAT, BOOL, NULL):
            self.error(node, path, f"{expected}, found {_describe(node)}")
            return None
        known = self.times.get(node.text)
        if known is not None:
            return known
        raw = node.text.strip()
        value: date | datetime
        try:
            if len(raw) <= 10 and "T" not in raw and ":" not in raw:
                value = date.fromisoformat(raw)
            else:
                value = datetime.fromisoformat(raw)
        except ValueError:
            self.error(node, path, f"{expected}, found {_quoted(raw)}")
            return None
        try:
            when = EventTime.of(raw, value)
        except OverflowError:  # e.g. 0001-01-01T00:00+01:00 is before the first representable UTC instant
            self.error(node, path, f"{_quoted(raw)} is out of range: it cannot be converted to UTC")
            return None
        self.times[node.text] = when
        return when

    def place(self, node: Node, path: str, towns: dict[str, Town | None]) -> Place | None:
        if isinstance(node, Scalar) and isinstance(node.value, str):
            known = self.places.get(node.value)
            if known is not None:  # a town placed before: a known id, its place built (the usual case)
                return known
        if isinstance(node, Map) and any(k.text in _NEAR for k, _ in resolve_merges(node)):
            return self.near(node, path, towns)
        if isinstance(node, Map):
            f = self.fields(node, path, _LATLON, "a place ({lat: .., lon: ..})")
            if not f or len(f) < 2:
                return None
            lat = self.number(f["lat"][1], f"{path}.lat", -90, 90)
            lon = self.number(f["lon"][1], f"{path}.lon", -180, 180)
            return None if lat is None or lon is None else Place(lat, lon)
        tid = self.ref(node, path, towns, "town")
        town = towns.get(tid) if tid is not None else None
        if town is None:
            return None
        place = self.places.get(town.id)
        if place is None:
            place = self.places[town.id] = Place(town.lat, town.lon, town.id)
        return place

    def near(self, node: Map, path: str, towns: dict[str, Town | None]) -> Place | None:
        """`{town: homs, km: 5, toward: N}`: the point that far from the town in that direction."""
        f = self.fields(node, path, _NEAR, "a place near a town ({town: .., km: .., toward: ..})")
        if not f or len(f) < 3:
            return None
        tid = self.ref(f["town"][1], f"{path}.town", towns, "town")
        km = self.number(f["km"][1], f"{path}.km", 0, MAX_KM)
        if km == 0:
            self.error(f["km"][1], f"{path}.km", "expected a distance above 0 (a place at the town itself is its id)")
            km = None
        word = self.choice(f["toward"][1], f"{path}.toward", tuple(COMPASS_WORDS))
        town = towns.get(tid) if tid is not None else None
        if town is None or km is None or word is None:
            return None
        return place_near(town.lat, town.lon, Offset(town.id, km, COMPASS_WORDS[word]))

    def control(
        self, node: Node, path: str, towns: dict[str, Town | None], holders: list[str]
    ) -> tuple[tuple[tuple[str, str], Control | None], ...]:
        if not isinstance(node, Map):
            self.error(node, path, f"expected a mapping of town id to its new holder, found {_describe(node)}")
            return ()
        changes: list[tuple[tuple[str, str], Control | None]] = []
        seen: dict[str, int] = {}
        for key, value in resolve_merges(node):
            if key.text.startswith("x-") and key.text not in towns:  # a town may be called `x-ray`
                continue
            kpath = f"{path}.{key.text}"
            if key.text in seen:
                self.error(key, kpath, f"duplicate town (first given at line {seen[key.text]})")
                continue
            seen[key.text] = key.line
            tid = self.ref(key, kpath, towns, "town")
            value_read = self.control_value(value, kpath, holders)
            if tid is not None and value_read is not None:
                changes.append(((tid, value_read[0]), value_read[1]))
        return tuple(changes)

    def flow(self, node: Node, path: str, towns: dict[str, Town | None]) -> Flow | None:
        f = self.fields(node, path, _FLOW, "a flow")
        if f is None:
            return None
        origin = self.ref(f["from"][1], f"{path}.from", towns, "town") if "from" in f else None
        also: tuple[str, ...] = ()
        if "to" in f and isinstance(f["to"][1], Seq):
            dests = self.destinations(f["to"][1], f"{path}.to", towns, origin)
            dest, also = (dests[0], dests[1:]) if dests else (None, ())
        else:
            dest = self.ref(f["to"][1], f"{path}.to", towns, "town") if "to" in f else None
        people = self.count(f["people"][1], f"{path}.people") if "people" in f else None
        estimate = self.text(f["estimate"][1], f"{path}.estimate") if "estimate" in f else None
        if origin is None or dest is None or ("people" in f and people is None):
            return None
        return Flow(origin, dest, people, estimate, also)

    def destinations(self, node: Seq, path: str, towns: dict[str, Town | None], origin: str | None) -> tuple[str, ...]:
        """`to:` as a list: 2 to 5 distinct towns that share one figure, none of them the origin."""
        if not 2 <= len(node.items) <= MAX_DESTINATIONS:
            self.error(
                node,
                path,
                f"expected 2 to {MAX_DESTINATIONS} town ids sharing one figure, found "
                f"{len(node.items)}" + (" (one destination is written as its id)" if len(node.items) == 1 else ""),
            )
            return ()
        found: list[str] = []
        for j, item in enumerate(node.items):
            tid = self.ref(item, f"{path}[{j}]", towns, "town")
            if tid is None:
                continue
            if tid in found:
                self.error(item, f"{path}[{j}]", f"{_quoted(tid)} is listed twice")
            elif tid == origin:
                self.error(item, f"{path}[{j}]", f"{_quoted(tid)} is where the flow starts ('from')")
            else:
                found.append(tid)
        return tuple(found) if len(found) == len(node.items) else ()
