"""The Event panel: what happened, when, where, who, according to whom, and how sure."""

from __future__ import annotations

from sitboard.panels.styled import Span, Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation


def event(situation: Situation, words: Words) -> Styled:
    """The current event in full; at step 0, the scenario's summary."""
    scenario = words.scenario
    event = situation.event
    if event is None:
        return (
            Span("Start of the scenario\n", "strong"),
            Span(words.text(scenario.summary) or "The situation before the first event."),
        )
    out = [Span(event.time.text.replace("T", " "), "strong")]
    if event.kind:
        out.append(Span(f"  {words.text(event.kind)}", "em"))
    if event.confidence:
        out += [Span("  "), Span(f" {event.confidence.upper()} ", f"confidence:{event.confidence}")]
    out += [Span("\n"), Span(words.text(event.title) + "\n", "strong")]
    if event.at is not None:
        place = words.town(event.at.town) if event.at.town else f"{event.at.lat:.3f}, {event.at.lon:.3f}"
        out += [Span("Where: ", "dim"), Span(place), Span(precision_note(event.precision), "dim"), Span("\n")]
    if event.actors:
        out.append(Span("Who: ", "dim"))
        for i, actor in enumerate(event.actors):
            if i:
                out.append(Span(", "))
            out += [Span(f"[{words.mark(actor)}] ", f"holder:{actor}"), Span(words.holder(actor))]
        out.append(Span("\n"))
    for town, holder in event.control:
        out += [Span("Control: ", "dim"), Span(f"{words.town(town)} {words.arrow} {words.holder(holder)}\n")]
    if event.text:
        out.append(Span("\n" + words.text(event.text) + "\n"))
    out.append(Span("\nSources: ", "dim"))
    if not event.sources:
        out.append(Span("none given", "em"))
    for sid in event.sources:
        source = scenario.source_by_id[sid]
        out.append(Span("\n - " + words.text(source.name)))
        if source.kind:
            out.append(Span(f" ({words.text(source.kind)})", "em"))
    return tuple(out)


def precision_note(precision: str) -> str:
    """How exact an event's place is, after the place: nothing for an exact one."""
    if precision == "exact":
        return ""
    return " (approx., near)" if precision == "near" else f" (approx., {precision} level)"
