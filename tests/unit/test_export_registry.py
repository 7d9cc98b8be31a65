"""Exports are one registry of one signature: every format listed is a function (timeline, state, options) -> bytes."""

from __future__ import annotations

import json
import subprocess
import sys

from functional.conftest import SMALL

from sitboard.exports import FORMATS, ExportOptions, exporter, formats
from sitboard.scenario.loader import parse_scenario
from sitboard.state import BoardState
from sitboard.timeline import Timeline

TIMELINE = Timeline(parse_scenario(SMALL, "small.yaml"))


def test_the_command_line_offers_every_registered_format():
    assert formats() == ("json", "md", "geojson", "kml", "svg", "txt", "html") == tuple(FORMATS)


def test_each_data_format_writes_the_state_it_is_given():
    state = BoardState(step=2)
    data = json.loads(exporter("json")(TIMELINE, state, ExportOptions()))
    assert data["step"] == 2 and data["title"] == "Red takes Westville"
    assert exporter("md")(TIMELINE, state, ExportOptions()).startswith(b"# Small test scenario\n")
    assert json.loads(exporter("geojson")(TIMELINE, state, ExportOptions()))["step"] == 2


def test_listing_formats_loads_none_of_them():
    probe = (
        "import sys, sitboard.exports as e; e.formats(); "
        "print(sorted(m for m in sys.modules if m.startswith(('sitboard.exports.', 'textual', 'rich'))))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
