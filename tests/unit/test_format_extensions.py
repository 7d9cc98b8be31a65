"""Every optional key of docs/scenario-format.md: the forms the checker accepts, and each one it rejects.

Each rejection asserts the whole error line, `FILE:LINE:COL: error: PATH: sentence`,
with the position found by searching the test document for the offending text
(`|` marks the exact spot), independently of the loader.
"""

from __future__ import annotations

import math
import textwrap

import pytest
from extended_scenario import EXTENDED, HEAD, NOTE
from positions import at

from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import (
    Bounds,
    Camera,
    Control,
    Deaths,
    EventTime,
    Flow,
    MapSettings,
    Offset,
    Scenario,
    plain_control,
)
from sitboard.scenario.sphere import haversine_km

FILE = "s.yaml"
WORDS = "N, NE, E, SE, S, SW, W, NW, north, north-east, east, south-east, south, south-west, west, north-west"


def event(*lines: str, time: str = "2024-12-05") -> str:
    """HEAD plus one event with these extra lines (each already indented for the event's mapping)."""
    body = "".join(f"    {line}\n" for line in lines)
    return f"{HEAD}events:\n  - time: {time}\n    title: An event\n{body}"


def town(control: str, extra: str = "") -> str:
    return HEAD + f"  - {{id: x, name: X, lat: 35, lon: 36, control: {control}{extra}}}\n"


def errors(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    return [str(p) for p in info.value.problems]


def ok(text: str) -> Scenario:
    return parse_scenario(text, FILE)


def one_error(text: str, needle: str, path: str, message: str, nth: int = 1) -> None:
    assert errors(text) == [f"{at(text, needle, nth)}: error: {path}: {message}"]


# -- a file without the extensions is read as before -----------------------------------------------


def test_defaults_are_the_v1_values():
    s = ok(
        event("at: homs", "control: {homs: hts}", "flows: [{from: homs, to: hama}]", "sources: []")
        + "sources:\n  - {id: wire, name: Wire}\n"
    )
    e = s.events[0]
    assert (e.notes, e.view, e.until, e.precision, e.deaths, e.control_states) == (None, None, None, "exact", None, ())
    assert e.control == (("homs", "hts"),) and e.flows == (Flow("homs", "hama"),) and e.flows[0].also_to == ()
    assert all(t.pcode is None and t.control_state is None for t in s.towns)
    assert s.sources[0].affiliation is None and s.map == MapSettings() and s.map.areas is False


def test_the_shared_extended_scenario_reads():
    s = parse_scenario(EXTENDED, "extended.yaml")
    assert len(s.events) == 3 and all(NOTE in (e.notes or "") for e in s.events)


# -- notes -------------------------------------------------------------------------------------------


def test_notes_are_kept_as_written():
    s = ok(event("notes: |-", "  Say it slowly.", "  # not a heading, <b>not markup</b>"))
    assert s.events[0].notes == "Say it slowly.\n# not a heading, <b>not markup</b>"
    assert ok(event("notes: 1984")).events[0].notes == "1984"  # text as written, like every string


def test_notes_must_be_text():
    text = event("notes: [a, b]")
    one_error(text, "notes: |[a", "events[0].notes", "expected text, found a list")


# -- view ------------------------------------------------------------------------------------------


def test_view_forms():
    assert ok(event("view: {focus: [homs]}")).events[0].view == Camera(("homs",), 20.0)
    assert ok(event("view: {focus: [homs, hama], margin_km: 0}")).events[0].view == Camera(("homs", "hama"), 0.0)
    assert ok(event("view: {bounds: {west: 35, south: 33, east: 38, north: 36.5}}")).events[0].view == Camera(
        bounds=Bounds(35, 33, 38, 36.5)
    )


VIEW_ERRORS = [
    (
        "view: [homs]",
        "view: |[homs]",
        "events[0].view",
        "expected a view ({focus: [town ids]} or {bounds: {...}}) (a mapping), found a list",
    ),
    (
        "view: {focus: [homs], bounds: {west: 1, south: 1, east: 2, north: 2}}",
        "view: |{",
        "events[0].view",
        "expected exactly one of 'focus' (town ids to frame) or 'bounds' (the map's edges)",
    ),
    (
        "view: {margin_km: 5}",
        "view: |{",
        "events[0].view",
        "expected exactly one of 'focus' (town ids to frame) or 'bounds' (the map's edges)",
    ),
    (
        "view: {bounds: {west: 1, south: 1, east: 2, north: 2}, margin_km: 5}",
        "|margin_km",
        "events[0].view.margin_km",
        "'margin_km' goes with 'focus', not with 'bounds'",
    ),
    ("view: {focus: []}", "focus: |[]", "events[0].view.focus", "expected 1 to 1,000 town ids, found 0"),
    ("view: {focus: }", "focus: |}", "events[0].view.focus", "expected a list of town ids, found nothing (null)"),
    ("view: {focus: [homms]}", "[|homms]", "events[0].view.focus[0]", "unknown town 'homms' (did you mean 'homs'?)"),
    ("view: {focus: [homs, homs]}", "homs, |homs]", "events[0].view.focus[1]", "'homs' is listed twice"),
    (
        "view: {focus: [homs], margin_km: -1}",
        "margin_km: |-1",
        "events[0].view.margin_km",
        "-1 is out of range: expected a number from 0 to 20000",
    ),
    (
        "view: {focus: [homs], margin_km: 20001}",
        "margin_km: |20001",
        "events[0].view.margin_km",
        "20001 is out of range: expected a number from 0 to 20000",
    ),
    (
        "view: {focus: [homs], margin_km: '20'}",
        "margin_km: |'20'",
        "events[0].view.margin_km",
        "expected a number from 0 to 20000, found '20'",
    ),
    (
        "view: {bounds: {west: 1, south: 3, east: 2, north: 2}}",
        "south: |3",
        "events[0].view.bounds.south",
        "south must be less than north",
    ),
    (
        "view: {bounds: {west: 1, south: 1, east: 2}}",
        "bounds: |{",
        "events[0].view.bounds",
        "missing required key 'north'",
    ),
    (
        "view: {focus: [homs], zoom: 3}",
        "|zoom",
        "events[0].view.zoom",
        "unknown key; expected one of: focus, margin_km, bounds (or an 'x-' key)",
    ),
]


@pytest.mark.parametrize(("line", "needle", "path", "message"), VIEW_ERRORS)
def test_view_errors(line, needle, path, message):
    one_error(event(line), needle, path, message)


def test_a_view_too_wide_is_refused():
    text = event("view: {focus: [" + ", ".join(["homs"] * 1001) + "]}")
    one_error(text, "focus: |[", "events[0].view.focus", "expected 1 to 1,000 town ids, found 1,001")


# -- until -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-12-03", "2024-12-09"),
        ("2024-12-03", "2024-12-03"),  # a one-day range
        ("2024-12-03T10:00", "2024-12-03"),  # a date as the end covers its whole day
        ("2024-12-03", "2024-12-03T08:00"),  # a date as the start is its midnight
        ("2024-12-03T10:00+02:00", "2024-12-03T08:00Z"),  # the same instant
        ("9999-12-31T10:00", "9999-12-31"),
    ],
)
def test_until_not_before_time(start, end):
    e = ok(event(f"until: {end}", time=start)).events[0]
    assert e.until is not None and e.until.text == end and e.time.text == start


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-12-03", "2024-12-02"),
        ("2024-12-03T10:00", "2024-12-03T09:59"),
        ("2024-12-04T00:30+01:00", "2024-12-03T23:00Z"),
        ("2024-12-04", "2024-12-03T23:59"),
    ],
)
def test_until_before_time(start, end):
    text = event(f"until: {end}", time=start)
    one_error(
        text,
        f"until: |{end}",
        "events[0].until",
        f"{end} is before the event's time ({start}): a range must not end before it starts",
    )


def test_until_must_be_a_time():
    text = event("until: next week")
    one_error(
        text,
        "until: |next",
        "events[0].until",
        "expected an ISO 8601 date (2024-12-05) or date-time (2024-12-05T14:30), found 'next week'",
    )


def test_ordering_still_uses_time():
    text = HEAD + textwrap.dedent("""\
        events:
          - {time: 2024-12-03, until: 2024-12-20, title: Long}
          - {time: 2024-12-04, title: Inside the range}
        """)
    assert [e.title for e in ok(text).events] == ["Long", "Inside the range"]


# -- precision -------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["exact", "near", "district", "province"])
def test_precision_words(word):
    assert ok(event("at: homs", f"precision: {word}")).events[0].precision == word


def test_precision_errors():
    text = event("at: homs", "precision: provence")
    one_error(
        text,
        "precision: |provence",
        "events[0].precision",
        "'provence' is not allowed (did you mean 'province'?); expected one of: exact, near, district, province",
    )
    text = event("precision: near")
    one_error(text, "|precision", "events[0].precision", "'precision' says how exact 'at' is: give 'at' too")


# -- at: a point near a town -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "short", "bearing"),
    [
        ("N", "N", 0),
        ("north", "N", 0),
        ("NE", "NE", 45),
        ("north-east", "NE", 45),
        ("E", "E", 90),
        ("south-east", "SE", 135),
        ("S", "S", 180),
        ("SW", "SW", 225),
        ("west", "W", 270),
        ("north-west", "NW", 315),
    ],
)
def test_a_point_near_a_town(word, short, bearing):
    place = ok(event(f"at: {{town: homs, km: 5, toward: {word}}}")).events[0].at
    assert place is not None and place.town is None and place.offset == Offset("homs", 5.0, short)
    assert haversine_km((34.72, 36.73), (place.lat, place.lon)) == pytest.approx(5.0, rel=1e-9)
    # the direction, from a flat approximation that is good to a small fraction of a degree at 5 km
    dy = place.lat - 34.72
    dx = (place.lon - 36.73) * math.cos(math.radians(34.72))
    assert math.degrees(math.atan2(dx, dy)) % 360 == pytest.approx(bearing, abs=0.05)


NEAR_ERRORS = [
    (
        "at: {town: homs, km: 0, toward: N}",
        "km: |0",
        "events[0].at.km",
        "expected a distance above 0 (a place at the town itself is its id)",
    ),
    (
        "at: {town: homs, km: -3, toward: N}",
        "km: |-3",
        "events[0].at.km",
        "-3 is out of range: expected a number from 0 to 20000",
    ),
    (
        "at: {town: homs, km: 20000.5, toward: N}",
        "km: |20000.5",
        "events[0].at.km",
        "20000.5 is out of range: expected a number from 0 to 20000",
    ),
    (
        "at: {town: homs, km: .nan, toward: N}",
        "km: |.nan",
        "events[0].at.km",
        ".nan is out of range: expected a number from 0 to 20000",
    ),
    (
        "at: {town: homs, km: 5, toward: up}",
        "toward: |up",
        "events[0].at.toward",
        f"'up' is not allowed; expected one of: {WORDS}",
    ),
    (
        "at: {town: homs, km: 5, toward: northeast}",
        "toward: |northeast",
        "events[0].at.toward",
        f"'northeast' is not allowed (did you mean 'north-east'?); expected one of: {WORDS}",
    ),
    (
        "at: {town: homz, km: 5, toward: N}",
        "town: |homz",
        "events[0].at.town",
        "unknown town 'homz' (did you mean 'homs'?)",
    ),
    ("at: {town: homs, toward: N}", "at: |{", "events[0].at", "missing required key 'km'"),
    (
        "at: {town: homs, km: 5, toward: N, lat: 3}",
        "N, |lat",
        "events[0].at.lat",
        "unknown key; expected one of: town, km, toward (or an 'x-' key)",
    ),
]


@pytest.mark.parametrize(("line", "needle", "path", "message"), NEAR_ERRORS)
def test_near_errors(line, needle, path, message):
    one_error(event(line), needle, path, message)


# -- deaths ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", Deaths(0)),
        ("12", Deaths(12)),
        ("{best: 12}", Deaths(12)),
        ("{best: 12, low: 5, high: 20}", Deaths(12, 5, 20)),
        ("{best: 5, low: 5, high: 5}", Deaths(5, 5, 5)),
        ("10000000000", Deaths(10**10)),
    ],
)
def test_deaths_forms(value, expected):
    assert ok(event(f"deaths: {value}")).events[0].deaths == expected


DEATHS_ERRORS = [
    ("deaths: -1", "deaths: |-1", "events[0].deaths", "-1 is negative: expected a non-negative whole number"),
    (
        "deaths: 10000000001",
        "deaths: |1",
        "events[0].deaths",
        "10000000001 is too large: expected at most 10,000,000,000",
    ),
    (
        "deaths: many",
        "deaths: |many",
        "events[0].deaths",
        "expected a non-negative whole number, or {best: .., low: .., high: ..}, found 'many'",
    ),
    (
        "deaths: 2.5",
        "deaths: |2.5",
        "events[0].deaths",
        "expected a non-negative whole number, or {best: .., low: .., high: ..}, found '2.5'",
    ),
    (
        "deaths: [1, 2]",
        "deaths: |[",
        "events[0].deaths",
        "expected a non-negative whole number, or {best: .., low: .., high: ..}, found a list",
    ),
    ("deaths: {best: 12, low: 5}", "deaths: |{", "events[0].deaths", "give both 'low' and 'high', or neither"),
    ("deaths: {best: 12, high: 50}", "deaths: |{", "events[0].deaths", "give both 'low' and 'high', or neither"),
    ("deaths: {low: 5, high: 20}", "deaths: |{", "events[0].deaths", "missing required key 'best'"),
    (
        "deaths: {best: 4, low: 5, high: 20}",
        "low: |5",
        "events[0].deaths.low",
        "low (5) is more than best (4): expected low ≤ best ≤ high",
    ),
    (
        "deaths: {best: 40, low: 5, high: 20}",
        "high: |20",
        "events[0].deaths.high",
        "high (20) is less than best (40): expected low ≤ best ≤ high",
    ),
    (
        "deaths: {best: 4, low: -5, high: 20}",
        "low: |-5",
        "events[0].deaths.low",
        "-5 is negative: expected a non-negative whole number",
    ),
    (
        "deaths: {best: 4, worst: 9}",
        "|worst",
        "events[0].deaths.worst",
        "unknown key; expected one of: best, low, high (or an 'x-' key)",
    ),
]


@pytest.mark.parametrize(("line", "needle", "path", "message"), DEATHS_ERRORS)
def test_deaths_errors(line, needle, path, message):
    one_error(event(line), needle, path, message)


# -- control states ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "holder", "record"),
    [
        ("gov", "gov", None),
        ("{holder: gov}", "gov", None),  # the mapping form of a plain holding is the plain holding
        ("{holder: gov, state: held}", "gov", None),
        ("{holder: gov, state: besieged, by: [hts]}", "gov", Control("gov", "besieged", by=("hts",))),
        (
            "{holder: gov, state: besieged, by: [sna, hts], from: [W, north, E]}",
            "gov",
            Control("gov", "besieged", by=("hts", "sna"), from_=("N", "E", "W")),
        ),
        ("{holder: gov, state: encircled, by: [hts]}", "gov", Control("gov", "encircled", by=("hts",))),
        ("{state: mixed, holders: [sna, sdf]}", "sna", Control("sna", "mixed", holders=("sna", "sdf"))),
        (
            "{state: mixed, holders: [sdf, sna, hts], present: [isis]}",
            "sdf",
            Control("sdf", "mixed", holders=("sdf", "sna", "hts"), present=("isis",)),
        ),
        ("{holder: gov, state: truce, with: [sna, hts]}", "gov", Control("gov", "truce", with_=("hts", "sna"))),
        ("{holder: unknown, present: [isis]}", "unknown", Control("unknown", present=("isis",))),
        ("{holder: contested, present: [isis, gov]}", "contested", Control("contested", present=("gov", "isis"))),
        (
            "{holder: gov, state: besieged, by: [hts], present: [isis]}",
            "gov",
            Control("gov", "besieged", by=("hts",), present=("isis",)),
        ),
    ],
)
def test_control_values(value, holder, record):
    s = ok(town(value))
    x = s.towns[-1]
    assert (x.control, x.control_state) == (holder, record)
    e = ok(event(f"control: {{homs: {value}}}")).events[0]
    assert e.control == (("homs", holder),)
    assert e.controls() == (("homs", record if record is not None else plain_control(holder)),)
    assert e.control_states == (() if record is None else (record,))


def test_the_plain_records_are_shared():
    s = ok(event("control: {homs: hts, hama: {state: mixed, holders: [sdf, sna]}, damascus: {holder: hts}}"))
    first, _, third = s.events[0].control_states
    assert first is third is plain_control("hts")


CONTROL_ERRORS = [
    # (value, needle, path suffix, message)
    ("{holder: gov, state: besieged}", "|{holder", "", "missing required key 'by' (a besieged town needs it)"),
    ("{holder: gov, state: encircled}", "|{holder", "", "missing required key 'by' (a encircled town needs it)"),
    ("{holder: gov, by: [hts]}", "|by", ".by", "'by' is only for a besieged or encircled town; this one is held"),
    (
        "{holder: gov, state: truce, with: [hts], by: [hts]}",
        "|by",
        ".by",
        "'by' is only for a besieged or encircled town; this one is truce",
    ),
    (
        "{holder: gov, state: encircled, by: [hts], from: [N]}",
        "|from",
        ".from",
        "'from' is only for a besieged town; this one is encircled",
    ),
    ("{holder: gov, from: [N]}", "|from", ".from", "'from' is only for a besieged town; this one is held"),
    (
        "{holder: gov, state: besieged, by: [hts], holders: [sdf, sna]}",
        "|holders",
        ".holders",
        "'holders' is only for a town under mixed control (state: mixed); this one is besieged",
    ),
    (
        "{holder: gov, state: mixed, holders: [sdf, sna]}",
        "|holder:",
        ".holder",
        "a mixed town has no single holder: list them in 'holders'",
    ),
    ("{state: mixed}", "|{state", "", "missing required key 'holders' (a mixed town needs it)"),
    ("{state: mixed, holders: [sdf]}", "holders: |[", ".holders", "expected 2 to 3 faction ids, found 1"),
    (
        "{state: mixed, holders: [sdf, sna, hts, gov]}",
        "holders: |[",
        ".holders",
        "expected 2 to 3 faction ids, found 4",
    ),
    ("{state: mixed, holders: [sdf, sdf]}", "sdf, |sdf]", ".holders[1]", "'sdf' is listed twice"),
    ("{state: mixed, holders: [sdf, contested]}", "|contested]", ".holders[1]", "unknown faction 'contested'"),
    ("{state: mixed, holders: sdf}", "holders: |sdf", ".holders", "expected a list of 2 to 3 faction ids, found 'sdf'"),
    (
        "{holder: gov, state: besieged, by: [gov]}",
        "by: [|gov]",
        ".by[0]",
        "'gov' holds the town: it cannot besiege itself",
    ),
    ("{holder: gov, state: besieged, by: []}", "by: |[]", ".by", "expected 1 to 10 faction ids, found 0"),
    (
        "{holder: gov, state: besieged, by: }",
        "by: |}",
        ".by",
        "expected a list of 1 to 10 faction ids, found nothing (null)",
    ),
    ("{holder: gov, state: besieged, by: [htz]}", "[|htz]", ".by[0]", "unknown faction 'htz' (did you mean 'hts'?)"),
    (
        "{holder: gov, state: besieged, by: [hts], from: [N, north]}",
        "|north]",
        ".from[1]",
        "'north' repeats a direction already given",
    ),
    (
        "{holder: gov, state: besieged, by: [hts], from: [up]}",
        "[|up]",
        ".from[0]",
        f"'up' is not allowed; expected one of: {WORDS}",
    ),
    (
        "{holder: gov, state: besieged, by: [hts], from: []}",
        "from: |[]",
        ".from",
        "expected at least one compass direction (or leave 'from' out)",
    ),
    ("{holder: gov, state: truce}", "|{holder", "", "missing required key 'with' (a truce town needs it)"),
    ("{holder: gov, with: [hts]}", "|with", ".with", "'with' is only for a town under a truce; this one is held"),
    (
        "{holder: gov, state: truce, with: [gov]}",
        "with: [|gov]",
        ".with[0]",
        "'gov' holds the town: it is already a party to the truce",
    ),
    (
        "{holder: gov, present: [gov]}",
        "present: [|gov]",
        ".present[0]",
        "'gov' holds the town: a holder is more than present",
    ),
    (
        "{state: mixed, holders: [sdf, sna], present: [sna]}",
        "present: [|sna]",
        ".present[0]",
        "'sna' holds the town: a holder is more than present",
    ),
    (
        "{present: [isis]}",
        "|{present",
        "",
        "missing required key 'holder' (only a mixed town has none; this one is held)",
    ),
    (
        "{holder: gov, state: sieged, by: [hts]}",
        "state: |sieged",
        ".state",
        "'sieged' is not allowed (did you mean 'besieged'?); expected one of: held, besieged, encircled, mixed, truce",
    ),
    (
        "{holder: gvo}",
        "holder: |gvo",
        ".holder",
        "unknown holder 'gvo' (did you mean 'gov'?): expected a faction id, 'contested' or 'unknown'",
    ),
    (
        "{holder: gov, siege: [hts]}",
        "|siege",
        ".siege",
        "unknown key; expected one of: holder, state, by, from, holders, with, present (or an 'x-' key)",
    ),
    (
        "[gov]",
        "|[gov]",
        "",
        "expected a holder (a faction id, 'contested' or 'unknown') or a mapping with 'holder' and 'state', found a list",
    ),
]


@pytest.mark.parametrize(("value", "needle", "suffix", "message"), CONTROL_ERRORS)
def test_control_errors_in_towns_and_events(value, needle, suffix, message):
    in_town = town(value)
    assert errors(in_town) == [f"{at(in_town, needle, after='id: x')}: error: towns[7].control{suffix}: {message}"]
    in_event = event(f"control: {{homs: {value}}}")
    assert errors(in_event) == [
        f"{at(in_event, needle, after='control: {homs: ')}: error: events[0].control.homs{suffix}: {message}"
    ]


def test_a_faction_list_too_long_is_refused():
    text = town("{holder: gov, present: [" + ", ".join(["isis"] * 11) + "]}")
    one_error(text, "present: |[", "towns[7].control.present", "expected 1 to 10 faction ids, found 11")


# -- flows with several destinations ------------------------------------------------------------------


def test_one_figure_for_several_destinations():
    flow = ok(event("flows: [{from: homs, to: [damascus, tartus], estimate: thousands}]")).events[0].flows[0]
    assert flow == Flow("homs", "damascus", None, "thousands", ("tartus",))
    assert flow.destinations == ("damascus", "tartus")
    five = ok(event("flows: [{from: homs, to: [damascus, tartus, latakia, idlib, aleppo], people: 5}]"))
    assert five.events[0].flows[0].destinations == ("damascus", "tartus", "latakia", "idlib", "aleppo")


FLOW_ERRORS = [
    (
        "flows: [{from: homs, to: [damascus]}]",
        "to: |[",
        "events[0].flows[0].to",
        "expected 2 to 5 town ids sharing one figure, found 1 (one destination is written as its id)",
    ),
    (
        "flows: [{from: homs, to: []}]",
        "to: |[",
        "events[0].flows[0].to",
        "expected 2 to 5 town ids sharing one figure, found 0",
    ),
    (
        "flows: [{from: homs, to: [damascus, tartus, latakia, idlib, aleppo, hama]}]",
        "to: |[",
        "events[0].flows[0].to",
        "expected 2 to 5 town ids sharing one figure, found 6",
    ),
    (
        "flows: [{from: homs, to: [damascus, damascus]}]",
        "damascus, |damascus",
        "events[0].flows[0].to[1]",
        "'damascus' is listed twice",
    ),
    (
        "flows: [{from: homs, to: [damascus, homs]}]",
        "damascus, |homs",
        "events[0].flows[0].to[1]",
        "'homs' is where the flow starts ('from')",
    ),
    (
        "flows: [{from: homs, to: [damascus, tartuz]}]",
        "|tartuz",
        "events[0].flows[0].to[1]",
        "unknown town 'tartuz' (did you mean 'tartus'?)",
    ),
]


@pytest.mark.parametrize(("line", "needle", "path", "message"), FLOW_ERRORS)
def test_flow_destination_errors(line, needle, path, message):
    one_error(event(line), needle, path, message)


# -- sources, towns, map -------------------------------------------------------------------------------


def test_affiliation():
    s = ok(HEAD + "sources:\n  - {id: sohr, name: SOHR, affiliation: hts}\n")
    assert s.sources[0].affiliation == "hts"
    text = HEAD + "sources:\n  - {id: sohr, name: SOHR, affiliation: htz}\n"
    one_error(text, "affiliation: |htz", "sources[0].affiliation", "unknown faction 'htz' (did you mean 'hts'?)")
    text = HEAD + "sources:\n  - {id: sohr, name: SOHR, affiliation: unknown}\n"
    one_error(text, "affiliation: |unknown", "sources[0].affiliation", "unknown faction 'unknown'")


def test_pcode():
    s = ok(town("gov", ", pcode: SY0200"))
    assert s.towns[-1].pcode == "SY0200"
    assert ok(town("gov", ", pcode: 760")).towns[-1].pcode == "760"  # written as a number: its text
    text = town("gov", ", pcode: SY0200") + "  - {id: y, name: Y, lat: 1, lon: 1, pcode: SY0200}\n"
    one_error(text, "pcode: |SY0200", "towns[8].pcode", "duplicate place code 'SY0200' (first at line 17)", nth=2)
    for bad in ("SY-02", "SY 02", "Ḩ12", "A" * 33):
        text = town("gov", f", pcode: '{bad}'")
        one_error(
            text,
            "pcode: |'",
            "towns[7].pcode",
            f"{bad!r} is not a place code: expected up to 32 letters and digits, such as 'SY0200'",
        )
    assert ok(town("gov", ", pcode: " + "A" * 32)).towns[-1].pcode == "A" * 32


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("yes", True)])
def test_areas(value, expected):
    assert ok(HEAD + f"map: {{areas: {value}}}\n").map.areas is expected


@pytest.mark.parametrize("value", ["'true'", "1", "[true]", "null"])
def test_areas_must_be_a_boolean(value):
    text = HEAD + f"map: {{areas: {value}}}\n"
    found = {"'true'": "'true'", "1": "'1'", "[true]": "a list", "null": "nothing (null)"}[value]
    one_error(text, f"areas: |{value}", "map.areas", f"expected true or false, found {found}")


def test_every_problem_of_an_event_is_reported_at_once():
    text = event("until: 2024-01-01", "precision: near", "deaths: {best: 1, low: 3, high: 4}", "view: {focus: []}")
    assert len(errors(text)) == 4


def test_event_time_objects_are_shared_for_until():
    text = HEAD + textwrap.dedent("""\
        events:
          - {time: 2024-12-03, until: 2024-12-09, title: A}
          - {time: 2024-12-09, title: B}
        """)
    a, b = ok(text).events
    assert a.until is b.time and isinstance(a.until, EventTime)
