"""The board's garbage collection waits for the steps to pause: decided on a clock the test holds."""

from __future__ import annotations

import gc

from sitboard.app.collector import IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_full_collection_waits_until_no_step_has_come_for_a_while(monkeypatch):
    runs: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: runs.append(generation) or 0)
    clock = Clock()
    collector = IdleCollector(idle=0.2, clock=clock)
    assert not collector.tick()  # nothing stepped yet: nothing to collect
    collector.stepped()
    clock.now += 0.1
    assert not collector.tick() and runs == []  # still stepping
    collector.stepped()  # another step restarts the wait
    clock.now += 0.15
    assert not collector.tick()
    clock.now += 0.05
    assert collector.tick() and len(runs) == 1
    clock.now += 10
    assert not collector.tick() and len(runs) == 1  # once per pause, not on every tick


def test_a_patient_collector_collects_at_a_pause_only_once_a_collection_is_due(monkeypatch):
    # A follower's: states come at the presenter's pace, and every pause would otherwise walk the heap.
    runs: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: runs.append(generation) or 0)
    clock, due = Clock(), [False]
    collector = IdleCollector(idle=0.2, clock=clock, due=lambda: due[0])
    collector.stepped()
    clock.now += 0.3
    assert not collector.tick() and runs == []  # a pause, but nothing due
    due[0] = True
    clock.now += 0.1
    assert collector.tick() and len(runs) == 1  # due within the same pause: collected, still at the pause
    clock.now += 10
    assert not collector.tick() and len(runs) == 1


def test_half_due_follows_pythons_own_count_of_younger_collections(monkeypatch):
    from sitboard.app.collector import half_due

    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 4))
    assert not half_due()
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 5))
    assert half_due()
