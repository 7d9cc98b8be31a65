"""Colours made legible per theme: same hue, the nearest lightness that reaches the target."""

from __future__ import annotations

import colorsys

import pytest

from sitboard.app.contrast import AA, AAA, contrast, faded, ink_on, legible, luminance
from sitboard.scenario.palette import OKABE_ITO

LIGHT = ("#e0e0e0", "#d8d8d8", "#d0d0d0")  # textual-light: background, surface, panel
DARK = ("#121212", "#1e1e1e", "#242f38")
BLACK = ("#000000", "#1a1a1a")


def rgb(color: str) -> tuple[float, float, float]:
    return (int(color[1:3], 16) / 255, int(color[3:5], 16) / 255, int(color[5:7], 16) / 255)


def hue(color: str) -> float:
    return colorsys.rgb_to_hls(*rgb(color))[0]


def lightness(color: str) -> float:
    return colorsys.rgb_to_hls(*rgb(color))[1]


def test_the_wcag_formula_at_its_ends():
    assert luminance("#000000") == 0 and luminance("#ffffff") == pytest.approx(1)
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#777777") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the well-known AA grey on white


@pytest.mark.parametrize("color", OKABE_ITO)
@pytest.mark.parametrize(
    ("backgrounds", "target"), [(LIGHT, AA), (DARK, AA), (BLACK, AAA)], ids=["light", "dark", "hc"]
)
def test_every_palette_colour_reaches_the_target_keeping_its_hue(color, backgrounds, target):
    made = legible(color, backgrounds, target)
    assert min(contrast(made, back) for back in backgrounds) >= target
    assert hue(made) == pytest.approx(hue(color), abs=0.02)  # 8-bit rounding moves a hue a little, never to another


def test_a_colour_that_already_reads_is_left_alone():
    assert legible("#E69F00", DARK, AA) == "#E69F00"


def test_the_move_is_the_smallest_that_reaches_the_target():
    made = legible("#56B4E9", LIGHT, AA)  # sky blue on light grey: 1.75:1
    h, light, saturation = colorsys.rgb_to_hls(*rgb("#56B4E9"))
    assert lightness(made) < light
    nearer = "#" + "".join(f"{round(c * 255):02x}" for c in colorsys.hls_to_rgb(h, lightness(made) + 0.01, saturation))
    assert min(contrast(nearer, back) for back in LIGHT) < AA


def test_yellow_on_light_grey_goes_dark_not_white():
    """Lighter cannot reach 4.5:1 against #e0e0e0; darker can."""
    made = legible("#F0E442", LIGHT, AA)
    assert luminance(made) < luminance("#e0e0e0")
    assert min(contrast(made, b) for b in LIGHT) >= AA


def test_unreachable_targets_give_the_best_there_is():
    made = legible("#808080", ("#000000", "#ffffff"), AA)  # nothing is 4.5:1 from both black and white
    assert min(contrast(made, "#000000"), contrast(made, "#ffffff")) > 4.0


def test_a_badge_letter_is_the_ink_that_reads_best_on_its_fill():
    assert ink_on("#E69F00", ("#e0e0e0", "#1f1f1f")) == "#1f1f1f"
    assert ink_on("#0072B2", ("#e0e0e0", "#1f1f1f")) == "#e0e0e0"


def test_faded_is_as_faint_as_the_target_allows():
    quiet = faded("#e0e0e0", "#242f38", AA)
    assert AA <= contrast(quiet, "#242f38") < contrast("#e0e0e0", "#242f38")
    assert contrast(quiet, "#242f38") < AA + 0.3  # faint: close to the target, not at full strength
    assert faded("#444444", "#242f38", AA) == "#444444"  # already below: not made worse
