"""How the map shows a town's control state beyond one holder: marks in the cells beside its glyph.

A besieged, encircled, mixed or truce town, or one where another faction is
present without control, keeps its glyph (in its holder's colour, or its
holder's letter without colour) and gets a mark on one or both sides: a
character that reads without colour (`NO_COLOR`) and in 7-bit ASCII, drawn in
the colour of the other party (the besieger, the second holder...). The
labels module treats glyph and marks as one token, so no label crowds them.

| state | Unicode | ASCII | coloured as |
|---|---|---|---|
| besieged | `■×` | `#x` | the (first) besieger |
| encircled | `(■)` | `(#)` | the (first) encircler |
| mixed | `■½` | `#%` | the second holder |
| truce | `■═` | `#=` | the (first) other party |
| presence | `▴■` | `^#` | the (first) faction present |

Presence shares the left cell with encirclement: an encircled town where
another faction is also present shows the encirclement.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sitboard.scenario.model import Control, Scenario, event_columns

PRESENCE = "presence"
# state -> (left, right) characters, Unicode and ASCII; "" = no mark on that side.
MARKS = {
    "besieged": ("", "×"),
    "encircled": ("(", ")"),
    "mixed": ("", "½"),
    "truce": ("", "═"),
    PRESENCE: ("▴", ""),
}
MARKS_ASCII = {
    "besieged": ("", "x"),
    "encircled": ("(", ")"),
    "mixed": ("", "%"),
    "truce": ("", "="),
    PRESENCE: ("^", ""),
}
MEANING = {
    "besieged": "besieged",
    "encircled": "encircled",
    "mixed": "mixed control",
    "truce": "truce",
    PRESENCE: "another faction present",
}


class TownMarks(NamedTuple):
    """The marks beside one town's glyph: (char, style) or None per side."""

    left: tuple[str, str] | None
    right: tuple[str, str] | None


def marks_of(control: Control, *, ascii_only: bool) -> TownMarks:
    """The marks of a control record (both None for a plain holding); styles are `mark:<faction>`."""
    table = MARKS_ASCII if ascii_only else MARKS
    left: tuple[str, str] | None = None
    right: tuple[str, str] | None = None
    if control.present:
        left = (table[PRESENCE][0], f"mark:{control.present[0]}")
    party = _other_party(control)
    if party is not None:
        before, after = table[control.state]
        if before:
            left = (before, f"mark:{party}")
        if after:
            right = (after, f"mark:{party}")
    return TownMarks(left, right)


def _other_party(control: Control) -> str | None:
    if control.state in ("besieged", "encircled") and control.by:
        return control.by[0]
    if control.state == "mixed" and len(control.holders) > 1:
        return control.holders[1]
    if control.state == "truce" and control.with_:
        return control.with_[0]
    return None


def states_in_use(scenario: Scenario) -> list[str]:
    """The states any town is in at any step, in the table's order: what the legend lists."""
    found: set[str] = set()

    def note(records: Iterable[Control | None]) -> None:
        for control in records:
            if control is not None:
                if control.state in MARKS:
                    found.add(control.state)
                if control.present:
                    found.add(PRESENCE)

    note(t.control_state for t in scenario.towns)
    # from the timeline's columns: a stored scenario builds no event record for this
    note(event_columns(scenario.events).controls.records)
    return [state for state in MARKS if state in found]
