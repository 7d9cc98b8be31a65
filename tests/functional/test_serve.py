"""`sitboard serve`: the board in a browser, through textual-serve, for real.

The server runs in its own process on a free loopback port. The test then does
what textual-serve's page (static/js/textual.js) does in a browser: load `/`,
read the websocket address from the page's `data-session-websocket-url`, open
`ws://.../ws?width=W&height=H`, send `["resize", {"width": W, "height": H}]`
and a `["ping", "<ms>"]`, then read. The board's output arrives as binary
frames of terminal escape sequences; other messages (`["pong", ...]`) as JSON
text frames. Only loopback addresses are used.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install 'sitboard[serve]')")
aiohttp = pytest.importorskip("aiohttp", reason="aiohttp (a dependency of textual-serve) is not installed")

from sitboard import bundled  # noqa: E402
from sitboard.errors import ScenarioError  # noqa: E402
from sitboard.serve import ServeError, board_command, serve  # noqa: E402

BUNDLED = bundled.default_scenario()
TITLE = "Central Syria offensive"
HOST = "127.0.0.1"
START_TIMEOUT = 20.0  # seconds for the server to accept connections
BOARD_TIMEOUT = 30.0  # seconds for a board to draw its title in the stream
SIZE = (120, 40)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_listening(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode} before listening:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server not listening on {HOST}:{port} after {START_TIMEOUT} s:\n{log.read_text(errors='replace')}")


def stop(proc: subprocess.Popen) -> None:
    """End the server, which ends its boards; then anything left in its process group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # textual-serve shuts down gracefully on SIGTERM
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # any board still running
    except ProcessLookupError:
        pass
    if proc.poll() is None:
        proc.wait(timeout=5)


async def open_board(ws_url: str, *, timeout: float = BOARD_TIMEOUT) -> tuple[str, bool]:
    """One browser tab: connect, size the terminal, read until the title is drawn.

    Returns the decoded terminal stream and whether the server answered the ping.
    """
    width, height = SIZE
    stream = bytearray()
    ponged = False
    ping = str(int(time.time() * 1000))
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{ws_url}?width={width}&height={height}") as ws:
            await ws.send_str(json.dumps(["resize", {"width": width, "height": height}]))
            await ws.send_str(json.dumps(["ping", ping]))
            deadline = time.monotonic() + timeout
            while TITLE not in stream.decode("utf-8", "replace") or not ponged:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    msg = await ws.receive(timeout=left)
                except asyncio.TimeoutError:
                    break
                if msg.type == aiohttp.WSMsgType.BINARY:
                    stream += msg.data
                elif msg.type == aiohttp.WSMsgType.TEXT:
                    envelope = json.loads(msg.data)
                    if envelope == ["pong", ping]:
                        ponged = True
                else:  # closed or error: the board ended
                    break
    return stream.decode("utf-8", "replace"), ponged


@pytest.fixture
def awkward_copy(tmp_path: Path) -> Path:
    """The bundled scenario under a name a shell would split or expand."""
    path = tmp_path / "my scenario $HOME 'x'.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def test_browser_tabs_each_get_a_board(awkward_copy: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    code = "import sys; from sitboard.serve import serve; serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, str(awkward_copy), HOST, str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the boards it starts are ended with it
        )
    try:
        wait_listening(proc, port, log)

        with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=10) as response:
            assert response.status == 200
            page = response.read().decode("utf-8")
        assert "js/textual.js" in page  # textual-serve's terminal page
        assert f"sitboard: {TITLE}" in page  # the scenario's title names the page
        found = re.search(r'data-session-websocket-url="([^"]+)"', page)
        assert found, "no websocket address in the page"
        ws_url = found.group(1)
        assert ws_url == f"ws://{HOST}:{port}/ws"

        async def two_tabs() -> list[tuple[str, bool]]:
            return await asyncio.gather(open_board(ws_url), open_board(ws_url))

        for stream, ponged in asyncio.run(two_tabs()):
            assert ponged, "the server did not answer the ping"
            assert TITLE in stream, (
                f"the board's title never reached the terminal stream; it ends with {stream[-500:]!r}\n"
                f"server log:\n{log.read_text(errors='replace')}"
            )
            assert "\x1b[" in stream  # a terminal's escape sequences, not a page

        stop(proc)  # as Ctrl+C would: a clean exit, boards ended, no traceback
        assert proc.returncode == 0, log.read_text(errors="replace")
        assert "Traceback" not in log.read_text(errors="replace")
    finally:
        stop(proc)


def test_bad_file_starts_no_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import textual_serve.server

    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("a server was started for a bad file")

    monkeypatch.setattr(textual_serve.server, "Server", no_server)
    bad = tmp_path / "bad.yaml"
    bad.write_text("sitboard: 1\ntitle: Bad\nfactions: []\ntowns: []\nevents:\n  - {title: no time}\n",
                   encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        serve(str(bad), HOST, free_port())
    assert str(caught.value).startswith(f"{bad}:")  # the loader's errors, file:line:col


def test_port_in_use_is_a_plain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import textual_serve.server

    monkeypatch.setattr(textual_serve.server, "Server", lambda *a, **k: pytest.fail("server constructed"))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match=rf"cannot listen on {re.escape(HOST)}:{port}"):
            serve(str(BUNDLED), HOST, port)


def test_command_quotes_the_path_and_arguments(awkward_copy: Path) -> None:
    words = shlex.split(board_command(awkward_copy, ["--theme", "sitboard-light"]))
    assert words == [sys.executable, "-m", "sitboard", str(awkward_copy.resolve()), "--theme", "sitboard-light"]


def test_missing_textual_serve_is_a_plain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails as if not installed
    with pytest.raises(ServeError, match=r"pip install 'sitboard\[serve\]'"):
        serve(str(BUNDLED), HOST, free_port())


def test_port_zero_is_refused() -> None:
    with pytest.raises(ServeError, match="port must be from 1 to 65535"):
        serve(str(BUNDLED), HOST, 0)


def test_the_command_line_refuses_a_bad_file_before_serving(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sitboard: 1\ntitle: x\nfactions: []\ntowns: []\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sitboard", "serve", str(bad), "--port", "1"],
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert run.returncode == 2
    assert f"{bad}:3:" in run.stderr and "Traceback" not in run.stderr
