"""People displaced so far, never adding a figure the sources did not give."""

from __future__ import annotations

import heapq

from rich.text import Text

from sitboard.app.widgets.text_panel import StatePanel
from sitboard.timeline import Situation, Tally, figure


class DisplacementPanel(StatePanel):
    TITLE = "Displacement"

    def describe(self, state: Situation) -> Text:
        look = self.look
        d = state.displaced
        out = Text()
        if not len(state.flows):
            out.append("No displacement reported so far.", style="dim")
            return out
        out.append("Displaced so far: ", style="dim")
        out.append(look.text(d.total.describe()) + "\n", style="bold")  # "≥" is ">=" in ASCII mode
        # This step's flows first: they are what the briefer is talking about.
        if state.step_flows:
            out.append("This step:\n", style="bold")
            bullet = ">" if look.ascii_only else "▸"
            for f in state.step_flows:
                size = figure(f.people) if f.people is not None else (
                    f'"{look.text(f.estimate)}"' if f.estimate else "size not given"
                )
                out.append(f" {bullet} {look.town_name(f.origin)} {look.arrow()} {look.town_name(f.destination)}: {size}\n",
                           style="bold")
        self._table(out, "By destination", d.by_destination)
        self._table(out, "By origin", d.by_origin)
        out.rstrip()
        return out

    def _table(self, out: Text, heading: str, tallies: dict[str, Tally]) -> None:
        out.append(f"{heading}:\n", style="bold")
        # The eight largest, without sorting every place a long timeline has touched.
        ranked = heapq.nsmallest(8, tallies.items(), key=lambda kv: (-kv[1].people, -kv[1].unquantified, kv[0]))
        for town_id, tally in ranked:
            out.append(f"  {self.look.town_name(town_id)}: {self.look.text(tally.describe())}\n")
        if len(tallies) > 8:
            more = len(tallies) - 8
            out.append(f"  ... and {more} more\n" if self.look.ascii_only else f"  … and {more} more\n", style="dim")
