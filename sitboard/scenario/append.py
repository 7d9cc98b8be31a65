"""Reading only what was appended to a scenario file, when that gives the very answer a whole read gives.

A live board follows a file an importer or an analyst keeps appending events
to. Reading 300,000 events again for each one added takes half a minute;
reading the added lines takes milliseconds. So when the file changed, and its
new bytes start with exactly the bytes of the last valid read (a hash of that
prefix, not its size, says so), only the end is read: from the line where the
last event already read starts, to the end of the file. That slice is
composed as YAML on its own and must come out as a block list of events at the
same indentation; its first item, read again, must be the last event read
(an appended line can continue a text of it); the items after it are checked
as a whole read checks them, in the context of the scenario already loaded
(its towns, factions and sources, and the time of the event before), and
added to its events.

Anything this cannot vouch for is read whole, as before: the prefix changed,
the old file did not end with a line break, line breaks other than `\\n`, an
anchor, alias, tag, directive or document marker in the slice, the slice not
being one list of events at the old list's indentation (a new top-level key
after `events:`), nesting near the composer's limit, a YAML error, a problem
in the last event read again. A problem in the appended events is reported
exactly as the whole read reports it: the same messages at the same
file:line:col (line numbers are shifted by where the slice starts), in the
same order and number (`checker.check_appended`).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple, overload

from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import MAX_BYTES
from sitboard.scenario.model import ControlColumns, Event, EventColumns, EventSequence, Scenario, event_columns
from sitboard.scenario.palette import ColorCheck
from sitboard.scenario.userfile import read_bytes

# Line breaks YAML counts besides `\n` (CR, NEL, LS, PS): with any of them in
# the file, a line number is not a count of `\n`, and the file is read whole.
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
# The start of the last event's line: its indentation, the list's dash, spaces.
_ITEM_START = re.compile(r"( *)- +\Z")
# An item this deep in the slice is within two levels of the composer's limit in the whole file.
_DEEPEST = 60
# More lines than this between the start of the last event and the end of the old file: read whole.
_MOST_LINES_BACK = 100_000


class LastRead(NamedTuple):
    """What a valid read of the file gave: how many bytes, their SHA-256, and the scenario they hold."""

    size: int
    digest: bytes
    scenario: Scenario
    lines: int  # line breaks (`\n`) in those bytes
    plain: bool  # and no other kind of line break


_CHUNK = 1 << 20


def last_read(data: str | bytes, scenario: Scenario, digest: bytes | None = None) -> LastRead:
    """`LastRead` of a file whose text, or its bytes (valid UTF-8), a whole read checked (any thread).

    `digest`, if given, is the SHA-256 of those bytes, already worked out
    (the cache keys a large file by it): they are then only counted, not
    hashed again. The file is counted (and hashed) a megabyte at a time, so
    that the board's thread never waits for this one more than a
    millisecond or so, and no second copy of the file is made.
    """
    import hashlib

    hashing = hashlib.sha256()
    size = lines = 0
    plain = True
    breaks = [brk.encode() for brk in _OTHER_BREAKS]
    reach = max(map(len, breaks)) - 1  # a break's bytes may start in the chunk before
    for i in range(0, len(data), _CHUNK):
        if isinstance(data, str):
            chunk = data[i : i + _CHUNK].encode("utf-8")  # whole characters: a chunk of the text, not of its bytes
            seen = chunk
        else:
            chunk = data[i : i + _CHUNK]
            seen = data[max(0, i - reach) : i + _CHUNK]
        size += len(chunk)
        lines += chunk.count(b"\n")
        # ASCII bytes can hold a CR, never one of the other breaks (each a sequence of non-ASCII bytes)
        plain = plain and not (b"\r" in seen if seen.isascii() else any(brk in seen for brk in breaks))
        if digest is None:
            hashing.update(chunk)
    return LastRead(size, hashing.digest() if digest is None else digest, scenario, lines, plain)


class Appended(NamedTuple):
    """The file as read through its appended end: its bytes, and what a later append is compared with."""

    data: bytes
    read: LastRead


def read_appended(path: str, last: LastRead, color_ok: ColorCheck | None) -> Appended | None:
    """The scenario now at `path`, read through what was appended since `last`; None: read it whole.

    Raises `ScenarioError`, exactly as a whole read would, when the appended
    events have problems.
    """
    import hashlib

    try:
        data = read_bytes(path, limit=MAX_BYTES, expected="a scenario file (.yaml)", too_big="")
    except ScenarioError:
        return None  # the whole read says what is wrong
    n = last.size
    if n == 0 or len(data) < n or data[n - 1 : n] != b"\n":
        return None
    view = memoryview(data)
    digest = hashlib.sha256(view[:n])
    if digest.digest() != last.digest:
        return None
    digest.update(view[n:])
    tail = _tail(data, last)
    if tail is None:
        return None
    text, column, shift = tail
    scenario = last.scenario
    events = _events(text, column, shift, scenario, path, color_ok)
    if events is None:
        return None
    if events:
        scenario = scenario.replace(events=ExtendedEvents(scenario.events, tuple(events)))
    return Appended(data, LastRead(len(data), digest.digest(), scenario, last.lines + data.count(b"\n", n), True))


def _tail(data: bytes, last: LastRead) -> tuple[str, int, int] | None:
    """The text from the line where the last event read starts, the column of its dash, and the lines before it."""
    n = last.size
    if not last.plain or any(data.find(brk.encode(), n) >= 0 for brk in _OTHER_BREAKS):
        return None
    events = last.scenario.events
    mark = events[-1].mark if events else None
    if mark is None:
        return None
    lines = last.lines  # the old file ends with a line break: it has this many lines
    if not 1 <= mark.line <= lines or lines - mark.line > _MOST_LINES_BACK:
        return None
    start = n - 1  # the line break that ends the old file's last line; back to the one before line `mark.line`
    for _ in range(lines - mark.line + 1):
        start = data.rfind(b"\n", 0, start)
    start += 1
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    item = _ITEM_START.match(text, 0, mark.column - 1)
    if item is None:
        return None
    return text, len(item.group(1)) + 1, mark.line - 1


def _events(
    text: str, column: int, shift: int, scenario: Scenario, path: str, color_ok: ColorCheck | None
) -> list[Event] | None:
    """The events after the last one of `scenario` in `text` (which starts with that one), or None: read whole."""
    import yaml

    from sitboard.scenario import checker, yamldoc

    if not _plain(text):
        return None
    try:
        root = yamldoc.compose(text)
    except (yamldoc.YamlProblem, RecursionError):
        return None
    if not isinstance(root, yamldoc.Seq) or (root.line, root.column) != (1, column) or not root.items:
        return None
    if _shift(root, shift, 0) > _DEEPEST:
        return None
    old = len(scenario.events)
    last = scenario.events[-1]
    entries = root.items
    try:
        again = checker.check_appended(scenario, entries[:1], old - 1, None, path, color_ok)
        if again != [last]:
            return None
        previous = (last.time, _time_line(entries[0]))
        return checker.check_appended(scenario, entries[1:], old, previous, path, color_ok)
    except (yamldoc.YamlProblem, yaml.YAMLError):
        return None  # a bad merge key: the whole read places it
    except ScenarioError as exc:
        if any(p.line <= root.items[0].line for p in exc.problems):  # pragma: no cover - the first item passed
            return None
        raise


def _plain(text: str) -> bool:
    """No anchor, alias, tag, directive or document marker: the slice means on its own what it means in the file."""
    import yaml

    try:  # the parser `yamldoc` composes with
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as Loader  # type: ignore[assignment]

    refused = (
        yaml.AnchorToken,
        yaml.AliasToken,
        yaml.TagToken,
        yaml.DirectiveToken,
        yaml.DocumentStartToken,
        yaml.DocumentEndToken,
    )
    loader = Loader(text)
    try:
        while True:
            token = loader.get_token()
            if token is None or isinstance(token, yaml.StreamEndToken):
                return True
            if isinstance(token, refused):
                return False
    except yaml.YAMLError:
        return False
    finally:
        loader.dispose()


def _shift(node: object, lines: int, depth: int) -> int:
    """Move `node` and everything in it down by `lines`; the depth of the deepest collection in it."""
    from sitboard.scenario.yamldoc import Map, Scalar, Seq

    deepest = depth
    stack: list[tuple[object, int]] = [(node, depth)]
    while stack:
        found, level = stack.pop()
        if isinstance(found, Scalar):
            found.line += lines
        elif isinstance(found, Seq):
            found.line += lines
            deepest = max(deepest, level)
            stack += [(child, level + 1) for child in found.items]
        elif isinstance(found, Map):
            found.line += lines
            deepest = max(deepest, level)
            for key, value in found.pairs:
                stack += [(key, level + 1), (value, level + 1)]
    return deepest


def _time_line(entry: object) -> int:
    """The line of an event's `time` value, as the checker takes it (the first `time` key, merges after own keys)."""
    from sitboard.scenario.yamldoc import Map, resolve_merges

    assert isinstance(entry, Map)  # it was checked as an event
    for key, value in resolve_merges(entry):
        if key.text == "time":
            return value.line
    raise AssertionError("a checked event has a time")  # pragma: no cover


def only_appended(old: Scenario, new: Scenario) -> bool:
    """`new` is `old` with events appended (`read_appended`) and nothing else: the very same towns, factions, map.

    What was worked out from anything but the events (a map's labels, its
    layers) then still holds, and every step of `old` is a step of `new`.
    """
    events = new.events
    return (
        isinstance(events, ExtendedEvents)
        and events.extends is old.events
        and all(getattr(new, name) is getattr(old, name) for name in Scenario._FIELDS if name != "events")
    )


class ExtendedEvents(EventSequence):
    """A scenario's events with more appended: equal to the tuple a whole read gives, without copying the old ones.

    `extends` is the sequence it was made from, while anything still holds it
    (the timeline of that one is then extended rather than rebuilt; a weak
    reference, so that a board appended to all day does not keep every
    earlier sequence). The columns the timeline and the strip read
    (`columns()`) are the old events' with the new ones' added, worked out
    when the sequence is made: in the reading thread, not on the board's.
    """

    __slots__ = ("__weakref__", "_base", "_columns", "_extends", "_more")

    def __init__(self, extends: Sequence[Event], more: tuple[Event, ...]) -> None:
        self._extends: Callable[[], Sequence[Event] | None]
        self._base: Sequence[Event]
        self._more: tuple[Event, ...]
        if isinstance(extends, ExtendedEvents):  # one level, however many appends
            self._base = extends._base
            self._more = extends._more + more
            self._extends = weakref.ref(extends)
        else:
            self._base, self._more = extends, more
            self._extends = lambda: extends  # it is the base, held anyway
        self._columns = _joined(event_columns(extends), event_columns(more), len(extends))

    @property
    def extends(self) -> Sequence[Event] | None:
        return self._extends()

    def columns(self) -> EventColumns:
        return self._columns

    def __len__(self) -> int:
        return len(self._base) + len(self._more)

    @overload
    def __getitem__(self, i: int) -> Event: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Event]: ...
    def __getitem__(self, i: int | slice) -> Event | Sequence[Event]:
        n = len(self._base)
        if isinstance(i, slice):
            start, stop, stride = i.indices(len(self))
            if stride != 1:
                return tuple(self[j] for j in range(start, stop, stride))
            head = tuple(self._base[start:stop]) if start < n else ()
            return head + self._more[max(0, start - n) : max(0, stop - n)]
        at = i + len(self) if i < 0 else i
        if not 0 <= at < len(self):
            raise IndexError(i)
        found: Event = self._base[at] if at < n else self._more[at - n]
        return found

    def __iter__(self) -> Iterator[Event]:
        yield from self._base
        yield from self._more

    def __repr__(self) -> str:
        return f"ExtendedEvents({len(self._base)} + {len(self._more)} events)"


def _joined(old: EventColumns, new: EventColumns, steps: int) -> EventColumns:
    """The columns of `steps` old events followed by new ones (whose steps count from 1 again)."""
    return EventColumns(
        [*old.times, *new.times],
        ControlColumns(
            [*old.controls.steps, *(step + steps for step in new.controls.steps)],
            [*old.controls.towns, *new.controls.towns],
            [*old.controls.holders, *new.controls.holders],
            [*old.controls.records, *new.controls.records],
        ),
        [*old.flows, *((step + steps, flow) for step, flow in new.flows)],
        [*old.views, *((step + steps, view) for step, view in new.views)],
        [*old.untils, *((step + steps, until) for step, until in new.untils)],
    )
