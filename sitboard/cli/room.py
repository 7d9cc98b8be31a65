"""`sitboard present` and `sitboard follow`: the briefing room's two ends on the command line.

The handlers parse, open the board the room's way (`sitboard.room.boards.launch`)
and turn what cannot work into a sentence and an exit code: 2 for what the user
gave (a bad file, address or step, a refusal, another scenario), 1 for what the
machine would not do (a port in use).
"""

from __future__ import annotations

import argparse

from sitboard.cli.terminal import (
    EXIT_FAILED,
    EXIT_INVALID,
    Parser,
    Usage,
    complain,
    number_in,
    say,
    step_arg,
    theme_arg,
)

ROOM_EPILOG = (
    "What is protected: a follower needs the room's random token (in the join address); followers cannot "
    "drive; the room listens on this machine only unless --host says otherwise. What is not: the link is "
    "not encrypted, so on a network anyone who can read the traffic can read the token and the steps."
)


def present_parser() -> argparse.ArgumentParser:
    from sitboard.cli.commands import NO_CAMERA_HELP, THEME_HELP
    from sitboard.room.boards.launch import DEFAULT_PORT

    p = Parser(
        prog="sitboard present",
        description="Brief a room: open FILE in the presenter console (the event in full, its speaker notes, "
        "what comes next, a small map, the room) and let followers ('sitboard follow ADDRESS') mirror every step.",
        epilog=ROOM_EPILOG,
    )
    p.add_argument("file", metavar="FILE", help="scenario file (YAML)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 = every interface)",
    )
    p.add_argument(
        "--port",
        type=number_in(0, 65535, "port"),
        default=DEFAULT_PORT,
        help=f"port to listen on, 0-65535, 0 = any free one (default: {DEFAULT_PORT})",
    )
    p.add_argument(
        "--send-scenario",
        action="store_true",
        help="send the scenario (without its speaker notes) to followers who lack it, so a remote colleague "
        "needs only the address",
    )
    p.add_argument(
        "--new-token",
        action="store_true",
        help="make a new token for this port (the old address stops working); by default a port keeps its "
        "token, so followers pick up again after a restart",
    )
    p.add_argument("--step", type=step_arg, default=0, help="open at this step (0 = start, 'end' = last)")
    p.add_argument("--theme", type=theme_arg, help=THEME_HELP)
    p.add_argument("--ascii", action="store_true", help="7-bit ASCII only")
    p.add_argument("--no-camera", action="store_true", help=NO_CAMERA_HELP)
    return p


def cmd_present(args: argparse.Namespace) -> int:
    from sitboard.room.address import AddressError, check_host
    from sitboard.room.boards.launch import present
    from sitboard.room.wire import RoomError
    from sitboard.scenario.notes import NotesStuck
    from sitboard.state import StepOutOfRange

    try:
        check_host(args.host)  # a usage error (2), before the file is read; a port in use is the machine's (1)
    except AddressError as exc:
        raise Usage(f"--host: {exc}") from None
    try:
        return present(
            args.file,
            host=args.host,
            port=args.port,
            send_scenario=args.send_scenario,
            new_token=args.new_token,
            step=args.step,
            announce=say,
            theme_name=args.theme,
            ascii_only=args.ascii,
            cameras=not args.no_camera,
        )
    except StepOutOfRange as exc:
        raise Usage(f"{args.file}: --{exc}") from None
    except NotesStuck as exc:
        complain(f"sitboard present: {args.file}: cannot send the scenario: {exc}")
        return EXIT_INVALID
    except RoomError as exc:
        complain(f"sitboard present: error: {exc}")
        return EXIT_FAILED


def follow_parser() -> argparse.ArgumentParser:
    from sitboard.cli.commands import THEME_HELP

    p = Parser(
        prog="sitboard follow",
        description="Follow a briefing: a read-only board that shows the presenter's step, map and selection at "
        "this screen's own size and theme.",
        epilog="Give FILE when the presenter does not send the scenario (--send-scenario): it must be the same "
        "scenario as the presenter's (speaker notes may differ; they are never shown). " + ROOM_EPILOG,
    )
    p.add_argument("address", metavar="ADDRESS", help="the join address the presenter printed: HOST:PORT/TOKEN")
    p.add_argument("file", nargs="?", metavar="FILE", help="your copy of the scenario (YAML)")
    p.add_argument("--theme", type=theme_arg, help=THEME_HELP)
    p.add_argument("--ascii", action="store_true", help="7-bit ASCII only")
    return p


def cmd_follow(args: argparse.Namespace) -> int:
    from sitboard.room.address import AddressError
    from sitboard.room.boards.launch import CannotFollow, follow

    try:
        return follow(args.address, args.file, announce=say, theme_name=args.theme, ascii_only=args.ascii)
    except AddressError as exc:
        raise Usage(str(exc)) from None
    except CannotFollow as exc:
        complain(f"sitboard follow: {exc}")
        return EXIT_INVALID
