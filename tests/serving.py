"""`sitboard serve` for tests: a real server in its own process, and a tab's websocket.

Shared by tests/functional/test_serve.py and tests/hostile/test_serve_hostile.py
(pytest puts tests/ on the path: `pythonpath` in pyproject.toml).

A tab does what textual-serve's page (static/js/textual.js) does in a browser:
open `ws://.../ws?width=W&height=H`, send `["resize", {"width": W, "height": H}]`
and a `["ping", "<ms>"]`, then read. The board's output arrives as binary
frames of terminal escape sequences; other messages (`["pong", ...]`) as JSON
text frames.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

HOST = "127.0.0.1"
TITLE = "Central Syria offensive"  # the bundled scenario's
START_TIMEOUT = 20.0  # seconds for the server to accept connections
BOARD_TIMEOUT = 30.0  # seconds for a board to draw its title in the stream
SIZE = (120, 40)


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """A running server: its process, address and what it printed."""

    proc: subprocess.Popen[bytes]
    host: str
    port: int
    out: Path
    err: Path

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def printed(self) -> str:
        return f"--- stdout\n{self.stdout()}--- stderr\n{self.stderr()}"

    def wait_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"server exited with {self.proc.returncode} before listening:\n{self.printed()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"server not listening on {self.host}:{self.port} after {START_TIMEOUT} s:\n{self.printed()}")

    def wait_printed(self, pattern: str, *, timeout: float = BOARD_TIMEOUT) -> re.Match[str]:
        """The first match of `pattern` in stdout and stderr, once the server has printed it."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.stdout() + self.stderr(), re.M)
            if found:
                return found
            if time.monotonic() > deadline:
                pytest.fail(f"the server never printed {pattern!r}:\n{self.printed()}")
            time.sleep(0.1)

    def wait_log_lines(self, pattern: str, count: int, *, timeout: float = BOARD_TIMEOUT) -> list[str]:
        """The lines of stderr that match `pattern`, once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [line for line in self.stderr().splitlines() if re.search(pattern, line)]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.1)

    def stop(self) -> None:
        """End the server, which ends its boards; then anything left in its process group."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # textual-serve shuts down gracefully on SIGTERM
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # any board still running
        except ProcessLookupError:
            pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)


def start_server(
    command: Sequence[str],
    tmp_path: Path,
    *,
    host: str = HOST,
    port: int | None = None,
    preexec_fn: Callable[[], None] | None = None,
    wait: bool = True,
    cwd: Path | None = None,
) -> Served:
    """Start `command` (it must listen on `port`) in its own process group, output to files.

    Its own group, so the boards it starts are ended with it.
    """
    port = port or free_port(host)
    out, err = tmp_path / f"server-{port}.out", tmp_path / f"server-{port}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            [*command],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=preexec_fn,  # noqa: PLW1509 - the test's own child, before any thread of it
            cwd=cwd,
        )
    served = Served(proc, host, port, out, err)
    if wait:
        served.wait_listening()
    return served


def serve_command(file: Path | str, port: int, *args: str, host: str = HOST) -> list[str]:
    """`sitboard serve`, as an operator types it."""
    return [sys.executable, "-m", "sitboard", "serve", str(file), "--host", host, "--port", str(port), *args]


@dataclass
class Tab:
    stream: str  # the terminal output, decoded
    ponged: bool  # the server answered the ping
    ended: bool  # the server closed the websocket


async def read_board(
    ws: aiohttp.ClientWebSocketResponse, *, title: str = TITLE, ping: str | None = None, timeout: float = BOARD_TIMEOUT
) -> Tab:
    """Read until `title` is drawn (and the ping answered), the socket closes, or time runs out."""
    stream = bytearray()
    ponged = ping is None
    deadline = time.monotonic() + timeout
    while title not in stream.decode("utf-8", "replace") or not ponged:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            # Not receive(timeout=...): the server's heartbeat pings restart that timeout, so it may never end.
            msg = await asyncio.wait_for(ws.receive(), left)
        except TimeoutError:
            break
        if msg.type == aiohttp.WSMsgType.BINARY:
            stream += msg.data
        elif msg.type == aiohttp.WSMsgType.TEXT:
            if json.loads(msg.data) == ["pong", ping]:
                ponged = True
        else:  # closed or error: the board ended
            return Tab(stream.decode("utf-8", "replace"), ponged, ended=True)
    return Tab(stream.decode("utf-8", "replace"), ponged, ended=False)


async def open_tab(
    ws_url: str,
    *,
    size: tuple[int, int] = SIZE,
    origin: str | None = None,
    title: str = TITLE,
    timeout: float = BOARD_TIMEOUT,
) -> Tab:
    """One browser tab, as the page opens it: connect, size the terminal, ping, read the board.

    A refused handshake raises aiohttp's `WSServerHandshakeError` (its `status` is the answer).
    """
    width, height = size
    ping = str(int(time.time() * 1000))
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{ws_url}?width={width}&height={height}", origin=origin, max_msg_size=0) as ws,
    ):
        await ws.send_str(json.dumps(["resize", {"width": width, "height": height}]))
        await ws.send_str(json.dumps(["ping", ping]))
        return await read_board(ws, title=title, ping=ping, timeout=timeout)
