"""What the colours, letters and shapes on the map mean."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size

from sitboard.app.style import Look
from sitboard.app.widgets.text_panel import TextPanel
from sitboard.model import CONTESTED, TOWN_KINDS, UNKNOWN

GAP = "  "  # between two entries on a line


class Legend(TextPanel, can_focus=False):
    """A text panel as tall as its text (it never scrolls, so it takes no focus).

    Entries are laid out whole: a line breaks between a faction's badge and
    name only when the name alone is wider than the panel, so a room never
    reads a letter at the end of one line and its meaning on the next.
    """

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ascii_only=look.ascii_only, **kwargs)
        self.look = look
        self.border_title = "Legend"
        self._text = self.describe()
        self._height_at = (-1, 0)  # (width, lines) of the last measurement

    def entries(self) -> tuple[list[Text], list[Text]]:
        """(factions, town kinds): one Text per entry."""
        look = self.look
        holders = []
        for fid in [f.id for f in look.scenario.factions] + [CONTESTED, UNKNOWN]:
            h = look.holders[fid]
            entry = Text()
            entry.append(f" {h.mark} ", style=f"bold reverse {h.color}")
            entry.append(f" {look.text(h.name)}")
            holders.append(entry)
        kinds = [Text(f"{look.glyph(kind)} {kind}") for kind in TOWN_KINDS]
        return holders, kinds

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

    def _wrap(self) -> None:
        width = self.content_region.width
        if width > 0 and width != self._wrapped_at:
            self._text = self.describe(width)
        super()._wrap()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Asked on every layout pass; measure once per width.
        if self._height_at[0] != width:
            console = self.app.console
            text = self.describe(width)
            lines = console.render_lines(text, console.options.update_width(max(1, width)), pad=False)
            self._height_at = (width, len(lines))
        return self._height_at[1]
