"""`sitboard serve`: the board in a browser, through textual-serve, for real.

The server runs in its own process on a free loopback port; the test then
loads the page and opens tabs as a browser would (tests/serving.py). Only
loopback addresses are used.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install 'sitboard[serve]')")
pytest.importorskip("aiohttp", reason="aiohttp (a dependency of textual-serve) is not installed")

from serving import HOST, TITLE, Tab, free_port, open_tab, start_server

from sitboard.scenario import bundled
from sitboard.scenario.errors import ScenarioError
from sitboard.serve.start import ServeError, board_command, serve

BUNDLED = bundled.default_scenario()


@pytest.fixture
def awkward_copy(tmp_path: Path) -> Path:
    """The bundled scenario under a name a shell would split or expand."""
    path = tmp_path / "my scenario $HOME 'x'.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def test_browser_tabs_each_get_a_board(awkward_copy: Path, tmp_path: Path) -> None:
    port = free_port()
    code = "import sys; from sitboard.serve.start import serve; serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))"
    server = start_server([sys.executable, "-c", code, str(awkward_copy), HOST, str(port)], tmp_path, port=port)
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=10) as response:
            assert response.status == 200
            page = response.read().decode("utf-8")
        assert "js/textual.js" in page  # textual-serve's terminal page
        assert f"sitboard: {TITLE}" in page  # the scenario's title names the page
        found = re.search(r'data-session-websocket-url="([^"]+)"', page)
        assert found, "no websocket address in the page"
        ws_url = found.group(1)
        assert ws_url == f"ws://{HOST}:{port}/ws"

        async def two_tabs() -> list[Tab]:
            return await asyncio.gather(open_tab(ws_url), open_tab(ws_url))

        for tab in asyncio.run(two_tabs()):
            assert tab.ponged, "the server did not answer the ping"
            assert TITLE in tab.stream, (
                f"the board's title never reached the terminal stream; it ends with {tab.stream[-500:]!r}\n"
                f"{server.printed()}"
            )
            assert "\x1b[" in tab.stream  # a terminal's escape sequences, not a page

        server.stop()  # as Ctrl+C would: a clean exit, boards ended, no traceback
        assert server.proc.returncode == 0, server.printed()
        assert "Traceback" not in server.printed()
    finally:
        server.stop()


def test_bad_file_starts_no_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import textual_serve.server

    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("a server was started for a bad file")

    monkeypatch.setattr(textual_serve.server.Server, "serve", no_server)  # sitboard's server is a subclass
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sitboard: 1\ntitle: Bad\nfactions: []\ntowns: []\nevents:\n  - {title: no time}\n", encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as caught:
        serve(str(bad), HOST, free_port())
    assert str(caught.value).startswith(f"{bad}:")  # the loader's errors, file:line:col


def test_port_in_use_is_a_plain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import textual_serve.server

    monkeypatch.setattr(textual_serve.server.Server, "serve", lambda *a, **k: pytest.fail("server started"))
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
    run = subprocess.run(
        [sys.executable, "-m", "sitboard", "serve", str(bad), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert run.returncode == 2
    assert f"{bad}:3:" in run.stderr and "Traceback" not in run.stderr
