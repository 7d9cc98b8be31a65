"""The Control panel and the town list: who holds what, what changed hands at this step, every town."""

from __future__ import annotations

from sitboard.panels.styled import Span, Styled, rstrip
from sitboard.panels.words import Words
from sitboard.scenario.model import CONTESTED, UNKNOWN
from sitboard.timeline import Situation, figure


def control(situation: Situation, words: Words) -> Styled:
    """Towns and people held per holder, then this step's changes of hands."""
    out = [Span("Towns held:\n", "strong")]
    holdings = situation.holdings()
    for holder in [f.id for f in words.scenario.factions] + [CONTESTED, UNKNOWN]:
        towns, population, unknown_population = holdings.get(holder, (0, 0, 0))
        if not towns and holder in (CONTESTED, UNKNOWN):
            continue
        out += [
            Span(f" {words.mark(holder)} ", f"badge:{holder}"),
            Span(f" {towns:>3} ", "strong"),
            Span(words.holder(holder)),
        ]
        if population:
            # Population held counts only towns whose population is given.
            out.append(Span(f"  pop. {figure(population)}" + (" + unknown" if unknown_population else ""), "dim"))
        out.append(Span("\n"))
    if situation.changed:
        out.append(Span("Changed at this step:\n", "strong"))
        for change in situation.changed:
            out += [
                Span(f" {words.mark(change.after)} ", f"badge:{change.after}"),
                Span(
                    f" {words.town(change.town)}: {words.holder(change.before)} {words.arrow} "
                    f"{words.holder(change.after)}\n",
                    "strong",
                ),
            ]
    else:
        out.append(Span("No control changes at this step.\n", "dim"))
    return rstrip(out)


def town_row(words: Words, index: int, holder: str, changed: bool) -> Styled:
    """One line of the town list: the holder's badge, the town's glyph and name, and whether it just changed hands."""
    town = words.scenario.towns[index]
    row = (
        Span(f" {words.mark(holder)} ", f"badge:{holder}"),
        Span(f" {words.glyph(town.kind)} {words.text(town.name)}", "strong" if changed else ""),
    )
    return (*row, Span("  changed", "hot")) if changed else row
