"""What a person types in the Go-to dialog, read as a step: total, whatever is typed or pasted."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sitboard.scenario.model import Town
from sitboard.timeline import Timeline


class NotAStep(ValueError):
    """What was typed in the Go-to dialog is not a step; the message says why, as a phrase."""


def parse_goto(value: str, timeline: Timeline, current: int = 0) -> int:
    """A step from what a person types: `12`, `end`, `start`, `2024-12-05`, `2024-12-05T14:00`, `Homs`.

    Digits of any script count (`٣` and `３` are 3), as Python's `int` reads
    them; a superscript `²` is not a digit. A town's name (or id), in any
    case, is the town's next change of hands after the `current` step (from
    the start again after its last). Anything else raises `NotAStep` with a
    reason, never another exception: a person can type or paste anything.
    """
    town = town_named(value, timeline)
    if town is not None:
        return next_change_of_hands(timeline, town, current)
    value = _ascii_digits(value.strip().lower())
    if value in ("end", "last"):
        return timeline.steps
    if value in ("start", "first"):
        return 0
    last = timeline.steps
    if value.isdecimal():
        digits = value.lstrip("0") or "0"
        if len(digits) > len(str(last)) or int(digits) > last:  # length first: int() refuses 4,300 digits and more
            raise NotAStep(f"the last step is {last}")
        return int(digits)
    if value[:1] in "+-" and value[1:].isdecimal():
        raise NotAStep(f"steps go from 0 to {last}")
    try:
        if len(value) <= 10:
            day = date.fromisoformat(value)
            when = datetime.combine(day, time.max, tzinfo=UTC)
        else:
            when = datetime.fromisoformat(value.upper())
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
    except ValueError:
        raise NotAStep("expected a number, 'end', a date such as 2024-12-05 or a town's name") from None
    try:
        return timeline.step_at_or_before(when)
    except OverflowError:  # 9999-12-31T23:00-23:59 is past the last instant a datetime can hold
        raise NotAStep("that time is outside the years 1 to 9999") from None


def _ascii_digits(value: str) -> str:
    """`value` with the decimal digits of every script written as 0-9 (dates typed in Arabic-Indic digits)."""
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in value)


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def town_named(value: str, timeline: Timeline) -> str | None:
    """The id of the town called `value` (its name or id, case and spacing aside), or None."""
    wanted = _folded(value)
    if not wanted:
        return None
    return _names(timeline.scenario.towns).get(wanted)


def prepare(timeline: Timeline) -> None:
    """Fold the towns' names ahead of the first go-to (22 ms at 20,000 towns, spent while the board is idle)."""
    _names(timeline.scenario.towns)


_named: list[tuple[Sequence[Town], dict[str, str]]] = []  # the last scenario's towns, and their folded names


def _names(towns: Sequence[Town]) -> dict[str, str]:
    """Each folded name and id -> the first town in file order called so (folding 20,000 names once, not per look-up)."""
    if not _named or _named[0][0] is not towns:
        names: dict[str, str] = {}
        for town in towns:
            names.setdefault(_folded(town.name), town.id)
            names.setdefault(_folded(town.id), town.id)
        _named[:] = [(towns, names)]
    return _named[0][1]


def next_change_of_hands(timeline: Timeline, town_id: str, current: int) -> int:
    """The first step after `current` at which the town's holder changes; after the last, the first again.

    A town that never changes hands goes to the next event that happens there
    or moves people from or to it, the same way; one with none of these is
    not a step.
    """
    history = timeline.history(town_id)
    steps = [step for (step, holder), (_, before) in zip(history[1:], history, strict=False) if holder != before]
    if not steps:
        at = {e.index + 1 for e in timeline.scenario.events if e.at is not None and e.at.town == town_id}
        steps = sorted(at | {f.step for f in timeline.flows_of(town_id)})
    if not steps:
        raise NotAStep("no event changes its hands, happens there or moves its people")
    return next((step for step in steps if step > current), steps[0])
