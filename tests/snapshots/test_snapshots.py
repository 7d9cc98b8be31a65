"""What the board looks like, as SVG screenshots compared with accepted ones.

Regenerate after an intended change with
`pytest tests/snapshots --snapshot-update`, then look at the changed SVGs
(a failing run writes snapshot_report.html with both side by side).

Nothing here plays, animates or notifies, so the screens are the same on
every run: themes and steps are set by the constructor or by key presses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitboard.app.app import SitboardApp
from sitboard.app.launch import read
from sitboard.state import BoardState
from sitboard.timeline import Timeline

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"


@pytest.fixture(scope="module")
def syria():
    return read(BUNDLED)


@pytest.fixture(autouse=True)
def _stable_env(monkeypatch):
    # NO_COLOR turns map glyphs into faction letters; snapshots are taken in colour.
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.mark.parametrize("theme", ["textual-dark", "sitboard-high-contrast"])
@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
@pytest.mark.parametrize("steps", [0, 5], ids=["start", "step5"])
def test_board(snap_compare, syria, theme, size, steps):
    app = SitboardApp(Timeline(syria), theme_name=theme)
    assert snap_compare(app, terminal_size=size, press=["right"] * steps)


def test_ascii_map(snap_compare, syria):
    app = SitboardApp(Timeline(syria), ascii_only=True)
    assert snap_compare(app, terminal_size=(120, 40), press=["right"] * 3)


def test_presentation(snap_compare, syria):
    async def fall_of_hama(pilot):
        pilot.app.go_to(3)
        await pilot.pause()

    app = SitboardApp(Timeline(syria), BoardState(present=True))
    assert snap_compare(app, terminal_size=(160, 50), run_before=fall_of_hama)


@pytest.mark.parametrize("ascii_only", [False, True], ids=["unicode", "ascii"])
@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
def test_map_with_flows(snap_compare, syria, size, ascii_only):
    """The map alone (presentation mode) at the step where people flee Homs: arrows and their size."""

    async def flight_from_homs(pilot):
        pilot.app.go_to(8)
        await pilot.pause()

    app = SitboardApp(Timeline(syria), BoardState(present=True), ascii_only=ascii_only)
    assert snap_compare(app, terminal_size=size, run_before=flight_from_homs)


GEZIRA = BUNDLED.parent / "gezira_2023.yaml"  # Sudan: Arabic names, every control state, approximate places


@pytest.mark.parametrize("mode", ["colour", "no-color", "ascii"])
@pytest.mark.parametrize("size", [(80, 24), (160, 50), (250, 70)], ids=["80x24", "160x50", "250x70"])
@pytest.mark.parametrize(("path", "step"), [(BUNDLED, 5), (GEZIRA, 5)], ids=["syria", "gezira"])
def test_situation_map(snap_compare, monkeypatch, path, step, size, mode):
    """The board with areas of control, fronts, context and control states: in colour, without and in ASCII."""
    if mode == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = SitboardApp(Timeline(read(path)), BoardState(step=step, areas=True), ascii_only=mode == "ascii")
    assert snap_compare(app, terminal_size=size)
