"""People displaced so far, never adding a figure the sources did not give."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from sitboard.app.style import Look
from sitboard.timeline import BoardState, Tally


class DisplacementPanel(Static, can_focus=True):
    state: reactive[BoardState | None] = reactive(None)

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.look = look
        self.border_title = "Displacement"

    def watch_state(self, state: BoardState | None) -> None:
        if state is not None:
            self.update(self.describe(state))

    def describe(self, state: BoardState) -> Text:
        look = self.look
        d = state.displaced
        out = Text()
        if not len(state.flows):
            out.append("No displacement reported so far.", style="dim")
            return out
        out.append("Displaced so far: ", style="dim")
        out.append(look.text(d.total.describe()) + "\n", style="bold")  # "≥" is ">=" in ASCII mode
        if d.total.unquantified:
            out.append(f"{d.total.unquantified} flow(s) with no figure in the sources\n", style="italic")
        self._table(out, "To", d.by_destination)
        self._table(out, "From", d.by_origin)
        if state.step_flows:
            out.append("This step:\n", style="bold")
            for f in state.step_flows:
                size = f"{f.people:,}" if f.people is not None else (f'"{look.text(f.estimate)}"' if f.estimate else "size unknown")
                out.append(
                    f" ▸ {look.town_name(f.origin)} {look.arrow()} {look.town_name(f.destination)}: {size}\n"
                    if not look.ascii_only else
                    f" > {look.town_name(f.origin)} {look.arrow()} {look.town_name(f.destination)}: {size}\n",
                    style="bold",
                )
        out.rstrip()
        return out

    def _table(self, out: Text, heading: str, tallies: dict[str, Tally]) -> None:
        out.append(f"{heading}:\n", style="bold")
        ranked = sorted(tallies.items(), key=lambda kv: (-kv[1].people, -kv[1].unquantified, kv[0]))
        for town_id, tally in ranked[:8]:
            out.append(f"  {self.look.town_name(town_id)}: {self.look.text(tally.describe())}\n")
        if len(ranked) > 8:
            out.append(f"  … and {len(ranked) - 8} more\n" if not self.look.ascii_only else f"  ... and {len(ranked) - 8} more\n", style="dim")
