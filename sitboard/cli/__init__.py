"""The `sitboard` command: open the board, check files, export a step.

Exit codes: 0 success, 2 invalid input or usage, 1 could not write output,
130 interrupted. No traceback reaches the user unless SITBOARD_DEBUG is set.

Everything printed goes through `say` (standard output) or `complain`
(standard error), which clean it for the terminal: a scenario's keys, a file's
name or an argument could otherwise carry escape sequences (OSC 52 writes to
the clipboard) or bidi overrides. Exports and imports printed to standard
output are data, already made inert by their writers.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sitboard import __version__
from sitboard.scenario.bundled import default_scenario
from sitboard.scenario.cleantext import escape_in_quotes, for_terminal
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import load_scenario, read_scenario
from sitboard.scenario.model import Scenario
from sitboard.scenario.userfile import WriteFailed, reason, same_file, write_file

if TYPE_CHECKING:
    from sitboard.app import SitboardApp

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
COMMANDS = ("check", "export", "schema", "serve", "bench", "import", "locate")
FORMATS = ("json", "md", "geojson", "svg", "txt")


def rich_color_ok(name: str) -> bool:
    """Colour names are whatever Rich can parse (the core cannot import Rich)."""
    from rich.color import Color, ColorParseError

    try:
        Color.parse(name)
    except ColorParseError:
        return False
    return True


def rich_color_hex(name: str) -> str | None:
    """`#rrggbb` for any colour Rich understands (for GeoJSON's marker colours)."""
    from rich.color import Color, ColorParseError

    try:
        return Color.parse(name).get_truecolor().hex
    except ColorParseError:
        return None


def read(path: str | Path) -> Scenario:
    return load_scenario(path, color_ok=rich_color_ok, cache=True)


def _whole(value: str, low: int, noun: str, alternative: str = "") -> int:
    """An argument that is a whole number from `low`, or a usage error naming what was expected."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {noun}{alternative}, got {value!r}") from None
    if number < low:
        raise argparse.ArgumentTypeError(f"expected {noun} from {low}, got {value}")
    return number


def _step_arg(value: str) -> int | str:
    return value if value == "end" else _whole(value, 0, "a step number", " or 'end'")


def positive_int(value: str) -> int:
    return _whole(value, 1, "a whole number")


def _resolve_step(step: int | str, steps: int, file: str) -> int:
    if step == "end":
        return steps
    assert isinstance(step, int)
    if step > steps:
        raise _Usage(f"{file}: --step {step} is past the last event (the scenario has {steps} events)")
    return step


class _Usage(Exception):
    pass


class _OutputFailed(Exception):
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
    """Bytes to standard output, or `_OutputFailed` with a sentence (a full disk, a closed pipe)."""
    stream = sys.stdout
    if stream is None:  # started with standard output closed (`>&-`)
        raise _OutputFailed("standard output is closed: nothing can be written (use -o FILE)")
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
        raise _OutputFailed("standard output was closed before everything was written "
                            "(the program reading it stopped)") from None
    except OSError as exc:
        raise _OutputFailed(f"cannot write to standard output: {reason(exc)}") from None


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


def refuse_input(out: str, source: str, what: str) -> None:
    """`_Usage` if the output file `out` is the input `source` under any name (a hard link, a symlink)."""
    if same_file(out, source):
        other_name = os.path.abspath(out) != os.path.abspath(source)
        raise _Usage(f"{out}: refusing to overwrite {what} itself"
                     + (" (it is the same file under another name: a link)" if other_name else ""))


def write_output(out: str, source: str, what: str, data: bytes) -> None:
    """Write `data` to the file `out` whole or not at all, never over `source` (the input)."""
    refuse_input(out, source, what)
    write_file(out, data)


def board_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sitboard",
        description="A terminal situation board. Opens FILE (default: the bundled central Syria scenario).",
        epilog="Other commands: 'sitboard check FILE...', 'sitboard export FILE --format json|md|geojson|svg|txt', "
        "'sitboard schema', 'sitboard serve FILE', 'sitboard bench'. "
        "See 'sitboard COMMAND --help'.",
    )
    p.add_argument("file", nargs="?", help="scenario file (YAML)")
    p.add_argument("--step", type=_step_arg, default=0, help="open at this step (0 = start, 'end' = last)")
    p.add_argument("--autoplay", type=float, metavar="SECONDS", help="start playing, one event every SECONDS")
    p.add_argument("--theme", help="colour theme (e.g. sitboard-dark, sitboard-light, sitboard-high-contrast)")
    p.add_argument("--present", action="store_true", help="presentation mode: the map fills the screen")
    p.add_argument("--ascii", action="store_true", help="7-bit ASCII only, for old terminals and projectors")
    p.add_argument("--no-watch", action="store_true", help="do not reload the file when it changes")
    p.add_argument("--version", action="version", version=f"sitboard {__version__}")
    return p


def check_parser() -> argparse.ArgumentParser:
    p = Parser(prog="sitboard check", description="Validate scenario files.")
    p.add_argument("files", nargs="+", metavar="FILE")
    return p


def export_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sitboard export",
        description="Write the board at one step: json (state), md (briefing), geojson (for a GIS), "
        "svg (the board as it looks), txt (the same as text).",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=FORMATS, default="json")
    p.add_argument("--step", type=_step_arg, default="end", help="step number or 'end' (default: end)")
    p.add_argument("--size", type=_size_arg, default=(160, 50), metavar="WxH",
                   help="terminal size for svg and txt (default: 160x50)")
    p.add_argument("--theme", help="theme for svg and txt")
    p.add_argument("--ascii", action="store_true", help="ASCII-only board for svg and txt")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    return p


def _size_arg(value: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size like 160x50, got {value!r}") from None
    if not (10 <= width <= 1000 and 5 <= height <= 500):
        raise argparse.ArgumentTypeError(f"size {value} is outside 10x5 .. 1000x500")
    return width, height


def _number_in(low: int, high: int, what: str) -> Callable[[str], int]:
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


def _public_url_arg(value: str) -> str:
    from sitboard.serve.rules import origin_of

    if origin_of(value) is None:
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// address with a host, got {value!r}")
    return value


def serve_parser() -> argparse.ArgumentParser:
    from sitboard.serve.rules import DEFAULT_MAX_SESSIONS

    p = Parser(
        prog="sitboard serve",
        description="Serve the board to web browsers; each tab gets its own board. "
        "Needs the serve extra: pip install 'sitboard[serve]'.",
        epilog="Only pages of the server's own address may open a board. On an address other than loopback "
        "the page's address carries a random token, printed at start; share it only with the room.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="scenario file (YAML; default: the bundled scenario)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 = every "
                   "interface, with a token in the address)")
    # Not port 0: the page must name the real port.
    p.add_argument("--port", type=_number_in(1, 65535, "port"), default=8000, help="port to listen on, 1-65535 (default: 8000)")
    p.add_argument("--public-url", metavar="URL", type=_public_url_arg,
                   help="address browsers use to reach the server (needed with --host 0.0.0.0)")
    p.add_argument("--max-sessions", type=_number_in(1, 1000, "the number of boards"), default=DEFAULT_MAX_SESSIONS, metavar="N",
                   help=f"boards running at once, one per tab; past it a tab is asked to wait "
                   f"(default: {DEFAULT_MAX_SESSIONS})")
    door = p.add_mutually_exclusive_group()
    door.add_argument("--token", dest="token", action="store_const", const=True, default=None,
                      help="ask for a random token in the address even on loopback")
    door.add_argument("--no-token", dest="token", action="store_const", const=False,
                      help="no token, even beyond loopback: anyone who can reach the port can open and drive "
                      "the board (and make it save pictures in this folder)")
    p.add_argument("--theme", help="colour theme for every board")
    p.add_argument("--ascii", action="store_true", help="7-bit ASCII only")
    p.add_argument("--no-watch", action="store_true", help="do not reload the file when it changes")
    return p


def import_parser() -> argparse.ArgumentParser:
    p = Parser(prog="sitboard import", description="Make a scenario from another tool's data.")
    sources = p.add_subparsers(dest="source", required=True, metavar="SOURCE")
    a = sources.add_parser(
        "acled", prog="sitboard import acled", help="an ACLED export (CSV)",
        description="Turn an ACLED export (CSV) into a scenario: one event per row in date order, a town per "
        "location, a faction per actor, a source per named source. Only ACLED's territorial sub-events change "
        "control (to actor1); every town starts 'unknown'.",
        epilog="Limits: the CSV may be up to 128 MiB, and one field up to 131,072 characters (128 KiB, "
        "Python's csv limit); a longer field is an error, with its line. "
        "ACLED data: Armed Conflict Location & Event Data, https://acleddata.com; its terms of use apply.",
    )
    a.add_argument("csv", metavar="CSV", help="the export, as downloaded (UTF-8)")
    a.add_argument("-o", "--output", metavar="OUT", help="scenario file to write (default: stdout)")
    return p


def cmd_import(args: argparse.Namespace) -> int:
    from sitboard.feeds.acled import import_acled

    text = import_acled(args.csv)  # a bad CSV raises ScenarioError: row:column problems, exit 2
    if args.output:
        write_output(args.output, args.csv, "the CSV", text.encode("utf-8"))
    else:
        emit(text.encode("utf-8"))
    return EXIT_OK


def locate_parser() -> argparse.ArgumentParser:
    from sitboard.scenario.gazetteer import ATTRIBUTION  # reads no data on import

    p = Parser(
        prog="sitboard locate",
        description="Find places by name, offline: coordinates, population and country of every GeoNames place "
        "of 15,000+ people called NAME (own names first, then alternate names; case, diacritics and "
        "apostrophes do not matter).",
        epilog=ATTRIBUTION,
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--country", metavar="CC", help="only places in this country: ISO code (SY, SYR) or name")
    return p


def cmd_locate(args: argparse.Namespace) -> int:
    from sitboard.scenario import gazetteer

    try:
        places = gazetteer.locate(args.name, args.country)
    except gazetteer.UnknownCountry as exc:
        raise _Usage(str(exc)) from None
    except gazetteer.GazetteerError as exc:
        complain(f"sitboard locate: error: {exc}")
        return EXIT_FAILED
    if not places:
        where = f" in {args.country}" if args.country else ""
        complain(f"sitboard locate: no place called {args.name!r}{where} in the gazetteer")
        return EXIT_INVALID
    say("\n".join(gazetteer.describe(p) for p in places))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from sitboard.serve.start import ServeError, serve

    extra = (["--theme", args.theme] if args.theme else []) + (["--ascii"] if args.ascii else []) + (
        ["--no-watch"] if args.no_watch else []
    )
    try:
        serve(args.file or str(default_scenario()), args.host, args.port, extra_args=extra,
              public_url=args.public_url, max_sessions=args.max_sessions, token=args.token)
    except ServeError as exc:
        complain(f"sitboard serve: error: {exc}")  # an address or URL as typed: cleaned for the terminal
        return EXIT_FAILED
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for file in args.files:
        try:
            s = read(file)
        except ScenarioError as exc:
            complain(str(exc))
            status = EXIT_INVALID
            continue
        say(f"{file}: ok, {len(s.towns)} towns, {len(s.events)} events, {len(s.factions)} factions")
        if s.resolved:
            from sitboard.scenario.gazetteer import ATTRIBUTION

            say(f"{file}: {len(s.resolved)} town(s) placed from the gazetteer ({ATTRIBUTION.rstrip('.')}):")
            for town_id, match in s.resolved:
                say(f"  {town_id}: {match}")
    return status


def cmd_export(args: argparse.Namespace) -> int:
    from sitboard.timeline import Timeline

    scenario = read(args.file)
    if args.output:
        refuse_input(args.output, args.file, "the scenario")  # before the work, and again before writing
    timeline = Timeline(scenario)
    step = _resolve_step(args.step, timeline.steps, args.file)
    text = render_export(args.format, timeline, step, size=args.size, theme=args.theme, ascii_only=args.ascii)
    if args.output:
        write_output(args.output, args.file, "the scenario", text.encode("utf-8"))
    else:
        emit(text.encode("utf-8"))
    return EXIT_OK


def render_export(fmt: str, timeline, step: int, *, size=(160, 50), theme=None, ascii_only=False) -> str:  # type: ignore[no-untyped-def]
    if fmt == "json":
        import json

        from sitboard.exports.json_state import state_to_json

        return escape_in_quotes(json.dumps(state_to_json(timeline.state_at(step)), ensure_ascii=False, indent=2)) + "\n"
    if fmt == "md":
        from sitboard.exports.briefing import briefing_markdown

        return briefing_markdown(timeline, step)
    if fmt == "geojson":
        import json

        from sitboard.exports.geojson import feature_collection

        collection = feature_collection(timeline, step, color_hex=rich_color_hex)
        return escape_in_quotes(json.dumps(collection, ensure_ascii=False, allow_nan=False, indent=1)) + "\n"
    from sitboard.exports.picture import board_picture  # svg, txt: the board itself, headless

    return board_picture(timeline.scenario, timeline, step=step, size=size, fmt=fmt, theme=theme,
                         ascii_only=ascii_only)


def open_board(file: str, *, step: int | str = 0, **options: Any) -> SitboardApp:
    """The board for `file`, ready to run (`options` go to SitboardApp).

    A freshly validated file's cache entry is written after the first frame,
    in a thread, so that the first open of a large file is not made slower
    by preparing the next one (the benchmark opens boards through here too).
    """
    scenario, remember = read_scenario(file, color_ok=rich_color_ok, cache=True)
    from sitboard.timeline import Timeline

    timeline = Timeline(scenario)
    first = _resolve_step(step, timeline.steps, file)
    from sitboard.app import SitboardApp  # Textual is imported only once the file is known good

    app = SitboardApp(scenario, timeline, step=first, owns_gc=True, **options)  # one board per process
    if remember is not None:
        import threading

        app.call_later(app.call_after_refresh, lambda: threading.Thread(target=remember, name="sitboard-cache").start())
    return app


def cmd_board(args: argparse.Namespace) -> int:
    file = args.file or str(default_scenario())
    app = open_board(file, step=args.step, autoplay=args.autoplay, theme_name=args.theme, present=args.present,
                     ascii_only=args.ascii, watch=not args.no_watch)
    app.run()
    return app.return_code or EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "check":
            return cmd_check(check_parser().parse_args(argv[1:]))
        if argv and argv[0] == "export":
            return cmd_export(export_parser().parse_args(argv[1:]))
        if argv and argv[0] == "import":
            return cmd_import(import_parser().parse_args(argv[1:]))
        if argv and argv[0] == "locate":
            return cmd_locate(locate_parser().parse_args(argv[1:]))
        if argv and argv[0] == "serve":
            return cmd_serve(serve_parser().parse_args(argv[1:]))
        if argv and argv[0] == "schema":
            import json

            from sitboard.scenario.schema import scenario_schema

            Parser(prog="sitboard schema", description="Print the JSON Schema of the scenario format.").parse_args(argv[1:])
            emit((json.dumps(scenario_schema(), indent=2) + "\n").encode("utf-8"))
            return EXIT_OK
        if argv and argv[0] == "bench":
            from sitboard.cli.bench import main as bench_main

            return bench_main(argv[1:])
        args = board_parser().parse_args(argv)
        if args.autoplay is not None and not args.autoplay > 0:
            raise _Usage("--autoplay takes a positive number of seconds")
        return cmd_board(args)
    except ScenarioError as exc:
        complain(str(exc))
        return EXIT_INVALID
    except _Usage as exc:
        complain(f"sitboard: error: {exc}")
        return EXIT_INVALID
    except (WriteFailed, _OutputFailed) as exc:
        complain(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a sentence, not a traceback
        if os.environ.get("SITBOARD_DEBUG"):
            raise
        complain(f"sitboard: internal error: {type(exc).__name__}: {exc} (set SITBOARD_DEBUG=1 for details)")
        return EXIT_FAILED
