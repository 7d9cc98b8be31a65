"""The format's optional keys in the JSON, GeoJSON and Markdown exports, and unknown as null in every tally."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from extended_scenario import EXTENDED, NOTE

from sitboard.exports.briefing import briefing_markdown
from sitboard.exports.geojson import feature_collection
from sitboard.exports.json_state import state_to_json
from sitboard.scenario.bundled import default_scenario
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.timeline import Timeline


@pytest.fixture(scope="module")
def extended() -> Timeline:
    return Timeline(parse_scenario(EXTENDED, "extended.yaml"))


def as_json(timeline: Timeline, step: int) -> dict:
    return json.loads(json.dumps(state_to_json(timeline.state_at(step)), allow_nan=False))


# -- JSON: unknown is null, and the sources' words travel with every tally ---------------------------


TALLIES = textwrap.dedent("""\
    sitboard: 1
    title: Tallies
    factions: [{id: gov, name: Government}]
    towns:
      - {id: a, name: A, lat: 1, lon: 1}
      - {id: b, name: B, lat: 2, lon: 2}
      - {id: c, name: C, lat: 3, lon: 3}
    events:
      - {time: 2024-01-01, title: Nothing moves}
      - time: 2024-01-02
        title: Thousands
        flows: [{from: a, to: b, estimate: thousands}]
      - time: 2024-01-03
        title: A figure, and more words
        flows: [{from: a, to: b, people: 1500, estimate: "some 1,500"}, {from: a, to: c, estimate: hundreds},
                {from: c, to: b, estimate: thousands}, {from: c, to: b}]
      - time: 2024-01-04
        title: Zero is a figure
        flows: [{from: b, to: c, people: 0}]
    """)


@pytest.fixture(scope="module")
def tallies() -> Timeline:
    return Timeline(parse_scenario(TALLIES, "tallies.yaml"))


def test_no_flow_is_no_figure_not_zero(tallies):
    for step in (0, 1):
        d = as_json(tallies, step)["displaced"]
        assert d == {
            "people": None,
            "unquantified": 0,
            "estimates": [],
            "text": "none recorded",
            "by_origin": {},
            "by_destination": {},
        }


def test_words_without_a_figure(tallies):
    d = as_json(tallies, 2)["displaced"]
    words = {"people": None, "unquantified": 1, "estimates": ["thousands"], "text": "thousands (unquantified)"}
    assert {k: d[k] for k in ("people", "unquantified", "estimates", "text")} == words
    assert d["by_origin"] == {"a": words} and d["by_destination"] == {"b": words}


def test_a_figure_with_words_and_a_flow_with_neither(tallies):
    d = as_json(tallies, 3)["displaced"]
    assert (d["people"], d["unquantified"], d["estimates"]) == (1500, 4, ["thousands", "hundreds"])
    assert d["text"] == "≥ 1,500 + thousands; hundreds (unquantified, 4 flows)"
    assert d["by_origin"]["c"] == {
        "people": None,
        "unquantified": 2,
        "estimates": ["thousands"],
        "text": "thousands (unquantified, 2 flows)",
    }
    assert d["by_destination"]["b"] == {
        "people": 1500,
        "unquantified": 3,
        "estimates": ["thousands"],
        "text": "≥ 1,500 + thousands (unquantified, 3 flows)",
    }
    assert d["by_destination"]["c"]["text"] == "hundreds (unquantified)"


def test_a_figure_of_zero_is_a_figure(tallies):
    d = as_json(tallies, 4)["displaced"]
    assert d["by_origin"]["b"] == {"people": 0, "unquantified": 0, "estimates": [], "text": "0"}


def test_the_bundled_scenario_says_no_number_it_does_not_have():
    timeline = Timeline(load_scenario(default_scenario()))
    for step in range(timeline.steps + 1):
        d = as_json(timeline, step)["displaced"]
        for tally in [d, *d["by_origin"].values(), *d["by_destination"].values()]:
            assert tally["people"] is None or tally["people"] > 0  # the article gives no figures
            if tally["unquantified"]:
                assert tally["estimates"] and all(w in tally["text"] for w in tally["estimates"])


# -- JSON: the new fields --------------------------------------------------------------------------


def test_json_event_fields(extended):
    e = as_json(extended, 1)["event"]
    assert e["until"] == "2024-12-09" and e["precision"] == "near"
    assert e["deaths"] == {"best": 12, "low": 5, "high": 20}
    assert e["view"] == {"focus": ["homs", "hama"], "margin_km": 30.0}
    assert e["at"]["town"] is None and e["at"]["offset"] == {"town": "homs", "km": 5.0, "toward": "N"}
    assert e["sources"][0]["affiliation"] == "hts"
    e = as_json(extended, 2)["event"]
    assert e["deaths"] == {"best": 3, "low": None, "high": None}  # unknown is null
    assert e["view"] == {"bounds": {"west": 35.0, "south": 33.0, "east": 38.0, "north": 36.0}}
    assert "until" not in e and e["precision"] == "province"


def test_json_control_values_as_the_file_writes_them(extended):
    doc = as_json(extended, 0)
    control = {t["id"]: t["control"] for t in doc["towns"]}
    assert control["homs"] == "gov"
    assert control["hama"] == {"holder": "gov", "state": "besieged", "by": ["hts"], "from": ["N", "E"]}
    assert control["manbij"] == {"state": "mixed", "holders": ["sdf", "sna"]}  # no holder credited
    assert control["daraa"] == {"holder": "gov", "state": "truce", "with": ["hts"]}
    assert control["raqqa"] == {"holder": "unknown", "state": "held", "present": ["isis"]}
    assert doc["mixed"] == {"towns": 1, "population": 100000}
    assert {f["id"]: f["towns"] for f in doc["factions"]} == {"gov": 5, "hts": 0, "sdf": 0, "sna": 0, "isis": 0}
    assert [t.get("pcode") for t in doc["towns"]] == ["SY04", None, None, "SY01", None, None, None]
    assert list(doc) == [
        "scenario",
        "step",
        "steps",
        "time",
        "title",
        "event",
        "factions",
        "mixed",
        "towns",
        "changed",
        "flows",
        "displaced",
    ]


def test_json_changes_of_state(extended):
    assert as_json(extended, 1)["changed"] == [
        {"town": "homs", "from": "gov", "to": {"holder": "gov", "state": "besieged", "by": ["hts"]}}
    ]
    assert as_json(extended, 3)["changed"] == [
        {
            "town": "manbij",
            "from": {"state": "mixed", "holders": ["sdf", "sna"]},
            "to": {"holder": "sna", "state": "encircled", "by": ["sdf"]},
        },
        {"town": "daraa", "from": {"holder": "gov", "state": "truce", "with": ["hts"]}, "to": "gov"},
    ]
    assert "mixed" not in as_json(extended, 3)


def test_json_one_figure_for_several_destinations(extended):
    doc = as_json(extended, 2)
    assert doc["flows"][0]["to"] == ["damascus", "tartus"] and doc["flows"][1]["to"] == "homs"
    assert doc["flows"][2] == {
        "from": "raqqa",
        "to": ["homs", "hama", "tartus"],
        "people": 300,
        "estimate": None,
        "step": 2,
    }
    d = doc["displaced"]
    assert d["people"] == 1500 and d["unquantified"] == 1  # 1,200 + 300, each flow once
    assert set(d["by_destination"]) == {"damascus+tartus", "homs", "homs+hama+tartus"}
    assert d["by_destination"]["homs+hama+tartus"]["people"] == 300


def test_json_of_a_v1_file_has_no_extension_keys():
    v1 = Path(__file__).resolve().parents[2] / "tests" / "data" / "central_syria_v1.yaml"
    doc = as_json(Timeline(load_scenario(v1)), 9)
    assert not {"until", "precision", "deaths", "view"} & set(doc["event"])
    assert "mixed" not in doc and all("pcode" not in t and isinstance(t["control"], str) for t in doc["towns"])
    assert all(isinstance(f["to"], str) for f in doc["flows"])


# -- GeoJSON -----------------------------------------------------------------------------------------


def test_geojson_control_states_as_properties(extended):
    towns = {
        f["properties"]["id"]: f["properties"]
        for f in feature_collection(extended, 0)["features"]
        if f["properties"]["layer"] == "town"
    }
    hama = towns["hama"]
    assert (hama["control"], hama["control_state"], hama["control_by"], hama["control_from"]) == (
        "gov",
        "besieged",
        ["hts"],
        ["N", "E"],
    )
    assert hama["control_text"] == "Government, besieged by HTS from N and E"
    manbij = towns["manbij"]
    assert (manbij["control"], manbij["control_state"], manbij["control_holders"]) == (None, "mixed", ["sdf", "sna"])
    assert manbij["control_name"] == "mixed: SDF and SNA" and "marker-symbol" not in manbij
    assert towns["raqqa"]["control_present"] == ["isis"] and towns["daraa"]["control_with"] == ["hts"]
    assert "control_state" not in towns["homs"] and towns["homs"]["pcode"] == "SY04"


def test_geojson_a_shared_figure_is_one_multilinestring(extended):
    collection = feature_collection(extended, 2)
    flows = [f for f in collection["features"] if f["properties"]["layer"] == "flow"]
    assert len(flows) == 3
    shared = flows[0]
    assert shared["geometry"] == {
        "type": "MultiLineString",
        "coordinates": [[[36.73, 34.72], [36.29, 33.51]], [[36.73, 34.72], [35.89, 34.89]]],
    }
    assert shared["properties"]["to"] == ["damascus", "tartus"] and shared["properties"]["people"] is None
    assert shared["properties"]["to_name"] == ["Damascus", "Tartus"]
    assert shared["properties"]["time"] == "2024-12-03" and shared["properties"]["until"] == "2024-12-09"
    assert flows[1]["geometry"]["type"] == "LineString" and "until" not in flows[1]["properties"]
    assert collection["bbox"][:2] == [35.89, 32.62]  # Tartus, a second destination, and Daraa
    json.dumps(collection, allow_nan=False)


def test_geojson_collection_times(extended):
    assert feature_collection(extended, 1)["until"] == "2024-12-09"
    assert "until" not in feature_collection(extended, 2)


# -- Markdown ----------------------------------------------------------------------------------------


def test_markdown_event_sections(extended):
    md = briefing_markdown(extended, 3)
    assert "### 1. 2024-12-03 to 2024-12-09 — Fighting north of Homs" in md
    assert "- **Place:** 5 km N of Homs, approximately" in md
    assert "- **Place:** Hama province" in md
    assert "- **Deaths:** best 12 (5–20)" in md and "- **Deaths:** 3" in md
    assert "- **View:** Homs, Hama (margin 30 km)" in md
    assert "- **View:** west 35°, south 33°, east 38°, north 36°" in md
    assert "  - Homs: Government → besieged by HTS" in md
    assert "  - Homs: Government, besieged by HTS → HTS" in md
    assert "  - Hama: Government, besieged by HTS from N and E → Government" in md
    assert "  - Manbij: mixed: SDF and SNA, unchanged" in md  # the same holders in another order
    assert "  - Manbij: mixed: SDF and SNA → SNA, encircled by SDF" in md
    assert '  - Homs → Damascus and Tartus (one figure): "thousands", no figure given' in md
    assert "  - Raqqa → Homs, Hama and Tartus (one figure): 300 people" in md
    assert "1. Monitor — war monitor, close to HTS\n" in md and "2. Wire\n" in md


def test_markdown_control_tables(extended):
    md = briefing_markdown(extended, 2)
    assert "| Mixed control, counted for no faction | 1 | 100,000 | Manbij |" in md
    assert "Holding no town on their own: SDF; SNA; ISIS." in md
    assert "- Manbij: mixed: SDF and SNA\n" in md
    assert "- Daraa: Government, truce with HTS\n" in md
    assert "- Raqqa: unknown, ISIS present\n" in md
    assert '- Homs → Damascus and Tartus (one figure): "thousands", no figure given (event 1)' in md
    assert "Mixed control" not in briefing_markdown(extended, 3)


def test_markdown_shows_notes_only_when_asked(extended):
    for step in range(extended.steps + 1):
        assert NOTE not in briefing_markdown(extended, step)
    md = briefing_markdown(extended, 3, notes=True)
    assert md.count(NOTE) == 3 and md.count("**Notes for the briefer:**") == 3
    assert f"{NOTE}: say the figure is the monitor's" in md
    assert f"{NOTE} second step.\nTwo lines of it." in md
    assert briefing_markdown(extended, 1, notes=True).count(NOTE) == 1  # only the events so far


def test_notes_are_escaped_like_every_text():
    text = EXTENDED.replace(f'"{NOTE}: say', f'"# {NOTE} | <b>x</b>: say')
    md = briefing_markdown(Timeline(parse_scenario(text, "x.yaml")), 1, notes=True)
    assert f"\\# {NOTE} \\| \\<b\\>x\\</b\\>: say" in md
