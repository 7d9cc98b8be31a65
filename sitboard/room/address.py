"""The join address a presenter prints and a follower is given: ``HOST:PORT/TOKEN``.

One string carries all a follower needs, so a briefer can paste it into a chat
and a colleague into a terminal. IPv6 hosts go in brackets (``[::1]:7477/TOKEN``)
as in URLs, and a ``sitboard://`` prefix is accepted because people paste
addresses with schemes. Parsing is strict and total: anything other than a
well-formed address is refused with a sentence saying what was expected, and
the sentence never quotes the token (it is the room's secret) nor any
character that is not printable ASCII (the input may come from anywhere).
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

SCHEME = "sitboard://"
MAX_PORT = 65535
MAX_HOST = 253  # characters in a host name (RFC 1035)
MAX_LENGTH = 600  # a hostname (253) + brackets, port, separators and the longest token, with room to spare
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}", re.ASCII)
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)
_EXPECTED = "expected HOST:PORT/TOKEN as the presenter printed it"


class AddressError(ValueError):
    """A join address that cannot be used; the message is a sentence for the user."""


class JoinAddress(NamedTuple):
    host: str  # without brackets, also for IPv6
    port: int
    token: str

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}/{self.token}"

    @property
    def place(self) -> str:
        """``HOST:PORT`` without the token: what may appear in messages and logs."""
        return str(self).rsplit("/", 1)[0]


def parse_address(text: str) -> JoinAddress:
    """The address in ``text``, or AddressError with a sentence."""
    text = text.strip()
    if not text:
        raise AddressError(f"the join address is empty: {_EXPECTED}")
    if len(text) > MAX_LENGTH:
        raise AddressError(f"the join address is {len(text)} characters long, longer than any real one: {_EXPECTED}")
    for position, ch in enumerate(text, 1):
        if not " " < ch <= "~":
            raise AddressError(
                f"the join address has U+{ord(ch):04X} at character {position}, which cannot be in one: {_EXPECTED}"
            )
    if text[: len(SCHEME)].lower() == SCHEME:
        text = text[len(SCHEME) :]
    elif "://" in text:
        scheme = text.split("://", 1)[0]
        raise AddressError(f"a join address starts with {SCHEME} or nothing, not {scheme}://: {_EXPECTED}")
    place, slash, token = text.partition("/")
    if not slash:
        raise AddressError(f"the join address has no token (the part after /): {_EXPECTED}")
    host, port = _split_place(place)
    return JoinAddress(check_host(host), _check_port(port), check_token(token))


def check_token(token: str) -> str:
    """``token`` if it can be a room token, else AddressError (the token itself is never quoted)."""
    if not token:
        raise AddressError(f"the join address has nothing after the /, where the token goes: {_EXPECTED}")
    if TOKEN_PATTERN.fullmatch(token) is None:
        if "/" in token or "?" in token or "#" in token:
            raise AddressError(f"the join address has more than a token after HOST:PORT/: {_EXPECTED}")
        raise AddressError(
            f"the token in the join address has {len(token)} characters; a token is 16 to 128 letters, digits,"
            " '-' or '_': copy the whole address the presenter printed"
        )
    return token


def _split_place(place: str) -> tuple[str, str]:
    if place.startswith("["):
        host, bracket, rest = place[1:].partition("]")
        if not bracket:
            raise AddressError(f"the join address opens a [ for an IPv6 host but never closes it: {_EXPECTED}")
        if not rest.startswith(":"):
            raise AddressError(f"the join address has no :PORT after the ] of its IPv6 host: {_EXPECTED}")
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise AddressError(f"[{_shown(host)}] is not an IPv6 address: {_EXPECTED}") from None
        return host, rest[1:]
    if place.count(":") > 1:
        raise AddressError("an IPv6 host goes in brackets, as in [::1]:PORT/TOKEN")
    host, colon, port = place.partition(":")
    if not colon:
        raise AddressError(f"the join address has no :PORT after its host: {_EXPECTED}")
    return host, port


def check_host(host: str) -> str:
    """``host`` if it is an IPv4 address or a host name (an IPv6 address goes without brackets), else AddressError."""
    if not all(" " < ch <= "~" for ch in host):
        raise AddressError("the host has a character that cannot be in a host name or an IP address")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise AddressError(f"{_shown(host)} is not an IPv6 address") from None
        return host
    if not host:
        raise AddressError(f"the join address has no host before the :PORT: {_EXPECTED}")
    if all(ch.isdigit() or ch == "." for ch in host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise AddressError(f"{_shown(host)} is not an IPv4 address (four numbers 0-255 joined by dots)") from None
        return host
    labels = host.removesuffix(".").split(".")
    if len(host) > MAX_HOST or not all(_LABEL.fullmatch(label) for label in labels):
        raise AddressError(
            f"{_shown(host)} is not a host name (letters, digits and '-', in parts of at most 63 joined by dots)"
        )
    if labels[-1].isdigit():
        raise AddressError(f"{_shown(host)} is neither a host name nor an IPv4 address")
    return host


def _check_port(port: str) -> int:
    if _PORT.fullmatch(port) is None:
        raise AddressError(
            f"the port in the join address is {_shown(port)!r}, not a number from 1 to 65535: {_EXPECTED}"
        )
    number = int(port)
    if not 1 <= number <= MAX_PORT:
        raise AddressError(f"the port in the join address is {number}, not a number from 1 to 65535")
    return number


def _shown(part: str, limit: int = 60) -> str:
    """A part of the address short enough to quote in a sentence (already checked to be printable ASCII)."""
    return part if len(part) <= limit else part[:limit] + "..."
