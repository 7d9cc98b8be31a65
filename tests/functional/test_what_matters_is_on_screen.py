"""The rule of issue 17, checked on what `export --format txt` draws: what matters is on screen at every size.

At every terminal size from 80x24 to 250x70 and at every step, without
scrolling: the event's time, title, confidence word, place, every source's
name, and every change of hands in full (town, from, to). Every other panel
is at least announced by its title rule, and a panel that is cut says so.
The pictures are the export's (the registry's `txt`, the board drawn
headless), read back as text: the event panel is found by its title rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitboard.app.launch import read
from sitboard.exports import ExportOptions, exporter
from sitboard.panels.words import Words
from sitboard.scenario.control_text import change_words
from sitboard.scenario.model import Scenario, plain_control
from sitboard.state import BoardState
from sitboard.timeline import Timeline

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
SIZES = [(80, 24), (120, 40), (160, 50), (200, 60), (240, 70), (250, 70)]
PANELS = ("Event", "Control", "Towns", "Displacement", "Legend")


def event_text(lines: list[str], *, ascii_only: bool = False) -> str:
    """The event panel's text on screen, its wrapped lines joined with single spaces."""
    rule = "-" if ascii_only else "─"
    top = next(y for y, line in enumerate(lines) if f"{rule} Event " in line)
    left = lines[top].index(f"{rule} Event ")
    right = lines[top].find(f"{rule} Control", left + 1)  # two columns: the others' column starts there
    right = len(lines[top]) if right < 0 else right
    shown = []
    for line in lines[top + 1 : len(lines) - 3]:  # down to the timeline strip
        if line[left : left + 2] == f"{rule} ":  # the next panel's rule, in the same column
            break
        shown.append(line[left + 1 : right])
    return " ".join(" ".join(shown).split())


def flat(text: str) -> str:
    return " ".join(text.split())


def check_the_rule(scenario: Scenario, timeline: Timeline, step: int, lines: list[str], ascii_only: bool) -> None:
    where = f"{Path(scenario.path).name} at step {step}, {len(lines[0])}x{len(lines)}"
    screen = "\n".join(lines)
    for panel in PANELS:
        assert re.search(rf"[-─] {panel}", screen), f"{where}: no {panel} panel"
    words = Words(scenario, ascii_only=ascii_only)
    shown = event_text(lines, ascii_only=ascii_only)
    situation = timeline.state_at(step)
    event = situation.event
    if event is None:
        assert "Start of the scenario" in shown, where
        return
    assert event.time.text[:10] in shown, f"{where}: no time in {shown!r}"
    assert flat(words.text(event.title)) in shown, f"{where}: no title in {shown!r}"
    if event.confidence:
        assert event.confidence.upper() in shown, f"{where}: no confidence in {shown!r}"
    if event.at is not None:
        town = event.at.town or (event.at.offset.town if event.at.offset else None)
        if town:  # at the town, or so many km from it
            assert words.town(town) in shown, f"{where}: no place in {shown!r}"
    for sid in event.sources:
        name = flat(words.text(scenario.source_by_id[sid].name))
        assert name in shown, f"{where}: source {name!r} not in {shown!r}"
    for change in situation.changed:
        before = change.before_state or plain_control(change.before)
        after = change.after_state or plain_control(change.after)
        was, now = (flat(w) for w in change_words(before, after, words.holder))
        town = re.escape(words.town(change.town))
        line = rf"{town}(?: and [^:]+|, [^:]+)?: {re.escape(was)} {re.escape(words.arrow)} {re.escape(now)}"
        assert re.search(line, shown), f"{where}: the change of {change.town} is not in full in {shown!r}"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_what_matters_is_on_screen_at_every_size_and_step(path, size):
    scenario = read(path)
    timeline = Timeline(scenario)
    txt = exporter("txt")
    for step in range(timeline.steps + 1):
        picture = txt(timeline, BoardState(step=step), ExportOptions(size=size)).decode("utf-8")
        lines = [line.ljust(size[0]) for line in picture.splitlines()]
        assert len(lines) == size[1]
        check_the_rule(scenario, timeline, step, lines, ascii_only=False)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_rule_holds_in_ascii_mode(size):
    scenario = read(SCENARIOS[0])
    timeline = Timeline(scenario)
    txt = exporter("txt")
    for step in range(timeline.steps + 1):
        picture = txt(timeline, BoardState(step=step), ExportOptions(size=size, ascii_only=True)).decode("utf-8")
        assert picture.isascii()
        lines = [line.ljust(size[0]) for line in picture.splitlines()]
        check_the_rule(scenario, timeline, step, lines, ascii_only=True)


def _headline_rows(app, ui) -> list[str]:
    region = app.query_one("#headline").region
    return ui.screen_lines(app)[region.y : region.y + region.height]


@pytest.mark.parametrize("ascii_only", [False, True], ids=["unicode", "ascii"])
@pytest.mark.parametrize("size", [(80, 24), (160, 50), (250, 70)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_presentation_headline_carries_date_title_confidence_first_source_and_play_state(ui, size, ascii_only):
    """`--present`: the map fills the screen, so the headline alone must say what the room needs."""
    from rich.segment import Segment
    from textual.renderables.digits import Digits

    from sitboard.app.app import SitboardApp
    from sitboard.app.widgets.columns import digits_width
    from sitboard.app.widgets.headline import GAP
    from sitboard.panels.header import day

    scenario = read(SCENARIOS[0])
    timeline = Timeline(scenario)
    words = Words(scenario, ascii_only=ascii_only)
    app = SitboardApp(timeline, BoardState(present=True), ascii_only=ascii_only)

    def date_shown(rows: list[str], date: str) -> bool:
        if ascii_only:
            return date in " ".join(rows)
        console = app.console
        digits = console.render_lines(Digits(date), console.options.update_width(40), pad=False)
        drawn = [Segment.get_line_length(line) and "".join(s.text for s in line).rstrip() for line in digits]
        return all(any(str(d) in row for row in rows) for d in drawn if d)

    async def body(pilot):  # type: ignore[no-untyped-def]
        for step in range(timeline.steps + 1):
            app.go_to(step)
            await pilot.pause()
            rows = _headline_rows(app, ui)
            start = 0 if ascii_only else 1 + digits_width(day(timeline.state_at(step))) + GAP  # the text column
            shown = flat(" ".join(row[start:] for row in rows))
            where = f"step {step}, {size[0]}x{size[1]}: {shown!r}"
            situation = timeline.state_at(step)
            assert date_shown(rows, day(situation)), f"{where}: no date"
            assert "PAUSED" in shown, f"{where}: no play state"
            event = situation.event
            if event is None:
                assert flat(words.text(scenario.title)) in shown, where
                continue
            assert flat(words.text(event.title)) in shown, f"{where}: no title"
            if event.confidence:
                assert event.confidence.upper() in shown, f"{where}: no confidence"
            if event.sources:
                first = flat(words.text(scenario.source_by_id[event.sources[0]].name))
                assert first in shown, f"{where}: no first source"
        app.go_to(1)
        await pilot.press("space")
        await pilot.pause()
        shown = flat(" ".join(_headline_rows(app, ui)))
        assert "PLAY" in shown and "PAUSED" not in shown, shown
        await pilot.press("space")

    ui.drive(app, body, size=size)
