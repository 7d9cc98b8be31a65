"""The Legend: what the colours, letters and shapes on the map mean."""

from __future__ import annotations

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
