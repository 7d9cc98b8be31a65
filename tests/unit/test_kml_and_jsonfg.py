"""KML for Google Earth's time slider, and JSON-FG `time` in the GeoJSON (issue 19): checked structurally against
what KML 2.2 and JSON-FG require, and every time read back equals the scenario's."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitboard.exports.geojson import feature_collection
from sitboard.exports.kml import kml_document
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.timeline import Timeline

K = "http://www.opengis.net/kml/2.2"
NS = {"k": K}
PLACEMARK = f"{{{K}}}Placemark"
BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"

SCENARIO = textwrap.dedent(
    """\
    sitboard: 1
    title: Times
    factions:
      - {id: gov, name: Government, color: "#ff0000"}
      - {id: reb, name: "Rebels <&> co"}
    towns:
      - {id: a, name: Alpha, lat: 34.5, lon: 36.5, control: gov}
      - {id: b, name: Beta, lat: 35.0, lon: 36.0, control: gov}
      - {id: c, name: Gamma, lat: 33.5, lon: 36.3, control: gov}
    events:
      - time: 2024-12-01
        title: Alpha falls
        at: a
        control: {a: reb}
      - time: 2024-12-03T14:00+02:00
        until: 2024-12-09
        title: A week of shelling near Beta
        at: {town: b, km: 5, toward: north}
        precision: near
        flows:
          - {from: b, to: [a, c], estimate: thousands}
      - time: 2024-12-10
        title: Alpha retaken
        control: {a: gov}
        flows:
          - {from: a, to: c, people: 1200}
    """
)

# KML 2.2's schema: the order of a Placemark's children (those this export writes).
PLACEMARK_ORDER = ["name", "description", "TimeStamp", "TimeSpan", "styleUrl", "Point", "LineString", "MultiGeometry"]


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return Timeline(parse_scenario(SCENARIO, "times.yaml"))


def kml_of(timeline: Timeline) -> ET.Element:
    return ET.fromstring(kml_document(timeline))


def local(element: ET.Element) -> str:
    return element.tag.split("}", 1)[1]


def when(text: str | None) -> datetime:
    assert text is not None
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    assert text.endswith("Z")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def test_the_document_is_kml_2_2_with_children_in_schema_order(timeline):
    data = kml_document(timeline)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(data)
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    (doc,) = list(root)
    assert local(doc) == "Document"
    children = [local(c) for c in doc]
    assert children[0] == "name" and children.index("Style") < children.index("Folder")
    ids = [p.get("id") for p in root.iter(PLACEMARK)]
    assert len(ids) == len(set(ids))
    for mark in root.iter(PLACEMARK):
        order = [PLACEMARK_ORDER.index(local(c)) for c in mark]
        assert order == sorted(order), [local(c) for c in mark]
        assert sum(local(c) in ("TimeStamp", "TimeSpan") for c in mark) == 1  # every placemark is on the slider
    for span in root.iter(f"{{{K}}}TimeSpan"):
        parts = [local(c) for c in span]
        assert parts in (["begin"], ["end"], ["begin", "end"], [])
        if parts == ["begin", "end"]:
            assert when(span[0].text) <= when(span[1].text)
    for style in root.iter(f"{{{K}}}color"):
        assert len(style.text or "") == 8 and int(style.text or "", 16) >= 0  # aabbggrr
    assert "Rebels <&> co" in data.decode("utf-8").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_each_town_has_one_placemark_per_holding_period_whose_times_round_trip(timeline):
    root = kml_of(timeline)
    events = timeline.scenario.events
    for town in timeline.scenario.towns:
        marks = [p for p in root.iter(PLACEMARK) if (p.get("id") or "").startswith(f"town-{town.id}-")]
        history = timeline.history(town.id)
        assert len(marks) == len(history)
        for n, ((step, holder), mark) in enumerate(zip(history, marks)):
            span = mark.find("k:TimeSpan", NS)
            assert span is not None
            begin, end = span.find("k:begin", NS), span.find("k:end", NS)
            assert (begin is None) == (step == 0)
            if begin is not None:
                assert when(begin.text) == events[step - 1].time.sort_key
            if n + 1 < len(history):
                assert end is not None and when(end.text) == events[history[n + 1][0] - 1].time.sort_key
            else:
                assert end is None
            assert mark.findtext("k:styleUrl", namespaces=NS) == f"#holder-{holder}"
            assert mark.findtext("k:Point/k:coordinates", namespaces=NS) == f"{town.lon:.6f},{town.lat:.6f}"
    alpha = [p for p in root.iter(PLACEMARK) if (p.get("id") or "").startswith("town-a-")]
    assert [m.findtext("k:description", namespaces=NS) for m in alpha] == ["Government", "Rebels <&> co", "Government"]


def test_events_have_time_stamps_or_spans_and_flows_are_lines(timeline):
    root = kml_of(timeline)
    first = root.find(".//k:Placemark[@id='event-1']", NS)
    assert first is not None and first.findtext("k:TimeStamp/k:when", namespaces=NS) == "2024-12-01"
    ranged = root.find(".//k:Placemark[@id='event-2']", NS)
    assert ranged is not None
    assert ranged.findtext("k:TimeSpan/k:begin", namespaces=NS) == "2024-12-03T12:00:00Z"  # +02:00 in UTC
    assert ranged.findtext("k:TimeSpan/k:end", namespaces=NS) == "2024-12-09"
    assert "Place: approximate (near)" in (ranged.findtext("k:description", namespaces=NS) or "")
    assert root.find(".//k:Placemark[@id='event-3']", NS) is None  # no place: not on the map
    shared = root.find(".//k:Placemark[@id='flow-0']", NS)
    assert (
        shared is not None
        and shared.findtext("k:name", namespaces=NS) == "Beta → Alpha and Gamma (one figure): thousands"
    )
    lines = shared.findall("k:MultiGeometry/k:LineString/k:coordinates", NS)
    assert [c.text for c in lines] == [
        "36.000000,35.000000 36.500000,34.500000",
        "36.000000,35.000000 36.300000,33.500000",
    ]
    assert shared.findtext("k:TimeSpan/k:end", namespaces=NS) == "2024-12-09"
    one = root.find(".//k:Placemark[@id='flow-1']", NS)
    assert one is not None and one.findtext("k:name", namespaces=NS) == "Alpha → Gamma: 1,200"
    assert (
        one.findtext("k:TimeSpan/k:begin", namespaces=NS) == "2024-12-10" and one.find("k:TimeSpan/k:end", NS) is None
    )


def test_geojson_features_carry_json_fg_time_that_round_trips(timeline):
    fc = json.loads(json.dumps(feature_collection(timeline, 2)))
    towns = {f["properties"]["id"]: f for f in fc["features"] if f["properties"]["layer"] == "town"}
    assert towns["a"]["time"] == {"interval": ["2024-12-01", "2024-12-10"]}  # held by the rebels at step 2
    assert towns["b"]["time"] == {"interval": ["..", ".."]}  # held from before the first event, past the last
    flows = [f for f in fc["features"] if f["properties"]["layer"] == "flow"]
    assert flows[0]["time"] == {"interval": ["2024-12-03T12:00:00Z", "2024-12-09"]}
    fc3 = feature_collection(timeline, 3)
    later = [f for f in fc3["features"] if f["properties"]["layer"] == "flow"][1]
    assert later["time"] == {"date": "2024-12-10"}
    towns3 = {f["properties"]["id"]: f for f in fc3["features"] if f["properties"]["layer"] == "town"}
    assert towns3["a"]["time"] == {"interval": ["2024-12-10", ".."]}
    for f in fc["features"] + fc3["features"]:
        t = f["time"]
        assert set(t) <= {"date", "timestamp", "interval"} and t
        for end in t.get("interval", []):
            assert end == ".." or when(end)


def test_the_bundled_scenario_exports_kml_from_the_command_line(tmp_path):
    out = tmp_path / "syria.kml"
    run = subprocess.run(
        [sys.executable, "-m", "sitboard", "export", str(BUNDLED), "--format", "kml", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    root = ET.parse(out).getroot()
    timeline = Timeline(load_scenario(BUNDLED))
    marks = list(root.iter(PLACEMARK))
    towns = sum(len(timeline.history(t.id)) for t in timeline.scenario.towns)
    placed = sum(e.at is not None for e in timeline.scenario.events)
    assert len(marks) == towns + placed + 1  # one flow: Homs' "thousands", one figure for two destinations
    text = out.read_text(encoding="utf-8")
    assert all(e.notes and e.notes not in text for e in timeline.scenario.events)  # the briefer's notes stay out
