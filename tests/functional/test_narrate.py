"""`sitboard narrate` as a user runs it: one sentence per step, checked against a file written from the article."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.functional.test_cli import Files, sitboard

GOLDEN = Path(__file__).with_name("golden") / "central_syria.narration.txt"
ARTICLE = Path("/work/shared/seeds/central_syria_article.txt")


def test_the_bundled_scenario_is_narrated_as_the_golden_file_says(bundled_copy: Path, tmp_path: Path) -> None:
    r = sitboard("narrate", bundled_copy.name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.skipif(not ARTICLE.exists(), reason="the seed article is not on this machine")
def test_the_golden_file_says_only_what_the_article_says() -> None:
    """The golden file is written from the article: the towns it says changed hands and the crowd's word are there."""
    article = ARTICLE.read_text(encoding="utf-8")
    golden = GOLDEN.read_text(encoding="utf-8")
    for town in ("Aleppo", "Hama", "Rastan", "Talbiseh"):
        assert f"Control: {town}" in golden or f"and {town} from" in golden
        assert town in article
    assert '"thousands" from Homs to Damascus' in golden and "thousands of residents from Homs" in article
    # the article gives no number of people: neither does the narration
    assert " people " not in golden


def test_one_step_by_number_or_by_date(bundled_copy: Path, tmp_path: Path) -> None:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    for step in ("0", "3", "end"):
        r = sitboard("narrate", bundled_copy.name, "--step", step, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert r.stdout == lines[{"0": 0, "3": 3, "end": -1}[step]] + "\n"
    # a date is the board after that day's last event
    r = sitboard("narrate", bundled_copy.name, "--step", "2024-12-05", cwd=tmp_path)
    assert r.stdout == lines[4] + "\n"


def test_a_bad_step_is_a_usage_error(bundled_copy: Path, tmp_path: Path) -> None:
    r = sitboard("narrate", bundled_copy.name, "--step", "10", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert "central_syria.yaml: --step '10': the last step is 9" in r.stderr


def crowded() -> dict[str, Any]:
    """Steps that say too much for one sentence: long titles, many changes and flows, hostile text."""
    towns = [
        {
            "id": f"t{i}",
            "name": f"Town number {i} [bold]x[/]\u202e\x07",
            "lat": 34 + i / 10,
            "lon": 36,
            "control": "gov",
        }
        for i in range(30)
    ]
    return {
        "sitboard": 1,
        "title": "Crowded\nsteps",
        "factions": [{"id": "gov", "name": "Government"}, {"id": "hts", "name": "HTS"}],
        "towns": towns,
        "events": [
            {
                "time": "2024-12-01",
                "title": "A title that goes on " * 30,
                "control": {t["id"]: ("hts", "contested", "unknown")[min(i // 2, 2)] for i, t in enumerate(towns)},
                "flows": [{"from": "t0", "to": f"t{i}", "estimate": "a great many " * 10} for i in range(1, 20)],
                "confidence": "reported",
            },
            {"time": "2024-12-02", "title": "Word" * 200, "control": {"t1": "gov", "t2": "gov"}},
            {"time": "2024-12-03", "title": "Quiet day", "flows": [{"from": "t3", "to": ["t4", "t5"], "people": 1200}]},
        ],
    }


def test_every_sentence_fits_240_characters_on_one_clean_line(files: Files, tmp_path: Path) -> None:
    path = files.add("crowded.yaml", yaml.safe_dump(crowded(), allow_unicode=True))
    r = sitboard("narrate", path.name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split("\n")
    assert lines[-1] == "" and len(lines[:-1]) == 4  # the start and three events, one line each
    for line in lines[:-1]:
        assert len(line) <= 240, line
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in line), repr(line)
    # what did not fit is counted, never cut in half
    assert "and " in lines[1] and "more change" in lines[1], lines[1]
    assert lines[1].startswith("2024-12-01: A title that goes on") and "Reported; no sources." in lines[1]
    assert lines[2].endswith("Confidence not given; no sources.")
    assert "1,200 people from Town number 3" in lines[3] and "(one figure)" in lines[3]
