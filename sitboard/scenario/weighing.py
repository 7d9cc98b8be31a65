"""Weighing sources: what a valid scenario claims on too little, said as warnings.

A file can be well formed and still claim more than its sources carry. These
are the checks war-map editors apply before they recolour a town: a change
of hands that only the side gaining it reports, a "confirmed" that rests on
one source, and two events that give one town two holders at the same time.
They are warnings, not errors (the author may know better), and each points
at the event in the file; `sitboard check --strict` refuses them.
"""

from __future__ import annotations

from sitboard.scenario.errors import Problem
from sitboard.scenario.model import RESERVED_HOLDERS, Event, Scenario


def on_own_word(scenario: Scenario, event: Event, gainer: str) -> bool:
    """Whether every source of `event` is close to `gainer`: the side that gains tells it alone."""
    if gainer in RESERVED_HOLDERS or not event.sources:
        return False
    return all(scenario.source_by_id[sid].affiliation == gainer for sid in event.sources)


def weigh(scenario: Scenario, file: str) -> list[Problem]:
    """Every warning for `scenario`, in file order."""
    found: list[tuple[Event, str, str]] = []
    holders = {t.id: t.control for t in scenario.towns}
    said: dict[tuple[object, str], tuple[Event, str]] = {}  # (instant, town) -> the first event giving a holder
    for event in scenario.events:
        where = f"events[{event.index}]"
        for town, control in event.controls():
            gainer, before = control.holder, holders[town]
            holders[town] = gainer
            if gainer != before and on_own_word(scenario, event, gainer):
                found.append(
                    (
                        event,
                        f"{where}.control.{town}",
                        f"{_name(scenario, town)} changes hands to {gainer} only on the word of sources close to "
                        f"{gainer} ({', '.join(event.sources)}): add a source not close to the side that gains it",
                    )
                )
            first = said.setdefault((event.time.sort_key, town), (event, gainer))
            if first[1] != gainer:
                line = first[0].mark.line if first[0].mark else "?"
                found.append(
                    (
                        event,
                        f"{where}.control.{town}",
                        f"gives {_name(scenario, town)} to {gainer} at {event.time.text}, the same time as "
                        f"events[{first[0].index}] (line {line}) gives it to {first[1]}: which held it?",
                    )
                )
        if event.confidence == "confirmed" and len(set(event.sources)) < 2:
            found.append(
                (
                    event,
                    f"{where}.confidence",
                    "'confirmed' rests on "
                    + ("no source" if not event.sources else f"one source ({event.sources[0]})")
                    + ": confirmation takes at least two",
                )
            )
    return [
        Problem(file, e.mark.line if e.mark else 1, e.mark.column if e.mark else 1, path, message, "warning")
        for e, path, message in found
    ]


def _name(scenario: Scenario, town: str) -> str:
    return repr(scenario.town(town).name)
