"""The map widget inside the running board: where towns land, what is highlighted,
zoom and pan from keys and the mouse wheel, and how little a step repaints."""

from __future__ import annotations

import pytest
from textual import events
from textual.geometry import Region

from sitboard.app.app import SitboardApp
from sitboard.app.widgets.map_view import MapView
from sitboard.geo.scene import KIND_GLYPH
from sitboard.state import BoardState
from sitboard.timeline import Timeline

HAMA_STEP = 3  # Hama changes hands (gov -> hts) and is the event's place


@pytest.fixture(autouse=True)
def _colour(monkeypatch):
    # NO_COLOR switches the map to faction letters; these tests expect glyphs.
    monkeypatch.delenv("NO_COLOR", raising=False)


async def settle(pilot, rounds: int = 2) -> None:
    for _ in range(rounds):
        await pilot.pause()


def cell_of(view: MapView, town_id: str) -> tuple[int, int]:
    return next(c for c, t in view._frame.town_cells.items() if t == town_id)


def style_at(view: MapView, col: int, row: int):
    """The Rich style the widget renders at (col, row), from its own strip."""
    x = 0
    for segment in view.render_line(row):
        if x <= col < x + segment.cell_length:
            return segment.style
        x += segment.cell_length
    raise AssertionError(f"no segment at column {col}")


def test_towns_are_drawn_at_their_projected_cells(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        view = app.query_one(MapView)
        frame = view._frame
        assert (frame.projection.cols, frame.projection.rows) == tuple(view.size)
        lines = ui.screen_lines(app)
        origin = view.content_region
        for town in syria.towns:
            cell = frame.projection.cell(town.lat, town.lon)
            assert cell is not None, f"{town.id} is off the map"
            assert frame.town_cells[cell] == town.id
            col, row = cell
            glyph = KIND_GLYPH[town.kind]
            assert frame.grid[row][col][0] == glyph
            assert lines[origin.y + row][origin.x + col] == glyph, town.id
        # North is up: Aleppo is north of Damascus, the coast west of Homs.
        assert cell_of(view, "aleppo")[1] < cell_of(view, "hama")[1] < cell_of(view, "damascus")[1]
        assert cell_of(view, "coast")[0] < cell_of(view, "homs")[0]
        # And each town's name is written next to it somewhere on the map.
        text = "\n".join(lines[origin.y : origin.y + origin.height])
        for name in ("Aleppo", "Hama", "Homs", "Damascus", "Idlib"):
            assert name in text

    ui.drive(app, body)


def test_a_town_that_changed_hands_is_hot(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=HAMA_STEP - 1))

    async def body(pilot):
        view = app.query_one(MapView)
        await pilot.press("right")
        await settle(pilot)
        col, row = cell_of(view, "hama")
        assert view._frame.grid[row][col][1] == "town:city:hts:hot"
        assert style_at(view, col, row).reverse
        dcol, drow = cell_of(view, "damascus")
        assert view._frame.grid[drow][dcol][1] == "town:city:gov"
        assert not style_at(view, dcol, drow).reverse
        # The next event changes nothing and happens nowhere: Hama cools down.
        await pilot.press("right")
        await settle(pilot)
        assert view._frame.grid[row][col][1] == "town:city:hts"
        assert not style_at(view, col, row).reverse

    ui.drive(app, body)


def test_ascii_map_shows_holder_letters(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=1), ascii_only=True)

    async def body(pilot):
        view = app.query_one(MapView)
        lines = ui.screen_lines(app)
        origin = view.content_region
        col, row = cell_of(view, "aleppo")
        assert lines[origin.y + row][origin.x + col] == "G"
        await pilot.press("right")  # Aleppo falls
        await settle(pilot)
        lines = ui.screen_lines(app)
        assert lines[origin.y + row][origin.x + col] == "H"

    ui.drive(app, body, size=(120, 40))


def test_zoom_keys_change_the_view_extent(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        view = app.query_one(MapView)
        home = view.scene.home
        assert view.view == home
        extent = view._frame.projection.extent
        await pilot.press("plus")
        await settle(pilot)
        assert view.view.width == pytest.approx(home.width / 1.5)
        assert view.view.center == pytest.approx(home.center)
        assert view._frame.projection.extent.width < extent.width
        await pilot.press("minus", "minus")
        await settle(pilot)
        assert view.view.width == pytest.approx(home.width * 1.5)
        assert view._frame.projection.extent.width > extent.width
        await pilot.press("equals_sign")
        await settle(pilot)
        assert view.view.width == pytest.approx(home.width)
        # Zooming in moves towns apart on screen.
        before = cell_of(view, "homs")[1] - cell_of(view, "hama")[1]
        await pilot.press("plus")
        await settle(pilot)
        assert cell_of(view, "homs")[1] - cell_of(view, "hama")[1] > before > 0

    ui.drive(app, body)


def test_shift_arrows_pan_and_zero_resets(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        view = app.query_one(MapView)
        home = view.scene.home
        hama = cell_of(view, "hama")
        await pilot.press("shift+left")
        assert view.view.west == pytest.approx(home.west - 0.2 * home.width)
        assert view.view.width == pytest.approx(home.width)
        await pilot.press("shift+right", "shift+right")
        assert view.view.west == pytest.approx(home.west + 0.2 * home.width)
        await pilot.press("shift+up")
        assert view.view.north == pytest.approx(home.north + 0.2 * home.height)
        await pilot.press("shift+down", "shift+down")
        assert view.view.south == pytest.approx(home.south - 0.2 * home.height)
        await settle(pilot)
        # The view moved east and south, so Hama moved west and north on screen.
        moved = cell_of(view, "hama")
        assert moved[0] < hama[0] and moved[1] < hama[1]
        # Panning does not step the timeline.
        assert app.step == 0
        await pilot.press("plus", "0")
        await settle(pilot)
        assert view.view == home
        assert cell_of(view, "hama") == hama

    ui.drive(app, body)


def _wheel(view: MapView, up: bool, x: int, y: int) -> None:
    region = view.content_region
    cls = events.MouseScrollUp if up else events.MouseScrollDown
    view.post_message(
        cls(view, x, y, 0, -1 if up else 1, 0, False, False, False, screen_x=region.x + x, screen_y=region.y + y)
    )


def test_mouse_wheel_zooms_around_the_pointer(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        view = app.query_one(MapView)
        home = view.scene.home
        x, y = cell_of(view, "hama")
        _wheel(view, True, x, y)
        await settle(pilot)
        assert view.view.width == pytest.approx(home.width / 1.25)
        # The place under the pointer stays under the pointer (within a cell).
        hx, hy = cell_of(view, "hama")
        assert abs(hx - x) <= 1 and abs(hy - y) <= 1
        _wheel(view, True, x, y)
        _wheel(view, True, x, y)
        await settle(pilot)
        hx, hy = cell_of(view, "hama")
        assert abs(hx - x) <= 1 and abs(hy - y) <= 1
        assert view.view.width == pytest.approx(home.width / 1.25**3)
        for _ in range(3):
            _wheel(view, False, x, y)
        await settle(pilot)
        assert view.view.width == pytest.approx(home.width)
        assert app.step == 0

    ui.drive(app, body)


def test_a_step_repaints_only_the_rows_that_changed(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=HAMA_STEP - 1))

    async def body(pilot):
        view = app.query_one(MapView)
        before = [list(row) for row in view._frame.grid]
        calls: list[tuple[tuple, dict]] = []
        original = view.refresh

        def spy(*regions, **kwargs):
            calls.append((regions, kwargs))
            return original(*regions, **kwargs)

        view.refresh = spy  # type: ignore[method-assign]
        await pilot.press("right")
        await settle(pilot)
        assert app.step == HAMA_STEP
        after = view._frame.grid
        changed = {y for y, row in enumerate(after) if row != before[y]}
        assert changed, "stepping to the fall of Hama changed nothing on the map"
        assert len(changed) < view.size.height // 2
        full = [c for c in calls if not c[0]]
        assert not full, f"a step made a full refresh: {full}"
        refreshed = set()
        for regions, _ in calls:
            for region in regions:
                assert isinstance(region, Region) and region.height == 1
                refreshed.add(region.y)
        assert refreshed == changed
        # What is on screen matches the new frame on the changed rows.
        lines = ui.screen_lines(app)
        origin = view.content_region
        for y in changed:
            drawn = lines[origin.y + y][origin.x : origin.x + origin.width]
            assert drawn == "".join(cell[0] for cell in after[y])

    ui.drive(app, body)


def test_a_step_with_no_map_change_repaints_nothing(small, ui):
    app = SitboardApp(Timeline(small), BoardState(step=3))  # step 4 is another quiet day: nothing moves

    async def body(pilot):
        view = app.query_one(MapView)
        before = [list(row) for row in view._frame.grid]
        calls: list = []
        original = view.refresh

        def spy(*regions, **kwargs):
            calls.append((regions, kwargs))
            return original(*regions, **kwargs)

        view.refresh = spy  # type: ignore[method-assign]
        await pilot.press("right")
        await settle(pilot)
        assert app.step == 4
        assert [list(row) for row in view._frame.grid] == before
        assert calls == []

    ui.drive(app, body, size=(120, 40))


def test_resizing_redraws_the_map_at_the_new_size(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=HAMA_STEP))

    async def body(pilot):
        view = app.query_one(MapView)
        for size in [(80, 24), (200, 60), (60, 16)]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert len(view._frame.grid) == view.size.height
            assert all(len(row) == view.size.width for row in view._frame.grid)
            assert (view._frame.projection.cols, view._frame.projection.rows) == tuple(view.size)
            hama = cell_of(view, "hama")
            assert view._frame.grid[hama[1]][hama[0]][1].endswith(":hot")

    ui.drive(app, body)


def test_changing_theme_recolours_the_map(syria, ui):
    from rich.color import Color

    from sitboard.app.widgets.map_view import BASE, CONTRAST

    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        view = app.query_one(MapView)
        col, row = next(
            (x, y) for y, line in enumerate(view._frame.grid) for x, cell in enumerate(line) if cell[1] == "label"
        )
        expected = {
            "textual-light": BASE["light"]["label"],
            "sitboard-high-contrast": CONTRAST["label"],
            "textual-dark": BASE["dark"]["label"],
        }
        for _ in range(3):
            await pilot.press("t")
            await settle(pilot)
            style = style_at(view, col, row)
            assert style.color.get_truecolor() == Color.parse(expected[app.theme]).get_truecolor(), app.theme
            assert style.bgcolor == view.rich_style.bgcolor, app.theme

    ui.drive(app, body)


def test_dragging_pans_the_map(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        view = app.query_one(MapView)
        home = view.scene.home
        region = view.content_region
        x, y = 10, 10

        def mouse(cls, x, y, button):
            return cls(view, x, y, 0, 0, button, False, False, False, screen_x=region.x + x, screen_y=region.y + y)

        view.post_message(mouse(events.MouseDown, x, y, 1))
        view.post_message(mouse(events.MouseMove, x + 10, y + 5, 1))
        view.post_message(mouse(events.MouseUp, x + 10, y + 5, 1))
        await settle(pilot)
        # Dragging right and down shows what lies west and north.
        assert view.view.west < home.west and view.view.north > home.north
        assert view.view.width == pytest.approx(home.width)
        assert app.step == 0

    ui.drive(app, body)


@pytest.mark.parametrize("which", ["syria", "generated"])
def test_strips_kept_between_frames_are_what_a_fresh_build_gives(which, syria, ui):
    # The widget keeps the strips of recent frames' rows by content, so jumping
    # back to the end builds none. A kept strip must be exactly the one the row
    # would get now, through theme changes, areas, zoom and size changes; and
    # every row that looks different must be repainted.
    from sitboard.cli.bench import generate
    from sitboard.scenario.loader import parse_scenario

    scenario = syria if which == "syria" else parse_scenario(generate(300, 600), "<generated>")
    app = SitboardApp(Timeline(scenario))

    async def body(pilot):
        view = app.query_one(MapView)
        refreshed: set[int] = set()
        full = []
        original = view.refresh

        def spy(*regions, **kwargs):
            if not regions:
                full.append(kwargs)
            for region in regions:
                refreshed.update(range(region.y, region.y + region.height))
            return original(*regions, **kwargs)

        view.refresh = spy  # type: ignore[method-assign]
        shown = [list(view.render_line(y)) for y in range(view.size.height)]
        keys = [
            "end",
            "home",
            "end",
            "home",
            "a",
            "end",
            "home",
            "a",
            "end",
            "t",
            "home",
            "end",
            "home",
            "t",
            "end",
            "a",
            "t",
            "home",
            "plus",
            "end",
            "home",
            "a",
            "0",
            "end",
            "home",
            "t",
        ]
        for key in keys:
            refreshed.clear()
            full.clear()
            await pilot.press(key)
            await settle(pilot)
            width, rows, shade = view.size.width, view._rows, view._shade
            for y, row in enumerate(rows):  # styles a row needs exist: from here the build is deterministic
                view._new_strip(row, shade[y] if shade else None, width)
            for y, row in enumerate(rows):
                fresh = view._new_strip(row, shade[y] if shade else None, width)
                assert list(view._strip(y, width)) == list(fresh), (key, y)
            now = [list(view.render_line(y)) for y in range(view.size.height)]
            if not full:
                assert {y for y, line in enumerate(now) if line != shown[y]} <= refreshed, key
            shown = now

    ui.drive(app, body, size=(120, 36))


def test_the_last_step_is_drawn_unseen_once_the_board_is_idle(ui):
    # End is the jump a briefer makes most; its first time used to be the
    # slowest key press. A moment after start-up the map draws the last step
    # unseen, so End then builds no strip, and shows what a board opened at
    # the end shows.
    from sitboard.cli.bench import generate
    from sitboard.scenario.loader import parse_scenario

    scenario = parse_scenario(generate(300, 600), "<generated>")
    app = SitboardApp(Timeline(scenario))
    shown: list = []
    built: list = []

    async def body(pilot):
        view = app.query_one(MapView)
        await pilot.pause(0.6)
        original = view._new_strip

        def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
            built.append(args)
            return original(*args, **kwargs)

        view._new_strip = counting  # type: ignore[method-assign]
        await pilot.press("end")
        await settle(pilot)
        assert app.step == len(scenario.events)
        shown.extend(list(view.render_line(y)) for y in range(view.size.height))

    ui.drive(app, body, size=(120, 36))
    assert shown and built == []

    at_the_end = SitboardApp(Timeline(scenario), BoardState(step=len(scenario.events)))

    async def expected(pilot):
        await settle(pilot)
        view = at_the_end.query_one(MapView)
        assert [list(view.render_line(y)) for y in range(view.size.height)] == shown

    ui.drive(at_the_end, expected, size=(120, 36))


@pytest.mark.parametrize("no_color", [False, True])
def test_the_maps_own_lines_are_what_textuals_styles_cache_gives(no_color, syria, ui, monkeypatch):
    # The map renders its lines itself (a plain box: its kept strips, through
    # the app's line filters, cropped) instead of through Textual's styles
    # cache. After every key the lines, whole and cropped, must be those the
    # styles cache makes after a full refresh. NO_COLOR adds a filter that
    # changes every colour (Monochrome), so a filter left out shows.
    from textual.widget import Widget

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = SitboardApp(Timeline(syria))
    plain_seen = boxed_seen = 0

    async def body(pilot):
        nonlocal plain_seen, boxed_seen
        # c 2 enter: the split view with step 2 (bordered halves); c again closes it
        keys = ["end", "home", "a", "end", "t", "home", "c", "2", "enter", "end", "t", "c"]
        for key in [*keys, "plus", "home", "end", "t", "a"]:
            await pilot.press(key)
            await settle(pilot)
            for view in app.query(MapView):
                if not view.display or not view.size:
                    continue
                plain_seen += view._plain_box()
                boxed_seen += app.state.compare is not None  # the split view's halves have a top border
                width, height = view.region.size
                for crop in (Region(0, 0, width, height), Region(3, 2, width - 7, min(5, height - 2))):
                    mine = [list(strip) for strip in view.render_lines(crop)]
                    view.refresh()
                    textuals = [list(strip) for strip in Widget.render_lines(view, crop)]
                    assert mine == textuals, (key, view.id, crop)

    ui.drive(app, body, size=(120, 36))
    assert plain_seen and boxed_seen  # the map's own path was taken, and Textual's for a bordered map
