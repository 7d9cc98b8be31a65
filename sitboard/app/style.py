"""How the board looks: holders' colours, and the one place where panels' roles become Rich styles.

Every visual distinction has a non-colour twin: factions have mark letters,
confidence badges are words, town kinds have glyph shapes. `NO_COLOR` and
`--ascii` therefore lose nothing a briefer needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from rich.console import JustifyMethod, OverflowMethod
from rich.style import Style
from rich.text import Text
from textual.scrollbar import ScrollBarRender
from textual.widget import Widget

from sitboard.app.contrast import AA, AAA, ink_on, legible
from sitboard.app.themes import HIGH_CONTRAST_NAME
from sitboard.panels.styled import Span
from sitboard.panels.words import ASCII_ELLIPSIS, words_for
from sitboard.scenario.model import CONTESTED, Scenario
from sitboard.scenario.palette import OKABE_ITO, Holder, holders

if TYPE_CHECKING:
    from textual.theme import Theme

CONFIDENCE_STYLE = {
    "confirmed": "bold reverse",
    "reported": "bold",
    "claimed": "italic",
    "disputed": "bold underline",
}
# Roles that look the same whatever the scenario (see `sitboard.panels.styled`).
ROLE_STYLE = {
    "strong": "bold",
    "dim": "dim",
    "em": "italic",
    "heading": "bold underline",
    "hot": "bold reverse",
    **{f"confidence:{word}": style for word, style in CONFIDENCE_STYLE.items()},
}


class Ground(NamedTuple):
    """What a theme draws holders' colours on, and how much contrast they need there."""

    name: str  # the theme's
    backgrounds: tuple[str, ...]  # `#rrggbb`: the screen's, the panels', the bars'
    foreground: str  # `#rrggbb`: plain text's
    target: float  # the contrast every mark and letter reaches: AA, or AAA for the high-contrast theme


_grounds: dict[str, Ground] = {}


def ground_of(theme: Theme) -> Ground:
    """The colours `theme` draws on (Textual's own derivation of them), worked out once per theme name."""
    ground = _grounds.get(theme.name)
    if ground is None:
        from textual.color import Color

        colors = theme.to_color_system().generate()
        backgrounds = tuple(Color.parse(colors[key]).hex.lower() for key in ("background", "surface", "panel"))
        foreground = Color.parse(colors["foreground"]).hex.lower()
        target = AAA if theme.name == HIGH_CONTRAST_NAME else AA
        ground = _grounds[theme.name] = Ground(theme.name, backgrounds, foreground, target)
    return ground


def holder_looks(scenario: Scenario, ground: Ground | None = None) -> dict[str, Holder]:
    """Every holder with a colour Rich can draw: the scenario's, else its default from the palette.

    On a `ground`, each colour is made legible there (`contrast.legible`: same
    hue, another lightness). Contested, white on a dark board, becomes
    whichever of black and white reads best, so that it never meets unknown's
    grey half-way.
    """
    looks = {}
    for i, (holder_id, holder) in enumerate(holders(scenario).items()):
        fallback = OKABE_ITO[i % len(OKABE_ITO)] if i < len(scenario.factions) else holder.color
        color = drawable(holder.color, fallback)
        if ground is not None:
            color = legible(hex_of(color), ground.backgrounds, ground.target)
            if holder_id == CONTESTED and color != hex_of(holder.color):
                color = ink_on(ground.backgrounds[0], ("#000000", "#ffffff"))
        looks[holder_id] = holder._replace(color=color)
    return looks


def hex_of(color: str) -> str:
    """`#rrggbb` of a colour Rich can draw."""
    from rich.color import Color

    return Color.parse(color).get_truecolor().hex


def drawable(color: str, fallback: str) -> str:
    """`color` if Rich can draw it, else `fallback`.

    A scenario read without Rich's colour check (`parse_scenario` without
    `color_ok`, as an embedder may) can name a colour Rich does not know, and
    every style built from it would stop the board.
    """
    from rich.color import Color, ColorParseError

    try:
        Color.parse(color)
    except ColorParseError:
        return fallback
    return color


class Look:
    """What every widget needs to draw a scenario: its words, its holders' colours, the style of each role."""

    def __init__(self, scenario: Scenario, *, ascii_only: bool = False, ground: Ground | None = None) -> None:
        self.scenario = scenario
        self.ascii_only = ascii_only
        self.ground = ground
        self.words = words_for(scenario, ascii_only=ascii_only)
        self.holders = holder_looks(scenario, ground)
        self._styles = dict(ROLE_STYLE)

    def text(self, value: str | None) -> str:
        """User text made safe and readable (see `Words.text`)."""
        return self.words.text(value)

    def style(self, role: str) -> str:
        """The Rich style of a role: the fixed ones, and holders' badges and names in their colour.

        A badge is its holder's colour behind a letter in the theme's
        background or text colour, whichever reads better on it; it stays
        reversed so that without colour (`NO_COLOR`) it is still a badge.
        """
        style = self._styles.get(role)
        if style is None:
            kind, _, holder = role.partition(":")
            color = self.holders[holder].color
            if kind != "badge":
                style = f"bold {color}"
            elif self.ground is None:
                style = f"bold reverse {color}"
            else:
                ink = ink_on(hex_of(color), (self.ground.backgrounds[0], self.ground.foreground))
                style = f"bold reverse {color} on {ink}"
            self._styles[role] = style
        return style

    def rich(
        self,
        spans: Iterable[Span],
        *,
        extra: Mapping[str, str | Style] | None = None,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        no_wrap: bool | None = None,
    ) -> Text:
        """Styled text as Rich `Text`: every role through `style` (or `extra`, a widget's own roles)."""
        text = Text(justify=justify, overflow=overflow, no_wrap=no_wrap)
        append = text.append
        for content, role in spans:
            if not role:
                append(content)
            elif extra is not None and role in extra:
                append(content, style=extra[role])
            else:
                append(content, style=self.style(role))
        return text

    def shorten(self, text: Text, width: int) -> Text:
        return shorten(text, width, ascii_only=self.ascii_only)


def fills_areas(marks: bool, color_system: str | None, *, headless: bool = False) -> bool:
    """Whether areas of control are drawn as fill patterns rather than a tint behind the map.

    A tint a fifth of a faction's colour is what a truecolor terminal shows
    well; NO_COLOR and --ascii (`marks`) show no colour, and a 16- or
    256-colour palette rounds such a tint to black. Those get a pattern per
    holder (the legend shows which). A headless board (export) is pictured
    in truecolor whatever the environment says.
    """
    return marks or (not headless and color_system != "truecolor")


_last: dict[tuple[bool, str | None], Look] = {}  # by ascii_only and theme: the Look made last


def look_for(scenario: Scenario, *, ascii_only: bool = False, theme: Theme | None = None) -> Look:
    """The `Look` of this scenario in this theme, made once however many widgets of a board ask (compared by identity)."""
    ground = ground_of(theme) if theme is not None else None
    key = (ascii_only, ground.name if ground else None)
    look = _last.get(key)
    if look is None or look.scenario is not scenario or look.ground != ground:
        look = _last[key] = Look(scenario, ascii_only=ascii_only, ground=ground)
    return look


def shorten(text: Text, width: int, *, ascii_only: bool) -> Text:
    """Each line of `text` in at most `width` cells, a cut marked with an ellipsis.

    Rich marks a cut with "…", which `--ascii` must never show: there the cut
    is marked "..." (or is a plain crop when even that does not fit). Elsewhere
    Rich's own mark is kept, so nothing changes on a Unicode board.
    """
    if "\n" in text.plain:
        lines = text.split("\n", allow_blank=True)
        return text.blank_copy("\n").join(shorten(line, width, ascii_only=ascii_only) for line in lines)
    if text.cell_len <= width:
        return text
    cut = text.copy()
    if not ascii_only:
        cut.truncate(width, overflow="ellipsis")
    elif width <= len(ASCII_ELLIPSIS):
        cut.truncate(width, overflow="crop")
    else:
        cut.truncate(width - len(ASCII_ELLIPSIS), overflow="crop")
        cut.append(ASCII_ELLIPSIS)
    return cut


class AsciiScrollBarRender(ScrollBarRender):
    """A scrollbar thumb of whole cells (reversed spaces), for ASCII mode.

    Textual draws the ends of a thumb with block elements (U+2581..U+2587 and
    U+2589..U+258F) for eighth-of-a-cell precision.
    """

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


def ascii_scrollbars(*widgets: Widget) -> None:
    """Textual's documented per-instance override: `widget.vertical_scrollbar.renderer`."""
    for widget in widgets:
        widget.vertical_scrollbar.renderer = AsciiScrollBarRender  # type: ignore[misc]  # the per-instance override Textual documents
