"""The room's token, kept so that followers pick up again after a presenter restart.

Followers reconnect on their own when a presenter comes back, and present the
token of the address they were given; a restarted presenter with a new token
would refuse them all. So the token outlives the presenter process:

- a token given by the briefer (``--token``) is used as it is;
- otherwise, for a fixed port, the token is remembered in a file of its own,
  ``room-PORT.token`` in the user's state directory (``$SITBOARD_STATE_DIR``,
  else ``$XDG_STATE_HOME/sitboard``, else ``~/.local/state/sitboard``; the
  value ``off`` remembers nothing), created 0600 in a 0700 directory, and
  reused by the next presenter on that port;
- with port 0 (any free port) the address changes at every start anyway, so
  the token is fresh and not remembered.

Keyed by port because that is what stays the same across a restart and what
tells two rooms on one machine apart. A remembered file is trusted only if it
is a regular file (not a symlink), owned by the user, unreadable by group and
others, and holds a well-formed token; anything else is replaced by a fresh
token, as is the file when asked to ``renew`` (the address leaked). Failing to
remember (a read-only home) is not an error: the room works, with a note that
followers will need the new address after a restart.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Literal, NamedTuple

from sitboard.room.address import TOKEN_PATTERN, AddressError

TOKEN_BYTES = 16  # 128 bits of randomness: 22 URL-safe characters
FILE_LIMIT = 256  # a token file is one token and a newline; anything bigger is not ours


class RoomToken(NamedTuple):
    value: str
    source: Literal["given", "remembered", "new"]
    path: Path | None  # where it is remembered, if it is
    note: str | None = None  # a sentence for the briefer when it could not be remembered


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def state_dir() -> Path | None:
    configured = os.environ.get("SITBOARD_STATE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "sitboard"


def check_given(token: str) -> str:
    """A token the briefer chose, if it is as strong and as plain as a generated one; else AddressError."""
    if TOKEN_PATTERN.fullmatch(token) is None:
        raise AddressError(
            f"a room token is 16 to 128 letters, digits, '-' or '_'; the one given has {len(token)} characters"
        )
    return token


def room_token(port: int, *, given: str | None = None, renew: bool = False, directory: Path | None = None) -> RoomToken:
    """The token for a room on ``port``: given, remembered for the port, or new (see the module's docstring)."""
    if given is not None:
        return RoomToken(check_given(given), "given", None)
    if port == 0:
        return RoomToken(new_token(), "new", None)
    folder = directory if directory is not None else state_dir()
    if folder is None:
        return RoomToken(new_token(), "new", None)
    path = folder / f"room-{port}.token"
    if not renew:
        kept = _read(path)
        if kept is not None:
            return RoomToken(kept, "remembered", path)
    token = new_token()
    try:
        _write(path, token)
    except OSError as exc:
        note = (
            f"could not keep the room's token in {folder} ({exc.strerror or exc}): "
            "after a restart, followers will need the new address"
        )
        return RoomToken(token, "new", None, note)
    return RoomToken(token, "new", path)


def _read(path: Path) -> str | None:
    """The token in ``path`` if the file can be trusted to be ours and private."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_size > FILE_LIMIT:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        text = os.read(fd, FILE_LIMIT + 1).decode("ascii", "replace").strip()
    except OSError:
        return None
    finally:
        os.close(fd)
    return text if TOKEN_PATTERN.fullmatch(text) else None


def _write(path: Path, token: str) -> None:
    """Write beside and rename, so a reader sees the old token or the new one, never half of one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(token + "\n")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
