"""The presenter's side of the briefing room: one listening socket, a seat per follower.

The briefer's board must never wait for the room. ``publish`` serialises the
state once, numbers it, and hands the same line to every seat; it never awaits.
A seat whose socket has room sends the line at once (one ``send``, nothing to
wake: 50 followers then cost the presenter's loop about half a millisecond a
step). Otherwise the seat keeps only the latest line it has not sent yet
(coalescing), written by the seat's own task when the socket drains: a
follower that reads slowly skips the states it could not keep up with and
always ends on the latest, and costs the presenter one line plus its socket
buffer, however far behind it is. That buffer is set to ``SEND_BUFFER`` rather
than left to the kernel's tuning (megabytes), so a follower on a congested link
is at most a few hundred kilobytes of states behind before it starts skipping,
rather than wading through seconds of stale steps; a scenario transfer still
runs at that buffer per round trip (5 MB/s at 50 ms).

A connection is its own task. It must send a join within ``SILENCE`` heartbeats;
the presenter answers ``welcome`` (with the current state, so a late joiner
shows the step at once, and the scenario first when the follower asked and
the briefer allowed it) or ``refused`` with one line of reason, and closes.
After the join a follower may only send heartbeats: anything else, malformed
JSON, a line over ``FOLLOWER_LIMIT``, or silence for ``SILENCE`` heartbeats ends
the connection with one log line. The seat's task sends a heartbeat whenever it
has sent nothing for ``heartbeat`` seconds, so followers notice a dead link.

Bounds: ``max_followers`` welcomed at once (refused past that, not finally:
the follower tries again later), and as many connections waiting for their
join; past that a new connection is closed at once. Every token comparison is
constant-time (``hmac.compare_digest``); a token is always required, whatever
the host. Log lines go to the ``sitboard.room`` logger, one per event, never a
traceback for what a peer did; where they end up is the interface's choice.

``publish`` may be called from another thread than the room's loop (it then
hands the line over with ``call_soon_threadsafe``). The follower-count
callback runs on the room's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import socket
import threading
from collections.abc import Callable, Mapping

from sitboard.room.address import MAX_PORT, AddressError, JoinAddress, check_host
from sitboard.room.streams import finish
from sitboard.room.token_store import check_given, new_token
from sitboard.room.wire import (
    CONTROL_LIMIT,
    FOLLOWER_LIMIT,
    HEARTBEAT,
    HEARTBEAT_LINE,
    PROTOCOL,
    SCENARIO_LIMIT,
    SILENCE,
    Join,
    RoomError,
    WireError,
    decode,
    digest,
    encode,
    parse_join,
    scenario_line,
    scenario_line_limit,
    size_text,
    state_line,
    state_text,
    welcome_line,
)

log = logging.getLogger("sitboard.room")

MAX_FOLLOWERS = 200
SEND_BUFFER = 256 * 1024  # the kernel's share of a follower's backlog (Linux doubles it): see the module's docstring
BACKLOG = 1024  # connections the kernel holds until accepted: a whole room reconnecting at once after a restart
WRITE_CHUNK = 256 * 1024  # the scenario goes out in pieces, so no socket buffer holds a copy of all of it
STATE_LIMIT = CONTROL_LIMIT - 1024  # a state line is the state and a few dozen bytes around it
CLOSE_GRACE = 1.0  # seconds close() waits for connections to end before cancelling them


class Presenter:
    """A briefing room: ``await start()``, then ``publish(state)`` on every change, and ``await close()``."""

    def __init__(
        self,
        scenario: bytes,
        *,
        title: str,
        state: Mapping[str, object],
        token: str | None = None,
        send_scenario: bool = False,
        max_followers: int = MAX_FOLLOWERS,
        heartbeat: float = HEARTBEAT,
        scenario_limit: int = SCENARIO_LIMIT,
        on_followers: Callable[[int], None] | None = None,
    ) -> None:
        if max_followers < 1:
            raise ValueError("a room has room for at least one follower")
        self.token = check_given(token) if token is not None else new_token()
        self.max_followers = max_followers
        self.heartbeat = heartbeat
        self.silence = SILENCE * heartbeat
        self.on_followers = on_followers
        self.send_scenario = send_scenario
        self._scenario_limit = scenario_limit
        self._title = title
        self._scenario_sha256 = ""
        self._scenario_bytes = 0
        self._scenario_line: bytes | None = None
        self._take_scenario(scenario, title)
        self._seq = 0  # the last number given out by publish
        self._seq_lock = threading.Lock()
        self._sent_seq = 0  # the last number handed to the seats
        self._state = _checked(state)
        self._seats: dict[_Seat, None] = {}
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._waiting = 0
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._address: JoinAddress | None = None
        self._closing = False

    # -- the briefer's side -------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> JoinAddress:
        """Listen on ``host:port`` (port 0: any free one) and return the join address; RoomError if it cannot."""
        if self._server is not None or self._closing:
            raise RuntimeError("a Presenter is started once")
        try:
            check_host(host)
        except AddressError as exc:
            raise RoomError(f"cannot hold a room on that host: {exc}") from None
        if not 0 <= port <= MAX_PORT:
            raise RoomError(f"cannot hold a room on port {port}: a port is a number from 1 to 65535")
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        place = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        try:
            self._server = await asyncio.start_server(
                self._connection, host, port, limit=FOLLOWER_LIMIT, backlog=BACKLOG
            )
        except OSError as exc:
            raise RoomError(f"cannot listen on {place}: {exc.strerror or exc}") from None
        bound = self._server.sockets[0].getsockname()[1]
        self._address = JoinAddress(_advertised(host), bound, self.token)
        log.info("room open on %s", self._address.place)
        return self._address

    @property
    def address(self) -> JoinAddress:
        if self._address is None:
            raise RuntimeError("the room is not open yet: await start() first")
        return self._address

    @property
    def followers(self) -> int:
        """Followers welcomed and still connected."""
        return len(self._seats)

    def publish(self, state: Mapping[str, object]) -> int:
        """Send ``state`` (a JSON object) to every follower; returns its sequence number. Never waits.

        ValueError if the state is not plain JSON or is over the control limit.
        """
        text = _checked(state)
        with self._seq_lock:
            self._seq += 1
            seq = self._seq
        line = state_line(seq, text)
        loop = self._loop
        if loop is None or threading.get_ident() == self._thread:
            self._hand_out(seq, text, line)
        else:
            with contextlib.suppress(RuntimeError):  # the loop has closed: so has the room
                loop.call_soon_threadsafe(self._hand_out, seq, text, line)
        return seq

    def replace_scenario(self, scenario: bytes, title: str) -> None:
        """The briefer opened another scenario (or saved this one): followers reconnect and check it again.

        RoomError if it cannot be sent and sending was allowed; the room keeps the old one then.
        """
        self._take_scenario(scenario, title)
        bye = encode({"type": "bye", "reason": "the presenter opened another scenario"})
        for seat in list(self._seats):
            seat.task.cancel()
            finish(seat.writer, bye if seat.opened else None)

    async def close(self, reason: str = "the presenter closed the room") -> None:
        """Say goodbye to every follower (they keep their last state and keep trying), stop listening."""
        if self._closing:
            return
        self._closing = True
        if self._server is not None:
            self._server.close()
        bye = encode({"type": "bye", "reason": reason})
        seated = {seat.writer for seat in self._seats if seat.opened}
        for seat in self._seats:
            seat.task.cancel()
        for writer in self._connections.values():
            finish(writer, bye if writer in seated else None)
        tasks = list(self._connections)
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=CLOSE_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        log.info("room closed")

    # -- inside ---------------------------------------------------------------

    def _take_scenario(self, scenario: bytes, title: str) -> None:
        line = None
        sha = digest(scenario)
        if self.send_scenario:
            limit = self._scenario_limit
            if len(scenario) > limit:
                raise RoomError(
                    f"the scenario is {size_text(len(scenario))}, over the {size_text(limit)} a follower fetches:"
                    " followers need their own copy of the file"
                )
            try:
                text = scenario.decode("utf-8")
            except UnicodeDecodeError:
                raise RoomError("the scenario is not UTF-8 text, so followers cannot be sent it") from None
            line = scenario_line(sha, text)
            if len(line) > scenario_line_limit(limit):
                raise RoomError(
                    f"the scenario takes {size_text(len(line))} to send,"
                    f" over the {size_text(scenario_line_limit(limit))} a follower reads:"
                    " followers need their own copy of the file"
                )
        self._scenario_sha256, self._scenario_bytes, self._scenario_line, self._title = sha, len(scenario), line, title

    def _hand_out(self, seq: int, text: str, line: bytes) -> None:
        if seq <= self._sent_seq:  # published from two threads at once: the later one already went
            return
        self._sent_seq, self._state = seq, text
        for seat in self._seats:
            seat.offer(line)

    def _welcome(self, join: Join) -> list[bytes]:
        """The first lines for a follower: the welcome, then the scenario if it asked and may have it."""
        lines = [
            welcome_line(
                heartbeat=self.heartbeat,
                title=self._title,
                scenario_sha256=self._scenario_sha256,
                scenario_bytes=self._scenario_bytes,
                can_send_scenario=self._scenario_line is not None,
                seq=self._sent_seq,
                state=self._state,
            )
        ]
        if self._scenario_line is not None and join.want_scenario and join.scenario_sha256 != self._scenario_sha256:
            lines.append(self._scenario_line)
        return lines

    def _refusal(self, join: Join) -> tuple[str, bool] | None:
        """Why a join is refused, and whether trying again could ever help; None to welcome it."""
        if join.protocol != PROTOCOL:
            reason = (
                f"this presenter speaks room protocol {PROTOCOL} and the follower {join.protocol}:"
                " use the same version of sitboard on both sides"
            )
            return reason, True
        if join.token is None:
            return "the join has no token: use the whole address the presenter printed", True
        if not hmac.compare_digest(join.token.encode("utf-8", "surrogatepass"), self.token.encode("ascii")):
            return "wrong token: ask the presenter for the join address", True
        if len(self._seats) >= self.max_followers:
            return f"the room is full ({self.max_followers} followers): trying again", False
        return None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None  # start_server runs this in a task of its own
        self._connections[task] = writer
        peer = _peer(writer)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        try:
            await self._follow(reader, writer, peer)
        except asyncio.CancelledError:
            # Only close() and the loop's shutdown cancel a connection, and its end is all they want. Python
            # 3.11's start_server also logs a cancelled handler as an error ("Exception in callback"): end quietly.
            pass
        except Exception:  # a bug here must not take the room down; peers cannot reach this
            log.exception("%s: disconnected after an internal error", peer)
        finally:
            del self._connections[task]
            finish(writer, None)

    async def _follow(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str) -> None:
        if self._closing or self._waiting >= self.max_followers:
            log.debug("%s: closed at once (%d connections waiting to join)", peer, self._waiting)
            return
        self._waiting += 1
        try:
            line = await self._line(reader, self.silence)
            join = parse_join(decode(line))
        except _Gone as exc:
            log.debug("%s: %s before joining", peer, exc)
            return
        except (_Fault, WireError) as exc:
            log.warning("%s: %s; disconnected", peer, exc)
            writer.write(encode({"type": "refused", "reason": "the presenter expected a join", "final": True}))
            return
        finally:
            self._waiting -= 1
        refusal = self._refusal(join)
        if refusal is not None:
            reason, final = refusal
            log.info("%s: refused: %s", peer, reason)
            writer.write(encode({"type": "refused", "reason": reason, "final": final}))
            return
        # No await between reading the state for the welcome and taking a seat: no publish falls in between.
        seat = _Seat(writer, self._welcome(join), self.heartbeat)
        self._seats[seat] = None
        self._count_changed()
        log.info("%s: joined (%d following)", peer, len(self._seats))
        try:
            await self._listen(reader, SILENCE * max(self.heartbeat, join.heartbeat))
        except _Gone as exc:
            if not self._closing:
                log.info("%s: left: %s (%d following)", peer, exc, len(self._seats) - 1)
        except (_Fault, WireError) as exc:
            log.warning("%s: %s; disconnected (%d following)", peer, exc, len(self._seats) - 1)
        finally:
            seat.task.cancel()
            del self._seats[seat]
            self._count_changed()

    async def _listen(self, reader: asyncio.StreamReader, silence: float) -> None:
        """Read heartbeats until the follower goes (_Gone) or misbehaves (_Fault, WireError)."""
        while True:
            message = decode(await self._line(reader, silence))
            if message["type"] != "heartbeat":
                kind = str(message["type"])[:40]
                raise _Fault(f"sent a {kind!r} message, where a follower sends only heartbeats")

    async def _line(self, reader: asyncio.StreamReader, silence: float) -> bytes:
        try:
            async with asyncio.timeout(silence):
                line = await reader.readline()
        except TimeoutError:
            raise _Gone(f"no word for {silence:g} s") from None
        except ValueError:
            raise _Fault(f"sent a line over {FOLLOWER_LIMIT} bytes") from None
        except OSError as exc:
            raise _Gone(f"connection lost ({exc.strerror or type(exc).__name__})") from None
        if not line.endswith(b"\n"):
            raise _Gone("closed the connection")
        return line

    def _count_changed(self) -> None:
        if self.on_followers is None:
            return
        try:
            self.on_followers(len(self._seats))
        except Exception:  # the interface's callback must not end a follower's connection
            log.exception("the follower-count callback failed")


class _Seat:
    """One follower's outgoing side: the latest unsent line and the task that writes it.

    When the seat's task is idle and the socket's buffer is empty, ``offer``
    hands the line straight to the socket: one send, no task to wake, which is
    what keeps 50 followers cheap on the presenter's loop. Otherwise the line
    waits as ``pending`` for the task, replacing any older one.
    """

    __slots__ = ("idle", "opened", "pending", "task", "wake", "writer")

    def __init__(self, writer: asyncio.StreamWriter, first: list[bytes], heartbeat: float) -> None:
        self.writer = writer
        self.pending: bytes | None = None
        self.idle = False  # the task waits for a line and nothing is queued before this one
        self.opened = False  # the welcome (and scenario) are written whole: a goodbye cannot cut into them
        self.wake = asyncio.Event()
        self.task = asyncio.create_task(self._send(first, heartbeat))

    def offer(self, line: bytes) -> None:
        transport = self.writer.transport
        if self.idle and not transport.get_write_buffer_size() and not transport.is_closing():
            transport.write(line)
            return
        self.idle = False  # until the task has written this, later lines queue behind it
        self.pending = line  # an unsent older state is dropped: the follower wants where the briefing is now
        self.wake.set()

    async def _send(self, first: list[bytes], heartbeat: float) -> None:
        writer = self.writer
        try:
            for opening in first:
                view = memoryview(opening)
                for start in range(0, len(view), WRITE_CHUNK):
                    writer.write(view[start : start + WRITE_CHUNK])
                    await writer.drain()
            self.opened = True
            while True:
                self.idle = True
                line: bytes | None
                try:
                    async with asyncio.timeout(heartbeat):
                        await self.wake.wait()
                except TimeoutError:
                    line = HEARTBEAT_LINE
                else:
                    self.wake.clear()
                    line, self.pending = self.pending, None
                finally:
                    self.idle = False
                if line is not None:
                    writer.write(line)
                    await writer.drain()
        except (ConnectionError, OSError):
            writer.transport.abort()  # the reading side then sees the end and frees the seat


class _Gone(Exception):
    """The peer went away (closed, silent, reset): an ordinary end."""


class _Fault(Exception):
    """The peer broke the protocol: the connection ends with a warning."""


def _checked(state: Mapping[str, object]) -> str:
    text = state_text(state)
    if len(text) > STATE_LIMIT:
        raise ValueError(f"a room state is {size_text(len(text))} as JSON, over the {size_text(STATE_LIMIT)} limit")
    return text


def _peer(writer: asyncio.StreamWriter) -> str:
    """The follower's host:port for log lines."""
    name = writer.get_extra_info("peername")
    if isinstance(name, tuple) and name[1:]:
        host, port = name[0], name[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return "a follower"


def _advertised(host: str) -> str:
    """The host to put in the join address: a wildcard bind is reached by the machine's name, if it has a usable one."""
    if host not in ("0.0.0.0", "::"):
        return host
    name = socket.gethostname()
    try:
        return check_host(name)
    except AddressError:
        return host
