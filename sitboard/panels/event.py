"""The Event panel: what happened, when, where, who, according to whom, and how sure."""

from __future__ import annotations

from sitboard.panels.styled import Span, Styled
from sitboard.panels.words import Words
from sitboard.scenario.time_text import range_words
from sitboard.scenario.weighing import on_own_word
from sitboard.timeline import Situation


def self_sourced(situation: Situation) -> list[Span]:
    """A mark beside the confidence word when a town changes hands only on the word of the side that gains it."""
    event = situation.event
    if event is None or not any(on_own_word(situation.scenario, event, c.after) for c in situation.changed):
        return []
    return [Span("  "), Span("self-sourced", "em")]


def event(situation: Situation, words: Words) -> Styled:
    """The current event in full; at step 0, the scenario's summary."""
    scenario = words.scenario
    event = situation.event
    if event is None:
        return (
            Span("Start of the scenario\n", "strong"),
            Span(words.text(scenario.summary) or "The situation before the first event."),
        )
    when = event.time.text.replace("T", " ")
    if event.until is not None:  # a range, as a reader says it: "3–9 Dec 2024"
        when = range_words(event.time, event.until, dash="-" if words.ascii_only else "–")
    out = [Span(when, "strong")]
    if event.kind:
        out.append(Span(f"  {words.text(event.kind)}", "em"))
    if event.confidence:
        out += [Span("  "), Span(f" {event.confidence.upper()} ", f"confidence:{event.confidence}")]
    out += self_sourced(situation)
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
    if event.deaths is not None:
        out += [Span("Deaths: ", "dim"), Span(event.deaths.said(dash="-" if words.ascii_only else "–") + "\n")]
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
