"""The Displacement panel: people displaced so far, never adding a figure the sources did not give."""

from __future__ import annotations

from collections.abc import Mapping

from sitboard.panels.styled import Span, Styled, rstrip
from sitboard.panels.words import Words
from sitboard.scenario.control_text import group_words
from sitboard.timeline import DestinationKey, Situation, Tally, ranked

SHOWN_PER_TABLE = 8


def displacement(situation: Situation, words: Words) -> Styled:
    """The total so far, this step's flows (what the briefer is talking about), then by destination and origin."""
    if not len(situation.flows):
        return (Span("No displacement reported so far.", "dim"),)
    tallies = situation.displaced
    out = [Span("Displaced so far: ", "dim"), Span(words.text(tallies.total.describe()) + "\n", "strong")]
    if situation.step_flows:
        out.append(Span("This step:\n", "strong"))
        for flow in situation.step_flows:
            to = words.town(flow.destination) if not flow.also_to else group_words(flow.destinations, words.town)
            route = f"{words.town(flow.origin)} {words.arrow} {to}"
            out.append(Span(f" {words.bullet} {route}: {words.flow_size(flow)}\n", "strong"))
    out += _table("By destination", tallies.by_destination, words)
    out += _table("By origin", tallies.by_origin, words)
    return rstrip(out)


def _table(heading: str, tallies: Mapping[str, Tally] | Mapping[DestinationKey, Tally], words: Words) -> list[Span]:
    out = [Span(f"{heading}:\n", "strong")]
    # The largest few, without visiting every place a long timeline has touched.
    # A key is a town id, or the towns that share one flow's figure (a tuple).
    for key, tally in ranked(tallies, SHOWN_PER_TABLE):
        name = words.town(key) if isinstance(key, str) else group_words(key, words.town)
        out.append(Span(f"  {name}: {words.text(tally.describe())}\n"))
    if len(tallies) > SHOWN_PER_TABLE:
        out.append(Span(f"  {words.ellipsis} and {len(tallies) - SHOWN_PER_TABLE} more\n", "dim"))
    return out
