"""Title, the current date in large type, and where we are in the timeline."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.renderables.digits import Digits

from sitboard.app.style import Look
from sitboard.app.widgets.columns import Column, ColumnsWidget, digits_width
from sitboard.timeline import Situation

POSITION_WIDTH = 17  # "step 20000 / 20000" less one cell


class BoardHeader(ColumnsWidget):
    """Three columns: title and subtitle | the date | step k / N, the time, LIVE.

    The date is drawn in Textual's three-row digits when the header has three
    rows for them and the board may use box-drawing characters; otherwise
    (ASCII mode, short terminals: see app.tcss) it is bold text.
    """

    COMPONENT_CLASSES = {"board-header--subtitle", "board-header--date"}

    # repaint=False: the watchers redraw (and so repaint) the columns.
    state: reactive[Situation | None] = reactive(None, repaint=False)
    live: reactive[str] = reactive("", repaint=False)

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ascii_only=look.ascii_only, **kwargs)
        self.look = look

    @property
    def date(self) -> str:
        state = self.state
        if state is None or state.time is None:
            return "START"
        return state.time.text.replace("T", " ")[:16]

    @property
    def position(self) -> Text:
        """The right-hand column: step, time of day, and the play/live indicator."""
        state = self.state
        line = Text(justify="right", no_wrap=True, overflow="ellipsis")
        if state is None:
            return line
        line.append(f"step {state.step} / {state.steps}", style="bold")
        if state.time and state.time.has_clock:
            line.append(f"\n{state.time.text[11:16]}")
        if self.live:
            line.append(f"\n{self.live}", style="bold reverse")
        return line

    def columns(self) -> list[Column]:
        s = self.look.scenario
        look = self.look
        titles = Text(no_wrap=True, overflow="ellipsis")
        titles.append(look.text(s.title), style="bold")
        if s.subtitle:
            titles.append("\n")
            titles.append(look.text(s.subtitle), style=self.get_component_rich_style("board-header--subtitle"))
        date = self.date
        if self.content_size.height >= 3 and not look.ascii_only:
            digits = date[:10] if self.state is not None and self.state.time else "-- --"
            when = Column(Digits(digits, self.get_component_rich_style("board-header--date")),
                          max(30, digits_width(digits)))
        else:
            pad = 2 if self.content_size.height >= 3 else 1
            when = Column(Text(f"{' ' * pad}{date}{' ' * pad}", style="bold", no_wrap=True), len(date) + 2 * pad,
                          top=1 if self.content_size.height >= 3 else 0)
        return [Column(titles, None, shorten=True), when, Column(Text(""), 1),
                Column(self.position, POSITION_WIDTH, shorten=True)]

    def watch_state(self) -> None:
        self.redraw()

    def watch_live(self) -> None:
        self.redraw()
