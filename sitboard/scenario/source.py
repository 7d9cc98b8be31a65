"""Where a board's scenario comes from: a file, read and checked whole, and watched for saves.

The command line makes one and hands it to the board with the scenario it
read first; the board asks it whether the file changed (`poll`) and reads it
again off its UI thread (`load`). Nothing on the board reads files itself,
and a test hands the board a source whose reads it controls (`reader`).

A watched source remembers its last valid read (its size, hash and line
count): a file that grew by events appended to it is then read through its
new end only (`append.py`), and anything else whole, as before. For a 200
MB file that record took a thread a second (a second hash of the file, and
a count of its lines) while the board started, and its first frame came
as much later: the hash is now the one the cache keys the file by, and the
count is left, with the cache entry, for `remember`, which the board calls
after its first frame.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sitboard.scenario import append
from sitboard.scenario.loader import Progress, read_scenario_data
from sitboard.scenario.model import Scenario
from sitboard.scenario.palette import ColorCheck
from sitboard.scenario.watch import Change, FileWatcher

Reader = Callable[[str], Scenario]


class ScenarioSource:
    """The scenario file at `path`: `load` reads it (through the validation cache if `cache`), `poll` notices saves.

    `color_ok` judges colour names (the board's, through Rich); `reader`, if
    given, replaces the whole read (a test's stand-in). `watch=False` makes a
    source that never reports a change (`--no-watch`).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        color_ok: ColorCheck | None = None,
        cache: bool = False,
        watch: bool = True,
        reader: Reader | None = None,
    ) -> None:
        self.path = str(path)
        self.color_ok = color_ok
        self.cache = cache
        self.reader = reader
        # The file's signature is taken before the first read: a save between
        # the two is then a change that `poll` reports, never one it misses.
        self._watcher = FileWatcher(Path(path)) if watch else None
        self._remember: Callable[[], None] | None = None
        self._lock = threading.Lock()
        # The last valid read, for reading only an appended end next time (watched sources only);
        # a whole read's is worked out from `_unsettled` (its bytes, their SHA-256 if known, its
        # scenario) by `_settle`, which holds `_settling` meanwhile: a load waits for it.
        self._last: append.LastRead | None = None
        self._unsettled: tuple[bytes, bytes | None, Scenario] | None = None
        self._settling = threading.Lock()

    @property
    def watching(self) -> bool:
        return self._watcher is not None

    @property
    def remembering(self) -> bool:
        """A checked file waits to be stored in the cache, or a whole read to be recorded (see `load`)."""
        return self._remember is not None or self._unsettled is not None

    def load(self, *, remember_later: bool = False, progress: Progress | None = None) -> Scenario:
        """Read and check the file (`ScenarioError` with every problem if it is not valid). Any thread.

        A freshly checked file is stored in the cache at once, or, with
        `remember_later`, when `remember` is called: writing a large entry
        takes a fifth of a second, which the board spends after its first
        frame rather than before it. So is a watched file's record of this
        read (for reading an append next time); without `remember_later`
        it is worked out in a thread at once. `progress` is told how far a
        long read has gone.
        """
        if self.reader is not None:
            return self.reader(self.path)
        self._settle()  # the record of the read before, if still left: an append is read against it
        appended = append.read_appended(self.path, self._last, self.color_ok) if self._last is not None else None
        if appended is not None:
            self._last = appended.read
            scenario = appended.read.scenario
            remember: Callable[[], None] | None = None
            if self.cache:
                from sitboard.scenario import cache as scenario_cache

                digest = scenario_cache.key_of(appended.data, appended.read.digest)
                remember = lambda: scenario_cache.store_keyed(digest, scenario)  # noqa: E731 - as the loader's
        else:
            scenario, data, content, remember = read_scenario_data(
                self.path, color_ok=self.color_ok, cache=self.cache, progress=progress
            )
            if self._watcher is not None:
                self._unsettled = (data, content, scenario)
                if not remember_later:
                    threading.Thread(target=self._settle, daemon=True).start()
            del data  # held for the record alone, until it is worked out
        if remember is not None:
            if remember_later:
                with self._lock:
                    self._remember = remember
            else:
                remember()
        return scenario

    def _settle(self) -> None:
        """Work out the record of the last whole read, if it is still left (its bytes are then let go)."""
        with self._settling:
            unsettled, self._unsettled = self._unsettled, None
            if unsettled is not None:
                data, content, scenario = unsettled
                self._last = append.last_read(data, scenario, content)

    def remember(self) -> None:
        """Record the last whole read, and store the file in the cache, as far as `load` left them for later.

        Any thread; each at most once per read.
        """
        self._settle()  # first: the file's bytes are let go before a new entry is built
        with self._lock:
            remember, self._remember = self._remember, None
        if remember is not None:
            remember()

    def poll(self, now: float) -> Change | None:
        """Whether the file changed (settled on new contents) or is gone, as of `now` (a monotonic clock)."""
        return self._watcher.poll(now) if self._watcher is not None else None
