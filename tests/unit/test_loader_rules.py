"""Every validation rule of the scenario contract (shared/SCENARIO_FORMAT.md, v1).

Each case asserts the whole error line, `FILE:LINE:COL: error: PATH: message`.
Positions are not hard-coded: `at(doc, needle)` finds the offending key or value
in the text of the document by plain string search, which is independent of the
loader, so a loader that points at the wrong place fails.
"""

from __future__ import annotations

import os
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from positions import at

import sitboard.scenario.loader
from sitboard.app.colors import rich_color_ok
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.scenario.model import Place
from sitboard.scenario.palette import OKABE_ITO

FILE = "s.yaml"

HEAD = """\
sitboard: 1
title: Test board
factions:
  - id: gov
    name: Government
  - id: hts
    name: Insurgents
towns:
  - id: hama
    name: Hama
    lat: 35.13
    lon: 36.76
  - id: homs
    name: Homs
    lat: 34.72
    lon: 36.73
"""
SOURCES = """\
sources:
  - id: sohr
    name: Syrian Observatory for Human Rights
"""


def doc(*parts: str) -> str:
    return "".join(textwrap.dedent(p) for p in parts)


def errors(text: str, **kw) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE, **kw)
    exc = info.value
    assert str(exc).splitlines() == [str(p) for p in exc.problems] + (
        [f"... and {exc.truncated} more problem(s) not shown"] if exc.truncated else []
    )
    return [str(p) for p in exc.problems]


def ok(text: str, **kw):
    return parse_scenario(text, FILE, **kw)


def one_error(text: str, needle: str, path: str, message: str, nth: int = 1, **kw) -> None:
    expected = (
        f"{at(text, needle, nth)}: error: {path}: {message}" if path else f"{at(text, needle, nth)}: error: {message}"
    )
    assert errors(text, **kw) == [expected]


def test_the_base_document_is_valid():
    s = ok(doc(HEAD, SOURCES))
    assert [f.id for f in s.factions] == ["gov", "hts"]
    assert [t.id for t in s.towns] == ["hama", "homs"]
    assert s.events == ()
    assert s.towns[0].kind == "town" and s.towns[0].control == "unknown" and s.towns[0].population is None


# -- required keys ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["sitboard", "title", "factions", "towns"])
def test_missing_top_level_key(key):
    lines = ("# a comment first, so that the document does not start at 1:1\n" + HEAD).splitlines(keepends=True)
    # drop the key and, for lists, its whole block
    out, skipping = [], False
    for line in lines:
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and line.startswith(" "):
            continue
        skipping = False
        out.append(line)
    text = "".join(out)
    first_key = next(line for line in out if not line.startswith("#"))
    assert errors(text) == [f"{at(text, first_key)}: error: {key}: missing required key"]


@pytest.mark.parametrize(("entry", "key"), [("{id: sna}", "name"), ("{name: SNA, mark: S}", "id")])
def test_missing_faction_keys(entry, key):
    text = HEAD.replace("towns:\n", f"  - {entry}\ntowns:\n")
    one_error(text, entry, "factions[2]", f"missing required key '{key}'")


@pytest.mark.parametrize("key", ["id", "name", "lat", "lon"])
def test_missing_town_keys(key):
    fields = {"id": "id: damascus", "name": "name: Damascus", "lat": "lat: 33.51", "lon": "lon: 36.29"}
    entry = "{" + ", ".join(v for k, v in fields.items() if k != key) + "}"
    text = HEAD + f"  - {entry}\n"
    one_error(text, entry, "towns[2]", f"missing required key '{key}'")


@pytest.mark.parametrize(
    ("entry", "key"),
    [("  - id: sohr\n", "name"), ("  - name: SOHR\n", "id")],
)
def test_missing_source_keys(entry, key):
    text = HEAD + "sources:\n" + entry
    assert errors(text) == [f"{at(text, entry.strip()[2:])}: error: sources[0]: missing required key '{key}'"]


@pytest.mark.parametrize(
    ("entry", "key"),
    [("  - title: Fall of Hama\n", "time"), ("  - time: 2024-12-05\n", "title")],
)
def test_missing_event_keys(entry, key):
    text = HEAD + "events:\n" + entry
    assert errors(text) == [f"{at(text, entry.strip()[2:])}: error: events[0]: missing required key '{key}'"]


@pytest.mark.parametrize(("flow", "key"), [("{to: homs, people: 10}", "from"), ("{from: hama, people: 10}", "to")])
def test_missing_flow_keys(flow, key):
    text = HEAD + f"events:\n  - time: 2024-12-05\n    title: t\n    flows:\n      - {flow}\n"
    assert errors(text) == [f"{at(text, flow)}: error: events[0].flows[0]: missing required key '{key}'"]


def test_missing_line_name():
    text = HEAD + "map:\n  lines:\n    - {kind: road, via: [hama, homs]}\n"
    assert errors(text) == [f"{at(text, '{kind: road')}: error: map.lines[0]: missing required key 'name'"]


def test_empty_required_lists():
    text = HEAD.replace(HEAD[HEAD.index("factions:") : HEAD.index("towns:")], "factions: []\n")
    assert errors(text) == [f"{at(text, '[]')}: error: factions: expected at least one faction"]
    text = HEAD[: HEAD.index("towns:")] + "towns: []\n"
    assert errors(text) == [f"{at(text, '[]')}: error: towns: expected at least one town"]


def test_events_may_be_empty_or_null():
    assert ok(HEAD + "events: []\n").events == ()
    assert ok(HEAD + "events:\n").events == ()


# -- unknown keys ----------------------------------------------------------------

TOP_KEYS = "sitboard, title, subtitle, summary, map, factions, towns, sources, events"
FACTION_KEYS = "id, name, color, mark"
TOWN_KEYS = "id, name, lat, lon, kind, population, control, country, pcode"
EVENT_KEYS = (
    "time, title, text, kind, at, actors, control, flows, sources, confidence, notes, view, until, precision, deaths"
)
FLOW_KEYS = "from, to, people, estimate"


@pytest.mark.parametrize(
    ("text", "needle", "path", "suggestion", "allowed"),
    [
        (HEAD + "titel: x\n", "titel", "titel", "title", TOP_KEYS),
        (
            HEAD.replace("name: Government", "name: Government\n    colour: red"),
            "colour",
            "factions[0].colour",
            "color",
            FACTION_KEYS,
        ),
        (
            HEAD.replace("lat: 35.13", "lat: 35.13\n    populaton: 5"),
            "populaton",
            "towns[0].populaton",
            "population",
            TOWN_KEYS,
        ),
        (
            HEAD + "events:\n  - time: 2024-12-05\n    title: t\n    confidance: reported\n",
            "confidance",
            "events[0].confidance",
            "confidence",
            EVENT_KEYS,
        ),
        (
            HEAD + "events:\n  - time: 2024-12-05\n    title: t\n    flows: [{from: hama, to: homs, peeple: 3}]\n",
            "peeple",
            "events[0].flows[0].peeple",
            "people",
            FLOW_KEYS,
        ),
        (
            HEAD + "map:\n  bound: {west: 1, south: 1, east: 2, north: 2}\n",
            "bound",
            "map.bound",
            "bounds",
            "bounds, lines, areas",
        ),
    ],
    ids=lambda v: "doc" if isinstance(v, str) and "\n" in v else None,
)
def test_unknown_key_with_suggestion(text, needle, path, suggestion, allowed):
    one_error(
        text, needle, path, f"unknown key (did you mean {suggestion!r}?); expected one of: {allowed} (or an 'x-' key)"
    )


def test_unknown_key_without_suggestion():
    text = HEAD + "zzzzzz: 1\n"
    one_error(text, "zzzzzz", "zzzzzz", f"unknown key; expected one of: {TOP_KEYS} (or an 'x-' key)")


def test_duplicate_key():
    text = HEAD + "title: again\n"
    one_error(text, "title: again", "title", "duplicate key (first given at line 2)")


def test_x_keys_are_kept_and_ignored_everywhere():
    text = doc(
        """\
        sitboard: 1
        x-editor: someone
        title: T
        map:
          x-note: m
          bounds: {west: 35, south: 33, east: 38, north: 37, x-why: b}
          lines:
            - {name: M5, via: [hama, homs], x-ref: 1}
        factions:
          - {id: gov, name: Government, x-aka: [SAA]}
        towns:
          - id: hama
            name: Hama
            lat: 35.13
            lon: 36.76
            x-geonames: 170017
            x-nested: {a: [1, 2, {b: c}]}
          - {id: homs, name: Homs, lat: 34.72, lon: 36.73}
        sources:
          - {id: sohr, name: SOHR, x-lang: en}
        events:
          - time: 2024-12-05
            title: t
            x-reviewed: true
            at: {lat: 35, lon: 36, x-accuracy: 5km}
            control: {hama: gov, x-comment: not a town}
            flows:
              - {from: hama, to: homs, people: 10, x-source-note: estimate}
        """
    )
    s = ok(text)
    assert s.town("hama").name == "Hama"  # accepted and ignored
    assert s.events[0].control == (("hama", "gov"),)
    assert s.events[0].flows[0].people == 10
    assert s.map.bounds is not None and s.map.lines[0].via == ("hama", "homs")


def test_a_town_whose_id_starts_with_x_can_change_hands():
    # Ids may contain '-', so `x-ray` is a valid town id; as a control key it is a
    # town, not an extension key to ignore.
    text = (
        HEAD
        + "  - {id: x-ray, name: X-Ray, lat: 1, lon: 1}\nevents:\n  - time: 2024-12-05\n    title: t\n    control: {x-ray: hts}\n"
    )
    assert ok(text).events[0].control == (("x-ray", "hts"),)


# -- wrong types -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle", "path", "message"),
    [
        (HEAD.replace("title: Test board", "title: [Test, board]"), "[Test", "title", "expected text, found a list"),
        (
            HEAD.replace("lat: 35.13", "lat: '35.13'"),
            "'35.13'",
            "towns[0].lat",
            "expected a number from -90 to 90, found '35.13'",
        ),
        (
            HEAD.replace("lon: 36.76", "lon: {deg: 36}"),
            "{deg",
            "towns[0].lon",
            "expected a number from -180 to 180, found a mapping",
        ),
        (HEAD.replace("name: Hama", "name: {en: Hama}"), "{en", "towns[0].name", "expected text, found a mapping"),
        (HEAD.replace("name: Hama", "name: ~"), "~", "towns[0].name", "expected text, found nothing (null)"),
        (
            HEAD[: HEAD.index("towns:")] + "towns: {hama: 1}\n",
            "{hama",
            "towns",
            "expected a list of towns, found a mapping",
        ),
        (HEAD + "events: {time: 2024-12-05}\n", "{time", "events", "expected a list of events, found a mapping"),
        (HEAD + "events:\n  - [2024-12-05, t]\n", "[2024", "events[0]", "expected an event (a mapping), found a list"),
        (
            HEAD + "events:\n  - time: 2024-12-05\n    title: t\n    control: [hama]\n",
            "[hama",
            "events[0].control",
            "expected a mapping of town id to its new holder, found a list",
        ),
        (
            HEAD + "events:\n  - time: 2024-12-05\n    title: t\n    actors: gov\n",
            "actors: |gov",
            "events[0].actors",
            "expected a list of faction ids, found 'gov'",
        ),
        (
            HEAD + "events:\n  - time: 2024-12-05\n    title: t\n    flows: {from: hama}\n",
            "{from",
            "events[0].flows",
            "expected a list of flows, found a mapping",
        ),
        (HEAD + "map: [1, 2]\n", "[1, 2]", "map", "expected map settings (a mapping), found a list"),
        (HEAD + "map:\n  bounds: [35, 33, 38, 37]\n", "[35", "map.bounds", "expected bounds (a mapping), found a list"),
        (
            HEAD + "map:\n  lines:\n    - {name: a, points: 5}\n",
            "5}",
            "map.lines[0].points",
            "expected a list of [lat, lon] pairs, found '5'",
        ),
    ],
    ids=lambda v: "doc" if isinstance(v, str) and "\n" in v else None,
)
def test_wrong_types(text, needle, path, message):
    one_error(text, needle, path, message)


# -- version -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [("2", "'2'"), ("'1'", "'1'"), ("1.0", "'1.0'"), ("true", "'true'"), ("", "nothing (null)")]
)
def test_version_must_be_the_integer_1(value, shown):
    text = HEAD.replace("sitboard: 1", f"sitboard: {value}".rstrip())
    needle = value if value else "sitboard:"
    line = at(text, needle) if value else f"{FILE}:1:10"
    assert errors(text) == [f"{line}: error: sitboard: expected the format version 1, found {shown}"]


# -- ids -----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["ha ma", "hamä", "homs!", "a.b", "''"])
def test_ids_with_bad_characters(bad):
    text = HEAD.replace("id: hama", f"id: {bad}")
    shown = repr(bad.strip("'"))
    # the column is that of the value, not of the key
    one_error(text, f"id: |{bad}", "towns[0].id", f"{shown} is not a valid id: use letters, digits, '_' and '-'")


def test_good_ids():
    s = ok(HEAD.replace("id: hama", "id: Hama_2-b").replace("id: gov", "id: 42"))
    assert s.towns[0].id == "Hama_2-b" and s.factions[0].id == "42"


@pytest.mark.parametrize(
    ("text", "needle", "nth", "path", "message"),
    [
        (
            HEAD.replace("id: hts", "id: gov"),
            "gov",
            2,
            "factions[1].id",
            "duplicate faction id 'gov' (first at line 4)",
        ),
        (HEAD.replace("id: homs", "id: hama"), "hama", 2, "towns[1].id", "duplicate town id 'hama' (first at line 9)"),
        (
            HEAD + "sources:\n  - {id: sohr, name: A}\n  - {id: sohr, name: B}\n",
            "sohr",
            2,
            "sources[1].id",
            "duplicate source id 'sohr' (first at line 18)",
        ),
    ],
    ids=lambda v: "doc" if isinstance(v, str) and "\n" in v else None,
)
def test_duplicate_ids(text, needle, nth, path, message):
    one_error(text, needle, path, message, nth=nth)


@pytest.mark.parametrize("reserved", ["contested", "unknown"])
def test_reserved_faction_ids(reserved):
    text = HEAD.replace("id: hts", f"id: {reserved}")
    one_error(text, reserved, "factions[1].id", f"{reserved!r} is reserved and cannot be a faction id")


def test_a_faction_may_share_an_id_with_a_town():
    # factions and towns are separate name spaces in the contract
    assert ok(HEAD.replace("id: hts", "id: hama")).factions[1].id == "hama"


# -- coordinates and numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "low", "high"),
    [
        ("lat", "90.0001", -90, 90),
        ("lat", "-91", -90, 90),
        ("lon", "180.5", -180, 180),
        ("lon", "-181", -180, 180),
        ("lat", ".nan", -90, 90),
        ("lon", ".inf", -180, 180),
        ("lat", "1" + "0" * 400, -90, 90),
    ],
)
def test_coordinates_out_of_range(key, value, low, high):
    old = "lat: 35.13" if key == "lat" else "lon: 36.76"
    text = HEAD.replace(old, f"{key}: {value}")
    # a number too long to repeat is quoted by its start and its length
    shown = value if len(value) <= 24 else f"{value[:12]!r}... ({len(value):,} characters)"
    one_error(text, value, f"towns[0].{key}", f"{shown} is out of range: expected a number from {low} to {high}")


@pytest.mark.parametrize(
    ("lat", "lon"), [("90", "180"), ("-90", "-180"), ("0", "0"), ("-0.5", "1.5e+1"), ("+12", "0x10")]
)
def test_coordinates_at_the_limits_are_accepted(lat, lon):
    s = ok(HEAD.replace("lat: 35.13", f"lat: {lat}").replace("lon: 36.76", f"lon: {lon}"))
    assert (s.towns[0].lat, s.towns[0].lon) == (float(lat), float(int(lon, 16) if lon.startswith("0x") else lon))


@pytest.mark.parametrize(
    ("value", "shown"),
    [("north", "'north'"), ("true", "'true'"), ("no", "'no'"), ("~", "nothing (null)"), ("[35, 1]", "a list")],
)
def test_coordinates_that_are_not_numbers(value, shown):
    text = HEAD.replace("lat: 35.13", f"lat: {value}")
    one_error(text, value, "towns[0].lat", f"expected a number from -90 to 90, found {shown}")


def test_integer_coordinates_are_numbers():
    s = ok(HEAD.replace("lat: 35.13", "lat: 35"))
    assert s.towns[0].lat == 35.0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "-1 is negative: expected a non-negative whole number"),
        ("2.5", "expected a non-negative whole number, found '2.5'"),
        ("many", "expected a non-negative whole number, found 'many'"),
        ("true", "expected a non-negative whole number, found 'true'"),
        ("'5000'", "expected a non-negative whole number, found '5000'"),
    ],
)
def test_population_must_be_a_non_negative_integer(value, message):
    text = HEAD.replace("lat: 35.13", f"lat: 35.13\n    population: {value}")
    one_error(text, value, "towns[0].population", message)


def test_population_zero_and_large_are_accepted():
    s = ok(
        HEAD.replace("lat: 35.13", "lat: 35.13\n    population: 0").replace(
            "lat: 34.72", "lat: 34.72\n    population: 1_500_000"
        )
    )
    assert [t.population for t in s.towns] == [0, 1_500_000]


# -- kinds and holders -----------------------------------------------------------------


def test_town_kind_enum_with_suggestion():
    text = HEAD.replace("lat: 35.13", "lat: 35.13\n    kind: cty")
    one_error(
        text,
        "cty",
        "towns[0].kind",
        "'cty' is not allowed (did you mean 'city'?); expected one of: city, town, village, region",
    )


def test_town_kind_enum_without_suggestion():
    text = HEAD.replace("lat: 35.13", "lat: 35.13\n    kind: metropolis")
    one_error(
        text, "metropolis", "towns[0].kind", "'metropolis' is not allowed; expected one of: city, town, village, region"
    )


@pytest.mark.parametrize("kind", ["city", "town", "village", "region"])
def test_town_kinds(kind):
    assert ok(HEAD.replace("lat: 35.13", f"lat: 35.13\n    kind: {kind}")).towns[0].kind == kind


def test_unknown_start_holder_with_suggestion():
    text = HEAD.replace("lat: 35.13", "lat: 35.13\n    control: gvo")
    one_error(
        text,
        "gvo",
        "towns[0].control",
        "unknown holder 'gvo' (did you mean 'gov'?): expected a faction id, 'contested' or 'unknown'",
    )


@pytest.mark.parametrize("holder", ["contested", "unknown", "gov", "hts"])
def test_start_holders_accepted(holder):
    assert ok(HEAD.replace("lat: 35.13", f"lat: 35.13\n    control: {holder}")).towns[0].control == holder


# -- colours and marks --------------------------------------------------------------------


def with_faction_key(key: str, value: str) -> str:
    return HEAD.replace("name: Government", f"name: Government\n    {key}: {value}")


@pytest.mark.parametrize("color", ["'#a1B2c3'", "'#000000'", "'#FFFFFF'"])
def test_hex_colours_accepted(color):
    assert ok(with_faction_key("color", color)).factions[0].color == color.strip("'")
    assert ok(with_faction_key("color", color), color_ok=rich_color_ok).factions[0].color_given


@pytest.mark.parametrize("color", ["'#12345'", "'#12345g'", "'#1234567'", "'#'"])
@pytest.mark.parametrize("checker", [None, rich_color_ok])
def test_bad_hex_colours_rejected(color, checker):
    value = color.strip("'")
    one_error(
        with_faction_key("color", color),
        color,
        "factions[0].color",
        f"{value!r} is not a colour: expected a colour name such as 'red' or 'bright_green', or '#rrggbb'",
        color_ok=checker,
    )


@pytest.mark.parametrize("name", ["red", "bright_green", "dark_orange3"])
def test_rich_colour_names_accepted(name):
    s = ok(with_faction_key("color", name), color_ok=rich_color_ok)
    assert s.factions[0].color == name


@pytest.mark.parametrize("name", ["reddish", "bright_grene", "not_a_colour"])
def test_unknown_colour_names_rejected_by_rich(name):
    assert not rich_color_ok(name)
    one_error(
        with_faction_key("color", name),
        name,
        "factions[0].color",
        f"{name!r} is not a colour: expected a colour name such as 'red' or 'bright_green', or '#rrggbb'",
        color_ok=rich_color_ok,
    )


def test_colour_check_is_the_one_given():
    # the core does not decide colour names itself when given a checker
    s = ok(with_faction_key("color", "anything"), color_ok=lambda name: name == "anything")
    assert s.factions[0].color == "anything"
    with pytest.raises(ScenarioError):
        ok(with_faction_key("color", "red"), color_ok=lambda name: False)


@pytest.mark.parametrize("mark", ["G", "'*'", "7", "'#'", "'~'", "'?'", "'|'"])
def test_marks_accepted(mark):
    assert ok(with_faction_key("mark", mark)).factions[0].mark == mark.strip("'")


@pytest.mark.parametrize(
    ("mark", "shown"),
    [("GG", "'GG'"), ("é", "'é'"), ("''", "''"), ("'\\t'", "'\\\\t'"), ('"\\t"', "'\\t'"), ("ǅ", "'ǅ'")],
)
def test_marks_rejected(mark, shown):
    one_error(
        with_faction_key("mark", mark),
        mark,
        "factions[0].mark",
        f"expected one printable ASCII character, found {shown}",
    )


def test_default_marks_are_unique_and_default_colours_come_from_the_palette():
    text = doc(
        """\
        sitboard: 1
        title: T
        factions:
          - {id: gov, name: A}
          - {id: gamma, name: B}
          - {id: green, name: C, mark: G}
          - {id: g2, name: D, color: '#E69F00'}
          - {id: Golf, name: E}
        towns:
          - {id: a, name: A, lat: 1, lon: 1}
        """
    )
    factions = ok(text).factions
    marks = [f.mark for f in factions]
    assert len(set(marks)) == len(marks), marks
    assert factions[2].mark == "G"  # given marks are kept...
    assert "G" not in marks[:2] + marks[3:]  # ...and never handed out again
    assert all(len(m) == 1 and " " < m <= "~" for m in marks)
    colors = [f.color for f in factions]
    assert colors[3] == "#E69F00" and factions[3].color_given
    defaults = [colors[i] for i in (0, 1, 2, 4)]
    assert all(c in OKABE_ITO for c in defaults)
    assert len(set([*defaults, "#E69F00"])) == 5  # distinct from each other and from the given one
    assert not any(factions[i].color_given for i in (0, 1, 2, 4))


def test_default_mark_is_the_first_letter_uppercased():
    assert [f.mark for f in ok(HEAD).factions] == ["G", "H"]


# -- events: time -----------------------------------------------------------------------------

EVENT = "events:\n  - time: {time}\n    title: t\n"


@pytest.mark.parametrize(
    ("written", "value", "text"),
    [
        ("2024-12-05", date(2024, 12, 5), "2024-12-05"),
        ("'2024-12-05'", date(2024, 12, 5), "2024-12-05"),
        ('"2024-12-05"', date(2024, 12, 5), "2024-12-05"),
        ("2024-12-05T14:30", datetime(2024, 12, 5, 14, 30), "2024-12-05T14:30"),
        ("2024-12-05T14:30:15", datetime(2024, 12, 5, 14, 30, 15), "2024-12-05T14:30:15"),
        (
            "2024-12-05T14:30+02:00",
            datetime(2024, 12, 5, 14, 30, tzinfo=timezone(timedelta(hours=2))),
            "2024-12-05T14:30+02:00",
        ),
        ("2024-12-05T14:30:00Z", datetime(2024, 12, 5, 14, 30, tzinfo=UTC), "2024-12-05T14:30:00Z"),
        (
            "'2024-12-05T14:30-05:00'",
            datetime(2024, 12, 5, 14, 30, tzinfo=timezone(timedelta(hours=-5))),
            "2024-12-05T14:30-05:00",
        ),
    ],
)
def test_event_times(written, value, text):
    t = ok(HEAD + EVENT.format(time=written)).events[0].time
    assert t.value == value and type(t.value) is type(value)
    assert t.text == text
    assert t.has_clock == isinstance(value, datetime)
    assert t.sort_key.tzinfo is not None


@pytest.mark.parametrize("bad", ["2024-02-30", "2024-13-01", "soon", "2024-12-05T25:00", "2024-12-5", "'05/12/2024'"])
def test_invalid_time(bad):
    text = HEAD + EVENT.format(time=bad)
    one_error(
        text,
        bad,
        "events[0].time",
        f"expected an ISO 8601 date (2024-12-05) or date-time (2024-12-05T14:30), found {bad.strip(chr(39))!r}",
    )


@pytest.mark.parametrize(
    ("bad", "shown"), [("20241205", "'20241205'"), ("2024", "'2024'"), ("[2024]", "a list"), ("true", "'true'")]
)
def test_time_that_is_not_text(bad, shown):
    text = HEAD + EVENT.format(time=bad)
    one_error(
        text,
        bad,
        "events[0].time",
        f"expected an ISO 8601 date (2024-12-05) or date-time (2024-12-05T14:30), found {shown}",
    )


def test_time_that_cannot_be_placed_in_utc():
    text = HEAD + EVENT.format(time="0001-01-01T00:00+01:00")
    one_error(text, "0001", "events[0].time", "'0001-01-01T00:00+01:00' is out of range: it cannot be converted to UTC")


def test_time_going_backwards():
    text = HEAD + doc(
        """\
        events:
          - time: 2024-12-05
            title: a
          - time: 2024-12-06T10:00
            title: b
          - time: 2024-12-06T09:59
            title: c
        """
    )
    one_error(
        text,
        "2024-12-06T09:59",
        "events[2].time",
        "2024-12-06T09:59 is earlier than the event before it (2024-12-06T10:00, line 20): "
        "events play in file order, so times must not go backwards",
    )


def test_time_going_backwards_across_offsets():
    # 12:00+03:00 is 09:00 UTC, before 10:00 UTC
    text = HEAD + "events:\n  - {time: 2024-12-06T10:00Z, title: a}\n  - {time: '2024-12-06T12:00+03:00', title: b}\n"
    one_error(
        text,
        "'2024-12-06T12:00",
        "events[1].time",
        "2024-12-06T12:00+03:00 is earlier than the event before it (2024-12-06T10:00Z, line 18): "
        "events play in file order, so times must not go backwards",
    )


def test_equal_times_allowed():
    text = (
        HEAD
        + "events:\n"
        + "".join(
            f"  - {{time: {t}, title: e{i}}}\n"
            for i, t in enumerate(
                ["2024-12-05", "2024-12-05", "2024-12-05T00:00", "2024-12-05T02:00+02:00", "2024-12-05T00:00Z"]
            )
        )
    )
    s = ok(text)
    assert [e.title for e in s.events] == ["e0", "e1", "e2", "e3", "e4"]
    assert [e.index for e in s.events] == [0, 1, 2, 3, 4]
    assert len({e.time.sort_key for e in s.events}) == 1


# -- events: references ----------------------------------------------------------------------------


def event_with(line: str) -> str:
    return HEAD + SOURCES + f"events:\n  - time: 2024-12-05\n    title: t\n    {line}\n"


def test_at_as_town_id_and_as_coordinates():
    assert ok(event_with("at: hama")).events[0].at == Place(35.13, 36.76, "hama")
    assert ok(event_with("at: {lat: 35.5, lon: 36}")).events[0].at == Place(35.5, 36.0, None)


@pytest.mark.parametrize(
    ("line", "needle", "path", "message"),
    [
        ("at: hamma", "hamma", "events[0].at", "unknown town 'hamma' (did you mean 'hama'?)"),
        ("at: {lat: 95, lon: 36}", "95", "events[0].at.lat", "95 is out of range: expected a number from -90 to 90"),
        ("at: {lat: 35}", "{lat", "events[0].at", "missing required key 'lon'"),
        ("actors: [gov, hst]", "hst", "events[0].actors[1]", "unknown faction 'hst' (did you mean 'hts'?)"),
        ("actors: [contested]", "contested", "events[0].actors[0]", "unknown faction 'contested'"),
        ("control: {hamz: hts}", "hamz", "events[0].control.hamz", "unknown town 'hamz' (did you mean 'hama'?)"),
        (
            "control: {hama: hst}",
            "hst",
            "events[0].control.hama",
            "unknown holder 'hst' (did you mean 'hts'?): expected a faction id, 'contested' or 'unknown'",
        ),
        (
            "control: {hama: hts, hama: gov}",
            "hama: gov",
            "events[0].control.hama",
            "duplicate town (first given at line 23)",
        ),
        (
            "flows: [{from: hamma, to: homs}]",
            "hamma",
            "events[0].flows[0].from",
            "unknown town 'hamma' (did you mean 'hama'?)",
        ),
        (
            "flows: [{from: hama, to: hom}]",
            "hom}",
            "events[0].flows[0].to",
            "unknown town 'hom' (did you mean 'homs'?)",
        ),
        (
            "flows: [{from: hama, to: homs, people: -5}]",
            "-5",
            "events[0].flows[0].people",
            "-5 is negative: expected a non-negative whole number",
        ),
        (
            "flows: [{from: hama, to: homs, people: thousands}]",
            "thousands",
            "events[0].flows[0].people",
            "expected a non-negative whole number, found 'thousands'",
        ),
        ("sources: [sohr, sorh]", "sorh", "events[0].sources[1]", "unknown source 'sorh' (did you mean 'sohr'?)"),
        (
            "confidence: confirmd",
            "confirmd",
            "events[0].confidence",
            "'confirmd' is not allowed (did you mean 'confirmed'?); expected one of: confirmed, reported, claimed, disputed",
        ),
        (
            "confidence: maybe",
            "maybe",
            "events[0].confidence",
            "'maybe' is not allowed; expected one of: confirmed, reported, claimed, disputed",
        ),
    ],
)
def test_event_reference_errors(line, needle, path, message):
    one_error(event_with(line), needle, path, message)


@pytest.mark.parametrize("holder", ["contested", "unknown", "gov"])
def test_control_holders(holder):
    assert ok(event_with(f"control: {{hama: {holder}, homs: hts}}")).events[0].control == (
        ("hama", holder),
        ("homs", "hts"),
    )


def test_flows_with_and_without_people():
    s = ok(event_with("flows: [{from: hama, to: homs, people: 0}, {from: homs, to: hama, estimate: thousands}]"))
    a, b = s.events[0].flows
    assert (a.origin, a.destination, a.people, a.estimate) == ("hama", "homs", 0, None)
    assert (b.origin, b.destination, b.people, b.estimate) == ("homs", "hama", None, "thousands")


@pytest.mark.parametrize("confidence", ["confirmed", "reported", "claimed", "disputed"])
def test_confidences(confidence):
    assert ok(event_with(f"confidence: {confidence}")).events[0].confidence == confidence


def test_full_event():
    s = ok(event_with("text: long\n    kind: capture\n    actors: [hts, gov]\n    sources: [sohr]"))
    e = s.events[0]
    assert (e.title, e.text, e.kind, e.actors, e.sources) == ("t", "long", "capture", ("hts", "gov"), ("sohr",))
    assert e.mark is not None and (e.mark.line, e.mark.column) == (21, 5)  # where `- time:` starts the event


# -- map ----------------------------------------------------------------------------------------


def test_bounds_accepted():
    b = ok(HEAD + "map:\n  bounds: {west: 35.3, south: 33.2, east: 38.4, north: 36.6}\n").map.bounds
    assert (b.west, b.south, b.east, b.north) == (35.3, 33.2, 38.4, 36.6)


@pytest.mark.parametrize(
    ("bounds", "needle", "path", "message"),
    [
        ("{west: 35, south: 33, east: 38}", "{west", "map.bounds", "missing required key 'north'"),
        (
            "{west: 35, south: 36, east: 38, north: 36}",
            "south: |36",
            "map.bounds.south",
            "south must be less than north",
        ),
        (
            "{west: 35, south: 37, east: 38, north: 36}",
            "south: |37",
            "map.bounds.south",
            "south must be less than north",
        ),
        (
            "{west: 38, south: 33, east: 35, north: 36}",
            "west: |38",
            "map.bounds.west",
            "west must be less than east (maps across the 180th meridian are not supported)",
        ),
        (
            "{west: 35, south: -95, east: 38, north: 36}",
            "-95",
            "map.bounds.south",
            "-95 is out of range: expected a number from -90 to 90",
        ),
        (
            "{west: 35, south: 33, east: 38, north: 36, up: 1}",
            "up",
            "map.bounds.up",
            "unknown key; expected one of: west, south, east, north (or an 'x-' key)",
        ),
    ],
)
def test_bounds_errors(bounds, needle, path, message):
    text = HEAD + f"map:\n  bounds: {bounds}\n"
    one_error(text, needle, path, message)


def test_lines_accepted():
    s = ok(
        HEAD
        + "map:\n  lines:\n    - {name: M5, kind: road, via: [hama, homs]}\n    - {name: front, points: [[35, 36], [35.5, 36.5], [36, 37]]}\n"
    )
    a, b = s.map.lines
    assert (a.name, a.kind, a.via, a.points) == ("M5", "road", ("hama", "homs"), ((35.13, 36.76), (34.72, 36.73)))
    assert (b.name, b.kind, b.via, b.points) == ("front", "other", (), ((35.0, 36.0), (35.5, 36.5), (36.0, 37.0)))


@pytest.mark.parametrize(
    ("line", "needle", "path", "message"),
    [
        (
            "{name: a, via: [hama, homs], points: [[1, 2], [3, 4]]}",
            "{name",
            "map.lines[0]",
            "expected exactly one of 'via' (town ids) or 'points' ([lat, lon] pairs)",
        ),
        (
            "{name: a}",
            "{name",
            "map.lines[0]",
            "expected exactly one of 'via' (town ids) or 'points' ([lat, lon] pairs)",
        ),
        ("{name: a, via: [hama, homz]}", "homz", "map.lines[0].via[1]", "unknown town 'homz' (did you mean 'homs'?)"),
        (
            "{name: a, points: [[1, 2], [3]]}",
            "[3]",
            "map.lines[0].points[1]",
            "expected a [lat, lon] pair, found a list",
        ),
        ("{name: a, points: [[1, 2], 3]}", "3]", "map.lines[0].points[1]", "expected a [lat, lon] pair, found '3'"),
        (
            "{name: a, points: [[1, 2], [3, 4, 5]]}",
            "[3, 4, 5]",
            "map.lines[0].points[1]",
            "expected a [lat, lon] pair, found a list",
        ),
        (
            "{name: a, points: [[1, 2], [3, 400]]}",
            "400",
            "map.lines[0].points[1][1]",
            "400 is out of range: expected a number from -180 to 180",
        ),
        ("{name: a, points: [[1, 2]]}", "[[1", "map.lines[0].points", "a line needs at least two points"),
        ("{name: a, via: [hama]}", "[hama]", "map.lines[0].via", "a line needs at least two points"),
        ("{name: a, via: []}", "[]", "map.lines[0].via", "a line needs at least two points"),
        (
            "{name: a, via: [hama, homs], kind: rode}",
            "rode",
            "map.lines[0].kind",
            "'rode' is not allowed (did you mean 'road'?); expected one of: road, river, border, front, other",
        ),
    ],
)
def test_line_errors(line, needle, path, message):
    one_error(
        HEAD + f"map:\n  lines:\n    - {line}\n",
        needle,
        path,
        message,
        nth=1 if needle not in HEAD else HEAD.count(needle) + 1,
    )


@pytest.mark.parametrize("kind", ["road", "river", "border", "front", "other"])
def test_line_kinds(kind):
    assert ok(HEAD + f"map:\n  lines:\n    - {{name: a, kind: {kind}, via: [hama, homs]}}\n").map.lines[0].kind == kind


# -- the file as a whole ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only\n# comments\n", "\ufeff", "\ufeff# comment\n"])
def test_empty_file(text):
    assert errors(text) == [f"{FILE}:1:1: error: the file is empty: expected a scenario (a mapping with 'sitboard: 1')"]


@pytest.mark.parametrize("text", ["~\n", "null\n"])
def test_null_document(text):
    assert errors(text) == [f"{FILE}:1:1: error: expected a scenario (a mapping), found nothing (null)"]


def test_document_marker_only():
    (line,) = errors("---\n")
    assert line.startswith(f"{FILE}:") and "expected a scenario" in line


def test_list_at_top_level():
    text = "# a list\n- sitboard: 1\n- title: T\n"
    assert errors(text) == [f"{at(text, '- sitboard')}: error: expected a scenario (a mapping), found a list"]


def test_scalar_at_top_level():
    assert errors("hello\n") == [f"{FILE}:1:1: error: expected a scenario (a mapping), found 'hello'"]


def test_multiple_documents():
    text = HEAD + "---\n" + HEAD
    assert errors(text) == [f"{at(text, '---')}: error: a scenario file holds one YAML document, found a second '---'"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (HEAD.replace("    name: Hama\n", "   name: Hama\n"), "name: Hama"),  # bad indentation
        (HEAD.replace("title: Test board", "title: Test: board"), "Test|: board"),  # a second ':' in a plain value
        (HEAD.replace("title: Test board", "title: [Test"), "factions|:"),  # unclosed flow list
        (HEAD.replace("towns:", "\ttowns:"), "\ttowns"),  # a tab where indentation is expected
    ],
)
def test_yaml_syntax_errors_have_positions(text, needle):
    (line,) = errors(text)
    # the wording is PyYAML's (and differs between libyaml and the pure parser); the position is ours to check
    assert line.startswith(f"{at(text, needle)}: error: invalid YAML: "), line
    assert len(line) > len(f"{at(text, needle)}: error: invalid YAML: ") + 5


def test_unclosed_quote_says_where_it_was_opened():
    text = HEAD.replace("name: Homs", "name: 'Homs")
    (line,) = errors(text)
    # the parser only notices at the end of the file; the message points back to the quote
    assert line == (
        f"{FILE}:17:1: error: invalid YAML: while scanning a quoted scalar (started at line "
        f"{at(text, chr(39)).split(':')[1]}, column {at(text, chr(39)).split(':')[2]}), found unexpected end of stream"
    )


def test_characters_yaml_does_not_allow():
    text = HEAD.replace("name: Hama", "name: Ha\x01ma")
    assert errors(text) == [f"{at(text, chr(1))}: error: invalid YAML: character U+0001 is not allowed in YAML"]


def test_unknown_alias():
    text = HEAD + "x-a: *nowhere\n"
    assert errors(text) == [f"{at(text, '*nowhere')}: error: unknown alias *nowhere"]


def write(tmp_path: Path, data: bytes, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_undecodable_bytes(tmp_path):
    data = HEAD.encode().replace(b"name: Homs", b"name: Ho\xe9ms")
    path = write(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    # line 14, and the bad byte is the 13th on it
    assert str(info.value) == f"{path}:14:13: error: byte 0xe9 is not valid UTF-8: save the file as UTF-8"


def test_utf16_is_rejected_as_not_utf8(tmp_path):
    path = write(tmp_path, HEAD.encode("utf-16"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}:1:1: error: byte 0x")


def test_bom_accepted(tmp_path):
    path = write(tmp_path, "\ufeff".encode() + HEAD.replace("Hama", "Ḩamāh").encode())
    s = load_scenario(path)
    assert s.towns[0].name == "Ḩamāh" and s.path == str(path)


def test_bom_does_not_shift_positions(tmp_path):
    path = write(tmp_path, ("\ufeff" + HEAD.replace("sitboard: 1", "sitboard: 2")).encode())
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}:1:11: error: sitboard: expected the format version 1, found '2'"


def test_windows_line_endings(tmp_path):
    path = write(tmp_path, HEAD.replace("\n", "\r\n").replace("lat: 35.13", "lat: 95").encode())
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}:11:10: error: towns[0].lat: 95 is out of range: expected a number from -90 to 90"


def test_directory(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert str(info.value) == f"{tmp_path}:1:1: error: is a directory, expected a scenario file (.yaml)"


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}:1:1: error: no such file"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = write(tmp_path, HEAD.encode())
    path.chmod(0)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}:1:1: error: permission denied while reading the file"


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    path = write(tmp_path, HEAD.encode())
    monkeypatch.setattr(sitboard.scenario.loader, "MAX_BYTES", 64)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column, problem.path) == (str(path), 1, 1, "")
    assert "limit" in problem.message
    monkeypatch.setattr(sitboard.scenario.loader, "MAX_BYTES", 2**20)
    big = write(tmp_path, HEAD.encode() + b"#" * 2**20, "big.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(big)
    assert info.value.problems[0].message == "file is over the 1 MiB limit for a scenario (a cap against runaway files)"
    monkeypatch.setattr(sitboard.scenario.loader, "MAX_BYTES", len(HEAD.encode()))
    assert load_scenario(path).title == "Test board"  # exactly at the limit is fine


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/apply:os.system\n  - touch {marker}",
        "!!python/name:os.system",
        "!!python/object/new:os.system [touch {marker}]",
        "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
        "!custom 'touch {marker}'",
        "!!binary aGVsbG8=",
        "!!set {{a, b}}",
    ],
)
def test_tags_are_rejected_and_nothing_is_executed(tmp_path, payload):
    marker = tmp_path / "pwned"
    text = HEAD.replace("title: Test board", "title: " + payload.format(marker=marker))
    (line,) = errors(text)
    assert line.startswith(f"{FILE}:2:8: error: tag '"), line
    assert line.endswith("' is not allowed: scenarios use plain YAML values")
    assert not marker.exists()


def test_standard_tags_are_plain_values():
    s = ok(HEAD.replace("title: Test board", "title: !!str 1234").replace("lat: 35.13", "lat: !!float 35"))
    assert s.title == "1234" and s.towns[0].lat == 35.0


def test_billion_laughs_rejected():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    (line,) = errors(text)
    assert line.endswith("error: aliases expand to more than 100,000 values: refusing a document this large")
    assert line.startswith(f"{FILE}:")  # the position is that of the alias that crossed the limit
    where = line.split(": error")[0]
    row, col = (int(x) for x in where.split(":")[1:])
    assert text.splitlines()[row - 1][col - 1 :].startswith("*a")


def test_moderate_aliases_are_fine():
    text = doc(
        """\
        sitboard: 1
        x-pos: &pos {lat: 34.72, lon: 36.73}
        x-both: &both [hama, homs]
        title: T
        factions: [{id: gov, name: G}]
        towns:
          - {id: hama, name: Hama, lat: 35.13, lon: 36.76}
          - {id: homs, name: Homs, <<: *pos}
        map:
          lines:
            - {name: a, via: *both}
            - {name: b, via: *both}
        """
    )
    s = ok(text)
    assert (s.town("homs").lat, s.town("homs").lon) == (34.72, 36.73)
    assert s.map.lines[0].via == s.map.lines[1].via == ("hama", "homs")


@pytest.mark.parametrize(("kind", "open_", "close"), [("list", "[", "]"), ("mapping", "{a: ", "}")])
def test_deep_nesting_rejected(kind, open_, close):
    text = HEAD + "x-deep: " + open_ * 200 + "1" + close * 200 + "\n"
    (line,) = errors(text)
    assert line.endswith("error: nesting deeper than 64 levels: a scenario is never this deep")
    assert line.startswith(f"{FILE}:17:")


def test_merge_keys():
    text = doc(
        """\
        sitboard: 1
        title: T
        x-defaults: &town
          kind: city
          control: gov
          lat: 1.5
        x-more: &more {population: 1000}
        factions:
          - {id: gov, name: G}
        towns:
          - <<: *town
            id: hama
            name: Hama
            lon: 36.76
          - <<: [*town, *more]
            id: homs
            name: Homs
            lat: 34.72
            lon: 36.73
            kind: village
        """
    )
    hama, homs = ok(text).towns
    assert (hama.kind, hama.control, hama.lat, hama.lon, hama.population) == ("city", "gov", 1.5, 36.76, None)
    # keys written in the mapping win over merged ones
    assert (homs.kind, homs.control, homs.lat, homs.population) == ("village", "gov", 34.72, 1000)


def test_merge_key_needs_a_mapping():
    text = HEAD.replace("  - id: homs\n", "  - <<: [1]\n    id: homs\n")
    (line,) = errors(text)
    assert line == f"{at(text, '1]')}: error: a merge key ('<<') takes a mapping or a list of mappings"


def test_merged_keys_are_checked_too():
    text = "x-bad: &bad {kind: cty}\n" + HEAD.replace("  - id: homs\n", "  - <<: *bad\n    id: homs\n")
    one_error(
        text,
        "cty",
        "towns[1].kind",
        "'cty' is not allowed (did you mean 'city'?); expected one of: city, town, village, region",
    )


# -- all problems at once ----------------------------------------------------------------------------


def test_all_problems_reported_in_one_go_in_file_order():
    text = doc(
        """\
        sitboard: 1
        title: T
        map:
          bounds: {west: 38, south: 33, east: 35, north: 36}
        factions:
          - id: gov
            name: Government
            colr: red
        towns:
          - id: hama
            nam: Hama
            lat: 95
            lon: 36.76
        events:
          - time: 2024-12-05
            title: t
            actors: [gvo]
        """
    )
    assert errors(text) == [
        f"{at(text, 'west: |38')}: error: map.bounds.west: west must be less than east (maps across the 180th meridian are not supported)",
        f"{at(text, 'colr')}: error: factions[0].colr: unknown key (did you mean 'color'?); expected one of: {FACTION_KEYS} (or an 'x-' key)",
        f"{at(text, 'id: hama')}: error: towns[0]: missing required key 'name'",
        f"{at(text, 'nam:')}: error: towns[0].nam: unknown key (did you mean 'name'?); expected one of: {TOWN_KEYS} (or an 'x-' key)",
        f"{at(text, '95')}: error: towns[0].lat: 95 is out of range: expected a number from -90 to 90",
        f"{at(text, 'gvo')}: error: events[0].actors[0]: unknown faction 'gvo' (did you mean 'gov'?)",
    ]


def test_five_distinct_errors_give_five_lines():
    text = (
        HEAD.replace("sitboard: 1", "sitboard: 2")
        .replace("id: hts", "id: contested")
        .replace("lat: 34.72", "lat: 34.72\n    kind: cty")
        + SOURCES
        + doc(
            """\
        events:
          - time: 2024-12-05
            title: a
            control: {hamz: gov}
          - time: 2024-12-04
            title: b
        """
        )
    )
    lines = errors(text)
    assert len(lines) == 5
    rows = [int(line.split(":")[1]) for line in lines]
    assert rows == sorted(rows)
    assert [line.split(": error: ")[1].split(":")[0] for line in lines] == [
        "sitboard",
        "factions[1].id",
        "towns[1].kind",
        "events[0].control.hamz",
        "events[1].time",
    ]


def test_an_error_in_a_town_does_not_turn_references_to_it_into_errors():
    text = (
        HEAD.replace("lat: 35.13", "lat: 95")
        + "events:\n  - {time: 2024-12-05, title: t, at: hama, control: {hama: gov}}\n"
    )
    assert len(errors(text)) == 1


def test_problem_cap():
    towns = "".join(f"  - {{id: t{i}, name: T, lat: 100, lon: 0}}\n" for i in range(63))
    text = HEAD + towns
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    exc = info.value
    assert len(exc.problems) == 50 and exc.truncated == 13
    lines = str(exc).splitlines()
    assert len(lines) == 51
    assert lines[0] == f"{at(text, '100')}: error: towns[2].lat: 100 is out of range: expected a number from -90 to 90"
    assert lines[49].startswith(f"{at(text, '100', 50)}: error: towns[51].lat:")
    assert lines[50] == "... and 13 more problem(s) not shown"


def test_exactly_fifty_problems_are_not_truncated():
    text = HEAD + "".join(f"  - {{id: t{i}, name: T, lat: 100, lon: 0}}\n" for i in range(50))
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    assert len(info.value.problems) == 50 and info.value.truncated == 0
    assert "more problem" not in str(info.value)


def test_scenario_error_is_the_only_exception_for_a_huge_number_of_problems():
    text = HEAD + "".join(f"  - {{id: t{i}, name: T, lat: 100, lon: 0}}\n" for i in range(3000))
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    assert len(info.value.problems) == 50 and info.value.truncated == 2950


def test_a_hopeless_file_is_not_read_to_its_end_and_the_count_says_at_least():
    """Past 10,000 problems the checker stops counting: the total it gives is a floor."""
    text = HEAD + "".join(f"  - {{id: t{i}, name: T, lat: 100, lon: 200}}\n" for i in range(6000))
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    exc = info.value
    assert exc.counting_stopped and len(exc.problems) == 50
    assert exc.truncated < 2 * 6000 - 50  # every town has two problems; not all were counted
    assert str(exc).splitlines()[-1] == f"... and at least {exc.truncated:,} more problem(s) not shown"
