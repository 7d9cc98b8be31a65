"""Hostile files: outputs that are the input under another name, writes that fail half-way, and
paths that name something other than a file (a FIFO, a device, a symlink loop).

The promises: nothing the user wrote is lost, a failed write leaves the old file whole and no
debris, and every read of a path that is not a regular file is refused with a sentence (exit 2)
instead of hanging or reading forever.
"""

from __future__ import annotations

import asyncio
import os
import resource
import socket
from pathlib import Path

import pytest
from cli_run import ACLED_CSV, BUNDLED, run, scenario_copy

from sitboard.state import BoardState

# -- the input is never the output ------------------------------------------------------------


def test_export_never_writes_over_its_scenario_under_another_name(tmp_path):
    scenario = scenario_copy(tmp_path)
    os.link(scenario, tmp_path / "copy.yaml")  # a hard link: another path, the same file
    result = run(["export", scenario, "--format", "md", "-o", tmp_path / "copy.yaml"], cwd=tmp_path)
    assert result.returncode == 2
    assert b"refusing to overwrite the scenario" in result.stderr
    assert scenario.read_bytes() == BUNDLED.read_bytes()


def test_import_never_writes_over_its_csv_under_another_name(tmp_path):
    csv = tmp_path / "acled.csv"
    csv.write_text(ACLED_CSV, encoding="utf-8")
    os.link(csv, tmp_path / "out.yaml")
    result = run(["import", "acled", csv, "-o", tmp_path / "out.yaml"], cwd=tmp_path)
    assert result.returncode == 2
    assert b"refusing to overwrite the CSV" in result.stderr
    assert csv.read_text(encoding="utf-8") == ACLED_CSV


# -- a failed write loses nothing ---------------------------------------------------------------


def _file_size_limit(limit: int):  # type: ignore[no-untyped-def]
    """A child that may not write past `limit` bytes in any file: its write fails half-way (EFBIG)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


OLD = b"the briefing as it was before\n"


@pytest.mark.parametrize("command", ["export", "import"])
def test_a_write_that_fails_half_way_leaves_the_old_file_whole_and_no_debris(tmp_path, command):
    """The output is named through a symlink, as `latest.md -> briefing-v3.md` often is."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "result.txt").write_bytes(OLD)
    (folder / "result.txt").chmod(0o640)
    out = folder / "latest.txt"
    out.symlink_to("result.txt")
    if command == "export":
        args = ["export", BUNDLED, "--format", "md", "-o", out]
    else:
        csv = tmp_path / "acled.csv"
        csv.write_text(ACLED_CSV, encoding="utf-8")
        args = ["import", "acled", csv, "-o", out]
    result = run(args, cwd=tmp_path, preexec=_file_size_limit(600))
    assert result.returncode == 1
    message = result.stderr.decode()
    assert "cannot write" in message and str(out) in message and "Errno" not in message
    assert (folder / "result.txt").read_bytes() == OLD
    assert sorted(os.listdir(folder)) == ["latest.txt", "result.txt"]
    # with room to write: the file the link names is replaced whole, the link and the permissions stay
    assert run(args, cwd=tmp_path).returncode == 0
    assert out.is_symlink() and (folder / "result.txt").read_bytes() != OLD
    assert (folder / "result.txt").stat().st_mode & 0o777 == 0o640
    assert sorted(os.listdir(folder)) == ["latest.txt", "result.txt"]


def test_the_boards_picture_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """`s` on the board: when the picture cannot be written, no half picture is left behind."""
    from sitboard.app.app import SitboardApp
    from sitboard.app.launch import read
    from sitboard.timeline import Timeline

    monkeypatch.chdir(tmp_path)
    scenario = read(BUNDLED)
    app = SitboardApp(Timeline(scenario), BoardState(step=2))
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]

    async def main() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))  # the picture is far larger
            try:
                await pilot.press("s")
                await pilot.pause()
            finally:
                resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))

    asyncio.run(main())
    assert notes and "Could not save the picture" in notes[-1]
    assert os.listdir(tmp_path) == []


# -- only regular files are read ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


COMMANDS = {
    "check": lambda p: ["check", p],
    "export": lambda p: ["export", p, "--format", "md"],
    "import acled": lambda p: ["import", "acled", p],
    "board": lambda p: [p, "--no-watch"],
    "serve": lambda p: ["serve", p, "--port", str(_free_port())],
}


def _not_a_file(kind: str, folder: Path) -> tuple[Path, bytes]:
    """A path that is not a regular file, and what the refusal must say."""
    path = folder / "scenario.yaml"
    if kind == "fifo":
        os.mkfifo(path)
        return path, b"is a FIFO (named pipe)"
    if kind == "loop":
        path.symlink_to("scenario.yaml")
        return path, b"loop of symbolic links"
    if kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
        return path, b"is a device"
    return Path(kind), b"is a device"


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom", "link to /dev/zero", "loop"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_path_that_is_not_a_regular_file_is_refused_with_a_sentence(tmp_path, command, kind):
    path, says = _not_a_file(kind, tmp_path)
    # The timeout only keeps a hang from stalling the suite; the command must answer at once.
    result = run(COMMANDS[command](path), cwd=tmp_path, timeout=20)
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and f"{path}:1:1: error:".encode() in result.stderr
    assert result.stdout == b""
