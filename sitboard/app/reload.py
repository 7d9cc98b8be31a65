"""Reading the scenario again when its file changes: one read at a time, off the UI thread.

A save that arrives while a read is under way does not start another: it
marks the file as wanted again, and when the board has shown the result of
the read in progress, one more read starts (any number of saves in between
are one read). With Textual's exclusive workers a new save cancelled the old
worker's task but not its thread, so a 27 MB file saved every half second had
nine parses running at once.

The reader is a daemon thread of its own rather than a thread worker: workers
run in the event loop's executor, whose threads are joined when the board's
loop closes, so a read that never returns (a FIFO, a hung network share) made
the board impossible to quit. A daemon thread is simply left behind.

What a read gives is a message to the board: `ScenarioLoaded` with the new
timeline, which the board swaps in without rebuilding a widget, or
`ScenarioUnreadable` with a sentence for the error bar. A file that only grew
by appended events is read through its new end (`scenario/append.py`), and
the last timeline is extended rather than built again; either way the cache
entry of the new file is written after the board has its result.
"""

from __future__ import annotations

import threading

from textual.message import Message
from textual.message_pump import MessagePump

from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.source import ScenarioSource
from sitboard.timeline import Timeline


class ReadFinished(Message):
    """A read of the scenario has finished (see the two kinds below)."""

    def can_replace(self, message: Message) -> bool:
        # A newer result makes an older one that is still queued pointless: the
        # board shows the file as it is now. (One read runs at a time, so two
        # results are queued only if the board was too busy to take the first.)
        return isinstance(message, ReadFinished)


class ScenarioLoaded(ReadFinished):
    """The file was read and is valid: the board shows this timeline now."""

    def __init__(self, timeline: Timeline) -> None:
        super().__init__()
        self.timeline = timeline


class ScenarioUnreadable(ReadFinished):
    """The file could not be used: a sentence with its place, for the error bar (the last good picture stays)."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class Reloader:
    """Starts reads of `source` and posts each result to `board` as a `ReadFinished` message.

    `request` and `done` are called on the board's thread only, so the two
    flags need no lock: the reader thread touches neither.
    """

    def __init__(self, board: MessagePump, source: ScenarioSource, timeline: Timeline | None = None) -> None:
        self.board = board
        self.source = source
        self._timeline = timeline  # the last one read (touched by the reader thread only, once started)
        self.reading = False  # a read is under way, or its result is not shown yet
        self._again = False  # the file changed since that read started

    def request(self) -> None:
        """The file settled on new contents."""
        if self.reading:
            self._again = True
        else:
            self._start()

    def done(self) -> None:
        """The board has shown the last result; read again if the file changed meanwhile."""
        self.reading = False
        if self._again:
            self._start()

    def _start(self) -> None:
        self.reading, self._again = True, False
        threading.Thread(target=self._read, name="sitboard-reload", daemon=True).start()

    def _read(self) -> None:
        result: ReadFinished
        try:
            scenario = self.source.load(remember_later=True)
            last = self._timeline
            timeline = last.extended(scenario) if last is not None else Timeline(scenario)
            self._timeline = timeline
            result = ScenarioLoaded(timeline)
        except ScenarioError as exc:
            first = exc.problems[0] if exc.problems else None
            more = len(exc.problems) - 1 + exc.truncated
            result = ScenarioUnreadable(
                (str(first) if first else str(exc)) + (f"  (+{exc.in_words(more)} more problems)" if more > 0 else "")
            )
        except Exception as exc:  # a failed read must not end the board: say so, keep the last picture
            result = ScenarioUnreadable(f"{self.source.path}: could not be read: {type(exc).__name__}: {exc}")
        try:
            self.board.post_message(result)
        except RuntimeError:  # the board has closed its loop meanwhile: nobody to tell
            return
        try:
            self.source.remember()
        except Exception:  # pragma: no cover - the cache never fails a read (cache.store swallows its own errors)
            pass
