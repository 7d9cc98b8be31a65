"""A cache of validated scenarios, so that opening an unchanged file is fast.

Parsing and validating a large scenario takes seconds (300,000 events: most of
a minute); reading back the result of an earlier validation takes a fraction
of that. An entry is a faster path to the same answer, never a different one:
whatever is in the cache directory, sitboard shows what the file says or
refuses it as the checker would, and never crashes on an entry.

- Entries are keyed by a hash of the file's bytes (and sitboard's version),
  and stored as SQLite databases (data only, nothing that could run:
  `store.py`), each in a file `sitboard-<hash>.sqlite` in the user's cache
  directory, followed by its seal (`sqlite3` opens the file as it is).
- Each entry is sealed with a keyed MAC (BLAKE2b; HMAC-SHA256 for large entries) over its hash and its content.
  The key is 32 random bytes in `sitboard-cache.key` in the same directory,
  created on first use, readable by its owner only. An entry is trusted only
  if its MAC matches, and it and the key are regular files owned by the
  current user that no one else can write (the key: read). Anyone else who can
  write to the directory can therefore delete entries but not forge, edit or
  swap them: a file's bytes cannot be paired with another file's entry.
- The entry is read whole and checked, and the database is opened from those
  very bytes (in memory), so nothing can change it between the check and its
  use. What it holds is then held to the model's invariants (ids resolve,
  times ordered, coordinates finite and in range, bounds ordered, counts
  within `MAX_PEOPLE`, every field of its type: `checks.py`), in case the key
  leaked or a bug wrote a bad entry.
- Any failure is a cache miss, silently: the file is read and checked again
  and the entry rewritten.
- Only files the cache writes are ever deleted: its own entries beyond the
  newest `KEEP` (or `KEEP_BYTES` in all; entries of the JSON format before
  them count too), and its own temporaries (`.sitboard-*.tmp`) left for more than
  `STALE_SECONDS` by a process that died while writing. `SITBOARD_CACHE_DIR`
  may point at a folder shared with other files; they are never touched.

Deleting the directory is always safe. `SITBOARD_CACHE_DIR=off` turns the cache
off. The key is read once per process; checking the MAC of the bundled
scenario's entry costs well under a millisecond of start-up, and of a
300,000-event scenario's (26 MB, HMAC-SHA256) about 0.025 s.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import threading
import time
from pathlib import Path
from typing import Any

from sitboard import __version__

try:
    # hashlib.blake2b *is* this built-in module's blake2b; importing hashlib
    # itself also loads OpenSSL, 2 ms of every start-up that reads the cache.
    from _blake2 import blake2b
except ImportError:  # an interpreter without the built-in module
    from hashlib import blake2b
from _operator import _compare_digest as same_digest  # hmac.compare_digest, without importing hmac (and OpenSSL)

from sitboard.scenario.collector_paused import collector_paused
from sitboard.scenario.model import Scenario
from sitboard.scenario.userfile import NotRegular, read_regular, write_file

ENTRY_FORMAT = 6  # 6: the timeline's columns as arrays; 5: an SQLite database of rows; 4: JSON
KEEP = 24  # entries kept; a live board writes one per saved edit
KEEP_BYTES = 1 << 30  # and no more than this in all: a 300,000-event scenario's entry is about 26 MB
STALE_SECONDS = 600  # a temporary this old belongs to a writer that died
PREFIX = "sitboard-"
KEY_NAME = "sitboard-cache.key"
KEY_BYTES = 32
MAX_ENTRY_BYTES = 1 << 30  # an entry for the largest scenario (256 MiB of YAML) is far smaller
SEAL = b"\nsitboard-seal:"  # then the MAC in hex and a newline: the last 80 bytes of an entry
_SEAL_BYTES = len(SEAL) + 64 + 1
SUFFIX = ".sqlite"
# Above this size a file is keyed, and an entry sealed, with SHA-256 (OpenSSL's, which uses the CPU's
# SHA instructions where there are some: 1.1 GB/s against BLAKE2b's 0.43 here, 0.1 s of a warm open
# of 60 MB); below it with the built-in BLAKE2b, since importing hashlib also loads OpenSSL (2 ms of
# every start-up). The size decides, so a file or entry is always hashed the same way.
LARGE = 1 << 20
# Entries: ours now, and of the JSON format before (deleted as they age out).
_ENTRY = re.compile(r"sitboard-[0-9a-f]{64}\.(?:sqlite|json)\Z")
# write_file's temporaries for our files: `.<name>.<random hex>.tmp`
_TEMPORARY = re.compile(r"\.sitboard-(?:[0-9a-f]{64}\.(?:sqlite|json)|cache\.key)\.[0-9a-f]+\.tmp\Z")

_keys: dict[Path, bytes] = {}  # per directory: read once per process
# An entry is opened as `userfile.read_regular` opens files only sitboard writes: a symlink is refused.
_ENTRY_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0) | os.O_NOFOLLOW
_CHUNK = 4 << 20  # bytes of a large entry read while the MAC of the chunk before is worked out


def cache_dir() -> Path | None:
    configured = os.environ.get("SITBOARD_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitboard"


def _digest(data: bytes, content: bytes | None = None) -> bytes:
    """The key of a file's entry: BLAKE2b of its bytes; above `LARGE`, SHA-256 of their SHA-256 (see `LARGE`).

    A large file's bytes are hashed once: their SHA-256 (`content`, if the
    caller has it already) is also what a watched board records of its read
    to know an append later (`append.LastRead`), so the key is that hash,
    hashed again under the version, not a second pass over the bytes.
    """
    prefix = f"{__version__}/{ENTRY_FORMAT}\0".encode()
    if len(data) < LARGE:
        found: Any = blake2b(prefix, digest_size=32)
        found.update(data)  # not `prefix + data`: a copy of the file
        return bytes(found.digest())
    import hashlib

    return hashlib.sha256(prefix + (content or content_digest(data))).digest()


def content_digest(data: bytes) -> bytes:
    """SHA-256 of a file's bytes (any thread: the hash lets go of the GIL)."""
    import hashlib

    return hashlib.sha256(data).digest()


def entry_path(data: bytes) -> Path | None:
    """Where the entry for a file with these bytes lives (None: the cache is off)."""
    directory = cache_dir()
    if directory is None:
        return None
    return directory / f"{PREFIX}{_digest(data).hex()}{SUFFIX}"


def _seal(key: bytes, digest: bytes, payload: bytes | memoryview) -> bytes:
    """The MAC of an entry: keyed BLAKE2b, HMAC-SHA256 above `LARGE` (64 hex digits either way)."""
    mac = _mac(key, digest, len(payload))
    mac.update(payload)  # a view: the entry's bytes are not copied to be hashed
    return str(mac.hexdigest()).encode()


def _mac(key: bytes, digest: bytes, size: int) -> Any:
    """The MAC, still to be fed, of an entry's payload of `size` bytes (see `_seal`)."""
    if size < LARGE:
        return blake2b(digest, key=key, digest_size=32)
    import hmac

    return hmac.new(key, digest, "sha256")


def _ours(info: os.stat_result, private: bool) -> bool:
    """Owned by this user, and writable (if `private`, readable too) by no one else."""
    others = 0o077 if private else 0o022
    return info.st_uid == os.getuid() and not info.st_mode & others


def key_of(data: bytes, content: bytes | None = None) -> bytes:
    """What names the entry of a file with these bytes (`load_keyed`, `store_keyed`): worked out once per read.

    `content` is `content_digest(data)` if the caller has it (a large file's key is made from it).
    """
    return _digest(data, content)


def load(data: bytes, file: str, color_ok: Any = None) -> Scenario | None:
    """The scenario cached for exactly these bytes, or None.

    `color_ok` judges colour names as the checker does (the core cannot ask Rich).
    """
    return load_keyed(_digest(data), file, color_ok)


def load_keyed(digest: bytes, file: str, color_ok: Any = None) -> Scenario | None:
    """`load`, for the file whose `key_of` is `digest`."""
    directory = cache_dir()
    if directory is None:
        return None
    key = _key(directory, create=False)
    if key is None:
        return None
    payload = _sealed_payload(directory / f"{PREFIX}{digest.hex()}{SUFFIX}", key, digest)
    if payload is None:
        return None
    with collector_paused():  # as when parsing: many small objects, none of them garbage
        try:
            from sitboard.scenario.store import from_database

            return from_database(payload, file, color_ok)
        except Exception:
            return None


def _sealed_payload(path: Path, key: bytes, digest: bytes) -> memoryview | None:
    """The entry's payload, if the file is ours and its seal holds for it; None otherwise."""
    try:
        fd = os.open(path, _ENTRY_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        size = info.st_size
        if not (stat.S_ISREG(info.st_mode) and _ours(info, private=False) and _SEAL_BYTES <= size <= MAX_ENTRY_BYTES):
            return None
        if size - _SEAL_BYTES < LARGE:
            view = memoryview(os.read(fd, size + 1))  # one byte more tells a file that grew
            mac = _mac(key, digest, size - _SEAL_BYTES)
            mac.update(view[: size - _SEAL_BYTES])
        else:
            view, mac = _read_and_seal(fd, size, key, digest)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(view) != size:
        return None  # it changed size while read: another entry's bytes, or half of one
    seal = bytes(view[-_SEAL_BYTES:])
    if not (seal.startswith(SEAL) and same_digest(seal[len(SEAL) : -1], str(mac.hexdigest()).encode())):
        return None
    return view[:-_SEAL_BYTES]


def _read_and_seal(fd: int, size: int, key: bytes, digest: bytes) -> tuple[memoryview, Any]:
    """A large entry's bytes (up to `size` + 1: more tells a file that grew), and the MAC of its payload.

    Reading 136 MB (an ACLED-like file's entry) and working out its MAC each
    take a tenth of a second, and both let go of the GIL: the MAC is worked
    out in a thread over each chunk read while the next is read, so that on a
    free core the two take as long as the longer. The thread reads only what
    is already read, and is joined before anything else looks at the bytes.
    """
    import mmap
    import queue

    # Fresh memory from the system, zeroed page by page as the reads first touch it, without the
    # GIL (a bytearray is zeroed whole first, holding it: as long as the read itself).
    view = memoryview(mmap.mmap(-1, size + 1))
    payload = size - _SEAL_BYTES
    mac = _mac(key, digest, payload)
    read_up_to: queue.SimpleQueue[int] = queue.SimpleQueue()

    def seal() -> None:
        hashed = 0
        while (up_to := read_up_to.get()) >= 0:
            mac.update(view[hashed:up_to])
            hashed = up_to

    sealing = threading.Thread(target=seal, name="sitboard-seal", daemon=True)
    sealing.start()
    done = 0
    try:
        while done < len(view):
            n = os.readv(fd, [view[done : done + _CHUNK]])
            if not n:
                break
            done += n
            read_up_to.put(min(done, payload))
    finally:
        read_up_to.put(-1)
        sealing.join()
    return view[:done], mac


def store(data: bytes, scenario: Scenario) -> None:
    """Remember a validated scenario; a cache that cannot be written is simply not used."""
    store_keyed(_digest(data), scenario)


def store_keyed(digest: bytes, scenario: Scenario) -> None:
    """`store`, for the file whose `key_of` is `digest`: whoever writes the entry later need not keep the file's bytes.

    (At 300,000 events an imported file is 196 MB, kept alive until the entry
    was written after the first frame only to be hashed a second time.)
    """
    directory = cache_dir()
    if directory is None:
        return
    try:
        from sitboard.scenario.store import to_database

        payload = to_database(scenario)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = _key(directory, create=True)
        if key is None:
            return
        # written whole and renamed: readers see the old entry or the new one, never half of one
        write_file(
            directory / f"{PREFIX}{digest.hex()}{SUFFIX}",
            payload + SEAL + _seal(key, digest, payload) + b"\n",
            mode=0o600,
            durable=False,
        )
        _prune(directory)
    except (OSError, ValueError, TypeError, OverflowError, sqlite3.Error):
        return


def _key(directory: Path, *, create: bool) -> bytes | None:
    """The directory's MAC key, made if `create` and missing; None if there is none to trust."""
    known = _keys.get(directory)
    if known is not None:
        return known
    path = directory / KEY_NAME
    try:
        key = _read_key(path)
        if key is None and create:
            _make_key(path, replace=True)  # ours but readable by others, or damaged: a new key
            key = _read_key(path)
    except FileNotFoundError:
        if not create:
            return None
        try:
            _make_key(path, replace=False)
            key = _read_key(path)
        except OSError:
            return None
    except OSError:
        return None
    if key is not None:
        _keys[directory] = key
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        key, info = read_regular(path, KEY_BYTES, follow=False)
    except NotRegular:
        return None
    if info.st_uid != os.getuid():  # someone else's key: never ours to trust or replace
        raise PermissionError(path)
    return key if _ours(info, private=True) and len(key) == KEY_BYTES else None


def _make_key(path: Path, *, replace: bool) -> None:
    """A new random key, in place at once: linked into place unless another process made one first."""
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        try:
            os.write(fd, os.urandom(KEY_BYTES))
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails if it exists: the first key made wins, and every process uses it
        except FileExistsError:
            pass
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _prune(directory: Path) -> None:
    """Keep the newest entries (every edit of a file makes one) and drop our dead writers' temporaries.

    Only names the cache itself gives, owned by this user, are deleted.
    """
    entries: list[tuple[float, int, str]] = []
    now = time.time()
    uid = os.getuid()
    with os.scandir(directory) as listing:
        for item in listing:
            name = item.name
            if not (_ENTRY.match(name) or _TEMPORARY.match(name)):
                continue
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_uid != uid:
                continue
            if name[0] == ".":
                if now - info.st_mtime > STALE_SECONDS:
                    _remove(directory / name)
            else:
                entries.append((info.st_mtime, info.st_size, name))
    entries.sort(reverse=True)
    kept = 0
    for i, (_, size, name) in enumerate(entries):
        kept += size
        if i >= KEEP or (i and kept > KEEP_BYTES):  # the newest is kept whatever its size
            _remove(directory / name)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
