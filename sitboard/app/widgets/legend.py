"""What the colours, letters and shapes on the map mean (see `sitboard.panels.legend`)."""

from __future__ import annotations

import os
from typing import Any

from rich.text import Text
from textual.strip import Strip

from sitboard.app.style import fills_areas, look_for
from sitboard.app.widgets.map_view import base_colors
from sitboard.app.widgets.text_panel import TextPanel
from sitboard.panels.layout import Need
from sitboard.panels.legend import areas_legend, legend, states_legend
from sitboard.state import BoardState
from sitboard.timeline import Timeline

GAP = "  "  # between two entries on a line


class Legend(TextPanel):
    """A text panel whose entries are laid out for its width; the side column gives it the rows it needs.

    Entries are laid out whole: a line breaks between a faction's badge and
    name only when the name alone is wider than the panel, so a room never
    reads a letter at the end of one line and its meaning on the next. It
    comes last by priority: where it is cut, Tab gives it the rows it needs.
    """

    TITLE = "Legend"

    def __init__(self, *, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(ascii_only=ascii_only, **kwargs)
        self._laid_out_at = -1  # the width `_text` was laid out for

    def watch_timeline(self, old: Timeline, new: Timeline) -> None:
        """A reloaded scenario has its own factions: laid out again, and its height may change."""
        if old is new:  # the binding's first call
            return
        self._laid_out_at = -1
        self._wrapped = None
        self.refresh()
        self.content_changed()

    def restyle(self) -> None:
        self._laid_out_at = -1
        self._wrapped = None
        self.refresh()

    def watch_state(self, old: BoardState, new: BoardState) -> None:
        """Areas on or off change what the legend says: laid out again, and its height may change."""
        super().watch_state(old, new)
        if old.areas != new.areas:
            self._laid_out_at = -1
            self._wrapped = None
            self.refresh()
            self.content_changed()

    def entries(self) -> tuple[list[Text], ...]:
        """(factions, town kinds, areas): one Text per entry."""
        look = look_for(self.timeline.scenario, ascii_only=self.ascii_only, theme=self.app.current_theme)
        holders, kinds = legend(look.words)
        kinds = kinds + states_legend(look.words)
        fills = fills_areas(
            self.ascii_only or bool(os.environ.get("NO_COLOR")),
            self.app.console.color_system,
            headless=self.app.is_headless,
        )
        areas = areas_legend(look.words, shown=self.state.areas, fills=fills)
        extra = {"front": f"bold {base_colors(self.app.current_theme)['line:front']}"}  # as the map draws fronts
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

    def wrapped(self, width: int) -> list[Strip]:
        if width > 0 and width != self._laid_out_at:  # fill the entries into lines of `width` cells, once per width
            self._text = self.describe(width)
            self._wrapped = None
            self._laid_out_at = width
        return super().wrapped(width)

    def need(self, width: int) -> Need:
        return Need(len(self.wrapped(width)))
