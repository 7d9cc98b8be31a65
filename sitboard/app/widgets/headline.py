"""Presentation mode's headline: the date in large digits beside the event's title.

Read from across a room, so the date uses Textual's three-row digits (plain
bold text in ASCII mode) and the title is bold with its confidence as a word.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.renderables.digits import Digits

from sitboard.app.style import CONFIDENCE_STYLE, Look
from sitboard.app.widgets.columns import Column, ColumnsWidget, digits_width
from sitboard.timeline import Situation


class Headline(ColumnsWidget):
    state: reactive[Situation | None] = reactive(None, repaint=False)  # the watcher redraws

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ascii_only=look.ascii_only, **kwargs)
        self.look = look

    def columns(self) -> list[Column]:
        title = Column(self.describe(), None, middle=True)
        if self.look.ascii_only:
            return [title]
        date = self._date()
        return [Column(Digits(date), digits_width(date)), Column(Text(""), 2), title]

    def _date(self) -> str:
        state = self.state
        return state.time.text[:10] if state is not None and state.time else "START"

    def describe(self) -> Text:
        state = self.state
        look = self.look
        out = Text()
        if state is None:
            return out
        event = state.event
        if self.look.ascii_only:
            out.append(f"{self._date()}  ", style="bold reverse")
        if event is None:
            out.append(f"Start: {look.text(look.scenario.title)}, before the first event", style="bold")
        else:
            out.append(look.text(event.title), style="bold")
        out.append("\n")
        out.append(f"step {state.step}/{state.steps}", style="bold")
        if event is not None:
            if event.time.has_clock:
                out.append(f"  {event.time.text[11:16]}")
            if event.confidence:
                out.append("  ")
                out.append(f" {event.confidence.upper()} ", style=CONFIDENCE_STYLE[event.confidence])
            for town, holder in event.control:
                out.append(f"  {look.town_name(town)} {look.arrow()} {look.holder_name(holder)}")
        return out

    @property
    def content(self) -> Text:
        return self.describe()

    def watch_state(self) -> None:
        self.redraw()
