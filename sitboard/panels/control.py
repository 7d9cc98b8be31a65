"""The Control panel and the town list: who holds what, and every town.

The changes of hands at a step are the event's (`sitboard.panels.event`),
where they are always on screen; the town list marks the towns that changed.
"""

from __future__ import annotations

from sitboard.panels.styled import Span, Styled, rstrip
from sitboard.panels.words import Words
from sitboard.scenario.model import CONTESTED, UNKNOWN
from sitboard.timeline import Situation, figure


def control(situation: Situation, words: Words) -> Styled:
    """Towns (and people, where populations are given) held per holder, under the title "towns held"."""
    out: list[Span] = []
    holdings = situation.holdings()
    digits = len(str(max((held[0] for held in holdings.values()), default=0)))
    for holder in [f.id for f in words.scenario.factions] + [CONTESTED, UNKNOWN]:
        towns, population, unknown_population = holdings.get(holder, (0, 0, 0))
        if not towns and holder in (CONTESTED, UNKNOWN):
            continue
        out += [
            Span(f" {words.mark(holder)} ", f"badge:{holder}"),
            Span(f" {towns:>{digits}} ", "strong"),
            Span(words.holder(holder)),
        ]
        if population:
            # Population held counts only towns whose population is given.
            out.append(Span(f"  pop. {figure(population)}" + (" + unknown" if unknown_population else ""), "dim"))
        out.append(Span("\n"))
    return rstrip(out)


def town_row(words: Words, index: int, holder: str, changed: bool) -> Styled:
    """One line of the town list: the holder's badge, the town's glyph and name, and whether it just changed hands."""
    town = words.scenario.towns[index]
    row = (
        Span(f" {words.mark(holder)} ", f"badge:{holder}"),
        Span(f" {words.glyph(town.kind)} {words.text(town.name)}", "strong" if changed else ""),
    )
    return (*row, Span("  changed", "hot")) if changed else row
