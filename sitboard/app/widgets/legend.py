"""What the colours, letters and shapes on the map mean (see `sitboard.panels.legend`)."""

from __future__ import annotations

import os
from typing import Any

from rich.text import Text
from textual.geometry import Size

from sitboard.app.style import fills_areas, look_for
from sitboard.app.widgets.text_panel import TextPanel
from sitboard.panels.legend import areas_legend, legend, states_legend
from sitboard.state import BoardState
from sitboard.timeline import Timeline

GAP = "  "  # between two entries on a line


class Legend(TextPanel, can_focus=False):
    """A text panel as tall as its text (it never scrolls, so it takes no focus).

    Entries are laid out whole: a line breaks between a faction's badge and
    name only when the name alone is wider than the panel, so a room never
    reads a letter at the end of one line and its meaning on the next.
    """

    def __init__(self, *, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(ascii_only=ascii_only, **kwargs)
        self.border_title = "Legend"
        self._laid_out_at = -1  # the width `_text` was laid out for
        self._height = -1  # lines, until laid out at a width

    def watch_timeline(self, old: Timeline, new: Timeline) -> None:
        """A reloaded scenario has its own factions: laid out again at the next paint, and its height may change."""
        if old is new:  # the binding's first call
            return
        self._laid_out_at = -1
        self._wrapped_at = -1
        self.refresh(layout=True)

    def watch_state(self, old: BoardState, new: BoardState) -> None:
        """Areas on or off change what the legend says: laid out again, and its height may change."""
        super().watch_state(old, new)
        if old.areas != new.areas:
            self._laid_out_at = -1
            self._wrapped_at = -1
            self.refresh(layout=True)

    def entries(self) -> tuple[list[Text], ...]:
        """(factions, town kinds, areas): one Text per entry."""
        look = look_for(self.timeline.scenario, ascii_only=self.ascii_only)
        holders, kinds = legend(look.words)
        kinds = kinds + states_legend(look.words)
        fills = fills_areas(
            self.ascii_only or bool(os.environ.get("NO_COLOR")),
            self.app.console.color_system,
            headless=self.app.is_headless,
        )
        areas = areas_legend(look.words, shown=self.state.areas, fills=fills)
        extra = {"front": "bold red"}
        return tuple([look.rich(entry, extra=extra) for entry in group] for group in (holders, kinds, areas))

    def describe(self, width: int | None = None) -> Text:
        """The legend, entries filled into lines of `width` cells (one line per group if None)."""
        lines: list[Text] = []
        for group in self.entries():
            line = Text()
            for entry in group:
                if line and width is not None and line.cell_len + len(GAP) + entry.cell_len > width:
                    lines.append(line)
                    line = Text()
                if line:
                    line.append(GAP)
                line.append_text(entry)
            lines.append(line)
        return Text("\n").join(lines)

    def _lay_out(self, width: int) -> None:
        """Fill the entries into lines of `width` cells, once per width."""
        if width > 0 and width != self._laid_out_at:
            self._text = self.describe(width)
            console = self.app.console
            self._height = len(console.render_lines(self._text, console.options.update_width(width), pad=False))
            self._laid_out_at = width

    def _wrap(self) -> None:
        self._lay_out(self.content_region.width)
        super()._wrap()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._lay_out(width)  # Textual asks on every layout pass
        if self._height < 0:  # no width yet: a line per group
            self._text = self.describe()
            self._height = len(self._text.split())
        return self._height
