"""Command palette: go to a town or an event, and every board action, each hit showing which it is.

A town whose name is typed exactly comes first, above the events that
mention it (Ctrl+P, `Homs`, Enter opens Homs). This is the board's only
provider: Textual's system commands (which do not say their kind, and offer
themes sitboard does not) are left out; the board's keys and its themes are here.

Hits carry `Content`, never strings: Textual parses a string hit as markup, and
event titles and town names are scenario text (`Shelling [/] continues`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, cast

from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from sitboard.app.actions import ACTIONS
from sitboard.app.style import ascii_scrollbars
from sitboard.app.themes import THEMES

if TYPE_CHECKING:
    from sitboard.app.app import SitboardApp

MAX_HITS = 200
# The score of a town whose name is exactly what was typed: above any fuzzy match's (Textual's scores
# grow with the query and the runs it matches, with no fixed top).
EXACT = 1e9
KIND_WIDTH = len("command") + 1  # the kind's column, so the names line up


class Command(NamedTuple):
    """One thing the palette can do: its kind (town, event, command), what it says, and what it does."""

    kind: str
    text: str
    run: Callable[[], object]
    exact: str | None = None  # typed exactly (any case), this hit comes first: a town's name


class BoardCommands(Provider):
    @property
    def board(self) -> SitboardApp:
        return cast("SitboardApp", self.app)  # this provider is registered by SitboardApp alone

    def _commands(self) -> list[Command]:
        """Towns first, then events, then commands: the order of the list before anything is typed."""
        app = self.board
        look = app.look
        out: list[Command] = []
        for t in app.scenario.towns:
            name = look.text(t.name)
            out.append(Command("town", name, partial(app.select_town, t.id), exact=_folded(name)))
        for e in app.scenario.events:
            text = f"{e.index + 1}. {e.time.text} {look.text(e.title)}"
            out.append(Command("event", text, partial(app.go_to, e.index + 1)))
        for a in ACTIONS:
            out.append(Command("command", a.help, partial(app.run_action, a.action)))
        for name in THEMES:
            out.append(Command("command", f"Theme: {name}", partial(setattr, app, "theme", name)))
        return out

    async def discover(self) -> Hits:
        for command in self._commands()[:MAX_HITS]:
            yield DiscoveryHit(prompt(command, Content(command.text)), command.run, text=command.text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        typed = _folded(query)
        hits = 0
        for command in self._commands():
            score = EXACT if command.exact is not None and command.exact == typed else matcher.match(command.text)
            if score > 0:
                yield Hit(score, prompt(command, highlighted(matcher, command.text)), command.run, text=command.text)
                hits += 1
                if hits >= MAX_HITS:
                    return


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def prompt(command: Command, text: Content) -> Content:
    """The hit as shown: its kind in a dim column, then its text (scenario text stays text, never markup)."""
    return Content.assemble((command.kind.ljust(KIND_WIDTH), "dim"), text)


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` with the letters the query matched highlighted, as `Matcher.highlight` does, but never as markup."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class AsciiCommandPalette(CommandPalette):
    """The palette in ASCII mode: ASCII borders and scrollbar, no emoji icon or
    dotted spinner, and an ASCII placeholder from whoever opens it (Textual's
    ends with "…")."""

    SCOPED_CSS = False
    DEFAULT_CSS = """
    AsciiCommandPalette #--input { border: none; border-top: ascii $border-blurred; border-bottom: ascii $border-blurred; }
    AsciiCommandPalette #--input.--list-visible { border-bottom: none; }
    AsciiCommandPalette CommandList { border-bottom: ascii $border-blurred; }
    AsciiCommandPalette CommandList.--populating { border-bottom: none; }
    AsciiCommandPalette SearchIcon, AsciiCommandPalette LoadingIndicator { display: none; }
    """

    def on_mount(self) -> None:
        ascii_scrollbars(self.query_one(CommandList))
