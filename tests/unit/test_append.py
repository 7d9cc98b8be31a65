"""A file that grew by appended events is read through its new end, with the answer a whole read gives.

`scenario/append.py` reads only what follows the last event already read, and
`Timeline.extended` carries the timeline on from where it stood. Neither may
ever change an answer: the scenario, every panel at every step, and the
problems of a bad append (same messages at the same file:line:col) must be
those of a fresh whole read; whatever the tail path cannot vouch for is read
whole.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitboard.exports.json_state import state_to_json
from sitboard.geo.camera import StepCameras
from sitboard.geo.projection import View
from sitboard.panels.control import control
from sitboard.panels.displacement import displacement
from sitboard.panels.event import event
from sitboard.panels.header import headline
from sitboard.panels.legend import legend
from sitboard.panels.ticks import fractions, spans
from sitboard.panels.town_history import town_history
from sitboard.panels.words import Words
from sitboard.scenario.append import ExtendedEvents
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import load_scenario
from sitboard.scenario.model import event_columns
from sitboard.scenario.source import ScenarioSource
from sitboard.timeline import Timeline
from tests.unit.test_store_equivalence import random_scenario


def split(text: str) -> tuple[str, list[str]]:
    """The file up to its first event, and each event's lines."""
    at = text.index("\nevents:\n") + len("\nevents:\n")
    return text[:at], [item for item in re.split(r"(?m)^(?=  - time:)", text[at:]) if item]


def shown(timeline: Timeline) -> list[object]:
    """Everything a board and its exports show, step by step, from this timeline."""
    s = timeline.scenario
    words = Words(s)
    out: list[object] = [legend(words), fractions(s), spans(s), event_columns(s.events), s.title, s.towns]
    cameras = StepCameras(s, View(30.0, 30.0, 45.0, 40.0))
    for step in range(timeline.steps + 1):
        situation = timeline.state_at(step)
        out += [
            control(situation, words),
            displacement(situation, words),
            event(situation, words),
            headline(situation, words),
            state_to_json(situation),
            list(timeline.holdings_at(step).items()),  # in order: a legend lists them so
            list(timeline.controls_at(step)),
            timeline.changes_at(step),
            list(situation.flows),
            cameras.view_at(step),
        ]
    for town in s.towns:
        out += [town_history(timeline, town.id, timeline.steps, words), timeline.flows_of(town.id)]
    out += [timeline.step_at_or_before(e.time.value) for e in s.events]
    return out


def watched(path: Path) -> tuple[ScenarioSource, Timeline]:
    source = ScenarioSource(path)
    timeline = Timeline(source.load())
    return source, timeline


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32),
    towns=st.integers(1, 30),
    events=st.integers(1, 60),
    cuts=st.lists(st.integers(1, 6), min_size=1, max_size=6),
)
def test_appended_events_give_the_board_a_whole_read_gives(tmp_path_factory, seed, towns, events, cuts):
    text = random_scenario(seed, towns, events + sum(cuts))
    head, items = split(text)
    path = tmp_path_factory.mktemp("append") / "live.yaml"
    path.write_text(head + "".join(items[:events]), encoding="utf-8")
    source, timeline = watched(path)
    timeline.state_at(timeline.steps)  # as a board has: the tallies built, a situation kept
    done = events
    for cut in cuts:
        with path.open("a", encoding="utf-8") as f:
            f.write("".join(items[done : done + cut]))
        done += cut
        scenario = source.load()
        assert isinstance(scenario.events, ExtendedEvents)  # read through the tail indeed
        whole = load_scenario(path)
        assert scenario == whole
        n = len(whole.events)
        for a, b in ((0, n), (n - cut - 1, n), (n - cut, n + 3), (1, n - 1), (-2, None)):
            assert tuple(scenario.events[a:b]) == whole.events[a:b]  # exports and the split view slice
        assert scenario.events[-1] == whole.events[-1] and scenario.events[n - cut] == whole.events[n - cut]
        timeline = timeline.extended(scenario)
        assert shown(timeline) == shown(Timeline(whole))


def lines_of(text: str, events: int = 3) -> list[str]:
    rng = random.Random(7)
    return [
        f"  - time: 2025-02-{10 + i:02d}\n    title: Appended {i}\n    at: t{rng.randrange(3)}\n" for i in range(events)
    ]


BASE = """sitboard: 1
title: Appending
factions:
  - {id: gov, name: Government}
  - {id: reb, name: Rebels}
towns:
  - {id: t0, name: Zero, lat: 34.0, lon: 36.0, control: gov}
  - {id: t1, name: One, lat: 34.5, lon: 36.5, control: reb}
  - {id: t2, name: Two, lat: 35.0, lon: 37.0, control: gov}
events:
  - time: 2025-02-01
    title: First
    control: {t1: gov}
  - time: 2025-02-02
    title: Second
    text: |+
      kept lines

"""


def outcome(read):  # type: ignore[no-untyped-def]
    try:
        return read()
    except ScenarioError as exc:
        return [str(p) for p in exc.problems], exc.truncated, exc.counting_stopped


@pytest.mark.parametrize(
    ("edit", "tail"),
    [
        (lambda t: t.replace("title: First", "title: First!"), True),  # the prefix changed: read whole
        (lambda t: t + "x-later: 1\n", False),  # a key after the events (valid): read whole
        (lambda t: t + "...\n", False),  # a document end marker
        (lambda t: t + "  - &a {time: 2025-03-01, title: Anchored}\n  - *a\n", False),  # anchor and alias
        (lambda t: t + "  - !!map {time: 2025-03-01, title: Tagged}\n", False),  # a tag
        (lambda t: t + "- time: 2025-03-01\n  title: Less indented\n", False),  # not the list's indentation
        (lambda t: t + "\n\n  - time: 2025-03-01\n    title: After blank lines\n", False),  # `|+` keeps them
        (lambda t: t.rstrip("\n") + "\n    more text\n", False),  # continues the last event
        (lambda t: t + "  - time: 2025-03-01\r\n    title: A carriage return\r\n", False),
        (lambda t: t + "  - {time: 2025-03-01, title: Bad merge, <<: 3}\n", False),
    ],
)
def test_what_the_tail_cannot_vouch_for_is_read_whole(tmp_path, edit, tail):
    path = tmp_path / "live.yaml"
    path.write_text(BASE, encoding="utf-8")  # its last event ends with a text that keeps its blank lines
    source, _ = watched(path)
    edited = edit(BASE) + ("".join(lines_of(BASE, 2)) if tail else "")
    path.write_bytes(edited.encode("utf-8"))
    got = outcome(source.load)
    assert got == outcome(lambda: load_scenario(path))
    if not isinstance(got, tuple):
        assert not isinstance(got.events, ExtendedEvents)


def test_comments_and_blank_lines_between_appended_events_are_read_through_the_tail(tmp_path):
    path = tmp_path / "live.yaml"
    path.write_text(BASE.replace("|+", "|") + "".join(lines_of(BASE)), encoding="utf-8")
    source, timeline = watched(path)
    with path.open("a", encoding="utf-8") as f:
        f.write("# appended by the importer\n\n  - time: 2025-03-01  # a comment\n    title: Commented\n")
    scenario = source.load()
    assert isinstance(scenario.events, ExtendedEvents)
    assert scenario == load_scenario(path)
    assert shown(timeline.extended(scenario)) == shown(Timeline(load_scenario(path)))


BAD_EVENTS = [
    "  - time: 2025-01-01\n    title: Earlier than the last\n",  # time order, against the last event read
    "  - time: 2025-03-02\n    title: Unknown town\n    at: t9\n",  # did you mean?
    "  - time: 2025-03-03\n    title: Unknown holder\n    control: {t1: rebs}\n",
    "  - time: 2025-03-04\n    titel: Misspelt key\n",
    "  - time: 2025-03-05\n    title: Flow\n    flows: [{from: t0, to: [t0, t1]}]\n",
    "  - time: 2025-03-06\n    title: Twice\n    title: Again\n",
    "  - time: 2025-03-07\n    title: Siege\n    control: {t2: {holder: gov, state: besieged, by: [gov]}}\n",
]


@pytest.mark.parametrize("bad", BAD_EVENTS)
def test_a_problem_in_the_appended_events_is_the_whole_reads_problem(tmp_path, bad):
    path = tmp_path / "live.yaml"
    path.write_text(BASE.replace("|+", "|") + "".join(lines_of(BASE)), encoding="utf-8")
    source, _ = watched(path)
    with path.open("a", encoding="utf-8") as f:
        f.write(bad + lines_of(BASE, 4)[3])  # first: its time is held to the last event read
    with pytest.raises(ScenarioError) as tail:
        source.load()
    whole = outcome(lambda: load_scenario(path))
    assert outcome(lambda: (_ for _ in ()).throw(tail.value)) == whole
    # and the next good append is still read through the tail, against the last good read
    path.write_text(BASE.replace("|+", "|") + "".join(lines_of(BASE, 5)), encoding="utf-8")
    assert isinstance(source.load().events, ExtendedEvents)


def test_hundreds_of_problems_are_counted_as_a_whole_read_counts_them(tmp_path):
    path = tmp_path / "live.yaml"
    path.write_text(BASE.replace("|+", "|"), encoding="utf-8")
    source, _ = watched(path)
    with path.open("a", encoding="utf-8") as f:
        f.write("".join(f"  - time: 2025-03-01\n    title: Bad {i}\n    at: nowhere{i}\n" for i in range(300)))
    with pytest.raises(ScenarioError) as tail:
        source.load()
    assert tail.value.truncated > 0
    assert outcome(lambda: (_ for _ in ()).throw(tail.value)) == outcome(lambda: load_scenario(path))


def test_a_file_with_windows_line_ends_is_read_whole(tmp_path):
    """Line numbers are counted in `\\n`; YAML also counts a lone `\\r` (and NEL, LS, PS) as a line break."""
    path = tmp_path / "live.yaml"
    path.write_bytes(BASE.replace("|+", "|").replace("\n", "\r\n").encode("utf-8"))
    source, _ = watched(path)
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write("  - time: 2025-03-01\n    title: Unix line ends now\n")
    scenario = source.load()
    assert not isinstance(scenario.events, ExtendedEvents)
    assert scenario == load_scenario(path)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from([*"ab \n-:é", "\u2028", "\u2029", "\x85", "\r", "Ḩ"]), max_size=60),
    chunk=st.integers(1, 9),
)
def test_a_read_remembered_from_its_bytes_is_the_read_remembered_from_its_text(text, chunk):
    """The board hashes the bytes it read (not a decoded copy): a break whose bytes straddle two chunks still counts."""
    from sitboard.scenario import append

    scenario, kept = object(), append._CHUNK
    append._CHUNK = chunk
    try:
        from_text, from_bytes = append.last_read(text, scenario), append.last_read(text.encode("utf-8"), scenario)
        hashed = append.last_read(text.encode("utf-8"), scenario, hashlib.sha256(text.encode("utf-8")).digest())
    finally:
        append._CHUNK = kept
    assert from_bytes == from_text == hashed  # counted alone when its hash is known (the cache's), the same record


@pytest.mark.parametrize("remembered", [True, False], ids=["remembered", "next-load"])
@pytest.mark.parametrize("cached", [True, False], ids=["warm", "cold"])
def test_a_board_records_its_read_after_its_first_frame_and_still_reads_an_append_through_the_tail(
    tmp_path, monkeypatch, remembered, cached
):
    """A board leaves the record of its read for `remember` (after its first frame): none is lost by waiting.

    With the cache keying every file as a large one, the record's hash is the
    one the key was made from; whether `remember` ran or the next load had to
    work the record out itself, an append is read through the tail and gives
    the whole read's answer.
    """
    from sitboard.scenario import cache

    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "LARGE", 0)
    path = tmp_path / "live.yaml"
    path.write_text(BASE.replace("|+", "|") + "".join(lines_of(BASE)), encoding="utf-8")
    if cached:
        load_scenario(path, cache=True)
    source = ScenarioSource(path, cache=True)
    timeline = Timeline(source.load(remember_later=True))
    assert source.remembering  # warm or cold: the board starts its after-frame work
    if remembered:
        source.remember()
        assert not source.remembering
    with path.open("a", encoding="utf-8") as f:
        f.write("  - time: 2025-03-01\n    title: Appended after the frame\n    at: t2\n")
    scenario = source.load(remember_later=True)
    assert isinstance(scenario.events, ExtendedEvents)
    assert scenario == load_scenario(path)
    assert shown(timeline.extended(scenario)) == shown(Timeline(load_scenario(path)))
    source.remember()  # the appended file's entry, keyed by the hash of the tail read: a later open finds it
    entries = set((tmp_path / "cache").glob("sitboard-*.sqlite"))
    assert load_scenario(path, cache=True) == scenario
    assert set((tmp_path / "cache").glob("sitboard-*.sqlite")) == entries


def test_the_columns_of_events_read_from_a_file_are_worked_out_once_for_the_last_events_asked_about():
    # A board that has just read a file asks for them four times (timeline, strip, ranges, cameras).
    from sitboard.cli.bench import generate
    from sitboard.scenario.loader import parse_scenario
    from sitboard.scenario.model import _worked_out, event_columns

    first = parse_scenario(generate(30, 40, seed=1), "<first>")
    other = parse_scenario(generate(30, 50, seed=2), "<other>")
    columns = event_columns(first.events)
    assert event_columns(first.events) is columns  # kept
    assert columns == _worked_out(first.events)
    assert event_columns(other.events) == _worked_out(other.events)  # other events: their own
    assert event_columns(list(first.events)) == columns  # equal events in another sequence: worked out again
    assert event_columns(first.events) is not columns  # only the last events asked about are kept
