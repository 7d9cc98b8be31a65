"""Colours that stay legible on a theme's backgrounds (WCAG 2 contrast), keeping their hue.

A scenario's faction colours are chosen once, for any background: orange and
sky blue read well on a dark board and hardly at all on a light one
(1.7:1). Each theme gets each colour at the lightness nearest its own at
which it reaches the theme's target (4.5:1, AA; 7:1, AAA for the
high-contrast theme) against every background it is drawn on. Only the
lightness moves (in HSL), so orange stays orange and a briefer's "the blue
ones" still holds.

Pure functions of `#rrggbb` strings: no Rich, no Textual.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from functools import lru_cache

AA = 4.5
AAA = 7.0
_STEP = 0.005  # lightness moves in steps this small (HSL, 0..1): under one level of 8-bit colour


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of `#rrggbb`."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def worst_contrast(color: str, backgrounds: Sequence[str]) -> float:
    return min(contrast(color, back) for back in backgrounds)


def legible(color: str, backgrounds: Sequence[str], target: float) -> str:
    """`color` if it reaches `target` against every background, else the same hue at the nearest lightness that does.

    Darker and lighter are both tried, and the smaller move wins: yellow on
    a light grey becomes an olive, not a white. When no lightness reaches
    the target (backgrounds on both sides of the colour), the lightness with
    the best worst case is given. Remembered: the map asks again for
    every style it makes.
    """
    return _legible(color, tuple(backgrounds), target)


@lru_cache(maxsize=1024)
def _legible(color: str, backgrounds: tuple[str, ...], target: float) -> str:
    if worst_contrast(color, backgrounds) >= target:
        return color
    hue, light, saturation = colorsys.rgb_to_hls(*_rgb(color))
    best, best_ratio = color, worst_contrast(color, backgrounds)
    moves = int(1 / _STEP) + 1
    for n in range(1, moves):
        for signed in (-n * _STEP, n * _STEP):
            shifted = light + signed
            if not 0.0 <= shifted <= 1.0:
                continue
            candidate = _hex(colorsys.hls_to_rgb(hue, shifted, saturation))
            ratio = worst_contrast(candidate, backgrounds)
            if ratio >= target:
                return candidate
            if ratio > best_ratio:
                best, best_ratio = candidate, ratio
    return best


def ink_on(fill: str, inks: Sequence[str]) -> str:
    """Of `inks`, the one that reads best on `fill` (a badge's letter on its faction's colour)."""
    return max(inks, key=lambda ink: contrast(ink, fill))


def faded(color: str, background: str, target: float) -> str:
    """`color` blended as far towards `background` as it can go while keeping `target` against it.

    What is meant to look quieter (a key that does nothing now) is as quiet
    as the theme's target allows, and no quieter. `color` itself when it is
    already below the target.
    """
    if contrast(color, background) < target:
        return color
    fore, back = _rgb(color), _rgb(background)
    quiet = color
    for n in range(1, 101):
        amount = n / 100
        candidate = _hex(tuple(f + (b - f) * amount for f, b in zip(fore, back)))
        if contrast(candidate, background) < target:
            break
        quiet = candidate
    return quiet


def _rgb(color: str) -> tuple[float, float, float]:
    return (int(color[1:3], 16) / 255, int(color[3:5], 16) / 255, int(color[5:7], 16) / 255)


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)
