"""A scenario source: the file read whole (through the cache, written when asked), and its saves noticed."""

from __future__ import annotations

import os

from functional.conftest import SMALL

from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import Scenario
from sitboard.scenario.source import ScenarioSource
from sitboard.scenario.watch import Change


def test_a_source_reads_its_file_and_can_leave_the_cache_entry_for_later(tmp_path, monkeypatch):
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    source = ScenarioSource(path, cache=True, watch=False)
    assert source.load(remember_later=True).title == "Small test scenario"
    assert source.remembering and not list((tmp_path / "cache").glob("sitboard-*.sqlite"))
    source.remember()
    assert not source.remembering and len(list((tmp_path / "cache").glob("sitboard-*.sqlite"))) == 1
    assert source.poll(0.0) is None and not source.watching  # --no-watch: never a change


def test_a_source_notices_a_save_once_it_settles(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    source = ScenarioSource(path)
    assert source.poll(0.0) is None
    path.write_text(SMALL + "\n", encoding="utf-8")
    os.utime(path, ns=(10**9, 10**9))
    assert source.poll(1.0) is None  # moving: wait for it to settle
    assert source.poll(2.0) is Change.CHANGED
    path.unlink()
    assert source.poll(3.0) is Change.MISSING


def test_a_stand_in_reader_replaces_the_read(tmp_path):
    seen: list[str] = []

    def reader(path: str) -> Scenario:
        seen.append(path)
        return parse_scenario(SMALL, path)

    source = ScenarioSource(tmp_path / "x.yaml", watch=False, reader=reader)  # no such file: never opened
    assert source.load().title == "Small test scenario" and seen == [str(tmp_path / "x.yaml")]
