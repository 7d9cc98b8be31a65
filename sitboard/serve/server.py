"""textual-serve's server with a door: the rules of `serve_rules`, applied and logged.

textual-serve's `Server` is subclassed at its documented seams (the request
handlers, `initialize_logging`, `on_startup`); its page, scripts and
`AppService` (one board process per websocket) are used as they are. What
changes:

- the page and its websocket need the token when there is one; the
  websocket also needs a page of this board's own origin, a sane terminal
  size and a free place (at most `max_sessions` boards at once);
- every message from the page is checked before the board sees it, and
  messages are at most `MAX_MESSAGE_BYTES`;
- each refusal, malformed request and board start or end is one line on
  stderr (time, client address, what and why); no traceback, however a
  request goes wrong (SITBOARD_DEBUG=1 shows them).

textual-serve's page builds the websocket address by appending
`?width=...&height=...` to the one it is given, so the token cannot ride in
that query string: the websocket is `/ws/TOKEN`, the page `/?token=TOKEN`.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import sys
from typing import Any

import aiohttp_jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.http_exceptions import HttpProcessingError
from textual_serve.app_service import AppService
from textual_serve.server import Server

from sitboard.scenario.cleantext import clean
from sitboard.serve.rules import (
    MAX_MESSAGE_BYTES,
    Door,
    Focus,
    Ping,
    Refused,
    Resize,
    Stdin,
    font_size,
    read_message,
    terminal_size,
)

log = logging.getLogger("sitboard.serve")

HEARTBEAT_SECONDS = 15  # as textual-serve: a tab that vanished is noticed and its board ended
RETRY_AFTER_SECONDS = 30
MAX_LOG_CHARS = 300


class BoardServer(Server):
    """One board per browser tab, behind `door`, at most `max_sessions` at once."""

    def __init__(
        self, command: str, *, host: str, port: int, title: str, public_url: str, door: Door, max_sessions: int
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.door = door
        self.max_sessions = max_sessions
        self.sessions = 0

    @property
    def page_url(self) -> str:
        """The address to open, token included: what the operator is told at start."""
        return f"{self.public_url}/" + (f"?token={self.door.token}" if self.door.token else "")

    def initialize_logging(self) -> None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(OneLineFormatter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
        # aiohttp logs every request; the lines that matter (boards, refusals) are ours.
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
        server_log = logging.getLogger("aiohttp.server")
        server_log.setLevel(logging.DEBUG)  # it logs non-HTTP bytes at debug level; they are refusals too
        server_log.addFilter(MalformedRequests())

    async def on_startup(self, app: web.Application) -> None:
        # Not textual-serve's banner: it prints the command through Rich markup,
        # and a file called `[/].yaml` would stop the server there.
        guarded = "token included, " if self.door.token else ""
        print(clean(self.title), flush=True)
        print(
            clean(
                f"Open {self.page_url} in a browser ({guarded}at most {self.max_sessions} boards at once). "
                "Ctrl+C stops the server."
            ),
            flush=True,
        )

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_get("/ws/{token}", self.handle_websocket, name="websocket-token")
        return app

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        try:
            self.door.check_token(request.query.get("token"))
        except Refused as refusal:
            refused(request, "the page", str(refusal))
            return self._page(
                403,
                "This board's address has a token: open the full address printed where 'sitboard serve' was started.",
            )
        if self.sessions >= self.max_sessions:
            refused(request, "the page", f"all {self.max_sessions} boards are in use")
            return self._full_page()
        # textual-serve's handler, without its template decorator, gives the page's values.
        context: dict[str, Any] = await Server.handle_index.__wrapped__(self, request)  # type: ignore[attr-defined]
        if self.door.token:
            context["app_websocket_url"] += f"/{self.door.token}"
        context["font_size"] = font_size(context["font_size"])
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        try:
            self.door.check_origin(request.headers.get("Origin"))
            self.door.check_token(request.match_info.get("token"))
        except Refused as refusal:
            refused(request, "a board", str(refusal))
            return web.Response(status=403, text=f"Forbidden: {refusal}\n")
        try:
            width, height = terminal_size(request.query.get("width", "80"), request.query.get("height", "24"))
        except Refused as refusal:
            refused(request, "a board", str(refusal))
            return web.Response(status=400, text=f"Bad request: {refusal}\n")
        if self.sessions >= self.max_sessions:
            refused(request, "a board", f"all {self.max_sessions} boards are in use")
            return web.Response(
                status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}, text=self._full_sentence() + "\n"
            )

        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=MAX_MESSAGE_BYTES)
        self.sessions += 1  # taken before the first await, so two tabs cannot both take the last place
        try:
            try:
                await websocket.prepare(request)
            except web.HTTPException as exc:  # not a websocket handshake aiohttp accepts
                refused(request, "a board", exc.text or exc.reason)
                raise
            log.info("%s board started (%d of %d)", client(request), self.sessions, self.max_sessions)
            await self._run_board(request, websocket, width, height)
        finally:
            self.sessions -= 1
        log.info("%s board ended (%d of %d)", client(request), self.sessions, self.max_sessions)
        return websocket

    async def _run_board(self, request: web.Request, websocket: web.WebSocketResponse, width: int, height: int) -> None:
        async def close() -> None:
            await websocket.close()

        app_service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        try:
            await app_service.start(width, height)
            await self._relay(request, websocket, app_service)
        except asyncio.CancelledError:  # the server is shutting down (as textual-serve does)
            await websocket.close()
        except Exception as exc:  # e.g. no process could be started: one line, the server goes on
            log.error("%s board failed: %s", client(request), one_line(exc))
        finally:
            await app_service.stop()

    async def _relay(self, request: web.Request, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """Pass the page's messages to the board, checked; the first bad one ends the session.

        The page never sends a malformed message, so whatever sends one is not
        the page and is not served further.
        """
        async for message in websocket:
            if message.type == WSMsgType.ERROR:  # too big, not UTF-8, a broken frame: aiohttp has closed it
                refused(request, "a message", one_line(message.data))
                return
            try:
                if message.type != WSMsgType.TEXT:
                    raise Refused(f"{message.type.name.lower()} frame; the page sends text")
                command = read_message(message.data)
            except Refused as refusal:
                refused(request, "a message", str(refusal))
                await websocket.close(code=WSCloseCode.POLICY_VIOLATION, message=b"malformed message")
                return
            if isinstance(command, Stdin):
                await app_service.send_bytes(command.data)
            elif isinstance(command, Resize):
                await app_service.set_terminal_size(command.width, command.height)
            elif isinstance(command, Ping):
                await websocket.send_json(["pong", command.data])
            elif isinstance(command, Focus):
                await (app_service.focus() if command.focused else app_service.blur())

    def _full_sentence(self) -> str:
        return (
            f"All {self.max_sessions} boards this server runs at once are in use. "
            "Close another tab showing the board, or try again in a minute."
        )

    def _full_page(self) -> web.Response:
        response = self._page(503, self._full_sentence())
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def _page(self, status: int, sentence: str) -> web.Response:
        title = html.escape(self.title)
        body = (
            f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>\n'
            f'<body style="background:#0c181f;color:#eee;font-family:sans-serif;margin:3em">\n'
            f"<h1>{title}</h1>\n<p>{html.escape(sentence)}</p>\n</body></html>\n"
        )
        return web.Response(status=status, text=body, content_type="text/html")


def client(request: web.BaseRequest) -> str:
    return request.remote or "?"


def refused(request: web.BaseRequest, what: str, why: str) -> None:
    log.warning("%s refused %s: %s", client(request), what, why)


def one_line(exc: object) -> str:
    """An exception as a short sentence: its kind and the first line of its text."""
    text = exc.message if isinstance(exc, HttpProcessingError) else str(exc)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "").rstrip(":")
    name = type(exc).__name__
    summary = f"{name}: {first}" if first else name
    return summary if len(summary) <= 200 else summary[:197] + "..."


class OneLineFormatter(logging.Formatter):
    """Time, then the message on one line, cleaned of control characters; never a traceback.

    Whatever logs (aiohttp, textual-serve, asyncio, sitboard), an exception
    shows as its kind and first line, so the operator's console is a list of
    events and a client cannot fill it with pages of stack and local variables.
    """

    def __init__(self) -> None:
        super().__init__(datefmt="%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            message = f"{message}: {one_line(exc)}"
        message = " ".join(clean(message).split())
        if len(message) > MAX_LOG_CHARS:  # a client's header or URL quoted in full would be a page, not a line
            message = message[: MAX_LOG_CHARS - 3] + "..."
        line = f"{self.formatTime(record, self.datefmt)} {message}"
        if exc is not None and os.environ.get("SITBOARD_DEBUG"):
            line += "\n" + self.formatException(record.exc_info)  # type: ignore[arg-type]
        return line


class MalformedRequests(logging.Filter):
    """aiohttp's "Error handling request" for bytes that are not HTTP, as a refusal.

    aiohttp answers them with 400 itself; it logs them with a traceback, or
    at debug level when the first request on a connection has a bad method.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            address = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            record.msg, record.args = "%s refused a malformed HTTP request: %s", (address, one_line(exc))
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            return True
        return record.levelno >= logging.INFO
