"""Random control values (the mapping form of docs/scenario-format.md) and an oracle that judges them.

The oracle is the rule list of the format document, written out again
independently of the checker, so that the checker (and the JSON Schema, for
the rules a schema can express) can be compared with it on any value.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

FACTIONS = ("gov", "hts", "sdf", "sna", "isis")
HOLDERS = (*FACTIONS, "contested", "unknown")
STATES = ("held", "besieged", "encircled", "mixed", "truce")
COMPASS = {
    "N": 0,
    "NE": 1,
    "E": 2,
    "SE": 3,
    "S": 4,
    "SW": 5,
    "W": 6,
    "NW": 7,
    "north": 0,
    "north-east": 1,
    "east": 2,
    "south-east": 3,
    "south": 4,
    "south-west": 5,
    "west": 6,
    "north-west": 7,
}

_factions = st.lists(st.sampled_from((*FACTIONS, "unknown", "nobody")), max_size=4)


@st.composite
def control_values(draw: st.DrawFn) -> dict[str, Any]:
    """A mapping with any subset of the keys, mostly well-typed values, sometimes wrong ones."""
    value: dict[str, Any] = {}
    if draw(st.booleans()):
        value["holder"] = draw(st.sampled_from((*HOLDERS, "nobody")))
    if draw(st.booleans()):
        value["state"] = draw(st.sampled_from((*STATES, "sieged")))
    for key in ("by", "holders", "with", "present"):
        if draw(st.integers(0, 2)) == 0:
            value[key] = draw(_factions)
    if draw(st.integers(0, 2)) == 0:
        value["from"] = draw(st.lists(st.sampled_from((*COMPASS, "up")), max_size=3))
    return value


def valid(value: dict[str, Any], *, refs: bool = True) -> bool:
    """Whether the format document allows this control value.

    Without `refs`, only what a JSON Schema can judge: ids need not exist, a
    holder may also be listed as besieging, and `N` and `north` are two words.
    """
    state = value.get("state", "held")
    if state not in STATES:
        return False
    owners = _owners(value, state, refs=refs)
    if owners is None:
        return False
    sieged = state in ("besieged", "encircled")
    if sieged != ("by" in value) or (state == "truce") != ("with" in value):
        return False
    if "from" in value:
        directions = [COMPASS.get(d) if refs else d for d in value["from"]]
        known = all(d in COMPASS for d in value["from"])
        if state != "besieged" or not directions or not known or len(set(directions)) != len(directions):
            return False
    for key in ("by", "with", "present"):
        listed = value.get(key)
        if listed is None:
            continue
        if not 1 <= len(listed) <= 10 or len(set(listed)) != len(listed):
            return False
        if refs and (not set(listed) <= set(FACTIONS) or owners & set(listed)):
            return False
    return True


def _owners(value: dict[str, Any], state: str, *, refs: bool) -> set[str] | None:
    """Who holds the town (the mixed holders, or the one holder), or None when that part is not allowed."""
    if state == "mixed":
        holders = value.get("holders")
        if "holder" in value or holders is None or not 2 <= len(holders) <= 3:
            return None
        if len(set(holders)) != len(holders) or (refs and not set(holders) <= set(FACTIONS)):
            return None
        return set(holders)
    if "holder" not in value or (refs and value["holder"] not in HOLDERS) or "holders" in value:
        return None
    return {value["holder"]}


def flow_style(value: dict[str, Any]) -> str:
    """The value as a YAML flow mapping."""
    parts = []
    for key, item in value.items():
        parts.append(f"{key}: [{', '.join(item)}]" if isinstance(item, list) else f"{key}: {item}")
    return "{" + ", ".join(parts) + "}"
