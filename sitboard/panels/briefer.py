"""What only the briefer sees, in the presenter console: the step's speaker notes and what comes next.

Notes are for the briefer alone (docs/scenario-format.md): these functions are
drawn by `sitboard present` and by nothing a room sees.
"""

from __future__ import annotations

from sitboard.panels.styled import Span, Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation


def notes(situation: Situation, words: Words) -> Styled:
    """The current event's speaker notes, or a quiet line saying there are none.

    Line by line: a briefer's notes keep their line breaks (cleaning text for
    the screen would fold them into one line).
    """
    event = situation.event
    lines = (event.notes or "").strip().splitlines() if event is not None else []
    text = "\n".join(words.text(line) for line in lines).strip()
    if not text:
        return (Span("No notes for this step.", "dim"),)
    return (Span(text),)


def up_next(situation: Situation, words: Words) -> Styled:
    """The next event's time and title, so the briefer can lead into it."""
    if situation.step >= situation.steps:
        return (Span("Next: ", "dim"), Span("nothing, this is the last event", "em"))
    event = situation.scenario.events[situation.step]
    when = event.time.text.replace("T", " ")
    return (Span("Next: ", "dim"), Span(when + "  ", "strong"), Span(words.text(event.title)))
