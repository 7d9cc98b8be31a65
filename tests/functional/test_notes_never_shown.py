"""Speaker notes reach `export --format md --notes` and nothing else, at any step.

Every event of the shared extended scenario has notes containing `NOTE`, a word
found nowhere else in the file; every other output of the command line (json,
geojson, md, svg, txt in colour and ASCII, check) and the board itself (the
ordinary board, presentation mode, a town's history) is searched for it at every
step, and must never contain it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from extended_scenario import EXTENDED, NOTE

from sitboard.app.app import SitboardApp
from sitboard.app.screens import TownScreen
from sitboard.exports import formats
from sitboard.scenario.loader import parse_scenario
from sitboard.state import BoardState
from sitboard.timeline import Timeline

STEPS = 3  # events in the extended scenario


def sitboard(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "sitboard", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("notes") / "extended.yaml"
    path.write_text(EXTENDED, encoding="utf-8")
    return path


def test_md_with_notes_shows_them(scenario_file):
    result = sitboard("export", scenario_file, "--format", "md", "--notes", cwd=scenario_file.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(NOTE) == STEPS
    one = sitboard("export", scenario_file, "--format", "md", "--notes", "--step", "1", cwd=scenario_file.parent)
    assert one.stdout.count(NOTE) == 1


EXPORTS = formats()  # every format in the registry, so that a new one is searched too


@pytest.mark.parametrize("fmt", [f for f in EXPORTS if f != "md"])
def test_notes_go_with_md_only(scenario_file, fmt):
    result = sitboard("export", scenario_file, "--format", fmt, "--notes", cwd=scenario_file.parent)
    assert result.returncode == 2 and result.stdout == ""
    assert "--notes goes with --format md" in result.stderr and NOTE not in result.stderr


@pytest.mark.parametrize("step", range(STEPS + 1))
@pytest.mark.parametrize("fmt", [*EXPORTS, "txt --ascii"])
def test_no_other_export_shows_notes(scenario_file, fmt, step):
    fmt, *more = fmt.split()
    result = sitboard(
        "export",
        scenario_file,
        "--format",
        fmt,
        "--step",
        str(step),
        "--size",
        "200x60",
        *more,
        cwd=scenario_file.parent,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout and NOTE not in result.stdout and NOTE not in result.stderr
    if fmt == "md":
        assert "Notes for the briefer" not in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        *[["narrate", "--step", str(step)] for step in range(STEPS + 1)],
        *[["diff", "--from", "start", "--to", "end", "--format", fmt] for fmt in ("txt", "md", "json")],
    ],
)
def test_the_story_commands_do_not_show_notes(scenario_file, command):
    result = sitboard(command[0], scenario_file, *command[1:], cwd=scenario_file.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout and NOTE not in result.stdout + result.stderr


def test_a_recording_does_not_show_notes(scenario_file):
    out = scenario_file.parent / "brief.cast"
    result = sitboard(
        "record", scenario_file, "-o", out, "--fixed-clock", "--interval", "0.5", cwd=scenario_file.parent
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size and NOTE not in out.read_text(encoding="utf-8") + result.stdout + result.stderr


def test_check_does_not_show_notes(scenario_file):
    result = sitboard("check", scenario_file, cwd=scenario_file.parent)
    assert result.returncode == 0 and NOTE not in result.stdout + result.stderr


@pytest.mark.parametrize("present", [False, True])
def test_the_board_never_shows_notes(ui, present):
    scenario = parse_scenario(EXTENDED, "extended.yaml")
    app = SitboardApp(Timeline(scenario), BoardState(present=present))

    async def body(pilot):
        seen = ["\n".join(ui.screen_lines(app))]
        for _ in range(STEPS):
            await pilot.press("right")
            await pilot.pause()
            seen.append("\n".join(ui.screen_lines(app)))
        assert app.state.step == STEPS
        if not present:
            app.push_screen(TownScreen(app.look, app.timeline, "homs", app.state.step))
            await pilot.pause()
            seen.append("\n".join(ui.screen_lines(app)))
        assert seen[0] != seen[-1]  # the screen did change: the search looked at every step
        assert not [n for n, screen in enumerate(seen) if NOTE in screen]

    ui.drive(app, body, size=(200, 60))
