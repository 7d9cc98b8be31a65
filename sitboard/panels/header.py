"""The header and the presentation headline: title, date, where we are in the timeline, the event in one line."""

from __future__ import annotations

from sitboard.panels.event import self_sourced
from sitboard.panels.styled import Span, Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation


def title(words: Words) -> Styled:
    """The scenario's title, and its subtitle on a second line."""
    scenario = words.scenario
    out = (Span(words.text(scenario.title), "strong"),)
    return (*out, Span("\n"), Span(words.text(scenario.subtitle), "subtitle")) if scenario.subtitle else out


def date(situation: Situation) -> str:
    """The current date and time of day as text, or START before the first event."""
    return "START" if situation.time is None else situation.time.text.replace("T", " ")[:16]


def day(situation: Situation) -> str:
    """The current date alone (for large digits), or START."""
    return "START" if situation.time is None else situation.time.text[:10]


def position(situation: Situation, live: str) -> Styled:
    """Step k / N, the time of day, and the play/live indicator (`live`, already written by the board)."""
    out = [Span(f"step {situation.step} / {situation.steps}", "strong")]
    if situation.time and situation.time.has_clock:
        out.append(Span(f"\n{situation.time.text[11:16]}"))
    if live:
        out.append(Span(f"\n{live}", "hot"))
    return tuple(out)


def headline(situation: Situation, words: Words, play: str = "") -> Styled:
    """Presentation mode's lines for a room: what a briefer must have in view while the map fills the screen.

    The title first, then how sure and according to whom (the confidence word
    and the first source, with how many more), then the transport (`play`,
    already written by the board: playing or paused), where we are and the
    changes of hands. The date is the widget's, in large digits, except in
    ASCII mode, where it leads the title.
    """
    event = situation.event
    out = [Span(f"{day(situation)}  ", "hot")] if words.ascii_only else []
    if event is None:
        out.append(Span(f"Start: {words.text(words.scenario.title)}, before the first event", "strong"))
    else:
        out.append(Span(words.text(event.title), "strong"))
        out.append(Span("\n"))
        if event.confidence:
            out += [Span(f" {event.confidence.upper()} ", f"confidence:{event.confidence}")]
        out += self_sourced(situation)
        out += [Span("  "), *source_line(event.sources, words)]
    out.append(Span("\n"))
    if play:
        out += [Span(play, "hot"), Span("  ")]
    out.append(Span(f"step {situation.step}/{situation.steps}", "strong"))
    if event is not None:
        if event.time.has_clock:
            out.append(Span(f"  {event.time.text[11:16]}"))
        for town, holder in event.control:
            out.append(Span(f"  {words.town(town)} {words.arrow} {words.holder(holder)}"))
    return tuple(out)


def source_line(sources: tuple[str, ...], words: Words) -> list[Span]:
    """The first source by name, and how many more there are (all of them are in the event panel)."""
    if not sources:
        return [Span("Source: ", "dim"), Span("none given", "em")]
    first = words.text(words.scenario.source_by_id[sources[0]].name)
    more = f" (+{len(sources) - 1} more)" if len(sources) > 1 else ""
    return [Span("Source: ", "dim"), Span(first), Span(more, "dim")]
