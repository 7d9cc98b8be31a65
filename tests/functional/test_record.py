"""`sitboard record` as a user runs it (no terminal: the test's subprocess has none): an asciicast v2 file with chapters."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.functional.test_cli import raw, sitboard

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def parse_cast(data: bytes) -> tuple[dict[str, Any], list[list[Any]]]:
    """An asciicast v2 file read by its specification: a header object, then one [time, code, data] event per line."""
    lines = data.decode("utf-8").split("\n")
    assert lines[-1] == "", "the file ends with a newline"
    header = json.loads(lines[0])
    assert isinstance(header, dict) and header["version"] == 2
    assert isinstance(header["width"], int) and isinstance(header["height"], int)
    events = [json.loads(line) for line in lines[1:-1]]
    last = 0.0
    for event in events:
        assert isinstance(event, list) and len(event) == 3, event
        at, code, text = event
        assert isinstance(at, float | int) and at >= last, "times never go back"
        assert code in ("o", "m") and isinstance(text, str)
        last = at
    return header, events


def expected_chapters(data: dict[str, Any]) -> list[str]:
    """`date title` per step, from the raw file (the start is `start` and the scenario's title)."""
    return [f"start {data['title']}"] + [f"{e['time']} {e['title']}" for e in data["events"]]


def test_a_recording_has_one_chapter_per_step_and_the_same_bytes_every_run(bundled_copy: Path, tmp_path: Path) -> None:
    data = raw(bundled_copy)
    casts = []
    for name in ("a.cast", "b.cast"):
        r = sitboard("record", bundled_copy.name, "-o", name, "--fixed-clock", "--size", "120x40", cwd=tmp_path)
        assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
        casts.append((tmp_path / name).read_bytes())
    assert casts[0] == casts[1]
    header, events = parse_cast(casts[0])
    assert (header["width"], header["height"]) == (120, 40) and "timestamp" not in header
    markers = [e for e in events if e[1] == "m"]
    assert [m[2] for m in markers] == expected_chapters(data)
    assert [m[0] for m in markers] == [2.0 * k for k in range(len(data["events"]) + 1)]
    # each chapter starts with the board at that step, drawn whole
    frames = [e for e in events if e[1] == "o" and "\x1b[2J" in e[2]]
    assert len(frames) == len(markers)
    n = len(data["events"])
    for step, ((at, _, _), (frame_at, _, frame)) in enumerate(zip(markers, frames)):
        assert frame_at == at
        assert f"step {step} / {n}" in ANSI.sub("", frame)  # the header of the board at that step
    assert "Insurgents say they will march on Homs" in ANSI.sub("", frames[-1][2])


def test_a_window_interval_and_clock(bundled_copy: Path, tmp_path: Path) -> None:
    data = raw(bundled_copy)
    r = sitboard(
        "record",
        bundled_copy.name,
        "-o",
        "w.cast",
        "--from",
        "2",
        "--to",
        "2024-12-05",
        "--interval",
        "0.5",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    header, events = parse_cast((tmp_path / "w.cast").read_bytes())
    assert isinstance(header["timestamp"], int)  # without --fixed-clock the file says when it was made
    markers = [e for e in events if e[1] == "m"]
    assert [m[2] for m in markers] == expected_chapters(data)[2:5]
    assert [m[0] for m in markers] == [0.0, 0.5, 1.0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "x.cast", "--interval", "0"), "expected seconds from 0.1 to 3600"),
        (("-o", "x.cast", "--from", "5", "--to", "1"), "--from '5' is step 5, after --to '1'"),
        (("-o", "x.cast", "--size", "10"), "--size"),
        (
            (
                "-o",
                "central_syria.yaml",
            ),
            "central_syria.yaml",
        ),
    ],
)
def test_bad_options_are_usage_errors_and_write_nothing(
    bundled_copy: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    r = sitboard("record", bundled_copy.name, *args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert not (tmp_path / "x.cast").exists()
