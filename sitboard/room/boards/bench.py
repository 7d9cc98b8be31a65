"""What a briefing costs, board to board, for ``sitboard bench --room``: measured, never asserted.

The transport's own figures are ``sitboard.room.bench``; these are the room as
people see it, against the issue's targets:

- ``frames``: from the briefer's key (the presenter console, headless under
  Pilot) to each follower's frame showing the state it made, with followers of
  both kinds: terminal boards (``FollowerBoard`` headless, a process each, at
  sizes of their own) and browser tabs (``sitboard serve --follow``, whose
  board processes talk to a websocket client here). Over ``keys`` keys, steps
  and Home/End jumps, paced like a briefer pressing quickly. The moments come
  from the boards' stamps (``stamps``: one clock for every process). A frame a
  follower skipped (it was still drawing when a newer state came) is counted,
  not timed: it ends on the newer one.
- ``frames_one``: the same with one terminal follower: what a room of
  machines sees, where no follower shares a core with another.
- ``late_join``: a terminal follower started while the others follow: from its
  welcome to its first frame (the target: the step shown within 1 s), and from
  the process's start (Python and Textual loading included).
- ``presenter_step``: the presenter's own key to frame, in CPU time of its
  process (as ``sitboard bench`` measures the board's keys), with no follower
  and with ``crowd`` followers connected (the transport's, in a process of
  their own: what the presenter's loop serves is the same whoever reads), in
  alternating blocks over the same steps; the change is the median of the
  pairs' ratios, so that the machine's drift falls on both.

Everything runs on this machine, so followers share its cores with the
presenter: the figures are an upper bound of what a room of machines sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sitboard.room.address import JoinAddress
from sitboard.room.boards.stamps import VARIABLE, Stamps

CHILD_TIMEOUT = 60.0  # seconds for a follower process to draw its first frame
PACE = 0.25  # seconds between the briefer's keys
SIZES = ((80, 24), (120, 40), (160, 50), (200, 60), (100, 30))


def bench_briefing(
    scenario: Path, *, terminals: int = 5, tabs: int = 5, keys: int = 100, crowd: int = 50, repeat: int = 21
) -> dict[str, Any]:
    """The figures above (milliseconds); ``scenario`` is the briefing's file."""
    with tempfile.TemporaryDirectory() as tmp:
        stamps = Path(tmp) / "stamps.jsonl"
        os.environ[VARIABLE] = str(stamps)  # inherited by every board started from here
        try:
            return asyncio.run(_bench(scenario, stamps, terminals, tabs, keys, crowd, repeat))
        finally:
            del os.environ[VARIABLE]
            gc.unfreeze()  # what the console froze, let go for the rest of this process (a test's)


async def _bench(
    scenario: Path, stamps: Path, terminals: int, tabs: int, keys: int, crowd: int, repeat: int
) -> dict[str, Any]:
    from sitboard.room.boards.console import PresenterConsole
    from sitboard.room.boards.launch import room_copy
    from sitboard.room.presenter import Presenter
    from sitboard.scenario.loader import read_scenario_text
    from sitboard.state import BoardState
    from sitboard.timeline import Timeline

    parsed, text, _ = read_scenario_text(scenario)
    timeline = Timeline(parsed)
    room = Presenter(
        room_copy(text, parsed, send_scenario=False).encode("utf-8"), title=parsed.title, state=BoardState().to_json()
    )
    address = await room.start("127.0.0.1", 0)
    # As `sitboard present` runs it (`launch.present`): the one board of its process, owning the collector
    # (its first frame's heap frozen). Without, Python's own full collections of the bench's whole heap
    # could fall inside the presenter's timed steps, as they never do in `sitboard present`.
    console = PresenterConsole(timeline, room=room, address=address, owns_gc=True)
    results: dict[str, Any] = {"terminals": terminals, "tabs": tabs, "keys": keys, "crowd": crowd}
    try:
        async with console.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            results["presenter_step"] = await _presenter_step(pilot, console, address, crowd, repeat)
            async with _terminal(address, scenario, SIZES[2], stamps) as (pid, _):
                await _until(lambda: console.followers >= 1, "one follower connected")
                pressed = await _brief(pilot, console, keys // 2)
                await asyncio.sleep(1.0)
                results["frames_one"] = _frames(stamps, pressed, {pid}, 1)
            async with contextlib.AsyncExitStack() as stack:
                boards = [
                    (await stack.enter_async_context(_terminal(address, scenario, SIZES[i % len(SIZES)], stamps)))[0]
                    for i in range(terminals)
                ]
                if tabs:
                    await stack.enter_async_context(_tabs(address, scenario, tabs))
                await _until(lambda: console.followers >= terminals + tabs, "every follower connected")
                before = {pid: _cpu_seconds(pid) for pid in boards}
                pressed = await _brief(pilot, console, keys)
                await asyncio.sleep(1.0)  # the last frames
                results["frames"] = _frames(stamps, pressed, set(boards), terminals + tabs)
                results["terminal_cpu_per_state"] = _cpu_per_state(before, len(pressed))
                results["late_join"] = await _late_join(address, scenario, stamps, console)
    finally:
        await room.close()
    return results


async def _presenter_step(pilot: Any, console: Any, address: JoinAddress, crowd: int, repeat: int) -> dict[str, Any]:
    """CPU per step of the presenter alone and with ``crowd`` followers, in alternating blocks.

    Every block steps through the same events from the start (their costs
    differ), so that each followed block compares with the block alone before
    it; ``change`` is the median of those pairs' ratios, which the machine's
    drift over the run moves least.
    """
    alone: list[float] = []
    watched: list[float] = []
    ratios: list[float] = []
    last: list[float] = []  # the block alone before a followed one
    steps = min(console.timeline.steps, 8)
    blocks = 2 * max(2, repeat // steps)
    for block in range(blocks):
        child = None
        if block % 2:
            child = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "sitboard.room.bench", "--follow", str(address), "--count", str(crowd),
                stdout=subprocess.PIPE,
            )  # fmt: skip
            assert child.stdout is not None
            async with asyncio.timeout(CHILD_TIMEOUT):
                await child.stdout.readline()  # "ready": every follower holds the current state
        await pilot.press("home")
        samples: list[float] = []
        for _ in range(steps):
            await pilot.pause(0.05)
            t0 = time.process_time()
            await pilot.press("right")
            await pilot.pause()
            samples.append(time.process_time() - t0)
        if child is not None:
            child.terminate()
            await child.wait()
            watched += samples
            ratios.append(sum(samples, 0.0) / sum(last, 0.0))
        else:
            alone += samples
            last = samples
    a, w = _stats(alone), _stats(watched)
    return {"alone": a, "followed": w, "change": statistics.median(ratios) - 1, "pairs": len(ratios)}


async def _brief(pilot: Any, console: Any, keys: int) -> dict[int, float]:
    """Press ``keys`` keys (steps, and Home/End jumps); the moment of each key, by the sequence number it made."""
    pressed: dict[int, float] = {}
    for i in range(keys):
        step, last = console.state.step, console.timeline.steps
        if i % 10 == 8:
            key = "end" if step < last else "home"
        elif i % 10 == 9:
            key = "home" if step > 0 else "end"
        else:
            key = "right" if step < last else "home"
        before = console.published
        t0 = time.monotonic()
        await pilot.press(key)
        if console.published != before:
            pressed[console.published] = t0
        await pilot.pause(PACE)
    return pressed


def _frames(stamps: Path, pressed: dict[int, float], terminals: set[int], followers: int) -> dict[str, Any]:
    latency: dict[str, list[float]] = {"terminal": [], "browser": []}
    published: list[float] = []  # the presenter's part: from the key to the state handed to the room
    drawn = 0
    for entry in _read(stamps):
        if entry["event"] == "publish" and entry.get("seq") in pressed:
            published.append(entry["at"] - pressed[entry["seq"]])
        elif (
            entry["event"] == "frame"
            and entry.get("seq") in pressed
            and entry["pid"] != os.getpid()
            and entry["at"] >= pressed[entry["seq"]]
        ):
            kind = "terminal" if entry["pid"] in terminals else "browser"
            latency[kind].append(entry["at"] - pressed[entry["seq"]])
            drawn += 1
    every = latency["terminal"] + latency["browser"]
    return {
        "all": _stats(every),
        "terminal": _stats(latency["terminal"]),
        "browser": _stats(latency["browser"]),
        "key_to_publish": _stats(published),
        "skipped": len(pressed) * followers - drawn,
        "expected": len(pressed) * followers,
    }


async def _late_join(address: JoinAddress, scenario: Path, stamps: Path, console: Any) -> dict[str, Any]:
    welcome: list[float] = []
    start: list[float] = []
    for _ in range(3):
        seq = console.published
        async with _terminal(address, scenario, (120, 40), stamps) as (pid, began):
            entries = [e for e in _read(stamps) if e["pid"] == pid]
            welcomed = next(e["at"] for e in entries if e["event"] == "welcomed")
            frame = next(e["at"] for e in entries if e["event"] == "frame" and e["seq"] == seq)
            welcome.append(frame - welcomed)
            start.append(frame - began)
    return {"from_welcome": _stats(welcome), "from_process_start": _stats(start)}


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time a process has used (user + system), from /proc; None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _cpu_per_state(before: dict[int, float | None], states: int) -> dict[str, float] | None:
    """Each terminal follower's CPU per state the presenter published, in ms (median, max over the followers).

    What ten boards on one machine queue for: a follower's step costs about
    what the board's own does, and here they share two cores.
    """
    per: list[float] = []
    for pid, start in before.items():
        end = _cpu_seconds(pid)
        if start is not None and end is not None and states:
            per.append((end - start) * 1e3 / states)
    return {"median": statistics.median(per), "max": max(per)} if per else None


@contextlib.asynccontextmanager
async def _terminal(
    address: JoinAddress, scenario: Path, size: tuple[int, int], stamps: Path
) -> AsyncIterator[tuple[int, float]]:
    """A terminal follower in a process of its own, once it has drawn its first frame: (its pid, when started)."""
    width, height = size
    began = time.monotonic()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sitboard.room.boards.bench", str(address), str(scenario), str(width), str(height),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:

        def drawn() -> bool:
            return any(e["pid"] == child.pid and e["event"] == "frame" for e in _read(stamps))

        await _until(drawn, "a terminal follower's first frame")
        yield child.pid, began
    finally:
        if child.returncode is None:
            child.terminate()
        await child.wait()


@contextlib.asynccontextmanager
async def _tabs(address: JoinAddress, scenario: Path, count: int) -> AsyncIterator[None]:
    """``sitboard serve --follow`` and ``count`` tabs of it, each read continuously as a browser would."""
    import socket

    import aiohttp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sitboard", "serve", str(scenario), "--port", str(port), "--follow", str(address),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    readers: list[asyncio.Task[None]] = []
    try:
        async with aiohttp.ClientSession() as session:
            await _until_listening(port)
            for i in range(count):
                width, height = SIZES[(i + 2) % len(SIZES)]
                ws = await session.ws_connect(f"http://127.0.0.1:{port}/ws?width={width}&height={height}")
                await ws.send_str(json.dumps(["resize", {"width": width, "height": height}]))
                readers.append(asyncio.create_task(_drain(ws)))
            yield
            for task in readers:
                task.cancel()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, 15)
        await server.wait()


async def _drain(ws: Any) -> None:
    async for _ in ws:
        pass


async def _until_listening(port: int) -> None:
    async def connect() -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return False
        writer.close()
        return True

    deadline = time.monotonic() + CHILD_TIMEOUT
    while not await connect():
        if time.monotonic() > deadline:
            raise RuntimeError(f"sitboard serve --follow did not listen on port {port}")
        await asyncio.sleep(0.1)


async def _until(check: Any, what: str) -> None:
    deadline = time.monotonic() + CHILD_TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"not within {CHILD_TIMEOUT:g} s: {what}")
        await asyncio.sleep(0.05)


def _read(stamps: Path) -> list[dict[str, Any]]:
    if not stamps.exists():
        return []
    return [json.loads(line) for line in stamps.read_text(encoding="utf-8").splitlines() if line.strip()]


def _stats(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"median_ms": 0.0, "p95_ms": 0.0, "n": 0}
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 2),
        "n": len(ordered),
    }


# -- the child: one terminal follower, headless --------------------------------------------


async def _board(address: str, file: str, size: tuple[int, int]) -> None:
    from sitboard.room.boards.launch import follower_board, room_name, until_drawable
    from sitboard.room.follower import Follower
    from sitboard.scenario.loader import read_scenario_text
    from sitboard.timeline import Timeline

    stamps = Stamps("follower")
    scenario, text, _ = read_scenario_text(file)
    link = Follower(address, scenario_sha256=room_name(text), want_scenario=True)
    link.start()
    joined, status, timeline = await until_drawable(link, Timeline(scenario), lambda _: None)
    stamps.write("welcomed")
    app = follower_board(timeline, link, joined, status)
    await app.run_async(headless=True, size=size)


if __name__ == "__main__":
    _address, _file, _width, _height = sys.argv[1:5]
    asyncio.run(_board(_address, _file, (int(_width), int(_height))))
