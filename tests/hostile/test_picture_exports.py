"""The board as a picture: a valid file, or no file and an exit code that says so.

`export --format svg|txt` runs the board headless. A control character in a
name made the SVG invalid XML, and a board that failed while drawing still
exited 0 with whatever it had drawn. Through the command line in a
subprocess, as a briefer runs it.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from functional.conftest import SMALL, drive, scenario_from
from functional.test_exports import sitboard
from functional.test_live import until
from strategies import XML_INVALID, Texts, scenario_yaml

from sitboard.app.app import SitboardApp
from sitboard.state import BoardState
from sitboard.timeline import Timeline

# Characters a terminal or XML would choke on, one in each kind of text the picture shows.
NASTY = (*XML_INVALID, "\x85", "\x9b2J", "\x1b]0;owned\x07", "\u202e", "\x7f")


def nasty_scenario(tmp_path: Path) -> Path:
    texts = iter(f"Text {i} {ch} [/] end" for i, ch in enumerate(NASTY * 3))
    path = tmp_path / "nasty.yaml"
    path.write_text(scenario_yaml(Texts(lambda: next(texts))), encoding="utf-8")
    return path


def assert_xml(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on a character XML cannot hold
    assert root.tag.endswith("svg")
    return root


@pytest.mark.parametrize("extra", [[], ["--ascii"], ["--step", "0", "--size", "60x16"]])
def test_svg_export_is_xml_whatever_the_names_hold(tmp_path, extra):
    path = nasty_scenario(tmp_path)
    run = sitboard("export", str(path), "--format", "svg", *extra)
    assert run.returncode == 0, run.stderr
    root = assert_xml(run.stdout)
    shown = "".join(root.itertext()).replace("\xa0", " ")
    assert "Text 0 " in shown and "[/] end" in shown


def test_the_s_key_saves_xml_whatever_the_names_hold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario = scenario_from(nasty_scenario(tmp_path).read_text(encoding="utf-8"), "nasty.yaml")
    app = SitboardApp(Timeline(scenario), BoardState(step=1))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("s")
        assert await until(pilot, lambda: any(tmp_path.glob("nasty-step1-*.svg")), seconds=10)

    drive(app, body)
    (saved,) = tmp_path.glob("nasty-step1-*.svg")
    assert_xml(saved.read_text(encoding="utf-8"))


def test_an_unknown_theme_is_named_as_written_and_nothing_is_drawn(tmp_path):
    """`--theme '[/]'` stopped the headless board (exit 1); then it was a toast in the picture (exit 0).

    Now it is a usage error before anything is drawn (issue 17), the name quoted
    as written and cleaned for the terminal.
    """
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    for fmt in ("txt", "svg"):
        run = sitboard("export", str(path), "--format", fmt, "--theme", "[/] [sic]\x1b]0;owned\x07", "--size", "120x40")
        assert run.returncode == 2 and run.stdout == "", run.stderr
        assert "unknown theme '[/] [sic]" in run.stderr
        assert "\x1b" not in run.stderr and "\x07" not in run.stderr


# A board that fails while it draws: a panel that cannot describe its step.
FAILING_PANEL = """\
import sys
from sitboard.app.widgets.control_panel import ControlPanel
def describe(self, *situation_and_words):
    raise RuntimeError("the panel broke [/]")
ControlPanel.describe = describe
from sitboard.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("fmt", ["svg", "txt"])
def test_a_board_that_fails_while_drawing_writes_nothing_and_exits_1(tmp_path, fmt):
    """The headless board crashed and `export` still exited 0 with what it had drawn."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    out = tmp_path / f"board.{fmt}"
    run = subprocess.run(
        [sys.executable, "-c", FAILING_PANEL, "export", str(path), "--format", fmt, "-o", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert run.returncode == 1, (run.returncode, run.stderr)
    assert not out.exists() and run.stdout == ""
    assert "the panel broke [/]" in run.stderr and "Traceback" not in run.stderr
    assert f"no {fmt} written" in run.stderr


def test_a_total_too_long_to_print_is_drawn_or_refused_never_a_failure(tmp_path):
    """Two populations of 4,300 digits add up to one digit more than Python will print."""
    path = tmp_path / "numbers.yaml"
    huge = "9" * 4300
    path.write_text(scenario_yaml(Texts.every("Plain"), population=huge, people=huge), encoding="utf-8")
    for fmt in ("txt", "svg"):
        run = sitboard("export", str(path), "--format", fmt, "--step", "1")
        assert run.returncode in (0, 2), run.stderr  # drawn, or refused by the checker: never exit 1
        assert "internal error" not in run.stderr
        if run.returncode == 0 and fmt == "svg":
            assert_xml(run.stdout)
