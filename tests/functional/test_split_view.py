"""The split view (`c`, `export --compare`): the same map view twice, an earlier moment left, this step right.

Changed towns are read from what each half drew (its frame's style keys and
the style it renders), so a half that marked the wrong towns, or drew the
wrong step, fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sitboard.app.app import SitboardApp
from sitboard.app.widgets.map_view import MapView
from sitboard.state import BoardState
from sitboard.timeline import Timeline
from tests.functional.conftest import BUNDLED
from tests.functional.test_map_widget import cell_of, settle, style_at

CHANGED = {"aleppo", "hama", "rastan", "talbiseh"}  # hands changed between 2024-11-27 and the last event


@pytest.fixture(autouse=True)
def _colour(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)


def halves(app: SitboardApp) -> tuple[MapView, MapView]:
    return app.query_one("#map-earlier", MapView), app.query_one("#map", MapView)


def marked(view: MapView) -> set[str]:
    """The towns this half drew hot, by the key of the cell each is drawn in."""
    return {
        town for (col, row), town in view._frame.town_cells.items() if view._frame.grid[row][col][1].endswith(":hot")
    }


def test_c_opens_the_split_view_at_a_date_marks_the_changes_on_both_and_follows_the_view(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=9))

    async def body(pilot):
        assert not app.query("#map-earlier")  # nothing of it until asked for
        await pilot.press("c", *"2024-11-29", "enter")
        await settle(pilot, 3)
        earlier, now = halves(app)
        assert earlier.display and earlier.shown_step == 1 and now.shown_step == 9
        # side by side, the same size, left and right
        assert earlier.region.width == now.region.width and earlier.region.right <= now.region.x
        assert marked(earlier) == marked(now) == CHANGED
        col, row = cell_of(earlier, "aleppo")
        assert earlier._frame.grid[row][col][1] == "town:city:gov:hot" and style_at(earlier, col, row).reverse
        col, row = cell_of(now, "aleppo")
        assert now._frame.grid[row][col][1] == "town:city:hts:hot" and style_at(now, col, row).reverse
        col, row = cell_of(now, "damascus")
        assert not now._frame.grid[row][col][1].endswith(":hot")  # held throughout: not marked
        assert str(earlier.border_title) == "then: 2024-11-27 (step 1)"
        assert str(now.border_title) == "now: 2024-12-06 (step 9)"
        # both halves follow zoom and pan
        home = now.view
        await pilot.press("plus", "shift+right")
        await settle(pilot)
        assert earlier.view == now.view != home
        # stepping back moves the right half only; what is marked follows
        await pilot.press("left", "left", "left", "left")
        await settle(pilot)
        assert (earlier.shown_step, now.shown_step) == (1, 5)
        assert marked(earlier) == marked(now) == CHANGED
        await pilot.press("left", "left")
        await settle(pilot)
        assert marked(earlier) == marked(now) == {"aleppo", "hama"}
        # c again closes it
        await pilot.press("c")
        await settle(pilot)
        assert not earlier.display and app.state.compare is None
        assert now.border_title is None

    ui.drive(app, body)


def export(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SITBOARD_DEBUG")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "sitboard", "export", str(BUNDLED), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("flags", "env"), [(("--ascii",), {}), ((), {"NO_COLOR": "1"})], ids=["ascii", "no-color"])
def test_export_compare_draws_both_halves_with_each_side_s_holders(flags, env):
    r = export("--format", "txt", "--compare", "2024-11-29", "--size", "140x40", *flags, env_extra=env)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    lines = r.stdout.splitlines()
    top = next(i for i, line in enumerate(lines) if "then: 2024-11-27 (step 1)" in line)
    assert "now: 2024-12-06 (step 9)" in lines[top]
    middle = lines[top].index("now:") - 1
    # each half names Aleppo with its holder's mark at that moment: G then, H now
    row = next(line for line in lines if line.count("Aleppo") >= 2)
    left, right = row[:middle], row[middle:]
    assert "G Aleppo" in left and "H Aleppo" in right
    if "--ascii" in flags:
        assert r.stdout.isascii()


def test_compare_is_only_for_pictures_and_a_bad_moment_is_a_usage_error():
    r = export("--format", "md", "--compare", "1")
    assert r.returncode == 2 and "--compare draws the split view" in r.stderr
    r = export("--format", "svg", "--compare", "someday")
    assert r.returncode == 2 and "--compare 'someday': expected a number" in r.stderr and r.stdout == ""
