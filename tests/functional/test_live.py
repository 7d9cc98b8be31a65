"""Live reload: the board follows the file an analyst is editing.

Each test writes the scenario the way editors do (in place, or a temporary file
renamed over it), then waits, bounded, for the board to show it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sitboard.app.app import SitboardApp
from sitboard.app.launch import file_source, read
from sitboard.app.messages import ScenarioReloaded
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.map_view import MapView
from sitboard.scenario.append import ExtendedEvents
from sitboard.state import BoardState
from sitboard.timeline import Timeline

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"
NEW_EVENT = """
  - time: 2024-12-07
    title: A new report comes in
    at: homs
    sources: [sohr]
    confidence: reported
"""


def copy(tmp_path: Path) -> Path:
    path = tmp_path / "live.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


async def until(pilot, condition, seconds: float = 4.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


def board(path: Path, step: int = 0) -> SitboardApp:
    """The board for `path`, following its file as `sitboard FILE` does."""
    return SitboardApp(Timeline(read(path)), BoardState(step=step), source=file_source(path))


def followed(path: Path, step: int = 0) -> SitboardApp:
    """`board`, with the scenario read by its own source, as `sitboard FILE` reads it: later appends are read as appends."""
    source = file_source(path)
    return SitboardApp(Timeline(source.load()), BoardState(step=step), source=source)


def error_bar(app: SitboardApp, ui) -> str:  # type: ignore[no-untyped-def]
    return ui.content_of(app.query_one("#error-bar")) if app.has_class("-problem") else ""


def test_an_in_place_edit_shows_and_the_view_stays_on_its_event(tmp_path, ui):
    path = copy(tmp_path)
    app = board(path, step=3)
    title = app.scenario.events[2].title

    async def body(pilot):  # type: ignore[no-untyped-def]
        text = path.read_text(encoding="utf-8")
        # An event is inserted before the current one: the view must follow its event.
        first = text.index("  - time: 2024-11-30")
        path.write_text(text[:first] + NEW_EVENT.replace("2024-12-07", "2024-11-28") + text[first:], encoding="utf-8")
        assert await until(pilot, lambda: app.reloads == 1)
        assert app.timeline.steps == 10 and app.step == 4 and app.scenario.events[3].title == title
        assert title in ui.content_of(app.query_one(EventPanel))
        await pilot.pause()
        assert app.focused is app.query_one(MapView)  # the new board has the keyboard, as the old one had

    ui.drive(app, body)


def test_following_the_end_moves_to_new_events_and_stepping_back_stops_it(tmp_path, ui):
    path = copy(tmp_path)
    app = board(path, step=9)

    async def body(pilot):  # type: ignore[no-untyped-def]
        assert "FOLLOW" in app.query_one("BoardHeader").live
        atomic_write(path, path.read_text(encoding="utf-8") + NEW_EVENT)
        assert await until(pilot, lambda: app.reloads == 1)
        assert app.step == app.timeline.steps == 10
        assert "A new report comes in" in ui.content_of(app.query_one(EventPanel))
        await pilot.press("left")
        assert "FOLLOW" not in app.query_one("BoardHeader").live
        atomic_write(path, path.read_text(encoding="utf-8") + NEW_EVENT.replace("A new", "Another"))
        assert await until(pilot, lambda: app.reloads == 2)
        assert app.timeline.steps == 11 and app.step == 9  # not following: stays on its event
        await pilot.press("end")
        assert app.step == 11 and "FOLLOW" in app.query_one("BoardHeader").live

    ui.drive(app, body)


def test_a_broken_edit_keeps_the_picture_and_says_where_until_fixed(tmp_path, ui):
    path = copy(tmp_path)
    app = board(path, step=3)
    good = path.read_text(encoding="utf-8")

    async def body(pilot):  # type: ignore[no-untyped-def]
        before = ui.content_of(app.query_one(EventPanel))
        broken = good.replace("control: {hama: hts}", "control: {hamma: hts}")
        path.write_text(broken, encoding="utf-8")
        line = broken[: broken.index("hamma")].count("\n") + 1
        assert await until(pilot, lambda: "hamma" in error_bar(app, ui))
        assert f"{path}:{line}:" in error_bar(app, ui) and "did you mean 'hama'" in error_bar(app, ui)
        assert ui.content_of(app.query_one(EventPanel)) == before  # the last good picture stays
        assert app.step == 3
        atomic_write(path, good)
        assert await until(pilot, lambda: app.reloads == 1)
        assert not app.has_class("-problem")
        assert path.read_text(encoding="utf-8") == good  # the board never wrote to it

    ui.drive(app, body)


def test_a_hopeless_edit_counts_its_problems_as_a_floor(tmp_path, ui):
    """Past 10,000 problems the checker stops counting: the error bar says 'at least'."""
    path = copy(tmp_path)
    app = board(path)
    good = path.read_text(encoding="utf-8")
    towns = "".join(f"  - {{id: x{i}, name: X, lat: 100, lon: 200}}\n" for i in range(6000))

    async def body(pilot):  # type: ignore[no-untyped-def]
        atomic_write(path, good.replace("towns:\n", "towns:\n" + towns, 1))
        assert await until(pilot, lambda: "more problems" in error_bar(app, ui), seconds=8.0)
        assert "(+at least " in error_bar(app, ui)

    ui.drive(app, body)


def test_a_deleted_file_keeps_the_picture_and_is_picked_up_again(tmp_path, ui):
    path = copy(tmp_path)
    app = board(path, step=2)
    good = path.read_text(encoding="utf-8")

    async def body(pilot):  # type: ignore[no-untyped-def]
        path.unlink()
        assert await until(pilot, lambda: "gone" in error_bar(app, ui))
        assert app.step == 2 and app.timeline.steps == 9
        path.write_text(good + NEW_EVENT, encoding="utf-8")
        assert await until(pilot, lambda: app.reloads == 1)
        assert app.timeline.steps == 10 and not app.has_class("-problem")
        assert app.step == 2

    ui.drive(app, body)


def test_without_watching_nothing_is_reloaded(tmp_path, ui):
    path = copy(tmp_path)
    scenario = read(path)
    app = SitboardApp(Timeline(scenario))

    async def body(pilot):  # type: ignore[no-untyped-def]
        path.write_text(path.read_text(encoding="utf-8") + NEW_EVENT, encoding="utf-8")
        assert not await until(pilot, lambda: app.timeline.steps == 10, seconds=1.2)
        assert app.reloads == 0
        assert "LIVE" not in app.query_one("BoardHeader").live

    ui.drive(app, body)


def test_a_reload_is_announced_by_a_message(tmp_path, ui):
    path = copy(tmp_path)
    seen: list[object] = []
    app = board(path)

    async def body(pilot):  # type: ignore[no-untyped-def]
        atomic_write(path, path.read_text(encoding="utf-8") + NEW_EVENT)
        assert await until(pilot, lambda: app.reloads == 1)
        await pilot.pause()
        assert [m.steps for m in seen if isinstance(m, ScenarioReloaded)] == [10]

    ui.drive(app, body, message_hook=seen.append)


def test_a_reload_keeps_the_same_widgets_and_draws_what_a_fresh_board_draws(tmp_path, ui):
    """A reload swaps the scenario under the widgets (bound to the app's timeline) rather than rebuilding the screen."""
    path = copy(tmp_path)
    app = board(path, step=3)
    edited = (
        path.read_text(encoding="utf-8")
        .replace("name: Homs", "name: Homs (edited)")
        .replace("    mark: H\n", "    mark: H\n    color: '#0072B2'\n")
        + NEW_EVENT
    )
    pictures: list[str] = []

    async def body(pilot):  # type: ignore[no-untyped-def]
        before = [(widget, widget.id) for widget in app.screen.walk_children()]
        atomic_write(path, edited)
        assert await until(pilot, lambda: app.reloads == 1)
        await pilot.pause()
        assert [(widget, widget.id) for widget in app.screen.walk_children()] == before  # the very same objects
        assert any("Homs (edited)" in line for line in ui.screen_lines(app))
        pictures.append(app.export_screenshot())

    ui.drive(app, body)
    assert app.timeline.steps == 10
    fresh = board(path, step=app.step)

    async def look(pilot):  # type: ignore[no-untyped-def]
        pictures.append(fresh.export_screenshot())

    ui.drive(fresh, look)
    assert pictures[0] == pictures[1]


def test_an_appended_event_is_read_through_the_tail_and_drawn_as_a_fresh_board_draws_it(tmp_path, ui):
    path = copy(tmp_path)
    app = followed(path, step=9)
    pictures: list[str] = []

    async def body(pilot):  # type: ignore[no-untyped-def]
        with path.open("a", encoding="utf-8") as f:  # in place, as an importer appends
            f.write(NEW_EVENT.lstrip("\n"))
        assert await until(pilot, lambda: app.reloads == 1)
        assert isinstance(app.scenario.events, ExtendedEvents)  # only the new end was read
        assert app.step == app.timeline.steps == 10  # following the end
        assert "A new report comes in" in ui.content_of(app.query_one(EventPanel))
        await pilot.press("left", "right")
        await pilot.pause()
        pictures.append(app.export_screenshot())

    ui.drive(app, body)
    fresh = board(path, step=10)

    async def look(pilot):  # type: ignore[no-untyped-def]
        pictures.append(fresh.export_screenshot())

    ui.drive(fresh, look)
    assert pictures[0] == pictures[1]


def test_a_bad_appended_event_is_placed_where_check_places_it(tmp_path, ui):
    from tests.functional.test_cli import sitboard

    path = copy(tmp_path)
    app = followed(path, step=9)
    shown: list[str] = []

    async def body(pilot):  # type: ignore[no-untyped-def]
        with path.open("a", encoding="utf-8") as f:
            f.write(NEW_EVENT.lstrip("\n").replace("at: homs", "at: homz"))
        assert await until(pilot, lambda: "homz" in error_bar(app, ui))
        shown.append(error_bar(app, ui))

    ui.drive(app, body)
    checked = sitboard("check", path, cwd=tmp_path)
    assert checked.returncode == 2
    problem = (checked.stdout + checked.stderr).strip().splitlines()[0]
    assert problem.startswith(f"{path}:") and "did you mean 'homs'" in problem
    assert shown[0].startswith(problem)
    assert app.timeline.steps == 9  # the last good picture stays
