"""What a key repaints is what a full repaint shows, and what a board opened at that step shows.

Widgets repaint only what a step changed (rows of the map, lines of a
panel, the foot's rows when the marker moved, the header's changed
columns), and keep what they drew to draw it again: a line left out, or a
kept drawing used for what it no longer shows, would stay on screen out of
date. After every key the composed screen is compared, styles included, with
the screen composed again after every widget was told to repaint in full;
and the header, map and foot with those of a board opened at the same state.
(The side column is left out of the second: after a step it may keep its
arrangement, see `layout.settled`, where a new board arranges afresh.)
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot

from sitboard.app.app import SitboardApp
from sitboard.app.launch import read
from sitboard.app.widgets.control_panel import TownList
from sitboard.app.widgets.side import SideColumn
from sitboard.cli.bench import generate
from sitboard.state import BoardState
from sitboard.timeline import Timeline
from tests.functional.conftest import BUNDLED, drive, screen_lines


def _keys(steps: int) -> list[str]:
    return ["right"] * min(steps, 12) + ["end"] + ["left"] * min(steps, 6) + ["home", "right", "right"]


def _repainted_in_full(app: Any) -> str:
    for widget in app.screen.walk_children(with_self=True):
        widget.refresh()
    return str(app.export_screenshot())


@pytest.mark.parametrize("size", [(160, 50), (100, 30)])
def test_every_key_repaints_all_it_changed_on_the_bundled_board(size: tuple[int, int]) -> None:
    _check_repaints(SitboardApp(Timeline(read(BUNDLED))), size)


def test_every_key_repaints_all_it_changed_on_a_crowded_board(tmp_path: Any) -> None:
    path = tmp_path / "crowded.yaml"
    path.write_text(generate(400, 300), encoding="utf-8")
    _check_repaints(SitboardApp(Timeline(read(path))), (200, 60))


def _check_repaints(app: SitboardApp, size: tuple[int, int]) -> None:
    keys = _keys(app.timeline.steps)
    checked: list[str] = []

    async def body(pilot: Pilot) -> None:
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            shown = str(app.export_screenshot())
            await pilot.pause()
            same = shown == _repainted_in_full(app)  # not compared by assert: pytest's diff of two SVGs takes minutes
            assert same, f"after {key} (step {app.state.step}) a line was left out of date"
            checked.append(key)

    drive(app, body, size=size)
    assert checked == keys


def _town_rows(app: Any) -> dict[int, str]:
    """The town list's rows in view, by town index, as drawn (through the list's own kept rows)."""
    towns = app.screen.query_one(TownList)
    return {towns._top + y: towns.render_line(y).text for y in range(towns.size.height)}


def test_a_stepped_board_shows_what_a_board_opened_at_its_step_shows() -> None:
    timeline = Timeline(read(BUNDLED))
    app = SitboardApp(timeline)
    size = (160, 50)
    states: list[tuple[BoardState, list[str], Region, dict[int, str]]] = []

    async def body(pilot: Pilot) -> None:
        for key in _keys(timeline.steps):
            await pilot.press(key)
            await pilot.pause()
            side = app.screen.query_one(SideColumn).region
            states.append((app.state, screen_lines(app), side, _town_rows(app)))

    drive(app, body, size=size)
    assert len(states) == len(_keys(timeline.steps))
    for state, stepped, side, rows in states:
        opened: list[str] = []
        opened_rows: dict[int, str] = {}

        async def look(pilot: Pilot, into: list[str] = opened, town_rows: dict[int, str] = opened_rows) -> None:
            into.extend(screen_lines(pilot.app))
            town_rows.update(_town_rows(pilot.app))

        drive(SitboardApp(timeline, state), look, size=size)
        assert stepped[: side.y] == opened[: side.y], f"the header at step {state.step}"
        assert [row[: side.x] for row in stepped] == [row[: side.x] for row in opened], f"the map at step {state.step}"
        assert stepped[side.bottom :] == opened[side.bottom :], f"the foot at step {state.step}"
        both = rows.keys() & opened_rows.keys()
        assert both and all(rows[i] == opened_rows[i] for i in both), f"the town list at step {state.step}"


def _every_town_row(app: Any) -> dict[int, str]:
    """Every row of the town list as it would be drawn, scrolled through a screen at a time (then scrolled back)."""
    towns = app.screen.query_one(TownList)
    top, height, n = towns._top, towns.size.height, len(towns._ids)
    rows: dict[int, str] = {}
    for start in range(0, n, height):
        towns._top = max(0, min(start, n - height))
        rows.update((towns._top + y, towns.render_line(y).text) for y in range(height))
    towns._top = top
    return rows


@pytest.mark.parametrize("seed", [3])
def test_the_town_list_after_any_jumps_and_steps_shows_what_a_board_opened_there_shows(
    tmp_path: Any, seed: int
) -> None:
    """Jumps of every length (Home, End, a go-to anywhere) and runs of steps: every row, in view or not.

    The list redraws only the rows whose holder or mark changed after a
    short move, and starts afresh after a long one; a row missed either way
    would be drawn from what it showed before.
    """
    path = tmp_path / "towns.yaml"
    path.write_text(generate(300, 400, seed=seed), encoding="utf-8")
    timeline = Timeline(read(path))
    app = SitboardApp(timeline)
    rng = random.Random(seed)
    moves: list[str | int] = ["end", "home"]
    for _ in range(10):
        moves += rng.choice([[rng.randrange(timeline.steps + 1)], ["right"] * rng.randrange(1, 4), ["left"] * 2])
    moves += ["end", *["left"] * 3, rng.randrange(timeline.steps + 1)]
    seen: list[tuple[BoardState, dict[int, str]]] = []

    async def body(pilot: Pilot) -> None:
        for move in moves:
            if isinstance(move, int):
                app.go_to(move)
            else:
                await pilot.press(move)
            await pilot.pause()
            seen.append((app.state, _every_town_row(app)))

    drive(app, body, size=(200, 60))
    assert len(seen) == len(moves)
    assert len({state.step for state, _ in seen}) > 8
    for state, rows in seen:
        opened: dict[int, str] = {}

        async def look(pilot: Pilot, into: dict[int, str] = opened) -> None:
            into.update(_every_town_row(pilot.app))

        drive(SitboardApp(timeline, state), look, size=(200, 60))
        assert len(rows) == len(timeline.scenario.towns) and rows == opened, f"the town list at step {state.step}"


@pytest.mark.parametrize("no_color", [False, True])
def test_the_side_columns_own_lines_are_what_textuals_styles_cache_gives(no_color: bool, monkeypatch: Any) -> None:
    """The column keeps its own lines (its rule, blank behind the panels) while their size, colours and edges stay.

    After every key (steps and jumps that move the panels, a theme, ASCII
    and colour-blind looks, focus, presentation and back, a resize) its lines,
    whole and cropped, must be those Textual's styles cache draws afresh.
    NO_COLOR adds a line filter (Monochrome) that changes every colour.
    """
    from textual.widget import Widget

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = SitboardApp(Timeline(read(BUNDLED)))
    kept = compared = 0

    async def body(pilot: Pilot) -> None:
        nonlocal kept, compared
        keys = ["end", "home", "right", "t", "end", "tab", "home", "t", "f", "f", "x", "end", "t", "home", "right"]
        for i, key in enumerate(keys):
            if key == "x":
                await pilot.resize_terminal(130, 40)
            else:
                await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            side = app.screen.query_one(SideColumn)
            if not side.display or not side.size:
                continue
            width, height = side.region.size
            for crop in (Region(0, 0, width, height), Region(0, 3, 1, height - 5), Region(2, 1, width - 4, 6)):
                kept += (crop, *side._drawn_with()) in side._own_lines
                mine = [list(strip) for strip in side.render_lines(crop)]
                side.refresh()
                textuals = [list(strip) for strip in Widget.render_lines(side, crop)]
                assert mine == textuals, (i, key, crop)
                compared += 1

    drive(app, body, size=(160, 50))
    assert compared > 30 and kept  # compared after most keys, and lines kept from an earlier frame were given


def _panels_lines_checked(app: SitboardApp, size: tuple[int, int], keys: list[str]) -> tuple[int, int]:
    """After every key, each side panel's lines (whole and cropped) against Textual's styles cache drawing them afresh.

    Returns how many panels were compared with their content lines drawn by
    the panel (`own_lines`), and how many lines were strips given before
    (Textual's styles cache makes a new one each time).
    """
    from textual.widget import Widget

    from sitboard.app.widgets.own_lines import _padded_box
    from sitboard.app.widgets.text_panel import Titled

    own = kept = 0
    given: dict[int, Any] = {}  # every strip a panel gave, by identity

    async def body(pilot: Pilot) -> None:
        nonlocal own, kept
        for i, key in enumerate(keys):
            if key == "resize":
                await pilot.resize_terminal(size[0] - 30, size[1] - 10)
            else:
                await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            for panel in app.screen.query(Titled):
                if not panel.display or not panel.size:
                    continue
                own += _padded_box(panel)
                width, height = panel.region.size
                crops = [Region(0, 0, width, height), Region(0, 1, width, height - 1), Region(3, 0, width - 5, 2)]
                for crop in crops:
                    drawn = panel.render_lines(crop)
                    kept += sum(
                        1 for strip in drawn if given.get(id(strip)) is strip
                    )  # the very strip of a frame before
                    given.update((id(strip), strip) for strip in drawn)
                    mine = [list(strip) for strip in drawn]
                    panel.refresh()
                    textuals = [list(strip) for strip in Widget.render_lines(panel, crop)]
                    assert mine == textuals, (i, key, panel.id, crop)

    drive(app, body, size=size)
    return own, kept


@pytest.mark.parametrize("no_color", [False, True])
def test_the_side_panels_own_lines_are_what_textuals_styles_cache_gives(no_color: bool, monkeypatch: Any) -> None:
    """Steps, jumps back and forth (whose rows come back), themes, focus and scrolling, presentation, a resize."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    keys = ["end", "home", "end", "right", "t", "home", "tab", "down", "down", "tab", "end", "t", "home"]
    keys += ["f", "f", "resize", "end", "left", "home", "t"]
    own, kept = _panels_lines_checked(SitboardApp(Timeline(read(BUNDLED))), (160, 50), keys)
    assert own and kept


def test_the_town_lists_own_lines_are_what_textuals_styles_cache_gives(tmp_path: Any) -> None:
    """A crowded board: Home and End hand hundreds of towns to other holders and back."""
    path = tmp_path / "crowded.yaml"
    path.write_text(generate(400, 300), encoding="utf-8")
    keys = ["end", "home", "end", "home", "right", "right", "tab", "tab", "down", "end", "home"]
    own, kept = _panels_lines_checked(SitboardApp(Timeline(read(path))), (200, 60), keys)
    assert own and kept


def test_the_foots_kept_rows_and_key_spans_are_what_drawing_them_afresh_gives() -> None:
    """Home and End (and a theme) come back to rows drawn before: the kept ones, and the key bar's click spans."""
    from sitboard.app.widgets.bottom_bar import BottomBar

    app = SitboardApp(Timeline(read(BUNDLED)))
    keys = ["end", "home", "end", "home", "t", "end", "home", "right", "end", "t", "t", "home", "end"]
    came_back = 0

    async def body(pilot: Pilot) -> None:
        nonlocal came_back
        given: dict[int, Any] = {}
        for i, key in enumerate(keys):
            await pilot.press(key)
            await pilot.pause()
            bar = app.screen.query_one(BottomBar)
            drawn = [bar.render_line(y) for y in range(bar.size.height)]
            spans = list(bar._spans)
            came_back += sum(1 for strip in drawn if given.get(id(strip)) is strip)
            given.update((id(strip), strip) for strip in drawn)
            kept = (dict(bar._kept_rows), bar._strip_lines_of, bar._key_line_of)
            bar._kept_rows.clear()
            bar._strip_lines_of = bar._key_line_of = None
            bar._spans = []
            afresh = [bar.render_line(y) for y in range(bar.size.height)]
            assert [list(s) for s in drawn] == [list(s) for s in afresh], (i, key)
            assert spans == bar._spans, (i, key)
            bar._kept_rows, bar._strip_lines_of, bar._key_line_of = kept  # as the board had them

    drive(app, body, size=(160, 50))
    assert came_back >= 6  # rows kept from an earlier jump were drawn
