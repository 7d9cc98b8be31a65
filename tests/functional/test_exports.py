"""`sitboard export` in every format, and the board's own screenshot key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitboard.app.app import SitboardApp
from sitboard.app.launch import read
from sitboard.state import BoardState
from sitboard.timeline import Timeline

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"


def sitboard(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitboard", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_txt_is_the_board_at_that_step_and_size():
    run = sitboard("export", str(BUNDLED), "--format", "txt", "--step", "3", "--size", "100x30")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 30 and max(len(line) for line in lines) <= 100
    assert "Central Syria offensive" in lines[0] and "step 3 / 9" in lines[0]
    assert "Army reportedly withdraws from" in run.stdout and "CONFIRMED" in run.stdout


def test_txt_in_ascii_mode_is_ascii():
    run = sitboard("export", str(BUNDLED), "--format", "txt", "--ascii", "--size", "80x24")
    assert run.returncode == 0, run.stderr
    assert run.stdout.isascii() and "step 9 / 9" in run.stdout


def test_svg_goes_to_a_file_and_shows_the_board(tmp_path):
    out = tmp_path / "board.svg"
    run = sitboard("export", str(BUNDLED), "--format", "svg", "--step", "5", "-o", str(out))
    assert run.returncode == 0, run.stderr
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "Rastan" in svg and "Talbiseh" in svg


def test_a_bad_size_is_a_usage_error():
    run = sitboard("export", str(BUNDLED), "--format", "txt", "--size", "huge")
    assert run.returncode == 2 and "160x50" in run.stderr and "Traceback" not in run.stderr


BAD_OPTIONS = {
    "unknown theme": (["--theme", "solarized"], "unknown theme 'solarized'"),
    "a Textual theme sitboard does not offer": (["--theme", "nord"], "unknown theme 'nord'"),
    "too small to draw": (["--size", "40x12"], "size 40x12 is outside 60x16"),
    "too large": (["--size", "1001x50"], "size 1001x50 is outside"),
    "past the last step": (["--step", "10"], "--step 10 is past the last event"),
    "not a step": (["--step", "two"], "expected a step number or 'end'"),
}


@pytest.mark.parametrize("fmt", ["svg", "txt"])
@pytest.mark.parametrize("case", BAD_OPTIONS, ids=lambda c: c.replace(" ", "-"))
def test_an_option_the_picture_cannot_be_drawn_with_is_a_sentence_and_exit_2_with_nothing_drawn(tmp_path, fmt, case):
    """An unknown theme was a toast in the picture and exit 0; a tiny size drew the "too small" notice."""
    args, sentence = BAD_OPTIONS[case]
    out = tmp_path / f"board.{fmt}"
    for where in ([], ["-o", str(out)]):
        run = sitboard("export", str(BUNDLED), "--format", fmt, *args, *where)
        assert run.returncode == 2, (args, run.returncode, run.stderr)
        assert run.stdout == "" and not out.exists()
        assert sentence in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("case", ["unknown theme", "past the last step", "not a step"])
def test_the_board_refuses_the_same_options_before_it_opens(case):
    args, sentence = BAD_OPTIONS[case]
    run = sitboard(str(BUNDLED), *args)
    assert run.returncode == 2 and run.stdout == ""  # the board never drew a frame
    assert sentence in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["present", str(BUNDLED)],
        ["follow", "sitboard://127.0.0.1:9/not-a-token"],
        ["serve", str(BUNDLED)],
        ["record", str(BUNDLED), "-o", "unused.cast"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_that_draws_refuses_an_unknown_theme_before_anything_else(tmp_path, command):
    """`present`, `follow` and `record` took any theme name and drew with the default."""
    run = sitboard(*command, "--theme", "solarized", cwd=tmp_path)
    assert run.returncode == 2 and run.stdout == "", (command, run.stderr)
    assert "unknown theme 'solarized'" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_picture_exporter_refuses_what_it_cannot_draw_without_drawing():
    from sitboard.exports import ExportOptions, exporter

    for options in (ExportOptions(theme="solarized"), ExportOptions(size=(20, 10))):
        with pytest.raises(ValueError, match=r"unknown theme 'solarized'|size 20x10 is outside"):
            exporter("txt")(Timeline(read(BUNDLED)), BoardState(), options)


def test_the_s_key_saves_a_picture_where_sitboard_was_started(syria, ui, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = SitboardApp(Timeline(syria), BoardState(step=2))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("s")
        await pilot.pause()
        saved = list(tmp_path.glob("central_syria-step2-*.svg"))
        assert len(saved) == 1 and "Aleppo" in saved[0].read_text(encoding="utf-8")

    ui.drive(app, body, notifications=True)
    assert BUNDLED.exists()  # and nothing else was touched: only the new file is in tmp_path
    assert [p.suffix for p in tmp_path.iterdir()] == [".svg"]


def test_json_still_the_default(tmp_path):
    run = sitboard("export", str(BUNDLED))
    assert run.returncode == 0
    assert json.loads(run.stdout)["step"] == 9


def test_md_is_a_briefing_up_to_the_step():
    run = sitboard("export", str(BUNDLED), "--format", "md", "--step", "5")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# Central Syria offensive")
    assert "Insurgents enter Rastan and Talbiseh" in run.stdout  # step 5
    assert "Insurgents about 5 kilometers from Homs" not in run.stdout  # step 6: not yet


def test_geojson_opens_in_a_gis():
    run = sitboard("export", str(BUNDLED), "--format", "geojson")
    assert run.returncode == 0, run.stderr
    collection = json.loads(run.stdout)
    assert collection["type"] == "FeatureCollection"
    homs = next(f for f in collection["features"] if f["properties"].get("id") == "homs")
    assert homs["geometry"] == {"type": "Point", "coordinates": [36.7256, 34.7241]}  # [lon, lat]
    flows = [f for f in collection["features"] if f["properties"].get("layer") == "flow"]
    # One figure shared by Damascus and the coast: one feature, a line to each destination.
    assert [f["geometry"]["type"] for f in flows] == ["MultiLineString"]
    assert len(flows[0]["geometry"]["coordinates"]) == 2 and flows[0]["properties"]["people"] is None
    assert all(
        f["properties"]["marker-color"].startswith("#")
        for f in collection["features"]
        if f["properties"].get("layer") == "town"
    )


def test_schema_is_printed_and_accepts_the_bundled_scenario():
    run = sitboard("schema")
    assert run.returncode == 0, run.stderr
    schema = json.loads(run.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema = __import__("pytest").importorskip("jsonschema")
    import yaml

    def plain(value):  # YAML dates to the strings they were written as
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat() if hasattr(value, "isoformat") else value

    jsonschema.validate(plain(yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))), schema)
