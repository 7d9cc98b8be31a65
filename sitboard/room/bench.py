"""What the briefing room costs, for ``sitboard bench``: measured, never asserted.

Three figures, each against the issue's target:

- ``publish``: what one ``publish`` costs the presenter's event loop with 0,
  10 and 50 followers connected: the call itself (which sends to every
  follower whose socket has room), and the call plus the loop's next turn
  (where any seat task it woke writes), in wall time and in this thread's CPU
  time (on a shared machine the follower process takes the core now and then,
  which wall time counts). The presenter's own step must not get 10 % slower
  with 50 followers, so this is to be read next to the board's step time.
- ``latency``: from ``publish`` to a follower holding the parsed state, with
  10 (and 50) followers, over 100 publishes paced like a briefer pressing keys
  quickly (median and p95; targets 50 and 100 ms, which also cover the
  follower's drawing). CLOCK_MONOTONIC is one clock for every process on the
  machine, so the follower subtracts the moment written into the state.
- ``late_join``: from a follower starting to it holding the current state, while
  the others are connected (target: the step shown within 1 s).

Followers run in a child process of their own, as they would on other
machines, so their reading does not count as the presenter's work. Run it as
``python -m sitboard.room.bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from typing import Any

from sitboard.room.follower import Connected, Follower, StateReceived
from sitboard.room.presenter import Presenter
from sitboard.room.wire import digest

CHILD_TIMEOUT = 60.0  # seconds for the followers' process to connect, and to report
SCENARIO = b'title: "bench"\n'
# a state the size of BoardState.to_json(): step, centre, zoom, areas, selection, present
STATE: dict[str, Any] = {
    "step": 0,
    "center": [34.73, 36.71],
    "zoom": 2.0,
    "areas": False,
    "selected": "homs",
    "present": False,
}


def bench_room(*, publishes: int = 100, pace: float = 0.02, crowds: tuple[int, ...] = (0, 10, 50)) -> dict[str, Any]:
    """The figures above, as plain numbers (milliseconds), by number of followers connected."""
    return asyncio.run(_bench(publishes, pace, crowds))


async def _bench(publishes: int, pace: float, crowds: tuple[int, ...]) -> dict[str, Any]:
    room = Presenter(SCENARIO, title="bench", state=STATE)
    address = await room.start("127.0.0.1", 0)
    results: dict[str, Any] = {"publish": {}, "latency": {}, "late_join": {}}
    step = 0
    try:
        for crowd in crowds:
            child = None
            if crowd:
                child = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "sitboard.room.bench",
                    "--follow",
                    str(address),
                    "--count",
                    str(crowd),
                    stdout=subprocess.PIPE,
                    limit=2**24,  # the latencies come back as one line
                )
                assert child.stdout is not None
                async with asyncio.timeout(CHILD_TIMEOUT):
                    ready = await child.stdout.readline()  # every follower holds the current state
                if ready != b"ready\n":
                    raise RuntimeError(f"the followers' process did not get ready (it said {ready[:80]!r})")
            results["late_join"][str(crowd)] = _stats([await _late_join(str(address)) for _ in range(5)])
            calls, turns, cpu = [], [], []
            for _ in range(publishes):
                step += 1
                state = dict(STATE, step=step, sent=time.monotonic())
                started, started_cpu = time.perf_counter(), time.thread_time()
                room.publish(state)
                called = time.perf_counter()
                await asyncio.sleep(0)  # the seats woken by publish write in this turn of the loop
                turned, turned_cpu = time.perf_counter(), time.thread_time()
                calls.append(called - started)
                turns.append(turned - started)
                cpu.append(turned_cpu - started_cpu)
                await asyncio.sleep(pace)
            results["publish"][str(crowd)] = {
                "call": _stats(calls),
                "with_writes": _stats(turns),
                "with_writes_cpu": _stats(cpu),  # the same, less the time another process had the core
            }
            if child is not None:
                assert child.stdout is not None
                room.publish(dict(STATE, step=step, done=True))
                async with asyncio.timeout(CHILD_TIMEOUT):
                    report = json.loads(await child.stdout.readline())
                await child.wait()
                results["latency"][str(crowd)] = _stats(report["latency"])
    finally:
        await room.close()
    return results


async def _late_join(address: str) -> float:
    started = time.perf_counter()
    async with Follower(address, scenario_sha256=digest(SCENARIO)) as follower:
        async for event in follower:
            if isinstance(event, Connected):
                break
    return time.perf_counter() - started


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 3),
        "n": len(ordered),
    }


async def _followers(address: str, count: int) -> None:
    """The child: ``count`` followers; "ready" once all hold a state, then their latencies when told it is done."""
    latency: list[float] = []
    ready = asyncio.Event()
    joined = 0

    async def follow() -> None:
        nonlocal joined
        async with Follower(address, scenario_sha256=digest(SCENARIO)) as follower:
            async for event in follower:
                if isinstance(event, Connected):
                    joined += 1
                    if joined == count:
                        ready.set()
                elif isinstance(event, StateReceived):
                    if event.state.get("done"):
                        return
                    if "sent" in event.state:  # a board's own states (the briefing bench) carry no moment
                        latency.append(time.monotonic() - float(event.state["sent"]))

    tasks = [asyncio.create_task(follow()) for _ in range(count)]
    await ready.wait()
    print("ready", flush=True)
    await asyncio.gather(*tasks)
    print(json.dumps({"latency": latency}), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitboard.room.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--follow", help=argparse.SUPPRESS)  # the child's part
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--publishes", type=int, default=100)
    args = parser.parse_args(argv)
    if args.follow:
        asyncio.run(_followers(args.follow, args.count))
        return 0
    print(json.dumps(bench_room(publishes=args.publishes), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
