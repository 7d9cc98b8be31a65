"""Ending a connection without waiting on a peer that has stopped reading.

``StreamWriter.close()`` flushes what is buffered before the socket closes; if
the peer reads nothing (a black-holed link, a stuck follower) that is never, and
the connection and its buffer would linger. Past a buffer of ``CONTROL_LIMIT``
there is nothing worth flushing: abort instead.
"""

from __future__ import annotations

import asyncio

from sitboard.room.wire import CONTROL_LIMIT


def finish(writer: asyncio.StreamWriter, last: bytes | None = None) -> None:
    """Write ``last`` if there is room for it, and close (or abort, when the peer has stopped reading)."""
    transport = writer.transport
    if transport.is_closing():
        return
    if transport.get_write_buffer_size() > CONTROL_LIMIT:
        transport.abort()
        return
    if last is not None:
        writer.write(last)
    writer.close()
