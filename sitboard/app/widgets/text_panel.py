"""A bordered panel of text with a fixed height that scrolls inside itself.

It is a Line API widget with its own scroll offset rather than a ScrollView:
changing what a panel says then needs no layout pass (no virtual size, no
scrollbar appearing or disappearing), so a step repaints this panel alone and
not the map and panels around it. The border's subtitle says when there is
more text above or below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip

from sitboard.app.style import look_for
from sitboard.app.widgets.bound import BoardWidget
from sitboard.panels.styled import Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation, Timeline


class TextPanel(BoardWidget, can_focus=True):
    """Scrolls with Up/Down, Page keys and the wheel; ←/→ and Home/End stay the timeline's."""

    BINDINGS = [
        Binding("up", "scroll_lines(-1)", "Scroll up", show=False),
        Binding("down", "scroll_lines(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_pages(-1)", "Page up", show=False),
        Binding("pagedown", "scroll_pages(1)", "Page down", show=False),
    ]

    def __init__(self, *, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self._text = Text()
        self._strips: list[Strip] = []
        self._wrapped_at = -1
        self._top = 0

    # -- content ---------------------------------------------------------------

    def show(self, text: Text) -> None:
        if text == self._text:  # most steps leave most panels as they were: repaint nothing
            return
        self._text = text
        self._wrapped_at = -1
        self._top = 0
        self._wrap()
        self.refresh()

    @property
    def content(self) -> Text:
        """What the panel shows, for tests and exports."""
        return self._text

    def on_resize(self) -> None:
        self._wrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped_at = -1  # the strips carry the old colours (a theme change): wrap again

    def _wrap(self) -> None:
        width = self.content_region.width
        if width <= 0 or width == self._wrapped_at or not self.is_mounted:
            return
        console = self.app.console
        options = console.options.update_width(width).update(highlight=False)
        lines = console.render_lines(self._text, options, style=self.rich_style, pad=True, new_lines=False)
        self._strips = [Strip(line, width) for line in lines]
        self._wrapped_at = width
        self._clamp()

    # -- scrolling ---------------------------------------------------------------

    def _clamp(self) -> None:
        self._top = max(0, min(self._top, len(self._strips) - self.content_region.height))
        below = len(self._strips) - self._top - self.content_region.height
        up, down = ("^", "v") if self.ascii_only else ("↑", "↓")
        parts = [f"{up} {self._top} more" if self._top > 0 else "", f"{down} {below} more" if below > 0 else ""]
        self.scroll_hint("  ".join(p for p in parts if p))

    def scroll_hint(self, hint: str) -> None:
        """Say in the border that there is more text above or below."""
        if (self.border_subtitle or "") != hint:  # setting it repaints, even to the same text
            self.border_subtitle = hint

    def action_scroll_lines(self, lines: int) -> None:
        before = self._top
        self._top += lines
        self._clamp()
        if self._top != before:
            self.refresh()

    def action_scroll_pages(self, pages: int) -> None:
        self.action_scroll_lines(pages * max(1, self.content_region.height - 1))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.action_scroll_lines(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.action_scroll_lines(-3)

    # -- Line API ---------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Wrapped before Textual draws the border, which it reads first: the
        # "more" hint is then in this very paint, not in a second one.
        self._wrap()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        self._wrap()
        index = y + self._top
        if 0 <= index < len(self._strips):
            return self._strips[index]
        width = max(0, self.content_region.width)
        return Strip([Segment(" " * width, self.rich_style)], width)


Describe = Callable[[Situation, Words], Styled]


class StatePanel(TextPanel):
    """A titled text panel that says something about each step: `describe` is one of `sitboard.panels`.

    Bound to the board's `state` and `timeline`; a new step or a new
    scenario redraws it, a change of view does not (its text would be the
    same). A panel is a subclass that names its function, or this class given
    one: `StatePanel(describe=casualties, title="Casualties", id="casualties")`.
    """

    TITLE = ""

    def __init__(
        self, *, describe: Describe | None = None, title: str | None = None, ascii_only: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(ascii_only=ascii_only, **kwargs)
        self.border_title = self.TITLE if title is None else title
        self._describe = describe
        self._described: tuple[Timeline, int] | None = None  # what `content` says

    def board_changed(self) -> None:
        timeline = self.timeline
        step = timeline.clamp(self.state.step)  # held in range while a reload sets the timeline, then the step
        described = self._described
        if described is not None and described[0] is timeline and described[1] == step:
            return
        self._described = (timeline, step)
        look = look_for(timeline.scenario, ascii_only=self.ascii_only)
        self.show(look.rich(self.describe(timeline.state_at(step), look.words)))

    def describe(self, situation: Situation, words: Words) -> Styled:
        if self._describe is None:
            raise NotImplementedError("a StatePanel is given `describe`, or a subclass defines it")
        return self._describe(situation, words)
