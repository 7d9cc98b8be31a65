"""Title, the current date in large type, and where we are in the timeline (see `sitboard.panels.header`)."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.renderables.digits import Digits

from sitboard.app.style import Look, look_for
from sitboard.app.widgets.columns import Column, ColumnsWidget, digits_width
from sitboard.panels import header
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
    live: reactive[str] = reactive("", repaint=False)

    def __init__(self, *, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(ascii_only=ascii_only, **kwargs)
        self._styles_of_components: dict[tuple[str, str], Style] = {}

    @property
    def look(self) -> Look:
        return look_for(self.timeline.scenario, ascii_only=self.ascii_only, theme=self.app.current_theme)

    @property
    def situation(self) -> Situation:
        return self.timeline.state_at(self.timeline.clamp(self.state.step))

    @property
    def date(self) -> str:
        return header.date(self.situation)

    @property
    def position(self) -> Text:
        """The right-hand column: step, time of day, and the play/live indicator."""
        return self.look.rich(
            header.position(self.situation, self.live), justify="right", no_wrap=True, overflow="ellipsis"
        )

    def columns(self) -> list[Column]:
        look = self.look
        subtitle = {"subtitle": self._component_style("board-header--subtitle")}
        titles = look.rich(header.title(look.words), extra=subtitle, no_wrap=True, overflow="ellipsis")
        situation = self.situation
        date = header.date(situation)
        if self.content_size.height >= 3 and not self.ascii_only:
            digits = header.day(situation) if situation.time else "-- --"
            when = Column(Digits(digits, self._component_style("board-header--date")), max(30, digits_width(digits)))
        else:
            pad = 2 if self.content_size.height >= 3 else 1
            when = Column(
                Text(f"{' ' * pad}{date}{' ' * pad}", style="bold", no_wrap=True),
                len(date) + 2 * pad,
                top=1 if self.content_size.height >= 3 else 0,
            )
        return [
            Column(titles, None, shorten=True),
            when,
            Column(Text(""), 1),
            Column(self.position, POSITION_WIDTH, shorten=True),
        ]

    def _component_style(self, name: str) -> Style:
        """A component class's style, looked up once per theme (a lookup walks every ancestor's styles)."""
        key = (name, self.app.current_theme.name)
        found = self._styles_of_components.get(key)
        if found is None:
            found = self._styles_of_components[key] = self.get_component_rich_style(name)
        return found

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_of_components.clear()

    def watch_live(self) -> None:
        self.redraw()
