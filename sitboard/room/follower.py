"""The follower's side of the briefing room: a connection that keeps coming back.

A ``Follower`` is an async iterator of events, for an interface to turn into
what it shows::

    async with Follower(address, scenario_sha256=digest(data)) as follower:
        async for event in follower:
            ...  # Connected, ScenarioReceived, StateReceived, Disconnected, Reconnecting

``Connected`` carries the presenter's current state, so a late joiner shows the
step at once, and says plainly whether the follower has the same scenario
(``"same"``), another one (``"different"``), none (``"missing"``), or is about
to be sent it (``"incoming"``, followed by ``ScenarioReceived`` before any
state). ``StateReceived`` comes with the presenter's sequence number, which
only grows within a connection (a restarted presenter counts from its own
welcome again).

The follower never gives up on its own: when a connection ends (the presenter
quit, the network dropped) it says ``Disconnected`` and tries again, 0.2 s
after, then 0.4, 0.8 ... up to every 2 s, each attempt announced by
``Reconnecting`` with the reason the last one failed. The interface keeps the
last picture meanwhile. Only what retrying cannot mend ends it, with a final
``Disconnected``: a refusal the presenter marks final (a wrong or missing
token, another protocol version) or a scenario over ``scenario_limit``; a
wrong token does not make a follower knock every 2 s.

Liveness: a heartbeat goes to the presenter every ``heartbeat`` seconds, and a
presenter silent for ``SILENCE`` of its own heartbeat intervals (it sends them
when idle; 6 s by default) counts as gone, so a dropped link shows within a few seconds. Events wait in order for
the reader; a state after a state replaces it, as does a reconnecting note after
another, so an interface that reads slowly sees the latest state and holds a
short queue. Nothing here imports the interface toolkits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import Literal, NoReturn, Self

from sitboard.room.address import JoinAddress, parse_address
from sitboard.room.streams import finish
from sitboard.room.wire import (
    CONTROL_LIMIT,
    HEARTBEAT,
    HEARTBEAT_LINE,
    PROTOCOL,
    SCENARIO_LIMIT,
    SHA256_PATTERN,
    SILENCE,
    Bye,
    JSONObject,
    Refused,
    Scenario,
    State,
    Welcome,
    WireError,
    decode,
    digest,
    encode,
    parse_presenter_message,
    scenario_line_limit,
    size_text,
)

log = logging.getLogger("sitboard.room")

FIRST_DELAY = 0.2  # seconds before the first retry
LONGEST_DELAY = 2.0  # the wait doubles up to this
CONNECT_TIMEOUT = 5.0
SCENARIO_TIMEOUT = 300.0  # a 32 MiB scenario over a slow link to a remote colleague

ScenarioMatch = Literal["same", "different", "missing", "incoming"]


@dataclass(frozen=True)
class Connected:
    """Welcomed by the presenter; ``state`` is where the briefing is now."""

    title: str
    scenario_sha256: str
    scenario_bytes: int
    scenario: ScenarioMatch
    can_send_scenario: bool
    state: JSONObject
    seq: int

    @property
    def problem(self) -> str | None:
        """A sentence for the interface when the follower cannot show the presenter's scenario."""
        if self.scenario == "different":
            return (
                f"different scenario: the presenter shows {self.title!r} from another file than this one;"
                " open the same file as the presenter"
                + ("" if self.can_send_scenario else ", or ask the presenter to send the scenario")
            )
        if self.scenario == "missing":
            return (
                f"no scenario: the presenter shows {self.title!r} and does not send it;"
                " open the same file as the presenter"
            )
        return None


@dataclass(frozen=True)
class ScenarioReceived:
    """The presenter's scenario file, byte for byte (checked against its sha256)."""

    data: bytes
    sha256: str


@dataclass(frozen=True)
class StateReceived:
    state: JSONObject
    seq: int


@dataclass(frozen=True)
class Disconnected:
    """A connection ended. With ``final`` the follower has stopped: ``reason`` says why retrying cannot help."""

    reason: str
    final: bool


@dataclass(frozen=True)
class Reconnecting:
    """The next attempt comes in ``delay`` seconds; ``reason`` is why the last one ended or failed."""

    delay: float
    reason: str


Event = Connected | ScenarioReceived | StateReceived | Disconnected | Reconnecting


class Follower:
    """Follows one presenter until closed; iterate over it for events (it starts on first use)."""

    def __init__(
        self,
        address: JoinAddress | str,
        *,
        scenario_sha256: str | None = None,
        want_scenario: bool = False,
        heartbeat: float = HEARTBEAT,
        first_delay: float = FIRST_DELAY,
        longest_delay: float = LONGEST_DELAY,
        scenario_limit: int = SCENARIO_LIMIT,
        connect_timeout: float = CONNECT_TIMEOUT,
        scenario_timeout: float = SCENARIO_TIMEOUT,
    ) -> None:
        if scenario_sha256 is not None and SHA256_PATTERN.fullmatch(scenario_sha256) is None:
            raise ValueError("scenario_sha256 is the sha256 of the scenario's bytes in lowercase hex (wire.digest)")
        self.address = parse_address(address) if isinstance(address, str) else address
        self.scenario_sha256 = scenario_sha256  # updated when the presenter sends its scenario
        self.want_scenario = want_scenario
        self.heartbeat = heartbeat
        self.silence = SILENCE * heartbeat
        self.first_delay = first_delay
        self.longest_delay = longest_delay
        self.scenario_limit = scenario_limit
        self.connect_timeout = connect_timeout
        self.scenario_timeout = scenario_timeout
        self._events: deque[Event] = deque()
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._done = False

    def start(self) -> None:
        """Begin connecting (on the running loop); iterating or ``async with`` does it too."""
        if self._task is None and not self._done:
            self._task = asyncio.create_task(self._run(), name=f"follow {self.address.place}")

    async def close(self) -> None:
        """Stop following; the iterator ends after the events already queued."""
        self._done = True
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
        self._arrived.set()

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()

    def __aiter__(self) -> Follower:
        return self

    async def __anext__(self) -> Event:
        self.start()
        while not self._events:
            if self._done:
                raise StopAsyncIteration
            self._arrived.clear()
            await self._arrived.wait()
        return self._events.popleft()

    # -- inside ---------------------------------------------------------------

    def _push(self, event: Event) -> None:
        if isinstance(event, StateReceived | Reconnecting) and self._events and type(self._events[-1]) is type(event):
            self._events[-1] = event  # the interface wants the latest, not every one it was too slow for
        else:
            self._events.append(event)
        self._arrived.set()

    async def _run(self) -> None:
        delay = self.first_delay
        try:
            while True:
                connected, reason = await self._session()
                if connected:
                    delay = self.first_delay
                    self._push(Disconnected(reason, final=False))
                self._push(Reconnecting(delay, reason))
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.longest_delay)
        except _Final as final:
            self._push(Disconnected(str(final), final=True))
        except Exception as exc:  # a bug must end in a sentence, not a silent dead follower
            log.exception("following %s stopped on an internal error", self.address.place)
            self._push(Disconnected(f"the follower stopped on an internal error: {exc}", final=True))
        finally:
            self._done = True
            self._arrived.set()

    async def _session(self) -> tuple[bool, str]:
        """One connection, from connecting to its end: (whether it was welcomed, why it ended)."""
        place = self.address.place
        limit = scenario_line_limit(self.scenario_limit) if self.want_scenario else CONTROL_LIMIT
        try:
            async with asyncio.timeout(self.connect_timeout):
                reader, writer = await asyncio.open_connection(self.address.host, self.address.port, limit=limit)
        except TimeoutError:
            return False, f"no answer from {place} within {self.connect_timeout:g} s"
        except OSError as exc:
            return False, f"cannot reach {place}: {exc.strerror or exc}"
        beat = asyncio.create_task(self._beat(writer))
        connected = False
        try:
            writer.write(self._join())
            welcome = await self._read(reader, self.silence)
            if isinstance(welcome, Refused):
                if welcome.final:
                    raise _Final(f"the presenter refused: {welcome.reason}")
                return False, f"the presenter refused: {welcome.reason}"
            if not isinstance(welcome, Welcome):
                raise WireError("the presenter's first message was not a welcome")
            if welcome.protocol != PROTOCOL:
                raise _Final(
                    f"the presenter speaks room protocol {welcome.protocol} and this follower {PROTOCOL}:"
                    " use the same version of sitboard on both sides"
                )
            incoming = self._incoming(welcome)
            connected = True
            self._push(self._connected(welcome, incoming))
            if incoming:
                await self._fetch(reader, welcome)
            await self._follow(reader, welcome.seq, SILENCE * max(self.heartbeat, welcome.heartbeat))
        except _Lost as exc:
            return connected, str(exc)
        except WireError as exc:
            return connected, f"the presenter sent what this follower cannot read: {exc}"
        finally:
            beat.cancel()
            finish(writer)

    def _join(self) -> bytes:
        return encode(
            {
                "type": "join",
                "protocol": PROTOCOL,
                "token": self.address.token,
                "scenario_sha256": self.scenario_sha256,
                "want_scenario": self.want_scenario,
                "heartbeat": self.heartbeat,
            }
        )

    def _incoming(self, welcome: Welcome) -> bool:
        """Whether the scenario comes next; _Final if it would be over the limit."""
        if not (self.want_scenario and welcome.can_send_scenario and welcome.scenario_sha256 != self.scenario_sha256):
            return False
        if welcome.scenario_bytes > self.scenario_limit:
            raise _Final(self._too_big(welcome.scenario_bytes))
        return True

    def _connected(self, welcome: Welcome, incoming: bool) -> Connected:
        match: ScenarioMatch
        if welcome.scenario_sha256 == self.scenario_sha256:
            match = "same"
        elif incoming:
            match = "incoming"
        elif self.scenario_sha256 is None:
            match = "missing"
        else:
            match = "different"
        return Connected(
            title=welcome.title,
            scenario_sha256=welcome.scenario_sha256,
            scenario_bytes=welcome.scenario_bytes,
            scenario=match,
            can_send_scenario=welcome.can_send_scenario,
            state=welcome.state,
            seq=welcome.seq,
        )

    async def _fetch(self, reader: asyncio.StreamReader, welcome: Welcome) -> None:
        message = await self._read(reader, self.scenario_timeout, scenario=True)
        if not isinstance(message, Scenario):
            raise WireError("the presenter promised its scenario and sent something else")
        data = message.text.encode("utf-8")
        if len(data) > self.scenario_limit:
            raise _Final(self._too_big(len(data)))
        if digest(data) != welcome.scenario_sha256 or message.sha256 != welcome.scenario_sha256:
            raise _Final("the scenario the presenter sent is not the one it announced (its sha256 differs)")
        self.scenario_sha256 = welcome.scenario_sha256  # after a presenter restart, no need to fetch it again
        self._push(ScenarioReceived(data, welcome.scenario_sha256))

    async def _follow(self, reader: asyncio.StreamReader, seq: int, silence: float) -> NoReturn:
        """Pass states on until the connection ends (always by raising _Lost or WireError)."""
        while True:
            message = await self._read(reader, silence)
            if message is None:
                continue
            if isinstance(message, State):
                if message.seq <= seq:
                    raise WireError(f"state {message.seq} came after state {seq}")
                seq = message.seq
                self._push(StateReceived(message.state, seq))
            elif isinstance(message, Bye):
                raise _Lost(message.reason)
            else:
                raise WireError(f"a {type(message).__name__.lower()} message in the middle of the briefing")

    async def _read(
        self, reader: asyncio.StreamReader, timeout: float, *, scenario: bool = False
    ) -> Welcome | State | Scenario | Refused | Bye | None:
        try:
            async with asyncio.timeout(timeout):
                line = await reader.readline()
        except TimeoutError:
            raise _Lost(f"no word from the presenter for {timeout:g} s") from None
        except ValueError:
            if scenario:
                raise _Final(self._too_big(None)) from None
            raise _Lost(f"the presenter sent a line over {CONTROL_LIMIT} bytes") from None
        except OSError as exc:
            raise _Lost(f"connection lost ({exc.strerror or type(exc).__name__})") from None
        if not line.endswith(b"\n"):
            raise _Lost("the presenter's connection closed")
        if not scenario and len(line) > CONTROL_LIMIT + 1:
            raise _Lost(f"the presenter sent a line over {CONTROL_LIMIT} bytes")
        return parse_presenter_message(decode(line))

    async def _beat(self, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while True:
                await asyncio.sleep(self.heartbeat)
                writer.write(HEARTBEAT_LINE)
                await writer.drain()

    def _too_big(self, size: int | None) -> str:
        shown = "" if size is None else f" ({size_text(size)})"
        return (
            f"the presenter's scenario{shown} is over the {size_text(self.scenario_limit)} a follower fetches:"
            " open a copy of the file instead"
        )


class _Lost(Exception):
    """The connection ended in a way that retrying may mend."""


class _Final(Exception):
    """The follower must stop: retrying cannot help."""
