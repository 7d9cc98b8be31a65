"""The timeline strip's layout: every event as a tick placed by time, the dates under them, where a click lands.

O(width) per frame whatever the number of events: a year of ACLED data is
20,000 ticks on one line, whose columns and row are laid out once per width.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from itertools import chain, compress, islice, repeat
from operator import is_not, le
from typing import NamedTuple

from sitboard.scenario.model import Scenario, event_columns


def fractions(scenario: Scenario) -> list[float]:
    """Where each event sits along the strip, 0 to 1, by time (quiet weeks look quiet); evenly if no time passes."""
    keys = event_columns(scenario.events).times  # microseconds: the same order, read without the records
    span = (keys[-1] - keys[0]) if keys else 0.0
    if span > 0:
        return [(k - keys[0]) / span for k in keys]
    return [i / max(1, len(keys) - 1) for i in range(len(keys))]


def spans(scenario: Scenario) -> list[float | None]:
    """Where each event's range ends along the strip (as `fractions` places starts), None for a moment.

    A range that runs past the last event's start is drawn to the strip's end.
    """
    events = scenario.events
    n = len(events)
    first = events[0].time.sort_key.timestamp() if n else 0.0
    span = (events[-1].time.sort_key.timestamp() - first) if n else 0.0
    ends: list[float | None] = [None] * n
    if span <= 0:
        return ends
    for step, until in event_columns(events).untils:  # the few ranges, without building every record
        ends[step - 1] = min(1.0, (until.sort_key.timestamp() - first) / span)
    return ends


class Ticks(NamedTuple):
    """The strip at one width: each event's column (non-decreasing) and the row of ticks."""

    columns: list[int]
    row: str


def ticks(places: list[float], width: int, *, ascii_only: bool, ends: list[float | None] | None = None) -> Ticks:
    """The ticks at this width; an event with a range (`ends`, from `spans`) draws a line to where it ends."""
    scale = float(max(1, width) - 1)
    columns, distinct = _columns(places, scale)
    cells = [" "] * max(0, width)
    line = "-" if ascii_only else "─"
    if ends:
        for i in compress(range(len(ends)), map(is_not, ends, repeat(None))):  # the few ranges
            end = ends[i]
            if i < len(columns) and end is not None:
                for x in range(max(0, columns[i] + 1), min(width, round(end * scale) + 1)):
                    cells[x] = line
    tick = "|" if ascii_only else "│"
    for col in distinct:
        if 0 <= col < width:
            cells[col] = tick
    return Ticks(columns, "".join(cells))


def _columns(places: list[float], scale: float) -> tuple[list[int], Iterable[int]]:
    """Each place's column (`round(scale * place)`), and the distinct columns.

    Places in order (every event's, by time) give columns in order: each
    run of one column is then found by bisection, a few thousand roundings
    instead of one per event (300,000: 40 ms of a board's first frame).
    """
    if not all(map(le, places, islice(places, 1, None))):
        columns = list(map(round, map(scale.__mul__, places)))
        return columns, set(columns)
    runs: list[repeat[int]] = []
    distinct: list[int] = []
    column = scale.__mul__
    i, n = 0, len(places)
    while i < n:
        col = round(column(places[i]))
        j = bisect.bisect_right(places, col, i, n, key=lambda p: round(column(p)))
        runs.append(repeat(col, j - i))
        distinct.append(col)
        i = j
    return list(chain.from_iterable(runs)), distinct


class Dates(NamedTuple):
    """The row under the ticks, and the current event's column (None at the start)."""

    row: str
    current: int | None


def dates(scenario: Scenario, step: int, columns: list[int], width: int) -> Dates:
    """The first and last dates at the ends, the current one (or START) under its tick, none written over another."""
    events = scenario.events
    cells = [" "] * width
    first, last = events[0].time.text[:10], events[-1].time.text[:10]
    current: int | None = None
    if step:
        current = columns[step - 1]
        label = f" {events[step - 1].time.text[:10]} "
        at = max(0, min(width - len(label), current - len(label) // 2))
    else:
        label, at = " START ", max(0, width // 2 - 3)
    # The first and last dates only where the current label leaves room:
    # writing one over the other would leave a cut date such as "24-12-06".
    if len(first) <= at:
        _write(cells, 0, first)
    if width - len(last) >= at + len(label):
        _write(cells, width - len(last), last)
    _write(cells, at, label)
    return Dates("".join(cells)[:width], current)


def step_at(columns: list[int], x: int) -> int:
    """The step of the tick nearest column `x`; of several events in one column, the last of them."""
    after = bisect.bisect_right(columns, x)  # events [0, after) are at or left of x
    left, right = after - 1, after
    if right < len(columns) and (left < 0 or columns[right] - x < x - columns[left]):
        nearest = bisect.bisect_right(columns, columns[right]) - 1
    else:
        nearest = left
    return nearest + 1


def _write(cells: list[str], start: int, text: str) -> None:
    for i, ch in enumerate(text):
        if 0 <= start + i < len(cells):
            cells[start + i] = ch
