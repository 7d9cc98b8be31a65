"""The key bar: every footer action from the one table, dimmed when it does nothing.

Textual's Footer rebuilds a widget per key whenever bindings change, which at
the ends of the timeline cost more than the rest of a step. This bar is one
line of text drawn from `ACTIONS`; enabling or disabling a key is a repaint.
Clicking a key runs its action.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget

from sitboard.app.actions import ACTIONS, key_text

PALETTE_KEY = "ctrl+p"


class BoardFooter(Widget):
    DEFAULT_CSS = """
    BoardFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    """
    COMPONENT_CLASSES = {"board-footer--key", "board-footer--disabled"}

    def __init__(self, *, ascii_only: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self._spans: list[tuple[int, int, str]] = []

    def enabled(self, action: str) -> bool:
        return self.app.check_action(action, ()) is not None

    def render(self) -> Text:
        key_style = self.get_component_rich_style("board-footer--key")
        off_style = self.get_component_rich_style("board-footer--disabled")
        line = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for a in ACTIONS:
            if not a.footer:
                continue
            start = line.cell_len
            key = key_text(a, ascii_only=self.ascii_only).split(" / ")[0]
            on = self.enabled(a.action)
            line.append(f" {key} ", style=key_style if on else off_style)
            line.append(f"{a.label} ", style="" if on else off_style)
            self._spans.append((start, line.cell_len, a.action))
        gap = self.size.width - line.cell_len - len(" ^p palette ")
        if gap > 0:
            line.append(" " * gap)
            start = line.cell_len
            line.append(" ^p", style=key_style)
            line.append(" palette ")
            self._spans.append((start, line.cell_len, "command_palette"))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, action in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.call_later(self.app.run_action, action)
                return
