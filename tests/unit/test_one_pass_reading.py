"""The one-pass reading of a scenario gives exactly the whole-document path's answer.

`checker.check` first reads a file in one pass: each event is checked as soon
as it is composed and let go, and plain scalars of the same text are one node
(`compose(shared=True)`), so the positions inside that pass are not the file's.
It may only ever answer what the whole-document path (`checker._whole`, which
composes every node at its own place) answers: the same scenario, event marks
included, or, through that path, the same problems at the same line and column.
These tests read real scenarios, generated ones and edited ones both ways.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import event as count_as
from hypothesis import strategies as st

from sitboard.cli.bench import generate
from sitboard.scenario import checker
from sitboard.scenario.errors import ScenarioError

SAME = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
SCENARIOS.append((ROOT / "tests" / "data" / "central_syria_v1.yaml").read_text(encoding="utf-8"))
SCENARIOS.append(generate(30, 200))

# What edits put in: values that resolve differently in YAML 1.1 (yes, 0o12,
# 1_000, 017, 1e3, timestamps), quoting, anchors and aliases, merge keys,
# duplicates of a line, characters YAML refuses, and structure.
PIECES = [
    "yes",
    "no",
    "~",
    "0o12",
    "1_000",
    "017",
    "1e3",
    "2024-01-01",
    "2024-02-30",
    "'",
    '"',
    "&a ",
    "*a",
    "<<: ",
    ":",
    " ",
    "\n",
    "  ",
    "- ",
    "[",
    "]",
    "{",
    "x-",
    "\x07",
    "é",
    "!!str ",
    "!!int ",
    "# ",
    "9",
    "-",
]


def answer(text: str, whole: bool) -> object:
    try:
        if whole:
            return checker._whole(text, "s.yaml", None)
        return checker.check(text, "s.yaml", None)
    except ScenarioError as exc:
        return ("error", exc.problems, exc.truncated, exc.counting_stopped)


def same_both_ways(text: str) -> None:
    one_pass = answer(text, whole=False)
    count_as("refused" if isinstance(one_pass, tuple) else "accepted")
    assert one_pass == answer(text, whole=True)


def test_every_shipped_and_generated_scenario_reads_the_same_both_ways():
    for text in SCENARIOS:
        one_pass = answer(text, whole=False)
        assert not isinstance(one_pass, tuple), one_pass  # they are valid: the one-pass reading is what is tested
        assert one_pass == answer(text, whole=True)


@SAME
@given(st.data())
def test_an_edited_scenario_reads_the_same_both_ways(data):
    text = data.draw(st.sampled_from(SCENARIOS))
    events = text.find("\nevents:")
    for _ in range(data.draw(st.integers(1, 3))):
        # most edits land among the events, which the one-pass reading reads differently
        low = events if events > 0 and data.draw(st.booleans()) else 0
        at = data.draw(st.integers(low, len(text)))
        op = data.draw(st.sampled_from(["insert", "replace", "delete", "duplicate-line"]))
        if op == "insert":
            text = text[:at] + data.draw(st.sampled_from(PIECES)) + text[at:]
        elif op == "replace":
            text = text[:at] + data.draw(st.sampled_from(PIECES)) + text[at + data.draw(st.integers(1, 6)) :]
        elif op == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 20)) :]
        else:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end + 1
            text = text[:end] + text[start:end] + text[end:]
    same_both_ways(text)


HEAD = """\
sitboard: 1
title: T
factions:
  - {id: gov, name: Government}
  - {id: reb, name: Rebels}
towns:
  - {id: hama, name: Hama, lat: 35.13, lon: 36.76}
  - {id: homs, name: Homs, lat: 34.72, lon: 36.73}
  - {id: 'yes', name: A town called yes, lat: 34.0, lon: 36.0}
sources:
  - {id: sohr, name: Observatory}
events:
"""


def mostly(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """A value that is usually right (so that whole files pass) and now and then wrong."""
    return st.sampled_from(good * 12 + bad)


towns = mostly(["hama", "homs", "'yes'", "yes", "*a"], ["x", "~", "1", "hamaa"])
factions = mostly(["gov", "reb"], ["yes", "1_000", "gvo"])
holders = mostly(["gov", "reb", "contested", "unknown"], ["0o12", "~", "rebs"])
times = mostly(
    ["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02T10:00", "'2024-01-02'"], ["yes", "1", "2023-12-31"]
)
words = mostly(["A", "yes", "'B'", "1e3", "0o12", "1_000", "017", "~", "*a"], ["[A]", "{a: 1}"])


@st.composite
def event_lines(draw: st.DrawFn) -> str:
    """One event, in block or flow style, its values ids, words YAML 1.1 reads as other types, and aliases."""
    pairs = [("time", draw(times)), ("title", draw(mostly(["A", "yes", "'B'", "&a hama", "1e3", "017"], ["~"])))]
    if draw(st.booleans()):
        pairs.append(("at", draw(towns)))
    if draw(st.booleans()):
        pairs.append(("actors", f"[{', '.join(draw(st.lists(factions, max_size=2, unique=True)))}]"))
    if draw(st.booleans()):
        pairs.append(("control", f"{{{draw(towns)}: {draw(holders)}}}"))
    if draw(st.booleans()):
        pairs.append(("sources", f"[{draw(mostly(['sohr'], ['yes']))}]"))
    if draw(st.booleans()):
        pairs.append((draw(mostly(["kind", "text", "x-note"], ["time", "titel"])), draw(words)))
    if draw(st.booleans()):
        return "  - {" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}\n"
    first, *rest = pairs
    return f"  - {first[0]}: {first[1]}\n" + "".join(f"    {k}: {v}\n" for k, v in rest)


@SAME
@given(st.lists(event_lines(), min_size=1, max_size=12))
def test_events_of_repeated_and_ambiguous_values_read_the_same_both_ways(events):
    same_both_ways(HEAD + "".join(events))
