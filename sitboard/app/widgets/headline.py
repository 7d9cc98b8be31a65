"""Presentation mode's headline: the date in large digits beside the event's title.

Read from across a room, so the date uses Textual's three-row digits (plain
bold text in ASCII mode) and the title is bold with its confidence as a word
(see `sitboard.panels.header.headline`).
"""

from __future__ import annotations

from rich.text import Text
from textual.renderables.digits import Digits

from sitboard.app.style import look_for
from sitboard.app.widgets.columns import Column, ColumnsWidget, digits_width
from sitboard.panels import header


class Headline(ColumnsWidget):
    def columns(self) -> list[Column]:
        title = Column(self.content, None, middle=True)
        if self.ascii_only:
            return [title]
        date = header.day(self.timeline.state_at(self.timeline.clamp(self.state.step)))
        return [Column(Digits(date), digits_width(date)), Column(Text(""), 2), title]

    @property
    def content(self) -> Text:
        timeline = self.timeline
        look = look_for(timeline.scenario, ascii_only=self.ascii_only)
        return look.rich(header.headline(timeline.state_at(timeline.clamp(self.state.step)), look.words))
