"""What the colours, letters and shapes on the map mean."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size

from sitboard.app.style import Look
from sitboard.app.widgets.text_panel import TextPanel
from sitboard.model import CONTESTED, TOWN_KINDS, UNKNOWN


class Legend(TextPanel, can_focus=False):
    """A text panel as tall as its text (it never scrolls, so it takes no focus)."""

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ascii_only=look.ascii_only, **kwargs)
        self.look = look
        self.border_title = "Legend"
        self._text = self.describe()
        self._height_at = (-1, 0)  # (width, lines) of the last measurement

    def describe(self) -> Text:
        look = self.look
        out = Text()
        for fid in [f.id for f in look.scenario.factions] + [CONTESTED, UNKNOWN]:
            h = look.holders[fid]
            out.append(f" {h.mark} ", style=f"bold reverse {h.color}")
            out.append(f" {look.text(h.name)}  ")
        out.append("\n")
        for kind in TOWN_KINDS:
            out.append(f"{look.glyph(kind)} {kind}  ")
        return out

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Asked on every layout pass; the text is fixed, so measure once per width.
        if self._height_at[0] != width:
            console = self.app.console
            lines = console.render_lines(self._text, console.options.update_width(max(1, width)), pad=False)
            self._height_at = (width, len(lines))
        return self._height_at[1]
