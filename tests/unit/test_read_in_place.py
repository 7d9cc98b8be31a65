"""Reading a file's bytes as they are gives the answers that reading its text gave.

The loader hands libyaml the bytes it read (once they are known to be UTF-8)
instead of their text, which libyaml would copy back to UTF-8: a 200 MB file
is then held once while it is checked. The answer must not move: the same
scenario, or the same problems at the same line and column, whatever the text
holds (non-ASCII before a bad character, a byte-order mark, line breaks YAML
counts differently, a syntax error, a problem found only by the checker).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitboard.scenario.bundled import default_scenario
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.scenario.yamldoc import YamlProblem, compose

SAME = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BUNDLED = default_scenario().read_text(encoding="utf-8")


def outcome(source: str | bytes) -> object:
    try:
        return parse_scenario(source, "same.yaml")
    except ScenarioError as exc:
        return ("error", exc.problems, str(exc))


def composed(source: str | bytes) -> object:
    try:
        return compose(source)
    except YamlProblem as exc:
        return ("problem", exc.line, exc.column, exc.message)


YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab :-#\n\r\t[]{},&*!|>'\"%@`?~<=.019xT\x07\ufeff\u0085\u2028éḨ")), max_size=200
)


@SAME
@given(YAMLISH)
def test_yaml_flavoured_text_reads_the_same_as_bytes(text):
    assert composed(text.encode()) == composed(text)
    if not text.startswith("\ufeff"):  # the loader takes one mark off the bytes, as the checker does off the text
        assert outcome(text.encode()) == outcome(text)


@SAME
@given(st.data())
def test_an_edited_scenario_reads_the_same_as_bytes(data):
    text = BUNDLED
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        insert = data.draw(st.sampled_from(["", "é", "\x07", "\ufeff", ":", "\n", "  ", "[", "'", "\u2028", "9"]))
        text = text[:at] + insert + text[at + data.draw(st.integers(0, 3)) :]
    if data.draw(st.booleans()):
        text = "\ufeff" + text
    assert outcome(text.encode()) == outcome(text)


@pytest.mark.parametrize(
    "text",
    [
        "title: Ḩamāh\nbad: \x07\n",  # a character YAML refuses, after non-ASCII text
        "title: Ḩamāh \x07\n",
        "a: 'Ḩamāh\n",  # an unclosed quote after non-ASCII text
        "sitboard: 2\ntitle: Ḩamāh\n",  # a problem the checker finds
    ],
)
def test_a_file_is_refused_where_its_text_was(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_bytes(text.encode())
    with pytest.raises(ScenarioError) as from_file:
        load_scenario(path)
    with pytest.raises(ScenarioError) as from_text:
        parse_scenario(text, str(path))
    assert from_file.value.problems == from_text.value.problems


def test_a_file_with_a_byte_order_mark_and_non_ascii_text_loads_as_its_text_does(tmp_path):
    text = BUNDLED.replace("Hama", "Ḩamāh", 1)
    path = tmp_path / "s.yaml"
    path.write_bytes(("\ufeff" + text).encode())
    assert load_scenario(path) == parse_scenario(text, str(path))


def test_without_libyaml_bytes_read_as_the_pure_parser_reads_text(monkeypatch):
    # PyYAML built without libyaml parses in Python: the bytes path must answer the same there too
    import yaml

    from sitboard.scenario import yamldoc

    monkeypatch.setattr(yamldoc, "_Loader", yaml.SafeLoader)
    monkeypatch.setattr(yamldoc, "_IN_C", False)
    for text in ("title: Ḩamāh\nbad: \x07\n", "a: [1, 'é', yes]\n", BUNDLED):
        assert composed(text.encode()) == composed(text)
    assert outcome(BUNDLED.encode()) == outcome(BUNDLED)
