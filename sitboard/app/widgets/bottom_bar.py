"""The foot of the board: the timeline strip over the key bar, one widget.

The strip is two rows: every event as a tick placed by time (quiet weeks look
quiet), then the first and last dates with the current date under the
marker; clicking a tick jumps there. The key bar is one row drawn from
`ACTIONS`, a key dimmed when it does nothing; clicking a key runs it.
(Textual's Footer rebuilds a widget per key whenever bindings change, which at
the ends of the timeline cost more than the rest of a step: here a key that is
enabled or disabled is a repaint.) They are one widget, not two, because each
node on the screen costs start-up time.
"""

from __future__ import annotations

import bisect

from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.widget import Widget

from sitboard.app.actions import ACTIONS, key_text
from sitboard.app.messages import StepRequested
from sitboard.app.style import Look
from sitboard.timeline import Situation

STRIP_ROWS = 2
MARGIN = 1  # columns kept clear at each end of the strip


class BottomBar(Widget):
    """Ticks, dates, keys.

    The current event's tick is drawn as a reverse-video marker and events
    already played are bold.
    """

    DEFAULT_CSS = """
    BottomBar { height: 3; }
    BottomBar > .bottom-bar--keys { background: $footer-background; color: $footer-description-foreground; }
    BottomBar > .bottom-bar--key { background: $footer-background; color: $footer-key-foreground; text-style: bold; }
    BottomBar > .bottom-bar--disabled { background: $footer-background; color: $footer-description-foreground 40%; }
    """
    COMPONENT_CLASSES = {"bottom-bar--keys", "bottom-bar--key", "bottom-bar--disabled"}

    state: reactive[Situation | None] = reactive(None)

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.look = look
        keys = [e.time.sort_key.timestamp() for e in look.scenario.events]
        span = (keys[-1] - keys[0]) if keys else 0.0
        self._fractions = (
            [(k - keys[0]) / span for k in keys] if span > 0 else [i / max(1, len(keys) - 1) for i in range(len(keys))]
        )
        self._cols: list[int] = []
        self._cols_width = -1
        self._ticks = ""  # the row of ticks at that width
        self._spans: list[tuple[int, int, str]] = []  # (start, end, action) of each key on the key row

    def render(self) -> Text:
        width = self.size.width
        margin = Text(" " * MARGIN)
        ticks, dates = self.strip_rows(max(0, width - 2 * MARGIN))
        return Text("\n").join([margin + ticks, margin + dates, self.key_row(width)])

    # -- the timeline strip ------------------------------------------------------------

    def columns(self, width: int) -> list[int]:
        """Each event's column at this strip width (non-decreasing); computed once per width."""
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

    def strip_rows(self, width: int) -> tuple[Text, Text]:
        """The ticks and the dates at this width.

        O(width) per frame, whatever the number of events: a year of ACLED data
        is 20,000 ticks on one line, laid out once per width.
        """
        events_ = self.look.scenario.events
        if not events_ or width < 1:
            return Text("no events", style="dim"), Text()
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
        return ticks, Text("".join(dates)[:width], style="bold")

    # -- the key bar -----------------------------------------------------------------------

    def enabled(self, action: str) -> bool:
        return self.app.check_action(action, ()) is not None

    def key_row(self, width: int) -> Text:
        """Every footer action's key and label; `_spans` says where each is, for clicks."""
        key_style = self.get_component_rich_style("bottom-bar--key")
        off_style = self.get_component_rich_style("bottom-bar--disabled")
        line = Text(no_wrap=True, overflow="crop", style=self.get_component_rich_style("bottom-bar--keys"))
        self._spans = []
        for a in ACTIONS:
            if not a.footer:
                continue
            start = line.cell_len
            key = key_text(a, ascii_only=self.look.ascii_only).split(" / ")[0]
            on = self.enabled(a.action)
            line.append(f" {key} ", style=key_style if on else off_style)
            line.append(f"{a.label} ", style="" if on else off_style)
            self._spans.append((start, line.cell_len, a.action))
        gap = width - line.cell_len - len(" ^p palette ")
        if gap > 0:
            line.append(" " * gap)
            start = line.cell_len
            line.append(" ^p", style=key_style)
            line.append(" palette ")
            self._spans.append((start, line.cell_len, "command_palette"))
        line.truncate(width, pad=True)  # the bar's colour across the whole row
        return line

    # -- clicks -------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        if event.y >= STRIP_ROWS:
            for start, end, action in self._spans:
                if start <= event.x < end:
                    event.stop()
                    self.app.call_later(self.app.run_action, action)
                    return
            return
        cols = self.columns(max(0, self.size.width - 2 * MARGIN))
        if not cols:
            return
        x = event.x - MARGIN
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
