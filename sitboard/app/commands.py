"""Command palette: go to an event or a town, and every board action.

Hits carry `Content`, never strings: Textual parses a string hit as markup, and
event titles and town names are scenario text (`Shelling [/] continues`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from sitboard.app.actions import ACTIONS
from sitboard.app.style import ascii_scrollbars

if TYPE_CHECKING:
    from sitboard.app.app import SitboardApp

MAX_HITS = 200


class BoardCommands(Provider):
    @property
    def board(self) -> SitboardApp:
        return cast("SitboardApp", self.app)  # this provider is registered by SitboardApp alone

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.board
        look = app.look
        out: list[tuple[str, Callable[[], object], str]] = []
        for a in ACTIONS:
            out.append((a.help, partial(app.run_action, a.action), "action"))
        for e in app.scenario.events:
            text = f"Go to event {e.index + 1}: {e.time.text} {look.text(e.title)}"
            out.append((text, partial(app.go_to, e.index + 1), "event"))
        for t in app.scenario.towns:
            out.append((f"Go to town: {look.text(t.name)}", partial(app.select_town, t.id), "town"))
        return out

    async def discover(self) -> Hits:
        for text, command, _ in self._commands()[:MAX_HITS]:
            yield DiscoveryHit(Content(text), command, text=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        hits = 0
        for text, command, _ in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlighted(matcher, text), command, text=text)
                hits += 1
                if hits >= MAX_HITS:
                    return


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
