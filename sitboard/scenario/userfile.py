"""Files the user names: read them without being fooled, write them without losing them.

Every user file sitboard reads (a scenario, an ACLED export) comes through
`read_bytes`, and every file it writes (exports, imports, the benchmark's JSON,
the board's pictures, the cache's entries) goes through `write_file`.

Reading: a path may name anything, not only a file. A FIFO blocks whoever opens
and reads it, and `/dev/zero` never ends, so the file is opened without
blocking, the open descriptor (not the path, which could change in between) is
asked what it is, anything but a regular file is refused with a sentence, and
at most one byte past the limit is ever read.

Writing: the new content goes to a temporary file beside the target, which is
renamed over it only once it is complete, so a full disk or a killed process
leaves the old file whole and never half a new one. A target that is a device
or a pipe (`-o /dev/stdout`) is written directly, since renaming over it would
replace the device node. Whether two names are one file is decided by device
and inode, not by path: a hard link or a symlink to the scenario is the
scenario.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from sitboard.scenario.errors import Problem, ScenarioError

_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)

# What an errno means to someone who typed a file name.
_REASONS = {
    errno.ENOENT: "no such file or directory",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "a loop of symbolic links (or too many links in a row)",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EISDIR: "is a directory",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would be larger than this process may write",
    errno.EROFS: "the file system is read-only",
    errno.EPIPE: "whoever was reading stopped (the pipe is closed)",
    errno.ENXIO: "nothing is at the other end (a named pipe with no reader, or a socket)",
    errno.EIO: "an input/output error on the device",
    errno.ETXTBSY: "the file is busy",
    errno.EXDEV: "the file is on another device",
}


def reason(exc: OSError) -> str:
    """Why an operation on a file failed, as words (never '[Errno 28]')."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    if exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return type(exc).__name__


def kind_of(mode: int) -> str:
    """What a non-regular file is, for 'X is a FIFO (named pipe), expected ...'."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def fail(file: str, message: str) -> None:
    raise ScenarioError([Problem(file, 1, 1, "", message)])


def read_regular(path: str | Path, limit: int, *, follow: bool = True) -> tuple[bytes, os.stat_result]:
    """The bytes (at most `limit` + 1 of them) of a regular file, and what fstat said of it.

    Raises OSError, or `NotRegular` for anything but a regular file, without
    ever blocking on a FIFO or reading a device. `follow=False` refuses a
    symlink (ELOOP), for files only sitboard itself writes.
    """
    flags = _READ_FLAGS if follow else _READ_FLAGS | os.O_NOFOLLOW
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)  # the file opened, not whatever the path names by now
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(info.st_mode)
        if info.st_size > limit:
            return b"", info
        chunks: list[bytes] = []
        left = limit + 1  # one byte more tells a file that grew past the limit
        want = min(left, info.st_size + 1)
        while left > 0:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            want = min(left, 1 << 20)
    finally:
        os.close(fd)
    return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), info


class NotRegular(Exception):
    def __init__(self, mode: int) -> None:
        super().__init__(kind_of(mode))
        self.mode = mode


def read_bytes(path: str | Path, *, limit: int, expected: str, too_big: str) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them, or a `ScenarioError`.

    `expected` names what the path should have been ('a scenario file
    (.yaml)'), `too_big` says what to do about a file over the limit.
    """
    shown = str(path)
    try:
        data, info = read_regular(path, limit)
    except NotRegular as exc:
        fail(shown, f"is {kind_of(exc.mode)}, expected {expected}")
    except FileNotFoundError:
        fail(shown, "no such file")
    except PermissionError:
        fail(shown, "permission denied while reading the file")
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket cannot be opened as a file
            fail(shown, f"is a socket, expected {expected}")
        if exc.errno == errno.ELOOP:
            fail(shown, f"is {reason(exc)}, expected {expected}")
        fail(shown, f"cannot read the file: {reason(exc)}")
    except ValueError:  # a NUL character in the name
        fail(shown, "the file name holds a NUL character")
    if info.st_size > limit or len(data) > limit:  # the second: it grew between fstat and read
        fail(shown, too_big)
    return data


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both names reach one file (links followed): writing one would overwrite the other."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


class WriteFailed(OSError):
    """A file could not be written; `strerror` says why in words, and the old file is as it was."""

    def __init__(self, file: str, why: str) -> None:
        super().__init__(0, why, file)
        self.file = file

    def __str__(self) -> str:
        return f"{self.file}: cannot write: {self.strerror}"


def write_file(path: str | Path, data: bytes, *, mode: int = 0o666, durable: bool = True) -> str:
    """Write `data` to `path` whole or not at all; the path written, or `WriteFailed`.

    A symlink is followed (its target gets the new content, the link stays).
    An existing file keeps its permission bits; a new one gets `mode` less the
    umask. `durable` flushes the data to the disk before the rename (an export
    the briefer will take away); a cache entry, lost in a crash, is harmless.
    """
    shown = str(path)
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None  # a new file (or a symlink to one still to be made)
    except OSError as exc:
        raise WriteFailed(shown, reason(exc)) from None
    except ValueError:
        raise WriteFailed(shown, "the file name holds a NUL character") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise WriteFailed(shown, "is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(path, shown, data)
        return shown
    target = os.path.realpath(path)  # a link's target; stat above already refused a loop
    directory, name = os.path.split(target)
    tmp = os.path.join(directory, f".{name}.{os.urandom(6).hex()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), mode)
    except OSError as exc:
        raise WriteFailed(shown, reason(exc)) from None
    try:
        try:
            if info is not None:
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteFailed(shown, reason(exc)) from None
        raise
    if durable:
        _sync_directory(directory)
    return shown


def _write_in_place(path: str | Path, shown: str, data: bytes) -> None:
    """A device or a pipe: written directly (a pipe with no reader is refused, not waited for)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise WriteFailed(shown, reason(exc)) from None
    try:
        os.set_blocking(fd, True)  # a reader is there: wait for it to take the data
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise WriteFailed(shown, reason(exc)) from None
    finally:
        os.close(fd)


def _sync_directory(directory: str) -> None:
    """Make the rename itself survive a crash (where the file system allows it)."""
    try:
        fd = os.open(directory or ".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
