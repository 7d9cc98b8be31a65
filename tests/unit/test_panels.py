"""What each panel says, read without a terminal: plain text and the role of each part."""

from __future__ import annotations

import pytest
from functional.conftest import SMALL
from hypothesis import given, settings
from hypothesis import strategies as st

from sitboard.panels.control import control, town_row
from sitboard.panels.displacement import displacement
from sitboard.panels.event import event
from sitboard.panels.goto import NotAStep, parse_goto
from sitboard.panels.header import date, headline, position, title
from sitboard.panels.legend import legend
from sitboard.panels.styled import Span, plain, roles, rstrip
from sitboard.panels.ticks import dates, fractions, step_at, ticks
from sitboard.panels.town_history import town_history
from sitboard.panels.words import MAX_SHOWN, Words
from sitboard.scenario.loader import parse_scenario
from sitboard.timeline import Timeline

SCENARIO = parse_scenario(SMALL, "small.yaml")
TIMELINE = Timeline(SCENARIO)
WORDS = Words(SCENARIO)
ASCII = Words(SCENARIO, ascii_only=True)


def at(step: int):  # type: ignore[no-untyped-def]
    return TIMELINE.state_at(step)


def test_the_event_panel_says_what_where_who_and_how_sure():
    said = event(at(1), WORDS)
    text = plain(said)
    assert text.startswith("2024-01-01   REPORTED \nBlue takes Northtown\nWhere: Northtown\n")
    assert " B  Northtown: Red side → Blue side\n" in text  # the change of hands, in full
    assert text.endswith("Source:\n - Wire service (news agency)")
    assert roles(said)["confidence:reported"] == " REPORTED "
    assert roles(said)["strong"] == "2024-01-01Blue takes Northtown\n Northtown: Red side → Blue side\n"


def test_the_event_written_tight_keeps_every_essential_in_fewer_lines():
    tight = plain(event(at(1), WORDS, tight=True))
    assert (
        tight
        == "2024-01-01  Northtown   REPORTED \nBlue takes Northtown\n B  Northtown: Red side → Blue side\nSource: Wire service"
    )
    assert len(tight.splitlines()) < len(plain(event(at(1), WORDS)).splitlines())


def test_at_the_start_the_event_panel_gives_the_summary():
    assert plain(event(at(0), WORDS)) == "Start of the scenario\nBefore anything happens."


def test_control_counts_towns_held_per_holder_and_leaves_the_changes_to_the_event():
    said = control(at(1), WORDS)
    assert plain(said) == " R  1 Red side\n B  3 Blue side  pop. 52,000 + unknown"
    assert roles(said)["badge:blue"] == " B "


def test_a_town_row_marks_a_change_of_hands():
    assert town_row(WORDS, 0, "blue", True) == (
        Span(" B ", "badge:blue"),
        Span(" ■ Northtown", "strong"),
        Span("  changed", "hot"),
    )
    assert plain(town_row(ASCII, 1, "red", False)) == " R  o Southtown"


def test_displacement_never_adds_a_figure_the_source_did_not_give():
    assert plain(displacement(at(0), WORDS)) == "No displacement reported so far."
    text = plain(displacement(at(2), WORDS))
    assert text.startswith(
        'Displaced so far: ≥ 12,000 + many (unquantified)\nThis step:\n ▸ Westville → Southtown: "many"\n'
    )
    assert plain(displacement(at(2), ASCII)).startswith("Displaced so far: >= 12,000 + many (unquantified)")


def test_the_header_and_the_headline():
    assert plain(title(WORDS)) == "Small test scenario\nTwo factions, four towns"
    assert roles(title(WORDS))["subtitle"] == "Two factions, four towns"
    assert date(at(0)) == "START" and date(at(2)) == "2024-01-02"
    assert plain(position(at(2), "LIVE")) == "step 2 / 4\nLIVE" and roles(position(at(2), "LIVE"))["hot"] == "\nLIVE"
    assert plain(headline(at(1), WORDS, "▶ PLAY 2s")) == (
        "Blue takes Northtown\n REPORTED   Source: Wire service\n▶ PLAY 2s  step 1/4  Northtown → Blue side"
    )
    assert plain(headline(at(0), ASCII)).startswith("START  Start: Small test scenario, before the first event")


def test_the_legend_names_every_holder_and_kind():
    holders, kinds = legend(WORDS)
    assert [plain(h) for h in holders] == [" R  Red side", " B  Blue side", " ~  contested", " ?  unknown"]
    assert [plain(k) for k in kinds] == ["■ city", "● town", "• village", "◆ region"]


def test_a_towns_history_marks_now_and_later():
    text = plain(town_history(TIMELINE, "north", 1, WORDS))
    assert " R  Red side  (start)\n" in text and " B  Blue side  (step 1, 2024-01-01)  <- now\n" in text
    assert " step 1: Northtown → Eastburg: 12,000\n" in text
    assert "(later)" in plain(town_history(TIMELINE, "north", 0, WORDS))


def test_user_text_is_cleaned_and_bounded():
    words = Words(SCENARIO)
    assert words.text("a\x1b]0;x\x07b\u202e") == "a]0;xb"
    long = words.text("x" * (MAX_SHOWN + 5))
    assert long.endswith("… (5 more characters)") and len(long) < MAX_SHOWN + 30


def test_rstrip_drops_the_last_line_break_only_from_the_text():
    assert rstrip([Span("a", "strong"), Span(" \n", "dim"), Span("\n")]) == (Span("a", "strong"),)


def test_the_timeline_strip_places_ticks_by_time_and_finds_the_nearest():
    places = fractions(SCENARIO)
    assert places == [0.0, 1 / 3, 2 / 3, 1.0]
    strip = ticks(places, 31, ascii_only=True)
    assert strip.columns == [0, 10, 20, 30] and strip.row == "|" + " " * 9 + "|" + " " * 9 + "|" + " " * 9 + "|"
    assert dates(SCENARIO, 0, strip.columns, 31) == ("2024-01-01   START   2024-01-04", None)
    assert dates(SCENARIO, 2, strip.columns, 31).current == 10
    assert [step_at(strip.columns, x) for x in (0, 4, 6, 29, 40)] == [1, 1, 2, 4, 4]


def _ticks_one_by_one(places, width, *, ascii_only, ends):  # type: ignore[no-untyped-def]
    """The strip as it was first written: every event's column rounded on its own."""
    columns = [round((max(1, width) - 1.0) * p) for p in places]
    cells = [" "] * max(0, width)
    for col, end in zip(columns, ends or ()):
        if end is not None:
            for x in range(max(0, col + 1), min(width, round(end * (max(1, width) - 1)) + 1)):
                cells[x] = "-" if ascii_only else "─"
    for col in columns:
        if 0 <= col < width:
            cells[col] = "|" if ascii_only else "│"
    return columns, "".join(cells)


@settings(max_examples=300, deadline=None)
@given(
    places=st.lists(st.floats(0, 1), max_size=60),
    width=st.integers(0, 90),
    ordered=st.booleans(),
    ends=st.none() | st.lists(st.none() | st.floats(0, 1), max_size=70),
    ascii_only=st.booleans(),
)
def test_the_strip_found_by_runs_of_a_column_is_the_strip_rounded_event_by_event(
    places, width, ordered, ends, ascii_only
):
    """Events in time order take their columns in runs, each found by bisection: the same columns and row."""
    if ordered:
        places.sort()
    strip = ticks(places, width, ascii_only=ascii_only, ends=ends)
    assert (strip.columns, strip.row) == _ticks_one_by_one(places, width, ascii_only=ascii_only, ends=ends)


@pytest.mark.parametrize(("typed", "step"), [("2", 2), ("end", 4), ("START", 0), ("2024-01-02", 2), ("٣", 3)])
def test_go_to_reads_what_a_person_types(typed, step):
    assert parse_goto(typed, TIMELINE) == step


@pytest.mark.parametrize("typed", ["5", "-1", "soon", "9" * 5000])
def test_go_to_says_why_anything_else_is_not_a_step(typed):
    with pytest.raises(NotAStep):
        parse_goto(typed, TIMELINE)


@pytest.mark.parametrize(
    ("typed", "current", "step"),
    [
        ("Westville", 0, 2),  # its change of hands
        ("  westville ", 0, 2),  # any case and spacing
        ("west", 0, 2),  # its id
        ("Westville", 3, 2),  # after its last change: the first again
        ("Northtown", 0, 1),
        ("Southtown", 0, 2),  # never changes hands: the next step that moves its people
        ("Eastburg", 2, 1),  # the same, from the start again
    ],
)
def test_go_to_takes_a_town_to_its_next_change_of_hands(typed, current, step):
    assert parse_goto(typed, TIMELINE, current) == step
