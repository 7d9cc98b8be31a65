"""The `sitboard` command: a table of commands over the layers below; nothing imports this package.

`sitboard [FILE]` opens the board; `sitboard COMMAND ...` runs one of
`COMMANDS` (each a parser and a handler in `commands`). Exit codes: 0
success, 2 invalid input or usage, 1 could not write output, 130
interrupted. No traceback reaches the user unless SITBOARD_DEBUG is set:
every failure is one sentence, cleaned for the terminal (`terminal`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple

from sitboard.cli.terminal import EXIT_FAILED, EXIT_INVALID, OutputFailed, Usage, complain
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.userfile import WriteFailed


class Command(NamedTuple):
    name: str
    parser: Callable[[], argparse.ArgumentParser]
    run: Callable[[argparse.Namespace], int]


def _commands() -> tuple[Command, ...]:
    """Every command (imported when one runs: `sitboard --version` loads none of the layers it does not need)."""
    from sitboard.cli import commands as c
    from sitboard.cli import room, story

    return (
        Command("check", c.check_parser, c.cmd_check),
        Command("export", c.export_parser, c.cmd_export),
        Command("import", c.import_parser, c.cmd_import),
        Command("locate", c.locate_parser, c.cmd_locate),
        Command("serve", c.serve_parser, c.cmd_serve),
        Command("present", room.present_parser, room.cmd_present),
        Command("follow", room.follow_parser, room.cmd_follow),
        Command("schema", c.schema_parser, c.cmd_schema),
        Command("diff", story.diff_parser, story.cmd_diff),
        Command("narrate", story.narrate_parser, story.cmd_narrate),
        Command("record", story.record_parser, story.cmd_record),
        Command("bench", _bench_parser, _bench),
    )


def _bench_parser() -> argparse.ArgumentParser:
    from sitboard.cli.bench import parser

    return parser()


def _bench(args: argparse.Namespace) -> int:
    from sitboard.cli.bench import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        from sitboard.cli import commands

        command = next((c for c in _commands() if argv and argv[0] == c.name), None)
        if command is None:
            return commands.cmd_board(commands.board_parser().parse_args(argv))
        return command.run(command.parser().parse_args(argv[1:]))
    except ScenarioError as exc:
        complain(str(exc))
        return EXIT_INVALID
    except Usage as exc:
        complain(f"sitboard: error: {exc}")
        return EXIT_INVALID
    except (WriteFailed, OutputFailed) as exc:
        complain(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a sentence, not a traceback
        if os.environ.get("SITBOARD_DEBUG"):
            raise
        complain(f"sitboard: internal error: {type(exc).__name__}: {exc} (set SITBOARD_DEBUG=1 for details)")
        return EXIT_FAILED
