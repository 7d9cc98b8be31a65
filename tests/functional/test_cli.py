"""The `sitboard` command as a user runs it: real processes, real files.

Every run checks that no traceback reaches the user; every test that is given a
scenario checks that the file is byte-for-byte what it was (nothing the user
wrote is ever modified).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from sitboard.scenario import bundled

BUNDLED = bundled.default_scenario()
# the console script installed next to this interpreter (as in the README's venv), else the one on PATH
SCRIPT = Path(sys.executable).with_name("sitboard")
if not SCRIPT.exists():
    SCRIPT = Path(shutil.which("sitboard") or SCRIPT)

FIXTURE = textwrap.dedent(
    """\
    # three steps, flows with and without figures
    sitboard: 1
    title: Fixture
    factions:
      - {id: gov, name: Government, color: red, mark: G}
      - {id: hts, name: Insurgents}
    towns:
      - {id: hama, name: Ḩamāh, lat: 35.13, lon: 36.76, kind: city, population: 900000, control: gov}
      - {id: homs, name: Homs, lat: 34.72, lon: 36.73, control: gov}
      - {id: idlib, name: Idlib, lat: 35.93, lon: 36.63, kind: town, population: 100000, control: hts}
    events:
      - time: 2024-12-01
        title: Fighting near Hama
        control: {hama: contested}
        flows: [{from: hama, to: homs, people: 12000, estimate: twelve thousand}]
      - time: 2024-12-05
        title: Hama falls
        control: {hama: hts}
        flows: [{from: hama, to: homs}]
      - time: 2024-12-06T10:00+02:00
        title: Homs status unclear
        control: {homs: unknown}
    """
)

BAD = textwrap.dedent(
    """\
    sitboard: 1
    title: Bad
    factions:
      - {id: gov, name: Government}
    towns:
      - {id: hama, name: Hama, lat: 95, lon: 36.76}
    events:
      - time: 2024-12-05
        title: t
        control: {hamz: gov}
    """
)
BAD_ERRORS = [
    "6:33: error: towns[0].lat: 95 is out of range: expected a number from -90 to 90",
    "10:15: error: events[0].control.hamz: unknown town 'hamz' (did you mean 'hama'?)",
]

ESCAPE = "\x1b"


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "SITBOARD_DEBUG"}
    e["PYTHONIOENCODING"] = "utf-8"
    return e


def sitboard(*args: object, cwd: Path, script: bool = False, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    if script and not SCRIPT.exists():
        pytest.skip("the `sitboard` console script is not installed")
    cmd = [str(SCRIPT)] if script else [sys.executable, "-m", "sitboard"]
    result = subprocess.run(
        cmd + [str(a) for a in args],
        cwd=cwd,
        env=env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    assert "internal error" not in result.stderr, result.stderr
    return result


class Files:
    """Scenario files in a temporary directory, and a check that none of them changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.before: dict[Path, bytes] = {}

    def add(self, name: str, content: str | bytes) -> Path:
        path = self.root / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        self.before[path] = path.read_bytes()
        return path

    def unchanged(self) -> None:
        for path, data in self.before.items():
            assert path.read_bytes() == data, f"{path} was modified"


@pytest.fixture
def files(tmp_path: Path):
    f = Files(tmp_path)
    yield f
    f.unchanged()


@pytest.fixture
def bundled_copy(files: Files) -> Path:
    return files.add("central_syria.yaml", BUNDLED.read_bytes())


def raw(path: Path) -> dict:
    """The file read with plain PyYAML: an oracle independent of sitboard's loader."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def replayed(data: dict, step: int) -> dict[str, str]:
    """Who holds each town after `step` events, replayed from the raw file."""
    holders = {t["id"]: t.get("control", "unknown") for t in data["towns"]}
    for event in data["events"][:step]:
        holders.update(event.get("control") or {})
    return holders


# -- check ---------------------------------------------------------------------------------


def test_check_the_bundled_scenario(bundled_copy, tmp_path):
    data = raw(bundled_copy)
    r = sitboard("check", bundled_copy.name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        f"central_syria.yaml: ok, {len(data['towns'])} towns, {len(data['events'])} events, "
        f"{len(data['factions'])} factions\n"
    )
    assert r.stderr == ""


def test_check_summary_format(files, tmp_path):
    path = files.add("fixture.yaml", FIXTURE)
    r = sitboard("check", path, cwd=tmp_path, script=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, f"{path}: ok, 3 towns, 3 events, 2 factions\n", "")


def test_check_several_files_one_invalid(files, bundled_copy, tmp_path):
    fixture = files.add("fixture.yaml", FIXTURE)
    bad = files.add("bad.yaml", BAD)
    r = sitboard("check", bundled_copy.name, bad.name, fixture.name, cwd=tmp_path)
    assert r.returncode == 2
    # the valid ones are still summarised, in order
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"central_syria\.yaml: ok, \d+ towns, \d+ events, \d+ factions", lines[0])
    assert lines[1] == "fixture.yaml: ok, 3 towns, 3 events, 2 factions"
    # the errors go to stderr, each with its position
    assert r.stderr.splitlines() == [f"bad.yaml:{e}" for e in BAD_ERRORS]


def test_check_missing_file_and_directory(tmp_path):
    r = sitboard("check", "nope.yaml", tmp_path, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [
        "nope.yaml:1:1: error: no such file",
        f"{tmp_path}:1:1: error: is a directory, expected a scenario file (.yaml)",
    ]


def test_check_needs_a_file(tmp_path):
    r = sitboard("check", cwd=tmp_path)
    assert r.returncode == 2 and "usage: sitboard check" in r.stderr


def test_check_undecodable_file(files, tmp_path):
    path = files.add("latin1.yaml", FIXTURE.replace("Ḩamāh", "Hamá").encode("latin-1"))
    r = sitboard("check", path.name, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "latin1.yaml:8:25: error: byte 0xe1 is not valid UTF-8: save the file as UTF-8\n"


# -- export ---------------------------------------------------------------------------------


def export(path: Path, *args: object, cwd: Path) -> dict:
    r = sitboard("export", path, "--format", "json", *args, cwd=cwd)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return json.loads(r.stdout)


def assert_spec_keys(doc: dict) -> None:
    for key in ("step", "steps", "time", "title", "towns", "changed", "flows", "displaced", "factions"):
        assert key in doc, key
    for town in doc["towns"]:
        assert {"id", "name", "lat", "lon", "kind", "population", "control"} <= set(town)
    for flow in doc["flows"]:
        assert {"from", "to", "people", "estimate", "step"} <= set(flow)
    assert {"people", "unquantified", "by_origin", "by_destination"} <= set(doc["displaced"])


def test_export_defaults_to_the_last_step(bundled_copy, tmp_path):
    data = raw(bundled_copy)
    doc = export(bundled_copy, cwd=tmp_path)
    assert_spec_keys(doc)
    n = len(data["events"])
    assert doc["step"] == doc["steps"] == n
    assert doc["title"] == data["events"][-1]["title"]
    assert doc["time"] == str(data["events"][-1]["time"])
    assert [t["id"] for t in doc["towns"]] == [t["id"] for t in data["towns"]]
    assert [f["id"] for f in doc["factions"]] == [f["id"] for f in data["factions"]]
    assert {t["id"]: t["control"] for t in doc["towns"]} == replayed(data, n)
    assert doc == export(bundled_copy, "--step", "end", cwd=tmp_path)


def test_export_step_zero(bundled_copy, tmp_path):
    data = raw(bundled_copy)
    doc = export(bundled_copy, "--step", "0", cwd=tmp_path)
    assert_spec_keys(doc)
    assert (doc["step"], doc["steps"], doc["time"], doc["title"]) == (0, len(data["events"]), None, None)
    assert doc["changed"] == [] and doc["flows"] == []
    # no flow yet: no figure, so null, never 0 (issue 19)
    assert doc["displaced"]["people"] is None and doc["displaced"]["unquantified"] == 0
    assert doc["displaced"]["estimates"] == [] and doc["displaced"]["text"] == "none recorded"
    assert {t["id"]: t["control"] for t in doc["towns"]} == replayed(data, 0)


def test_export_step_three_of_the_bundled_scenario(bundled_copy, tmp_path):
    data = raw(bundled_copy)
    doc = export(bundled_copy, "--step", "3", cwd=tmp_path)
    assert_spec_keys(doc)
    third = data["events"][2]
    assert (doc["step"], doc["title"], doc["time"]) == (3, third["title"], str(third["time"]))
    before = replayed(data, 2)
    assert doc["changed"] == [{"town": t, "from": before[t], "to": h} for t, h in (third.get("control") or {}).items()]
    assert {t["id"]: t["control"] for t in doc["towns"]} == replayed(data, 3)
    raw_flows = [(i + 1, f) for i, e in enumerate(data["events"][:3]) for f in e.get("flows") or []]
    assert [(f["step"], f["from"], f["to"], f["people"]) for f in doc["flows"]] == [
        (step, f["from"], f["to"], f.get("people")) for step, f in raw_flows
    ]


def test_export_fixture_by_hand(files, tmp_path):
    path = files.add("fixture.yaml", FIXTURE)
    doc = export(path, "--step", "2", cwd=tmp_path)
    assert_spec_keys(doc)
    assert (doc["step"], doc["steps"], doc["time"], doc["title"]) == (2, 3, "2024-12-05", "Hama falls")
    assert doc["towns"] == [
        {
            "id": "hama",
            "name": "Ḩamāh",
            "lat": 35.13,
            "lon": 36.76,
            "kind": "city",
            "population": 900000,
            "control": "hts",
        },
        {
            "id": "homs",
            "name": "Homs",
            "lat": 34.72,
            "lon": 36.73,
            "kind": "town",
            "population": None,
            "control": "gov",
        },
        {
            "id": "idlib",
            "name": "Idlib",
            "lat": 35.93,
            "lon": 36.63,
            "kind": "town",
            "population": 100000,
            "control": "hts",
        },
    ]
    assert doc["changed"] == [{"town": "hama", "from": "contested", "to": "hts"}]
    assert doc["flows"] == [
        {"from": "hama", "to": "homs", "people": 12000, "estimate": "twelve thousand", "step": 1},
        {"from": "hama", "to": "homs", "people": None, "estimate": None, "step": 2},
    ]
    d = doc["displaced"]
    assert (d["people"], d["unquantified"], d["text"]) == (12000, 1, "≥ 12,000 + unquantified")
    tally = {"people": 12000, "unquantified": 1, "estimates": [], "text": "≥ 12,000 + unquantified"}
    assert d["by_origin"] == {"hama": tally}
    assert d["by_destination"] == {"homs": tally}
    gov, hts = doc["factions"]
    assert (gov["id"], gov["color"], gov["mark"], gov["towns"]) == ("gov", "red", "G", 1)
    assert (hts["id"], hts["towns"], hts["population"]) == ("hts", 2, 1_000_000)
    end = export(path, cwd=tmp_path)
    assert end["time"] == "2024-12-06T10:00+02:00"
    assert end["changed"] == [{"town": "homs", "from": "gov", "to": "unknown"}]


def test_export_to_a_file(bundled_copy, tmp_path):
    out = tmp_path / "out" / "state.json"
    out.parent.mkdir()
    r = sitboard("export", bundled_copy.name, "--step", "2", "-o", out, cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert json.loads(out.read_text(encoding="utf-8")) == export(bundled_copy, "--step", "2", cwd=tmp_path)
    r = sitboard("export", bundled_copy.name, "--output", out, cwd=tmp_path)  # overwrites its own output
    assert r.returncode == 0 and json.loads(out.read_text(encoding="utf-8"))["step"] == len(raw(bundled_copy)["events"])


def test_export_refuses_to_overwrite_the_scenario(bundled_copy, tmp_path):
    r = sitboard("export", bundled_copy.name, "-o", f"./{bundled_copy.name}", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"sitboard: error: ./{bundled_copy.name}: refusing to overwrite the scenario itself\n"


def test_export_to_an_unwritable_place(bundled_copy, tmp_path):
    r = sitboard("export", bundled_copy.name, "-o", tmp_path / "no" / "such" / "dir.json", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith(f"{tmp_path / 'no' / 'such' / 'dir.json'}: cannot write: ")


@pytest.mark.parametrize("step", ["99", "10"])
def test_export_step_past_the_end(bundled_copy, tmp_path, step):
    n = len(raw(bundled_copy)["events"])
    assert n < 10
    r = sitboard("export", bundled_copy.name, "--step", step, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (
        f"sitboard: error: {bundled_copy.name}: --step {step} is past the last event (the scenario has {n} events)\n"
    )


@pytest.mark.parametrize(
    ("step", "message"),
    [("-1", "expected a step number from 0, got -1"), ("three", "expected a step number or 'end', got 'three'")],
)
def test_export_bad_step(bundled_copy, tmp_path, step, message):
    r = sitboard("export", bundled_copy.name, f"--step={step}", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.rstrip().endswith(f"argument --step: {message}")


def test_export_invalid_scenario(files, tmp_path):
    bad = files.add("bad.yaml", BAD)
    out = tmp_path / "out.json"
    r = sitboard("export", bad.name, "-o", out, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [f"bad.yaml:{e}" for e in BAD_ERRORS]
    assert not out.exists()


# -- the board ---------------------------------------------------------------------------------


@pytest.mark.parametrize("script", [True, False])
def test_board_with_an_invalid_file_prints_errors_and_starts_no_ui(files, tmp_path, script):
    bad = files.add("bad.yaml", BAD)
    r = sitboard(bad.name, cwd=tmp_path, script=script, timeout=30)
    assert r.returncode == 2
    assert r.stdout == ""
    assert ESCAPE not in r.stdout and ESCAPE not in r.stderr
    assert r.stderr.splitlines() == [f"bad.yaml:{e}" for e in BAD_ERRORS]


def test_board_with_a_missing_file(tmp_path):
    r = sitboard("/nonexistent", cwd=tmp_path, script=True, timeout=30)
    assert r.returncode == 2 and r.stdout == "" and ESCAPE not in r.stderr
    assert r.stderr == "/nonexistent:1:1: error: no such file\n"


def test_board_with_a_step_past_the_end(bundled_copy, tmp_path):
    r = sitboard(bundled_copy.name, "--step", "99", cwd=tmp_path, script=True, timeout=30)
    assert r.returncode == 2 and r.stdout == "" and "is past the last event" in r.stderr


def test_version_and_help(tmp_path):
    r = sitboard("--version", cwd=tmp_path, script=True)
    assert r.returncode == 0 and re.fullmatch(r"sitboard \d+\.\d+\.\d+\n", r.stdout)
    for args in (["--help"], ["check", "--help"], ["export", "--help"]):
        r = sitboard(*args, cwd=tmp_path)
        assert r.returncode == 0 and r.stdout.startswith("usage: sitboard") and ESCAPE not in r.stdout


# -- the bundled scenario, from anywhere ---------------------------------------------------------


def test_bundled_scenario_is_found_from_another_directory(tmp_path):
    assert BUNDLED.is_file() and BUNDLED.name == "central_syria.yaml"
    probe = subprocess.run(
        [sys.executable, "-c", "from sitboard.scenario.bundled import default_scenario; print(default_scenario())"],
        cwd=tmp_path,
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = Path(probe.stdout.strip())
    assert found.is_absolute() and found.is_file()
    assert found.read_bytes() == BUNDLED.read_bytes()
    r = sitboard("check", found, cwd=tmp_path, script=True)
    assert r.returncode == 0 and r.stdout.startswith(f"{found}: ok, ")


def test_bundled_scenario_is_not_modified_by_any_command(tmp_path):
    before = BUNDLED.read_bytes()
    sitboard("check", BUNDLED, cwd=tmp_path)
    sitboard("export", BUNDLED, "--step", "1", cwd=tmp_path)
    sitboard("export", BUNDLED, "-o", BUNDLED, cwd=tmp_path)
    assert BUNDLED.read_bytes() == before


def test_copy_helper_sanity(tmp_path):
    # the fixture really notices a modified file
    f = Files(tmp_path)
    path = f.add("x.yaml", "a: 1\n")
    path.write_text("a: 2\n")
    with pytest.raises(AssertionError):
        f.unchanged()


# A board opened as `sitboard FILE` opens it (open_board) owns the process's
# garbage collector. Run in a child process: it freezes the heap.
IDLE_COLLECTION_PROBE = """
import asyncio, gc, json, sys, time
from sitboard.app.launch import file_source, open_board

full = []
gc.callbacks.append(lambda phase, info: full.append(time.monotonic())
                    if phase == "stop" and info["generation"] == 2 else None)

async def main():
    app = open_board(file_source(sys.argv[1], watch=False))
    async with app.run_test() as pilot:
        await pilot.pause(0.5)
        before = len(full)
        await pilot.press("end")
        await pilot.pause()
        pressed = time.monotonic()
        during = len(full) - before
        await pilot.pause(0.6)
        print(json.dumps({"during_key": during, "after": [round(t - pressed, 3) for t in full[before + during:]]}))

asyncio.run(main())
"""


def test_a_full_garbage_collection_waits_for_the_steps_to_pause(bundled_copy, tmp_path):
    # Textual's strips are cyclic garbage; the collection that frees them is
    # run once stepping pauses, not left to land inside a later key press.
    run = subprocess.run(
        [sys.executable, "-c", IDLE_COLLECTION_PROBE, str(bundled_copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["after"], "no full collection once the board was idle"
    # When it runs (only after IDLE seconds without a step) is tests/unit/test_collector.py's, on a fake clock.


@pytest.mark.parametrize("command", [[], ["export"], ["serve"]])
def test_help_offers_only_themes_that_exist(command, tmp_path):
    """`--help` offered sitboard-dark and sitboard-light, which never existed."""
    from sitboard.app.themes import THEMES

    shown = " ".join(sitboard(*command, "--help", cwd=tmp_path).stdout.split())
    named = set(re.findall(r"\b(?:sitboard|textual)-[a-z-]+[a-z]", shown.replace("- ", "-")))
    assert named and named <= set(THEMES), named
