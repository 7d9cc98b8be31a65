"""The briefing room's transport: one presenter, many followers, the board state in between.

What travels is the board's state as a small JSON object per change (opaque
here: ``BoardState.to_json()`` above), never pixels, so every follower draws it
at its own size, theme and character set. Pure asyncio and the standard
library: newline-delimited JSON over TCP (``wire``), a join address with a
token (``address``, ``token_store``), the presenter's room (``presenter``) and
the follower's connection that keeps coming back (``follower``). Nothing here
imports Textual or Rich; the presenter console and the follower board are
built on top. ``bench.bench_room`` measures what the room costs.

What is and is not protected: a follower must present the room's token
(random, 128 bits, compared in constant time) or it is refused; followers are
read-only by construction (after the join the presenter accepts heartbeats and
nothing else); the presenter listens on loopback unless told otherwise. The
link is not encrypted: on a network, anyone who can read the traffic can read
the token and the states; use a VPN or an SSH tunnel across networks you do
not trust.
"""

from sitboard.room.address import AddressError, JoinAddress, parse_address
from sitboard.room.follower import (
    Connected,
    Disconnected,
    Event,
    Follower,
    Reconnecting,
    ScenarioReceived,
    StateReceived,
)
from sitboard.room.presenter import Presenter
from sitboard.room.token_store import RoomToken, room_token
from sitboard.room.wire import RoomError, digest

__all__ = [
    "AddressError",
    "Connected",
    "Disconnected",
    "Event",
    "Follower",
    "JoinAddress",
    "Presenter",
    "Reconnecting",
    "RoomError",
    "RoomToken",
    "ScenarioReceived",
    "StateReceived",
    "digest",
    "parse_address",
    "room_token",
]
