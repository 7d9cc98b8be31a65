"""What the colours, letters and shapes on the map mean."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size

from sitboard.app.style import Look
from sitboard.app.widgets.text_panel import TextPanel
from sitboard.scenario.model import CONTESTED, TOWN_KINDS, UNKNOWN

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
        self._laid_out_at = -1  # the width `_text` was laid out for
        self._height = len(self._text.split())  # lines, until laid out at a width

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
        return self._height
