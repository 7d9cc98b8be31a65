"""An event that spans a range (`until:`, issue 19): the panel says "3–9 Dec 2024", the timeline strip draws the
span, and go-to by a date inside the range lands on it."""

from __future__ import annotations

from datetime import date

import pytest

from sitboard.app.app import SitboardApp
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.scenario.model import EventTime
from sitboard.scenario.time_text import range_words
from sitboard.state import BoardState
from sitboard.timeline import Timeline

RANGED = """\
sitboard: 1
title: Ranges
factions:
  - {id: gov, name: Government}
towns:
  - {id: a, name: Alpha, lat: 34.0, lon: 36.0, control: gov}
events:
  - time: 2024-12-01
    title: Before
  - time: 2024-12-03
    until: 2024-12-09
    title: A week of shelling
  - time: 2024-12-21
    title: After
"""


def test_the_event_panel_says_the_range_as_a_reader_would(ui):
    app = SitboardApp(Timeline(ui.scenario_from(RANGED)), BoardState(step=2))

    async def body(pilot):
        panel = ui.content_of(app.query_one(EventPanel))
        assert panel.startswith("3–9 Dec 2024")

    ui.drive(app, body)


def test_the_strip_draws_the_span_and_go_to_a_date_inside_it_lands_on_it(ui):
    app = SitboardApp(Timeline(ui.scenario_from(RANGED)))

    async def body(pilot):
        await pilot.press("g", *"2024-12-07", "enter")
        await pilot.pause()
        assert app.state.step == 2
        strip = ui.screen_lines(app)[-3]  # ticks, dates, keys
        ticks = [i for i, ch in enumerate(strip) if ch in "│▲"]
        assert len(ticks) == 3
        first, ranged, last = ticks
        # 1 -> 21 Dec over the strip: the range (3 -> 9 Dec) is 6/20 of it, drawn as a line after its tick.
        line = strip[ranged + 1 : last]
        assert line.startswith("─" * round(6 / 20 * (last - first) - 1))
        assert line.rstrip().count("─") == len(line.rstrip())
        assert strip[first + 1 : ranged].strip() == ""  # a moment draws no line

    ui.drive(app, body, size=(120, 40))


@pytest.mark.parametrize(
    ("start", "until", "said"),
    [
        (date(2024, 12, 3), date(2024, 12, 9), "3–9 Dec 2024"),
        (date(2024, 11, 28), date(2024, 12, 3), "28 Nov – 3 Dec 2024"),
        (date(2024, 12, 28), date(2025, 1, 3), "28 Dec 2024 – 3 Jan 2025"),
        (date(2024, 12, 3), date(2024, 12, 3), "3 Dec 2024"),
    ],
)
def test_range_words(start, until, said):
    assert range_words(EventTime.of(start.isoformat(), start), EventTime.of(until.isoformat(), until)) == said
