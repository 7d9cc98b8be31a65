"""Every event as a tick across the width; a click jumps to it."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.widget import Widget

from sitboard.app.messages import StepRequested
from sitboard.app.style import Look
from sitboard.timeline import BoardState


class TimelineStrip(Widget):
    state: reactive[BoardState | None] = reactive(None)

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.look = look
        events_ = look.scenario.events
        keys = [e.time.sort_key.timestamp() for e in events_]
        span = (keys[-1] - keys[0]) if keys else 0.0
        # Position by time so that quiet weeks look quiet; by order if all share one time.
        self._fractions = (
            [(k - keys[0]) / span for k in keys] if span > 0 else
            [i / max(1, len(keys) - 1) for i in range(len(keys))]
        )

    def _columns(self, width: int) -> list[int]:
        inner = max(1, width - 2)
        return [1 + round(f * (inner - 1)) for f in self._fractions]

    def render(self) -> Text:
        width = self.size.width
        ascii_only = self.look.ascii_only
        ticks = [" "] * width
        marks = [" "] * width
        events_ = self.look.scenario.events
        state = self.state
        current = state.step if state else 0
        for step, col in enumerate(self._columns(width), start=1):
            if 0 <= col < width:
                ticks[col] = "|" if ascii_only else "│"
                if step == current:
                    marks[col] = "^" if ascii_only else "▲"
        line1 = Text("".join(ticks), style="dim")
        for step, col in enumerate(self._columns(width), start=1):
            if step <= current and 0 <= col < width:
                line1.stylize("bold", col, col + 1)
        if current:
            col = self._columns(width)[current - 1]
            line1.stylize("bold reverse", col, col + 1)
        line2 = Text("".join(marks), style="bold")
        if events_:
            first, last = events_[0].time.text[:10], events_[-1].time.text[:10]
            label = Text(first)
            label.append(" " * max(1, width - len(first) - len(last)))
            label.append(last)
            if current == 0:
                label = Text("START ", style="bold reverse") + label[6:] if width > 20 else label
            return Text("\n").join([line1, line2 if current else label, label if current else Text("")])
        return Text("no events", style="dim")

    def on_click(self, event: events.Click) -> None:
        cols = self._columns(self.size.width)
        if not cols:
            return
        nearest = min(range(len(cols)), key=lambda i: (abs(cols[i] - event.x), i))
        self.post_message(StepRequested(nearest + 1))
