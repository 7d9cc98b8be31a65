"""Who may open a board over the web, and what a browser tab may send it.

`sitboard serve` starts a process per websocket and passes it whatever the
page sends, so everything that arrives there is checked here first: the
Origin of the page that opened the socket, the token in its address, the
terminal size, and the shape of every message. The rules are plain functions
with no web server in them, so they can be tested one by one; the server
(`serve_server`) only applies them and logs the refusals.

The messages are textual-serve's (its static/js/textual.js sends them):
`["stdin", text]`, `["resize", {"width": w, "height": h}]`,
`["ping", text]`, `["focus"]`, `["blur"]`.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import math
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

# What a terminal can be: the same bounds as `export --size`. A board's memory
# grows with its cells; 20000x20000 filled the machine.
MIN_WIDTH, MAX_WIDTH = 1, 1000
MIN_HEIGHT, MAX_HEIGHT = 1, 500
# Typing and pasting into a board is short; a frame larger than this is not a
# browser's. aiohttp closes the socket (1009) when a message is larger.
MAX_MESSAGE_BYTES = 64 * 1024
MAX_PING_CHARS = 64  # the page sends a timestamp in milliseconds
MIN_FONT_SIZE, MAX_FONT_SIZE = 6, 72
DEFAULT_MAX_SESSIONS = 8

WILDCARD_HOSTS = ("0.0.0.0", "::", "")
DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]  # scheme, lower-case host (IPv6 without brackets), port


class Refused(Exception):
    """A request or message that is not let through; the text says why, in one line."""


def origin_of(url: str) -> Origin | None:
    """The origin (scheme, host, port) of an http(s) URL, or None if it is not one.

    Browsers send Origin as `scheme://host[:port]`, with the default port left
    out, so ports are filled in before comparing.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a port that is not a number or out of range, a bad IPv6 literal
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else DEFAULT_PORTS[scheme]


def is_loopback(host: str) -> bool:
    """Whether `host` reaches only this machine: every address it names is a loopback one.

    A wildcard (0.0.0.0, ::) listens on every interface, so it is not; nor is
    a name that cannot be resolved (the server will not start on it anyway).
    """
    if host in WILDCARD_HOSTS:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {str(info[4][0]) for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def token_needed(host: str, asked: bool | None) -> bool:
    """Whether the board's address carries a token: beyond loopback unless the operator said otherwise.

    On loopback only this machine's users can connect; anywhere else, anyone
    on the network could open and drive the board, so a token is the default
    and `--no-token` (asked=False) is the operator's explicit choice.
    """
    return not is_loopback(host) if asked is None else asked


def board_origins(host: str, port: int, public_url: str) -> frozenset[Origin]:
    """The origins a page of this server can have.

    The public URL's (where the page tells browsers to connect), the listen
    address's, and, when this machine's own browsers can reach the server,
    the loopback names for the same port (people type `localhost` as often as
    `127.0.0.1`; no other site can serve a page from them).
    """
    origins = set()
    public = origin_of(public_url)
    if public is not None:
        origins.add(public)
    if host not in WILDCARD_HOSTS:
        listen = origin_of(f"http://{url_host(host)}:{port}")
        if listen is not None:
            origins.add(listen)
    if host in WILDCARD_HOSTS or is_loopback(host):
        origins.update(("http", name, port) for name in ("localhost", "127.0.0.1", "::1"))
    return frozenset(origins)


def url_host(host: str) -> str:
    """`host` as it goes in a URL: an IPv6 address in brackets."""
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host


def new_token() -> str:
    """A secret for the board's address: 128 random bits, safe in a URL as it is."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Door:
    """What a websocket or page request must carry to reach a board.

    `token` None means no token is asked for (loopback by default, or the
    operator's `--no-token`).

    A request without an Origin header is let in (token permitting): browsers
    always send Origin on a websocket, so a missing one is not a web page on
    another site but a program on a machine that can reach the port (curl, a
    script, a command-line client). Such a program gains nothing from the page
    it could not get by connecting anyway; the token is what stops strangers.
    """

    origins: frozenset[Origin]
    token: str | None = None

    def check_origin(self, origin: str | None) -> None:
        if origin is None:
            return
        if origin_of(origin) not in self.origins:  # also "null": a sandboxed or file:// page
            raise Refused(f"Origin {_quote(origin)} is not this board's")

    def check_token(self, offered: str | None) -> None:
        if self.token is None:
            return
        if not offered:
            raise Refused("no token in the address")
        if not hmac.compare_digest(offered.encode("utf-8", "replace"), self.token.encode("utf-8")):
            raise Refused("wrong token in the address")


def terminal_size(width: object, height: object) -> tuple[int, int]:
    """A size a terminal can be, from what a client sent: clamped, or refused if not numbers.

    A browser window can honestly be wider than 1000 cells (a small font on a
    wall screen), so big numbers are clamped rather than refused.
    """
    return (_cells(width, "width", MIN_WIDTH, MAX_WIDTH), _cells(height, "height", MIN_HEIGHT, MAX_HEIGHT))


def _cells(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, str):  # from the address: ?width=120
        digits = value.strip()
        if not digits.isascii() or not digits.isdigit():
            raise Refused(f"{name} is not a whole number: {_quote(value)}")
        digits = digits.lstrip("0") or "0"
        value = int(digits) if len(digits) <= 9 else high  # any longer is past the bound anyway
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"{name} is not a whole number: {_quote(value)}")
    return max(low, min(high, value))


def font_size(value: int) -> int:
    return max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, value))


@dataclass(frozen=True)
class Stdin:
    data: bytes


@dataclass(frozen=True)
class Resize:
    width: int
    height: int


@dataclass(frozen=True)
class Ping:
    data: str


@dataclass(frozen=True)
class Focus:
    focused: bool


ClientMessage = Stdin | Resize | Ping | Focus


def read_message(text: str) -> ClientMessage | None:
    """The message a page sent, checked; None for a kind this version does not know.

    Unknown kinds are ignored, as textual-serve does, so a newer page still
    works; a known kind with the wrong fields, or text that is not such a
    message at all, is refused.
    """
    try:
        envelope = json.loads(text)
    except ValueError:
        raise Refused("message is not JSON") from None
    except RecursionError:
        raise Refused("message is nested too deeply") from None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        raise Refused("message is not a [kind, ...] list")
    kind, fields = envelope[0], envelope[1:]
    if kind == "stdin":
        if len(fields) != 1 or not isinstance(fields[0], str):
            raise Refused("stdin message without its text")
        try:
            return Stdin(fields[0].encode("utf-8"))
        except UnicodeEncodeError:
            raise Refused("stdin message with text that is not Unicode (a lone surrogate)") from None
    if kind == "resize":
        if len(fields) != 1 or not isinstance(fields[0], dict):
            raise Refused("resize message without a {width, height} object")
        size = fields[0]
        return Resize(*terminal_size(size.get("width"), size.get("height")))
    if kind == "ping":
        if len(fields) != 1 or not isinstance(fields[0], str) or len(fields[0]) > MAX_PING_CHARS:
            raise Refused(f"ping message without a short text (at most {MAX_PING_CHARS} characters)")
        return Ping(fields[0])
    if kind in ("focus", "blur"):
        return Focus(kind == "focus")
    return None


def _quote(value: object, limit: int = 80) -> str:
    """A client's value for a log line: quoted and escaped (no control characters), shortened.

    Only text is quoted; of anything else the kind is enough.
    """
    if value is None:
        return "(missing)"
    if not isinstance(value, str):
        return f"(a {type(value).__name__})"
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"
