"""The JSON export's encoder writes exactly what `json.dumps(..., ensure_ascii=False, indent=n)` writes.

`export --format json` encodes leaves with the C encoder and indents around
them (`exports/indented_json.py`); its output must stay byte for byte the
one it always was, for any value and for every step of any scenario.
"""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from random_scenarios import random_scenario

from sitboard.exports.indented_json import dumps_indented
from sitboard.exports.json_state import state_to_json
from sitboard.scenario.loader import parse_scenario
from sitboard.timeline import Timeline

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
keys = st.text() | st.sampled_from(["a", "é", 'q"uote', "\n", "\x1b[31m", "\u202e"])
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.lists(inner, max_size=3).map(tuple) | st.dictionaries(keys, inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None, database=None)
@given(value=values, indent=st.sampled_from([0, 1, 2, 4]))
def test_any_value_is_written_as_json_dumps_writes_it(value, indent):
    assert dumps_indented(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)


tricky = st.sampled_from(["}", "{", "},\n  {", '": {"', "]", "[{", "\n", ""]) | st.text()
leaf_objects = st.dictionaries(
    keys | tricky, scalars | tricky | st.just([]) | st.just({}) | st.just(()), min_size=1, max_size=5
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    rows=st.lists(leaf_objects | st.dictionaries(keys, values, max_size=3), max_size=6),
    named=st.dictionaries(keys | tricky, leaf_objects | st.dictionaries(keys, values, max_size=3), max_size=6),
    indent=st.sampled_from([0, 1, 2, 3]),
)
def test_lists_and_objects_of_objects_are_written_as_json_dumps_writes_them(rows, named, indent):
    """The towns, the flows, the tallies by place: objects of scalars written in one call, whatever their strings say."""
    for value in (rows, named, {"towns": rows, "by_origin": named}, [rows, {"flows": [rows, named]}]):
        assert dumps_indented(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)


@settings(max_examples=200, deadline=None, database=None)
@given(
    value=st.dictionaries(
        st.none() | st.booleans() | st.integers() | st.floats(), scalars | st.lists(scalars), max_size=4
    )
)
def test_keys_that_are_not_strings_are_written_as_json_dumps_writes_them(value):
    for wrapped in (value, {"outer": value}, [value, [value]]):
        assert dumps_indented(wrapped, 2) == json.dumps(wrapped, ensure_ascii=False, indent=2)


def test_what_json_cannot_write_is_refused_as_json_dumps_refuses_it():
    for bad in ({"a": {1, 2}}, [[object()]], {"k": [{"x": b"bytes"}]}):
        try:
            json.dumps(bad, ensure_ascii=False, indent=2)
        except TypeError as exc:
            expected = str(exc)
        try:
            dumps_indented(bad, 2)
        except TypeError as exc:
            assert str(exc) == expected
        else:  # pragma: no cover - the assertion that fails
            raise AssertionError(f"{bad!r} was written")


@settings(max_examples=30, deadline=None, database=None)
@given(seed=st.integers(0, 2**32), towns=st.integers(1, 40), events=st.integers(0, 160))
def test_every_step_of_any_scenario_exports_as_before(seed, towns, events):
    timeline = Timeline(parse_scenario(random_scenario(seed, towns, events), "r.yaml"))
    rng = random.Random(seed)
    steps = {0, timeline.steps, *(rng.randint(0, timeline.steps) for _ in range(8))}
    for step in sorted(steps):
        data = state_to_json(timeline.state_at(step))
        assert dumps_indented(data, 2) == json.dumps(data, ensure_ascii=False, indent=2)
