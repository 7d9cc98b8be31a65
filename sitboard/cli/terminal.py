"""What the command line prints and parses, made safe for a terminal.

Everything printed goes through `say` (standard output) or `complain`
(standard error), which clean it for the terminal: a scenario's keys, a file's
name or an argument could otherwise carry escape sequences (OSC 52 writes to
the clipboard) or bidi overrides. Exports and imports printed to standard
output are data, already made inert by their writers (`emit`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, NoReturn, TextIO

from sitboard.app.themes import THEMES
from sitboard.panels.layout import MAX_HEIGHT, MAX_WIDTH, MIN_HEIGHT, MIN_WIDTH
from sitboard.scenario.cleantext import for_terminal
from sitboard.scenario.userfile import reason, same_file, write_file

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class Usage(Exception):
    """The command was asked for something it cannot do as given (a sentence, exit 2)."""


class OutputFailed(Exception):
    """Standard output could not take what we had to write (a sentence, exit 1)."""

    def __str__(self) -> str:
        return f"sitboard: {self.args[0]}"


class Parser(argparse.ArgumentParser):
    """argparse, with its error messages (which quote the arguments) cleaned for the terminal."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, for_terminal(f"{self.prog}: error: {message}") + "\n")


def say(text: str) -> None:
    """A line (or lines) of results on standard output, cleaned for the terminal."""
    emit((for_terminal(text) + "\n").encode("utf-8"))


def emit(data: bytes) -> None:
    """Bytes to standard output, or `OutputFailed` with a sentence (a full disk, a closed pipe)."""
    stream = sys.stdout
    if stream is None:  # started with standard output closed (`>&-`)
        raise OutputFailed("standard output is closed: nothing can be written (use -o FILE)")
    try:
        stream.flush()
        buffer = stream.buffer  # bytes: UTF-8, whatever the locale says
        view = memoryview(data)
        while view:
            # A pipe whose reader leaves mid-write gives a short count, not an
            # error: the next write is the one that fails.
            written = buffer.write(view)
            if not written:
                raise BrokenPipeError
            view = view[written:]
        buffer.flush()
    except BrokenPipeError:
        # The reader left (`| head -c1`): point the descriptor at /dev/null so
        # that Python's own flush at exit does not fail a second time.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except (OSError, ValueError):
            pass
        raise OutputFailed(
            "standard output was closed before everything was written (the program reading it stopped)"
        ) from None
    except OSError as exc:
        raise OutputFailed(f"cannot write to standard output: {reason(exc)}") from None


def complain(text: str) -> None:
    """A message on standard error, cleaned for the terminal; nowhere to say it is not an error."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(for_terminal(text) + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


class ProgressBar:
    """A bar on standard error while a long read runs: `[#####.....]  42%  reading FILE`, redrawn in place.

    Called with the fraction done; it redraws only when the whole percent
    changes, and `close` wipes the line so that what follows (an error, the
    board) starts clean. A terminal that went away stops the bar, not the read.
    """

    WIDTH = 30

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label = for_terminal(label)
        self.stream: TextIO | None = stream
        self.shown = -1

    def __call__(self, fraction: float) -> None:
        percent = max(0, min(100, int(fraction * 100)))
        if percent == self.shown or self.stream is None:
            return
        self.shown = percent
        filled = percent * self.WIDTH // 100
        self._write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}%  {self.label}")

    def close(self) -> None:
        if self.shown >= 0:
            self._write("\r\x1b[K")

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.stream = None


@contextmanager
def progress_bar(label: str) -> Iterator[ProgressBar | None]:
    """A `ProgressBar` when standard error is a terminal, else None: a pipe or a log gets no bar at all."""
    stream = sys.stderr
    try:
        shown = stream is not None and stream.isatty()
    except (OSError, ValueError):
        shown = False
    if not shown:
        yield None
        return
    bar = ProgressBar(label, stream)
    try:
        yield bar
    finally:
        bar.close()


def refuse_input(out: str, source: str, what: str) -> None:
    """`Usage` if the output file `out` is the input `source` under any name (a hard link, a symlink)."""
    if same_file(out, source):
        other_name = os.path.abspath(out) != os.path.abspath(source)
        raise Usage(
            f"{out}: refusing to overwrite {what} itself"
            + (" (it is the same file under another name: a link)" if other_name else "")
        )


def write_output(out: str, source: str, what: str, data: bytes) -> None:
    """Write `data` to the file `out` whole or not at all, never over `source` (the input)."""
    refuse_input(out, source, what)
    write_file(out, data)


# -- argument types: a usage error (exit 2) naming what was expected -------------------------


def _whole(value: str, low: int, noun: str, alternative: str = "") -> int:
    """An argument that is a whole number from `low`, or a usage error naming what was expected."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {noun}{alternative}, got {value!r}") from None
    if number < low:
        raise argparse.ArgumentTypeError(f"expected {noun} from {low}, got {value}")
    return number


def step_arg(value: str) -> int | Literal["end"]:
    return "end" if value == "end" else _whole(value, 0, "a step number", " or 'end'")


def positive_int(value: str) -> int:
    return _whole(value, 1, "a whole number")


def size_arg(value: str) -> tuple[int, int]:
    """A picture's size in cells: what the board can be drawn at (below it asks for a larger terminal)."""
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size like 160x50, got {value!r}") from None
    if not (MIN_WIDTH <= width <= MAX_WIDTH and MIN_HEIGHT <= height <= MAX_HEIGHT):
        raise argparse.ArgumentTypeError(
            f"size {value} is outside {MIN_WIDTH}x{MIN_HEIGHT} .. {MAX_WIDTH}x{MAX_HEIGHT} "
            "(a smaller board only asks for a larger terminal)"
        )
    return width, height


def theme_arg(value: str) -> str:
    """One of the board's themes, by name (a usage error naming them all, otherwise)."""
    if value not in THEMES:
        raise argparse.ArgumentTypeError(f"unknown theme {value!r}: the themes are {', '.join(THEMES)}")
    return value


def number_in(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (a usage error, exit 2, otherwise)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} from {low} to {high}, got {value!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, got {number}")
        return number

    return parse
