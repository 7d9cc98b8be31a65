"""Reading a large scenario's events in two processes: where to cut, and what crosses the cut.

A cold open of 300,000 events is nearly all composing and checking events,
one after the other, on one core of a machine that has two. A large file's
`events:` list is cut at one of its top-level items (the seam); a second
process reads the events after the seam while this one reads the rest.

Each process reads a text with the other's events replaced by as many empty
lines, so every line and column it sees is the file's own. The cut is made
only where the two texts read exactly as the file does: a plain block list
of events, ASCII line breaks only, no anchor or alias among the events (one
defined before the seam and used after it would not be seen), no block
scalar that keeps its trailing empty lines. Everything else the two readings
check for themselves (`checker._in_two`); whatever they cannot vouch for, the
file is read in one process exactly as before.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from sitboard.scenario.model import Event, EventTime, Flow, Mark, Offset, Place

# Below this size a second process saves a few tenths of a second at best, and
# loses as much on a busy machine (starting it and reading the towns again cost
# it 0.3-0.5 s): measured in docs/performance.md. `checker.check` takes it as
# a parameter, which tests lower.
SPLIT_BYTES = 8 * 1024 * 1024

# The share of the events' bytes this process reads: the other process first
# starts, imports the checker and reads the towns, so it is given a little less.
FIRST_SHARE = 0.56

_EVENTS_KEY = re.compile(rb"^events:[ \t]*(?:#[^\n]*)?\r?\n", re.MULTILINE)
_BLANK_OR_COMMENT = re.compile(rb"[ \t]*(?:#[^\n]*)?\r?\n")
_ITEM = re.compile(rb"( *)-[ \r\n]")
# A line that starts at the left edge (not `^` with MULTILINE: ten times slower on 60 MB).
_LEFT_EDGE = re.compile(rb"\n[^ \t\r\n#]")
_LEFT_EDGE_NOT_ITEM = re.compile(rb"\n[^ \t\r\n#-]")
# An anchor or alias token (`&name`, `*name`) where YAML allows one; `a & b` or `5 * 3` are not.
_ANCHOR_OR_ALIAS = re.compile(rb"(?:^|[\s\[{,])[&*][^\s\[\]{},]", re.MULTILINE)
# A block scalar header that keeps trailing line breaks (`|+`, `>2+`, `|+2`).
_KEEP = re.compile(rb"[|>][0-9]?\+")
# Line breaks YAML knows besides `\n`: a lone CR, NEL, LS, PS (libyaml counts them as lines).
_OTHER_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


class Seam(NamedTuple):
    """Where the events list is cut (byte offsets into the file's bytes, 1-based lines)."""

    first: int  # the first event's line starts here
    split: int  # the first event read by the other process
    end: int  # the line after the events list (the file's length if it ends with it)
    first_line: int
    split_line: int
    end_line: int
    column: int  # 1-based column of the list's items (their '-')
    before: int  # events before the seam, counted by their '-' lines
    tail: bool  # something follows the list (a key after `events`)


def two_cores() -> bool:
    """Whether this process may run on two cores: on one, a second process only adds its start and the towns read twice."""
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except AttributeError:  # no affinity to ask (not Linux): the machine's count
        return (os.cpu_count() or 1) >= 2


def find_seam(data: bytes, share: float = FIRST_SHARE) -> Seam | None:
    """A place to cut `data`'s top-level events list, or None when the file is not plain enough to cut."""
    seam = cut(data, share)
    return None if seam is None else vouched(data, seam)


def cut(data: bytes, share: float = FIRST_SHARE) -> Seam | None:
    """Where `find_seam` would cut, not yet vouched for (`before` is -1): enough to start the other process.

    What makes a cut safe (`vouched`) is a third of the work of finding it
    on a 200 MB file, 0.6 s; the other process need not wait for it.
    """
    key = _EVENTS_KEY.search(data)
    if key is None:
        return None
    first = key.end()
    while (blank := _BLANK_OR_COMMENT.match(data, first)) is not None:
        first = blank.end()
    item = _ITEM.match(data, first)
    if item is None:
        return None
    indent = item.group(1)
    # The list ends at the first line, after its first item, that starts further left than its items.
    found = (_LEFT_EDGE if indent else _LEFT_EDGE_NOT_ITEM).search(data, first - 1)
    end = len(data) if found is None else found.start() + 1
    marker = b"\n" + indent + b"-"
    # The seam: the first item at or after the share of the list's bytes.
    split = data.find(marker, first + int((end - first) * share), end)
    while split != -1 and data[split + len(marker) : split + len(marker) + 1] not in (b" ", b"\r", b"\n"):
        split = data.find(marker, split + 1, end)
    if split == -1:
        return None
    split += 1
    first_line = data.count(b"\n", 0, first) + 1
    split_line = first_line + data.count(b"\n", first, split)
    end_line = split_line + data.count(b"\n", split, end)
    return Seam(first, split, end, first_line, split_line, end_line, len(indent) + 1, -1, end < len(data))


def vouched(data: bytes, seam: Seam) -> Seam | None:
    """`seam` with the events before it counted, if the list's bytes hold none of what the cut cannot carry."""
    first, split, end = seam.first, seam.split, seam.end
    # In place (a slice of 60 MB is a copy).
    returns = data.count(b"\r", first, end)
    if (
        (_anywhere(data, (b"&", b"*"), first, end) and _ANCHOR_OR_ALIAS.search(data, first, end) is not None)
        or (_anywhere(data, (b"|", b">"), first, end) and _KEEP.search(data, first, end) is not None)
        or (returns and returns != data.count(b"\r\n", first, end))
        or (not data.isascii() and _anywhere(data, _OTHER_BREAKS, first, end))
    ):
        return None
    marker = b"\n" + b" " * (seam.column - 1) + b"-"
    before = data.count(marker + b" ", first - 1, split) + data.count(marker + b"\n", first - 1, split)
    if returns:
        before += data.count(marker + b"\r", first - 1, split)
    return seam._replace(before=before)


def _anywhere(data: bytes, needles: tuple[bytes, ...], start: int, end: int) -> bool:
    return any(data.find(needle, start, end) != -1 for needle in needles)


def first_text(data: bytes, seam: Seam) -> bytes:
    """The file with the events after the seam as empty lines: what this process reads."""
    return b"".join((data[: seam.split], b"\n" * (seam.end_line - seam.split_line), data[seam.end :]))


def second_text(data: bytes, seam: Seam) -> bytes:
    """The file with the events before the seam as empty lines: what the other process reads."""
    return b"".join((data[: seam.first], b"\n" * (seam.split_line - seam.first_line), data[seam.split :]))


# -- what crosses between the processes --------------------------------------------------
#
# Events are named tuples: pickle rebuilds each through Python code, 3 s for
# 150,000 of them. They cross as columns of plain values instead (the few
# distinct times and places as tables), and are rebuilt here without a call
# into Python per event: a tenth of that.

Rows = tuple[int, list[Any], list[Any], list[Any]]  # (count, columns, times, places)

_TIME, _AT, _FLOWS, _MARK = 1, 5, 8, 11  # columns of `Event` that cross as something else
_tuple_new = tuple.__new__


def pack(events: list[Event]) -> Rows:
    """`events` as columns of plain values, their times and places numbered in tables."""
    columns: list[Any] = list(zip(*events)) if events else [()] * len(Event._fields)
    times = {id(t): t for t in columns[_TIME]}
    time_number = {key: n for n, key in enumerate(times)}
    places = {id(p): p for p in columns[_AT] if p is not None}
    place_number = {key: n for n, key in enumerate(places)}
    columns[0] = ()  # numbered again where they are joined
    columns[_TIME] = [time_number[id(t)] for t in columns[_TIME]]
    columns[_AT] = [None if p is None else place_number[id(p)] for p in columns[_AT]]
    columns[_FLOWS] = [tuple(f[:] for f in flows) if flows else () for flows in columns[_FLOWS]]
    columns[_MARK] = [m[:] for m in columns[_MARK]]
    return len(events), columns, [t[:] for t in times.values()], [p[:] for p in places.values()]


def unpack(rows: Rows, base: int, times: dict[EventTime, EventTime], places: dict[Place, Place]) -> list[Event]:
    """The events `pack` packed, numbered from `base`; times and places already known are shared."""
    count, columns, time_rows, place_rows = rows
    when = [times.get(t, t) for t in (EventTime._make(r) for r in time_rows)]
    where = [
        places.get(p, p) for p in (Place._make(r if r[3] is None else (*r[:3], Offset._make(r[3]))) for r in place_rows)
    ]
    flow = partial(_tuple_new, Flow)
    columns[0] = range(base, base + count)
    columns[_TIME] = [when[t] for t in columns[_TIME]]
    columns[_AT] = [None if p is None else where[p] for p in columns[_AT]]
    columns[_FLOWS] = [tuple(map(flow, flows)) if flows else () for flows in columns[_FLOWS]]
    columns[_MARK] = list(map(partial(_tuple_new, Mark), columns[_MARK]))
    return list(map(partial(_tuple_new, Event), zip(*columns)))


# -- the other process ----------------------------------------------------------------------


def start(text: bytes, file: str, seam: Seam) -> subprocess.Popen[bytes]:
    """The other process, reading `text` (`second_text`); `answer` collects what it found.

    A new interpreter, never a fork: the board may have threads running,
    which a fork would copy in whatever state they were in. Nor
    multiprocessing's spawn: it runs the parent's main script again in the
    child (a user's script without a main guard would run twice). The text
    is fed from a thread, so that this process starts reading its own share
    while the other one starts up.
    """
    if getattr(sys, "frozen", False) or not sys.executable:  # no interpreter to start: the program itself
        raise OSError("no Python interpreter to read the other half")
    home = str(Path(__file__).resolve().parents[2])  # the very sitboard this process runs
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, home],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    feed = threading.Thread(target=_feed, args=(process, (text, file, seam)), daemon=True, name="sitboard-feed")
    feed.start()
    return process


_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from sitboard.scenario.halves import serve; serve()"


def _feed(process: subprocess.Popen[bytes], job: tuple[bytes, str, Seam]) -> None:
    assert process.stdin is not None
    try:
        pickle.dump(job, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        process.stdin.close()
    except OSError:  # it died, or was stopped: `answer` says so
        pass


def answer(process: subprocess.Popen[bytes]) -> Rows | None:
    """What the other process found: its events packed, or None if it could not vouch for them (or died)."""
    assert process.stdout is not None
    try:
        data = process.stdout.read()
        rows: Rows | None = pickle.loads(data) if data else None
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    return rows


def stop(process: subprocess.Popen[bytes]) -> None:
    """The other process ended, and waited for (it may still be reading when this one gives up)."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass


def serve() -> None:
    """The other process: a job on standard input, its answer on standard output, nothing else there."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever else is printed must not mix with the answer
    text, file, seam = pickle.load(sys.stdin.buffer)
    from sitboard.scenario.checker import second_half

    try:
        events = second_half(text, file, seam)
        found = None if events is None else pack(events)
    except Exception:  # whatever it was, the first process reads the file alone
        found = None
    pickle.dump(found, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
