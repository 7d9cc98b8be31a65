"""The briefing room's transport over real sockets on loopback.

Each test runs a presenter and followers on one event loop (`run`), with
retry delays shortened so that reconnections happen at once, and heartbeats
shortened only in the tests about silence (a busy machine must not make the
others see a dropped link). Hand-written peers (`RawPeer`) speak the wire protocol
directly, to be slow or hostile where the Follower class would not be. `run`
fails a test on anything asyncio itself would report (an exception in a task or
callback nobody retrieved), and `quiet_room` on any traceback in the logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import struct
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import pytest

from sitboard.room import (
    Connected,
    Disconnected,
    Follower,
    Presenter,
    Reconnecting,
    RoomError,
    ScenarioReceived,
    StateReceived,
    digest,
    room_token,
)
from sitboard.room.address import JoinAddress
from sitboard.room.wire import PROTOCOL, encode

HOST = "127.0.0.1"
SCENARIO = 'title: "Central Syria"\ntowns:\n  - {id: homs, name: "حمص \\"Homs\\""}\n'.encode()
BEAT = 0.25  # seconds, in the tests of silence: a dropped link is noticed in 3 beats
FAST = {"first_delay": 0.05, "longest_delay": 0.2}  # retries; heartbeats stay at their 2 s unless a test is about them
T = TypeVar("T")


def run(body: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
    """Run ``body`` on a fresh loop; fail on any error asyncio would only have logged."""
    unhandled: list[dict[str, Any]] = []

    async def main() -> T:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: unhandled.append(context))
        async with asyncio.timeout(timeout):
            return await body()

    result = asyncio.run(main())
    assert unhandled == [], f"asyncio saw errors nobody handled: {unhandled}"
    return result


@pytest.fixture
def quiet_room(caplog):
    """The room's log lines, asserted free of tracebacks after the test."""
    caplog.set_level(logging.DEBUG, logger="sitboard.room")
    caplog.set_level(logging.DEBUG, logger="asyncio")
    yield caplog
    records = caplog.get_records("setup") + caplog.get_records("call")  # .records would be teardown's alone
    tracebacks = [r.getMessage() for r in records if r.exc_info or (r.name == "asyncio" and r.levelno >= 30)]
    assert tracebacks == []


def presenter(scenario: bytes = SCENARIO, **options: Any) -> Presenter:
    settings: dict[str, Any] = {"title": "Central Syria", "state": {"step": 0}, **options}
    return Presenter(scenario, **settings)


@contextlib.asynccontextmanager
async def open_room(**options: Any) -> AsyncIterator[tuple[Presenter, JoinAddress]]:
    """A presenter listening on loopback, closed at the end whatever happens."""
    room = presenter(**options)
    address = await room.start(HOST)
    try:
        yield room, address
    finally:
        await room.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


async def next_of(follower: Follower, kind: type[T], timeout: float = 5.0) -> tuple[T, list[object]]:
    """The next event of ``kind``, and every event before it."""
    seen: list[object] = []
    async with asyncio.timeout(timeout):
        async for event in follower:
            seen.append(event)
            if isinstance(event, kind):
                return event, seen
    raise AssertionError(f"the follower stopped before a {kind.__name__}: {seen}")


async def state_reaching(follower: Follower, seq: int, timeout: float = 5.0) -> list[object]:
    """Events up to the first state numbered ``seq`` or later."""
    seen: list[object] = []
    async with asyncio.timeout(timeout):
        async for event in follower:
            seen.append(event)
            if isinstance(event, StateReceived | Connected) and event.seq >= seq:
                return seen
    raise AssertionError(f"the follower stopped before state {seq}: {seen}")


async def wait_until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.01)


class RawPeer:
    """A follower written by hand: line in, line out, nothing checked."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, port: int, *, slow: bool = False) -> RawPeer:
        """A peer; a ``slow`` one has a small socket buffer and stops reading ahead at 32 KiB unread."""
        sock = socket.socket()
        if slow:  # before connecting, so the window stays small
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (HOST, port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=16 * 1024 if slow else 2**20)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def join(self, token: str | None, **fields: object) -> dict[str, Any]:
        """Send a join (without a token for None) and return the answer."""
        message = {
            "type": "join",
            "protocol": PROTOCOL,
            "token": token,
            "scenario_sha256": None,
            "want_scenario": False,
            "heartbeat": 30,
        }
        message.update(fields)
        if token is None:
            del message["token"]
        await self.send(encode(message))
        return await self.message()

    async def message(self, timeout: float = 5.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            line = await self.reader.readline()
        assert line.endswith(b"\n"), f"the connection ended instead: {line[:80]!r}"
        return json.loads(line)

    async def closed_by_presenter(self, timeout: float = 5.0) -> bytes:
        """Everything until the presenter closes the connection."""
        async with asyncio.timeout(timeout):
            return await self.reader.read()

    def close(self) -> None:
        self.writer.transport.abort()


# -- joining ---------------------------------------------------------------------


def test_a_late_joiner_is_welcomed_with_the_current_state(quiet_room):
    async def body() -> None:
        async with open_room() as (room, address):
            for step in range(1, 6):
                room.publish({"step": step})
            async with Follower(address, scenario_sha256=digest(SCENARIO), **FAST) as follower:
                connected, before = await next_of(follower, Connected)
                assert before == [connected]
                assert (connected.state, connected.seq, connected.scenario) == ({"step": 5}, 5, "same")
                room.publish({"step": 6})
                state, _ = await next_of(follower, StateReceived)
                assert (state.state, state.seq) == ({"step": 6}, 6)

    run(body)


def test_fifty_followers_all_end_on_the_last_state_and_are_counted(quiet_room):
    counts: list[int] = []

    async def body() -> None:
        async with open_room(on_followers=counts.append) as (room, address):
            followers = [Follower(address, **FAST) for _ in range(50)]
            for follower in followers:
                follower.start()
            await wait_until(lambda: room.followers == 50)
            for step in range(1, 21):
                room.publish({"step": step})
                await asyncio.sleep(0)
            for follower in followers:
                seen = await state_reaching(follower, 20)
                assert seen[-1].state == {"step": 20}  # type: ignore[attr-defined]
                await follower.close()
            await wait_until(lambda: room.followers == 0)

    run(body)
    assert max(counts) == 50 and counts[-1] == 0


def test_a_state_published_from_another_thread_reaches_the_followers(quiet_room):
    async def body() -> None:
        async with open_room() as (room, address), Follower(address, **FAST) as follower:
            await next_of(follower, Connected)
            seq = await asyncio.to_thread(room.publish, {"step": 42})
            state, _ = await next_of(follower, StateReceived)
            assert (state.state, state.seq) == ({"step": 42}, seq)

    run(body)


# -- a slow follower -------------------------------------------------------------


def test_a_slow_follower_skips_states_in_order_and_ends_on_the_last(quiet_room):
    padding = "x" * 8000
    published = 600

    async def body() -> None:
        async with open_room() as (room, address):
            slow = await RawPeer.connect(address.port, slow=True)
            assert (await slow.join(room.token))["type"] == "welcome"
            async with Follower(address, **FAST) as quick:
                await next_of(quick, Connected)
                for step in range(1, published + 1):  # 5 MB of states while the slow one reads nothing
                    room.publish({"step": step, "padding": padding})
                    if step % 10 == 0:
                        await asyncio.sleep(0.001)
                seen = await state_reaching(quick, published)  # the slow follower holds nobody up
                assert seen[-1].state["step"] == published  # type: ignore[attr-defined]
            seqs = []
            while not seqs or seqs[-1] < published:
                message = await slow.message()
                if message["type"] == "state":
                    seqs.append(message["seq"])
                    assert message["state"]["step"] == message["seq"]
            assert seqs == sorted(set(seqs)), "states arrive in order, each once"
            assert seqs[-1] == published
            assert len(seqs) < published / 2, (
                f"a follower that cannot keep up skips states ({len(seqs)} of {published})"
            )
            slow.close()

    run(body)


# -- tokens ----------------------------------------------------------------------


def test_a_wrong_token_is_refused_once_and_not_retried(quiet_room):
    async def body() -> None:
        async with open_room() as (_room, address):
            wrong = JoinAddress(address.host, address.port, "W" * 22)
            events = []
            async with asyncio.timeout(5):
                async for event in Follower(wrong, **FAST):
                    events.append(event)
            assert len(events) == 1 and isinstance(events[0], Disconnected), events
            assert events[0].final and "wrong token" in events[0].reason
            await asyncio.sleep(10 * FAST["first_delay"])  # time for several retries, were there any

    run(body)
    refusals = [r for r in quiet_room.records if "refused" in r.getMessage()]
    assert len(refusals) == 1, [r.getMessage() for r in refusals]


@pytest.mark.parametrize("token", [None, "", "W" * 22, "\ud800" * 22, "é" * 30])
def test_a_join_without_the_right_token_gets_a_final_refusal_and_the_door(quiet_room, token):
    async def body() -> None:
        async with open_room() as (room, address):
            peer = await RawPeer.connect(address.port)
            answer = await peer.join(token)
            assert answer["type"] == "refused" and answer["final"] is True
            assert "token" in answer["reason"]
            assert await peer.closed_by_presenter() == b""
            assert room.followers == 0

    run(body)


def test_a_follower_of_another_protocol_version_is_told_to_match_versions(quiet_room):
    async def body() -> None:
        async with open_room() as (room, address):
            peer = await RawPeer.connect(address.port)
            answer = await peer.join(room.token, protocol=PROTOCOL + 1)
            assert answer["type"] == "refused" and answer["final"] is True and "same version" in answer["reason"]

    run(body)


def test_a_full_room_refuses_politely_and_lets_the_follower_in_when_a_seat_frees(quiet_room):
    async def body() -> None:
        async with open_room(max_followers=2) as (room, address):
            first, second, third = (Follower(address, **FAST) for _ in range(3))
            for follower in (first, second):
                follower.start()
                await next_of(follower, Connected)
            third.start()
            note, before = await next_of(third, Reconnecting)
            assert "full" in note.reason and before == [note]
            await first.close()
            await next_of(third, Connected)
            assert room.followers == 2
            await second.close()
            await third.close()

    run(body)


# -- the scenario ----------------------------------------------------------------


def test_a_follower_is_told_plainly_when_its_scenario_differs(quiet_room):
    async def body() -> None:
        async with open_room() as (room, address):
            async with Follower(address, scenario_sha256=digest(b"another file"), want_scenario=True, **FAST) as other:
                connected, _ = await next_of(other, Connected)
                assert connected.scenario == "different" and not connected.can_send_scenario
                assert connected.problem is not None and connected.problem.startswith("different scenario")
                room.publish({"step": 1})
                await next_of(other, StateReceived)  # still follows: what to show is the interface's call
            async with Follower(address, **FAST) as bare:
                connected, _ = await next_of(bare, Connected)
                assert connected.scenario == "missing" and connected.problem is not None
            async with Follower(address, scenario_sha256=digest(SCENARIO), **FAST) as same:
                connected, _ = await next_of(same, Connected)
                assert connected.scenario == "same" and connected.problem is None

    run(body)


def test_the_scenario_is_sent_first_when_allowed_and_asked(quiet_room):
    async def body() -> None:
        async with open_room(send_scenario=True) as (room, address):
            room.publish({"step": 3})
            async with Follower(address, scenario_sha256=digest(b"old version"), want_scenario=True, **FAST) as remote:
                connected, _ = await next_of(remote, Connected)
                assert connected.scenario == "incoming" and connected.state == {"step": 3}
                events = await state_reaching(remote, room.publish({"step": 4}))
                assert isinstance(events[0], ScenarioReceived), "the scenario comes before any state"
                assert events[0].data == SCENARIO and events[0].sha256 == digest(SCENARIO)
                assert remote.scenario_sha256 == digest(SCENARIO)
            async with Follower(address, scenario_sha256=digest(SCENARIO), want_scenario=True, **FAST) as local:
                connected, _ = await next_of(local, Connected)
                assert connected.scenario == "same"
                events = await state_reaching(local, room.publish({"step": 5}))
                assert not any(isinstance(e, ScenarioReceived) for e in events), "no need to send what it has"

    run(body)


def test_a_presenter_will_not_offer_a_scenario_over_the_limit():
    with pytest.raises(RoomError, match="over the 1000 bytes a follower fetches"):
        presenter(scenario=b"x" * 1001, send_scenario=True, scenario_limit=1000)
    with pytest.raises(RoomError, match="not UTF-8"):
        presenter(scenario=b"\xff\xfe", send_scenario=True)
    presenter(scenario=b"x" * 1001, scenario_limit=1000)  # not sending it: any size will do


def test_a_follower_will_not_fetch_a_scenario_over_its_limit(quiet_room):
    async def body() -> None:
        async with open_room(scenario=b"y: 1\n" * 1000, send_scenario=True) as (_room, address):
            events = []
            async with asyncio.timeout(5):
                async for event in Follower(address, want_scenario=True, scenario_limit=1000, **FAST):
                    events.append(event)
            assert len(events) == 1 and isinstance(events[0], Disconnected) and events[0].final
            assert "over the 1000 bytes a follower fetches" in events[0].reason

    run(body)


def welcome(**fields: object) -> bytes:
    """What a presenter of our own making says first."""
    message = {
        "type": "welcome",
        "protocol": PROTOCOL,
        "heartbeat": 30,
        "title": "t",
        "scenario_sha256": "0" * 64,
        "scenario_bytes": 10,
        "can_send_scenario": False,
        "seq": 0,
        "state": {},
    }
    return encode(message | fields)


def test_a_follower_stops_a_presenter_that_sends_more_scenario_than_it_announced(quiet_room):
    """A presenter that lies about the size: the follower's line limit holds, and it stops for good."""
    sha = "0" * 64
    hung_up = asyncio.Event()

    async def lying(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readline()
        writer.write(welcome(scenario_sha256=sha, can_send_scenario=True))
        writer.write(encode({"type": "scenario", "sha256": sha, "text": "z" * 50_000})[:-3])  # and no end
        with contextlib.suppress(ConnectionError):
            await writer.drain()
            await reader.read()
        hung_up.set()

    async def body() -> None:
        server = await asyncio.start_server(lying, HOST, 0)
        port = server.sockets[0].getsockname()[1]
        events = []
        async with asyncio.timeout(5):
            async for event in Follower(
                JoinAddress(HOST, port, "T" * 22), want_scenario=True, scenario_limit=1000, **FAST
            ):
                events.append(event)
        assert [type(e) for e in events] == [Connected, Disconnected]
        assert events[-1].final and "over the 1000 bytes" in events[-1].reason  # type: ignore[attr-defined]
        await hung_up.wait()  # the follower hung up on it
        server.close()
        await server.wait_closed()

    run(body)


def test_a_follower_drops_a_presenter_whose_states_go_backwards(quiet_room):
    async def confused(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readline()
        writer.write(welcome(seq=4, state={"step": 4}))
        for seq in (5, 3, 6):
            writer.write(encode({"type": "state", "seq": seq, "state": {"step": seq}}))
        with contextlib.suppress(ConnectionError):
            await writer.drain()
            await reader.read()

    async def body() -> None:
        server = await asyncio.start_server(confused, HOST, 0)
        port = server.sockets[0].getsockname()[1]
        async with Follower(JoinAddress(HOST, port, "T" * 22), heartbeat=BEAT, first_delay=60) as follower:
            gone, seen = await next_of(follower, Disconnected)
        states = [e.state["step"] for e in seen if isinstance(e, StateReceived)]
        assert states == [5] and "state 3 came after state 5" in gone.reason and not gone.final
        server.close()

    run(body)


def test_a_new_scenario_on_the_presenter_sends_followers_round_again(quiet_room):
    async def body() -> None:
        async with (
            open_room(send_scenario=True) as (room, address),
            Follower(address, scenario_sha256=digest(SCENARIO), want_scenario=True, **FAST) as follower,
        ):
            await next_of(follower, Connected)
            edited = SCENARIO + b"# saved again\n"
            room.replace_scenario(edited, "Central Syria (edited)")
            reconnected, before = await next_of(follower, Connected)
            assert any(isinstance(e, Disconnected) and "another scenario" in e.reason for e in before)
            assert reconnected.scenario == "incoming" and reconnected.title == "Central Syria (edited)"
            received, _ = await next_of(follower, ScenarioReceived)
            assert received.data == edited

    run(body)


# -- restarts and dropped links --------------------------------------------------


def test_followers_pick_up_again_when_the_presenter_restarts_on_its_port(quiet_room, tmp_path):
    async def body() -> None:
        port = free_port()
        token = room_token(port, directory=tmp_path)
        room = presenter(token=token.value)
        address = await room.start(HOST, port)
        followers = [Follower(str(address), **FAST) for _ in range(3)]
        for follower in followers:
            follower.start()
            await next_of(follower, Connected)
        await room.close()
        for follower in followers:
            gone, _ = await next_of(follower, Disconnected)
            assert not gone.final and "closed the room" in gone.reason
        await asyncio.sleep(0.3)  # the followers knock on a closed door meanwhile
        remembered = room_token(port, directory=tmp_path)
        assert (remembered.value, remembered.source) == (token.value, "remembered")
        again = presenter(token=remembered.value, state={"step": 9})
        assert await again.start(HOST, port) == address
        for follower in followers:
            connected, _ = await next_of(follower, Connected)
            assert connected.state == {"step": 9}
        again.publish({"step": 10})
        for follower in followers:
            state, _ = await next_of(follower, StateReceived)
            assert state.state == {"step": 10}
            await follower.close()
        await again.close()

    run(body)


def test_a_follower_that_falls_silent_loses_its_seat(quiet_room):
    async def body() -> None:
        async with open_room(heartbeat=BEAT) as (room, address):
            peer = await RawPeer.connect(address.port)
            assert (await peer.join(room.token, heartbeat=BEAT))["type"] == "welcome"
            assert room.followers == 1
            await peer.closed_by_presenter()  # it sends nothing more, and keeps the connection open
            assert room.followers == 0
            peer.close()

    run(body)


def test_an_idle_room_stays_connected_on_heartbeats_alone(quiet_room):
    async def body() -> None:
        async with (
            open_room(heartbeat=BEAT) as (room, address),
            Follower(address, heartbeat=BEAT, **FAST) as follower,
        ):
            await next_of(follower, Connected)
            with pytest.raises(TimeoutError):  # nothing happens for four times the silence either side allows
                await next_of(follower, Disconnected, timeout=12 * BEAT)
            assert room.followers == 1

    run(body)


class Link:
    """A TCP relay between followers and the presenter that the test can cut or black-hole."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.frozen = False
        self.pipes: list[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = []
        self.server: asyncio.Server | None = None

    async def open(self) -> int:
        self.server = await asyncio.start_server(self._relay, HOST, 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(HOST, self.target)
        self.pipes.append((writer, up_writer))
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                if self.frozen:
                    continue  # the cable is cut but nobody told the sockets
                writer.write(data)
                await writer.drain()
        if not self.frozen:  # nor does a hang-up get through
            writer.close()

    def cut(self) -> None:
        """Both ends see the connection reset, as when a network goes down hard."""
        for down, up in self.pipes:
            down.transport.abort()
            up.transport.abort()
        self.pipes.clear()

    async def close(self) -> None:
        self.cut()
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


def test_a_cut_link_is_reported_and_the_follower_comes_back(quiet_room):
    async def body() -> None:
        async with open_room() as (room, address):
            link = Link(address.port)
            relayed = JoinAddress(HOST, await link.open(), address.token)
            async with Follower(relayed, **FAST) as follower:
                await next_of(follower, Connected)
                link.cut()
                gone, _ = await next_of(follower, Disconnected)
                assert not gone.final
                room.publish({"step": 7})
                back, before = await next_of(follower, Connected)
                assert any(isinstance(e, Reconnecting) for e in before)
                assert back.state == {"step": 7}
            await link.close()

    run(body)


def test_a_silent_link_is_noticed_by_both_ends_within_a_few_heartbeats(quiet_room):
    async def body() -> None:
        async with open_room(heartbeat=BEAT) as (room, address):
            link = Link(address.port)
            relayed = JoinAddress(HOST, await link.open(), address.token)
            async with Follower(relayed, heartbeat=BEAT, **FAST) as follower:
                await next_of(follower, Connected)
                link.frozen = True  # nothing passes, nothing is closed
                gone, _ = await next_of(follower, Disconnected)
                assert "no word from the presenter" in gone.reason
                await wait_until(lambda: room.followers == 0)  # and the presenter gave the seat up
                link.frozen = False
                await next_of(follower, Connected)
                assert room.followers == 1
            await link.close()

    run(body)


# -- hostile peers ---------------------------------------------------------------

HOSTILE_FIRST_LINES = [
    b"hello\n",
    b"\xff\xfe\x00garbage\n",
    b"[" * 3000 + b"\n",
    b'{"type": "join", "protocol": ' + b"9" * 5000 + b"}\n",
    b'{"type": "state", "seq": 1, "state": {}}\n',
    b'{"type": "join", "protocol": 1, "token": 5, "heartbeat": 1}\n',
    b'{"type": "join", "protocol": 1, "token": "x", "heartbeat": NaN}\n',
    b"[]\n",
    b"\x1b[2J\x1b]0;owned\x07\n",
    b"a" * 5000 + b"\n",
    b"b" * 100_000,
]


def test_hostile_first_lines_are_turned_away_with_one_log_line_each(quiet_room):
    async def body() -> None:
        async with open_room() as (_room, address):
            for line in HOSTILE_FIRST_LINES:
                peer = await RawPeer.connect(address.port)
                with contextlib.suppress(ConnectionError):
                    await peer.send(line)
                with contextlib.suppress(ConnectionError):
                    await peer.closed_by_presenter()
                peer.close()
            async with Follower(address, **FAST) as follower:  # and the room still works
                await next_of(follower, Connected)

    run(body)
    warnings = [r for r in quiet_room.records if r.levelno >= logging.WARNING]
    assert len(warnings) == len(HOSTILE_FIRST_LINES), [r.getMessage() for r in warnings]
    assert all("\x1b" not in r.getMessage() for r in warnings)


@pytest.mark.parametrize(
    "after_join",
    [
        b'{"type": "state", "seq": 1, "state": {"step": 99}}\n',
        b'{"type": "join", "protocol": 1}\n',
        b"not json\n",
        b"c" * 10_000,
    ],
)
def test_a_follower_that_sends_anything_but_heartbeats_is_disconnected(quiet_room, after_join):
    async def body() -> None:
        async with open_room() as (room, address):
            peer = await RawPeer.connect(address.port)
            assert (await peer.join(room.token))["type"] == "welcome"
            await peer.send(encode({"type": "heartbeat"}))
            await peer.send(after_join)
            await peer.closed_by_presenter()
            await wait_until(lambda: room.followers == 0)

    run(body)
    warnings = [r.getMessage() for r in quiet_room.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "disconnected" in warnings[0], warnings


def test_a_connection_that_never_joins_is_closed(quiet_room):
    async def body() -> None:
        async with open_room(heartbeat=BEAT) as (_room, address):
            peer = await RawPeer.connect(address.port)
            await peer.send(b'{"type": "jo')  # and then nothing
            assert await peer.closed_by_presenter() == b""  # within its wait: by the presenter, not the test

    run(body)


def test_ten_thousand_abandoned_connections_leave_the_room_working(quiet_room):
    """Opened and dropped from another thread, at most 200 at a time; some say half a join first."""

    def flood(port: int, stop: threading.Event) -> int:
        made = 0
        while made < 10_000 and not stop.is_set():
            batch = []
            for i in range(200):
                try:
                    s = socket.create_connection((HOST, port), timeout=5)
                except OSError:
                    continue  # a full backlog: the flood is doing its job
                if i % 3 == 0:
                    with contextlib.suppress(OSError):
                        s.send(b'{"type": "join", "tok')
                batch.append(s)
            for s in batch:
                if made % 2:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
                s.close()
                made += 1
        return made

    async def body() -> None:
        async with open_room() as (room, address):
            stop = threading.Event()
            async with Follower(address) as follower:
                await next_of(follower, Connected)
                try:
                    made = await asyncio.to_thread(flood, address.port, stop)
                finally:
                    stop.set()
                assert made >= 9_000
                seen = await state_reaching(follower, room.publish({"step": 1}))
                assert not any(isinstance(e, Disconnected) for e in seen), "the follower kept its seat throughout"
            async with Follower(address) as late:
                connected, _ = await next_of(late, Connected)
                assert connected.state == {"step": 1}

    run(body, timeout=120)


def test_a_port_in_use_is_a_sentence():
    async def body() -> None:
        first = presenter()
        address = await first.start(HOST)
        with pytest.raises(RoomError, match=f"cannot listen on {HOST}:{address.port}"):
            await presenter().start(HOST, address.port)
        with pytest.raises(RoomError, match="host"):
            await presenter().start("\x1b[2J", 0)
        await first.close()

    run(body)


def test_the_room_benchmark_reports_every_figure():
    from sitboard.room.bench import bench_room

    figures = bench_room(publishes=5, pace=0.01, crowds=(0, 2))
    assert set(figures["publish"]) == {"0", "2"} and set(figures["late_join"]) == {"0", "2"}
    assert figures["publish"]["2"]["with_writes"]["n"] == 5
    assert 2 <= figures["latency"]["2"]["n"] <= 2 * 5  # states a follower reads too late for coalesce
