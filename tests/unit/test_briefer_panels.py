"""What only the briefer's console says: the step's speaker notes and what comes next."""

from __future__ import annotations

from extended_scenario import EXTENDED, NOTE

from sitboard.panels.briefer import notes, up_next
from sitboard.panels.styled import plain
from sitboard.panels.words import Words
from sitboard.scenario.loader import parse_scenario
from sitboard.timeline import Timeline

SCENARIO = parse_scenario(EXTENDED, "extended.yaml")
TIMELINE = Timeline(SCENARIO)
WORDS = Words(SCENARIO)


def test_notes_keep_their_line_breaks_and_a_step_without_notes_says_so():
    assert plain(notes(TIMELINE.state_at(0), WORDS)) == "No notes for this step."
    assert plain(notes(TIMELINE.state_at(2), WORDS)) == f"{NOTE} second step.\nTwo lines of it."


def test_up_next_names_the_next_event_and_the_end():
    assert plain(up_next(TIMELINE.state_at(0), WORDS)) == "Next: 2024-12-03  Fighting north of Homs"
    assert plain(up_next(TIMELINE.state_at(TIMELINE.steps), WORDS)) == "Next: nothing, this is the last event"
