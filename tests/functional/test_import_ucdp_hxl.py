"""`sitboard import ucdp` and `sitboard import hxl` from the command line, on small files made for the tests in the
real column sets: UCDP GED's 49 columns, and an IOM DTM-style movements table with its row of HXL hashtags.

Each import must give a scenario that `check --strict` passes, keep what the source says (ranges, place precision,
deaths as best (low–high), sources), and report every row it skipped with its line and why.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import yaml

from sitboard.panels.event import event as event_panel
from sitboard.panels.styled import plain
from sitboard.panels.words import Words
from sitboard.scenario.loader import load_scenario
from sitboard.timeline import Timeline

DATA = Path(__file__).resolve().parents[1] / "data"
GED = DATA / "ucdp_ged_sample.csv"
HXL = DATA / "hxl_idp_movements.csv"
PCODES = DATA / "pcodes_syria.csv"


def sitboard(*args: object) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "sitboard", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    return run


def imported(tmp_path: Path, *args: object) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path / "out.yaml"
    run = sitboard("import", *args, "-o", out)
    assert run.returncode == 0, run.stderr
    check = sitboard("check", "--strict", out)
    assert check.returncode == 0, check.stderr
    return out, run


def test_the_ged_file_has_the_real_column_set():
    header = GED.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert (
        len(header) == 49
        and header[:3] == ["id", "relid", "year"]
        and header[-5:]
        == [
            "best",
            "high",
            "low",
            "gwnoa",
            "gwnob",
        ]
    )


def test_ucdp_rows_become_events_that_keep_what_ucdp_says(tmp_path):
    out, run = imported(tmp_path, "ucdp", GED)
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    events = {e["text"].rsplit("UCDP GED event ", 1)[1].rstrip("."): e for e in doc["events"]}
    assert sorted(events) == ["530001", "530002", "530004"]
    week = events["530002"]
    assert (str(week["time"]), str(week["until"]), week["precision"]) == ("2024-12-03", "2024-12-09", "province")
    assert week["deaths"] == {"best": 30, "low": 25, "high": 41}
    assert "within a week" in week["text"]
    hama = events["530001"]
    assert "until" not in hama and "precision" not in hama  # one day, an exact place
    assert hama["sources"] == ["agence-france-presse", "reuters", "ucdp-ged"]
    assert hama["actors"] == ["government-of-syria", "syrian-insurgents"]
    assert events["530004"]["actors"] == ["is"] and events["530004"]["precision"] == "near"  # civilians: no side
    assert [str(e["time"]) for e in doc["events"]] == sorted(str(e["time"]) for e in doc["events"])
    assert {f["name"] for f in doc["factions"]} == {"Government of Syria", "Syrian insurgents", "IS"}
    assert all("control" not in t for t in doc["towns"]) and all("control" not in e for e in doc["events"])
    assert run.stderr.splitlines() == [
        f"{GED}:4:1: skipped: where_prec 6: only the country is known",
        f"{GED}:6:1: skipped: deaths best 50, low 60, high 70: best is not between them",
        f"{GED}: 2 row(s) skipped",
    ]


def test_the_board_shows_ucdp_deaths_as_best_low_high(tmp_path):
    out, _ = imported(tmp_path, "ucdp", GED)
    timeline = Timeline(load_scenario(out))
    step = next(e.index + 1 for e in timeline.scenario.events if e.time.text == "2024-12-05")
    panel = plain(event_panel(timeline.state_at(step), Words(timeline.scenario)))
    assert "Deaths: best 12 (5–20)" in panel
    assert "Deaths: best 12 (5-20)" in plain(
        event_panel(timeline.state_at(step), Words(timeline.scenario, ascii_only=True))
    )


def test_hxl_columns_are_found_by_hashtag_and_rows_become_flows(tmp_path):
    out, run = imported(tmp_path, "hxl", HXL, "--gazetteer", PCODES)
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    flows = [(str(e["time"]), f["from"], f["to"], f["people"]) for e in doc["events"] for f in e["flows"]]
    assert flows == [
        ("2024-12-05", "hama", "homs", 450),
        ("2024-12-06", "homs", "tartous", 1200),
        ("2024-12-06", "homs", "damascus", 800),
        ("2024-12-06", "homs", "lattakia", 300),
    ]
    towns = {t["id"]: t for t in doc["towns"]}
    assert towns["lattakia"]["pcode"] == "SY060000"
    assert (towns["lattakia"]["lat"], towns["lattakia"]["lon"]) == (35.5313, 35.7909)  # from the gazetteer
    assert (towns["hama"]["lat"], towns["hama"]["lon"]) == (35.1318, 36.7578)  # gazetteer: no origin coordinates
    assert run.stderr.splitlines() == [
        f"{HXL}:7:1: skipped: '' is not a number of people",
        f"{HXL}:8:1: skipped: the origin place code SY049999 is not in the gazetteer",
        f"{HXL}: 2 row(s) skipped",
    ]


def test_hxl_columns_in_another_order_and_language_give_the_same_flows(tmp_path):
    with HXL.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    order = list(reversed(range(len(rows[1]))))
    shuffled = tmp_path / "shuffled.csv"
    with shuffled.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow([f"Colonne {i}" for i in order])  # the text header is not read: the hashtags are
        out.writerows([r[i] for i in order] for r in rows[1:])
    first, _ = imported(tmp_path, "hxl", HXL, "--gazetteer", PCODES)
    again = tmp_path / "again.yaml"
    run = sitboard("import", "hxl", shuffled, "--gazetteer", PCODES, "-o", again)
    assert run.returncode == 0, run.stderr

    def flows(p: Path) -> list[dict]:
        return [f for e in yaml.safe_load(p.read_text(encoding="utf-8"))["events"] for f in e["flows"]]

    assert flows(again) == flows(first) and len(flows(first)) == 4


def test_without_a_gazetteer_places_without_coordinates_are_skipped_and_say_how_to_place_them(tmp_path):
    _, run = imported(tmp_path, "hxl", HXL)
    assert (
        f"{HXL}:3:1: skipped: the origin 'Hama' has no coordinates: give --gazetteer with its place code SY050000"
        in (run.stderr.splitlines())
    )


def test_a_table_without_hashtags_is_refused_with_exit_2(tmp_path):
    plain_csv = tmp_path / "plain.csv"
    plain_csv.write_text("date,from,to,people\n2024-12-06,Homs,Hama,5\n", encoding="utf-8")
    run = sitboard("import", "hxl", plain_csv)
    assert run.returncode == 2 and f"{plain_csv}:1:1: error: no row of HXL hashtags" in run.stderr


def test_a_file_that_is_not_ged_is_refused_with_exit_2():
    run = sitboard("import", "ucdp", HXL)
    assert run.returncode == 2 and "not a UCDP GED file: missing the column(s) date_start" in run.stderr
