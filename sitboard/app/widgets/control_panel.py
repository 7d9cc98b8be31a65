"""Who holds what: per-faction totals, this step's changes, and every town."""

from __future__ import annotations

from itertools import compress, count, islice
from operator import ne
from typing import Any, NamedTuple

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip

from sitboard.app.messages import TownSelected
from sitboard.app.style import Look, look_for
from sitboard.app.widgets.text_panel import StatePanel, Titled, cut_hint
from sitboard.panels.control import control, town_row
from sitboard.panels.layout import Need
from sitboard.panels.styled import Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation, Timeline


class ControlPanel(StatePanel):
    """Towns and people held per faction (this step's changes of hands are the event panel's)."""

    TITLE = "Control: towns held"

    def describe(self, situation: Situation, words: Words) -> Styled:
        return control(situation, words)


class TownRow(NamedTuple):
    """One line of the town list: the town's id and what the line says."""

    id: str
    prompt: Text


KEPT_SCREENS = 4  # screens of rows a town list keeps by what they show (jumping to the end and back)
REPAINTED_ROWS = 64  # rows a step may change and have only those redrawn; past that the list is drawn afresh


class TownList(Titled, can_focus=True):
    """Every town with its holder; Enter or a click shows the town's history.

    A Line API list rather than an OptionList: with 2,000 towns, replacing one
    option's prompt made the OptionList measure every option again, on every
    step. Here a step rebuilds only the rows of towns that changed hands (or
    stop being marked as changed), and repaints them only if they are in view.
    """

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "move(-5)", "Page up", show=False),
        Binding("pagedown", "move(5)", "Page down", show=False),
        Binding("enter", "select", "Show the town", show=False),
    ]
    COMPONENT_CLASSES = {"town-list--cursor"}
    DEFAULT_CSS = """
    TownList > .town-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    """

    TITLE = "Towns"

    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def __init__(self, *, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(ascii_only=ascii_only, **kwargs)
        self._listed: Timeline | None = None  # the timeline whose towns are listed
        self._ids: list[str] = []
        self._holders: tuple[str, ...] | None = None
        self._changed: set[int] = set()
        self._prompts: dict[int, Text] = {}
        self._strips: dict[int, Strip] = {}
        self._kept: LRUCache[tuple[int, str, bool, bool, int], Strip] = LRUCache(KEPT_SCREENS * 50)
        self._top = 0

    @property
    def look(self) -> Look:
        return look_for(self.timeline.scenario, ascii_only=self.ascii_only, theme=self.app.current_theme)

    # -- state ------------------------------------------------------------------

    def board_changed(self) -> None:
        timeline = self.timeline
        if timeline is not self._listed:  # a reloaded scenario: its own towns, from the top
            self._listed, self._holders, self._changed = timeline, None, set()
            self._kept.clear()  # another scenario's towns: rows by index are not theirs
            self._ids = [t.id for t in timeline.scenario.towns]
            self._top = 0
            self.highlighted = None
            self.content_changed()
        self.show(timeline.state_at(timeline.clamp(self.state.step)))

    def restyle(self) -> None:
        self._prompts.clear()
        self._strips.clear()
        self._kept.clear()
        self.refresh()

    def show(self, state: Situation) -> None:
        town_index = self.timeline.scenario.town_index
        changed = {town_index[c.town] for c in state.changed}
        old = self._holders
        if old is state.holders or (old == state.holders and changed == self._changed):
            return  # a change of view, or a step that changed no hands
        self._holders, previous_changed, self._changed = state.holders, self._changed, changed
        if old is None or len(old) != len(state.holders):
            self._prompts.clear()
            self._strips.clear()
            self.refresh()
            return
        # Rows are rebuilt lazily, when drawn: a jump that hands 2,000 towns to
        # new holders costs only the rows in view.
        # In C: a step compares 20,000 holders; a jump stops at the first rows past `REPAINTED_ROWS` that differ
        dirty = set(islice(compress(count(), map(ne, old, state.holders)), REPAINTED_ROWS + 1))
        dirty |= changed | previous_changed
        if len(dirty) > REPAINTED_ROWS:  # a jump: start the cache afresh rather than evict row by row
            self._prompts.clear()
            self._strips.clear()
            self.refresh()
            return
        height = self.size.height
        for i in dirty:
            self._prompts.pop(i, None)
            self._strips.pop(i, None)
            self._strips.pop(-1 - i, None)
            if self._top <= i < self._top + height:
                self.refresh(Region(0, i - self._top, self.size.width, 1))

    def need(self, width: int) -> Need:
        return Need(len(self._ids))

    def lines_changed(self) -> None:
        shown = self.shown_lines
        self._top = max(0, min(self._top, len(self._ids) - shown))
        below = len(self._ids) - self._top - shown
        self.scroll_hint(cut_hint(self._top, below, focused=self.has_focus, ascii_only=self.ascii_only))

    @property
    def options(self) -> list[TownRow]:
        """Every row as (id, prompt), in file order."""
        return [TownRow(town_id, self._prompt_at(i)) for i, town_id in enumerate(self._ids)]

    def _prompt_at(self, index: int) -> Text:
        prompt = self._prompts.get(index)
        if prompt is None and self._holders is not None:
            prompt = self._prompts[index] = self._prompt(index, self._holders[index], index in self._changed)
        return prompt if prompt is not None else Text()

    def _prompt(self, index: int, holder: str, changed: bool) -> Text:
        look = self.look
        return look.rich(town_row(look.words, index, holder, changed), no_wrap=True, overflow="ellipsis")

    # -- cursor and scrolling ------------------------------------------------------

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None:
                self._strips.pop(index, None)
        if new is not None:
            height = max(1, self.shown_lines)
            if new < self._top:
                self._top = new
            elif new >= self._top + height:
                self._top = new - height + 1
        self.lines_changed()
        self.refresh()

    def action_move(self, delta: int) -> None:
        if self._ids:
            current = self.highlighted if self.highlighted is not None else (-1 if delta > 0 else len(self._ids))
            self.highlighted = max(0, min(len(self._ids) - 1, current + delta))

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(TownSelected(self._ids[self.highlighted]))

    def on_click(self, event: events.Click) -> None:
        index = self._top + event.y
        if 0 <= index < len(self._ids):
            self.highlighted = index
            self.post_message(TownSelected(self._ids[index]))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._scroll(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._scroll(-3)

    def _scroll(self, delta: int) -> None:
        top = max(0, min(self._top + delta, len(self._ids) - max(1, self.shown_lines)))
        if top != self._top:
            self._top = top
            self.lines_changed()
            self.refresh()

    # -- Line API ---------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = self._top + y
        if self._holders is None or not 0 <= index < len(self._ids):
            return Strip.blank(width, self.rich_style)
        cursor = index == self.highlighted and self.has_focus
        key = index if not cursor else -1 - index
        strip = self._strips.get(key)
        if strip is None or strip.cell_length != width:
            # A row is a function of its town, holder, mark and cursor at a width: rows come back after a
            # jump there and back (Home, End), which starts `_strips` afresh.
            kept_as = (index, self._holders[index], index in self._changed, cursor, width)
            strip = self._kept.get(kept_as)
            if strip is None:
                base = self.rich_style  # walks every ancestor: once per row
                style = self.get_component_rich_style("town-list--cursor") if cursor else base
                text = self.look.shorten(self._prompt_at(index), width).copy()
                text.truncate(width, pad=True)
                segments = list(text.render(self.app.console))
                strip = Strip(segments).apply_style(style).adjust_cell_length(width, base)
                self._kept.maxsize = KEPT_SCREENS * max(1, self.size.height)
                self._kept.set(kept_as, strip)
            self._strips[key] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # drawn in the old colours (a theme change)
        self._kept.clear()

    def on_focus(self) -> None:
        super().on_focus()
        if self.highlighted is None and self._ids:
            self.highlighted = 0
        self.refresh()

    def on_blur(self) -> None:
        super().on_blur()
        self.refresh()
