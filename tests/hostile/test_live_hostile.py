"""Live reload against a hostile file system and hostile text.

The board watches its file. Whatever happens to it (saved faster than it can
be read, made unreadable and readable again, replaced by something whose read
never returns, or edited into an error that quotes markup), the board keeps
running, reads at most once at a time, and can always be quit.

The board is given a source whose reads the test controls where it needs to
hold one open (a read that blocks, as a FIFO's would); the file itself is
always real.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

from functional.conftest import SMALL, drive, screen_lines
from functional.test_live import atomic_write, until

from sitboard.app.app import SitboardApp
from sitboard.app.launch import read
from sitboard.scenario.errors import Problem, ScenarioError
from sitboard.scenario.model import Scenario
from sitboard.scenario.source import ScenarioSource
from sitboard.state import BoardState
from sitboard.timeline import Timeline

real_read = read


def event(n: int, title: str = "Report") -> str:
    return f"  - time: 2024-02-{n:02d}\n    title: {title} {n}\n    sources: [wire]\n"


def board(path: Path, reread: Callable[[str], Scenario], step: int = 0) -> SitboardApp:
    """The board for `path`, reading it again with `reread` when it changes (a stand-in that holds or fails reads)."""
    return SitboardApp(Timeline(real_read(path)), BoardState(step=step), source=ScenarioSource(path, reader=reread))


def error_bar(app: SitboardApp) -> str:
    if not app.has_class("-problem"):
        return ""
    return app.query_one("#error-bar").render().plain  # type: ignore[union-attr]


def test_saves_during_a_slow_read_start_one_more_read_not_one_each(tmp_path):
    """A 27 MB file saved every half second ran nine parses at once (1 GB to 3.5 GB)."""
    path = tmp_path / "brief.yaml"
    path.write_text(SMALL, encoding="utf-8")
    gate = threading.Event()
    lock = threading.Lock()
    reading, most, reads = 0, 0, 0

    def slow_read(file):  # type: ignore[no-untyped-def]
        nonlocal reading, most, reads
        with lock:
            reading, reads = reading + 1, reads + 1
            most = max(most, reading)
        try:
            gate.wait(20)
            return real_read(file)
        finally:
            with lock:
                reading -= 1

    app = board(path, slow_read)
    saves = 5

    async def body(pilot):  # type: ignore[no-untyped-def]
        text = SMALL
        for n in range(1, saves + 1):
            text += event(n)
            atomic_write(path, text)
            if n == 1:
                assert await until(pilot, lambda: reads == 1, seconds=10)
            else:
                await pilot.pause(0.8)  # long enough for the watcher to see each save on its own
        gate.set()
        assert await until(pilot, lambda: app.timeline.steps == 4 + saves and reading == 0, seconds=10)
        await pilot.pause(0.3)
        assert app.scenario.events[-1].title == f"Report {saves}" and not app.has_class("-problem")

    try:
        drive(app, body)
    finally:
        gate.set()
    assert most == 1, f"{most} reads ran at once"
    assert reads <= 3, f"{reads} reads for {saves} saves"
    assert app.crash is None


def test_a_file_made_readable_again_is_read_again_without_an_edit(tmp_path):
    """After `chmod 000`, a save, and `chmod 644`, the error bar stayed until the next edit."""
    path = tmp_path / "brief.yaml"
    path.write_text(SMALL, encoding="utf-8")

    def read_as_a_user(file):  # type: ignore[no-untyped-def]
        # Root reads a file whatever its mode: refuse as any other user would be refused.
        if not os.stat(file).st_mode & stat.S_IRUSR:
            raise ScenarioError([Problem(str(file), 1, 1, "", "permission denied while reading the file")])
        return real_read(file)

    app = board(path, read_as_a_user)

    async def body(pilot):  # type: ignore[no-untyped-def]
        os.chmod(path, 0)
        bump = path.stat().st_mtime_ns + 10**9
        os.utime(path, ns=(bump, bump))  # a save while unreadable: the read fails
        assert await until(pilot, lambda: "permission denied" in error_bar(app), seconds=10)
        os.chmod(path, 0o644)
        assert await until(pilot, lambda: not app.has_class("-problem"), seconds=10), error_bar(app)
        assert app.reloads == 1

    try:
        drive(app, body)
    finally:
        os.chmod(path, 0o644)


def test_a_read_that_never_returns_does_not_keep_the_board_from_quitting(tmp_path):
    """A watched file replaced by a FIFO made the board unquittable: `q` waited for the read."""
    path = tmp_path / "brief.yaml"
    path.write_text(SMALL, encoding="utf-8")
    entered, released, returned = threading.Event(), threading.Event(), threading.Event()

    def stuck_read(file):  # type: ignore[no-untyped-def]
        entered.set()
        released.wait(30)
        returned.set()
        return real_read(file)

    app = board(path, stuck_read)
    # A board that waits for the read would wait forever: this lets it go, late, so the test fails instead.
    valve = threading.Timer(15, released.set)
    valve.start()

    async def body(pilot):  # type: ignore[no-untyped-def]
        atomic_write(path, SMALL + event(1))
        assert await until(pilot, entered.is_set, seconds=10)
        await pilot.press("q")

    try:
        drive(app, body)
        assert not returned.is_set(), "the board waited for the read to end before quitting"
        assert app.return_code in (None, 0) and app.crash is None
    finally:
        released.set()
        valve.cancel()


def test_a_read_that_fails_unexpectedly_is_shown_and_the_board_keeps_its_picture(tmp_path):
    """Only ScenarioError was expected from a read; anything else stopped the board."""
    path = tmp_path / "brief.yaml"
    path.write_text(SMALL, encoding="utf-8")

    def broken_read(file):  # type: ignore[no-untyped-def]
        raise ValueError("Exceeds the limit (4300 digits) for integer string conversion [/]")

    app = board(path, broken_read, step=1)

    async def body(pilot):  # type: ignore[no-untyped-def]
        atomic_write(path, SMALL + event(1))
        assert await until(pilot, lambda: "4300 digits" in error_bar(app), seconds=10)
        assert "[/]" in error_bar(app) and app.timeline.steps == 4 and app.step == 1

    drive(app, body)
    assert app.crash is None


# -- what a reload shows: file names and errors as written ----------------------------------


def test_an_error_that_quotes_markup_is_shown_in_the_error_bar(tmp_path):
    """A live edit whose error quoted `[/]` stopped the board instead of showing the bar;
    and `brief [draft].yaml` was shown as `brief .yaml`."""
    path = tmp_path / "brief [draft].yaml"
    path.write_text(SMALL, encoding="utf-8")
    app = board(path, real_read)

    async def body(pilot):  # type: ignore[no-untyped-def]
        atomic_write(path, SMALL.replace("control: {north: blue}", 'control: {north: "[/] side [sic]"}'))
        assert await until(pilot, lambda: "unknown holder" in error_bar(app), seconds=10)
        assert f"{path}:21:" in error_bar(app)
        assert "'[/] side [sic]'" in error_bar(app)
        await pilot.pause()
        on_screen = " ".join(line.strip() for line in screen_lines(app)[:8])  # the bar wraps a long path
        assert "'[/] side [sic]'" in on_screen

    drive(app, body)
    assert app.crash is None


def test_the_reload_toast_names_the_file_as_written(tmp_path):
    path = tmp_path / "brief [draft] [@click=app.quit].yaml"
    path.write_text(SMALL, encoding="utf-8")
    app = board(path, real_read)

    async def body(pilot):  # type: ignore[no-untyped-def]
        atomic_write(path, SMALL + event(1))
        assert await until(pilot, lambda: app.reloads == 1, seconds=10)
        await pilot.pause()
        assert any("Reloaded brief [draft] [@click=app.quit].yaml: 5 events" in line for line in screen_lines(app))

    drive(app, body, notifications=True)
    assert app.crash is None
