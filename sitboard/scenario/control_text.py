"""Control states and shared-figure destinations in words, for every output that writes them.

One wording for the Markdown briefing, the GeoJSON names and (later) the panels:
"Government, besieged by HTS from N and E", "mixed: SDF and SNA", "Damascus and
Tartus (one figure)". The caller says how an id is named (and escaped), so this
module knows nothing of Markdown or terminals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sitboard.scenario.model import HELD, MIXED, Control

Namer = Callable[[str], str]


def listed(names: Iterable[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def state_words(c: Control, name: Namer) -> str:
    """What a record adds to its holder: `besieged by HTS from N and E`, `truce with X`; empty when plain."""
    if c.state == MIXED:
        words = f"mixed: {listed(name(h) for h in c.holders)}"
    elif c.state in ("besieged", "encircled"):
        words = f"{c.state} by {listed(name(f) for f in c.by)}"
        if c.from_:
            words += f" from {listed(c.from_)}"
    elif c.state == "truce":
        words = f"truce with {listed(name(f) for f in c.with_)}"
    else:
        words = ""
    if c.present:
        present = f"{listed(name(f) for f in c.present)} present"
        words = f"{words}; {present}" if words else present
    return words


def control_words(c: Control, name: Namer) -> str:
    """The whole record: `Government`, `Government, besieged by HTS`, `mixed: SDF and SNA`."""
    if c.state == MIXED:
        return state_words(c, name)
    words = state_words(c, name)
    return f"{name(c.holder)}, {words}" if words else name(c.holder)


def change_words(before: Control, after: Control, name: Namer) -> tuple[str, str]:
    """Both sides of a change, the second without a holder that stays: (`Government`, `besieged by HTS`)."""
    if after.state not in (HELD, MIXED) and before.state != MIXED and before.holder == after.holder:
        return control_words(before, name), state_words(after, name)
    return control_words(before, name), control_words(after, name)


def group_words(towns: Iterable[str], name: Namer) -> str:
    """Destinations that share one figure: `Damascus and Tartus (one figure)`."""
    return f"{listed(name(t) for t in towns)} (one figure)"
