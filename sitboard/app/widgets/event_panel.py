"""The current event: what happened, where, who, according to whom, how sure."""

from __future__ import annotations

from rich.text import Text

from sitboard.app.widgets.text_panel import StatePanel
from sitboard.app.style import CONFIDENCE_STYLE
from sitboard.timeline import Situation


class EventPanel(StatePanel):
    TITLE = "Event"

    def describe(self, state: Situation) -> Text:
        look = self.look
        s = look.scenario
        event = state.event
        out = Text()
        if event is None:
            out.append("Start of the scenario\n", style="bold")
            out.append(look.text(s.summary) or "The situation before the first event.")
            return out
        out.append(f"{event.time.text.replace('T', ' ')}", style="bold")
        if event.kind:
            out.append(f"  {look.text(event.kind)}", style="italic")
        if event.confidence:
            out.append("  ")
            out.append(f" {event.confidence.upper()} ", style=CONFIDENCE_STYLE[event.confidence])
        out.append("\n")
        out.append(look.text(event.title) + "\n", style="bold")
        if event.at is not None:
            place = look.town_name(event.at.town) if event.at.town else f"{event.at.lat:.3f}, {event.at.lon:.3f}"
            out.append("Where: ", style="dim")
            out.append(place + "\n")
        if event.actors:
            out.append("Who: ", style="dim")
            for i, actor in enumerate(event.actors):
                h = look.holders[actor]
                if i:
                    out.append(", ")
                out.append(f"[{h.mark}] ", style=f"bold {h.color}")
                out.append(look.text(h.name))
            out.append("\n")
        for town, holder in event.control:
            out.append("Control: ", style="dim")
            out.append(f"{look.town_name(town)} {look.arrow()} {look.holder_name(holder)}\n")
        if event.text:
            out.append("\n" + look.text(event.text) + "\n")
        out.append("\nSources: ", style="dim")
        if not event.sources:
            out.append("none given", style="italic")
        for sid in event.sources:
            src = s.source_by_id[sid]
            out.append("\n - " + look.text(src.name))
            if src.kind:
                out.append(f" ({look.text(src.kind)})", style="italic")
        return out
