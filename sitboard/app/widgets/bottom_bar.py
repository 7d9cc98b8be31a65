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

from typing import Any

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual, visualize

from sitboard.app.actions import ACTIONS, key_text
from sitboard.app.contrast import faded, legible
from sitboard.app.messages import StepRequested
from sitboard.app.style import ground_of
from sitboard.app.widgets.bound import BoardWidget
from sitboard.panels import ticks as strip
from sitboard.state import BoardState
from sitboard.timeline import Timeline

STRIP_ROWS = 2
MARGIN = 1  # columns kept clear at each end of the strip
ROWS_KEPT = 8  # rows of either kind kept by what they show (see `BottomBar._kept_rows`)


class BottomBar(BoardWidget):
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

    def __init__(self, *, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self._placed: Timeline | None = None  # the timeline `_fractions` are of
        self._fractions: list[float] = []
        self._ends: list[float | None] = []  # where each event's range ends, None for a moment
        self._ticks = strip.Ticks([], "")
        self._ticks_width = -1
        self._spans: list[tuple[int, int, str]] = []  # (start, end, action) of each key on the key row
        self._key_styles: tuple[str, Style, Style, Style] | None = None  # by theme name (see `key_styles`)
        self._strip_lines_of: tuple[tuple[object, ...], list[Strip]] | None = None  # see `_strip_lines`
        self._key_line_of: tuple[tuple[object, ...], Strip] | None = None  # see `_key_line`
        # The rows drawn for the last few keys of either kind (Home and End come back to the same rows), and the
        # key bar's click spans with its row
        self._kept_rows: dict[tuple[object, ...], tuple[list[Strip], list[tuple[int, int, str]]]] = {}

    def watch_state(self, old: BoardState, new: BoardState) -> None:
        if old.step != new.step:  # a change of view changes nothing here
            self._repaint_changed()

    def _repaint_changed(self) -> None:
        """Repaint the rows a step changed: often none (the marker in the same column, the same day)."""
        width = self.size.width
        if width <= 0 or self._strip_lines_of is None or self._key_line_of is None:
            self.refresh()
            return
        rows = []
        if self._strip_lines_of[0] != self._strip_key(width):
            rows.append(Region(0, 0, width, STRIP_ROWS))
        if self._key_line_of[0] != self._key_key(width):
            rows.append(Region(0, STRIP_ROWS, width, 1))
        if rows:
            self.refresh(*rows)

    def watch_timeline(self, old: Timeline, new: Timeline) -> None:
        if old is new:  # the binding's first call
            return
        self._kept_rows.clear()  # drawn from the old timeline (and would keep it)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._kept_rows.clear()  # drawn in the old styles

    # -- Line API: each row built when what it shows changed ---------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y < STRIP_ROWS:
            return self._strip_lines(width)[y]
        if y == STRIP_ROWS:
            return self._key_line(width)
        return Strip.blank(width, self.visual_style.rich_style)

    def _strip_lines(self, width: int) -> list[Strip]:
        """The ticks and dates rows, built when what they show changes.

        Keyed by what is drawn (the marker's column and the dates row), not by
        the step: with thousands of events a column holds hundreds of steps, and
        the rows of a step in the same column on the same day are the same.
        """
        key = self._strip_key(width)
        if self._strip_lines_of is None or self._strip_lines_of[0] != key:
            kept = self._kept_rows.get(key)
            if kept is None:
                margin = Text(" " * MARGIN)
                ticks, dates = self._rows_at(key[2])
                kept = self._keep(key, [self._line(margin + ticks, width), self._line(margin + dates, width)])
            self._strip_lines_of = (key, kept[0])
        return self._strip_lines_of[1]

    def _keep(
        self, key: tuple[object, ...], rows: list[Strip], spans: list[tuple[int, int, str]] | None = None
    ) -> tuple[list[Strip], list[tuple[int, int, str]]]:
        if len(self._kept_rows) >= ROWS_KEPT:
            self._kept_rows.clear()
        kept = self._kept_rows[key] = (rows, spans or [])
        return kept

    def _strip_key(self, width: int) -> tuple[int, Timeline, strip.Dates | None, str]:
        return (width, self.timeline, self._where(max(0, width - 2 * MARGIN)), self.app.current_theme.name)

    def _key_key(self, width: int) -> tuple[int, str, tuple[bool, ...]]:
        return (width, self.app.current_theme.name, tuple(self.enabled(a.action) for a in ACTIONS if a.footer))

    def _key_line(self, width: int) -> Strip:
        """The key bar, built again only when a key is enabled or disabled, or the width or theme changed."""
        key = self._key_key(width)
        if self._key_line_of is None or self._key_line_of[0] != key:
            kept = self._kept_rows.get(key)
            if kept is None:
                row = self._line(self.key_row(width), width)  # (which says where each key is: `_spans`)
                kept = self._keep(key, [row], list(self._spans))
            else:
                self._spans = list(kept[1])
            self._key_line_of = (key, kept[0][0])
        return self._key_line_of[1]

    def _line(self, text: Text, width: int) -> Strip:
        """One row as Textual draws a widget's text (its colours, cut to the width)."""
        text.no_wrap, text.overflow = True, "crop"
        strips = Visual.to_strips(self, visualize(self, text, markup=False), width, 1, self.visual_style, pad=True)
        return strips[0] if strips else Strip.blank(width, self.visual_style.rich_style)

    # -- the timeline strip ------------------------------------------------------------

    def columns(self, width: int) -> list[int]:
        """Each event's column at this strip width (non-decreasing); computed once per width and scenario."""
        timeline = self.timeline
        if timeline is not self._placed:
            self._placed, self._fractions, self._ticks_width = timeline, strip.fractions(timeline.scenario), -1
            self._ends = strip.spans(timeline.scenario)
        if self._ticks_width != width:
            self._ticks = strip.ticks(self._fractions, width, ascii_only=self.ascii_only, ends=self._ends)
            self._ticks_width = width
        return self._ticks.columns

    def _where(self, width: int) -> strip.Dates | None:
        """The dates row and the marker's column at this width; None when there is no strip to draw."""
        timeline = self.timeline
        if not timeline.steps or width < 1:
            return None
        return strip.dates(timeline.scenario, timeline.clamp(self.state.step), self.columns(width), width)

    def _rows_at(self, dates: strip.Dates | None) -> tuple[Text, Text]:
        """The ticks and the dates rows (see `sitboard.panels.ticks`)."""
        if dates is None:
            return Text("no events", style="dim"), Text()
        ticks = Text(self._ticks.row, style="dim")
        if dates.current is not None:
            col = dates.current
            ticks.stylize("bold", 0, col)  # columns are in time order: everything left of now has played
            ticks = ticks[:col] + Text("^" if self.ascii_only else "▲", style="bold reverse") + ticks[col + 1 :]
        return ticks, Text(dates.row, style="bold")

    # -- the key bar -----------------------------------------------------------------------

    def enabled(self, action: str) -> bool:
        return self.app.check_action(action, ()) is not None

    def key_styles(self) -> tuple[Style, Style, Style]:
        """(a key, a key that does nothing now, the bar), legible in this theme.

        Textual's footer colours are for its footer: the light theme's blue keys
        measured 2.9:1 on the bar, and a dimmed key 2.3:1 to 3.8:1 by theme.
        A key keeps its hue at the lightness the theme's target needs; a key
        that does nothing is as faint as that target allows, no fainter.
        """
        theme = self.app.current_theme
        if self._key_styles is None or self._key_styles[0] != theme.name:
            bar = self.get_component_rich_style("bottom-bar--keys")
            key = self.get_component_rich_style("bottom-bar--key")
            target = ground_of(theme).target
            back = _hex(bar.bgcolor, "#000000")
            key += Style(color=legible(_hex(key.color, "#ffffff"), [back], target))
            off = bar + Style(color=faded(_hex(bar.color, "#ffffff"), back, target))
            self._key_styles = (theme.name, key, off, bar)
        _, key, off, bar = self._key_styles
        return key, off, bar

    def key_row(self, width: int) -> Text:
        """Every footer action's key and label; `_spans` says where each is, for clicks."""
        key_style, off_style, bar_style = self.key_styles()
        line = Text(no_wrap=True, overflow="crop", style=bar_style)
        self._spans = []
        for a in ACTIONS:
            if not a.footer:
                continue
            start = line.cell_len
            key = key_text(a, ascii_only=self.ascii_only).split(" / ")[0]
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
        columns = self.columns(max(0, self.size.width - 2 * MARGIN))
        if columns:
            self.post_message(StepRequested(strip.step_at(columns, event.x - MARGIN)))


def _hex(color: Color | None, default: str) -> str:
    return color.get_truecolor().hex if color is not None else default
