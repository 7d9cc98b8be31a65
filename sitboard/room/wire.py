"""The room's wire format: newline-delimited JSON over TCP, one message per line.

Why this and nothing more: asyncio's streams already split a byte stream into
lines and refuse a line over a limit (``StreamReader(limit=...)``), and
``json`` is in the standard library, so the transport needs no dependency and
no framing of its own. A line is one JSON object with a ``"type"``; UTF-8,
compact separators, no NaN or Infinity (not JSON). Every field is checked on
arrival: a peer that sends anything else is a broken or hostile peer, and the
parsers here turn that into a ``WireError`` sentence, never another exception.

Follower to presenter (nothing else, ever)::

    join       {"type": "join", "protocol": 1, "token": T, "scenario_sha256": H or null, "want_scenario": bool,
                "heartbeat": seconds}
    heartbeat  {"type": "heartbeat"}

Presenter to follower::

    welcome    {"type": "welcome", "protocol": 1, "heartbeat": seconds, "title": S, "scenario_sha256": H,
                "scenario_bytes": N, "can_send_scenario": bool, "seq": N, "state": {...}}
    refused    {"type": "refused", "reason": S, "final": bool}   then the presenter closes
    scenario   {"type": "scenario", "sha256": H, "text": S}      right after welcome, when asked and allowed
    state      {"type": "state", "seq": N, "state": {...}}       seq grows by publish within a connection
    heartbeat  {"type": "heartbeat"}
    bye        {"type": "bye", "reason": S}                      the presenter is closing the room

Each side says in its first message how often it sends a heartbeat, and the
other takes it for gone after three of those intervals without a line (never
less than its own three), so two ends set up differently do not cut each other
off. The state is opaque here: any JSON object (the board's ``BoardState.to_json()``).
Sequence numbers start again when a presenter restarts; the welcome of each
connection says where they stand.

Limits. A follower's lines are a join and heartbeats, a few hundred bytes: the
presenter reads them with a 4 KiB limit, so a hostile peer can make it buffer
little. The presenter's control lines (welcome, state) are capped at 256 KiB;
the only large message is the scenario, capped at the loader's own limit
(``MAX_BYTES``) for the text, and twice that plus a little for its JSON line,
since escaping a YAML text (quotes, backslashes, line breaks) at most doubles it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, NamedTuple, NoReturn

from sitboard.scenario.cleantext import clean
from sitboard.scenario.loader import MAX_BYTES

PROTOCOL = 1
HEARTBEAT = 2.0  # seconds between heartbeats, each way
SILENCE = 3  # heartbeat intervals without a line before a peer is taken for gone: a dropped link shows in 6 s
BEAT_RANGE = (0.05, 30.0)  # seconds: the heartbeat a peer may announce, clamped into this
FOLLOWER_LIMIT = 4 * 1024  # the longest line a follower may send
CONTROL_LIMIT = 256 * 1024  # the longest line a presenter sends other than the scenario
SCENARIO_LIMIT = MAX_BYTES  # the longest scenario text a follower fetches
REASON_LENGTH = 300  # characters of a refusal or goodbye kept for display
TITLE_LENGTH = 500

JSONObject = dict[str, Any]
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}", re.ASCII)  # how a scenario is named on the wire


class RoomError(Exception):
    """A room that cannot be held as asked (a port in use, a scenario too big to send); a sentence for the user."""


class WireError(ValueError):
    """A line that is not a message this side accepts; the message is a sentence for a log or the user."""


def scenario_line_limit(scenario_limit: int) -> int:
    """The longest line that carries a scenario of at most ``scenario_limit`` bytes."""
    return 2 * scenario_limit + 4096


def size_text(count: int) -> str:
    """A byte count for a sentence."""
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count} bytes"


def digest(data: bytes) -> str:
    """The scenario's identity on the wire: sha256 of its bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def encode(message: Mapping[str, object]) -> bytes:
    """One line for ``message``; ValueError if it is not plain JSON.

    Non-ASCII is escaped: scenario text (a town id, a title) may hold a lone
    surrogate from a YAML escape, which has no UTF-8 form but has a JSON one.
    """
    return _json(message, "message").encode("ascii") + b"\n"


def state_text(state: Mapping[str, object]) -> str:
    """The state as JSON text, encoded once and spliced into every message that carries it."""
    if not isinstance(state, Mapping):
        raise TypeError(f"a room state is a JSON object (a dict), not {type(state).__name__}")
    return _json(state, "state")


def _json(value: Mapping[str, object], what: str) -> str:
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"a room {what} must be plain JSON: {_first_line(exc)}") from None


def state_line(seq: int, text: str) -> bytes:
    return f'{{"type":"state","seq":{seq},"state":{text}}}\n'.encode("ascii")


def scenario_line(sha256: str, text: str) -> bytes:
    """The scenario message. ``text`` came from strict UTF-8 decoding, so it has a UTF-8 form, kept unescaped."""
    body = json.dumps({"type": "scenario", "sha256": sha256, "text": text}, ensure_ascii=False, separators=(",", ":"))
    return body.encode("utf-8") + b"\n"


def welcome_line(
    *,
    heartbeat: float,
    title: str,
    scenario_sha256: str,
    scenario_bytes: int,
    can_send_scenario: bool,
    seq: int,
    state: str,
) -> bytes:
    head = encode(
        {
            "type": "welcome",
            "protocol": PROTOCOL,
            "heartbeat": heartbeat,
            "title": title,
            "scenario_sha256": scenario_sha256,
            "scenario_bytes": scenario_bytes,
            "can_send_scenario": can_send_scenario,
            "seq": seq,
        }
    )
    return head[:-2] + f',"state":{state}}}\n'.encode("ascii")


HEARTBEAT_LINE = encode({"type": "heartbeat"})


def decode(line: bytes) -> JSONObject:
    """The JSON object on ``line`` (with or without its newline), or WireError."""
    try:
        message = json.loads(line.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise WireError("the line nests JSON too deeply") from None
    except UnicodeDecodeError:
        raise WireError("the line is not UTF-8") from None
    except ValueError as exc:  # JSONDecodeError, a number with too many digits, NaN
        raise WireError(f"the line is not JSON ({_first_line(exc)})") from None
    if not isinstance(message, dict):
        raise WireError(f"the line is a JSON {type(message).__name__}, not an object")
    kind = message.get("type")
    if not isinstance(kind, str):
        raise WireError('the message has no "type"')
    return message


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


# What each side accepts. Each parser takes a decoded message of its type.


class Join(NamedTuple):
    protocol: int
    token: str | None  # None when missing: refused with its own reason
    scenario_sha256: str | None
    want_scenario: bool
    heartbeat: float


class Welcome(NamedTuple):
    protocol: int
    heartbeat: float
    title: str
    scenario_sha256: str
    scenario_bytes: int
    can_send_scenario: bool
    seq: int
    state: JSONObject


class State(NamedTuple):
    seq: int
    state: JSONObject


class Scenario(NamedTuple):
    sha256: str
    text: str


class Refused(NamedTuple):
    reason: str
    final: bool  # True: trying again cannot help (wrong token, other protocol)


class Bye(NamedTuple):
    reason: str


def parse_join(message: JSONObject) -> Join:
    """A follower's first line. A missing token is a Join with token None, so it is refused with its own reason."""
    _expect(message, "join")
    protocol = _int(message, "protocol")
    if protocol != PROTOCOL:  # another version's join may differ in every other field: refuse it for its version
        return Join(protocol, None, None, False, HEARTBEAT)
    token = message.get("token")
    if token is not None and not isinstance(token, str):
        raise WireError('the join\'s "token" is not a string')
    sha = message.get("scenario_sha256")
    if sha is not None:
        sha = _sha256(message, "scenario_sha256")
    want = message.get("want_scenario", False)
    if not isinstance(want, bool):
        raise WireError('the join\'s "want_scenario" is not true or false')
    return Join(protocol, token or None, sha, want, _seconds(message, "heartbeat"))


def parse_presenter_message(message: JSONObject) -> Welcome | State | Scenario | Refused | Bye | None:
    """A presenter's line as a value; None for a heartbeat."""
    kind = message["type"]
    if kind == "heartbeat":
        return None
    if kind == "state":
        return State(_int(message, "seq"), _object(message, "state"))
    if kind == "welcome":
        title = message.get("title")
        if not isinstance(title, str):
            raise WireError('the welcome\'s "title" is not a string')
        return Welcome(
            protocol=_int(message, "protocol"),
            heartbeat=_seconds(message, "heartbeat"),
            title=clean(title)[:TITLE_LENGTH],
            scenario_sha256=_sha256(message, "scenario_sha256"),
            scenario_bytes=_int(message, "scenario_bytes"),
            can_send_scenario=_bool(message, "can_send_scenario"),
            seq=_int(message, "seq"),
            state=_object(message, "state"),
        )
    if kind == "scenario":
        text = message.get("text")
        if not isinstance(text, str):
            raise WireError('the scenario\'s "text" is not a string')
        return Scenario(_sha256(message, "sha256"), text)
    if kind == "refused":
        return Refused(_reason(message), _bool(message, "final"))
    if kind == "bye":
        return Bye(_reason(message))
    raise WireError(f"a presenter does not send {_kind(message)} messages")


def _expect(message: JSONObject, kind: str) -> None:
    if message["type"] != kind:
        raise WireError(f"expected a {kind} message, got {_kind(message)}")


def _kind(message: JSONObject) -> str:
    """The message's type, fit to quote in a log line."""
    return repr(clean(str(message["type"]))[:40])


def _int(message: JSONObject, key: str) -> int:
    value = message.get(key)
    if type(value) is not int or value < 0:  # bool is an int to Python, not to us
        raise WireError(f"the {message['type']}'s {key!r} is not a whole number from 0")
    return value


def _seconds(message: JSONObject, key: str) -> float:
    value = message.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:  # decode refuses NaN
        raise WireError(f"the {message['type']}'s {key!r} is not a number of seconds")
    low, high = BEAT_RANGE
    return min(max(float(value), low), high)


def _bool(message: JSONObject, key: str) -> bool:
    value = message.get(key)
    if not isinstance(value, bool):
        raise WireError(f"the {message['type']}'s {key!r} is not true or false")
    return value


def _object(message: JSONObject, key: str) -> JSONObject:
    value = message.get(key)
    if not isinstance(value, dict):
        raise WireError(f"the {message['type']}'s {key!r} is not a JSON object")
    return value


def _sha256(message: JSONObject, key: str) -> str:
    value = message.get(key)
    if not isinstance(value, str) or SHA256_PATTERN.fullmatch(value) is None:
        raise WireError(f"the {message['type']}'s {key!r} is not a sha256 in hex")
    return value


def _reason(message: JSONObject) -> str:
    value = message.get("reason")
    if not isinstance(value, str):
        raise WireError(f'the {message["type"]}\'s "reason" is not a string')
    return clean(value)[:REASON_LENGTH]
