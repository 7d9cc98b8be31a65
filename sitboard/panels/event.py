"""The Event panel: what happened, when, where, according to whom, how sure, and who took what.

It is written in two parts. The essentials come first and must be seen at
every size without scrolling (`sitboard.panels.layout`): the time, the
confidence word, the title, the place, every change of hands in full
(town, from, to) and every source. Then what may scroll: who acted, control
restated without a change, and the text. Where the essentials do not fit,
they are written `tight`: the place on the first line, and the sources
without their kinds, one after the other.
"""

from __future__ import annotations

from sitboard.panels.styled import Span, Styled, rstrip
from sitboard.panels.words import Words
from sitboard.scenario.control_text import change_words, control_words, listed
from sitboard.scenario.model import Event, plain_control
from sitboard.scenario.time_text import range_words
from sitboard.scenario.weighing import on_own_word
from sitboard.timeline import Situation


def self_sourced(situation: Situation) -> list[Span]:
    """A mark beside the confidence word when a town changes hands only on the word of the side that gains it."""
    event = situation.event
    if event is None or not any(on_own_word(situation.scenario, event, c.after) for c in situation.changed):
        return []
    return [Span("  "), Span("self-sourced", "em")]


def when(event: Event, words: Words) -> str:
    """The event's time as the panel writes it; a range as a reader says it: "3–9 Dec 2024"."""
    if event.until is not None:
        return range_words(event.time, event.until, dash="-" if words.ascii_only else "–")
    return event.time.text.replace("T", " ")


def where(event: Event, words: Words) -> str:
    """The event's place: a town, a distance from one ("5 km N of Homs"), or a point."""
    at = event.at
    if at is None:
        return ""
    if at.town:
        return words.town(at.town)
    if at.offset is not None:
        return f"{at.offset.km:g} km {at.offset.toward} of {words.town(at.offset.town)}"
    return f"{at.lat:.3f}, {at.lon:.3f}"


def event(situation: Situation, words: Words, *, tight: bool = False) -> Styled:
    """The current event in full, its essentials first; at step 0, the scenario's summary."""
    return whole(essentials(situation, words, tight=tight), details(situation, words))


def whole(first: Styled, rest: Styled) -> Styled:
    """The event as `event` writes it, from its two parts."""
    return rstrip([*first, *rest])


def details(situation: Situation, words: Words) -> Styled:
    """What may scroll (the same written tight or not): who acted, the text; at step 0, the summary."""
    if situation.event is None:
        return (Span(words.text(words.scenario.summary) or "The situation before the first event."),)
    return tuple(_details(situation, words))


def essentials(situation: Situation, words: Words, *, tight: bool = False) -> Styled:
    """When, what, where, the changes of hands and every source, ending with a line break."""
    event = situation.event
    if event is None:
        return (Span("Start of the scenario\n", "strong"),)
    place = where(event, words)
    out = [Span(when(event, words), "strong")]
    if place and tight:
        out += [Span(f"  {place}"), Span(precision_note(event.precision), "dim")]
    if event.kind:
        out.append(Span(f"  {words.text(event.kind)}", "em"))
    if event.confidence:
        out += [Span("  "), Span(f" {event.confidence.upper()} ", f"confidence:{event.confidence}")]
    out += self_sourced(situation)
    out += [Span("\n"), Span(words.text(event.title) + "\n", "strong")]
    if place and not tight:
        out += [Span("Where: ", "dim"), Span(place), Span(precision_note(event.precision), "dim"), Span("\n")]
    out += changes(situation, words)
    out += _sources(event.sources, words, tight=tight)
    return tuple(out)


def changes(situation: Situation, words: Words) -> list[Span]:
    """Each change of hands at this step in full, one line per (from, to), the towns that made it together."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for change in situation.changed:
        before = change.before_state or plain_control(change.before)
        after = change.after_state or plain_control(change.after)
        was, now = change_words(before, after, words.holder)
        grouped.setdefault((change.after, was, now), []).append(words.town(change.town))
    out: list[Span] = []
    for (holder, was, now), towns in grouped.items():
        out += [
            Span(f" {words.mark(holder)} ", f"badge:{holder}"),
            Span(f" {listed(towns)}: {was} {words.arrow} {now}\n", "strong"),
        ]
    return out


def _sources(ids: tuple[str, ...], words: Words, *, tight: bool) -> list[Span]:
    sources = words.scenario.source_by_id
    if not ids:
        return [Span("Sources: ", "dim"), Span("none given\n", "em")]
    label = "Source:" if len(ids) == 1 else "Sources:"
    if tight:  # one after the other, names only
        between = " | " if words.ascii_only else " · "
        names = between.join(words.text(sources[sid].name) for sid in ids)
        return [Span(f"{label} ", "dim"), Span(f"{names}\n")]
    out = [Span(f"{label}\n", "dim")]
    for sid in ids:
        source = sources[sid]
        out.append(Span(f" - {words.text(source.name)}"))
        if source.kind:
            out.append(Span(f" ({words.text(source.kind)})", "em"))
        out.append(Span("\n"))
    return out


def _details(situation: Situation, words: Words) -> list[Span]:
    """What may scroll: who acted, control the event restates without a change, the text."""
    event = situation.event
    assert event is not None
    out: list[Span] = []
    if event.actors:
        out.append(Span("Who: ", "dim"))
        for i, actor in enumerate(event.actors):
            if i:
                out.append(Span(", "))
            out += [Span(f"[{words.mark(actor)}] ", f"holder:{actor}"), Span(words.holder(actor))]
        out.append(Span("\n"))
    if event.deaths is not None:
        out += [Span("Deaths: ", "dim"), Span(event.deaths.said(dash="-" if words.ascii_only else "–") + "\n")]
    changed = {c.town for c in situation.changed}
    for town, _ in event.control:
        if town not in changed:
            held = control_words(situation.control(town), words.holder)
            out += [Span("Unchanged: ", "dim"), Span(f"{words.town(town)}, {held}\n")]
    if event.text:
        out.append(Span(("\n" if out else "") + words.text(event.text)))
    return list(rstrip(out))


def precision_note(precision: str) -> str:
    """How exact an event's place is, after the place: nothing for an exact one."""
    if precision == "exact":
        return ""
    return " (approx., near)" if precision == "near" else f" (approx., {precision} level)"
