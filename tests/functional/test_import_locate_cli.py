"""`sitboard import acled` and `sitboard locate` from the command line, as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
    "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
    "tags,timestamp"
)
ROWS = [
    "SYR2,2024-12-06,2024,1,Political violence,Strategic developments,Non-state actor overtakes territory,"
    "Hayat Tahrir al-Sham,,Rebel group,,,,,,760,Middle East,Syria,Homs,Ar-Rastan,,Ar-Rastan,34.9267,36.7324,1,"
    "SOHR;Al Watan,National,HTS entered Ar-Rastan.,0,,1733500000",
    "SYR1,2024-12-05,2024,1,Political violence,Battles,Armed clash,Military Forces of Syria (2000-2024),,"
    "State forces,Hayat Tahrir al-Sham,,Rebel group,,,760,Middle East,Syria,Hama,Hama,,Hama,35.1318,36.7578,1,"
    "SOHR,National,Clashes in Hama.,12,,1733400000",
]


def sitboard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitboard", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_an_acled_export_becomes_a_scenario_that_checks(tmp_path: Path):
    csv = tmp_path / "acled.csv"
    csv.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    out = tmp_path / "syria.yaml"
    run = sitboard("import", "acled", str(csv), "-o", str(out))
    assert run.returncode == 0, run.stderr
    check = sitboard("check", str(out))
    assert check.returncode == 0 and "ok, 2 towns, 2 events, 2 factions" in check.stdout
    text = out.read_text(encoding="utf-8")
    assert text.index("2024-12-05") < text.index("2024-12-06")  # newest-first export, oldest-first board
    assert "control: {ar-rastan: hayat-tahrir-al-sham}" in text.replace('"', "")


def test_a_bad_row_is_named_by_row_and_column(tmp_path: Path):
    csv = tmp_path / "bad.csv"
    csv.write_text("\n".join([HEADER, ROWS[0].replace("34.9267", "north")]) + "\n", encoding="utf-8")
    run = sitboard("import", "acled", str(csv))
    assert run.returncode == 2
    assert f"{csv}:2:23:" in run.stderr and "Traceback" not in run.stderr  # latitude is column 23


def test_locate_finds_places_and_credits_geonames():
    run = sitboard("locate", "Homs", "--country", "SY")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["Homs, Syria (SY) 34.7240, 36.7256, pop. 775,404, GeoNames 169577"]
    assert "CC BY 4.0" in sitboard("locate", "--help").stdout
    assert sitboard("locate", "Nowhereville-on-Sea").returncode == 2


def test_a_town_without_coordinates_is_placed_and_check_says_so(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "sitboard: 1\ntitle: t\nfactions: [{id: a, name: A}]\ntowns:\n  - {id: hama, name: Hama, country: SY}\n",
        encoding="utf-8",
    )
    run = sitboard("check", str(path))
    assert run.returncode == 0, run.stderr
    assert "hama: Ḩamāh (Hamah), Syria (SY) 35.1318, 36.7578" in run.stdout
