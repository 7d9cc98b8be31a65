"""The join address: strict parsing with a sentence for every bad input, the token never quoted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitboard.room.address import AddressError, JoinAddress, check_host, parse_address

TOKEN = "Abc-def_0123456789xyzQ"  # the shape secrets.token_urlsafe(16) gives


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"127.0.0.1:7477/{TOKEN}", ("127.0.0.1", 7477)),
        (f"localhost:1/{TOKEN}", ("localhost", 1)),
        (f"briefing-room.example.org.:65535/{TOKEN}", ("briefing-room.example.org.", 65535)),
        (f"[::1]:7477/{TOKEN}", ("::1", 7477)),
        (f"[fe80::1%eth0]:7477/{TOKEN}", ("fe80::1%eth0", 7477)),
        (f"sitboard://10.0.0.2:7477/{TOKEN}", ("10.0.0.2", 7477)),
        (f"SITBOARD://[2001:db8::5]:80/{TOKEN}", ("2001:db8::5", 80)),
        (f"  127.0.0.1:7477/{TOKEN}\n", ("127.0.0.1", 7477)),  # pasted with a line break
    ],
)
def test_addresses_the_presenter_prints_or_people_paste_are_read(text, expected):
    address = parse_address(text)
    assert (address.host, address.port, address.token) == (*expected, TOKEN)


@pytest.mark.parametrize("address", [JoinAddress("127.0.0.1", 7477, TOKEN), JoinAddress("::1", 9, TOKEN)])
def test_an_address_reads_back_as_itself(address):
    assert parse_address(str(address)) == address
    assert parse_address("sitboard://" + str(address)) == address


def test_the_place_leaves_the_token_out():
    assert JoinAddress("::1", 7477, TOKEN).place == "[::1]:7477"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("   \t ", "empty"),
        ("127.0.0.1:7477", "no token"),
        ("127.0.0.1:7477/", "nothing after the /"),
        ("127.0.0.1:7477/short", "16 to 128"),
        ("127.0.0.1:7477/" + "a" * 129, "16 to 128"),
        (f"127.0.0.1:7477/{TOKEN}/more", "more than a token"),
        (f"127.0.0.1:7477/{TOKEN}?x=1", "more than a token"),
        (f"127.0.0.1:7477/{TOKEN}#frag", "more than a token"),
        (f"127.0.0.1/{TOKEN}", "no :PORT"),
        (f"127.0.0.1:/{TOKEN}", "not a number"),
        (f":7477/{TOKEN}", "no host"),
        (f"127.0.0.1:0/{TOKEN}", "not a number from 1 to 65535"),
        (f"127.0.0.1:65536/{TOKEN}", "not a number from 1 to 65535"),
        (f"127.0.0.1:123456/{TOKEN}", "not a number"),
        (f"127.0.0.1:+80/{TOKEN}", "not a number"),
        (f"127.0.0.1:-1/{TOKEN}", "not a number"),
        (f"127.0.0.1:1e3/{TOKEN}", "not a number"),
        (f"127.0.0.1:\u0663/{TOKEN}", "U+0663"),  # an Arabic-Indic digit three
        (f"::1:7477/{TOKEN}", "brackets"),
        (f"[::1:7477/{TOKEN}", "never closes"),
        (f"[::1]7477/{TOKEN}", "no :PORT after the ]"),
        (f"[not-v6]:7477/{TOKEN}", "not an IPv6 address"),
        (f"256.1.1.1:7477/{TOKEN}", "not an IPv4 address"),
        (f"1.2.3:7477/{TOKEN}", "not an IPv4 address"),
        (f"01.2.3.4:7477/{TOKEN}", "not an IPv4 address"),
        (f"-bad-.example:7477/{TOKEN}", "not a host name"),
        (f"a..b:7477/{TOKEN}", "not a host name"),
        (f"{'x' * 64}.example:7477/{TOKEN}", "not a host name"),
        (f"host_name:7477/{TOKEN}", "not a host name"),
        (f"example.123:7477/{TOKEN}", "neither a host name nor an IPv4 address"),
        (f"http://127.0.0.1:7477/{TOKEN}", "not http://"),
        (f"127.0.0.1:7477/{TOKEN}\x1b[31m", "U+001B"),
        (f"\x1b]0;owned\x07127.0.0.1:7477/{TOKEN}", "U+001B"),
        (f"127.0.0.1:74\u202e77/{TOKEN}", "U+202E"),
        (f"127.0.0.1:7477/{TOKEN[:-1]}\x00", "U+0000"),
        (f"127.0.0.1 :7477/{TOKEN}", "U+0020"),
        (f"bücher.example:7477/{TOKEN}", "U+00FC"),
        ("x" * 100_000, "longer than any real one"),
    ],
)
def test_bad_addresses_are_refused_with_a_sentence(text, says):
    with pytest.raises(AddressError) as caught:
        parse_address(text)
    message = str(caught.value)
    assert says in message
    assert all(" " <= ch <= "~" for ch in message), "a message about hostile input must be plain printable text"
    assert len(message) < 300


def test_a_refusal_never_quotes_the_token():
    secret = "S3cret-token_that-must-not-leak"
    for text in (f"256.1.1.1:7477/{secret}", f"host:99999/{secret}", f"host:7477/{secret}/x", f"[zz]:1/{secret}"):
        with pytest.raises(AddressError) as caught:
            parse_address(text)
        assert secret not in str(caught.value)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "127.0.0.1", "localhost", "::1"])
def test_hosts_a_presenter_may_listen_on(host):
    assert check_host(host) == host


@pytest.mark.parametrize("host", ["", "[::1]", "a b", "\x1b[2J", "host/x", "::zz"])
def test_hosts_a_presenter_may_not_listen_on(host):
    with pytest.raises(AddressError):
        check_host(host)


@given(st.text(max_size=200))
def test_any_text_is_an_address_or_a_sentence(text):
    try:
        address = parse_address(text)
    except AddressError as exc:
        assert str(exc)
        assert all(" " <= ch <= "~" for ch in str(exc))
    else:
        assert parse_address(str(address)) == address


@given(
    st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9]{0,10}){0,3}", fullmatch=True),
    st.integers(1, 65535),
    st.from_regex(r"[A-Za-z0-9_-]{16,128}", fullmatch=True),
)
def test_every_well_formed_address_reads_back(host, port, token):
    if host.endswith("-") or "-." in host:
        return  # not a host name; refused elsewhere
    address = JoinAddress(host, port, token)
    assert parse_address(f"sitboard://{address}") == address
