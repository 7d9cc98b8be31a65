"""The scenario text a briefing room may be sent: every note gone, everything else as written."""

from __future__ import annotations

import pytest
from extended_scenario import EXTENDED, HEAD, NOTE
from hypothesis import given
from hypothesis import strategies as st

from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.notes import NotesStuck, shareable, without_notes


def but_notes(text: str):
    scenario = parse_scenario(text, "x.yaml")
    return scenario.replace(events=tuple(e._replace(notes=None, mark=None) for e in scenario.events))


def test_the_extended_scenario_loses_every_note_and_nothing_else():
    copy = shareable(EXTENDED, parse_scenario(EXTENDED, "x.yaml"))
    assert NOTE not in copy
    assert but_notes(copy) == but_notes(EXTENDED)
    assert all(e.notes == "" for e in parse_scenario(copy, "x.yaml").events)
    assert copy.count("\n") == EXTENDED.count("\n") - 2  # the note of three lines is one line now


STYLES = [
    'notes: "secret one"',
    "notes: 'secret '' two'",
    "notes: secret three",
    "notes: |-\n      secret\n      four",
    "notes: >\n      secret\n      five\n\n",
    "notes: |+\n      secret six\n\n",
    "notes: !!str secret seven",
    '"notes": secret eight',
    "? notes\n    : secret nine",
    "notes: secret\n      ten, a plain scalar\n      over lines",
    'notes: "secret \\u00e9 eleven \U0001f600"',
]


@pytest.mark.parametrize("note", STYLES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_note_in_any_style_goes_in_a_block_mapping(note, newline):
    text = (
        HEAD + "events:\n  - time: 2024-12-01\n    title: Ünïcode 😀 before\n    " + note + "\n"
        "    text: after the note\n  - {time: 2024-12-02, title: Next}\n"
    ).replace("\n", newline)
    copy = shareable(text, parse_scenario(text, "x.yaml"))
    assert "secret" not in copy and "after the note" in copy
    assert but_notes(copy) == but_notes(text)


@pytest.mark.parametrize(
    "event",
    [
        '{time: 2024-12-01, notes: "secret", title: T}',
        "{time: 2024-12-01, title: T, notes: secret}",
        "{notes: 'secret', time: 2024-12-01, title: T}",
        '{time: 2024-12-01, title: T, notes: "secret\n      over lines"}',
    ],
)
def test_a_note_in_a_flow_mapping_goes_without_breaking_it(event):
    text = HEAD + "events:\n  - " + event + "\n  - {time: 2024-12-02, title: Next, notes: secret too}\n"
    copy = shareable(text, parse_scenario(text, "x.yaml"))
    assert "secret" not in copy
    assert but_notes(copy) == but_notes(text)


def test_a_file_without_notes_is_its_own_copy():
    text = HEAD + "events:\n  - {time: 2024-12-01, title: Notes are mentioned in a title, text: 'notes: no'}\n"
    assert without_notes(text) == text
    assert shareable(text, parse_scenario(text, "x.yaml")) == text  # a value that says notes is not a note


def test_a_merged_note_goes_with_its_anchor():
    text = HEAD + (
        "events:\n"
        "  - &first {time: 2024-12-01, title: One, notes: secret}\n"
        "  - {<<: *first, time: 2024-12-02, title: Two}\n"
    )
    copy = shareable(text, parse_scenario(text, "x.yaml"))
    assert "secret" not in copy and but_notes(copy) == but_notes(text)


def test_a_note_that_other_text_refers_to_cannot_be_sent_quietly():
    text = HEAD + "events:\n  - {time: 2024-12-01, title: One, notes: &n secret, text: *n}\n"
    with pytest.raises(NotesStuck, match="no longer reads"):
        shareable(text, parse_scenario(text, "x.yaml"))


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_any_note_text_goes(secret):
    marker = "Q" + secret
    text = HEAD + "events:\n  - time: 2024-12-01\n    title: T\n    notes: " + _quoted(marker) + "\n"
    try:
        scenario = parse_scenario(text, "x.yaml")
    except Exception:  # a note the checker refuses (a control character): nothing to send
        return
    copy = shareable(text, scenario)
    assert _quoted(marker) not in copy and but_notes(copy) == but_notes(text)


def _quoted(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar
