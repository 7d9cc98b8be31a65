"""Numbers the contract allows, pushed to their ends, through every command that reads a scenario.

`population` and `people` are whole numbers from 0 to 10^10, coordinates finite and in range;
anything else is a positioned error (file:line:col: error: path: ...), exit 2, from `check`,
`export` and the board alike, never a crash after the checker said ok. Also: a hopeless file's
did-you-mean suggestions are worked out only for the problems that are shown.
"""

from __future__ import annotations

import re
import textwrap

import pytest
from cli_run import run

HEAD = textwrap.dedent(
    """\
    sitboard: 1
    title: Limits
    factions: [{id: gov, name: Government}]
    towns:
      - {id: hama, name: Hama, lat: <LAT>, lon: 36.76, population: <POPULATION>}
      - {id: homs, name: Homs, lat: 34.72, lon: 36.73}
    events:
      - time: 2024-12-05
        title: People leave Hama
        flows: [{from: hama, to: homs, people: <PEOPLE>}]
    """
)
GOOD = {"LAT": "35.13", "POPULATION": "900000", "PEOPLE": "12000"}

HUGE = "9" * 3600  # Python refuses to print an int of more than 4,300 digits; totals add these up
HUGE_HEX = "0x" + "f" * 3600  # 4,335 decimal digits, read by YAML without complaint

CASES = [
    # (key, value, path, what the message says)
    ("POPULATION", HUGE, "towns[0].population", "is too large"),
    ("POPULATION", HUGE_HEX, "towns[0].population", "is too large"),
    ("POPULATION", "10000000001", "towns[0].population", "is too large"),
    ("PEOPLE", HUGE, "events[0].flows[0].people", "is too large"),
    ("PEOPLE", HUGE_HEX, "events[0].flows[0].people", "is too large"),
    # .nan, .inf and 1.0e+400 were already refused with a short message (tests/unit/test_loader_rules.py)
    ("LAT", HUGE, "towns[0].lat", "is out of range"),
]
IDS = [
    "population-3600-digits",
    "population-hex",
    "population-over-1e10",
    "people-3600-digits",
    "people-hex",
    "lat-3600-digits",
]

COMMANDS = {
    "check": lambda p: ["check", p],
    "export json": lambda p: ["export", p, "--format", "json"],
    "export md": lambda p: ["export", p, "--format", "md"],
    "export geojson": lambda p: ["export", p, "--format", "geojson"],
    "board": lambda p: [p, "--no-watch"],
}


def scenario(**values: str) -> str:
    text = HEAD
    for key, value in {**GOOD, **values}.items():
        text = text.replace(f"<{key}>", value)
    return text


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(("key", "value", "path", "says"), CASES, ids=IDS)
def test_a_number_beyond_the_contract_is_a_positioned_error_everywhere(tmp_path, command, key, value, path, says):
    file = tmp_path / "limits.yaml"
    text = scenario(**{key: value})
    file.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if value in row)
    result = run(COMMANDS[command](file), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    error = result.stderr.decode()
    assert re.search(rf"^{re.escape(str(file))}:{line}:\d+: error: {re.escape(path)}: .*{says}", error, re.MULTILINE), (
        error
    )
    # a number too long to repeat is quoted by its start and its length, not 3,600 digits over the screen
    assert max(len(row) for row in error.splitlines()) < 300
    assert result.stdout == b""


@pytest.mark.parametrize("key", ["POPULATION", "PEOPLE"])
def test_the_limit_is_ten_billion_people_exactly(tmp_path, key):
    file = tmp_path / "edge.yaml"
    file.write_text(scenario(**{key: "10000000000"}), encoding="utf-8")
    assert run(["check", file], cwd=tmp_path).returncode == 0
    md = run(["export", file, "--format", "md"], cwd=tmp_path)
    assert md.returncode == 0 and b"10,000,000,000" in md.stdout
    file.write_text(scenario(**{key: "10000000001"}), encoding="utf-8")
    result = run(["check", file], cwd=tmp_path)
    assert result.returncode == 2 and b"10000000001 is too large: expected at most 10,000,000,000" in result.stderr


def test_did_you_mean_is_worked_out_only_for_the_problems_shown(monkeypatch):
    """A file with thousands of unknown references is rejected without a fuzzy search for each.

    (The time that takes is in `sitboard bench`: rejecting vs loading.)
    """
    import difflib

    from sitboard.scenario.checker import MAX_PROBLEMS
    from sitboard.scenario.errors import ScenarioError
    from sitboard.scenario.loader import parse_scenario

    towns = "".join(f"  - {{id: town{i}, name: Town {i}, lat: 35, lon: 36}}\n" for i in range(300))
    events = "".join(
        f"  - {{time: 2024-01-01, title: E, at: twn{i}, control: {{town{i}: gvo}}}}\n" for i in range(3000)
    )
    text = f"sitboard: 1\ntitle: t\nfactions: [{{id: gov, name: G}}]\ntowns:\n{towns}events:\n{events}"
    searches = []
    real = difflib.get_close_matches

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        searches.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "hopeless.yaml")
    shown = info.value.problems
    assert len(shown) == MAX_PROBLEMS and info.value.truncated > 5000
    assert len(searches) <= MAX_PROBLEMS
    assert "(did you mean 'town0'?)" in str(shown[0]) and "(did you mean 'gov'?)" in str(shown[1])
