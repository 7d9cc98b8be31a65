"""The ACLED importer's parts: dates, ids, quoting, and that nothing but ScenarioError escapes."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitboard.feeds import acled
from sitboard.feeds.acled import acled_to_yaml, q, slug
from sitboard.scenario.errors import Problem, ScenarioError
from sitboard.scenario.loader import parse_scenario

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HEADER = [
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "latitude",
    "longitude",
    "source",
    "source_scale",
    "notes",
    "fatalities",
]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # as ACLED writes; "\n" would leave a lone "\r" unquoted
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def row(**values: str) -> list[str]:
    base = {
        "event_id_cnty": "X1",
        "event_date": "2024-12-01",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Army",
        "actor2": "Rebels",
        "location": "Town",
        "latitude": "35.1",
        "longitude": "36.7",
        "source": "Source A",
        "source_scale": "National",
        "notes": "A note.",
        "fatalities": "0",
    }
    base.update(values)
    return [base[h] for h in HEADER]


def problems(data: bytes) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        acled_to_yaml(data, "x.csv")
    return info.value.problems


# -- dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-12-05", date(2024, 12, 5)),
        ("2024-12-05T00:00:00", date(2024, 12, 5)),
        ("2024-12-05 00:00:00", date(2024, 12, 5)),
        ("05-12-2024", date(2024, 12, 5)),  # older exports: dd-mm-yyyy
        ("5/12/2024", date(2024, 12, 5)),
        ("05.12.2024", date(2024, 12, 5)),
        ("5 December 2024", date(2024, 12, 5)),
        ("05-Dec-2024", date(2024, 12, 5)),
    ],
)
def test_dates_in_the_forms_exports_have_used(text: str, expected: date) -> None:
    assert acled._parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024-13-01",
        "31-02-2024",
        "12/31/2024",
        "2024/12/05",
        "yesterday",
        "5 Decembre 2024",
        "05-12-24",
        "2024-12-05-01",
    ],
)
def test_dates_that_are_not_dates(text: str) -> None:
    assert acled._parse_date(text) is None


# -- ids -----------------------------------------------------------------------


def test_slug_is_a_readable_id() -> None:
    assert slug("Military Forces of Syria (2000-2024)") == "military-forces-of-syria-2000-2024"
    assert slug("Ḩamāh") == "hamah"
    assert slug("حمص") == ""
    long = slug("An actor with a very long name that goes on and on (Somewhere Far Away)")
    assert len(long) <= 48 and not long.endswith("-")


class _Item:
    def __init__(self, name: str) -> None:
        self.name = name
        self.id = ""


def ids(names: list[str], reserved: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    items = [_Item(n) for n in names]
    acled._assign_ids(items, lambda i: i.name, "actor", reserved=reserved)
    return [i.id for i in items]


def test_ids_are_stable_unique_and_valid() -> None:
    names = ["Army", "Rebels (X)", "Rebels X", "حزب", "Unknown", "contested", "Army."]
    got = ids(names, {"unknown", "contested"})
    assert len(set(got)) == len(got)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in got)
    assert "unknown" not in got and "contested" not in got
    assert got[4] == "unknown-actor"
    # the same name gets the same id, whatever else is in the file and in whatever order
    assert ids(list(reversed(names)), {"unknown", "contested"}) == list(reversed(got))
    assert ids(["Rebels X"])[0] == "rebels-x"  # no clash, no hash
    assert got[1].startswith("rebels-x-") and got[2].startswith("rebels-x-")  # a clash hashes both
    assert got[3].startswith("actor-")


# -- YAML quoting --------------------------------------------------------------


@given(st.text())
@FUZZ
def test_quoted_text_reads_back_as_itself(text: str) -> None:
    quoted = q(text)
    assert "\n" not in quoted
    assert yaml.safe_load(f"key: {quoted}\n") == {"key": text}


@pytest.mark.parametrize("value", ["saraqib", "a-1", "b_2"])
def test_plain_ids_are_bare(value: str) -> None:
    assert acled._ident(value) == value


@pytest.mark.parametrize("value", ["yes", "No", "null", "on", "2024-12-05", "123", "1e3", "x y"])
def test_ids_yaml_would_misread_are_quoted(value: str) -> None:
    assert acled._ident(value) == json.dumps(value)


# -- whole files ---------------------------------------------------------------


def test_a_small_export_makes_a_valid_scenario() -> None:
    text = acled_to_yaml(csv_bytes([row()]), "x.csv")
    scenario = parse_scenario(text)
    assert [e.title for e in scenario.events] == ["Armed clash: Army vs Rebels in Town"]
    keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"[a-z-]+:", line)]
    assert keys == ["sitboard", "title", "subtitle", "summary", "x-acled", "factions", "towns", "sources", "events"]


def test_the_same_file_gives_the_same_text() -> None:
    data = csv_bytes([row(), row(event_id_cnty="X2", location="Other", latitude="35.2")])
    assert acled_to_yaml(data, "x.csv") == acled_to_yaml(data, "x.csv")


def test_a_field_with_a_bad_quote_is_a_csv_error_with_its_line() -> None:
    data = csv_bytes([row()]) + b'X2,2024-12-02,"Battles"oops,,,,,,,,,,\r\n'
    (problem,) = problems(data)
    assert problem.line == 3 and "CSV" in problem.message


def test_a_record_over_two_lines_counts_its_first_line() -> None:
    data = csv_bytes([row(notes="line one\nline two"), row(latitude="north")])
    (problem,) = problems(data)
    assert (problem.line, problem.column) == (4, HEADER.index("latitude") + 1)


def test_every_bad_row_is_reported_at_once() -> None:
    data = csv_bytes([row(latitude="x"), row(), row(event_date="soon", longitude="999")])
    found = [(p.line, p.column) for p in problems(data)]
    assert found == [(2, 8), (4, 2), (4, 9)]


def test_a_row_with_too_many_fields() -> None:
    data = csv_bytes([row()]) + b"X2,2024-12-01,Battles,Armed clash,A,B,T,35,36,S,National,n,0,extra\r\n"
    (problem,) = problems(data)
    assert (problem.line, problem.column) == (3, len(HEADER) + 1)


def test_semicolon_separated_exports_with_decimal_commas() -> None:
    text = "event_date;event_type;actor1;location;latitude;longitude\n2024-12-01;Battles;Army;Town;35,1;36,7\n"
    scenario = parse_scenario(acled_to_yaml(text.encode(), "x.csv"))
    assert (scenario.towns[0].lat, scenario.towns[0].lon) == (35.1, 36.7)


def test_a_byte_order_mark_is_not_part_of_the_first_column() -> None:
    parse_scenario(acled_to_yaml(b"\xef\xbb\xbf" + csv_bytes([row()]), "x.csv"))


def test_only_scenarioerror_escapes_for_files_that_cannot_be_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for path in (tmp_path / "missing.csv", tmp_path):
        with pytest.raises(ScenarioError) as info:
            acled.import_acled(path)
        assert info.value.problems[0].line == 1


def test_too_many_problems_are_capped() -> None:
    data = csv_bytes([row(latitude="x")] * 80)
    with pytest.raises(ScenarioError) as info:
        acled_to_yaml(data, "x.csv")
    assert len(info.value.problems) == acled.MAX_PROBLEMS and info.value.truncated == 30


# -- fuzz ----------------------------------------------------------------------


def outcome(data: bytes) -> None:
    """A scenario the loader accepts, or a well-formed ScenarioError; anything else fails."""
    try:
        text = acled_to_yaml(data, "fuzz.csv")
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert isinstance(p, Problem) and p.line >= 1 and p.column >= 1 and p.message and p.file == "fuzz.csv"
        return
    parse_scenario(text)


@given(st.text())
@FUZZ
def test_any_text_is_a_scenario_or_a_scenarioerror(text: str) -> None:
    outcome(text.encode("utf-8"))


@given(st.binary())
@FUZZ
def test_any_bytes_are_a_scenario_or_a_scenarioerror(data: bytes) -> None:
    outcome(data)


FIELD = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "2024-12-01",
            "01-12-2024",
            "35.5",
            "-181",
            "nan",
            "1e400",
            "Government regains territory",
            "Unknown",
            "contested",
            "a;b; ;a",
            "x-ray",
            "yes",
            "0",
            "3",
        ]
    ),
)


@given(st.lists(st.lists(FIELD, min_size=len(HEADER) - 1, max_size=len(HEADER) + 1), min_size=1, max_size=6))
@FUZZ
def test_any_rows_under_a_real_header_are_a_scenario_or_a_scenarioerror(rows: list[list[str]]) -> None:
    outcome(csv_bytes(rows))


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "actor1": st.text(min_size=1, max_size=20),
                "actor2": st.text(max_size=20),
                "location": st.text(min_size=1, max_size=20),
                "source": st.text(max_size=30),
                "notes": st.text(max_size=40),
                "sub_event_type": st.sampled_from(["Armed clash", *acled.TERRITORIAL]),
                "latitude": st.floats(-90, 90).map(str),
                "longitude": st.floats(-180, 180).map(str),
                "event_date": st.dates().map(date.isoformat),
            }
        ),
        min_size=1,
        max_size=8,
    )
)
@FUZZ
def test_good_rows_with_any_names_always_make_a_valid_scenario(rows: list[dict[str, str]]) -> None:
    data = csv_bytes([row(**r) for r in rows])
    try:
        text = acled_to_yaml(data, "fuzz.csv")
    except ScenarioError as exc:  # only names that are nothing but spaces and control characters
        assert all(p.message.startswith(("actor1: is empty", "location: is empty")) for p in exc.problems), exc
        return
    scenario = parse_scenario(text)
    assert len(scenario.events) == len(rows)
    times = [e.time.value for e in scenario.events]
    assert times == sorted(times)


def test_the_importer_imports_neither_textual_nor_rich() -> None:
    probe = (
        "import sys, sitboard.feeds.acled, sitboard.scenario.gazetteer; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'yaml')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
