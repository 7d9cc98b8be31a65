"""The map widget: a Line API view over frames computed by `sitboard.geo.scene`.

Static layers are drawn once per view and size (in the scene); each step makes
a new frame, and only the rows that differ from the previous frame are turned
into strips again and refreshed.
"""

from __future__ import annotations

import os
from itertools import groupby
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.theme import Theme

from sitboard.app.contrast import legible
from sitboard.app.messages import TownSelected, ViewChanged, ZoomRequested
from sitboard.app.style import Look, fills_areas, ground_of, look_for
from sitboard.app.themes import HIGH_CONTRAST_NAME
from sitboard.app.widgets.bound import BoardWidget
from sitboard.compare import changed_towns
from sitboard.geo import camera
from sitboard.geo.canvas import Cell
from sitboard.geo.projection import View
from sitboard.geo.scene import ALL_CONTEXT, Frame, MapScene
from sitboard.scenario.append import only_appended
from sitboard.state import BoardState
from sitboard.timeline import Situation, Timeline

if TYPE_CHECKING:
    from sitboard.geo.context_layer import ContextLayer

# Base colours per theme family; faction colours come from the scenario.
BASE = {
    "dark": {
        "coast": "#5FA8E8",
        "border": "#A0A0A0",
        "line:road": "#C8B070",
        "line:river": "#5FA8E8",
        "line:front": "#FF6060",
        "line:border": "#A0A0A0",
        "line:other": "#B0B0B0",
        "flow": "#FFFFFF",
        "flow-old": "#808080",
        "label": "#E0E0E0",
        "place": "#FFFFFF",
        "scale": "#C0C0C0",
    },
    "light": {
        "coast": "#1F5FA8",
        "border": "#606060",
        "line:road": "#7A5C00",
        "line:river": "#1F5FA8",
        "line:front": "#B00000",
        "line:border": "#606060",
        "line:other": "#505050",
        "flow": "#000000",
        "flow-old": "#909090",
        "label": "#202020",
        "place": "#000000",
        "scale": "#404040",
    },
}
CONTRAST = {
    "coast": "#00FFFF",
    "border": "#FFFFFF",
    "flow": "#FFFF00",
    "flow-old": "#C0C0C0",
    "label": "#FFFFFF",
    "line:road": "#FFD700",
    "line:front": "#FF4040",
}
# Context names and places, and fronts: (the base colour they take, the rest of their look).
CONTEXT_LOOKS = {
    "ctx-country": ("border", "bold"),  # under the scenario: quiet, but a name a room can read
    "ctx-water": ("coast", "italic"),
    "ctx-place": ("flow-old", "none"),  # orientation only: never a holder's colour; the faintest legible grey
    "front": ("line:front", "bold"),
}
KEPT_FRAMES = 4  # recent frames whose rows' strips are kept (see `_strip`)
_new_segment = tuple.__new__  # see `_new_strip`


class MapView(BoardWidget, can_focus=True):
    """North-up map of the scenario; click a town to see its history.

    It draws the board state's step and view (centre and zoom, areas,
    selected town) and owns none of them: the wheel and a drag post
    `ViewChanged` with the view they ask for, and the board sets the state.
    """

    def __init__(self, *, ascii_only: bool = False, earlier: bool = False, **kwargs: Any) -> None:
        """`earlier`: the split view's left half, which draws the state's `compare` step instead of its step."""
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self.earlier = earlier
        self.marks = ascii_only or bool(os.environ.get("NO_COLOR"))
        self._scene: MapScene | None = None
        self._frame: Frame | None = None
        self._rows: list[list[Cell]] = []
        self._shade: list[list[str | None]] | None = None
        self._strips: dict[int, Strip] = {}
        # Recent rows' strips by content: (the row's key, its strip) by the key's hash (see `_kept_strip`).
        self._kept: LRUCache[int, tuple[tuple[object, ...], Strip]] = LRUCache(KEPT_FRAMES * 60)
        self._styles: dict[tuple[str | None, str | None], Style] = {}
        self._blank_plain: dict[str | None, bool] = {}  # style keys whose blanks look like any other blank
        self._drag: tuple[int, int, BoardState] | None = None
        self._drawn_size = Size(0, 0)
        self._context_asked: set[tuple[View, int, int, frozenset[str]]] = set()
        self._caption_text: str | None = None  # the split view's title of this half

    @property
    def scene(self) -> MapScene:
        """The scenario's map, drawn step by step (made again for a reloaded scenario)."""
        scenario = self.timeline.scenario
        if self._scene is None or self._scene.scenario is not scenario:
            self._scene = MapScene(scenario, ascii_only=self.ascii_only)
            self._context_asked.clear()  # a new scene makes its views' context again
        return self._scene

    @property
    def look(self) -> Look:
        return look_for(self.timeline.scenario, ascii_only=self.ascii_only, theme=self.app.current_theme)

    @property
    def view(self) -> View:
        """The bounds the state looks at (see `sitboard.geo.camera`)."""
        return camera.view_of(self.state, self.scene.home)

    # -- state in, frames out -------------------------------------------------

    def watch_state(self, old: BoardState, new: BoardState) -> None:
        if old != new:  # not the binding's first call
            self._redraw()
        if old.compare != new.compare or old.step != new.step:
            self._caption()

    def on_mount(self) -> None:
        self._caption()

    @property
    def shown_step(self) -> int:
        """The step this map draws: the state's, or in the split view's left half the one compared with."""
        state, timeline = self.state, self.timeline
        return timeline.clamp(state.compare if self.earlier and state.compare is not None else state.step)

    def _marked(self) -> frozenset[str] | None:
        """In the split view, the towns whose control differs between its two steps (marked on both halves)."""
        compare = self.state.compare
        return None if compare is None else changed_towns(self.timeline, compare, self.state.step)

    def _caption(self) -> None:
        """Each half of the split view says which moment it shows (a border title: text, never markup)."""
        caption = None
        if self.state.compare is not None:
            step = self.shown_step
            event = self.timeline.scenario.events[step - 1] if step else None
            when = "start" if event is None else event.time.text.replace("T", " ")
            caption = self.look.text(f"{'then' if self.earlier else 'now'}: {when} (step {step})")
        if caption != self._caption_text:  # setting a title repaints the whole map: only when it changes
            self._caption_text = caption
            self.border_title = None if caption is None else Text(caption)

    def watch_timeline(self, old: Timeline, new: Timeline) -> None:
        scene = self._scene
        if scene is not None and scene.scenario is old.scenario and only_appended(old.scenario, new.scenario):
            # Events appended, nothing else changed: the towns, labels and layers drawn so far still hold.
            scene.scenario = new.scenario
            self._redraw()
            return
        if old is not new:  # a reloaded scenario: new towns, labels and colours, every row again
            self._styles.clear()
            self._blank_plain.clear()
            self._kept.clear()
            self._redraw(full=True)

    def on_resize(self) -> None:
        if self._drawn_size != self.size:  # the first frame may have drawn at this size already
            self._redraw(full=True)

    def restyle(self) -> None:
        self._styles.clear()
        self._blank_plain.clear()
        self._kept.clear()
        self._redraw(full=True)

    def prepare(self, situation: Situation) -> None:
        """Draw `situation` at the current view and size without showing it, so that showing it later is quick.

        The scene keeps what it drew (layers, labels) and the rows' strips are
        kept by content, so the step's first showing finds them ready.
        """
        frame = self._draw(situation)
        if frame is not None:
            for y, row in enumerate(frame.grid):
                self._kept_strip(row, frame.shade[y] if frame.shade is not None else None, self.size.width)

    def _draw(self, situation: Situation) -> Frame | None:
        """The frame for `situation` at this view, size and options; None when there is nothing to draw."""
        width, height = self.size
        if width < 1 or height < 1:
            return None
        state = self.state
        view, shown = self.view, ALL_CONTEXT.difference(state.hidden)
        frame = self.scene.draw(
            situation,
            view,
            width,
            height,
            marks=self.marks,
            areas=state.areas,
            fills=self.fills,
            selected=state.selected,
            marked=self._marked(),
            context=shown,
            defer_context=getattr(self.app, "defer_context", False),
        )
        if frame.context_pending:
            self._make_context(view, width, height, shown)
        return frame

    def _make_context(self, view: View, width: int, height: int, shown: frozenset[str]) -> None:
        """Make a view's context layers in a thread, then draw again with them (once per view, size and layers)."""
        scene = self.scene
        key = (view, width, height, shown)
        if key in self._context_asked:
            return
        self._context_asked.add(key)

        def make() -> None:
            context = scene.make_context(*key)
            self.app.call_from_thread(arrived, context)

        def arrived(context: ContextLayer) -> None:
            if scene is self._scene:
                scene.add_context(*key, context)
                self._redraw()

        # After the frame being drawn is on screen: the thread would hold the interpreter while it paints.
        self.call_after_refresh(lambda: self.run_worker(make, thread=True, group="context", exit_on_error=False))

    @property
    def fills(self) -> bool:
        """Whether areas are drawn as fill patterns: a faint tint does not survive NO_COLOR, --ascii or a 16/256-colour palette."""
        return fills_areas(self.marks, self.app.console.color_system, headless=self.app.is_headless)

    def _redraw(self, full: bool = False, *, refresh: bool = True) -> None:
        timeline = self.timeline
        frame = self._draw(timeline.state_at(self.shown_step))
        if frame is None:
            return
        width = self.size.width
        old_rows, old_shade = self._rows, self._shade
        self._frame, self._rows, self._shade = frame, frame.grid, frame.shade
        self._drawn_size = self.size
        if full or len(old_rows) != len(frame.grid) or (old_shade is None) != (frame.shade is None):
            self._strips.clear()
            if refresh:
                self.refresh()
            return
        changed = [
            Region(0, y, width, 1)
            for y, row in enumerate(frame.grid)
            if row != old_rows[y]
            or (frame.shade is not None and old_shade is not None and frame.shade[y] != old_shade[y])
        ]
        for region in changed:
            self._strips.pop(region.y, None)
        if changed:
            self.refresh(*changed)  # one call: each one costs a walk to the screen

    # -- Line API ---------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """The map's lines, through the app's line filters, filtered once per kept strip (a plain box only).

        Textual's styles cache wraps every line it renders in a new Strip
        and runs the app's filters (ANSI to truecolor) on it, so a strip kept
        from an earlier frame is filtered again each time it comes back: at
        20,000 towns, 47 rows of ~60 segments, 5-7 ms of a jump to the start
        or the end. A strip caches what a filter made of it (`Strip.apply_filter`),
        so the map applies the filters to its own strips. This is what the
        styles cache gives only for a plain box (no border, padding, outline,
        hatch, tint or opacity: a line is then the content line, filtered,
        cropped); anything else (the split view's border) goes through it.
        """
        if not self._plain_box():
            return super().render_lines(crop)
        filters = self.get_line_filters()
        background = self.background_colors[1]
        strips: list[Strip] = []
        for y in crop.line_range:
            strip = self.render_line(y)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, self.size.width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _plain_box(self) -> bool:
        """Whether Textual's styles cache would draw each line as the content line alone (see `render_lines`)."""
        styles = self.styles
        return (
            not self.BLANK
            and not any(styles.gutter)
            and not any(edge for edge, _ in styles.outline)
            and not styles.tint.a
            and self.opacity == 1.0
            and styles.text_opacity == 1.0
            and (not styles.has_rule("hatch") or styles.hatch == "none")
        )

    def render_line(self, y: int) -> Strip:
        size = self.size
        if self._drawn_size != size:
            # Textual lays the map out and paints it before the Resize event
            # arrives: drawing here makes that first paint the real map, not a
            # blank one followed by a second full frame.
            self._redraw(full=True, refresh=False)
        strip = self._strips.get(y)
        if strip is None:
            strip = self._strip(y, size.width)
            self._strips[y] = strip
        return strip

    def _strip(self, y: int, width: int) -> Strip:
        if y >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        return self._kept_strip(self._rows[y], self._shade[y] if self._shade is not None else None, width)

    def _kept_strip(self, row: list[Cell], shade: list[str | None] | None, width: int) -> Strip:
        # Rows come back: jumping to the end and back, stepping back and forth,
        # areas off and on. The strips of the last few frames' rows are kept by
        # content (a strip is a function of its row, shading and width), which
        # also spares Textual the garbage of new Strip objects.
        # Keyed by the key's hash, so that a row of 200 cells is hashed once, not at each of the cache's
        # lookups (a tuple does not keep its hash); the key itself is kept to tell a collision from a hit.
        key = (width, tuple(row), None if shade is None else tuple(shade))
        digest = hash(key)
        kept = self._kept
        found = kept.get(digest)
        if found is not None and found[0] == key:
            return found[1]
        kept.maxsize = KEPT_FRAMES * max(1, len(self._rows))  # a few frames of rows at the current height
        strip = self._new_strip(row, shade, width)
        kept.set(digest, (key, strip))  # (a collision keeps the first: this row is simply not kept)
        return strip

    def _new_strip(self, row: list[Cell], shade: list[str | None] | None, width: int) -> Strip:
        segments: list[Segment] = []
        style = self._style
        if shade is None:
            # Runs of one style become one segment (a plain loop: this is per row, per
            # step). A blank looks the same in any style that is only a colour and
            # weight, so such blanks join the run they follow: a dense map has a
            # third fewer segments for Textual to filter, crop and write.
            # `tuple.__new__` makes the same Segment as `Segment(text, style)`
            # in half the time, and a dense row has dozens of them.
            plain = self._blank_plain.get
            blank_is_plain = self._blank_is_plain
            styles = self._styles
            append = segments.append
            chars: list[str] = []
            current = row[0][1] if row else None
            for char, key in row:
                if key != current:
                    if (
                        char == " "
                        and (plain(key) or blank_is_plain(key))
                        and (plain(current) or blank_is_plain(current))
                    ):
                        chars.append(char)
                        continue
                    run_style = styles.get((current, None)) or style(current, None)
                    append(_new_segment(Segment, ("".join(chars), run_style, None)))
                    chars = [char]
                    current = key
                else:
                    chars.append(char)
            if chars:
                append(Segment("".join(chars), style(current, None)))
        else:
            for (style_key, holder), group in groupby(zip(row, shade), key=lambda item: (item[0][1], item[1])):
                segments.append(Segment("".join(cell[0] for cell, _ in group), style(style_key, holder)))
        return Strip(segments, width)

    def _blank_is_plain(self, key: str | None) -> bool:
        """Whether a blank in this style looks like any other blank (asked before the style may exist)."""
        if key not in self._blank_plain:
            self._style(key, None)  # records it
        return self._blank_plain[key]

    def _style(self, key: str | None, shade: str | None) -> Style:
        cache_key = (key, shade)
        style = self._styles.get(cache_key)
        if style is None:
            style = self._make_style(key)
            if shade is not None and not style.reverse:  # a reversed mark keeps the map's ground behind it
                holder, _, new = shade.partition(":")  # "<holder>:new": land that changed hands at this step
                color = self.look.holders[holder].color
                dark = self.app.current_theme.dark
                amount = (0.45 if dark else 0.4) if new else (0.22 if dark else 0.18)
                style += Style(bgcolor=_dim(color, amount, dark))
            style = self._legible(style)
            self._styles[cache_key] = style
            if shade is None:
                self._blank_plain[key] = not (style.underline or style.reverse or style.strike)
        return style

    def _legible(self, style: Style) -> Style:
        """`style` with its colour moved (hue kept) to the theme's contrast target against what is behind it.

        Whatever drew it (a town over its holder's tint, a front over the land
        that changed hands, an old flow over shading), the glyph must read.
        """
        if style.color is None or style.bgcolor is None or style.reverse:
            return style
        theme = self.app.current_theme
        ink = style.color.get_truecolor().hex
        ground = style.bgcolor.get_truecolor().hex
        better = legible(ink, [ground], ground_of(theme).target)
        return style if better == ink else style + Style(color=better)

    def _make_style(self, key: str | None) -> Style:
        theme = self.app.current_theme
        background = self.rich_style.bgcolor
        base = base_colors(theme, background.get_truecolor().hex if background else None)
        if key is None:
            return Style(bgcolor=background)
        if key.startswith("town:"):
            _, kind, holder, *hot = key.split(":")
            color = self.look.holders[holder].color
            style = Style(color=color, bold=kind in ("city", "region") or bool(hot), bgcolor=background)
            if self.marks and kind == "city":
                style += Style(underline=True)
            if hot:
                style += Style(reverse=True)
            return style
        if key.startswith(("area:", "mark:")):
            # A fill pattern (bold where land changed hands) or a control state's mark (the other party's colour):
            # never dim, which would take the holder's colour below the theme's contrast target.
            kind, holder, *new = key.split(":")
            return Style(color=self.look.holders[holder].color, bold=kind == "mark" or bool(new), bgcolor=background)
        if key in CONTEXT_LOOKS:
            role, look = CONTEXT_LOOKS[key]
            return Style.parse(look) + Style(color=base[role], bgcolor=background)
        if key == "label-hot":
            return Style(color=base["label"], bold=True, underline=True, bgcolor=background)
        if key == "flow":
            return Style(color=base["flow"], bold=True, bgcolor=background)
        if key == "place":
            return Style(color=base["place"], bold=True, blink=False, bgcolor=background)
        # Old flows are quieter by their colour alone: dimmed as well, they fell below 4.5:1 (2.7:1 dark).
        return Style(color=base.get(key, base["label"]), bgcolor=background)

    # -- mouse --------------------------------------------------------------------

    def town_at(self, x: int, y: int) -> str | None:
        if self._frame is None:
            return None
        cells = self._frame.town_cells
        for dx, dy in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)):
            town = cells.get((x + dx, y + dy))
            if town:
                return town
        return None

    def on_click(self, event: events.Click) -> None:
        town = self.town_at(event.x, event.y)
        if town is not None:
            self.post_message(TownSelected(town))

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._zoom_at(1.25, event.x, event.y)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._zoom_at(1 / 1.25, event.x, event.y)

    def _zoom_at(self, factor: float, x: int, y: int) -> None:
        self.post_message(ZoomRequested(factor, self._latlon(x, y)))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._drag = (event.x, event.y, self.state)
        self.capture_mouse()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._drag = None
        self.release_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag is None or not event.button:
            return
        x0, y0, state = self._drag
        width, height = self.size
        if width and height and (event.x, event.y) != (x0, y0):
            self._ask(camera.pan(state, self.scene.home, -(event.x - x0) / width, (event.y - y0) / height))

    def _ask(self, wanted: BoardState) -> None:
        """Ask the board for the view of `wanted` (the state is the board's: it sets it, and this redraws)."""
        if (wanted.center, wanted.zoom) != (self.state.center, self.state.zoom):
            self.post_message(ViewChanged(wanted.center, wanted.zoom))

    def _latlon(self, x: int, y: int) -> tuple[float, float] | None:
        return self._frame.projection.unproject(x + 0.5, y + 0.5) if self._frame else None


def base_colors(theme: Theme, background: str | None = None) -> dict[str, str]:
    """The map's own colours (coast, borders, fronts, flows, labels) in `theme`, legible on `background`.

    (The legend draws its front sample with these too: one colour for one thing.)
    """
    base = dict(BASE["dark" if theme.dark else "light"])
    if theme.name == HIGH_CONTRAST_NAME:
        base.update(CONTRAST)
    ground = ground_of(theme)
    behind = [background or ground.backgrounds[0]]
    return {role: legible(color, behind, ground.target) for role, color in base.items()}  # see `app.contrast`


def _dim(color: str, amount: float, dark: bool) -> str:
    """A faint tint of a faction colour, for area shading behind the map."""
    from rich.color import Color

    r, g, b = Color.parse(color).get_truecolor()
    base = 0 if dark else 255
    mix = [round(base + (c - base) * amount) for c in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)
