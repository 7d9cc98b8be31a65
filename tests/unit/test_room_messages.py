"""The room's messages: what each side accepts, and a WireError sentence for everything else."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitboard.room.wire import (
    BEAT_RANGE,
    HEARTBEAT,
    PROTOCOL,
    Bye,
    Join,
    Refused,
    Scenario,
    State,
    Welcome,
    WireError,
    decode,
    digest,
    encode,
    parse_join,
    parse_presenter_message,
    scenario_line,
    scenario_line_limit,
    state_line,
    state_text,
    welcome_line,
)

SHA = digest(b"towns: []\n")


def join(**fields: object) -> dict[str, object]:
    message: dict[str, object] = {
        "type": "join",
        "protocol": PROTOCOL,
        "token": "t" * 22,
        "scenario_sha256": None,
        "want_scenario": False,
        "heartbeat": HEARTBEAT,
    }
    message.update(fields)
    return message


def test_a_join_is_read_back():
    assert parse_join(decode(encode(join(scenario_sha256=SHA, want_scenario=True)))) == Join(
        PROTOCOL, "t" * 22, SHA, True, HEARTBEAT
    )


def test_a_join_without_a_token_is_read_so_that_it_can_be_refused_for_it():
    message = join()
    del message["token"]
    assert parse_join(message).token is None
    assert parse_join(join(token="")).token is None


def test_a_join_from_another_protocol_is_read_whatever_its_other_fields():
    assert parse_join({"type": "join", "protocol": PROTOCOL + 1, "token": 5}).protocol == PROTOCOL + 1


def test_an_announced_heartbeat_is_kept_within_reason():
    assert parse_join(join(heartbeat=1e9)).heartbeat == BEAT_RANGE[1]
    assert parse_join(join(heartbeat=1e-9)).heartbeat == BEAT_RANGE[0]


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "state"},
        {"protocol": "1"},
        {"protocol": True},
        {"protocol": -1},
        {"token": 12345},
        {"token": ["a"]},
        {"scenario_sha256": "abc"},
        {"scenario_sha256": SHA.upper()},
        {"want_scenario": "yes"},
        {"want_scenario": 1},
        {"heartbeat": 0},
        {"heartbeat": -2},
        {"heartbeat": "2"},
        {"heartbeat": True},
        {"heartbeat": None},
    ],
)
def test_a_malformed_join_is_a_sentence(fields):
    with pytest.raises(WireError) as caught:
        parse_join(join(**fields))
    assert str(caught.value)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (b"hello\n", "not JSON"),
        (b"\xff\xfe{}\n", "not UTF-8"),
        (b"[1, 2]\n", "not an object"),
        (b'"join"\n', "not an object"),
        (b"{}\n", 'no "type"'),
        (b'{"type": 7}\n', 'no "type"'),
        (b'{"type": "state", "seq": NaN}\n', "not JSON"),
        (b'{"type": "state", "seq": Infinity}\n', "not JSON"),
        (b"[" * 100_000 + b"\n", "nests JSON too deeply"),
        (b'{"type": "state", "seq": ' + b"9" * 5000 + b"}\n", "not JSON"),
        (b"", "not JSON"),
    ],
)
def test_a_line_that_is_not_a_message_is_a_sentence(line, says):
    with pytest.raises(WireError) as caught:
        decode(line)
    assert says in str(caught.value)


def test_states_travel_as_spliced_text_and_read_back_exactly():
    state = {"step": 3, "center": [34.7, 36.7], "zoom": 1.5, "selected": "ḥoms\ud800", "areas": True}
    line = state_line(7, state_text(state))
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert parse_presenter_message(decode(line)) == State(7, state)


def test_a_state_must_be_plain_json():
    with pytest.raises(TypeError):
        state_text([1, 2])  # type: ignore[arg-type]  # what a careless caller might pass
    for bad in ({"zoom": float("nan")}, {"when": object()}, {"towns": {"homs"}}):
        with pytest.raises(ValueError, match="plain JSON"):
            state_text(bad)  # type: ignore[arg-type]


def test_a_welcome_carries_the_state_and_is_one_json_line():
    state = {"step": 2, "selected": None}
    line = welcome_line(
        heartbeat=2.0,
        title="Central \x1b[2JSyria",
        scenario_sha256=SHA,
        scenario_bytes=10,
        can_send_scenario=True,
        seq=4,
        state=state_text(state),
    )
    assert json.loads(line)["state"] == state
    welcome = parse_presenter_message(decode(line))
    assert welcome == Welcome(PROTOCOL, 2.0, "Central [2JSyria", SHA, 10, True, 4, state)


def test_the_scenario_line_keeps_the_text_unescaped_and_within_its_limit():
    text = 'title: "حمص \\ Homs"\n' * 50
    line = scenario_line(digest(text.encode()), text)
    assert "حمص".encode() in line
    assert len(line) <= scenario_line_limit(len(text.encode()))
    assert parse_presenter_message(decode(line)) == Scenario(digest(text.encode()), text)


def test_the_worst_yaml_text_fits_the_scenario_line_limit():
    text = '"\\\n\t' * 1000  # every character escaped: twice as long as JSON
    assert len(scenario_line(SHA, text)) <= scenario_line_limit(len(text.encode()))


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"type": "heartbeat"}, None),
        ({"type": "bye", "reason": "gone\x07"}, Bye("gone")),
        ({"type": "refused", "reason": "x" * 1000, "final": True}, Refused("x" * 300, True)),
    ],
)
def test_presenter_messages_are_read(message, expected):
    assert parse_presenter_message(decode(encode(message))) == expected


@pytest.mark.parametrize(
    "message",
    [
        {"type": "join"},
        {"type": "state", "seq": -1, "state": {}},
        {"type": "state", "seq": 1, "state": []},
        {"type": "state", "seq": False, "state": {}},
        {"type": "scenario", "sha256": SHA, "text": None},
        {"type": "scenario", "sha256": "0" * 63, "text": ""},
        {"type": "refused", "reason": "no", "final": "yes"},
        {"type": "bye", "reason": 3},
        {"type": "welcome", "protocol": 1},
        {"type": "\x1b[2J" * 100},
    ],
)
def test_a_malformed_presenter_message_is_a_sentence(message):
    with pytest.raises(WireError) as caught:
        parse_presenter_message(decode(encode(message)))
    assert "\x1b" not in str(caught.value)


@given(st.binary(max_size=300))
def test_any_bytes_are_a_message_or_a_sentence(data):
    for parse in (parse_join, parse_presenter_message):
        try:
            parse(decode(data))
        except WireError as exc:
            assert str(exc)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=10,
    )
)
def test_any_json_is_a_message_or_a_sentence(value):
    line = json.dumps(value).encode()
    for parse in (parse_join, parse_presenter_message):
        try:
            parse(decode(line))
        except WireError as exc:
            assert str(exc)
