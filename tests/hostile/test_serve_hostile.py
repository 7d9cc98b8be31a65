"""`sitboard serve` against a hostile network: other sites, huge sizes, floods, garbage.

Every test runs the real server (`sitboard serve`, in its own process) and
talks to it over real sockets, as a web page on another site, a greedy tab,
a broken client or a port scanner would. What the operator sees is checked
too: each refusal is one line on stderr (time, client address, what and
why), and no traceback ever reaches the console.
"""

from __future__ import annotations

import asyncio
import json
import re
import resource
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install 'sitboard[serve]')")
aiohttp = pytest.importorskip("aiohttp", reason="aiohttp (a dependency of textual-serve) is not installed")

from serving import (  # noqa: E402
    HOST,
    TITLE,
    Served,
    free_port,
    open_tab,
    read_board,
    serve_command,
    start_server,
)

from sitboard.scenario import bundled  # noqa: E402
from sitboard.serve.rules import MAX_HEIGHT, MAX_MESSAGE_BYTES, MAX_WIDTH  # noqa: E402

BUNDLED = bundled.default_scenario()
# One line per event: "2026-01-31 12:00:00 127.0.0.1 refused ...: why".
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \S.*$")
# Address space for the server and each board it starts. A board at the
# largest size a terminal may be needs a fraction of it; one at 20000x20000
# runs out of it within seconds (without the limit it took the machine's memory).
MEMORY_LIMIT = 1 << 30
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see the server's boards")


@pytest.fixture
def serve(tmp_path: Path):
    """Start `sitboard serve` with the given options on a free port; end it (and its boards) after the test."""
    started: list[Served] = []

    def start(*args: str, host: str = HOST, file: Path | str = BUNDLED, **options) -> Served:
        port = free_port(host)
        server = start_server(serve_command(file, port, *args, host=host), tmp_path, host=host, port=port, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def handshake_status(ws_url: str, *, origin: str | None = None) -> int:
    """The status a websocket handshake gets: 101 if a board was opened (the tab is closed at once)."""

    async def attempt() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"{ws_url}?width=80&height=24", origin=origin):
                    return 101
            except aiohttp.WSServerHandshakeError as refused:
                return refused.status

    return asyncio.run(attempt())


def parents() -> dict[int, int]:
    """Every process's parent, from /proc."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = int(fields[1])
    return found


def boards_of(server: Served, *, direct: bool = False) -> list[int]:
    """The processes the server has started: the shells textual-serve starts boards with (`direct`), or all."""
    tree = parents()
    found, frontier = [], [server.proc.pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in tree.items() if ppid == parent]
        found += children
        if not direct:
            frontier += children
    return found


def wait_for_fewer_boards(server: Served, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(boards_of(server, direct=True)) >= count:
        assert time.monotonic() < deadline, f"boards never ended:\n{server.printed()}"
        time.sleep(0.1)


def assert_one_line_each(server: Served, count: int, what: str) -> None:
    """`count` refusals of `what` were logged, one line each, and nothing printed is a traceback."""
    lines = server.wait_log_lines(rf"refused {what}", count)
    assert len(lines) == count, server.printed()
    printed = server.printed()
    assert "Traceback" not in printed and "╭─" not in printed, printed
    for line in server.stderr().splitlines():
        assert LOG_LINE.match(line), f"not a one-line log entry: {line!r}\n{printed}"


@needs_proc
def test_a_page_on_another_site_gets_no_board(serve) -> None:
    server = serve()
    ws_url = f"ws://{HOST}:{server.port}/ws"
    foreign = [
        "http://evil.example",
        "https://evil.example:443",
        "null",
        f"http://{HOST}:{server.port + 1}",  # another server on this machine is another site
        f"https://{HOST}:{server.port}",
        "http://127.0.0.1.evil.example:80",
    ]
    for origin in foreign:
        assert handshake_status(ws_url, origin=origin) == 403, origin
    assert boards_of(server) == [], "a board was started for a foreign page"
    assert_one_line_each(server, len(foreign), "a board")
    assert "evil.example" in server.stderr()  # the operator sees who tried

    for own in (f"http://{HOST}:{server.port}", f"http://localhost:{server.port}"):
        tab = asyncio.run(open_tab(ws_url, origin=own))
        assert TITLE in tab.stream, f"the board's own page got no board ({own}):\n{server.printed()}"


def test_a_huge_terminal_is_clamped_to_what_a_terminal_can_be(serve) -> None:
    def limit_memory() -> None:  # in the server, inherited by every board it starts
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    server = serve(preexec_fn=limit_memory)
    tab = asyncio.run(open_tab(f"ws://{HOST}:{server.port}/ws", size=(20000, 20000)))
    assert not tab.ended and tab.ponged, f"the board died at 20000x20000:\n{server.printed()}"
    assert TITLE in tab.stream
    # The board places its lines with CSI row;col H: the rows it drew are the size it was given.
    moves = [(int(row), int(col)) for row, col in re.findall(r"\x1b\[(\d+);(\d+)H", tab.stream)]
    assert max(row for row, _ in moves) == MAX_HEIGHT
    assert max(col for _, col in moves) <= MAX_WIDTH


def test_tabs_past_the_limit_are_asked_to_wait(serve) -> None:
    server = serve("--max-sessions", "1")
    page, ws_url = f"http://{HOST}:{server.port}/", f"ws://{HOST}:{server.port}/ws"

    async def second_tab_while_the_first_is_open() -> tuple[str, int, str, int]:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"{ws_url}?width=80&height=24") as first:
            await first.send_str(json.dumps(["ping", "1"]))
            tab = await read_board(first, ping="1")
            status, text = await asyncio.to_thread(get, page)
            try:
                async with session.ws_connect(f"{ws_url}?width=80&height=24"):
                    second = 101
            except aiohttp.WSServerHandshakeError as refused:
                second = refused.status
            return tab.stream, status, text, second

    stream, status, text, second = asyncio.run(second_tab_while_the_first_is_open())
    assert TITLE in stream
    assert status == 503 and "All 1 boards" in text and "try again" in text  # a page that says why
    assert second == 503
    assert_one_line_each(server, 2, r"(?:the page|a board): all 1 boards are in use")

    server.wait_printed(r"board ended \(0 of 1\)")  # the first tab closed: its place is free again
    tab = asyncio.run(open_tab(ws_url))
    assert TITLE in tab.stream, server.printed()


GARBAGE_MESSAGES = [
    "not json {",
    "[[[[" * 20000,  # nested past what a JSON parser recurses into
    json.dumps({"stdin": "x"}),
    json.dumps([]),
    json.dumps(["stdin", 5]),
    json.dumps(["stdin", "\ud800"]),  # a lone surrogate: not text the board can be given
    json.dumps(["resize", {"width": "wide", "height": 24}]),
    json.dumps(["resize", {"width": True, "height": 24}]),
    json.dumps(["resize", [80, 24]]),
    json.dumps(["ping", {"echo": "me"}]),
    json.dumps(["ping", "x" * 10_000]),
    b"\x00\xff binary",
    "x" * (MAX_MESSAGE_BYTES + 1),
]


@needs_proc
def test_garbage_on_the_websocket_is_one_log_line_and_no_traceback(serve) -> None:
    server = serve()
    ws_url = f"ws://{HOST}:{server.port}/ws"

    async def send(garbage: str | bytes) -> aiohttp.WSMessage | None:
        """What ends the connection after `garbage` (None: the server kept it open)."""
        async with aiohttp.ClientSession() as session, session.ws_connect(f"{ws_url}?width=80&height=24") as ws:
            await (ws.send_bytes(garbage) if isinstance(garbage, bytes) else ws.send_str(garbage))
            deadline = time.monotonic() + 30
            while (left := deadline - time.monotonic()) > 0:
                try:
                    msg = await asyncio.wait_for(ws.receive(), left)  # see serving.read_board
                except TimeoutError:
                    break
                if msg.type not in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                    return msg
            return None

    endings = []
    for garbage in GARBAGE_MESSAGES:
        wait_for_fewer_boards(server, 4)  # each connection starts a board; they end a moment after it closes
        endings.append(asyncio.run(send(garbage)))
    assert_one_line_each(server, len(GARBAGE_MESSAGES), "a message")
    for garbage, ending in zip(GARBAGE_MESSAGES, endings):
        assert ending is not None and ending.type == aiohttp.WSMsgType.CLOSE, (repr(garbage)[:80], ending)
    assert "too big" in server.stderr() or "exceeds limit" in server.stderr()


GARBAGE_REQUESTS = [
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32),  # TLS to an http port
    b"GARBAGE\x00\x01 / HTTP/9\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n",
    b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n",
    b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: not-a-key\r\n\r\n",
]


def test_garbage_http_is_one_log_line_and_no_traceback(serve) -> None:
    server = serve()
    for garbage in GARBAGE_REQUESTS:
        with socket.create_connection((HOST, server.port), timeout=10) as conn:
            conn.sendall(garbage)
            answer = conn.recv(64)
        assert answer.startswith(b"HTTP/1.") and b" 400 " in answer, (garbage[:40], answer)
    assert_one_line_each(server, len(GARBAGE_REQUESTS), r"(?:a malformed HTTP request|a board)")
    assert get(f"http://{HOST}:{server.port}/")[0] == 200  # and it still serves


def test_a_token_guards_the_page_and_the_board(serve) -> None:
    server = serve("--token")
    printed = server.wait_printed(rf"http://{re.escape(HOST)}:{server.port}/\?token=([A-Za-z0-9_-]{{16,}})")
    token = printed.group(1)
    base = f"http://{HOST}:{server.port}"

    assert get(f"{base}/")[0] == 403
    assert get(f"{base}/?token={token[:-1]}")[0] == 403
    assert get(f"{base}/?token={token}x")[0] == 403
    status, page = get(printed.group(0))
    assert status == 200
    ws_url = re.search(r'data-session-websocket-url="([^"]+)"', page).group(1)
    assert ws_url == f"ws://{HOST}:{server.port}/ws/{token}"  # the page carries it to its websocket

    assert handshake_status(f"ws://{HOST}:{server.port}/ws") == 403
    assert handshake_status(f"ws://{HOST}:{server.port}/ws/{token[::-1]}") == 403
    assert_one_line_each(server, 5, r"(?:the page|a board): (?:no|wrong) token")
    assert token not in server.stderr()  # refusals never log a token
    tab = asyncio.run(open_tab(ws_url, origin=base))
    assert TITLE in tab.stream, server.printed()


def this_machine_beyond_loopback() -> str | None:
    """An address of this machine other than loopback (the one its default route leaves from), if any."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("198.51.100.1", 9))  # a documentation address: nothing is sent
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


BEYOND = this_machine_beyond_loopback()


@pytest.mark.skipif(BEYOND is None, reason="this machine has no address beyond loopback")
def test_beyond_loopback_the_address_needs_a_token_unless_the_operator_opts_out(serve) -> None:
    guarded = serve(host=BEYOND)
    base = f"http://{BEYOND}:{guarded.port}"
    token = guarded.wait_printed(rf"{re.escape(base)}/\?token=(\S+) ").group(1)
    assert get(f"{base}/")[0] == 403
    assert get(f"{base}/?token={token}")[0] == 200
    assert handshake_status(f"ws://{BEYOND}:{guarded.port}/ws", origin=base) == 403

    open_door = serve("--no-token", host=BEYOND)
    assert get(f"http://{BEYOND}:{open_door.port}/")[0] == 200
    assert "anyone who can reach" in open_door.stderr()  # the risk is said where the operator looks


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--port", "0"], "port must be from 1 to 65535"),
        (["--port", "70000"], "port must be from 1 to 65535"),
        (["--max-sessions", "0"], "the number of boards must be from 1 to 1000"),
        (["--public-url", "example.org"], "expected an http:// or https:// address"),
        (["--token", "--no-token"], "not allowed with argument --token"),
    ],
)
def test_bad_serve_options_are_usage_errors(args: list[str], said: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "sitboard", "serve", str(BUNDLED), *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert said in run.stderr and "usage: sitboard serve" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_file_name_with_markup_brackets_is_served(serve, tmp_path: Path) -> None:
    awkward = tmp_path / "brief [" / "] [draft].yaml"  # its path reads "brief [/] [draft].yaml"
    awkward.parent.mkdir()
    awkward.write_bytes(BUNDLED.read_bytes())
    server = serve(file=awkward)
    assert get(f"http://{HOST}:{server.port}/")[0] == 200
    server.wait_printed(r"Ctrl\+C")
    assert "Traceback" not in server.printed() and "MarkupError" not in server.printed()


def test_a_picture_saved_in_a_browser_goes_to_the_browser_not_the_server_folder(serve, tmp_path: Path) -> None:
    """`s` in a served board: anyone with the link could otherwise fill the server's disk with SVGs."""
    folder = tmp_path / "server-folder"
    folder.mkdir()
    server = serve(cwd=folder)

    async def press_s() -> list[object]:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(
                f"ws://{HOST}:{server.port}/ws?width=160&height=50",
                origin=f"http://{HOST}:{server.port}",
                max_msg_size=0,
            ) as ws,
        ):
            await ws.send_str(json.dumps(["resize", {"width": 160, "height": 50}]))
            tab = await read_board(ws)
            assert TITLE in tab.stream, server.printed()
            await ws.send_str(json.dumps(["stdin", "s"]))
            said: list[object] = []
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not any(
                isinstance(m, list) and m[:1] == ["deliver_file_start"] for m in said
            ):
                try:
                    msg = await asyncio.wait_for(ws.receive(), deadline - time.monotonic())
                except TimeoutError:
                    break
                if msg.type == aiohttp.WSMsgType.TEXT:
                    said.append(json.loads(msg.data))
                elif msg.type != aiohttp.WSMsgType.BINARY:
                    break
            return said

    said = asyncio.run(press_s())
    assert any(isinstance(m, list) and m[:1] == ["deliver_file_start"] for m in said), (said, server.printed())
    assert list(folder.iterdir()) == [], "the picture was written on the server"
