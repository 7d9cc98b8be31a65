"""Reading a scenario file the way the board understands it, and a board for one process.

The command line, the benchmark and the browser server all open files and
boards through here, so they read with the same colour check and cache, and
a board opened for a person is the one the benchmark measures. Textual is
imported only by `open_board`: once the file is known to be good, or, for
a large file, while it is read (see `_importing_the_board`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sitboard.app.colors import rich_color_ok
from sitboard.scenario.collector_paused import collector_paused
from sitboard.scenario.loader import Progress
from sitboard.scenario.model import Scenario
from sitboard.scenario.source import ScenarioSource
from sitboard.state import BoardState, resolve_step
from sitboard.timeline import Timeline

if TYPE_CHECKING:
    from sitboard.app.app import SitboardApp


def file_source(path: str | Path, *, watch: bool = True) -> ScenarioSource:
    """The scenario file at `path`, checked with the board's colours and through the validation cache."""
    return ScenarioSource(path, color_ok=rich_color_ok, cache=True, watch=watch)


def read(path: str | Path, progress: Progress | None = None) -> Scenario:
    """The scenario at `path`, read as every command reads it (`ScenarioError` if it is not valid)."""
    return file_source(path, watch=False).load(progress=progress)


def open_board(
    source: ScenarioSource,
    *,
    step: int | Literal["end"] = 0,
    present: bool = False,
    areas: bool | None = None,
    hidden: tuple[str, ...] = (),
    progress: Progress | None = None,
    **options: Any,
) -> SitboardApp:
    """The board for `source`, ready to run, owning this process's garbage collector (`options` go to SitboardApp).

    `areas` None starts with areas as the scenario says (`map.areas`, off if it does not say).
    Raises `ScenarioError` for a bad file and `StepOutOfRange` for a step
    past the end. A freshly checked file's cache entry is written after the
    first frame, in a thread, so that the first open of a large file is not
    made slower by preparing the next one.
    """
    importing = _importing_the_board(source.path)
    # Paused until the board freezes what was built (`IdleCollector.built`): as the read's and the
    # timeline's own pauses ended, the collector walked the heap they had built, all of which
    # outlives the board (300,000 events: 60 to 90 ms of the first frame).
    with collector_paused():
        try:
            scenario = source.load(remember_later=True, progress=progress)
            timeline = Timeline(scenario)
        finally:
            if importing is not None:
                importing.join()  # a bad file's error is not printed while a thread still imports
        state = BoardState(
            step=resolve_step(step, timeline.steps),
            areas=scenario.map.areas if areas is None else areas,
            present=present,
            hidden=hidden,
        )
        from sitboard.app.app import SitboardApp  # Textual is imported only once the file is known good

        app = SitboardApp(
            timeline, state, source=source, owns_gc=True, defer_context=True, **options
        )  # one board per process
    if source.remembering:
        app.call_later(
            app.call_after_refresh, lambda: threading.Thread(target=source.remember, name="sitboard-cache").start()
        )
    return app


# Below this size a file is read and hashed in a few hundredths of a second: too little to hide the
# board's import behind, and a bad file's error would wait for the import (the read joins it).
_IMPORT_BESIDE_BYTES = 8 << 20


def _importing_the_board(path: str) -> threading.Thread | None:
    """A thread importing the board (Textual, the widgets) while a large file is read, or None.

    Reading and hashing 60 to 200 MB, and reading and checking the seal of
    its cache entry, leave the interpreter free (the reads, SHA-256 and
    HMAC let go of the GIL): on a second core the import then costs the
    first frame nothing. The modules a warm read imports on its way (the
    cache, the store, `hmac`, `json`) are imported first, here, so that the
    two threads never import one module at once. (A cold read imports the
    parser, which shares only standard modules with the board's, none of
    which imports the other's: no cycle for the import locks to wait in.)
    """
    try:
        if os.stat(path).st_size < _IMPORT_BESIDE_BYTES:
            return None
    except (OSError, ValueError):
        return None  # the read says what is wrong
    import hmac  # noqa: F401 - see above
    import importlib
    import json  # noqa: F401 - see above

    from sitboard.scenario import cache, store  # noqa: F401 - see above

    def board() -> None:
        try:
            importlib.import_module("sitboard.app.app")
        except Exception:  # the board's own import, after the read, raises it again where it is handled
            pass

    thread = threading.Thread(target=board, name="sitboard-import", daemon=True)
    thread.start()
    return thread
