"""docs/scenario-format.md: every extension is marked and has an example that sitboard accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sitboard.scenario.loader import parse_scenario

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"

# What the examples refer to.
BASE = {
    "sitboard": 1,
    "title": "Examples",
    "factions": [{"id": f, "name": f.upper()} for f in ("gov", "hts", "sdf", "sna", "rebels", "isis")],
    "towns": [
        {"id": t, "name": t.title(), "lat": 34 + i / 10, "lon": 36 + i / 10}
        for i, t in enumerate(("hama", "rastan", "talbiseh", "damascus", "tartus", "manbij", "daraa", "raqqa"))
    ],
}
HOMS = {"id": "homs", "name": "Homs", "lat": 34.72, "lon": 36.73}


def extension_sections() -> list[tuple[str, str]]:
    """(heading, body) of each `### ... — **Extension**` section."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2) if "**Extension**" in parts[i]]


def with_example(example: dict) -> dict:
    doc = {**BASE, "factions": list(BASE["factions"]), "towns": list(BASE["towns"])}
    for key, value in example.items():
        if key == "flows":
            doc["events"] = [{"time": "2024-12-05", "title": "Flows", "flows": value}]
        elif key in ("towns", "sources", "events"):
            doc[key] = doc.get(key, []) + value
        else:
            doc[key] = value
    if not any(t["id"] == "homs" for t in doc["towns"]):
        doc["towns"].append(HOMS)
    return doc


def test_every_extension_the_model_has_is_documented():
    headings = " ".join(h for h, _ in extension_sections()).lower()
    for words in (
        "coordinates",
        "place codes",
        "control states",
        "notes",
        "camera",
        "time ranges",
        "precision",
        "near a town",
        "fatalities",
        "several destinations",
        "affiliation",
        "areas",
    ):
        assert words in headings, words


@pytest.mark.parametrize(("heading", "body"), extension_sections(), ids=lambda v: v[:30] if len(v) < 200 else "")
def test_each_extension_has_an_example_that_is_accepted(heading, body):
    examples = re.findall(r"```yaml\n(.*?)```", body, flags=re.DOTALL)
    assert examples, heading
    for example in examples:
        scenario = yaml.safe_dump(with_example(yaml.safe_load(example)), sort_keys=False, allow_unicode=True)
        parse_scenario(scenario, "example.yaml")  # raises ScenarioError, with the position, if not accepted


def test_the_contract_comes_first_unchanged_in_structure():
    text = DOC.read_text(encoding="utf-8")
    contract = text.index("# Scenario format, version 1 (the contract)")
    assert contract < text.index("## Details the contract leaves open") < text.index("## Extensions")
    for heading in (
        "## factions",
        "## towns",
        "## sources",
        "## events",
        "### flows (inside an event)",
        "## map",
        "## Errors",
    ):
        assert f"\n{heading}\n" in text[contract : text.index("## Details the contract leaves open")]
