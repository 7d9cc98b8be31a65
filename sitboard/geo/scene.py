"""The map for one step, as a grid of styled cells, computed without a terminal.

Layers, bottom to top: the basemap (coast, borders) and the scenario's overlay
lines, drawn once per view and size; then, per step, flows, town glyphs, the
event's place, labels and the scale bar. The widget only turns rows of cells
into strips, so everything a briefer sees on the map is decided and tested here.

Style keys are plain strings the widget maps to colours:
`coast`, `border`, `line:<kind>`, `flow`, `flow-old`, `place`, `label`,
`label-hot`, `scale`, and `town:<kind>:<holder>` with `:hot` appended for a
town that changed hands, is the event's place, or is selected.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from typing import NamedTuple

from sitboard.geo.basemap import Basemap
from sitboard.geo.camera import home_view
from sitboard.geo.canvas import Canvas, Cell, Grid, arrow, new_canvas, overlay, put, text_cells
from sitboard.geo.density import KEY, Density, crowded
from sitboard.geo.labels import LabelLayout, LabelRequest
from sitboard.geo.projection import Projection, View, scale_bar
from sitboard.geo.text import cell_width, display
from sitboard.scenario.model import Scenario
from sitboard.timeline import Situation, figure

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
MAX_OLD_FLOWS = 120  # earlier flows drawn (dimmed); all of them count in totals and exports
KIND_WEIGHT = {"city": 4.0, "region": 3.0, "town": 2.0, "village": 1.0}
PLACE_GLYPH, PLACE_GLYPH_ASCII = "✱", "*"


class Frame(NamedTuple):
    """What the widget draws: cells, optional area shading, and the projection used."""

    grid: Grid
    shade: list[list[str | None]] | None
    projection: Projection
    town_cells: dict[tuple[int, int], str]  # cell -> town id, for clicks (shared by the frames of a view)
    density: bool = False  # towns drawn as counts per cell (`density.py`): more towns than cells


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


class _Layers:
    """What one view at one size draws the same at every step: made once, the first time a step needs each part."""

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self.static: Canvas | None = None  # basemap and the scenario's lines
        self.towns: _Towns | None = None
        self.furniture: tuple[list[tuple[int, int, str]], list[tuple[int, int]]] | None = None
        self.labels: tuple[LabelLayout, dict[str, int]] | None = None
        self.bases: dict[tuple[tuple[str, str], ...], Grid] = {}  # with earlier flows, by their pairs; oldest first
        self.shade: tuple[tuple[str, ...], list[list[str | None]]] | None = None  # for one set of holders
        self.density: Density | None = None  # made when the view is crowded (see `dense`)
        self.dense: bool | None = None  # None: not yet decided


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
        self._views: dict[tuple[View, int, int], _Layers] = {}  # oldest used first
        self._names = [display(t.name, ascii=ascii_only) for t in scenario.towns]
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
        self._density_looks: dict[tuple[str, str], Cell] = {}  # (count, holder) -> its cell
        # (text, style) -> its cells and whether one is wide: labels are written at every step.
        self._texts: dict[tuple[str, str], tuple[tuple[Cell, ...], bool]] = {}

    @property
    def basemap(self) -> Basemap:
        if self._basemap is None:
            self._basemap = Basemap.load()
        return self._basemap

    def _layers(self, view: View, cols: int, rows: int) -> _Layers:
        key = (view, cols, rows)
        views = self._views
        layers = views.pop(key, None)
        if layers is None:
            layers = _Layers(Projection(view, cols, rows))
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
        selected: str | None = None,
        marked: Collection[str] | None = None,
    ) -> Frame:
        """The map of `state` at `view`; towns that changed at the step, and the event's town, are marked (hot).

        `marked` replaces those with a set of its own: the split view marks the
        towns that changed between its two steps, the same on both halves.
        """
        layers = self._layers(view, cols, rows)
        projection = layers.projection
        now, earlier, older_not_drawn = _flow_pairs(state)
        grid = self._base_grid(layers, earlier)
        size_labels = self._draw_flows(grid, projection, state, now)
        hot = {c.town for c in state.changed} if marked is None else set(marked)
        place = state.event.at if state.event else None
        if place is not None and place.town and marked is None:
            hot.add(place.town)
        if selected:
            hot.add(selected)
        visible = self._visible_towns(layers)
        dense = self._density(layers, visible)
        if dense is None:
            self._draw_towns(grid, visible, state.holders, hot, marks)
        else:
            self._draw_density(grid, dense, visible, state.holders, hot, marks)
        if place is not None and place.town is None:
            c = projection.cell(place.lat, place.lon)
            if c is not None:
                put(grid, c[0], c[1], PLACE_GLYPH_ASCII if self.ascii_only else PLACE_GLYPH, "place")
        wide, blocked = self._draw_furniture(grid, layers, older_not_drawn)
        if dense is not None and len(KEY) + 6 <= projection.cols:  # the key, top left, clear of the north arrow
            wide |= self._write(grid, 1, 0, KEY, "scale")
            blocked = [*blocked, *((c, 0) for c in range(1, 1 + len(KEY)))]
        self._draw_labels(grid, layers, blocked, size_labels, hot, selected, wide)
        shade = self._shading(layers, state.holders) if areas else None
        return Frame(grid, shade, projection, visible.cells, dense is not None)

    def _draw_flows(
        self, grid: Grid, projection: Projection, state: Situation, now: list[tuple[str, str]]
    ) -> list[LabelRequest]:
        """This step's flows as arrows; the labels of those with a size, to place first."""
        towns, index, project = self.scenario.towns, self.scenario.town_index, projection.project
        cols, rows = projection.cols, projection.rows
        for origin, dest in now:
            a, b = towns[index[origin]], towns[index[dest]]
            (x0, y0), (x1, y1) = project(a.lat, a.lon), project(b.lat, b.lon)
            x1, y1 = _short_of(x0, y0, x1, y1)
            arrow(grid, x0, y0, x1, y1, "flow", self.ascii_only)
        size_labels: list[LabelRequest] = []
        for f in state.step_flows:
            if f.people is not None or f.estimate:
                # One figure, however many destinations share it: one label, between the
                # origin and the middle of its destinations, so that it reads for them all.
                dests = [towns[index[d]] for d in f.destinations]
                a = towns[index[f.origin]]
                x0, y0 = project(a.lat, a.lon)
                ends = [project(b.lat, b.lon) for b in dests]
                x1, y1 = sum(x for x, _ in ends) / len(ends), sum(y for _, y in ends) / len(ends)
                mx, my = (x0 + x1) / 2, (y0 + y1) / 2
                if 0 <= mx < cols and 0 <= my < rows:
                    text = (
                        figure(f.people) if f.people is not None else display(f.estimate or "", ascii=self.ascii_only)
                    )
                    key = f"flow:{f.origin}:{'+'.join(f.destinations)}"
                    size_labels.append(LabelRequest(key, int(mx), int(my), text, 50.0))
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

    def _density(self, layers: _Layers, visible: _Towns) -> Density | None:
        """The view's per-cell counts if it has more towns than cells, else None (decided once per view and size)."""
        if layers.dense is None:
            projection = layers.projection
            layers.dense = crowded(len(visible.listed), projection.cols, projection.rows)
            if layers.dense:
                layers.density = Density(visible.listed, [f.id for f in self.scenario.factions])
        return layers.density

    def _draw_density(
        self, grid: Grid, dense: Density, visible: _Towns, holders: tuple[str, ...], hot: set[str], marks: bool
    ) -> None:
        """Each occupied cell's count in its majority holder's colour, then the hot towns' own glyphs over theirs."""
        looks = self._density_looks
        for (col, row), key in dense.update(holders).items():
            cell = looks.get(key)
            if cell is None:
                cell = looks[key] = (key[0], f"town:town:{key[1]}")
            grid[row][col] = cell
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
        size_labels: list[LabelRequest],
        hot: set[str],
        selected: str | None,
        wide: bool,
    ) -> None:
        """Every town's label as placed once per view, with this step's hot labels (and flow sizes) placed first."""
        ellipsis = "." if self.ascii_only else "…"
        layout, order = self._base_labels(layers, blocked, ellipsis)
        first = list(size_labels)
        for j in sorted(order[key] for key in hot if key in order):
            request = layout.requests[j]
            bonus = 20.0 + (10.0 if request.key == selected else 0.0)
            first.append(LabelRequest(request.key, request.col, request.row, request.text, request.priority + bonus))
        for label in layout.over(first, blocked):
            key = label.key
            style = "label-hot" if key in hot or key.startswith("flow:") else "label"
            if wide:
                overlay(grid, label.col, label.row, label.text, style)
            else:
                wide = self._write(grid, label.col, label.row, label.text, style)

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

    def _static_canvas(self, layers: _Layers) -> Canvas:
        if layers.static is None:
            projection = layers.projection
            canvas = new_canvas(projection.cols, projection.rows, ascii=self.ascii_only, priority=PRIORITY)
            e = projection.extent
            project_all = projection.project_all
            for piece in self.basemap.lines_in(e.west, e.south, e.east, e.north):
                canvas.polyline(project_all(piece.points), piece.kind)
            for line in self.scenario.map.lines:
                canvas.polyline(project_all(line.points), f"line:{line.kind}")
            layers.static = canvas
        return layers.static

    def _base_grid(self, layers: _Layers, earlier: list[tuple[str, str]]) -> Grid:
        """The static layer with the earlier flows on it, as cells; a copy the step may draw on.

        Earlier flows change only when a step adds a new pair, so the layer is
        kept between steps: most steps copy rows, and the rest redraw at most
        MAX_OLD_FLOWS dimmed arrows on a copy of the static canvas.
        """
        key = tuple(earlier)
        base = layers.bases.get(key)
        if base is None:
            canvas = self._static_canvas(layers).copy()
            towns, index, project = self.scenario.towns, self.scenario.town_index, layers.projection.project
            for origin, dest in earlier:
                a, b = towns[index[origin]], towns[index[dest]]
                (x0, y0), (x1, y1) = project(a.lat, a.lon), project(b.lat, b.lon)
                x1, y1 = _short_of(x0, y0, x1, y1)
                arrow(canvas, x0, y0, x1, y1, "flow-old", self.ascii_only)
            base = canvas.cells()
            # A few layers are kept: a briefer jumps between the start and the end, and back.
            if len(layers.bases) >= 4:
                layers.bases.pop(next(iter(layers.bases)))
            layers.bases[key] = base
        return [row[:] for row in base]

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

    def _shading(self, layers: _Layers, holders: tuple[str, ...]) -> list[list[str | None]]:
        if layers.shade is None or layers.shade[0] != holders:
            projection = layers.projection
            towns = self.scenario.towns
            extent_km = projection.km_per_col() * projection.cols
            radius = max(5.0, min(60.0, extent_km / 12))
            sites = [(t.lat, t.lon, holders[i]) for i, t in enumerate(towns)]
            from sitboard.geo.shading import shade_cells  # areas are off until asked for: not loaded at start-up

            layers.shade = (holders, shade_cells(projection, sites, radius))
        return layers.shade[1]


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


def _short_of(x0: float, y0: float, x1: float, y1: float, gap: float = 1.6) -> tuple[float, float]:
    """End a flow a little before its destination, so the town glyph does not hide the arrow head."""
    dx, dy = x1 - x0, (y1 - y0) * 2.0  # in width units: a cell is twice as tall as wide
    length = math.hypot(dx, dy)
    if length <= gap * 2:
        return x1, y1
    k = (length - gap) / length
    return x0 + dx * k, y0 + dy * k / 2.0
