"""The board's themes, as data: dark, light and a high-contrast one for projectors.

Names and colours only, so the command line can list them in `--help`
without importing Textual; the board turns the data into Textual themes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.theme import Theme

HIGH_CONTRAST_NAME = "sitboard-high-contrast"
HIGH_CONTRAST = {
    "primary": "#FFFF00",
    "secondary": "#00FFFF",
    "accent": "#FFFF00",
    "warning": "#FFFF00",
    "error": "#FF5555",
    "success": "#00FF00",
    "foreground": "#FFFFFF",
    "background": "#000000",
    "surface": "#000000",
    "panel": "#1A1A1A",
    "boost": "#FFFFFF",
}
HIGH_CONTRAST_VARIABLES = {
    "border": "#FFFFFF",
    "border-blurred": "#BBBBBB",
    "footer-key-foreground": "#FFFF00",
    "footer-description-foreground": "#FFFFFF",
    "block-cursor-background": "#FFFF00",
    "block-cursor-foreground": "#000000",
    "text-muted": "auto 80%",  # Textual's 60% measured 6.9:1 on the panel colour: under the 7:1 this theme promises
}
DEFAULT_THEME = "textual-dark"
THEMES = (DEFAULT_THEME, "textual-light", HIGH_CONTRAST_NAME)  # what `t` cycles through, in order


def high_contrast() -> Theme:
    """The high-contrast theme for Textual: white on black, yellow for what matters."""
    from textual.theme import Theme

    c = HIGH_CONTRAST
    return Theme(
        name=HIGH_CONTRAST_NAME,
        primary=c["primary"],
        secondary=c["secondary"],
        accent=c["accent"],
        warning=c["warning"],
        error=c["error"],
        success=c["success"],
        foreground=c["foreground"],
        background=c["background"],
        surface=c["surface"],
        panel=c["panel"],
        boost=c["boost"],
        dark=True,
        luminosity_spread=0.0,
        text_alpha=1.0,
        variables=HIGH_CONTRAST_VARIABLES,
    )
