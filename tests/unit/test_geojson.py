"""GeoJSON export: RFC 7946 structure, [lon, lat] order, simplestyle colours, no NaN."""

from __future__ import annotations

import json
import math
import re
import textwrap
from pathlib import Path

import pytest

from sitboard.exports.geojson import ANSI_COLORS, color_to_hex, feature_collection
from sitboard.scenario.bundled import default_scenario
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.timeline import Timeline

HEX = re.compile(r"#[0-9a-f]{6}\Z")

SMALL = textwrap.dedent(
    """\
    sitboard: 1
    title: Small war
    map:
      lines:
        - {name: Front, kind: front, points: [[10.5, 20.5], [11.5, 21.5], [12.5, 19.0]]}
        - {name: Track, via: [a, c]}
    factions:
      - {id: gov, name: Government, color: bright_green, mark: G}
      - {id: reb, name: Rebels, color: "#AABBCC", mark: "|"}
      - {id: odd, name: Odd, color: dark_orange}
    towns:
      - {id: a, name: Alpha, lat: 10, lon: 20, kind: city, population: 100000, control: gov}
      - {id: b, name: Bravo, lat: 11, lon: 21, control: reb}
      - {id: c, name: Charlie, lat: -12.5, lon: -22.25, kind: village, control: odd}
      - {id: d, name: Delta, lat: 13, lon: 23}
    events:
      - time: 2024-01-01
        title: first
        flows: [{from: a, to: b, people: 10000}]
      - time: 2024-01-02T08:30
        title: second
        control: {b: contested}
        flows:
          - {from: b, to: c, estimate: hundreds}
          - {from: b, to: d, people: 20, estimate: a score}
      - time: 2024-01-03
        title: nothing moves
    """
)


@pytest.fixture(scope="module")
def bundled() -> Timeline:
    return Timeline(load_scenario(default_scenario()))


@pytest.fixture(scope="module")
def v1() -> Timeline:
    """The bundled scenario as it was before issue 19: format v1 alone, with a map line (the M5)."""
    return Timeline(load_scenario(Path(__file__).resolve().parents[2] / "tests" / "data" / "central_syria_v1.yaml"))


@pytest.fixture(scope="module")
def small() -> Timeline:
    return Timeline(parse_scenario(SMALL, "small.yaml"))


def positions(feature: dict) -> list[list[float]]:
    g = feature["geometry"]
    return [g["coordinates"]] if g["type"] == "Point" else g["coordinates"]


def layer(fc: dict, name: str) -> list[dict]:
    return [f for f in fc["features"] if f["properties"]["layer"] == name]


@pytest.mark.parametrize("which", ["bundled", "v1"])
@pytest.mark.parametrize("step", [0, 5, 9])
def test_structure(request, which, step):
    bundled = request.getfixturevalue(which)
    fc = feature_collection(bundled, step)
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc
    assert isinstance(fc["features"], list)
    for f in fc["features"]:
        assert f["type"] == "Feature"
        assert set(f) >= {"type", "geometry", "properties"}
        assert f["geometry"]["type"] in ("Point", "LineString", "MultiLineString")
        if f["geometry"]["type"] == "Point":
            assert len(f["geometry"]["coordinates"]) == 2
        else:
            assert len(f["geometry"]["coordinates"]) >= 2
    assert len(layer(fc, "town")) == len(bundled.scenario.towns)
    assert len(layer(fc, "line")) == len(bundled.scenario.map.lines)
    assert len({f["id"] for f in fc["features"]}) == len(fc["features"])


def test_positions_are_lon_lat(v1):
    fc = feature_collection(v1, 0)
    homs = next(f for f in layer(fc, "town") if f["properties"]["id"] == "homs")
    assert homs["geometry"] == {"type": "Point", "coordinates": [36.7256, 34.7241]}
    m5 = layer(fc, "line")[0]
    assert m5["properties"]["name"] == "M5 highway" and m5["properties"]["kind"] == "road"
    assert m5["geometry"]["coordinates"][0] == [37.1612, 36.2012]  # Aleppo, lon first
    assert len(m5["geometry"]["coordinates"]) == 6


def test_town_properties_follow_the_step(bundled):
    before = {f["properties"]["id"]: f["properties"] for f in layer(feature_collection(bundled, 2), "town")}
    after = {f["properties"]["id"]: f["properties"] for f in layer(feature_collection(bundled, 3), "town")}
    assert before["hama"]["control"] == "gov"
    assert before["hama"]["control_name"] == "Syrian government (Syrian Arab Army)"
    assert after["hama"]["control"] == "hts"
    assert after["hama"]["control_name"] == "Hayat Tahrir al-Sham–led insurgents"
    assert after["hama"]["marker-color"] == after["idlib"]["marker-color"] != after["homs"]["marker-color"]
    assert after["hama"]["kind"] == "city" and after["hama"]["population"] is None
    assert after["hama"]["name"] == "Hama"


def test_flows_so_far(bundled):
    for step in range(bundled.steps + 1):
        flows = layer(feature_collection(bundled, step), "flow")
        assert len(flows) == len(bundled.state_at(step).flows)
    flows = layer(feature_collection(bundled, 8), "flow")
    assert [f["properties"]["to"] for f in flows] == [["damascus", "coast"]]  # one figure, one feature
    for f in flows:
        p = f["properties"]
        assert p["people"] is None and p["estimate"] == "thousands"
        assert p["step"] == 8 and p["time"] == "2024-12-06" and p["from"] == "homs"
        assert f["geometry"]["type"] == "MultiLineString"
        assert [part[0] for part in f["geometry"]["coordinates"]] == [[36.7256, 34.7241]] * 2


def test_this_steps_flows_are_wider(small):
    fc = feature_collection(small, 2)
    flows = layer(fc, "flow")
    assert [(f["properties"]["step"], f["properties"]["current"]) for f in flows] == [(1, False), (2, True), (2, True)]
    old, new = flows[0]["properties"], flows[1]["properties"]
    assert new["stroke-width"] > old["stroke-width"]
    assert HEX.match(new["stroke"]) and HEX.match(old["stroke"])
    assert [f["properties"]["people"] for f in flows] == [10000, None, 20]
    assert [f["properties"]["estimate"] for f in flows] == [None, "hundreds", "a score"]
    assert flows[1]["properties"]["time"] == "2024-01-02T08:30"
    # a step without flows: nothing is current any more
    assert not any(f["properties"]["current"] for f in layer(feature_collection(small, 3), "flow"))


def test_marker_colours(small, bundled):
    for timeline, step in ((small, 2), (bundled, 9)):
        for f in layer(feature_collection(timeline, step), "town"):
            assert HEX.match(f["properties"]["marker-color"]), f["properties"]
    towns = {f["properties"]["id"]: f["properties"] for f in layer(feature_collection(small, 2), "town")}
    assert towns["a"]["marker-color"] == "#00ff00"  # bright_green
    assert towns["b"]["marker-color"] == "#ffffff"  # contested
    assert towns["b"]["control_name"] == "contested"
    assert towns["c"]["marker-color"] == "#808080"  # a Rich-only name: neutral grey
    assert towns["d"]["marker-color"] == "#8c8c8c"  # unknown
    assert towns["a"]["marker-symbol"] == "g"
    assert "marker-symbol" not in towns["b"]
    towns = {f["properties"]["id"]: f["properties"] for f in layer(feature_collection(small, 0), "town")}
    assert towns["b"]["marker-color"] == "#aabbcc"  # #rrggbb passes through, lower-cased
    assert "marker-symbol" not in towns["b"]  # '|' is not a valid simplestyle symbol


def test_a_colour_resolver_can_fill_the_gaps(small):
    fc = feature_collection(small, 0, color_hex=lambda c: "#FF8700" if c == "dark_orange" else None)
    towns = {f["properties"]["id"]: f["properties"] for f in layer(fc, "town")}
    assert towns["c"]["marker-color"] == "#ff8700"
    assert towns["a"]["marker-color"] == "#00ff00"


def test_colour_names_match_rich():
    rich_color = pytest.importorskip("rich.color")
    for name, hex_value in ANSI_COLORS.items():
        assert rich_color.Color.parse(name).get_truecolor().hex == hex_value, name
    assert len(ANSI_COLORS) == 16


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("red", "#800000"),
        ("Bright_Red", "#ff0000"),
        ("#0072B2", "#0072b2"),
        ("#abc", "#aabbcc"),
        ("rgb(10, 20, 255)", "#0a14ff"),
        ("rgb(300,0,0)", None),
        ("dark_orange", None),
        ("", None),
    ],
)
def test_color_to_hex(given, expected):
    assert color_to_hex(given) == expected


@pytest.mark.parametrize("step", [0, 1, 2, 3])
def test_strict_json_and_floats(small, step):
    fc = feature_collection(small, step)
    text = json.dumps(fc, allow_nan=False, ensure_ascii=False)
    assert json.loads(text) == fc
    for f in fc["features"]:
        for pos in positions(f):
            assert all(type(v) is float and math.isfinite(v) for v in pos), pos
    assert all(type(v) is float for v in fc["bbox"])


@pytest.mark.parametrize("step", [0, 2])
def test_bbox_contains_every_position(small, bundled, step):
    for timeline in (small, bundled):
        fc = feature_collection(timeline, step)
        west, south, east, north = fc["bbox"]
        everything = [pos for f in fc["features"] for pos in positions(f)]
        for lon, lat in everything:
            assert west <= lon <= east and south <= lat <= north
        # and it is tight: every side is touched by some position
        assert west == min(p[0] for p in everything) and east == max(p[0] for p in everything)
        assert south == min(p[1] for p in everything) and north == max(p[1] for p in everything)


def test_overlay_lines_from_points_and_via(small):
    lines = layer(feature_collection(small, 0), "line")
    front, track = lines
    assert front["properties"]["name"] == "Front" and front["properties"]["kind"] == "front"
    assert front["geometry"]["coordinates"] == [[20.5, 10.5], [21.5, 11.5], [19.0, 12.5]]
    assert track["properties"]["kind"] == "other" and track["properties"]["via"] == ["a", "c"]
    assert track["geometry"]["coordinates"] == [[20.0, 10.0], [-22.25, -12.5]]
    assert front["properties"]["stroke-width"] > 0 and HEX.match(front["properties"]["stroke"])


def test_out_of_range_step(small):
    with pytest.raises(IndexError):
        feature_collection(small, 4)
