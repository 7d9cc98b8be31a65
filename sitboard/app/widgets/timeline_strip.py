"""Every event as a tick across the width; a click jumps to it."""

from __future__ import annotations

import bisect

from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.widget import Widget

from sitboard.app.messages import StepRequested
from sitboard.app.style import Look
from sitboard.timeline import BoardState


class TimelineStrip(Widget):
    """Two rows: ticks placed by time (quiet weeks look quiet), then dates.

    The current event's tick is drawn as a reverse-video marker, events already
    played are bold, and the second row carries the first and last dates with
    the current date under the marker.
    """

    state: reactive[BoardState | None] = reactive(None)

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.look = look
        keys = [e.time.sort_key.timestamp() for e in look.scenario.events]
        span = (keys[-1] - keys[0]) if keys else 0.0
        self._cols: list[int] = []
        self._cols_width = -1
        self._ticks = ""  # the row of ticks at that width
        self._fractions = (
            [(k - keys[0]) / span for k in keys] if span > 0 else [i / max(1, len(keys) - 1) for i in range(len(keys))]
        )

    def columns(self, width: int) -> list[int]:
        """Each event's column at this width (non-decreasing); computed once per width."""
        if self._cols_width != width:
            self._cols = [round(f * (max(1, width) - 1)) for f in self._fractions]
            self._cols_width = width
            cells = [" "] * max(0, width)
            tick = "|" if self.look.ascii_only else "│"
            for col in set(self._cols):
                if 0 <= col < width:
                    cells[col] = tick
            self._ticks = "".join(cells)
        return self._cols

    def render(self) -> Text:
        # O(width) per frame, whatever the number of events: a year of ACLED
        # data is 20,000 ticks on one line, laid out once per width.
        width = self.content_size.width or self.size.width
        events_ = self.look.scenario.events
        if not events_ or width < 1:
            return Text("no events", style="dim")
        ascii_only = self.look.ascii_only
        current = self.state.step if self.state else 0
        cols = self.columns(width)
        ticks = Text(self._ticks, style="dim")
        dates = [" "] * width
        first, last = events_[0].time.text[:10], events_[-1].time.text[:10]
        if current:
            col = cols[current - 1]
            ticks.stylize("bold", 0, col)  # columns are in time order: everything left of now has played
            ticks = ticks[:col] + Text("^" if ascii_only else "▲", style="bold reverse") + ticks[col + 1 :]
            label = f" {events_[current - 1].time.text[:10]} "
            at = max(0, min(width - len(label), col - len(label) // 2))
        else:
            label, at = " START ", max(0, width // 2 - 3)
        # The first and last dates only where the current label leaves room:
        # writing one over the other would leave a cut date such as "24-12-06".
        if len(first) <= at:
            _write(dates, 0, first)
        if width - len(last) >= at + len(label):
            _write(dates, width - len(last), last)
        _write(dates, at, label)
        return Text("\n").join([ticks, Text("".join(dates)[:width], style="bold")])

    def on_click(self, event: events.Click) -> None:
        cols = self.columns(self.content_size.width or self.size.width)
        if not cols:
            return
        x = event.x - self.styles.padding.left
        # The nearest tick; of several events in one column, the last of them.
        after = bisect.bisect_right(cols, x)  # events [0, after) are at or left of x
        left, right = after - 1, after
        if right < len(cols) and (left < 0 or cols[right] - x < x - cols[left]):
            nearest = bisect.bisect_right(cols, cols[right]) - 1
        else:
            nearest = left
        self.post_message(StepRequested(nearest + 1))


def _write(cells: list[str], start: int, text: str) -> None:
    for i, ch in enumerate(text):
        if 0 <= start + i < len(cells):
            cells[start + i] = ch
