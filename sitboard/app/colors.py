"""Colour names as the board understands them: whatever Rich can draw.

The scenario core judges colours through a callable it is given (it cannot
import Rich); these are the board's, passed in by whoever reads a scenario
for it. Rich is imported when a colour is first judged, not before.
"""

from __future__ import annotations


def rich_color_ok(name: str) -> bool:
    """Whether Rich can parse `name` (`red`, `bright_green`, `#rrggbb`, `rgb(...)`)."""
    from rich.color import Color, ColorParseError

    try:
        Color.parse(name)
    except ColorParseError:
        return False
    return True


def rich_color_hex(name: str) -> str | None:
    """`#rrggbb` for any colour Rich understands (for GeoJSON's marker colours); None otherwise."""
    from rich.color import Color, ColorParseError

    try:
        return Color.parse(name).get_truecolor().hex
    except ColorParseError:
        return None
