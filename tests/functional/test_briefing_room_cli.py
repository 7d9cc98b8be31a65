"""`sitboard present` and `sitboard follow` in a subprocess: what cannot work is one sentence and an exit code.

Each of these fails before a board would take the terminal, so no terminal is needed.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from extended_scenario import EXTENDED, NOTE

from sitboard.room.address import JoinAddress
from sitboard.room.presenter import Presenter
from sitboard.scenario.notes import without_notes
from sitboard.state import BoardState


def sitboard(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "sitboard", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "extended.yaml"
    path.write_text(EXTENDED, encoding="utf-8")
    return path


@pytest.fixture
def room() -> Iterator[JoinAddress]:
    """A presenter's room on a loop of its own, for a follower process to knock at."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    presenter = Presenter(without_notes(EXTENDED).encode(), title="Extensions at work", state=BoardState().to_json())
    address = asyncio.run_coroutine_threadsafe(presenter.start("127.0.0.1", 0), loop).result(10)
    yield address
    asyncio.run_coroutine_threadsafe(presenter.close(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_a_wrong_token_is_refused_with_a_sentence_and_exit_2(room, scenario_file):
    result = sitboard("follow", str(room._replace(token="y" * 22)), scenario_file)
    assert result.returncode == 2
    assert "wrong token" in result.stderr and room.token not in result.stderr + result.stdout


def test_a_follower_without_the_file_of_a_room_that_does_not_send_it_is_told_what_to_do(room):
    result = sitboard("follow", str(room))
    assert result.returncode == 2
    assert "no scenario" in result.stderr and "--send-scenario" in result.stderr


@pytest.mark.parametrize(
    ("address", "said"),
    [("127.0.0.1:7477", "no token"), ("127.0.0.1/abcdefghijklmnopqrst", "no :PORT"), ("", "empty")],
)
def test_a_malformed_address_is_a_usage_error(address, said):
    result = sitboard("follow", address)
    assert result.returncode == 2 and said in result.stderr


def test_a_port_in_use_is_a_sentence_before_anything_is_drawn(scenario_file, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"SITBOARD_STATE_DIR": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"}
        result = sitboard("present", scenario_file, "--port", str(port), env=env)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert NOTE not in result.stdout + result.stderr


def test_a_scenario_whose_notes_cannot_be_cut_out_is_not_sent(tmp_path):
    path = tmp_path / "anchored.yaml"
    path.write_text(
        EXTENDED.replace('notes: "Zq7-briefer-only', 'notes: &said "Zq7-briefer-only').replace(
            "title: Homs falls", "title: *said"
        ),
        encoding="utf-8",
    )
    result = sitboard("present", path, "--port", "0", "--send-scenario")
    assert result.returncode == 2
    assert "cannot send the scenario" in result.stderr and NOTE not in result.stderr


def test_help_says_what_the_room_protects():
    for command in ("present", "follow"):
        result = sitboard(command, "--help")
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        assert "token" in text and "not encrypted" in text


def test_the_readme_commands_for_a_room_are_ones_the_command_line_takes():
    import re
    import shlex

    from sitboard.cli import _commands

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Briefing a room", 1)[1].split("\n## ", 1)[0]
    lines = re.findall(r"^    (sitboard (?:present|follow|serve) .*?)(?:\s+#.*)?$", section, re.M)
    assert {line.split()[1] for line in lines} == {"present", "follow", "serve"}
    parsers = {c.name: c.parser for c in _commands()}
    for line in lines:
        words = shlex.split(line.replace("TOKEN", "a" * 22))[1:]
        args = parsers[words[0]]().parse_args(words[1:])  # a wrong option exits 2: the test fails
        if words[0] == "serve":
            assert args.follow


def test_the_briefing_benchmark_reports_every_figure():
    """`sitboard bench --room`'s board figures, on a tiny run: each is measured (never compared to anything here)."""
    from sitboard.room.boards.bench import bench_briefing
    from sitboard.scenario.bundled import default_scenario

    r = bench_briefing(default_scenario(), terminals=1, tabs=1, keys=6, crowd=3, repeat=4)
    assert r["frames"]["terminal"]["n"] > 0 and r["frames"]["browser"]["n"] > 0
    assert r["frames"]["skipped"] + r["frames"]["all"]["n"] == r["frames"]["expected"]
    assert r["frames_one"]["all"]["n"] > 0
    assert r["late_join"]["from_welcome"]["n"] == 3 and r["late_join"]["from_process_start"]["n"] == 3
    assert r["presenter_step"]["alone"]["n"] > 0 and r["presenter_step"]["followed"]["n"] > 0
    cpu = r["terminal_cpu_per_state"]  # Linux: /proc has every process's CPU time
    assert cpu is not None and 0 < cpu["median"] <= cpu["max"]


@pytest.mark.parametrize("host", ["bad host", "300.1.1.1", "\x1b[31mred"])
def test_a_host_that_cannot_be_is_a_usage_error(scenario_file, host):
    result = sitboard("present", scenario_file, "--host", host, "--port", "0")
    assert result.returncode == 2 and "--host" in result.stderr and "\x1b" not in result.stderr


# The board of `sitboard follow` and of `sitboard present` is the only one in its process, so it owns the
# garbage collector as `sitboard FILE`'s does: the heap of its first frame frozen (out of every walk; a
# full collection of a follower's unfrozen heap was about 30 ms, inside a state). In a child: it freezes.
OWNED_GC_PROBE = """
import asyncio, gc, inspect, json, sys
from pathlib import Path
import sitboard.room.boards.launch as launch

def probed(board):
    class Probe(board):
        # Textual reads a relative CSS path beside the class that names it: here, beside this probe.
        CSS_PATH = [Path(inspect.getfile(board)).parent / p for p in ([board.CSS_PATH] if isinstance(board.CSS_PATH, str) else board.CSS_PATH)]

        def on_mount(self):
            super().on_mount()
            self.set_timer(1.0, self.probe)

        def probe(self):
            owned = self._collector
            seen = {"frozen": gc.get_freeze_count(), "collector": owned is not None, "patient": bool(owned and owned.due)}
            print(json.dumps(seen), flush=True)
            self.exit()

        async def run_async(self, **options):
            return await super().run_async(headless=True, size=(100, 30))
    return Probe

launch.FollowerBoard = probed(launch.FollowerBoard)
launch.PresenterConsole = probed(launch.PresenterConsole)
if sys.argv[1] == "follow":
    launch.follow(sys.argv[2], sys.argv[3], announce=lambda line: None)
else:
    launch.present(sys.argv[2], port=0, announce=lambda line: None)
"""


@pytest.mark.parametrize("end", ["follow", "present"])
def test_a_room_board_owns_its_process_garbage_collector(end, room, scenario_file, tmp_path):
    args = [str(room), str(scenario_file)] if end == "follow" else [str(scenario_file)]
    run = subprocess.run(
        [sys.executable, "-c", OWNED_GC_PROBE, end, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["collector"] and seen["frozen"] > 0, seen
    # A follower's states come at the presenter's pace: it collects at a pause only once a collection is due.
    assert seen["patient"] == (end == "follow")
