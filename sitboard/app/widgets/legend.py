"""What the colours, letters and shapes on the map mean."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from sitboard.app.style import Look
from sitboard.model import CONTESTED, UNKNOWN
from sitboard.model import TOWN_KINDS


class Legend(Static):
    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.look = look
        self.border_title = "Legend"

    def on_mount(self) -> None:
        self.update(self.describe())

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
