"""The commands that retell a briefing for those who missed it: `diff`, `narrate`, `record`.

Each reads the scenario the board's way (`sitboard.app.launch.read`), asks a
layer below for the words or the frames, and writes them as every command
does: printed cleaned (`say`), or to a file whole or not at all (`write_output`).
A step is given as the Go-to dialog takes it: a number, `start`, `end` or a date
(the board after the last event of that day).
"""

from __future__ import annotations

import argparse
import time

from sitboard.app.launch import read
from sitboard.app.themes import THEMES
from sitboard.cli.terminal import EXIT_OK, Parser, Usage, emit, refuse_input, size_arg, theme_arg, write_output
from sitboard.panels.goto import NotAStep, parse_goto
from sitboard.timeline import Timeline


def _step(timeline: Timeline, value: str, option: str, file: str) -> int:
    """A step from what was typed after `option`, or a usage error that names the file and says what was expected."""
    try:
        return parse_goto(value, timeline)
    except NotAStep as exc:
        raise Usage(f"{file}: {option} {value!r}: {exc}") from None


def _window(timeline: Timeline, args: argparse.Namespace) -> tuple[int, int]:
    start = _step(timeline, args.start, "--from", args.file)
    end = _step(timeline, args.end, "--to", args.file)
    if start > end:
        raise Usage(f"{args.file}: --from {args.start!r} is step {start}, after --to {args.end!r} (step {end})")
    return start, end


STEP_HELP = "a step number, 'start', 'end' or a date such as 2024-12-05 (the board after that day's last event)"


# -- diff ---------------------------------------------------------------------------


def diff_parser() -> argparse.ArgumentParser:
    from sitboard.exports.diff import FORMATS

    p = Parser(
        prog="sitboard diff",
        description="What changed between two moments: towns that changed hands or state (grouped by who gained "
        "them), towns and known population per holder, people displaced (never a number the sources did not "
        "give), and the events in between.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--from", dest="start", required=True, metavar="DATE|STEP", help=f"the earlier moment: {STEP_HELP}")
    p.add_argument("--to", dest="end", default="end", metavar="DATE|STEP", help="the later moment (default: end)")
    p.add_argument("--format", choices=FORMATS, default="txt", help="txt (default), md or json")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    return p


def cmd_diff(args: argparse.Namespace) -> int:
    from sitboard.compare import compare
    from sitboard.exports.diff import render

    timeline = Timeline(read(args.file))
    start, end = _window(timeline, args)
    data = render(compare(timeline, start, end), args.format)
    _write(args, data)
    return EXIT_OK


# -- narrate ------------------------------------------------------------------------


def narrate_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sitboard narrate",
        description="One sentence per step (the start included): date, title, changes of control, flows in the "
        "sources' words, confidence and number of sources, at most 240 characters each. For chats, minutes and "
        "screen readers.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--step", metavar="DATE|STEP", help=f"only this step: {STEP_HELP}")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    return p


def cmd_narrate(args: argparse.Namespace) -> int:
    from sitboard.panels.narration import narration

    timeline = Timeline(read(args.file))
    steps = [_step(timeline, args.step, "--step", args.file)] if args.step is not None else range(timeline.steps + 1)
    # Sentences are one line each, cleaned of control characters by `narration`.
    _write(args, "".join(narration(timeline.state_at(k)) + "\n" for k in steps).encode("utf-8"))
    return EXIT_OK


# -- record -------------------------------------------------------------------------


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds from 0.1 to 3600, got {value!r}")
    return seconds


def record_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sitboard record",
        description="Record the board step by step into an asciicast v2 file (asciinema), one chapter marker per "
        "step ('date title'). Needs no terminal.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", metavar="OUT", required=True, help="the .cast file to write")
    p.add_argument("--size", type=size_arg, default=(120, 40), metavar="WxH", help="terminal size (default: 120x40)")
    p.add_argument(
        "--interval", type=_seconds, default=2.0, metavar="SECONDS", help="seconds per step when played (default: 2)"
    )
    p.add_argument("--from", dest="start", default="start", metavar="DATE|STEP", help=f"first step: {STEP_HELP}")
    p.add_argument("--to", dest="end", default="end", metavar="DATE|STEP", help="last step (default: end)")
    p.add_argument(
        "--fixed-clock",
        action="store_true",
        help="leave the recording's date out of the file: two runs give identical bytes",
    )
    p.add_argument("--theme", type=theme_arg, help=f"colour theme: {', '.join(THEMES)}")
    p.add_argument("--ascii", action="store_true", help="7-bit ASCII only")
    return p


def cmd_record(args: argparse.Namespace) -> int:
    from textual.theme import BUILTIN_THEMES

    from sitboard.app.colors import rich_color_hex
    from sitboard.exports import ExportOptions
    from sitboard.exports.cast import record

    # The board would fall back with a toast: a recording would carry the toast in its first seconds.
    if args.theme is not None and args.theme not in {*BUILTIN_THEMES, *THEMES}:
        raise Usage(f"unknown theme {args.theme!r}: expected one of {', '.join(THEMES)} or another Textual theme")
    refuse_input(args.output, args.file, "the scenario")  # before the work, and again before writing
    timeline = Timeline(read(args.file))
    start, end = _window(timeline, args)
    options = ExportOptions(size=args.size, theme=args.theme, ascii_only=args.ascii, color_hex=rich_color_hex)
    data = record(
        timeline,
        range(start, end + 1),
        options,
        interval=args.interval,
        timestamp=None if args.fixed_clock else int(time.time()),
    )
    write_output(args.output, args.file, "the scenario", data)
    return EXIT_OK


def _write(args: argparse.Namespace, data: bytes) -> None:
    if args.output:
        write_output(args.output, args.file, "the scenario", data)
    else:
        emit(data)
