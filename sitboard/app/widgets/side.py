"""The side column: the panels beside the map, given rows by priority (`sitboard.panels.layout`).

Its width comes from the terminal's size and the scenario's proportions
alone, so a step never moves it. Its panels' heights come from what each
panel's text needs at that width: a panel says when what it shows changed
(`Titled.content_changed`), and the column works the arrangement out again
at once, before the next paint, and changes the layout only if the
arrangement changed. A grid, so that a wide column can hold two columns
of text (the event in the first, the others in the second).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from textual import events
from textual.css.scalar import Scalar, Unit
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.text_panel import Titled
from sitboard.panels import layout
from sitboard.panels.layout import EVENT, ORDER, PRIORITY, Arrangement, Frame, Need

OWN_LINES_KEPT = 8  # areas of the column's own lines kept (`SideColumn.render_lines`): a frame asks for one or two


class SideColumn(Widget):
    """The event, control, town list, displacement and legend panels (any other `Titled` comes last)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.frame: Frame | None = None
        self.arrangement: Arrangement | None = None
        self._arranged_for: tuple[Frame, str | None] | None = None  # the frame and focus `arrangement` is for
        self._arranging = False
        self._again = False
        self._held = 1  # inside `held`, and until mounted: changes are arranged once, when it ends
        self._pending = False
        self._own_lines: dict[Hashable, list[Strip]] = {}  # see `render_lines`

    def configure(self, frame: Frame) -> None:
        """The board's frame at the terminal's size: this column's width and its columns of text."""
        if frame == self.frame:
            return
        self.frame = frame
        self.styles.width = frame.side
        self.styles.grid_size_columns = max(1, len(frame.columns))
        self.styles.grid_columns = [str(c) for c in frame.columns] or ["1fr"]
        self.arrange_panels()

    def panels(self) -> list[Titled]:
        """The panels in this column, by priority."""
        found = [w for w in self.children if isinstance(w, Titled)]
        rank = {name: i for i, name in enumerate(PRIORITY)}
        return sorted(found, key=lambda w: rank.get(w.id or "", len(rank)))

    def on_mount(self) -> None:
        # The panels' first texts arrived one by one as they mounted: one arrangement for all, before the first frame.
        self._release(keep=False)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Arrange once when the block ends, however many panels changed in it.

        A step changes three or four panels' text, one after another: arranged
        at each, the column measured every panel's text 1.7 times a step.
        """
        self._held += 1
        try:
            yield
        finally:
            self._release(keep=True)

    def _release(self, *, keep: bool) -> None:
        self._held -= 1
        if not self._held and self._pending:
            self._pending = False
            self.arrange_panels(keep=keep)

    def arrange_panels(self, *, keep: bool = False) -> None:
        """Give every panel its rows again (if what they need changed, the layout changes; else nothing).

        `keep`: after a step, the column as it is, if it still shows what
        matters (`layout.settled`); otherwise (start-up, a new size or focus,
        a reload) the rows as the panels' needs give them.
        """
        if self._held:
            self._pending = True
            return
        if self._arranging:  # a panel re-described itself while being arranged: once more, after
            self._again = True
            return
        frame = self.frame
        if frame is None or not self.is_attached:
            return
        self._arranging = True
        try:
            for _ in range(3):  # the event written tight is one more round, at most
                self._again = False
                self._arrange(frame, keep)
                if not self._again:
                    break
        finally:
            self._arranging = False

    def _arrange(self, frame: Frame, keep: bool) -> None:
        panels = self.panels()
        columns = len(frame.columns)
        needs: dict[str, Need] = {}
        for panel in panels:
            needs[panel.id or ""] = panel.need(frame.text_width(panel.id or ""))
        focused = self.screen.focused if self.is_attached else None
        focused_id = focused.id if isinstance(focused, Titled) and focused.parent is self else None
        fresh = layout.arrange(frame.rows, needs, columns=columns, focused=focused_id, text_first=frame.rows // 4)
        context = (frame, focused_id)
        kept = self.arrangement if keep and context == self._arranged_for else None
        arrangement = layout.settled(kept, fresh, needs)
        self.arrangement, self._arranged_for = arrangement, context
        for panel in panels:
            if isinstance(panel, EventPanel):
                panel.tight = arrangement.tight
        self._apply(panels, arrangement, columns, frame.rows)

    def _apply(self, panels: list[Titled], arrangement: Arrangement, columns: int, rows: int) -> None:
        on_screen = sorted(panels, key=lambda w: _place(w.id or ""))
        shown = [w for w in on_screen if arrangement.rows.get(w.id or "", 0) > 0]
        heights = [arrangement.rows[w.id or ""] for w in shown]
        if columns == 2:
            others = [w for w in shown if w.id != EVENT]
            heights = [arrangement.rows[w.id or ""] for w in others]
            if heights:  # the event spans them all: they fill the column, the last taking what is left
                heights[-1] += rows - sum(heights)
        for panel in panels:
            panel.display = panel in shown
            panel.arranged(layout.Arrangement.lines(arrangement, panel.id or ""))
            if panel.id == EVENT:
                panel.styles.row_span = max(1, len(heights)) if columns == 2 else 1
        grid = tuple(Scalar.parse(str(h), Unit.HEIGHT) for h in heights) or (Scalar.parse("1fr", Unit.HEIGHT),)
        if self.styles.set_rule("grid_rows", grid):
            # Laid out again, not repainted: `styles.grid_rows = ...` repaints the whole column as well
            # (Textual's Styles.refresh drops its `repaint`), every cell of it composed again (13 ms of a
            # 30 ms step at 200x60). The panels that moved or changed size are repainted by the layout,
            # and nothing of the column's own shows between them. Textual keeps a container's
            # arrangement until it is told (a repaint told it).
            self._clear_arrangement_cache()
            self.refresh(layout=True, repaint=False)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The column's own lines (its left rule, blank behind the panels), kept while what they depend on is the same.

        A repaint of the whole column clears Textual's styles cache, which
        draws its lines again (53 at 200x60: 2.7 ms of a Home or End when a
        new arrangement still repainted the column, see `_apply`), lines
        made of nothing but the column's size, colours and edges.
        """
        key = (crop, *self._drawn_with())
        lines = self._own_lines.get(key)
        if lines is None:
            if len(self._own_lines) >= OWN_LINES_KEPT:
                self._own_lines.clear()
            lines = self._own_lines[key] = super().render_lines(crop)
        return list(lines)

    def _drawn_with(self) -> tuple[Hashable, ...]:
        """What Textual's styles cache draws the column's own lines from (besides the area asked for)."""
        styles, app = self.styles, self.app
        return (
            self.region.size,
            self.background_colors,
            styles.border,
            styles.outline,
            styles.padding,
            styles.tint,
            styles.hatch if styles.has_rule("hatch") else None,
            styles.keyline,
            styles.text_opacity,
            self.opacity,
            tuple(self.get_line_filters()),
            app.ansi_theme,
            app.native_ansi_color,
            app.current_theme.name,
        )

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._own_lines.clear()  # drawn with the old styles

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.arrange_panels()  # the focused panel comes first after the event's essentials

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.arrange_panels()


def _place(panel: str) -> int:
    return ORDER.index(panel) if panel in ORDER else len(ORDER)
