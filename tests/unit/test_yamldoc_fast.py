"""The fast paths of reading a scenario give the same answers as the general ones.

`yamldoc.compose` resolves each plain scalar's text once and reuses the answer,
keeps the innermost collection in local variables, and the checker takes known
keys, text values, ids, dates and places without building error paths. These
cases repeat values, mix styles and tags around them, and put errors right
after a fast case, so a shortcut that leaks state from one value to the next, or
that points at the wrong place, fails here.
"""

from __future__ import annotations

import textwrap

import pytest

from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import Place
from sitboard.scenario.yamldoc import (
    BOOL,
    INT,
    MAX_DEPTH,
    MERGE,
    NULL,
    STR,
    TIMESTAMP,
    Map,
    Scalar,
    Seq,
    YamlProblem,
    compose,
)


def problem(text: str) -> tuple[int, int, str]:
    with pytest.raises(YamlProblem) as info:
        compose(text)
    return info.value.line, info.value.column, info.value.message


# -- compose ---------------------------------------------------------------------


def test_repeated_plain_scalars_resolve_alike_and_keep_their_own_positions():
    root = compose('a: [1, "1", !!str 1, ! 1, \'1\', 1, yes, yes, "yes", ~, ~, 2024-01-01, 2024-01-01, 017, <<]\n')
    assert isinstance(root, Map)
    items = root.pairs[0][1]
    assert isinstance(items, Seq)
    assert items.items == [
        Scalar(1, INT, "1", 1, 5),
        Scalar("1", STR, "1", 1, 8),  # quoted: text, though the plain `1` before it is a number
        Scalar("1", STR, "1", 1, 13),
        Scalar(1, INT, "1", 1, 22),  # the non-specific tag `!` resolves like a plain scalar
        Scalar("1", STR, "1", 1, 27),
        Scalar(1, INT, "1", 1, 32),
        Scalar(True, BOOL, "yes", 1, 35),
        Scalar(True, BOOL, "yes", 1, 40),
        Scalar("yes", STR, "yes", 1, 45),
        Scalar(None, NULL, "~", 1, 52),
        Scalar(None, NULL, "~", 1, 55),
        Scalar("2024-01-01", TIMESTAMP, "2024-01-01", 1, 58),
        Scalar("2024-01-01", TIMESTAMP, "2024-01-01", 1, 70),
        Scalar(15, INT, "017", 1, 82),  # YAML 1.1 octal
        Scalar("<<", MERGE, "<<", 1, 87),
    ]
    assert [type(n.value) for n in items.items[:6]] == [int, str, str, int, str, int]


def test_words_resolve_by_their_exact_spelling():
    # YAML 1.1 has three spellings of each word: a text that differs only in case is text.
    root = compose("[Yes, yES, NULL, nULL, TRUE, tRUE, Off, oFF]")
    assert isinstance(root, Seq)
    assert [(n.value, n.tag) for n in root.items] == [
        (True, BOOL),
        ("yES", STR),
        (None, NULL),
        ("nULL", STR),
        (True, BOOL),
        ("tRUE", STR),
        (False, BOOL),
        ("oFF", STR),
    ]


def test_nested_collections_keep_positions_and_pair_order():
    root = compose("top:\n  - {k: v, n: 2}\n  - [x, [y]]\n  - plain\nlast: ~\n")
    assert root == Map(
        [
            (
                Scalar("top", STR, "top", 1, 1),
                Seq(
                    [
                        Map(
                            [
                                (Scalar("k", STR, "k", 2, 6), Scalar("v", STR, "v", 2, 9)),
                                (Scalar("n", STR, "n", 2, 12), Scalar(2, INT, "2", 2, 15)),
                            ],
                            2,
                            5,
                        ),
                        Seq([Scalar("x", STR, "x", 3, 6), Seq([Scalar("y", STR, "y", 3, 10)], 3, 9)], 3, 5),
                        Scalar("plain", STR, "plain", 4, 5),
                    ],
                    2,
                    3,
                ),
            ),
            (Scalar("last", STR, "last", 5, 1), Scalar(None, NULL, "~", 5, 7)),
        ],
        1,
        1,
    )


def test_merge_keys_are_noted_only_on_the_mapping_that_has_them():
    root = compose("base: &b {x: 1}\nuse: {<<: *b, y: 2}\nplain: {z: 3}\n")
    assert isinstance(root, Map)
    base, use, plain = (value for _, value in root.pairs)
    assert isinstance(use, Map) and use.merges
    assert isinstance(base, Map) and not base.merges
    assert isinstance(plain, Map) and not plain.merges
    assert use.pairs[0][1] is base  # an alias is the anchored node itself


def test_an_aliased_collection_as_a_key_is_refused_where_it_was_written():
    assert problem("x: &m {k: v}\n? *m\n: 1\n") == (1, 4, "mapping keys must be plain scalars")
    assert problem("a: 1\n? [1, 2]\n: 3\n") == (2, 3, "mapping keys must be plain scalars")


def test_a_bad_value_after_good_ones_of_the_same_text_is_still_refused():
    assert problem("a: 1\nb: 1\nc: !!int x\n") == (3, 4, "'x' is not a valid int")
    assert problem("a: [x, x, !!float x]\n") == (1, 11, "'x' is not a valid float")
    assert problem("a: [1, !!python/int 1]\n") == (
        1,
        8,
        "tag 'tag:yaml.org,2002:python/int' is not allowed: scenarios use plain YAML values",
    )


def test_an_empty_tagged_number_is_refused_where_it_is():
    # PyYAML's constructors index the first character: an empty value crashed the reader
    assert problem("a: !!int\n") == (1, 4, "'' is not a valid int")
    assert problem("a: [1, !!float '']\n") == (1, 8, "'' is not a valid float")
    assert problem("a: !!bool\n") == (1, 4, "'' is not a valid bool")


def test_nesting_is_limited_at_the_first_level_too_deep():
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert isinstance(compose(ok), Seq)
    deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH
    message = f"nesting deeper than {MAX_DEPTH} levels: a scenario is never this deep"
    assert problem(deep) == (1, 4 + MAX_DEPTH - 1, message)  # the opener of the 65th level


def test_aliases_are_costed_by_the_size_of_what_they_name():
    # Ten aliases to a list of 10,001 values (the list and its items) pass the
    # 100,000 limit on the tenth.
    items = ", ".join(["x"] * 10_000)
    text = f"a: &a [{items}]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    line, column, message = problem(text)
    assert (line, column) == (2, 5 + 4 * 9)
    assert message.startswith("aliases expand to more than 100,000 values")
    assert isinstance(compose(text.replace(", *a]", "]")), Map)


def test_unknown_alias_and_second_document_are_reported_where_they_are():
    assert problem("a: 1\nb: *nope\n") == (2, 4, "unknown alias *nope")
    assert problem("a: 1\n---\nb: 2\n") == (2, 1, "a scenario file holds one YAML document, found a second '---'")


def test_parser_errors_keep_their_positions():
    assert problem('a: 1\nb: "open\nc: 2\n') == (
        4,
        1,
        "invalid YAML: while scanning a quoted scalar (started at line 2, column 4), found unexpected end of stream",
    )
    assert problem("a: 1\nb: \x07\n") == (2, 4, "invalid YAML: character U+0007 is not allowed in YAML")


def test_empty_documents_have_no_root_but_an_explicit_one_holds_null():
    assert compose("") is None
    assert compose("# only a comment\n") is None
    assert compose("---\n...\n") == Scalar(None, NULL, "", 2, 1)


# -- the checker -----------------------------------------------------------------

HEAD = """\
sitboard: 1
title: Test board
factions:
  - {id: gov, name: Government}
  - {id: '7', name: Seven}
towns:
  - {id: hama, name: Hama, lat: 35.13, lon: 36.76}
  - {id: homs, name: Homs, lat: 34.72, lon: 36.73}
sources:
  - {id: sohr, name: Observatory}
events:
"""


def scenario_errors(events: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(HEAD + textwrap.dedent(events), "s.yaml")
    return [str(p) for p in info.value.problems]


def test_repeated_dates_and_places_read_the_same_in_every_event():
    scenario = parse_scenario(
        HEAD
        + textwrap.dedent("""\
        - {time: 2024-12-05, title: A, at: hama, actors: [gov, 7], sources: [sohr]}
        - {time: 2024-12-05, title: B, at: hama, actors: [gov], text: yes}
        - {time: "2024-12-05", title: C, at: homs, kind: clash}
        - {time: 2024-12-05T10:00, title: D, at: {lat: 35, lon: 36}}
    """),
        "s.yaml",
    )
    first, second, third, fourth = scenario.events
    assert first.time == second.time == third.time
    assert first.time.text == "2024-12-05" and fourth.time.text == "2024-12-05T10:00"
    assert first.at == second.at == Place(35.13, 36.76, "hama")
    assert third.at == Place(34.72, 36.73, "homs")
    assert fourth.at == Place(35, 36)
    assert first.actors == ("gov", "7") and second.actors == ("gov",)  # an id written as a number is its text
    assert first.sources == ("sohr",)
    assert second.text == "yes" and third.kind == "clash"  # text fields take the words as written


def test_errors_next_to_fast_cases_point_at_the_right_item():
    assert scenario_errors("""\
        - time: 2024-12-05
          title: [not, text]
          actors: [gov, nope, ~]
          sources: [sohr, sohr2]
          kind: 5
          text: ~
          x-note: ignored
          tittle: typo
          time: 2024-12-06
    """) == [
        "s.yaml:13:10: error: events[0].title: expected text, found a list",
        "s.yaml:14:17: error: events[0].actors[1]: unknown faction 'nope'",
        "s.yaml:14:23: error: events[0].actors[2]: expected text, found nothing (null)",
        "s.yaml:15:19: error: events[0].sources[1]: unknown source 'sohr2' (did you mean 'sohr'?)",
        "s.yaml:17:9: error: events[0].text: expected text, found nothing (null)",
        "s.yaml:19:3: error: events[0].tittle: unknown key (did you mean 'title'?); expected one of: "
        "time, title, text, kind, at, actors, control, flows, sources, confidence, notes, view, until, precision, deaths (or an 'x-' key)",
        "s.yaml:20:3: error: events[0].time: duplicate key (first given at line 12)",
    ]


def test_a_bad_date_is_refused_each_time_it_appears():
    assert scenario_errors("""\
        - {time: 2024-12-05, title: A}
        - {time: 2024-02-30, title: B}
        - {time: 2024-02-30, title: C}
    """) == [
        "s.yaml:13:10: error: events[1].time: expected an ISO 8601 date (2024-12-05) or date-time (2024-12-05T14:30), "
        "found '2024-02-30'",
        "s.yaml:14:10: error: events[2].time: expected an ISO 8601 date (2024-12-05) or date-time (2024-12-05T14:30), "
        "found '2024-02-30'",
    ]


def test_a_character_yaml_does_not_allow_is_placed_in_characters_after_non_ascii_text():
    """libyaml says how many bytes it read before the character: the column counts characters, as every other one."""
    assert problem("title: Ḩamāh\nbad: \x07\n") == (2, 6, "invalid YAML: character U+0007 is not allowed in YAML")
    assert problem("title: Ḩamāh \x07\n")[:2] == (1, 14)
    assert problem("t: حمص\n\n  x: \x01")[:2] == (3, 6)
    with pytest.raises(YamlProblem) as info:
        compose("title: Ḩamāh\nbad: \x07\n".encode())  # the file's bytes, as the loader gives them
    assert (info.value.line, info.value.column) == (2, 6)
