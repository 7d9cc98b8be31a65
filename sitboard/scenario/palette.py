"""Default faction colours and marks, chosen to survive colour blindness.

The colours are Okabe & Ito's palette (2008), distinguishable under the common
forms of colour vision deficiency; the order puts the pairs that stay most
distinct on both dark and light backgrounds first. Marks are the letters that
stand for a faction wherever colour cannot be relied on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from sitboard.scenario.model import CONTESTED, UNKNOWN, Scenario

ColorCheck = Callable[[str], bool]  # is this colour name one the output can draw? (the core cannot ask Rich)

OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#D55E00",  # vermillion
    "#0072B2",  # blue
    "#F0E442",  # yellow
)

# Holders that are not factions; their marks are outside the id alphabet, so a
# faction can never be mistaken for them.
CONTESTED_MARK = "~"
UNKNOWN_MARK = "?"
# Their colours: white and a mid grey, outside the palette and apart from each other.
CONTESTED_COLOR = "#ffffff"
UNKNOWN_COLOR = "#8c8c8c"


_HEX = re.compile(r"#[0-9A-Fa-f]{6}\Z")
_WORD = re.compile(r"[a-z0-9_]+\Z")


def color_valid(value: str, color_ok: ColorCheck | None) -> bool:
    """`#rrggbb`, or a name `color_ok` accepts (it asks Rich; without it, any plain colour word)."""
    if value.startswith("#"):
        return bool(_HEX.match(value))
    return color_ok(value) if color_ok else bool(_WORD.match(value))


def default_colors(given: Sequence[str | None]) -> list[str]:
    """Fill the gaps in `given` with palette colours not already taken."""
    taken = {c.lower() for c in given if c}
    free = [c for c in OKABE_ITO if c.lower() not in taken] or list(OKABE_ITO)
    out: list[str] = []
    n = 0
    for color in given:
        if color:
            out.append(color)
        else:
            out.append(free[n % len(free)])
            n += 1
    return out


def default_marks(ids: Sequence[str], given: Sequence[str | None]) -> list[str]:
    """Marks for factions: the given one, else the id's first letter made unique.

    Uppercase reads best on a map; if it is taken we try the lowercase letter,
    then the id's other characters, then any free letter or digit.
    """
    used = {m for m in given if m}
    out: list[str] = []
    for fid, mark in zip(ids, given):
        if mark:
            out.append(mark)
            continue
        choice = next((c for c in _candidates(fid) if c not in used), "#")
        used.add(choice)
        out.append(choice)
    return out


def _candidates(fid: str) -> Iterable[str]:
    for ch in fid:
        if ch.isalnum() and ch.isascii():
            yield ch.upper()
            yield ch.lower()
    yield from "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz"


class Holder(NamedTuple):
    """Who can hold a town: a faction, or contested, or unknown; what every output calls it and marks it with."""

    id: str
    name: str
    mark: str
    color: str  # as the scenario gives it: outputs that draw check it (`app.style.drawable`)


def holders(scenario: Scenario) -> dict[str, Holder]:
    """Every holder of the scenario by id: its factions, then contested and unknown."""
    found = {f.id: Holder(f.id, f.name, f.mark, f.color) for f in scenario.factions}
    found[CONTESTED] = Holder(CONTESTED, "contested", CONTESTED_MARK, CONTESTED_COLOR)
    found[UNKNOWN] = Holder(UNKNOWN, "unknown", UNKNOWN_MARK, UNKNOWN_COLOR)
    return found
