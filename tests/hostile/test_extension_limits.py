"""The numbers of the format's extensions, pushed past their ends, through every command that reads a scenario.

`deaths` (and its best/low/high), a place's `km` and a view's `margin_km` are
bounded like `population`: a value beyond the limit is a positioned error, exit
2, with a line short enough to read, from `check`, `export` and the board alike.
"""

from __future__ import annotations

import re
import textwrap

import pytest
from cli_run import run

HUGE = "9" * 3600
HUGE_HEX = "0x" + "f" * 3600

TEMPLATE = textwrap.dedent(
    """\
    sitboard: 1
    title: Limits of the extensions
    factions: [{id: gov, name: Government}]
    towns:
      - {id: hama, name: Hama, lat: 35.13, lon: 36.76}
      - {id: homs, name: Homs, lat: 34.72, lon: 36.73}
    events:
      - time: 2024-12-05
        title: Fighting near Homs
        LINE
    """
)

CASES = [
    # (the event's line, with VALUE where the number goes; the error's path; what the message says)
    ("deaths: VALUE", "events[0].deaths", "is too large"),
    ("deaths: {best: VALUE}", "events[0].deaths.best", "is too large"),
    ("deaths: {best: 1, low: 0, high: VALUE}", "events[0].deaths.high", "is too large"),
    ("at: {town: homs, km: VALUE, toward: N}", "events[0].at.km", "is out of range"),
    ("view: {focus: [homs], margin_km: VALUE}", "events[0].view.margin_km", "is out of range"),
]

COMMANDS = {
    "check": lambda p: ["check", p],
    "export json": lambda p: ["export", p, "--format", "json"],
    "export md": lambda p: ["export", p, "--format", "md"],
    "board": lambda p: [p, "--no-watch"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("value", [HUGE, HUGE_HEX], ids=["3600-digits", "hex"])
@pytest.mark.parametrize(("line", "path", "says"), CASES, ids=[c[1] for c in CASES])
def test_a_number_beyond_an_extension_is_a_positioned_error(tmp_path, command, value, line, path, says):
    file = tmp_path / "limits.yaml"
    text = TEMPLATE.replace("LINE", line.replace("VALUE", value))
    file.write_text(text, encoding="utf-8")
    at_line = next(i for i, row in enumerate(text.splitlines(), 1) if value in row)
    result = run(COMMANDS[command](file), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    error = result.stderr.decode()
    assert re.search(
        rf"^{re.escape(str(file))}:{at_line}:\d+: error: {re.escape(path)}: .*{says}", error, re.MULTILINE
    ), error
    assert max(len(row) for row in error.splitlines()) < 300
    assert result.stdout == b""
