"""The Legend: what the colours, letters and shapes on the map mean."""

from __future__ import annotations

from sitboard.geo.symbols import MARKS, MARKS_ASCII, MEANING, states_in_use
from sitboard.geo.territory import EXTENT, FRONT_GLYPHS, FRONT_GLYPHS_ASCII, fill_pattern
from sitboard.panels.styled import Span, Styled
from sitboard.panels.words import Words
from sitboard.scenario.model import CONTESTED, TOWN_KINDS, UNKNOWN


def legend(words: Words) -> tuple[list[Styled], list[Styled]]:
    """(holders, town kinds): one entry each, for the board to fill into lines of its width."""
    holders: list[Styled] = [
        (Span(f" {words.mark(holder)} ", f"badge:{holder}"), Span(f" {words.holder(holder)}"))
        for holder in [f.id for f in words.scenario.factions] + [CONTESTED, UNKNOWN]
    ]
    kinds: list[Styled] = [(Span(f"{words.glyph(kind)} {kind}"),) for kind in TOWN_KINDS]
    return holders, kinds


def areas_legend(words: Words, *, shown: bool, fills: bool) -> list[Styled]:
    """Whether areas of control are shown and what decided their extent; each holder's fill where they are patterns.

    A briefer must be able to tell inferred territory from the towns it was
    inferred from, and a room must be able to tell it is on at all.
    """
    if not shown:
        return [(Span("Areas off", "strong"), Span(" (a: show who holds the land around towns)"))]
    scenario = words.scenario
    entries: list[Styled] = [(Span("Areas on", "strong"), Span(f": {EXTENT}"))]
    if fills:
        order = [f.id for f in scenario.factions] + [CONTESTED]
        for j, holder in enumerate(order):
            pattern = fill_pattern(j, ascii_only=words.ascii_only)
            entries.append((Span(pattern * 3, f"area:{holder}"), Span(f" {words.mark(holder)}")))
    if not any(line.kind == "front" for line in scenario.map.lines):
        front = (FRONT_GLYPHS_ASCII if words.ascii_only else FRONT_GLYPHS)[1]
        entries.append((Span(front * 3, "front"), Span(" front (where two holders' areas meet)")))
    return entries


def states_legend(words: Words) -> list[Styled]:
    """The control states the scenario uses, each as the map marks it beside a town glyph (only those in use)."""
    table = MARKS_ASCII if words.ascii_only else MARKS
    glyph = words.glyph("town")
    return [
        (Span(f"{table[state][0]}{glyph}{table[state][1]}", "strong"), Span(f" {MEANING[state]}"))
        for state in states_in_use(words.scenario)
    ]
