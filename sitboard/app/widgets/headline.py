"""Presentation mode's headline: the date in large digits beside the event's title, sources and transport.

Read from across a room, so the date uses Textual's three-row digits (plain
bold text in ASCII mode) and the title is bold with its confidence as a word
(see `sitboard.panels.header.headline`). It is as tall as its text at the
terminal's width (three rows at least, for the digits): a long title or
source wraps and pushes the map down rather than being cut.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.renderables.digits import Digits

from sitboard.app.style import look_for
from sitboard.app.widgets.columns import Column, ColumnsWidget, digits_width
from sitboard.app.widgets.text_panel import wrapped_lines
from sitboard.panels import header

GAP = 2  # columns between the date and the title
MIN_ROWS = 3  # the digits' height


class Headline(ColumnsWidget):
    # The transport, written by the board ("▶ PLAY 2s", "❚❚ PAUSED"); repaint=False: the watcher redraws.
    play: reactive[str] = reactive("", repaint=False)

    def _date(self) -> str:
        return header.day(self.timeline.state_at(self.timeline.clamp(self.state.step)))

    def columns(self) -> list[Column]:
        title = Column(self.content, None, middle=True)
        if self.ascii_only:
            return [title]
        date = self._date()
        return [Column(Digits(date), digits_width(date)), Column(Text(""), GAP), title]

    @property
    def content(self) -> Text:
        timeline = self.timeline
        look = look_for(timeline.scenario, ascii_only=self.ascii_only, theme=self.app.current_theme)
        situation = timeline.state_at(timeline.clamp(self.state.step))
        return look.rich(header.headline(situation, look.words, self.play))

    def rows_at(self, width: int) -> int:
        """Rows the headline takes at `width` columns of content."""
        text_width = width if self.ascii_only else width - digits_width(self._date()) - GAP
        if text_width <= 0:
            return MIN_ROWS
        console = self.app.console
        return max(MIN_ROWS, wrapped_lines(console, console.options.update_width(text_width), self.content))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.rows_at(width)

    def redraw(self) -> None:
        super().redraw()
        width = self.content_size.width
        if width > 0 and self.rows_at(width) != self.content_size.height:
            self.refresh(layout=True)  # this step needs another number of rows: the map moves

    def watch_play(self) -> None:
        self.redraw()
