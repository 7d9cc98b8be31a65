"""The validated-scenario cache: reused for the same bytes, never trusted beyond that."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitboard.scenario import cache
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import load_scenario

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(directory))
    return directory


def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def test_a_second_load_comes_from_the_cache_and_is_the_same_scenario(tmp_path, cache_dir, monkeypatch):
    path = scenario_file(tmp_path)
    cold = load_scenario(path, cache=True)
    assert len(list(cache_dir.glob("*.json"))) == 1

    def no_parsing(*_a, **_k):  # the warm load must not parse at all
        raise AssertionError("parsed although cached")

    monkeypatch.setattr("sitboard.scenario.loader.parse_scenario", no_parsing)
    warm = load_scenario(path, cache=True)
    assert warm == cold
    assert [e.time.sort_key for e in warm.events] == [e.time.sort_key for e in cold.events]
    assert warm.events[3].mark == cold.events[3].mark  # positions survive, for the error bar


def test_a_changed_file_is_read_again(tmp_path, cache_dir):
    path = scenario_file(tmp_path)
    load_scenario(path, cache=True)
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Central Syria offensive", "title: Changed"), encoding="utf-8"
    )
    assert load_scenario(path, cache=True).title == "Changed"


def test_an_invalid_file_is_never_cached(tmp_path, cache_dir):
    path = tmp_path / "bad.yaml"
    path.write_text("sitboard: 1\ntitle: t\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ScenarioError):
            load_scenario(path, cache=True)
    assert not list(cache_dir.glob("*.json")) if cache_dir.exists() else True


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "not json",
        lambda text: text.replace('"hama"', '"nowhere"', 1),  # a reference that no longer holds
        lambda text: text.replace(f'"format":{cache.ENTRY_FORMAT}', '"format":99'),
    ],
    ids=["truncated", "garbage", "broken-reference", "other-format"],
)
def test_a_damaged_entry_is_ignored_and_replaced(tmp_path, cache_dir, damage):
    path = scenario_file(tmp_path)
    good = load_scenario(path, cache=True)
    (entry,) = cache_dir.glob("*.json")
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    assert load_scenario(path, cache=True) == good
    _seal, payload = entry.read_text(encoding="utf-8").split("\n", 1)  # the MAC, then the JSON
    assert json.loads(payload)["format"] == cache.ENTRY_FORMAT  # rewritten whole


def test_an_unwritable_cache_is_simply_not_used(tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(blocker / "cache"))
    path = scenario_file(tmp_path)
    assert load_scenario(path, cache=True).title == "Central Syria offensive"


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SITBOARD_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert load_scenario(scenario_file(tmp_path), cache=True).title == "Central Syria offensive"


def test_old_entries_are_pruned(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    path = scenario_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    for i in range(6):
        path.write_text(text.replace("title: Central Syria offensive", f"title: Version {i}"), encoding="utf-8")
        load_scenario(path, cache=True)
    assert len(list(cache_dir.glob("*.json"))) == 3
