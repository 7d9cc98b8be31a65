"""The commands: each one a parser and a handler that calls the layers below (the table is in `sitboard.cli`).

Handlers hold no logic another layer needs: reading is `sitboard.app.launch`,
writing a format is `sitboard.exports`, a step is resolved by `sitboard.state`.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Literal

from sitboard import __version__
from sitboard.app.launch import file_source, open_board, read
from sitboard.app.themes import DEFAULT_THEME, THEMES
from sitboard.cli.terminal import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_OK,
    Parser,
    Usage,
    complain,
    emit,
    number_in,
    progress_bar,
    refuse_input,
    say,
    size_arg,
    step_arg,
    theme_arg,
    write_output,
)
from sitboard.exports import ExportOptions, exporter, formats
from sitboard.geo.text import BIDI_CHOICES, set_bidi, terminal_reorders
from sitboard.panels.layout import MAX_HEIGHT, MAX_WIDTH, MIN_HEIGHT, MIN_WIDTH
from sitboard.scenario.bundled import default_scenario
from sitboard.scenario.errors import ScenarioError
from sitboard.state import CONTEXT_LAYERS, BoardState, StepOutOfRange, resolve_step
from sitboard.timeline import Timeline

THEME_HELP = f"colour theme: {', '.join(THEMES)} (default: {DEFAULT_THEME})"
NO_CAMERA_HELP = "keep the map where it is when stepping: ignore the events' 'view:' cameras"


def _step_of(step: int | Literal["end"], steps: int, file: str) -> int:
    """`--step` for a scenario of `steps` events, or a usage error that names the file."""
    try:
        return resolve_step(step, steps)
    except StepOutOfRange as exc:
        raise Usage(f"{file}: --{exc}") from None


# -- the board -----------------------------------------------------------------------


def layers_arg(value: str) -> tuple[str, ...]:
    """`--hide countries,rivers`: the context layers named, sorted; an unknown name is a usage error."""
    names = sorted({name.strip() for name in value.split(",") if name.strip()})
    for name in names:
        if name not in CONTEXT_LAYERS:
            raise argparse.ArgumentTypeError(f"no context layer {name!r}: the layers are {', '.join(CONTEXT_LAYERS)}")
    return tuple(names)


def map_switches(p: argparse.ArgumentParser) -> None:
    """--areas and --hide: the board and its pictures take the same switches for what the map shows."""
    p.add_argument(
        "--areas",
        choices=("on", "off"),
        help="areas of control shown or not (default: the scenario's map.areas, else off)",
    )
    p.add_argument(
        "--hide",
        type=layers_arg,
        default=(),
        metavar="LAYERS",
        help=f"context layers not drawn, comma separated: {', '.join(CONTEXT_LAYERS)}",
    )


def _areas_of(args: argparse.Namespace) -> bool | None:
    """`--areas on|off` as a flag; None without it (the scenario's `map.areas` decides)."""
    return None if args.areas is None else bool(args.areas == "on")


def board_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sitboard",
        description="A terminal situation board. Opens FILE (default: the bundled central Syria scenario).",
        epilog="Other commands: 'sitboard check FILE...', 'sitboard export FILE --format json|md|geojson|kml|svg|txt|html', "
        "'sitboard schema', 'sitboard serve FILE', 'sitboard present FILE', "
        "'sitboard follow ADDRESS', 'sitboard import acled CSV', 'sitboard locate NAME', "
        "'sitboard bench'. See 'sitboard COMMAND --help'.",
    )
    p.add_argument("file", nargs="?", help="scenario file (YAML)")
    p.add_argument("--step", type=step_arg, default=0, help="open at this step (0 = start, 'end' = last)")
    p.add_argument("--autoplay", type=float, metavar="SECONDS", help="start playing, one event every SECONDS")
    p.add_argument("--theme", type=theme_arg, help=THEME_HELP)
    p.add_argument("--present", action="store_true", help="presentation mode: the map fills the screen")
    p.add_argument("--ascii", action="store_true", help="7-bit ASCII only, for old terminals and projectors")
    map_switches(p)
    p.add_argument(
        "--bidi",
        choices=BIDI_CHOICES,
        default="auto",
        help="on: sitboard puts right-to-left names in reading order (most terminals); off: the terminal "
        "does bidi itself (Konsole, mlterm); auto (default): off in Konsole and mlterm, else on",
    )
    p.add_argument("--no-watch", action="store_true", help="do not reload the file when it changes")
    p.add_argument("--no-camera", action="store_true", help=NO_CAMERA_HELP)
    p.add_argument("--version", action="version", version=f"sitboard {__version__}")
    return p


def cmd_board(args: argparse.Namespace) -> int:
    if args.autoplay is not None and not args.autoplay > 0:
        raise Usage("--autoplay takes a positive number of seconds")
    file = args.file or str(default_scenario())
    set_bidi(terminal_reorders(args.bidi, os.environ))
    try:
        with progress_bar(f"reading {file}") as bar:  # a cold open of a large file takes seconds
            app = open_board(
                file_source(file, watch=not args.no_watch),
                step=args.step,
                present=args.present,
                areas=_areas_of(args),
                hidden=args.hide,
                progress=bar,
                autoplay=args.autoplay,
                theme_name=args.theme,
                ascii_only=args.ascii,
                cameras=not args.no_camera,
            )
    except StepOutOfRange as exc:  # the file is read first: only then is its last step known
        raise Usage(f"{file}: --{exc}") from None
    app.run()
    return app.return_code or EXIT_OK


# -- check, export, schema -----------------------------------------------------------------


def check_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sitboard check",
        description="Validate scenario files, and weigh their sources: warn of a change of hands told only by "
        "sources close to the side that gains it, a 'confirmed' resting on one source, and two holders for one "
        "town at the same time.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--strict", action="store_true", help="warnings are errors (exit 2)")
    return p


def cmd_check(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for file in args.files:
        try:
            with progress_bar(f"checking {file}") as bar:
                s = read(file, bar)
        except ScenarioError as exc:
            complain(str(exc))
            status = EXIT_INVALID
            continue
        from sitboard.scenario.weighing import weigh

        warnings = weigh(s, file)
        if args.strict and warnings:
            complain("\n".join(str(w._replace(severity="error")) for w in warnings))
            status = EXIT_INVALID
            continue
        for w in warnings:
            complain(str(w))
        say(
            f"{file}: ok, {len(s.towns)} towns, {len(s.events)} events, {len(s.factions)} factions"
            + (f", {len(warnings)} warning(s)" if warnings else "")
        )
        if s.resolved:
            from sitboard.scenario.gazetteer import ATTRIBUTION

            say(f"{file}: {len(s.resolved)} town(s) placed from the gazetteer ({ATTRIBUTION.rstrip('.')}):")
            for town_id, match in s.resolved:
                say(f"  {town_id}: {match}")
    return status


def export_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sitboard export",
        description="Write the board at one step: json (state), md (briefing), geojson (for a GIS), "
        "kml (the whole timeline, for Google Earth's time slider), svg (the board as it looks), txt (the same as text), "
        "html (every step, to replay offline in a browser, opening at --step).",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=formats(), default="json")
    p.add_argument("--step", type=step_arg, default="end", help="step number or 'end' (default: end)")
    p.add_argument(
        "--size",
        type=size_arg,
        default=(160, 50),
        metavar="WxH",
        help=f"terminal size for svg, txt and html, {MIN_WIDTH}x{MIN_HEIGHT} to {MAX_WIDTH}x{MAX_HEIGHT} (default: 160x50)",
    )
    p.add_argument("--theme", type=theme_arg, help=f"theme for svg, txt and html; {THEME_HELP}")
    p.add_argument("--ascii", action="store_true", help="ASCII-only board for svg, txt and html")
    p.add_argument(
        "--compare",
        metavar="DATE|STEP",
        help="svg, txt and html: the split view, the map at this earlier moment (a step, 'start' or a date) "
        "beside the step, what changed marked on both",
    )
    map_switches(p)
    p.add_argument(
        "--notes",
        action="store_true",
        help="md only: include the briefer's speaker notes (no other output ever shows them)",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    return p


def cmd_export(args: argparse.Namespace) -> int:
    from sitboard.app.colors import rich_color_hex

    if args.notes and args.format != "md":
        raise Usage("--notes goes with --format md: speaker notes are never part of any other output")
    if args.compare is not None and args.format not in PICTURES:
        raise Usage(f"--compare draws the split view: it goes with --format {', '.join(PICTURES)}")
    set_bidi(False)  # a picture, text or page is read in a viewer that does its own bidi: logical order
    with progress_bar(f"reading {args.file}") as bar:
        scenario = read(args.file, bar)
    if args.output:
        refuse_input(args.output, args.file, "the scenario")  # before the work, and again before writing
    timeline = Timeline(scenario)
    state = BoardState(
        step=_step_of(args.step, timeline.steps, args.file),
        areas=scenario.map.areas if (shown := _areas_of(args)) is None else shown,
        compare=_compare_of(args, timeline),
        hidden=args.hide,
    )
    options = ExportOptions(
        size=args.size, theme=args.theme, ascii_only=args.ascii, color_hex=rich_color_hex, notes=args.notes
    )
    data = exporter(args.format)(timeline, state, options)
    if args.output:
        write_output(args.output, args.file, "the scenario", data)
    else:
        emit(data)
    return EXIT_OK


PICTURES = ("svg", "txt", "html")  # the formats that draw the board


def _compare_of(args: argparse.Namespace, timeline: Timeline) -> int | None:
    """`--compare`, read as the Go-to dialog reads a step, or a usage error naming the file."""
    if args.compare is None:
        return None
    from sitboard.panels.goto import NotAStep, parse_goto

    try:
        return parse_goto(args.compare, timeline)
    except NotAStep as exc:
        raise Usage(f"{args.file}: --compare {args.compare!r}: {exc}") from None


def schema_parser() -> argparse.ArgumentParser:
    return Parser(prog="sitboard schema", description="Print the JSON Schema of the scenario format.")


def cmd_schema(args: argparse.Namespace) -> int:
    from sitboard.scenario.schema import scenario_schema

    emit((json.dumps(scenario_schema(), indent=2) + "\n").encode("utf-8"))
    return EXIT_OK


# -- serve, import, locate ------------------------------------------------------------------


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
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 = every "
        "interface, with a token in the address)",
    )
    # Not port 0: the page must name the real port.
    p.add_argument(
        "--port", type=number_in(1, 65535, "port"), default=8000, help="port to listen on, 1-65535 (default: 8000)"
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        type=_public_url_arg,
        help="address browsers use to reach the server (needed with --host 0.0.0.0)",
    )
    p.add_argument(
        "--max-sessions",
        type=number_in(1, 1000, "the number of boards"),
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"boards running at once, one per tab; past it a tab is asked to wait (default: {DEFAULT_MAX_SESSIONS})",
    )
    door = p.add_mutually_exclusive_group()
    door.add_argument(
        "--token",
        dest="token",
        action="store_const",
        const=True,
        default=None,
        help="ask for a random token in the address even on loopback",
    )
    door.add_argument(
        "--no-token",
        dest="token",
        action="store_const",
        const=False,
        help="no token, even beyond loopback: anyone who can reach the port can open and drive "
        "the board (and make it save pictures in this folder)",
    )
    p.add_argument(
        "--follow",
        metavar="ADDRESS",
        help="every tab follows the briefing room at ADDRESS (as 'sitboard follow ADDRESS [FILE]' would); "
        "FILE, if given, is the followers' copy of the scenario",
    )
    p.add_argument("--theme", type=theme_arg, help=f"theme for every board; {THEME_HELP}")
    p.add_argument("--ascii", action="store_true", help="7-bit ASCII only")
    p.add_argument("--no-watch", action="store_true", help="do not reload the file when it changes")
    return p


def import_parser() -> argparse.ArgumentParser:
    p = Parser(prog="sitboard import", description="Make a scenario from another tool's data.")
    sources = p.add_subparsers(dest="source", required=True, metavar="SOURCE")
    a = sources.add_parser(
        "acled",
        prog="sitboard import acled",
        help="an ACLED export (CSV)",
        description="Turn an ACLED export (CSV) into a scenario: one event per row in date order, a town per "
        "location, a faction per actor, a source per named source. Only ACLED's territorial sub-events change "
        "control (to actor1); every town starts 'unknown'.",
        epilog="Limits: the CSV may be up to 512 MiB, and one field up to 131,072 characters (128 KiB, "
        "Python's csv limit); a longer field is an error, with its line. "
        "ACLED data: Armed Conflict Location & Event Data, https://acleddata.com; its terms of use apply.",
    )
    a.add_argument("csv", metavar="CSV", help="the export, as downloaded (UTF-8)")
    a.add_argument("-o", "--output", metavar="OUT", help="scenario file to write (default: stdout)")
    u = sources.add_parser(
        "ucdp",
        prog="sitboard import ucdp",
        help="UCDP Georeferenced Event Dataset rows (GED CSV)",
        description="Turn UCDP GED rows (CSV) into a scenario: an event per row in date order, its sides as "
        "factions, date_start..date_end as a range, where_prec as place precision, deaths as best (low-high), "
        "its sources kept. Rows that cannot be placed or read are skipped, each reported with its line and why.",
        epilog="UCDP data: Uppsala Conflict Data Program, https://ucdp.uu.se; cite it as UCDP asks.",
    )
    u.add_argument("csv", metavar="CSV", help="GED rows as downloaded (UTF-8 CSV)")
    u.add_argument("-o", "--output", metavar="OUT", help="scenario file to write (default: stdout)")
    h = sources.add_parser(
        "hxl",
        prog="sitboard import hxl",
        help="an HXL-tagged displacement table (IOM DTM, UNHCR on HDX)",
        description="Turn an HXL-tagged CSV into a scenario of flows, finding columns by hashtag: #date, an "
        "origin and a destination (#loc or #adm1..#adm4 with +origin and +dest; +name, +code), #geo+lat/#geo+lon, "
        "and #affected+idps. One event per date. Rows that cannot be used are skipped, each reported with its "
        "line and why.",
    )
    h.add_argument("csv", metavar="CSV", help="the table (UTF-8 CSV with a row of HXL hashtags)")
    h.add_argument(
        "--gazetteer",
        metavar="PCODES",
        help="CSV with columns pcode, lat, lon: places a town given by place code without coordinates",
    )
    h.add_argument("-o", "--output", metavar="OUT", help="scenario file to write (default: stdout)")
    return p


def cmd_import(args: argparse.Namespace) -> int:
    if args.source == "acled":
        from sitboard.feeds.acled import import_acled

        with progress_bar(f"importing {args.csv}") as bar:
            text = import_acled(args.csv, bar)  # a bad CSV raises ScenarioError: row:column problems, exit 2
    else:
        from sitboard.feeds.table import Gazetteer

        if args.source == "ucdp":
            from sitboard.feeds.ucdp import import_ucdp

            imported = import_ucdp(args.csv)
        else:
            from sitboard.feeds.hxl import import_hxl

            places = Gazetteer.read(args.gazetteer) if args.gazetteer else None
            imported = import_hxl(args.csv, places)
        text = imported.text
        for row in imported.skipped:
            complain(f"{args.csv}:{row.line}:1: skipped: {row.reason}")
        if imported.skipped:
            complain(f"{args.csv}: {len(imported.skipped)} row(s) skipped")
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
        raise Usage(str(exc)) from None
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

    follow = None
    if args.follow is not None:
        from sitboard.room.address import AddressError, parse_address

        try:
            follow = str(parse_address(args.follow))
        except AddressError as exc:
            raise Usage(f"--follow: {exc}") from None
        if args.no_watch:
            raise Usage("--no-watch goes without --follow: a follower shows the presenter's scenario, never a file's")
    extra = (
        (["--theme", args.theme] if args.theme else [])
        + (["--ascii"] if args.ascii else [])
        + (["--no-watch"] if args.no_watch else [])
    )
    try:
        serve(
            args.file or (None if follow else str(default_scenario())),
            args.host,
            args.port,
            extra_args=extra,
            public_url=args.public_url,
            max_sessions=args.max_sessions,
            token=args.token,
            follow=follow,
        )
    except ServeError as exc:
        complain(f"sitboard serve: error: {exc}")  # an address or URL as typed: cleaned for the terminal
        return EXIT_FAILED
    return EXIT_OK
