"""A town's history, for the dialog a click on a town opens: its holders over time and the flows that touched it."""

from __future__ import annotations

from sitboard.panels.styled import Span, Styled
from sitboard.panels.words import Words
from sitboard.scenario.control_text import group_words
from sitboard.timeline import Timeline, figure


def town_history(timeline: Timeline, town_id: str, step: int, words: Words) -> Styled:
    """Every holder the town has had (the one at `step` marked now) and every flow in or out, later ones marked."""
    scenario = timeline.scenario
    town = scenario.town(town_id)
    out = [Span(words.text(town.name) + "\n", "strong"), Span(f"{town.kind}, {town.lat:.4f}, {town.lon:.4f}")]
    if town.population is not None:
        out.append(Span(f", population {figure(town.population)}"))
    out.append(Span("\n\nHolders over time:\n", "heading"))
    history = timeline.history(town_id)
    now = max((s for s, _ in history if s <= step), default=None)
    for changed_at, holder in history:
        when = "start" if changed_at == 0 else f"step {changed_at}, {scenario.events[changed_at - 1].time.text}"
        out += [
            Span(f" {words.mark(holder)} ", f"badge:{holder}"),
            Span(f" {words.holder(holder)}  ({when})"),
            Span("  <- now\n" if changed_at == now else "\n"),
        ]
    out.append(Span("\nFlows in and out:\n", "heading"))
    flows = timeline.flows_of(town_id)
    if not flows:
        out.append(Span(" none\n", "dim"))
    for f in flows:
        # A shared figure is one line naming every destination, as the displacement panel names it.
        dests = f.flow.destinations
        to = words.town(dests[0]) if len(dests) == 1 else group_words(dests, words.town)
        route = f"{words.town(f.flow.origin)} {words.arrow} {to}"
        later = " (later)" if f.step > step else ""
        # The source's words unquoted here, where a flow is one line of a town's history.
        size = figure(f.flow.people) if f.flow.people is not None else words.text(f.flow.estimate) or "size unknown"
        out.append(Span(f" step {f.step}: {route}: {size}{later}\n"))
    out.append(Span("\nPress Escape to close.", "dim"))
    return tuple(out)
