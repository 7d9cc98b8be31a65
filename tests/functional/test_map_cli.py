"""The map's switches through the command line: right-to-left names in exports, --areas, --hide."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitboard.geo.text import terminal_reorders

GEZIRA = Path(__file__).resolve().parents[2] / "scenarios" / "gezira_2023.yaml"
LOGICAL = "Sennar سنار"  # as the file writes it
VISUAL = "Sennar رانس"  # what a terminal that does no bidi is given


def sitboard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitboard", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("fmt", ["txt", "svg"])
def test_exports_keep_right_to_left_names_in_logical_order(fmt: str, tmp_path: Path) -> None:
    # A browser, cairo or an editor does its own bidi: a name given in visual order would be reversed again.
    out = tmp_path / f"gezira.{fmt}"
    run = sitboard("export", str(GEZIRA), "--format", fmt, "--size", "160x50", "-o", str(out))
    assert run.returncode == 0, run.stderr
    written = out.read_text(encoding="utf-8")
    if fmt == "svg":  # Rich writes each run of text on its own: compare the Arabic words
        assert "سنار" in written and "رانس" not in written
    else:
        assert LOGICAL in written and VISUAL not in written


def test_the_terminal_says_whether_sitboard_reorders() -> None:
    assert terminal_reorders("on", {"KONSOLE_VERSION": "230800"})
    assert not terminal_reorders("off", {})
    assert terminal_reorders("auto", {"TERM": "xterm-256color"})
    assert not terminal_reorders("auto", {"KONSOLE_VERSION": "230800", "TERM": "xterm-256color"})
    assert not terminal_reorders("auto", {"TERM": "mlterm"})


def test_a_bad_bidi_or_layer_is_a_usage_error() -> None:
    run = sitboard("--bidi", "sometimes", str(GEZIRA))
    assert run.returncode == 2 and "--bidi" in run.stderr
    run = sitboard("export", str(GEZIRA), "--format", "txt", "--hide", "roads")
    assert run.returncode == 2 and "no context layer 'roads'" in run.stderr and "Traceback" not in run.stderr


def test_areas_and_layers_switch_on_export() -> None:
    syria = GEZIRA.parent / "central_syria.yaml"
    shown = sitboard("export", str(syria), "--format", "txt", "--size", "160x50", "--areas", "on").stdout
    hidden = sitboard(
        "export", str(syria), "--format", "txt", "--size", "160x50", "--areas", "off", "--hide", "countries"
    ).stdout
    assert "Areas on" in shown and "Areas off" in hidden
    assert "SYRIA" in shown and "SYRIA" not in hidden
