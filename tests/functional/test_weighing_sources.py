"""Weighing sources (issue 19): `sitboard check` warns of claims resting on too little, `--strict` refuses them,
and the board marks a change of hands told only by the side that gains it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sitboard.panels.event import event as event_panel
from sitboard.panels.header import headline
from sitboard.panels.styled import plain
from sitboard.panels.words import Words
from sitboard.scenario.loader import parse_scenario
from sitboard.timeline import Timeline

SCENARIO = textwrap.dedent(
    """\
    sitboard: 1
    title: Weighing
    factions:
      - {id: gov, name: Government}
      - {id: reb, name: Rebels}
    towns:
      - {id: a, name: Alpha, lat: 34.0, lon: 36.0, control: gov}
      - {id: b, name: Beta, lat: 34.5, lon: 36.5, control: gov}
    sources:
      - {id: rebtv, name: Rebel TV, affiliation: reb}
      - {id: wire, name: A wire agency}
    events:
      - time: 2024-12-01
        title: Rebels say they took Alpha
        control: {a: reb}
        sources: [rebtv]
        confidence: reported
      - time: 2024-12-02
        title: Beta falls
        control: {b: reb}
        sources: [rebtv, wire]
        confidence: confirmed
      - time: 2024-12-02
        title: Beta holds
        control: {b: gov}
        sources: [wire]
        confidence: confirmed
    """
)


def sitboard(*args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "sitboard", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert "Traceback" not in run.stdout + run.stderr
    return run


def test_check_warns_with_file_line_col_and_passes(tmp_path: Path):
    f = tmp_path / "w.yaml"
    f.write_text(SCENARIO, encoding="utf-8")
    run = sitboard("check", str(f))
    assert run.returncode == 0, run.stderr
    assert "ok, 2 towns, 3 events, 2 factions, 3 warning(s)" in run.stdout
    lines = run.stderr.splitlines()
    assert lines == [
        f"{f}:13:5: warning: events[0].control.a: 'Alpha' changes hands to reb only on the word of sources close to "
        "reb (rebtv): add a source not close to the side that gains it",
        f"{f}:23:5: warning: events[2].control.b: gives 'Beta' to gov at 2024-12-02, the same time as events[1] "
        "(line 18) gives it to reb: which held it?",
        f"{f}:23:5: warning: events[2].confidence: 'confirmed' rests on one source (wire): confirmation takes at "
        "least two",
    ]
    assert f.read_text(encoding="utf-8") == SCENARIO


def test_strict_makes_warnings_errors(tmp_path: Path):
    f = tmp_path / "w.yaml"
    f.write_text(SCENARIO, encoding="utf-8")
    run = sitboard("check", "--strict", str(f))
    assert run.returncode == 2
    assert run.stderr.count(": error: ") == 3 and ": warning: " not in run.stderr
    assert "ok" not in run.stdout


def test_a_second_source_or_a_change_that_is_no_gain_is_not_warned(tmp_path: Path):
    fixed = SCENARIO.replace("sources: [rebtv]\n", "sources: [rebtv, wire]\n").replace(
        "    sources: [wire]\n    confidence: confirmed\n", "    sources: [wire]\n    confidence: reported\n"
    )
    fixed = fixed.replace("time: 2024-12-02\n    title: Beta holds", "time: 2024-12-03\n    title: Beta holds")
    f = tmp_path / "fine.yaml"
    f.write_text(fixed, encoding="utf-8")
    run = sitboard("check", "--strict", str(f))
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert run.stdout.strip() == f"{f}: ok, 2 towns, 3 events, 2 factions"


def test_the_bundled_scenario_passes_strict():
    run = sitboard("check", "--strict", str(Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"))
    assert run.returncode == 0, run.stderr


def test_the_board_marks_a_self_sourced_change_next_to_its_confidence_word():
    timeline = Timeline(parse_scenario(SCENARIO, "w.yaml"))
    words = Words(timeline.scenario)
    first, second = timeline.state_at(1), timeline.state_at(2)
    assert "REPORTED   self-sourced" in plain(event_panel(first, words))
    assert "REPORTED   self-sourced" in plain(headline(first, words))
    assert "self-sourced" not in plain(event_panel(second, words))  # a wire agency tells it too
