"""`sitboard serve`: the board in a web browser, through textual-serve.

textual-serve is a small web server: its page runs a terminal (xterm.js) that
talks to the server over a websocket, and for each websocket it starts the
command it was given as a new process, the board here. So every browser tab
gets a board of its own (its own step, its own file watcher), and closing the
tab ends that process.

Who may open a board, and what a tab may send it, is `serve_rules`; the
server that applies those rules is `serve_server`.

The file is checked before anything listens: a bad scenario raises the
loader's `ScenarioError` (the command line prints it and exits 2), and no
server starts. textual-serve is an optional extra (`pip install
'sitboard[serve]'`); it is imported only here.
"""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path

from sitboard.app.launch import read
from sitboard.serve.rules import (
    DEFAULT_MAX_SESSIONS,
    WILDCARD_HOSTS,
    Door,
    board_origins,
    is_loopback,
    new_token,
    origin_of,
    token_needed,
    url_host,
)


class ServeError(Exception):
    """The server cannot be started: textual-serve missing, the address unusable."""


def board_command(file: str | Path | None, extra_args: list[str] | None = None, *, follow: str | None = None) -> str:
    """The shell command textual-serve runs for each browser tab.

    textual-serve hands it to a shell (`asyncio.create_subprocess_shell`), so
    every word is quoted: a scenario path with spaces or `$` stays one argument.
    The interpreter is this one, so the board runs with the same packages.
    With `follow` (a join address), each tab is a follower of that briefing
    room (`sitboard follow`), with `file` as its copy of the scenario if given.
    """
    path = [str(Path(file).resolve())] if file is not None else []
    words = ["follow", follow, *path] if follow is not None else path
    return shlex.join([sys.executable, "-m", "sitboard", *words, *(extra_args or [])])


def _check_listen(host: str, port: int) -> None:
    """Fail early and plainly if the address cannot be listened on.

    aiohttp would raise the same OSError, but only after textual-serve has
    printed its banner and "Serving ... on", which reads as success. The socket
    options match aiohttp's (SO_REUSEADDR on POSIX), so a port in TIME_WAIT is
    not reported as taken. There is a window between this check and the real
    bind; the real bind's error is caught too.
    """
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host}:{port}: unknown host ({exc.strerror})") from None
    for family, type_, proto, _canon, addr in infos:
        with socket.socket(family, type_, proto) as s:
            if sys.platform != "win32":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                s.bind(addr)
            except OSError as exc:
                raise ServeError(f"cannot listen on {url_host(host)}:{port}: {exc.strerror or exc}") from None


def serve(
    file: str | None,
    host: str,
    port: int,
    *,
    extra_args: list[str] = [],  # noqa: B006 - never mutated, copied into the command
    public_url: str | None = None,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    token: bool | None = None,
    follow: str | None = None,
) -> None:
    """Serve the board for `file` on http://host:port until interrupted.

    With `follow` (a join address, already checked), every tab follows that
    briefing room instead (`file`, if given, is the followers' copy of the
    scenario; without it the presenter must send its own).

    `extra_args` are passed to each board (e.g. `["--theme", "textual-light"]`).
    `public_url` is the address browsers use to reach the server: the page
    loads its scripts and opens its websocket there. By default it is
    `http://host:port`, right for a loopback or named host but not for a
    wildcard such as 0.0.0.0 (a browser on another machine would be sent to
    0.0.0.0, i.e. to itself). Websockets are accepted only from pages of that
    origin or the listen address's (see `serve_rules.Door`).

    `token`: None asks for one in the address exactly when `host` is not a
    loopback address (anyone on the network could otherwise open and drive
    the board); True always; False never (the operator's `--no-token`).
    At most `max_sessions` boards run at once.

    Raises `ScenarioError` for a bad file (before anything listens) and
    `ServeError` when textual-serve is missing or the address is unusable.
    """
    scenario = read(file) if file is not None else None  # first: a bad file never starts a server
    try:
        import textual_serve.server  # noqa: F401 - the optional extra, checked before anything else of it
    except ImportError:
        raise ServeError(
            "the browser board needs textual-serve, which is not installed: pip install 'sitboard[serve]'"
        ) from None
    from sitboard.serve.server import BoardServer

    if not 1 <= port <= 65535:  # not 0: the page must name the real port
        raise ServeError(f"port must be from 1 to 65535, got {port}")
    if max_sessions < 1:
        raise ServeError(f"at least one board must be allowed, got --max-sessions {max_sessions}")
    if public_url is not None and origin_of(public_url) is None:
        raise ServeError(f"--public-url must be an http:// or https:// address with a host, got {public_url!r}")
    _check_listen(host, port)
    if public_url is None:
        public_url = f"http://{url_host(host)}:{port}"
        if host in WILDCARD_HOSTS:
            print(
                f"sitboard serve: listening on every interface, but the page points its scripts and websocket "
                f"at {public_url}, which only a browser on this machine can use. For other machines, pass "
                f"--public-url http://NAME:{port} with the name they reach this one by.",
                file=sys.stderr,
            )
    public_url = public_url.rstrip("/")
    if token is False and not is_loopback(host):
        print(
            f"sitboard serve: warning: --no-token on {url_host(host)}: anyone who can reach port {port} can open "
            "the board, drive it, and make it save pictures in this folder.",
            file=sys.stderr,
        )
    door = Door(board_origins(host, port, public_url), new_token() if token_needed(host, token) else None)
    server = BoardServer(
        board_command(file, list(extra_args), follow=follow),
        host=host,
        port=port,
        title=f"sitboard: {scenario.title}" if scenario is not None else "sitboard: following a briefing",
        public_url=public_url,
        door=door,
        max_sessions=max_sessions,
    )
    try:
        server.serve()
    except OSError as exc:  # the bind lost the race with another program
        raise ServeError(f"cannot listen on {url_host(host)}:{port}: {exc.strerror or exc}") from None
