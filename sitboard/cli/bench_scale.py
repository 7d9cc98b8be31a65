"""`sitboard bench --towns N --events M`: a whole country's data, every figure of issue 18 next to its target.

One run measures, at N towns x M events, a generated scenario and a realistic
ACLED-like one (an export generated row by row, then imported): the cold and
warm first frame of the board, steps and jumps, a reload after one appended
event (and how long a key waited meanwhile), `export --format json`, the
import itself, and peak memory; then the peak memory at 1/15, 5/15 and the
full size, to show that it grows with towns + events, not their product.
The machine's load average is recorded before and after: on a shared machine
a figure is only as good as the load it was taken under.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

# Targets, in the unit of the figure (issue 18).
TARGETS = {
    "first_open_cold_s": 15.0,
    "first_open_warm_s": 1.5,
    "step_median_ms": 8.0,
    "step_p95_ms": 16.7,
    "jump_max_ms": 33.0,
    "reload_s": 2.0,
    "peak_memory_mb": 1024.0,
    "import_acled_s": 60.0,
    "export_json_warm_s": 2.0,
}

ACLED_HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
_SUB_EVENTS = [
    ("Battles", "Armed clash"),
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"),
    ("Strategic developments", "Looting/property destruction"),
    ("Battles", "Government regains territory"),
    ("Battles", "Non-state actor overtakes territory"),
]
_ACTORS = [
    ("Military Forces of Ruritania (2019-)", "1"),
    ("Military Forces of Borduria (2000-)", "8"),
    ("Ruritanian Liberation Front", "2"),
    ("Unidentified Armed Group (Ruritania)", "3"),
    ("Civilians (Ruritania)", "7"),
    ("Protesters (Ruritania)", "6"),
]
_SOURCES = ["Ministry of Defence", "Local media", "Monitor; Local media", "International wire", "Regional outlet"]


def generate_acled(towns: int, events: int, seed: int = 1) -> bytes:
    """An ACLED export as downloaded (every column, notes of ACLED's usual length), deterministic."""
    rng = random.Random(seed)
    places = [(f"Place {i}", 44 + rng.random() * 8, 22 + rng.random() * 18) for i in range(towns)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(ACLED_HEADER)
    start = date(2022, 2, 24)
    for e in range(events):
        when = start + timedelta(days=e * 1000 // max(1, events))
        name, lat, lon = places[rng.randrange(towns)]
        kind, sub = rng.choice(_SUB_EVENTS)
        (a1, i1), (a2, i2) = rng.sample(_ACTORS, 2)
        fatalities = rng.choice([0, 0, 0, 1, 2, 5, 12])
        writer.writerow(
            [
                f"RUR{e + 1}",
                when.isoformat(),
                when.year,
                rng.choice([1, 1, 2]),
                "Political violence",
                kind,
                sub,
                a1,
                "",
                i1,
                a2,
                "",
                i2,
                f"{i1}{i2}",
                "",
                "999",
                "Europe",
                "Ruritania",
                f"Oblast {rng.randrange(25)}",
                f"District {rng.randrange(140)}",
                "",
                name,
                f"{lat:.4f}",
                f"{lon:.4f}",
                1,
                rng.choice(_SOURCES),
                "National",
                f"On {when.isoformat()}, {a1} {sub.lower()} near {name} involving {a2}. "
                f"{fatalities} fatalities reported; {rng.randint(1, 40)} buildings damaged according to local sources.",
                fatalities,
                "",
                1700000000 + e,
            ]
        )
    return buf.getvalue().encode("utf-8")


# -- one figure each --------------------------------------------------------------------


def peak_kib(pid: int | str = "self") -> int:
    """A process's peak resident set, KiB, since it started its program.

    Not `ru_maxrss`: Linux carries it over `exec` from the process that
    forked, so every command the benchmark starts would report at least the
    benchmark's own size. VmHWM is the new program's alone.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if pid == "self" else 0


def board_open(path: Path, env: dict[str, str]) -> tuple[float, float]:
    """(seconds from process start to the board's first full frame, peak memory in MB) of `sitboard FILE`."""
    from sitboard.cli.bench import BOARD_APP

    t0 = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", BOARD_APP, str(path), "200", "60"], check=True, env=env, capture_output=True, text=True
    )
    lines = run.stdout.split()
    stamp = float(lines[lines.index("frame") + 1])
    return stamp - t0, int(lines[-1]) / 1024


def _cold_and_warm(path: Path, env: dict[str, str], warm_runs: int) -> dict[str, Any]:
    cache = Path(env["SITBOARD_CACHE_DIR"])
    shutil.rmtree(cache, ignore_errors=True)
    cold, cold_peak = board_open(path, env)
    warm = [board_open(path, env) for _ in range(warm_runs)]
    return {
        "first_open_cold_s": cold,
        "first_open_warm_s": sorted(w for w, _ in warm)[len(warm) // 2],
        "peak_memory_mb": max(cold_peak, *(m for _, m in warm)),
        "peak_memory_cold_mb": cold_peak,
        "peak_memory_warm_mb": max(m for _, m in warm),
    }


async def _keys(path: Path, repeat: int) -> dict[str, Any]:
    """CPU time of steps early and late, Home/End and a go-to date, on a warm board at 200x60.

    Each figure twice: the board's own work from the key to the last frame
    it caused (`bench_keys`, the figure held against the target), and as
    earlier runs measured it, across Pilot's press and pause, whose harness
    (a walk of every widget, three watches for idle) a key bound to nothing
    costs alone (`no_op_key_pilot_ms`).
    """
    from sitboard.app.launch import file_source, open_board
    from sitboard.cli.bench_keys import FrameClock, board_call, board_key

    app = open_board(file_source(path, watch=False))
    clock = time.process_time
    steps: list[float] = []
    jumps: list[float] = []
    pilot_steps: list[float] = []
    pilot_jumps: list[float] = []
    no_ops: list[float] = []

    async def pilot_key(pilot: Any, key: str) -> float:
        t0 = clock()
        await pilot.press(key)
        await pilot.pause()
        return clock() - t0

    async with app.run_test(size=(200, 60)) as pilot:
        frames = FrameClock(app)
        await pilot.pause()
        await pilot.pause(1.0)  # the board's work after its first frame (the last step, drawn unseen) is done
        for key, start in (("right", "home"), ("left", "end")):  # early in the timeline, then late
            await pilot.press(start)
            await pilot.pause(0.3)
            for _ in range(repeat):
                steps.append(await board_key(app, frames, key))
                pilot_steps.append(await pilot_key(pilot, key))
                no_ops.append(await pilot_key(pilot, "f12"))  # bound to nothing: Pilot's harness alone
        timeline = app.timeline
        events = timeline.scenario.events
        rng = random.Random(2)
        for _ in range(max(3, repeat // 4)):
            for key in ("home", "end"):
                await pilot.pause(0.3)  # a person looks between jumps (the board collects its garbage then)
                jumps.append(await board_key(app, frames, key))
                await pilot.pause(0.3)
                await pilot.press("end" if key == "home" else "home")
                await pilot.pause(0.3)
                pilot_jumps.append(await pilot_key(pilot, key))
            await pilot.pause(0.3)
            when = events[rng.randrange(len(events))].time.text[:10]
            jumps.append(await board_call(app, frames, partial(_go_to_date, app, when)))
    from sitboard.cli.bench import _stats  # the other figures' median and p95

    step, pilot_step = _stats(steps), _stats(pilot_steps)
    return {
        "step_median_ms": step["median_ms"],
        "step_p95_ms": step["p95_ms"],
        "jump_max_ms": max(jumps) * 1e3,
        "jump_median_ms": _stats(jumps)["median_ms"],
        "steps_measured": len(steps),
        "step_pilot_median_ms": pilot_step["median_ms"],
        "step_pilot_p95_ms": pilot_step["p95_ms"],
        "jump_pilot_max_ms": max(pilot_jumps) * 1e3,
        "no_op_key_pilot_ms": _stats(no_ops)["median_ms"],
    }


def _go_to_date(app: Any, when: str) -> None:
    """What the go-to dialog does with a date typed in it."""
    from sitboard.panels.goto import parse_goto

    app.go_to(parse_goto(when, app.timeline))


async def _reload(path: Path) -> dict[str, Any]:
    """Seconds from appending one event to the board showing it, and the longest a key waited (wall).

    The board is first left to settle (its start-up work after the first
    frame: the last step drawn unseen, the map's context layers), so that
    a key's wait is the reload's and not the opening's. Keys are pressed
    until the board shows the new event, and for a second after it (the new
    file's cache entry is written then, in a thread).
    """
    from textual import events

    from sitboard.app.launch import file_source, open_board

    app = open_board(file_source(path, watch=True))

    async def key() -> float:
        """How long a key waited for the board; or, if longer, how late a pause of 20 ms ended.

        Not Pilot's press: it waits for the process to be idle (CPU time against wall time), which it
        never is while a thread reads, so every press took a second or two whatever the board did. The
        late pause counts what the board does between keys (the swap itself) as a key pressed then would wait.
        """
        k0 = time.monotonic()
        answered = asyncio.Event()
        app.post_message(events.Key("f12", None))  # bound to nothing: the board answering at all
        app.call_later(answered.set)  # runs once the board has taken the key from its queue
        await answered.wait()
        k1 = time.monotonic()
        await asyncio.sleep(0.02)
        return max(k1 - k0, time.monotonic() - k1 - 0.02)

    waits: list[float] = []
    after: list[float] = []
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        settle = time.monotonic()
        while time.monotonic() - settle < 30:
            await asyncio.sleep(0.25)
            if await key() < 0.03:
                break
        last = app.timeline.scenario.events[-1].time.value
        when = (last if isinstance(last, date) else last.date()) + timedelta(days=1)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"  - time: {when.isoformat()[:10]}\n    title: One more event, appended\n")
        t0 = time.monotonic()
        while app.reloads == 0 and time.monotonic() - t0 < 600:
            waits.append(await key())
        seconds = time.monotonic() - t0
        shown = app.timeline.steps
        t1 = time.monotonic()
        while time.monotonic() - t1 < 1.0:
            after.append(await key())
    return {
        "reload_s": seconds,
        "reload_key_wait_max_ms": max(waits, default=0.0) * 1e3,
        "reload_key_wait_after_ms": max(after, default=0.0) * 1e3,
        "steps_after": shown,
    }


def _exports(path: Path, env: dict[str, str], steps: int) -> dict[str, Any]:
    """`sitboard export FILE --format json --step K`, warm, at the first, a middle and the last step (wall)."""
    seconds = {}
    for step in (1, steps // 2, steps):
        t0 = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "sitboard", "export", str(path), "--format", "json", "--step", str(step)],
            check=True,
            env=env,
            capture_output=True,
        )
        seconds[str(step)] = time.monotonic() - t0
    return {"export_json_warm_s": max(seconds.values()), "export_json_by_step_s": seconds}


def _import(csv_path: Path, out: Path, env: dict[str, str]) -> dict[str, Any]:
    t0 = time.monotonic()
    peak = 0
    with subprocess.Popen(
        [sys.executable, "-m", "sitboard", "import", "acled", str(csv_path), "-o", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        while process.poll() is None:  # its peak so far, read until it ends
            peak = max(peak, peak_kib(process.pid))
            time.sleep(0.1)
    seconds = time.monotonic() - t0
    if process.returncode:
        raise RuntimeError(f"import acled failed ({process.returncode})")
    return {
        "import_acled_s": seconds,
        "import_peak_memory_mb": peak / 1024,
        "csv_mb": csv_path.stat().st_size / 1e6,
        "yaml_mb": out.stat().st_size / 1e6,
    }


def _scenario(path: Path, tmp: Path, repeat: int, *, reload: bool) -> dict[str, Any]:
    env = dict(os.environ, TEXTUAL_ANIMATIONS="none", SITBOARD_CACHE_DIR=str(tmp / f"cache-{path.stem}"))
    found: dict[str, Any] = {"yaml_mb": path.stat().st_size / 1e6}
    found.update(_cold_and_warm(path, env, 3))
    os.environ["SITBOARD_CACHE_DIR"] = env["SITBOARD_CACHE_DIR"]  # the in-process boards read the same entry
    found.update(asyncio.run(_keys(path, repeat)))
    from sitboard.scenario.loader import load_scenario

    steps = len(load_scenario(path, cache=True).events)
    found.update(_exports(path, env, steps))
    if reload:
        copy = path.with_name(f"appended_{path.name}")
        shutil.copyfile(path, copy)
        found.update(asyncio.run(_reload(copy)))
    return found


def run_scale(towns: int, events: int, repeat: int, tmp: Path) -> dict[str, Any]:
    """Every figure of issue 18 at `towns` x `events`, and the memory curve; see the module's docstring."""
    from sitboard.cli.bench import generate

    results: dict[str, Any] = {"towns": towns, "events": events, "load_before": os.getloadavg()}
    generated = tmp / f"synthetic_{towns}x{events}.yaml"
    generated.write_text(generate(towns, events), encoding="utf-8")
    results["generated"] = _scenario(generated, tmp, repeat, reload=True)
    exported = tmp / f"acled_{towns}x{events}.csv"
    exported.write_bytes(generate_acled(towns, events))
    imported = tmp / f"acled_{towns}x{events}.yaml"
    env = dict(os.environ, SITBOARD_CACHE_DIR="off")
    acled = _import(exported, imported, env)
    acled.update(_scenario(imported, tmp, repeat, reload=False))
    results["acled"] = acled
    curve = []
    for k in (1, 5):
        t, e = max(1, towns * k // 15), max(1, events * k // 15)
        path = tmp / f"synthetic_{t}x{e}.yaml"
        path.write_text(generate(t, e), encoding="utf-8")
        env = dict(os.environ, TEXTUAL_ANIMATIONS="none", SITBOARD_CACHE_DIR=str(tmp / f"cache-curve-{k}"))
        m = _cold_and_warm(path, env, 1)
        curve.append({"scale": k, "towns": t, "events": e, **m})
        path.unlink()
    g = results["generated"]
    curve.append({"scale": 15, "towns": towns, "events": events, **{k: g[k] for k in g if k.startswith("peak")}})
    curve[-1].update(first_open_cold_s=g["first_open_cold_s"], first_open_warm_s=g["first_open_warm_s"])
    results["memory_curve"] = curve
    results["load_after"] = os.getloadavg()
    return results


def print_scale(r: dict[str, Any]) -> None:
    print(
        f"{r['towns']:,} towns x {r['events']:,} events; load average before {_load(r['load_before'])}, "
        f"after {_load(r['load_after'])} (2 cores shared)"
    )
    for name, title in (("generated", "generated"), ("acled", "ACLED-like, imported")):
        s = r[name]
        print(f"  {title} ({s['yaml_mb']:.1f} MB of YAML):")
        if name == "acled":
            print(
                f"    {_figure('import_acled_s', s)}  "
                f"({s['csv_mb']:.0f} MB of CSV, peak memory {s['import_peak_memory_mb']:.0f} MB)"
            )
        for key in (
            "first_open_cold_s",
            "first_open_warm_s",
            "step_median_ms",
            "step_p95_ms",
            "jump_max_ms",
            "reload_s",
            "export_json_warm_s",
            "peak_memory_mb",
        ):
            if key in s:
                print(f"    {_figure(key, s)}")
        if "step_pilot_median_ms" in s:
            print(
                f"    (steps and jumps: the board's own CPU from the key to its last frame, over "
                f"{s['steps_measured']} steps; across Pilot's press and pause, as runs before 30 Nov measured them: "
                f"step median {s['step_pilot_median_ms']:.1f} ms, p95 {s['step_pilot_p95_ms']:.1f} ms, slowest "
                f"Home/End {s['jump_pilot_max_ms']:.1f} ms, of which Pilot alone, a key bound to nothing, "
                f"{s['no_op_key_pilot_ms']:.1f} ms)"
            )
        if "reload_key_wait_max_ms" in s:
            print(
                f"    a key pressed during the reload waited at most {s['reload_key_wait_max_ms']:.0f} ms (wall), "
                f"in the second after it {s.get('reload_key_wait_after_ms', 0.0):.0f} ms"
            )
    print("  peak memory by size (cold open / warm open):")
    for c in r["memory_curve"]:
        print(
            f"    {c['scale']:>2}/15: {c['towns']:>6,} towns x {c['events']:>7,} events: "
            f"{c['peak_memory_cold_mb']:.0f} MB / {c['peak_memory_warm_mb']:.0f} MB"
        )


def _figure(key: str, s: dict[str, Any]) -> str:
    value, target = s[key], TARGETS[key]
    unit = key.rsplit("_", 1)[-1]
    unit = {"s": "s", "ms": "ms", "mb": "MB"}[unit]
    digits = 2 if unit == "s" else (1 if unit == "ms" else 0)
    verdict = "met" if value <= target else "MISSED"
    return f"{key:<22} {value:>9.{digits}f} {unit:<2}  target <= {target:g} {unit}: {verdict}"


def _load(load: Any) -> str:
    return " ".join(f"{x:.1f}" for x in load)
