"""The rules `sitboard serve` applies to browsers: origins, tokens, sizes, messages.

The server applies them over real sockets (tests/hostile/test_serve_hostile.py);
here each decision is checked on its own, including cases a socket test on
this machine cannot reach (a host name, IPv6, an https public URL).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitboard.serve.rules import (
    MAX_HEIGHT,
    MAX_WIDTH,
    Door,
    Focus,
    Ping,
    Refused,
    Resize,
    Stdin,
    board_origins,
    is_loopback,
    origin_of,
    read_message,
    terminal_size,
    token_needed,
)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),  # every interface
        ("192.0.2.2", False),
        ("10.1.2.3", False),
        ("fd00::2", False),
        ("no-such-host.invalid", False),
    ],
)
def test_loopback_is_only_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("host", "asked", "needed"),
    [
        ("127.0.0.1", None, False),
        ("localhost", None, False),
        ("::1", None, False),
        ("0.0.0.0", None, True),
        ("192.0.2.2", None, True),
        ("::", None, True),
        ("127.0.0.1", True, True),  # --token
        ("0.0.0.0", False, False),  # --no-token: the operator's explicit choice
    ],
)
def test_a_token_is_needed_beyond_loopback_unless_the_operator_says(
    host: str, asked: bool | None, needed: bool
) -> None:
    assert token_needed(host, asked) is needed


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("http://127.0.0.1:8000", ("http", "127.0.0.1", 8000)),
        ("HTTP://Board.Example", ("http", "board.example", 80)),
        ("https://board.example/sitboard/", ("https", "board.example", 443)),
        ("http://[::1]:8000", ("http", "::1", 8000)),
        ("null", None),
        ("file:///tmp/x.html", None),
        ("example.org", None),
        ("http://", None),
        ("http://host:99999", None),
        ("http://host:port", None),
        ("ws://host:80", None),
        ("http://[::1", None),
    ],
)
def test_origins_are_scheme_host_and_port(url: str, origin: tuple[str, str, int] | None) -> None:
    assert origin_of(url) == origin


def test_the_door_lets_in_the_boards_own_pages_only() -> None:
    door = Door(board_origins("127.0.0.1", 8000, "https://board.example/sitboard"))
    for own in (
        "https://board.example",
        "https://board.example:443",
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://[::1]:8000",
    ):
        door.check_origin(own)
    door.check_origin(None)  # not a browser: browsers always send Origin on a websocket
    for foreign in (
        "http://board.example",
        "https://evil.example",
        "http://127.0.0.1:8001",
        "null",
        "",
        "http://localhost.evil.example:8000",
        "https://board.example:8443",
    ):
        with pytest.raises(Refused, match="not this board's"):
            door.check_origin(foreign)


def test_beyond_loopback_the_loopback_names_are_not_the_boards() -> None:
    door = Door(board_origins("192.0.2.2", 8000, "http://192.0.2.2:8000"))
    door.check_origin("http://192.0.2.2:8000")
    with pytest.raises(Refused):
        door.check_origin("http://localhost:8000")


def test_a_token_must_match_exactly() -> None:
    door = Door(frozenset(), token="s3cret-Token_")
    door.check_token("s3cret-Token_")
    for wrong in (None, "", "s3cret-token_", "s3cret-Token", "s3cret-Token_x", "\ud800"):
        with pytest.raises(Refused, match="token"):
            door.check_token(wrong)
    Door(frozenset()).check_token(None)  # no token asked for


@pytest.mark.parametrize(
    ("width", "height", "size"),
    [
        (120, 40, (120, 40)),
        ("120", "40", (120, 40)),
        (120.0, 40, (120, 40)),
        (20000, 20000, (MAX_WIDTH, MAX_HEIGHT)),
        ("9" * 5000, "0040", (MAX_WIDTH, 40)),
        (0, -5, (1, 1)),
    ],
)
def test_sizes_are_clamped_to_what_a_terminal_can_be(width: object, height: object, size: tuple[int, int]) -> None:
    assert terminal_size(width, height) == size


@pytest.mark.parametrize(
    "bad", ["wide", "-5", "1e3", "", " ", "１２０", None, True, [80], {"w": 1}, float("nan"), float("inf"), 80.5]
)
def test_sizes_that_are_not_whole_numbers_are_refused(bad: object) -> None:
    with pytest.raises(Refused, match="not a whole number"):
        terminal_size(bad, 24)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('["stdin", "q"]', Stdin(b"q")),
        ('["stdin", "\\u00e9"]', Stdin("é".encode())),
        ('["resize", {"width": 120, "height": 40}]', Resize(120, 40)),
        ('["resize", {"width": 1e9, "height": 40}]', Resize(MAX_WIDTH, 40)),
        ('["ping", "1767225600000"]', Ping("1767225600000")),
        ('["focus"]', Focus(True)),
        ('["blur"]', Focus(False)),
        ('["a kind from a newer page", 1, 2]', None),
    ],
)
def test_the_pages_messages_are_read(text: str, message: object) -> None:
    assert read_message(text) == message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "{}",
        "[]",
        "[5]",
        '"stdin"',
        '["stdin"]',
        '["stdin", 5]',
        '["stdin", "a", "b"]',
        '["stdin", "\\ud800"]',
        '["resize", [80, 24]]',
        '["resize", {"width": "80"}]',
        '["resize", {"width": NaN, "height": 24}]',
        '["ping", 5]',
        '["ping", "' + "9" * 65 + '"]',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(Refused):
        read_message(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
kinds = st.sampled_from(["stdin", "resize", "ping", "focus", "blur", "other"])


@given(
    st.one_of(
        st.text(),
        json_values.map(json.dumps),
        st.tuples(kinds, st.lists(json_values, max_size=3)).map(lambda m: json.dumps([m[0], *m[1]])),
    )
)
def test_no_message_gets_past_the_rules_unchecked(text: str) -> None:
    try:
        message = read_message(text)
    except Refused:
        return
    if isinstance(message, Resize):
        assert 1 <= message.width <= MAX_WIDTH and 1 <= message.height <= MAX_HEIGHT
    elif isinstance(message, Stdin):
        assert isinstance(message.data, bytes)
    elif isinstance(message, Ping):
        assert isinstance(message.data, str) and len(message.data) <= 64
