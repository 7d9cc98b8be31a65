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
