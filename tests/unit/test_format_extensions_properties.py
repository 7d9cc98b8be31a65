"""The optional keys where input is open-ended, against oracles written from the format document.

Whatever the value, the checker either accepts it with the meaning the document
gives, or rejects it with one positioned error at that key; it never crashes.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from control_values import FACTIONS, control_values, flow_style, valid
from extended_scenario import HEAD
from hostile.strategies import hostile_text, yaml_quoted
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import COMPASS, COMPASS_WORDS, Control, Deaths, Scenario
from sitboard.scenario.sphere import haversine_km

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def event(line: str, time: str = "2024-12-05") -> str:
    return f"{HEAD}events:\n  - time: {time}\n    title: An event\n    {line}\n"


def outcome(text: str) -> Scenario | list[str]:
    try:
        return parse_scenario(text, "p.yaml")
    except ScenarioError as exc:
        return [str(p) for p in exc.problems]


def rejected_at(result: Scenario | list[str], path: str) -> bool:
    """One or more errors, every one of them under `path`, each with a position and a sentence."""
    return (
        isinstance(result, list)
        and bool(result)
        and all(re.match(rf"p\.yaml:\d+:\d+: error: {re.escape(path)}(\.|\[|:).* ", p) for p in result)
    )


@SETTINGS
@given(hostile_text(max_size=12))
def test_notes_are_kept_exactly(text):
    s = outcome(event(f"notes: {yaml_quoted(text)}"))
    assert isinstance(s, Scenario) and s.events[0].notes == text


@SETTINGS
@given(st.one_of(st.text(max_size=40), st.from_regex(r"[A-Za-z0-9]{1,40}", fullmatch=True)))
def test_place_codes(code):
    s = outcome(f"{HEAD}  - {{id: x, name: X, lat: 1, lon: 1, pcode: {yaml_quoted(code)}}}\n")
    if re.fullmatch(r"[A-Za-z0-9]{1,32}", code):
        assert isinstance(s, Scenario) and s.towns[-1].pcode == code
    else:
        assert rejected_at(s, "towns[7].pcode"), s


_counts = st.one_of(st.integers(-3, 30), st.integers(10**10 - 2, 10**10 + 2))


@SETTINGS
@given(_counts, st.none() | _counts, st.none() | _counts)
def test_deaths(best, low, high):
    parts = (
        [f"best: {best}"]
        + ([f"low: {low}"] if low is not None else [])
        + ([f"high: {high}"] if high is not None else [])
    )
    s = outcome(event(f"deaths: {{{', '.join(parts)}}}"))
    in_range = all(v is None or 0 <= v <= 10**10 for v in (best, low, high))
    ordered = (low is None) == (high is None) and (low is None or low <= best <= high)  # type: ignore[operator]
    if in_range and ordered:
        assert isinstance(s, Scenario) and s.events[0].deaths == Deaths(best, low, high)
    else:
        assert rejected_at(s, "events[0].deaths"), s


_km = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 20_500), st.integers(-5, 20_005))


@SETTINGS
@given(
    _km,
    st.one_of(st.sampled_from(list(COMPASS_WORDS)), st.text(max_size=6)),
    st.floats(-89.9, 89.9),
    st.floats(-179.9, 179.9),
)
def test_a_point_near_a_town(km, toward, lat, lon):
    lat, lon = round(lat, 6), round(lon, 6)
    if isinstance(km, float) and math.isfinite(km):
        km = float(f"{km:.9f}")  # as the file will say it: YAML 1.1 reads 1e-05 as text
    written = {math.inf: ".inf", -math.inf: "-.inf"}.get(km, ".nan" if math.isnan(km) else f"{km:.9f}")
    text = (
        f"{HEAD}  - {{id: x, name: X, lat: {lat:.6f}, lon: {lon:.6f}}}\nevents:\n  - time: 2024-12-05\n"
        f"    title: E\n    at: {{town: x, km: {written}, toward: {yaml_quoted(toward)}}}\n"
    )
    s = outcome(text)
    if math.isnan(km):
        km = -1.0
    if 0 < km <= 20_000 and toward in COMPASS_WORDS:
        assert isinstance(s, Scenario)
        place = s.events[0].at
        assert place is not None and place.offset is not None and place.offset.toward == COMPASS_WORDS[toward]
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        assert haversine_km((lat, lon), (place.lat, place.lon)) == pytest.approx(km, rel=1e-6, abs=1e-3)
    else:
        assert rejected_at(s, "events[0].at"), s


_moments = st.one_of(
    st.dates(date(1900, 1, 1), date(2100, 1, 1)),
    st.datetimes(datetime(1900, 1, 2), datetime(2099, 12, 30)),
    st.datetimes(
        datetime(1900, 1, 2),
        datetime(2099, 12, 30),
        timezones=st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))),
    ),
)


def _start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _text(value: date | datetime) -> str:
    return value.isoformat(timespec="minutes") if isinstance(value, datetime) else value.isoformat()


@SETTINGS
@given(_moments, st.one_of(_moments, st.timedeltas(timedelta(days=-2), timedelta(days=2))))
def test_until_is_never_before_time(start, until):
    if isinstance(until, timedelta):  # near the start, where the edge cases are
        until = (start + until) if isinstance(start, datetime) else start + timedelta(days=until.days)
    start = datetime.fromisoformat(_text(start)) if isinstance(start, datetime) else start  # minutes, as written
    s = outcome(event(f"until: {_text(until)}", time=_text(start)))
    if isinstance(until, datetime):
        until = datetime.fromisoformat(_text(until))
        ends_before = _start(until) < _start(start)
    else:  # a date as the end includes its whole day
        ends_before = _start(until) + timedelta(days=1) <= _start(start)
    if ends_before:
        assert rejected_at(s, "events[0].until"), s
    else:
        assert isinstance(s, Scenario) and s.events[0].until is not None
        assert s.events[0].until.text == _text(until)


@SETTINGS
@given(control_values())
def test_control_values_against_the_format_document(value):
    for text, path in (
        (f"{HEAD}  - {{id: x, name: X, lat: 1, lon: 1, control: {flow_style(value)}}}\n", "towns[7].control"),
        (event(f"control: {{homs: {flow_style(value)}}}"), "events[0].control.homs"),
    ):
        s = outcome(text)
        if not valid(value):
            assert rejected_at(s, path), (value, s)
            continue
        assert isinstance(s, Scenario), (value, s)
        holder, record = (
            (s.towns[-1].control, s.towns[-1].control_state)
            if path.startswith("towns")
            else (s.events[0].control[0][1], (s.events[0].control_states or (None,))[0])
        )
        state = value.get("state", "held")
        if state == "held" and not value.get("present"):
            assert record in (None, Control(holder)) and holder == value["holder"]
            continue
        assert isinstance(record, Control) and record.state == state and record.holder == holder
        assert holder == (value["holders"][0] if state == "mixed" else value["holder"])
        assert record.holders == tuple(value.get("holders", ()))
        for key, field in (("by", record.by), ("with", record.with_), ("present", record.present)):
            assert field == tuple(f for f in FACTIONS if f in value.get(key, ()))  # in the file's faction order
        assert [COMPASS.index(d) for d in record.from_] == sorted(
            COMPASS.index(COMPASS_WORDS[d]) for d in value.get("from", ())
        )
