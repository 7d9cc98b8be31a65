"""Reading a large file's events in two processes answers exactly what reading them in one does.

From `split_bytes` up, `checker.check` cuts the events list at a seam and a
second process reads the events after it (`scenario/halves.py`). Whatever the
file, the answer must be the one-process reading's: the same scenario, every
event, every field and mark, or the same problems at the same line and
column. The tests lower the threshold to zero so that small files take the
two-process path, and watch `halves.answer` to know that they did.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from random_scenarios import random_scenario

from sitboard.cli.bench import generate
from sitboard.scenario import checker, halves
from sitboard.scenario.errors import ScenarioError

NEVER = 1 << 62  # a threshold no file reaches: the one-process reading, as before the seam existed


def read(text: str | bytes, split_bytes: int) -> object:
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        return checker.check(data, "s.yaml", None, split_bytes=split_bytes)
    except ScenarioError as exc:
        return ("error", exc.problems, exc.truncated, exc.counting_stopped)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each second process started: whether it vouched for its events (it answered, not None)."""
    seen: list[bool] = []
    real = halves.answer

    def answer(process):  # type: ignore[no-untyped-def]
        rows = real(process)
        seen.append(rows is not None)
        return rows

    monkeypatch.setattr(halves, "answer", answer)
    return seen


def fields(scenario: object) -> object:
    """Everything a scenario holds, compared field by field (events: every field, marks included); or its problems."""
    if isinstance(scenario, tuple):
        return scenario
    return [
        (name, getattr(scenario, name)) for name in ("title", "factions", "towns", "map", "sources", "resolved")
    ] + [
        tuple(e)
        for e in scenario.events  # type: ignore[attr-defined]
    ]


def with_tail(text: str) -> str:
    """The same scenario with its `map:` line moved after the events (keys after the list stay where they are)."""
    line = re.search(r"^map: .*\n", text, re.MULTILINE)
    assert line is not None
    return text[: line.start()] + text[line.end() :] + line.group(0)


@settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    seed=st.integers(0, 10_000),
    towns=st.integers(1, 30),
    events=st.integers(10, 120),
    tail=st.booleans(),
    crlf=st.booleans(),
    flush_left=st.booleans(),
)
def test_a_random_scenario_reads_the_same_in_two_processes(seed, towns, events, tail, crlf, flush_left):
    text = random_scenario(seed, towns, events)
    if flush_left:  # `- time:` at the left edge, as `events:` itself (YAML allows it)
        head, _, events_text = text.partition("\nevents:\n")
        text = head + "\nevents:\n" + re.sub(r"^  ", "", events_text, flags=re.MULTILINE)
    if tail:
        text = with_tail(text)
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    assume(halves.find_seam(data) is not None)  # nearly always: a seam needs an event past the middle
    seen: list[bool] = []
    real = halves.answer
    halves.answer = lambda process: seen.append((rows := real(process)) is not None) or rows  # type: ignore[assignment]
    try:
        two = read(data, split_bytes=0)
    finally:
        halves.answer = real  # type: ignore[assignment]
    assert seen == [True], "the second process did not read the events after the seam"
    one = read(data, split_bytes=NEVER)
    assert not isinstance(one, tuple), one
    assert fields(two) == fields(one)
    assert [e.index for e in two.events] == list(range(events))  # type: ignore[attr-defined]


def test_the_benchmark_scenario_reads_the_same_in_two_processes_with_progress_up_to_the_end(answers):
    text = generate(50, 9000)
    seen: list[float] = []
    two = checker.check(text.encode(), "s.yaml", None, seen.append, split_bytes=0)
    assert answers == [True]
    assert fields(two) == fields(read(text, NEVER))
    assert seen and all(0 < f <= 1 for f in seen) and seen[-1] > 0.5  # this process's share fills the bar


def big() -> str:
    return random_scenario(7, 20, 200)


def seam_of(text: str) -> halves.Seam:
    seam = halves.find_seam(text.encode())
    assert seam is not None
    return seam


def line_at(text: str, number: int) -> int:
    """The offset of line `number` (1-based)."""
    at = 0
    for _ in range(number - 1):
        at = text.index("\n", at) + 1
    return at


def same_errors_as_one_process(text: str) -> tuple[object, ...]:
    two = read(text, split_bytes=0)
    one = read(text, split_bytes=NEVER)
    assert isinstance(one, tuple), "the edit should have made the file invalid"
    assert two == one
    try:
        checker._whole(text, "s.yaml", None)
    except ScenarioError as exc:
        assert one == ("error", exc.problems, exc.truncated, exc.counting_stopped)
    return one


def test_an_error_after_the_seam_is_reported_as_in_one_process(answers):
    text = big()
    seam = seam_of(text)
    at = line_at(text, seam.split_line + 1)  # the event's second line: its title
    text = text[:at] + "    kind: [a list]\n" + text[at:]
    problems = same_errors_as_one_process(text)[1]
    assert answers == [False]  # the second process saw it, and did not vouch
    assert any(p.line == seam.split_line + 1 and "expected text" in p.message for p in problems)  # type: ignore[attr-defined]


def test_an_error_before_the_seam_is_reported_as_in_one_process(answers):
    text = big()
    seam = seam_of(text)
    at = line_at(text, seam.first_line + 1)
    text = text[:at] + "    at: nowhere\n" + text[at:]
    problems = same_errors_as_one_process(text)[1]
    assert any(p.line == seam.first_line + 1 and "unknown town" in p.message for p in problems)  # type: ignore[attr-defined]
    assert answers == []  # this process gave up first: the other's answer is never awaited


def test_time_going_backwards_exactly_at_the_seam_is_reported_as_in_one_process(answers):
    text = big()
    seam = seam_of(text)
    at = line_at(text, seam.split_line)
    line_end = text.index("\n", at)
    assert text[at:line_end].startswith("  - time: ")
    text = text[:at] + "  - time: 2023-01-01" + text[line_end:]
    problems = same_errors_as_one_process(text)[1]
    assert answers == [True]  # each half is in order: only the seam is not
    assert [p.line for p in problems] == [seam.split_line]  # type: ignore[attr-defined]
    assert "earlier than the event before it" in problems[0].message  # type: ignore[index]


def alias_across_the_seam() -> bytes:
    """The benchmark's scenario with an anchor before the seam and its alias after it."""
    text = big()
    seam = seam_of(text)
    first = line_at(text, seam.first_line + 1)
    text = text[:first] + "    x-shared: &word Shared words\n" + text[first:]
    at = line_at(text, seam.split_line + 2)
    return (text[:at] + "    x-again: *word\n" + text[at:]).encode()


def test_an_alias_across_the_seam_is_read_in_one_process(answers):
    data = alias_across_the_seam()
    assert halves.find_seam(data) is None  # not cut: the other process would not know `word`
    assert fields(read(data, 0)) == fields(read(data, NEVER))
    assert answers == []


def test_an_anchor_redefined_before_the_seam_is_not_read_across_it(answers):
    """`&a` in the head and again before the seam: after it `*a` is the second, which the other process never saw."""
    lines = big().replace("title: Random 7", "title: &a Random 7", 1).split("\n")
    seam = seam_of("\n".join(lines))
    assert lines[seam.first_line].startswith("    title: ") and lines[seam.split_line].startswith("    title: ")
    lines[seam.first_line] = "    title: &a Redefined"
    lines[seam.split_line] = "    title: *a"
    text = "\n".join(lines)
    two, one = read(text, 0), read(text, NEVER)
    assert fields(two) == fields(one)
    assert one.events[seam.before].title == "Redefined"  # type: ignore[attr-defined]
    assert answers == []


def test_a_block_scalar_keeping_its_empty_lines_before_the_seam_is_read_in_one_process(answers):
    text = big()
    seam = seam_of(text)
    at = line_at(text, seam.split_line)
    text = text[:at] + "    notes: |+\n      kept\n\n" + text[at:]
    assert fields(read(text, 0)) == fields(read(text, NEVER))
    assert answers == []


def test_a_quoted_text_across_the_seam_reads_as_in_one_process(answers):
    """Lines that look like the seam's `- ` but are inside a quoted text: a cut there is undone."""
    text = big()
    seam = seam_of(text)
    at = line_at(text, seam.split_line)
    text = text[:at] + '    x-quoted: "open\n' + text[at:].replace("\n", '"\n', 1)
    assert read(text, 0) == read(text, NEVER)


def test_a_small_file_stays_in_one_process(answers):
    text = big()
    assert len(text.encode()) < halves.SPLIT_BYTES
    assert fields(checker.check(text.encode(), "s.yaml", None)) == fields(read(text, NEVER))
    assert answers == []


def test_a_quoted_text_from_before_the_seam_to_the_tail_reads_as_in_one_process(answers):
    """Every event after the seam, inside a text that closes in a key after the list: the file has half the events."""
    text = big() + "x-tail: closing"
    seam = seam_of(text)
    at = line_at(text, seam.split_line)
    text = text[:at] + '    x-quoted: "open\n' + text[at:] + '"\n'
    assert halves.find_seam(text.encode()) is not None  # cut: the quote is not what the cut looks for
    two, one = read(text, 0), read(text, NEVER)
    assert len(one.events) == seam.before  # type: ignore[attr-defined]
    assert fields(two) == fields(one)
    assert answers == []  # this process saw that the tail was not where the cut said it is, and read in one


def test_a_quoted_line_that_looks_like_an_event_before_the_seam_does_not_shift_the_numbers(answers):
    """`  - b"` inside a text is no event: the count before the seam is not the events' count, read in one."""
    text = big()
    seam = seam_of(text)
    at = line_at(text, seam.first_line + 1)
    text = text[:at] + '    x-quoted: "a\n  - b"\n' + text[at:]
    two, one = read(text, 0), read(text, NEVER)
    assert fields(two) == fields(one)
    assert [e.index for e in two.events] == list(range(len(one.events)))  # type: ignore[attr-defined]


def test_lone_carriage_returns_are_read_in_one_process(answers):
    """libyaml counts a lone CR as a line; the empty lines standing for the other half would not."""
    text = big()
    seam = seam_of(text)
    at = line_at(text, seam.first_line + 1)
    text = text[:at] + "    x-note: a\r\n" + text[at:].replace("\n", "\r", 1)
    assert fields(read(text, 0)) == fields(read(text, NEVER))


def test_a_frozen_program_reads_in_one_process(answers, monkeypatch):
    """A bundled program's `sys.executable` is the program itself: started with `-c`, it would not read events."""
    monkeypatch.setattr("sys.frozen", True, raising=False)
    text = big()
    assert fields(read(text, 0)) == fields(read(text, NEVER))
    assert answers == []


def test_an_answer_with_no_events_is_read_in_one_process(monkeypatch):
    # The other process always reads an event at least (the seam is at one); an answer without
    # any is not vouched for, and the file is read in one process rather than the join failing.
    monkeypatch.setattr(halves, "answer", lambda process: halves.pack([]))
    text = big()
    assert fields(read(text, split_bytes=0)) == fields(read(text, split_bytes=NEVER))


def test_a_process_allowed_one_core_reads_in_one(answers, monkeypatch):
    # On one core a second process only adds its start and the towns read twice.
    monkeypatch.setattr(halves.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not halves.two_cores()
    text = big()
    assert fields(read(text, split_bytes=0)) == fields(read(text, split_bytes=NEVER))
    assert answers == []  # no second process was started
    monkeypatch.setattr(halves.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert halves.two_cores()


def test_the_other_process_starts_before_the_cut_is_vouched_for_and_is_stopped_when_it_is_not(monkeypatch):
    """The other process starts as soon as the cut is found (vouching for it is a third of the work on 200 MB);
    a cut found unsafe afterwards (an alias across it) leaves no process behind, and the file reads in one."""
    started: list[object] = []
    real_start = halves.start

    def start(*args):  # type: ignore[no-untyped-def]
        process = real_start(*args)
        started.append(process)
        return process

    monkeypatch.setattr(halves, "start", start)
    data = alias_across_the_seam()
    assert halves.cut(data) is not None and halves.find_seam(data) is None
    assert fields(read(data, 0)) == fields(read(data, NEVER))
    assert len(started) == 1 and started[0].returncode is not None  # type: ignore[attr-defined]
