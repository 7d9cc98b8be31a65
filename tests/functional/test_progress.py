"""A long read draws a progress bar on standard error when it is a terminal, and nothing at all when it is not.

The commands run in a subprocess with standard error on a pseudo-terminal (as
a person at a terminal has it) or on a pipe (a script, a log): the bar must
reach the one and never the other, and must leave the line clean behind it.
"""

from __future__ import annotations

import csv
import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitboard.cli.bench import generate

BAR = re.compile(rb"\r\[[#.]{30}\] +(\d+)%  ")


def run(args: list[str], cwd: Path, *, tty: bool) -> tuple[int, bytes, bytes]:
    """`sitboard ARGS`: (exit code, stdout, everything written to stderr)."""
    env = {k: v for k, v in os.environ.items() if k != "SITBOARD_DEBUG"}
    env["SITBOARD_CACHE_DIR"] = "off"  # a cold read every time
    if not tty:
        done = subprocess.run(
            [sys.executable, "-m", "sitboard", *args], cwd=cwd, env=env, capture_output=True, timeout=120, check=False
        )
        return done.returncode, done.stdout, done.stderr
    controller, terminal = pty.openpty()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "sitboard", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal,
        ) as process:
            os.close(terminal)
            terminal = -1
            err = b""
            while True:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the process closed its end
                    break
                if not chunk:
                    break
                err += chunk
            out = process.stdout.read() if process.stdout else b""
            code = process.wait(timeout=120)
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    return code, out, err


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large")
    path = folder / "large.yaml"
    path.write_text(generate(200, 20_000), encoding="utf-8")
    return path


def percents(err: bytes) -> list[int]:
    return [int(m) for m in BAR.findall(err)]


def test_check_draws_a_bar_on_a_terminal(large: Path):
    code, out, err = run(["check", str(large)], large.parent, tty=True)
    assert code == 0 and b"ok, 200 towns, 20000 events" in out
    shown = percents(err)
    assert len(shown) >= 2 and shown == sorted(shown) and shown[-1] >= 75
    assert b"reading" not in err and b"checking " in err
    _drawn, wiped, after = err.rpartition(b"\r\x1b[K")
    assert wiped and not BAR.search(after)  # the line is wiped before anything else is said (its warnings)


def test_no_bar_when_standard_error_is_not_a_terminal(large: Path):
    code, out, err = run(["check", str(large)], large.parent, tty=False)
    assert code == 0 and b"ok, 200 towns" in out
    assert not BAR.search(err) and b"\r" not in err and b"checking" not in err  # its warnings alone


def test_a_bad_file_gets_its_errors_on_a_clean_line(large: Path):
    bad = large.parent / "bad.yaml"
    bad.write_text(large.read_text(encoding="utf-8").replace("lat: ", "lat: 9", 1), encoding="utf-8")
    code, _out, err = run(["check", str(bad)], large.parent, tty=True)
    assert code == 2
    message = err.rsplit(b"\x1b[K", 1)[-1]  # after the bar, if one was drawn
    assert message.startswith(b"bad.yaml:") or message.startswith(str(bad).encode()), err[-300:]


def test_import_acled_draws_a_bar_on_a_terminal(tmp_path: Path):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["event_date", "event_type", "actor1", "location", "latitude", "longitude", "notes"])
    for i in range(20_000):
        writer.writerow(
            [f"2024-{1 + i % 12:02d}-01", "Battles", f"Army {i % 7}", f"Place {i % 900}", "35.1", "36.7", "n"]
        )
    (tmp_path / "export.csv").write_text(buf.getvalue(), encoding="utf-8")
    code, _out, err = run(["import", "acled", "export.csv", "-o", "out.yaml"], tmp_path, tty=True)
    assert code == 0, err
    shown = percents(err)
    assert len(shown) >= 3 and shown == sorted(shown) and shown[-1] >= 75
    assert b"importing export.csv" in err and err.endswith(b"\r\x1b[K")
    assert run(["import", "acled", "export.csv", "-o", "again.yaml"], tmp_path, tty=False)[2] == b""
    assert (tmp_path / "out.yaml").read_bytes() == (tmp_path / "again.yaml").read_bytes()
