"""The map for one step, as a grid of styled cells, computed without a terminal.

Layers, bottom to top: the context's rivers and lake shores, the basemap
(coast solid, borders dashed) and the scenario's overlay lines, drawn once per
view and size; then, per step, flows, town glyphs with the marks of their
control state, the event's place (a pin, or a ring for an approximate one),
areas of control (fill patterns and fronts, on blank cells), the scale bar,
and the labels: flow sizes on their arrows, towns' names, then the context's
names and populated places where room is left. The widget only turns rows of
cells into strips, so everything a briefer sees on the map is decided and
tested here.

Style keys are plain strings the widget maps to colours:
`coast`, `border`, `line:<kind>`, `flow`, `flow-old`, `place`, `label`,
`label-hot`, `scale`, and `town:<kind>:<holder>` with `:hot` appended for a
town that changed hands, is the event's place, or is selected;
`mark:<faction>` for a control state's mark (the other party's colour);
`ctx-country`, `ctx-water` and `ctx-place` for context names and places. With
areas on: `front` (a front derived from the areas), and, on boards that show
areas by a fill pattern rather than a tint, `area:<holder>` with `:new`
appended for land that changed hands at this step. A frame's `shade` gives
per cell the holder whose area it is in (`<holder>:new` where it changed
hands at this step).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterable
from functools import partial
from itertools import pairwise, zip_longest
from typing import TYPE_CHECKING, NamedTuple

from sitboard.geo.basemap import Basemap
from sitboard.geo.camera import home_view
from sitboard.geo.canvas import (
    AsciiCanvas,
    BrailleCanvas,
    Cell,
    Grid,
    Marks,
    arrow,
    new_canvas,
    overlay,
    put,
    text_cells,
)
from sitboard.geo.density import KEY, Density, crowded
from sitboard.geo.earlier_flows import EarlierFlows, Flows, Pair
from sitboard.geo.labels import LabelLayout, LabelRequest, PlacedLabel
from sitboard.geo.projection import Projection, View, scale_bar
from sitboard.geo.symbols import marks_of
from sitboard.geo.territory import (
    FRONT_GLYPHS,
    FRONT_GLYPHS_ASCII,
    Territory,
    fill_pattern,
)
from sitboard.geo.text import cell_width, display
from sitboard.scenario.model import UNKNOWN, Scenario
from sitboard.scenario.palette import holders as scenario_holders
from sitboard.state import CONTEXT_LAYERS

if TYPE_CHECKING:  # the context's data and code are loaded with the first view's context, not at start-up
    from sitboard.geo.context_layer import ContextLayer
from sitboard.timeline import ControlChange, Situation, figure

PRIORITY = {
    "line:front": 9,
    "flow": 8,
    "flow-old": 5,
    "border": 4,
    "line:border": 4,
    "line:road": 3,
    "line:river": 3,
    "line:other": 3,
    "coast": 2,
}
KIND_GLYPH = {"city": "■", "town": "●", "village": "•", "region": "◆"}
KIND_GLYPH_ASCII = {"city": "#", "town": "o", "village": ".", "region": "@"}
KEPT_COUNTS = 4  # steps whose density counts a view keeps (`MapScene._count`)
MAX_OLD_FLOWS = 120  # earlier flows drawn (dimmed); all of them count in totals and exports
KIND_WEIGHT = {"city": 4.0, "region": 3.0, "town": 2.0, "village": 1.0}
PLACE_GLYPH, PLACE_GLYPH_ASCII = "✱", "*"
AREA_MARK, AREA_MARK_ASCII = "∘", "*"  # the ring around an approximate place
APPROXIMATE_KM = {"near": 5.0, "district": 25.0, "province": 75.0}  # the ring's radius by precision
ALL_CONTEXT = frozenset(CONTEXT_LAYERS)
PLACE_DOT, PLACE_DOT_ASCII = "·", "."  # a populated place of the context
# The style of a context name by its key's prefix.
CONTEXT_STYLE = {
    "country": "ctx-country",
    "sea": "ctx-water",
    "lake": "ctx-water",
    "river": "ctx-water",
    "place": "ctx-place",
}
BORDER_DASH, BORDER_GAP = 1.5, 1.0  # in cell widths
FRONT_CELLS = {edges: (char, "front") for edges, char in FRONT_GLYPHS.items()}
FRONT_CELLS_ASCII = {edges: (char, "front") for edges, char in FRONT_GLYPHS_ASCII.items()}


class Frame(NamedTuple):
    """What the widget draws: cells, optional area shading, and the projection used."""

    grid: Grid
    shade: list[list[str | None]] | None
    projection: Projection
    town_cells: dict[tuple[int, int], str]  # cell -> town id, for clicks (shared by the frames of a view)
    density: bool = False  # towns drawn as counts per cell (`density.py`): more towns than cells
    labels: tuple[PlacedLabel, ...] = ()  # every label drawn: towns' (keyed by id) and flows' ("flow:<from>:<to>")
    context_pending: bool = False  # drawn without its context layers, which are still being made


class _FlowLabel(NamedTuple):
    """A flow's size and the spots on its arrow where it may go (first cells of the label, best first)."""

    key: str
    text: str
    spots: list[tuple[int, int]]


class _Towns(NamedTuple):
    """Where the towns of one view and size sit; computed once for it."""

    listed: list[tuple[int, int, int]]  # (town index, col, row) of every town on the grid, in scenario order
    cells: dict[tuple[int, int], str]  # cell -> id of the town drawn there: the last listed of those sharing it
    rows: list[tuple[int, list[tuple[int, int, str]]]]  # (row, [(col, town index, kind)]) of the towns drawn
    drawn: dict[str, tuple[int, int, int, str]]  # town id -> (town index, col, row, kind), towns drawn only


class _TownLooks(dict[tuple[str, str], Cell]):
    """(kind, holder) -> a town's cell, made on first use: a step builds no style strings."""

    def __init__(self, char: Callable[[str, str], str], suffix: str) -> None:
        super().__init__()
        self._char, self._suffix = char, suffix

    def __missing__(self, key: tuple[str, str]) -> Cell:
        kind, holder = key
        cell = self[key] = (self._char(kind, holder), f"town:{kind}:{holder}{self._suffix}")
        return cell


class _DensityLooks(dict[tuple[str, str], Cell]):
    """(count's character, holder) -> its cell, made on first use."""

    def __missing__(self, key: tuple[str, str]) -> Cell:
        cell = self[key] = (key[0], f"town:town:{key[1]}")
        return cell


class _Layers:
    """What one view at one size draws the same at every step: made once, the first time a step needs each part."""

    def __init__(self, projection: Projection, shown: frozenset[str]) -> None:
        self.projection = projection
        self.shown = shown  # context layers
        self.context: ContextLayer | None = None
        self.static: BrailleCanvas | AsciiCanvas | None = None  # basemap and the scenario's lines
        self.towns: _Towns | None = None
        self.furniture: tuple[list[tuple[int, int, str]], list[tuple[int, int]]] | None = None
        self.labels: tuple[LabelLayout, dict[str, int]] | None = None
        self.earlier: EarlierFlows | None = None  # the static layer with earlier flows, by their pairs
        # Each earlier flow's marks by its pair, for `earlier`: kept when the static layer is drawn again.
        self.arrows: dict[Pair, Marks] = {}
        self.territory: Territory | None = None
        # One step's areas: (holders, changed towns) -> (shade rows, fill cells, front cells).
        self.areas: tuple[tuple[object, ...], _Areas] | None = None
        self.density: Density | None = None  # made when the view is crowded (see `dense`)
        # (scenario, step, its changes) of the situation `density` counted last: the next step's moves
        self.density_step: tuple[Scenario, int, tuple[ControlChange, ...]] | None = None
        # step -> `density`'s snapshot and the step's changes, for the last few steps jumped to
        # (of `density_step`'s scenario)
        self.density_kept: dict[int, tuple[list[str], tuple[ControlChange, ...]]] = {}
        # the base layer of `earlier` (by its earlier flows) with `density`'s cells drawn on it, kept in step
        self.dense_grid: tuple[Flows, Grid] | None = None
        self.dense: bool | None = None  # None: not yet decided


class _Areas(NamedTuple):
    """What a step's areas of control put on the map, once per set of holders and changes."""

    shade: list[list[str | None]]
    fills: list[tuple[int, int, Cell]]  # (row, col, cell) to write where the grid is blank
    fronts: list[tuple[int, int, Cell]]


class MapScene:
    """Draws a scenario's map; keeps what does not change between steps, per view and size.

    A step draws, on a copy of the view's static layer and earlier flows,
    this step's flows, the towns, the event's place, the scale bar and north
    arrow, and the labels (the view's, with this step's hot ones placed first).
    """

    KEPT_VIEWS = 2  # a briefer goes back and forth between two (presentation mode and back)

    def __init__(self, scenario: Scenario, *, ascii_only: bool = False, basemap: Basemap | None = None) -> None:
        self.scenario = scenario
        self.ascii_only = ascii_only
        self._basemap = basemap
        self.home = home_view(scenario)
        self._views: dict[tuple[View, int, int, frozenset[str]], _Layers] = {}  # oldest used first
        self._names = [display(t.name, ascii=ascii_only) for t in scenario.towns]
        self._deferring = False
        self._context_lock = threading.Lock()
        self._scenario_fronts = any(line.kind == "front" for line in scenario.map.lines)
        # Town glyphs by (kind, holder), normal and hot, with and without faction marks.
        glyphs = KIND_GLYPH_ASCII if ascii_only else KIND_GLYPH
        looks = {f.id: f.mark for f in scenario.factions}

        def mark(kind: str, holder: str) -> str:
            return looks.get(holder, "~" if holder == "contested" else "?")

        def glyph(kind: str, holder: str) -> str:
            return glyphs.get(kind, "o")

        self._town_looks = {
            marks: (_TownLooks(char, ""), _TownLooks(char, ":hot")) for marks, char in ((True, mark), (False, glyph))
        }
        self._density_looks = _DensityLooks()
        # (text, style) -> its cells and whether one is wide: labels are written at every step.
        self._texts: dict[tuple[str, str], tuple[tuple[Cell, ...], bool]] = {}

    @property
    def basemap(self) -> Basemap:
        if self._basemap is None:
            self._basemap = Basemap.load()
        return self._basemap

    def _layers(self, view: View, cols: int, rows: int, shown: frozenset[str]) -> _Layers:
        key = (view, cols, rows, shown)
        views = self._views
        layers = views.pop(key, None)
        if layers is None:
            layers = _Layers(Projection(view, cols, rows), shown)
            if len(views) >= self.KEPT_VIEWS:
                views.pop(next(iter(views)))
        views[key] = layers  # the most recently used last
        return layers

    # -- the frame for one step --------------------------------------------------

    def draw(
        self,
        state: Situation,
        view: View,
        cols: int,
        rows: int,
        *,
        marks: bool = False,
        areas: bool = False,
        fills: bool = False,
        selected: str | None = None,
        marked: Collection[str] | None = None,
        context: Iterable[str] = ALL_CONTEXT,
        defer_context: bool = False,
    ) -> Frame:
        """The map of `state` at `view`; towns that changed at the step, and the event's town, are marked (hot).

        `marked` replaces those with a set of its own: the split view marks the
        towns that changed between its two steps, the same on both halves.
        `fills` draws areas as patterns (boards that cannot show a tint).
        `context` names the context layers shown (`sitboard.geo.context_layer.LAYERS`: all by default).
        With `defer_context` a view whose context is not made yet is drawn
        without it (the frame says `context_pending`): the caller makes it
        elsewhere (`make_context`, a thread) and hands it back (`add_context`).
        Made in line, the first context costs 40-180 ms (the file's tables
        are read then): too much for the board's first frame or a zoom.
        """
        layers = self._layers(view, cols, rows, frozenset(context) & ALL_CONTEXT)
        self._deferring = defer_context
        projection = layers.projection
        now, earlier, older_not_drawn = _flow_pairs(state)
        visible = self._visible_towns(layers)
        dense = self._density(layers, visible)
        if dense is None:
            grid = self._base_grid(layers, earlier)
            size_labels = self._draw_flows(grid, projection, state, now)
        else:
            grid, size_labels = self._dense_base(layers, earlier, dense, state, now)
        hot = {c.town for c in state.changed} if marked is None else set(marked)
        place = state.event.at if state.event else None
        if place is not None and place.town and marked is None:
            hot.add(place.town)
        if selected:
            hot.add(selected)
        if dense is None:
            self._draw_towns(grid, visible, state.holders, hot, marks)
        else:
            self._draw_hot_over_density(grid, visible, state.holders, hot, marks)
        town_marks = self._draw_marks(grid, visible, state)
        precision = state.event.precision if state.event else "exact"
        if place is not None and place.town is None and precision == "exact":
            c = projection.cell(place.lat, place.lon)
            if c is not None:
                put(grid, c[0], c[1], PLACE_GLYPH_ASCII if self.ascii_only else PLACE_GLYPH, "place")
        shade = self._draw_areas(grid, layers, state, fills) if areas else None
        if place is not None and precision in APPROXIMATE_KM:
            self._draw_approximate(grid, projection, place.lat, place.lon, APPROXIMATE_KM[precision])
        wide, blocked = self._draw_furniture(grid, layers, older_not_drawn)
        if dense is not None and len(KEY) + 6 <= projection.cols:  # the key, top left, clear of the north arrow
            wide |= self._write(grid, 1, 0, KEY, "scale")
            blocked = [*blocked, *((c, 0) for c in range(1, 1 + len(KEY)))]
        labels = self._draw_labels(grid, layers, blocked, size_labels, hot, selected, wide, town_marks, areas)
        pending = bool(layers.shown) and layers.context is None
        return Frame(
            grid,
            shade,
            projection,
            visible.cells,
            density=dense is not None,
            labels=tuple(labels),
            context_pending=pending,
        )

    def _draw_flows(
        self, grid: Grid, projection: Projection, state: Situation, now: list[tuple[str, str]]
    ) -> list[_FlowLabel]:
        """This step's flows as arrows; the sizes of those with one, to place on their arrows first."""
        towns, index, project = self.scenario.towns, self.scenario.town_index, projection.project
        cols, rows = projection.cols, projection.rows
        for pair in now:
            arrow(grid, *self._flow_line(projection, pair), "flow", self.ascii_only)
        size_labels: list[_FlowLabel] = []
        for f in state.step_flows:
            if f.people is not None or f.estimate:
                # One figure, however many destinations share it: one label, on one of its
                # arrows (the spots of each, middle first, taken in turn), so it reads for them all.
                a = towns[index[f.origin]]
                x0, y0 = project(a.lat, a.lon)
                text = figure(f.people) if f.people is not None else display(f.estimate or "", ascii=self.ascii_only)
                width = cell_width(text)
                lines = []
                for d in f.destinations:
                    b = towns[index[d]]
                    x1, y1 = _short_of(x0, y0, *project(b.lat, b.lon))
                    lines.append(_along(x0, y0, x1, y1, width, cols, rows))
                spots = [spot for turn in zip_longest(*lines) for spot in turn if spot is not None]
                key = f"flow:{f.origin}:{'+'.join(f.destinations)}"
                size_labels.append(_FlowLabel(key, text, spots))
        return size_labels

    def _draw_towns(self, grid: Grid, visible: _Towns, holders: tuple[str, ...], hot: set[str], marks: bool) -> None:
        """Each town's glyph, then the hot ones again: only the town drawn in a cell counts.

        Direct writes (not `put`): below the labels the grid holds only
        single-width line cells, so there is no wide character to split.
        """
        normal, hot_looks = self._town_looks[bool(marks)]
        for row, spots in visible.rows:
            cells = grid[row]
            for col, i, kind in spots:
                cells[col] = normal[kind, holders[i]]
        for town_id in hot:
            spot = visible.drawn.get(town_id)
            if spot is not None:
                i, col, row, kind = spot
                grid[row][col] = hot_looks[kind, holders[i]]

    def _draw_approximate(self, grid: Grid, projection: Projection, lat: float, lon: float, km: float) -> None:
        """An approximate place as a ring of place marks as wide as its precision, not a pin.

        Over blank cells and area fills only, under the labels; at least two
        cells across, so that a precise-looking point never stands for a province.
        """
        x, y = projection.project(lat, lon)
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        radius = max(2.0, km / projection.km_per_col())  # in cell widths
        cell = (AREA_MARK_ASCII if self.ascii_only else AREA_MARK, "place")
        rows, cols = len(grid), len(grid[0]) if grid else 0
        steps = max(12, int(radius * 4))
        for k in range(steps):
            angle = 2 * math.pi * k / steps
            c = int(x + radius * math.cos(angle))
            r = int(y + radius * math.sin(angle) / projection.cell_aspect)
            if 0 <= r < rows and 0 <= c < cols and (k % 2 == 0 or radius < 4):
                under = grid[r][c]
                if under[0] == " " or (under[1] or "").startswith("area:"):
                    grid[r][c] = cell

    def _draw_marks(self, grid: Grid, visible: _Towns, state: Situation) -> dict[str, tuple[int, int]]:
        """The marks of towns in a control state beyond one holder; per town, whether a left and a right mark went in.

        A mark never covers another town's glyph: that side is then left out.
        """
        states = state.controls.states
        if not states:
            return {}
        towns = self.scenario.towns
        cols = len(grid[0]) if grid else 0
        marked: dict[str, tuple[int, int]] = {}
        for i, control in states.items():
            spot = visible.drawn.get(towns[i].id)
            if spot is None:
                continue
            _, col, row, _ = spot
            left, right = marks_of(control, ascii_only=self.ascii_only)
            sides = [0, 0]
            for side, (cell, c) in enumerate(((left, col - 1), (right, col + 1))):
                if cell is not None and 0 <= c < cols and not (grid[row][c][1] or "").startswith("town:"):
                    grid[row][c] = cell
                    sides[side] = 1
            if sides != [0, 0]:
                marked[towns[i].id] = (sides[0], sides[1])
        return marked

    def _density(self, layers: _Layers, visible: _Towns) -> Density | None:
        """The view's per-cell counts if it has more towns than cells, else None (decided once per view and size)."""
        if layers.dense is None:
            projection = layers.projection
            layers.dense = crowded(len(visible.listed), projection.cols, projection.rows)
            if layers.dense:
                layers.density = Density(visible.listed, [f.id for f in self.scenario.factions])
        return layers.density

    def _dense_base(
        self,
        layers: _Layers,
        earlier: list[tuple[str, str]],
        dense: Density,
        state: Situation,
        now: list[tuple[str, str]],
    ) -> tuple[Grid, list[_FlowLabel]]:
        """The base layer, this step's flows, and each occupied cell's count in its majority holder's colour over them.

        The base with the counts on it is kept from step to step: a step
        rewrites the cells whose count or majority changed (a few), not the
        thousands occupied, unless the earlier flows changed under them.
        """
        key = tuple(earlier)
        touched = self._count(layers, dense, state)
        kept, flows = layers.dense_grid, self._earlier_flows(layers)
        if kept is not None and kept[0] == key:
            rows = kept[1]
            self._paint_density(rows, dense, touched)
        elif kept is not None and flows.near(kept[0], key):
            # The cells the earlier flows changed take the new base layer's, and their counts again.
            rows, base, cols = kept[1], flows.grid(key), layers.projection.cols
            again = [divmod(index, cols) for index in flows.changed(kept[0], key)]
            for row, col in again:
                rows[row][col] = base[row][col]
            if touched is not None:
                touched = touched | {spot for row, col in again if dense.holds(spot := (col, row))}
            self._paint_density(rows, dense, touched)
            layers.dense_grid = (key, rows)
        else:
            rows = self._base_grid(layers, earlier)
            self._paint_density(rows, dense, None)
            layers.dense_grid = (key, rows)
        grid = [row[:] for row in rows]
        size_labels = self._draw_flows(grid, layers.projection, state, now)
        if now:  # the counts go over this step's arrows, as over everything below them
            occupied = dense.columns_by_row()
            for r, (cells, drawn) in enumerate(zip(grid, rows)):
                if cells != drawn:
                    for col in occupied.get(r, ()):
                        cells[col] = drawn[col]
        return grid, size_labels

    def _count(self, layers: _Layers, dense: Density, state: Situation) -> set[tuple[int, int]] | None:
        """Bring the density to `state`'s holders; the cells that may have changed (None: any of them).

        A step either way changes the towns of one step's changes (this one's,
        or going back, the last one's): handing those over spares comparing
        every holder (1.3 ms at 20,000 towns). A jump recounts every cell
        (8-12 ms; without comparing over more steps than towns), and the counts of the last few steps jumped to are kept: a
        briefer goes from the start to the end and back. A step next to one
        of those starts from its counts (the board draws its first step, then
        the last one unseen, then a briefer steps on from the first).
        """
        last = layers.density_step
        layers.density_step = (state.scenario, state.step, state.changed)
        kept = layers.density_kept
        moved: list[int] | None = None
        far = False
        if last is None or last[0] is not state.scenario:
            kept.clear()  # another scenario's steps
        else:
            _, step, changed = last
            if abs(state.step - step) <= 1:
                changes = state.changed if state.step == step + 1 else changed if state.step == step - 1 else ()
                index = state.scenario.town_index
                moved = [index[c.town] for c in changes]
            elif state.step in kept:
                found = kept[state.step] = kept.pop(state.step)  # the most recently used last
                dense.restore(state.holders, found[0])
                return None
            elif state.step - 1 in kept or state.step + 1 in kept:
                # Next to a step counted before, after a draw elsewhere (the board's first step, once the
                # last one was drawn unseen): that step's counts, and the one step's changes between.
                near = state.step - 1 if state.step - 1 in kept else state.step + 1
                snapshot, near_changed = kept[near]
                changes = state.changed if near == state.step - 1 else near_changed
                index = state.scenario.town_index
                dense.step_from(snapshot, state.holders, [index[c.town] for c in changes])
                return None  # the map's cells are another step's: all of them again
            else:  # over more steps than towns, most towns will have changed hands: no use comparing them
                far = abs(state.step - step) > len(state.holders)
        touched = dense.update(state.holders, moved, far=far)
        if touched is None:  # counted afresh: kept for coming back
            kept[state.step] = (dense.snapshot(), state.changed)
            while len(kept) > KEPT_COUNTS:
                del kept[next(iter(kept))]
        return touched

    def _paint_density(self, rows: Grid, dense: Density, touched: set[tuple[int, int]] | None) -> None:
        """Write the density's cells onto `rows`: those `touched`, or (None) every occupied cell.

        Every cell is written row by row with C loops (`map` over the row's
        `__setitem__`): a jump changes most of 5,000 cells, and a Python loop
        over them cost 2 ms.
        """
        cells = self._density_looks
        if touched is None:
            looks = list(map(cells.__getitem__, dense.looks_by_number()))
            for row, cols, first, stop in dense.rows:
                deque(map(rows[row].__setitem__, cols, looks[first:stop]), maxlen=0)
        else:
            for col, row in touched:
                rows[row][col] = cells[dense.look((col, row))]

    def _draw_hot_over_density(
        self, grid: Grid, visible: _Towns, holders: tuple[str, ...], hot: set[str], marks: bool
    ) -> None:
        """The hot towns' own glyphs over their cells' counts."""
        hot_looks = self._town_looks[bool(marks)][1]
        for town_id in hot:
            spot = visible.drawn.get(town_id)
            if spot is not None:
                i, col, row, kind = spot
                grid[row][col] = hot_looks[kind, holders[i]]

    def _draw_furniture(self, grid: Grid, layers: _Layers, older_not_drawn: bool) -> tuple[bool, list[tuple[int, int]]]:
        """The scale bar and north arrow (bottom-left, top-right), and a note when older flows are left out.

        Text from here on is written by `_write`, which is `overlay` as long as
        no wide character is on the grid: none is below the labels. Returns
        whether a wide one was written, and the cells labels must keep off.
        """
        writes, blocked = self._furniture_of(layers)
        blocked = list(blocked)
        wide = False
        for col, row, text in writes:
            wide |= self._write(grid, col, row, text, "scale")
        cols, rows = layers.projection.cols, layers.projection.rows
        if older_not_drawn and rows >= 3:
            note = "older flows not drawn"
            start = cols - len(note) - 1
            if start > cols // 2:
                wide |= self._write(grid, start, rows - 1, note, "scale")
                blocked += [(c, rows - 1) for c in range(start, cols)]
        return wide, blocked

    def _draw_labels(
        self,
        grid: Grid,
        layers: _Layers,
        blocked: list[tuple[int, int]],
        size_labels: list[_FlowLabel],
        hot: set[str],
        selected: str | None,
        wide: bool,
        marked: dict[str, tuple[int, int]],
        areas: bool,
    ) -> list[PlacedLabel]:
        """Flow sizes on their arrows, then every town's label as placed once per view, this step's hot ones first.

        A flow's size goes on a cell of its own arrow, near no town (else it
        would read as the town's: "thousands■ Hama"), or is not shown; town
        labels keep off it. Returns every label placed.
        """
        ellipsis = "." if self.ascii_only else "…"
        layout, order = self._base_labels(layers, blocked, ellipsis)
        on_arrows: list[PlacedLabel] = []
        if size_labels:
            sheet = layout.tokens(blocked)
            for flow in size_labels:
                label = sheet.place(flow.key, flow.text, flow.spots)
                if label is not None:
                    on_arrows.append(label)
                    width = cell_width(label.text)
                    blocked = blocked + [(c, label.row) for c in range(label.col - 1, label.col + width + 1)]
        first: list[LabelRequest] = []
        for j in sorted(order[key] for key in hot | marked.keys() if key in order):
            request = layout.requests[j]
            bonus = (20.0 if request.key in hot else 0.0) + (10.0 if request.key == selected else 0.0)
            left, right = marked.get(request.key, (0, 0))
            first.append(
                LabelRequest(request.key, request.col, request.row, request.text, request.priority + bonus, left, right)
            )
        sheet = layout.sheet(first, blocked)
        placed = on_arrows + sheet.placed
        context = self._context(layers)
        for name in context.names:  # only on cells nothing is drawn in: a name never hides a flow or a line
            width = cell_width(name.text)
            free = sheet.free  # the cheap test first
            spots = (s for s in name.spots if free(s[0], s[1], width) and _bare(grid, s[0], s[1], width))
            label = sheet.place(name.key, name.text, spots)
            if label is not None:
                placed.append(label)
        dot = PLACE_DOT_ASCII if self.ascii_only else PLACE_DOT
        for place in context.places:  # last: the first thing dropped when the map is crowded
            cell = grid[place.row][place.col]
            if cell[0] == " " or (cell[1] or "").startswith("area:"):
                label = sheet.place_point(place.key, place.text, place.col, place.row)
                if label is not None:
                    grid[place.row][place.col] = (dot, "ctx-place")
                    placed.append(label)
        for label in placed:
            key = label.key
            if areas:
                _clear_gaps(grid, label.col, label.row, cell_width(label.text))
            style = (
                "label-hot"
                if key in hot or key.startswith("flow:")
                else CONTEXT_STYLE.get(key.partition(":")[0], "label")
            )
            if wide:
                overlay(grid, label.col, label.row, label.text, style)
            else:
                wide = self._write(grid, label.col, label.row, label.text, style)
        return placed

    def _write(self, grid: Grid, col: int, row: int, text: str, style: str) -> bool:
        """`overlay` on a grid holding no half of a wide character; True if the text has a wide one."""
        entry = self._texts.get((text, style))
        if entry is None:
            cells = text_cells(text, style)
            entry = self._texts[(text, style)] = (cells, any(char == "" for char, _ in cells))
        cells, wide = entry
        stop = col + len(cells)
        if 0 <= row < len(grid) and col >= 0 and stop <= len(grid[row]):
            grid[row][col:stop] = cells
        else:
            overlay(grid, col, row, text, style)
        return wide

    # -- what a view draws the same at every step ----------------------------------------

    def _static_canvas(self, layers: _Layers) -> BrailleCanvas | AsciiCanvas:
        if layers.static is None:
            projection = layers.projection
            canvas = new_canvas(projection.cols, projection.rows, ascii=self.ascii_only, priority=PRIORITY)
            e = projection.extent
            project_all = projection.project_all
            for points, style in self._context(layers).lines:
                canvas.polyline(points, style)
            for piece in self.basemap.lines_in(e.west, e.south, e.east, e.north):
                if piece.kind == "border":  # dashed: a border never reads as a coast, in any mode
                    for dash in _dashes(project_all(piece.points)):
                        canvas.polyline(dash, piece.kind)
                else:
                    canvas.polyline(project_all(piece.points), piece.kind)
            for line in self.scenario.map.lines:
                canvas.polyline(project_all(line.points), f"line:{line.kind}")
            layers.static = canvas
        return layers.static

    def _context(self, layers: _Layers) -> ContextLayer:
        if layers.context is None:
            if self._deferring:
                from sitboard.geo.context_layer import ContextLayer

                return ContextLayer.none()
            layers.context = self.make_context(
                layers.projection.view, layers.projection.cols, layers.projection.rows, layers.shown
            )
        return layers.context

    def make_context(self, view: View, cols: int, rows: int, shown: frozenset[str]) -> ContextLayer:
        """The context layers of a view (pure; safe in another thread: one is made at a time)."""
        from sitboard.geo.context import load_context
        from sitboard.geo.context_layer import ContextLayer

        with self._context_lock:
            towns = [(t.lat, t.lon) for t in self.scenario.towns]
            return ContextLayer(
                Projection(view, cols, rows), load_context(), towns, ascii_only=self.ascii_only, shown=shown
            )

    def add_context(self, view: View, cols: int, rows: int, shown: frozenset[str], context: ContextLayer) -> None:
        """A view's context, made elsewhere: the view's layers drawn without it are drawn again with it."""
        layers = self._views.get((view, cols, rows, shown))
        if layers is not None and layers.context is None:
            layers.context = context
            layers.static = None  # the rivers are drawn on the static layer
            layers.earlier = None
            layers.dense_grid = None  # drawn on the old bases

    def _base_grid(self, layers: _Layers, earlier: list[tuple[str, str]]) -> Grid:
        """The static layer with the earlier flows on it, as cells; a copy the step may draw on.

        Earlier flows change only when a step adds a new pair, so the layer is
        kept between steps: most steps copy rows, and the rest make it from a
        kept one (`EarlierFlows`), redrawing only the cells of arrows that came or went.
        """
        return [row[:] for row in self._earlier_flows(layers).grid(tuple(earlier))]

    def _earlier_flows(self, layers: _Layers) -> EarlierFlows:
        if layers.earlier is None:
            static, projection = self._static_canvas(layers), layers.projection
            layers.earlier = EarlierFlows(
                static, "flow-old", partial(self._flow_line, projection), layers.arrows, ascii=self.ascii_only
            )
        return layers.earlier

    def _flow_line(self, projection: Projection, pair: Pair) -> tuple[float, float, float, float]:
        """Where a flow's arrow runs, in cells: from its origin to just short of its destination."""
        towns, index = self.scenario.towns, self.scenario.town_index
        a, b = towns[index[pair[0]]], towns[index[pair[1]]]
        (x0, y0), (x1, y1) = projection.project(a.lat, a.lon), projection.project(b.lat, b.lon)
        x1, y1 = _short_of(x0, y0, x1, y1)
        return x0, y0, x1, y1

    def _visible_towns(self, layers: _Layers) -> _Towns:
        if layers.towns is None:
            towns, cell = self.scenario.towns, layers.projection.cell
            listed = [(i, *c) for i, t in enumerate(towns) if (c := cell(t.lat, t.lon)) is not None]
            # Towns sharing a cell: the last listed is drawn (and clicked), as if each were drawn in turn.
            last = {(col, row): i for i, col, row in listed}
            rows: dict[int, list[tuple[int, int, str]]] = {}
            drawn = {}
            for (col, row), i in last.items():
                rows.setdefault(row, []).append((col, i, towns[i].kind))
                drawn[towns[i].id] = (i, col, row, towns[i].kind)
            cells = {c: towns[i].id for c, i in last.items()}
            layers.towns = _Towns(listed, cells, list(rows.items()), drawn)
        return layers.towns

    def _base_labels(
        self, layers: _Layers, blocked: list[tuple[int, int]], ellipsis: str
    ) -> tuple[LabelLayout, dict[str, int]]:
        """Every visible town's label placed, and each town's place in the requests."""
        if layers.labels is None:
            towns = self.scenario.towns
            requests = []
            for i, col, row in self._visible_towns(layers).listed:
                t = towns[i]
                priority = KIND_WEIGHT.get(t.kind, 2.0) + (math.log10(t.population + 1) / 2 if t.population else 0.0)
                requests.append(LabelRequest(t.id, col, row, self._names[i], priority))
            projection = layers.projection
            layout = LabelLayout(requests, projection.cols, projection.rows, blocked, ellipsis=ellipsis)
            order = {request.key: j for j, request in enumerate(requests)}
            layers.labels = (layout, order)
        return layers.labels

    def _furniture_of(self, layers: _Layers) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
        """What the scale bar and north arrow write (col, row, text) and the cells they block."""
        if layers.furniture is not None:
            return layers.furniture
        projection = layers.projection
        cols, rows = projection.cols, projection.rows
        writes: list[tuple[int, int, str]] = []
        blocked: list[tuple[int, int]] = []
        if rows >= 3 and cols >= 16:
            length, label = scale_bar(projection, max(1, min(cols // 4, 30)))
            if length:
                bar = (
                    ("|" + "-" * max(0, length - 2) + "|")
                    if self.ascii_only
                    else ("├" + "─" * max(0, length - 2) + "┤")
                )
                text = f"{bar[:length]} {label}"
                writes.append((1, rows - 1, text))
                blocked += [(c, rows - 1) for c in range(1, 1 + cell_width(text))]
            north = "N ^" if self.ascii_only else "N ↑"
            writes.append((cols - 4, 0, north))
            blocked += [(c, 0) for c in range(cols - 4, cols)]
        layers.furniture = (writes, blocked)
        return layers.furniture

    def _draw_areas(self, grid: Grid, layers: _Layers, state: Situation, fills: bool) -> list[list[str | None]]:
        """The step's areas: fill patterns (if asked) and derived fronts on blank cells; the shade rows.

        Under everything drawn so far (towns, flows, lines) and under the
        labels drawn next. Fronts are not derived when the scenario draws its
        own: the author's line wins.
        """
        changed = tuple(c.town for c in state.changed)
        key = (state.holders, changed, fills)
        if layers.areas is None or layers.areas[0] != key:
            layers.areas = (key, self._areas_of(layers, state.holders, changed, fills))
        found = layers.areas[1]
        for row, col, cell in found.fills:
            line = grid[row]
            if line[col][0] == " ":
                line[col] = cell
        for row, col, cell in found.fronts:
            line = grid[row]
            under = line[col]
            if under[0] == " " or (under[1] or "").startswith("area:"):
                line[col] = cell
        return found.shade

    def _areas_of(self, layers: _Layers, holders: tuple[str, ...], changed: tuple[str, ...], fills: bool) -> _Areas:
        """Per-step work is passes over lists the view made once (`Territory`), none over the grid in Python."""
        territory = self._territory(layers)
        cols, rows = territory.cols, territory.rows
        keys = [None if h == UNKNOWN else h for h in holders]
        owners = territory.owners(keys)
        shade: list[list[str | None]] = [owners[r * cols : (r + 1) * cols] for r in range(rows)]
        index = self.scenario.town_index
        new = territory.changed([index[town] for town in changed if town in index])
        for k in new:
            owner = owners[k]
            if owner is not None:
                shade[k // cols][k % cols] = f"{owner}:new"
        fill_cells: list[tuple[int, int, Cell]] = []
        if fills:
            order = {h: j for j, h in enumerate(scenario_holders(self.scenario))}
            looks = {
                h: (fill_pattern(j, ascii_only=self.ascii_only), f"area:{h}") for h, j in order.items() if h != UNKNOWN
            }
            town_looks = [None if key is None else looks[key] for key in keys]
            fill_cells = [(r, c, look) for r, c, i in territory.checker() if (look := town_looks[i]) is not None]
            for k in new:
                owner = owners[k]
                if owner is not None:
                    char, style = looks[owner]
                    fill_cells.append((k // cols, k % cols, (char, f"{style}:new")))
        fronts: list[tuple[int, int, Cell]] = []
        if not self._scenario_fronts:
            front_looks = FRONT_CELLS_ASCII if self.ascii_only else FRONT_CELLS
            fronts = [(r, c, front_looks[edges]) for c, r, edges in territory.fronts(keys)]
        return _Areas(shade, fill_cells, fronts)

    def _territory(self, layers: _Layers) -> Territory:
        if layers.territory is None:
            from sitboard.geo.context import load_context  # areas may stay off: not loaded at start-up

            towns = self.scenario.towns
            layers.territory = Territory(layers.projection, [(t.lat, t.lon) for t in towns], load_context())
        return layers.territory


def _flow_pairs(state: Situation) -> tuple[list[tuple[str, str]], list[tuple[str, str]], bool]:
    """(this step's pairs, earlier pairs oldest first, whether older ones were left out).

    Every origin/destination pair once, this step's on top of the earlier
    ones; of those, only the most recent MAX_OLD_FLOWS pairs, so a long
    timeline's step costs what a short one's does (and stays legible).
    """
    now = sorted({(f.origin, d) for f in state.step_flows for d in f.destinations})
    earlier: list[tuple[str, str]] = []
    seen = set(now)
    flows = state.flows
    older_not_drawn = False
    for j in range(len(flows) - 1, -1, -1):
        f = flows[j].flow
        for dest in reversed(f.destinations):  # a shared figure: an arrow to each of its destinations
            pair = (f.origin, dest)
            if pair not in seen:
                if len(earlier) == MAX_OLD_FLOWS:
                    older_not_drawn = True
                    break
                seen.add(pair)
                earlier.append(pair)
        if older_not_drawn:
            break
    earlier.reverse()  # oldest first, so the most recent are drawn on top
    return now, earlier, older_not_drawn


def _dashes(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A projected line cut into dashes BORDER_DASH long with gaps BORDER_GAP long (lengths in cell widths)."""
    out: list[list[tuple[float, float]]] = []
    period = BORDER_DASH + BORDER_GAP
    at = 0.0  # distance along the line, from its start
    dash: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in pairwise(points):
        length = math.hypot(x1 - x0, (y1 - y0) * 2.0)  # a cell is twice as tall as wide
        if not math.isfinite(length):
            continue
        done = 0.0
        while True:
            phase = at % period
            on = phase < BORDER_DASH
            room = BORDER_DASH - phase if on else period - phase
            step = min(room, length - done)
            k0 = done / length if length else 0.0
            done += step
            at += step
            if on:
                k1 = done / length if length else 1.0
                if not dash:
                    dash.append((x0 + (x1 - x0) * k0, y0 + (y1 - y0) * k0))
                dash.append((x0 + (x1 - x0) * k1, y0 + (y1 - y0) * k1))
                if step >= room:
                    out.append(dash)
                    dash = []
            if done >= length:
                break
    if len(dash) >= 2:
        out.append(dash)
    return out


def _bare(grid: Grid, col: int, row: int, width: int) -> bool:
    """Whether the cells a name would take hold nothing but blanks and area fills."""
    if not (0 <= row < len(grid) and col >= 0 and col + width <= len(grid[row])):
        return False
    return all(char == " " or (style or "").startswith("area:") for char, style in grid[row][col : col + width])


def _clear_gaps(grid: Grid, col: int, row: int, width: int) -> None:
    """Blank the cells either side of a label where areas put a front or fill: "H_Talbiseh" reads as one word."""
    line = grid[row] if 0 <= row < len(grid) else None
    if line is None:
        return
    for c in (col - 1, col + width):
        if 0 <= c < len(line):
            style = line[c][1]
            if style is not None and (style == "front" or style.startswith("area:")):
                line[c] = (" ", None)


def _along(x0: float, y0: float, x1: float, y1: float, width: int, cols: int, rows: int) -> list[tuple[int, int]]:
    """Where a label `width` cells wide may start so that it is centred on a cell of the line: the middle first.

    The points are taken from the middle outwards, stopping a fifth of the
    way from each end, where the towns are.
    """
    spots: list[tuple[int, int]] = []
    seen = set()
    for k in range(16):
        t = 0.5 + (k + 1) // 2 * (0.3 / 8) * (1 if k % 2 else -1)
        x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        if not (0 <= x < cols and 0 <= y < rows):
            continue
        spot = (int(x) - (width - 1) // 2, int(y))
        if spot not in seen:
            seen.add(spot)
            spots.append(spot)
    return spots


def _short_of(x0: float, y0: float, x1: float, y1: float, gap: float = 1.6) -> tuple[float, float]:
    """End a flow a little before its destination, so the town glyph does not hide the arrow head."""
    dx, dy = x1 - x0, (y1 - y0) * 2.0  # in width units: a cell is twice as tall as wide
    length = math.hypot(dx, dy)
    if length <= gap * 2:
        return x1, y1
    k = (length - gap) / length
    return x0 + dx * k, y0 + dy * k / 2.0
