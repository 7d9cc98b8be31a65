"""The bundled scenario stays faithful to its contract and to its source article.

The structural tests read the file with plain `yaml.safe_load`, independent of
sitboard's loader, so that a loader bug cannot hide a broken scenario (and the
other way round). Then one test per fact of the audit (issue 19): each quotes
the article's sentence it checks, and checks the file says that, no more, and
that every output (board, JSON, Markdown, map) carries it the same way.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from sitboard.exports.briefing import briefing_markdown
from sitboard.exports.json_state import state_to_json
from sitboard.geo.scene import MapScene
from sitboard.panels.displacement import displacement
from sitboard.panels.styled import plain
from sitboard.panels.words import Words
from sitboard.scenario.loader import load_scenario
from sitboard.timeline import Timeline

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "central_syria.yaml"
ARTICLE = ROOT / "tests" / "data" / "central_syria_article.txt"

CONFIDENCES = {"confirmed", "reported", "claimed", "disputed"}
RESERVED_HOLDERS = {"contested", "unknown"}

# Keys of format version 1 (shared/SCENARIO_FORMAT.md) and the extensions the
# file uses (docs/scenario-format.md); `x-` keys are also allowed.
ALLOWED_KEYS = {
    "top": {"sitboard", "title", "subtitle", "summary", "map", "factions", "towns", "sources", "events"},
    "map": {"bounds", "lines"},
    "faction": {"id", "name", "color", "mark"},
    "town": {"id", "name", "lat", "lon", "kind", "population", "control"},
    "source": {"id", "name", "kind", "url", "affiliation"},
    "event": {
        *("time", "title", "text", "kind", "at", "actors", "control", "flows", "sources", "confidence"),
        *("notes", "precision"),
    },
    "flow": {"from", "to", "people", "estimate"},
}

# GeoNames (cities1000) coordinates, keyed by the scenario's town id.
GEONAMES = {
    "homs": (34.72405, 36.72559),  # geonameid 169577 "Homs"
    "hama": (35.13179, 36.75783),  # geonameid 170017 "Ḩamāh"
    "rastan": (34.92667, 36.73241),  # geonameid 172946 "Ar Rastan"
    "talbiseh": (34.84072, 36.73092),  # geonameid 163779 "Tallbīsah"
    "aleppo": (36.20124, 37.16117),  # geonameid 170063 "Aleppo"
    "damascus": (33.5102, 36.29128),  # geonameid 170654 "Damascus"
    "coast": (34.88902, 35.88659),  # geonameid 163345 "Ţarţūs": the coast, reached west through the Homs Gap
}
LATAKIA = (35.53125, 35.79088)  # geonameid 173576


@pytest.fixture(scope="module")
def scenario() -> dict:
    with SCENARIO.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def article() -> str:
    return " ".join(ARTICLE.read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return Timeline(load_scenario(SCENARIO))


def ids(items: list[dict]) -> set[str]:
    return {item["id"] for item in items}


def as_datetime(value: object) -> datetime:
    """YAML turns unquoted ISO dates into date/datetime objects; strings stay strings."""
    return datetime.fromisoformat(str(value))


def words(text: str | None) -> str:
    return " ".join((text or "").split())  # folded YAML lines


def event_titled(scenario: dict, start: str) -> dict:
    (found,) = [e for e in scenario["events"] if e["title"].startswith(start)]
    return found


def quotes(article: str, sentence: str) -> None:
    """The test's quotation is the article's, word for word."""
    assert " ".join(sentence.split()) in article, sentence


def room_text(scenario: dict) -> str:
    """Everything the board shows the room in words: titles, texts, names (never the notes)."""
    parts = [scenario["title"], scenario.get("subtitle", ""), scenario.get("summary", "")]
    parts += [f["name"] for f in scenario["factions"]] + [t["name"] for t in scenario["towns"]]
    parts += [s["name"] + " " + s.get("kind", "") for s in scenario["sources"]]
    parts += [f"{e['title']} {e.get('text', '')} {e.get('kind', '')}" for e in scenario["events"]]
    return words(" ".join(parts))


def bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Initial great-circle bearing from a to b, degrees clockwise from north."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    y = math.sin(lo2 - lo1) * math.cos(la2)
    x = math.cos(la1) * math.sin(la2) - math.sin(la1) * math.cos(la2) * math.cos(lo2 - lo1)
    return math.degrees(math.atan2(y, x)) % 360


# -- the contract ------------------------------------------------------------------------------


def test_is_format_version_1(scenario):
    assert scenario["sitboard"] == 1
    assert scenario["title"]


def unknown_keys(mapping: dict, allowed: set[str]) -> set[str]:
    return {key for key in mapping if key not in allowed and not str(key).startswith("x-")}


def test_uses_only_contract_keys_and_documented_extensions(scenario):
    problems = {"top": unknown_keys(scenario, ALLOWED_KEYS["top"])}
    problems["map"] = unknown_keys(scenario.get("map", {}), ALLOWED_KEYS["map"])
    for section, kind in (("factions", "faction"), ("towns", "town"), ("sources", "source"), ("events", "event")):
        for item in scenario.get(section, []):
            problems.setdefault(kind, set()).update(unknown_keys(item, ALLOWED_KEYS[kind]))
    for event in scenario["events"]:
        for flow in event.get("flows", []):
            problems.setdefault("flow", set()).update(unknown_keys(flow, ALLOWED_KEYS["flow"]))
    assert {kind: keys for kind, keys in problems.items() if keys} == {}


def test_every_referenced_town_and_faction_exists(scenario):
    towns = ids(scenario["towns"])
    factions = ids(scenario["factions"])
    holders = factions | RESERVED_HOLDERS
    for town in scenario["towns"]:
        assert town.get("control", "unknown") in holders, town["id"]
    for source in scenario["sources"]:
        assert source.get("affiliation", "gov") in factions, source["id"]
    for event in scenario["events"]:
        at = event.get("at")
        if at is not None:
            assert (at if isinstance(at, str) else at["town"]) in towns, event["title"]
        assert set(event.get("actors", [])) <= factions, event["title"]
        for town, holder in event.get("control", {}).items():
            assert town in towns, event["title"]
            assert holder in holders, event["title"]
        for flow in event.get("flows", []):
            to = flow["to"] if isinstance(flow["to"], list) else [flow["to"]]
            assert {flow["from"], *to} <= towns, event["title"]


def test_event_times_never_go_backwards(scenario):
    times = [as_datetime(event["time"]) for event in scenario["events"]]
    assert times == sorted(times)


def test_every_event_has_sources_and_a_confidence(scenario):
    source_ids = ids(scenario["sources"])
    for event in scenario["events"]:
        assert event.get("sources"), event["title"]
        assert set(event["sources"]) <= source_ids, event["title"]
        assert event.get("confidence") in CONFIDENCES, event["title"]


@pytest.mark.parametrize("town_id", sorted(GEONAMES))
def test_coordinates_match_geonames(scenario, town_id):
    town = next(town for town in scenario["towns"] if town["id"] == town_id)
    lat, lon = GEONAMES[town_id]
    assert abs(town["lat"] - lat) <= 0.01
    assert abs(town["lon"] - lon) <= 0.01


def test_control_follows_the_article(scenario):
    start = {town["id"]: town.get("control") for town in scenario["towns"]}
    assert {start[t] for t in ("aleppo", "hama", "homs", "rastan", "talbiseh", "damascus")} == {"gov"}
    end = dict(start)
    for event in scenario["events"]:
        end.update(event.get("control", {}))
    assert {t: end[t] for t in ("aleppo", "hama", "rastan", "talbiseh")} == dict.fromkeys(
        ("aleppo", "hama", "rastan", "talbiseh"), "hts"
    )
    assert end["homs"] == end["damascus"] == "gov"  # both fell only after the article


def test_article_key_phrases_appear(scenario):
    text = room_text(scenario)
    for phrase in (
        "civilian casualties",
        "without facing resistance",
        "no immediate response",
        "thousands",
        "tactical",
        "foreign countries",
        "Syrian National Army",
        "5 kilometers",
    ):
        assert phrase in text, phrase


def test_dates_from_outside_the_article_say_so(scenario):
    """The article has no dates, so every event must cite the context source and say it."""
    for event in scenario["events"]:
        assert "context" in event["sources"], event["title"]
        assert "public reporting" in words(event.get("text")), event["title"]


# -- the audit, fact by fact ----------------------------------------------------------------


def test_no_number_the_article_does_not_give(scenario, article):
    """The article's only figure is "5 kilometers"; no head count, population or death toll may appear."""
    assert set(re.findall(r"\d+", article)) == {"5"}
    texts = [scenario.get("subtitle"), scenario.get("summary")]
    for e in scenario["events"]:
        texts += [e["title"], e.get("text"), e.get("notes")]
        texts += [f.get("estimate") for f in e.get("flows", [])]
        assert "deaths" not in e
        assert all("people" not in f for f in e.get("flows", []))
    assert all("population" not in t for t in scenario["towns"])
    assert set(re.findall(r"\d+", " ".join(words(t) for t in texts if t))) == {"5"}


def test_one_figure_for_damascus_and_the_coast_is_one_flow(scenario, article):
    quotes(
        article,
        "Following the fall of Hama, thousands of residents from Homs who support Assad were observed "
        "fleeing towards Damascus and the coastal region.",
    )
    flows = [f for e in scenario["events"] for f in e.get("flows", [])]
    assert flows == [{"from": "homs", "to": ["damascus", "coast"], "estimate": "thousands"}]


def test_the_one_figure_is_counted_once_in_every_output(timeline):
    last = timeline.steps
    total = timeline.state_at(last).displaced.total
    assert (total.people, total.unquantified, total.words) == (None, 1, ("thousands",))
    assert list(timeline.state_at(last).displaced.by_destination) == [("damascus", "coast")]

    doc = json.loads(json.dumps(state_to_json(timeline.state_at(last))))
    d = doc["displaced"]
    assert (d["people"], d["unquantified"], d["estimates"], d["text"]) == (
        None,
        1,
        ["thousands"],
        "thousands (unquantified)",
    )
    assert list(d["by_destination"]) == ["damascus+coast"]
    assert [f["to"] for f in doc["flows"]] == [["damascus", "coast"]]

    md = briefing_markdown(timeline, last)
    flow_lines = [line for line in md.splitlines() if line.lstrip().startswith("- Homs →")]
    assert flow_lines == [
        '- Homs → Damascus and Syrian coast (one figure): "thousands", no figure given (event 8)',  # the bottom line
        '  - Homs → Damascus and Syrian coast (one figure): "thousands", no figure given',  # the event
    ]
    assert 'In all: no figure given; the source says "thousands".' in md

    panel = plain(displacement(timeline.state_at(last), Words(timeline.scenario)))
    assert panel.count("thousands") == 3  # the total, by destination (one entry), by origin
    assert "Damascus and Syrian coast (one figure): thousands (unquantified)" in panel


def test_the_one_figure_is_drawn_once_with_an_arrow_to_each_destination(timeline):
    scenario = timeline.scenario
    step = next(e.index + 1 for e in scenario.events if e.flows)
    scene = MapScene(scenario)
    frame = scene.draw(timeline.state_at(step), scene.home, 120, 40)
    text = "\n".join("".join(ch for ch, _ in row) for row in frame.grid)
    assert text.count("thousands") == 1
    homs = frame.projection.cell(*GEONAMES["homs"])
    arrows = [(x, y) for y, row in enumerate(frame.grid) for x, (_, style) in enumerate(row) if style == "flow"]
    assert any(x < homs[0] - 3 and abs(y - homs[1]) <= 2 for x, y in arrows)  # west, toward the coast
    assert any(y > homs[1] + 3 for x, y in arrows)  # south, toward Damascus


def test_the_coast_lies_west_of_homs_through_the_homs_gap(scenario, article):
    quotes(article, "Homs, a major intersection point between Damascus and Syria's coastal provinces")
    towns = {t["id"]: (t["lat"], t["lon"]) for t in scenario["towns"]}
    toward_coast = bearing(towns["homs"], towns["coast"])
    assert 260 <= toward_coast <= 290, toward_coast  # west, not north-west (Latakia is about 312°)
    assert bearing(towns["homs"], LATAKIA) > 300  # where the coast was pinned before: the check above fails for it


def test_the_monitors_chief_emphasized_the_significance(scenario, article):
    sentence = (
        "The Observatory's chief emphasized the significance of the upcoming battle for Homs in determining "
        "the future leadership of Syria."
    )
    quotes(article, sentence)
    event = event_titled(scenario, "Insurgents 5 kilometers from Homs")
    assert sentence in words(event["text"])
    assert "will decide" not in room_text(scenario)


def test_the_army_reportedly_withdrew(scenario, article):
    sentence = (
        "The Syrian army reportedly withdrew from Hama to avoid civilian casualties, allowing opposition "
        "forces to seize control."
    )
    quotes(article, sentence)
    text = words(event_titled(scenario, "Army reportedly withdraws from Hama")["text"])
    assert "reportedly withdrew from Hama" in text and "to avoid civilian casualties" in text
    assert "stated reason" not in room_text(scenario)


def test_hts_and_the_sna_lead_the_offensive(scenario, article):
    quotes(
        article,
        "The offensive in central Syria is being led by HTS and the Syrian National Army, a coalition of "
        "Turkish-backed militias.",
    )
    for start in ("Insurgents led by HTS and the Syrian National Army", "Army reportedly withdraws from Hama"):
        assert {"hts", "sna"} <= set(event_titled(scenario, start)["actors"]), start
    assert {"hts", "sna"} <= set(event_titled(scenario, "Insurgents enter Rastan and Talbiseh")["actors"])


def test_hts_is_called_the_jihadi_group(scenario, article):
    quotes(article, "The insurgents, led by the jihadi group Hayat Tahrir al-Sham (HTS), have expressed intentions")
    text = words(event_titled(scenario, "Insurgents say they will march")["text"])
    assert "led by the jihadi group Hayat Tahrir al-Sham (HTS)" in text


def test_the_strikes_were_in_hama_province_not_on_the_city(scenario, article):
    quotes(
        article,
        "Syrian and Russian air forces have been conducting airstrikes on insurgents in Hama province, "
        "resulting in casualties among opposition fighters.",
    )
    event = event_titled(scenario, "Syrian and Russian air strikes")
    assert (event["at"], event["precision"]) == ("hama", "province")


def test_the_fighters_are_5_km_north_of_homs_not_in_it(scenario, article, timeline):
    quotes(article, "insurgents are positioned just 5 kilometers away from Homs")
    quotes(article, "entering two towns just north of the city of Homs")
    event = event_titled(scenario, "Insurgents 5 kilometers from Homs")
    assert event["at"] == {"town": "homs", "km": 5, "toward": "north"}
    assert event["precision"] == "near"
    (placed,) = [e for e in timeline.scenario.events if e.title == event["title"]]
    assert placed.at is not None and placed.at.town is None  # not at Homs itself
    assert placed.at.lat == pytest.approx(GEONAMES["homs"][0] + 5 / 111.2, abs=0.002)


def test_no_m5_line_without_real_road_data(scenario, article):
    assert "M5" not in article
    assert "lines" not in scenario.get("map", {})
    assert "M5" not in SCENARIO.read_text(encoding="utf-8").replace("the M5 highway is not in", "")


def test_how_confidence_was_chosen_is_in_the_notes_not_read_to_the_room(scenario):
    said = room_text(scenario)
    for word in CONFIDENCES:
        assert f'"{word}"' not in said and f"hence {word}" not in said, word
    assert "confidence" not in said.lower()
    for event in scenario["events"]:
        assert f'"{event["confidence"]}"' in words(event["notes"]), event["title"]
