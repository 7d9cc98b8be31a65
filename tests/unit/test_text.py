"""Display text: widths in cells, right-to-left names, no escape injection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitboard.geo.text import cell_width, display, is_rtl, truncate

HOMS_AR = "حمص"


def test_cell_width_by_kind_of_character() -> None:
    assert cell_width("") == 0
    assert cell_width("Homs") == 4
    assert cell_width("北京") == 4  # East Asian Wide
    assert cell_width("ＡＢ") == 4  # Fullwidth
    assert cell_width("ｱｲ") == 2  # halfwidth katakana stays narrow
    assert cell_width("e\u0301") == 1  # combining acute accent
    assert cell_width("a\u200bb") == 2  # zero-width space
    assert cell_width("😀") == 2
    assert cell_width("❤\ufe0f") == 2  # emoji presentation selector widens the heart
    assert cell_width("👨\u200d👩\u200d👧") == 2  # one ZWJ family glyph
    assert cell_width(HOMS_AR) == 3


def test_display_reorders_arabic_into_visual_order() -> None:
    assert display(HOMS_AR) == HOMS_AR[::-1]
    assert display(f"Homs {HOMS_AR}") == f"Homs {HOMS_AR[::-1]}"
    assert display("שלום") == "םולש"
    assert is_rtl(HOMS_AR) and not is_rtl("Homs") and not is_rtl("北京")


def test_display_leaves_left_to_right_text_alone() -> None:
    for text in ("Deir ez-Zor", "Łódź", "北京", "Ḥimṣ"):
        assert display(text) == text


def test_display_ascii_transliterates() -> None:
    result = display(HOMS_AR, ascii=True)
    assert result == "hms"
    assert display("Łódź", ascii=True) == "Lodz"
    assert display("北京", ascii=True) == "BeiJing"
    assert display("Ḥimṣ", ascii=True) == "Hims"


def test_control_and_bidi_override_characters_are_removed() -> None:
    hostile = "\x1b[2J\x1b]0;pwned\x07Ho\x9bms\x00\u202e\u2066x\u2069\x7f"
    for ascii in (False, True):
        shown = display(hostile, ascii=ascii)
        assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
        assert not any(ch in shown for ch in "\x00\x7f\u202e\u2066\u2069")
        assert "Homs" in shown
    assert display("Tell\nAbyad\tnorth") == "Tell Abyad north"
    assert display("Ho\ud800ms") == "Homs"  # a lone surrogate, as a YAML escape can produce
    assert display("\ud800" + HOMS_AR) == HOMS_AR[::-1]


any_text = st.text(st.characters(exclude_categories=()))  # lone surrogates included


@given(any_text)
def test_display_ascii_is_always_printable_ascii(text: str) -> None:
    shown = display(text, ascii=True)
    assert all(" " <= ch <= "~" for ch in shown)


@given(any_text)
def test_display_never_keeps_control_characters(text: str) -> None:
    shown = display(text)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in shown)
    assert not any(ch in shown for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_truncate_examples() -> None:
    assert truncate("Deir ez-Zor", 20) == "Deir ez-Zor"
    assert truncate("Deir ez-Zor", 6) == "Deir…"  # the trailing space is dropped
    assert truncate("Deir ez-Zor", 6, ellipsis=".") == "Deir."
    assert truncate("北京市中心", 5) == "北京…"
    assert truncate("北京市中心", 4) == "北…"  # never half a wide character
    assert truncate("Homs", 0) == ""
    assert truncate("Homs", 2, ellipsis="...") == "Ho"
    assert truncate("Ce\u0301sar", 3) == "Ce\u0301…"  # the accent stays with its letter


@given(st.text(), st.integers(0, 30))
def test_truncate_always_fits(text: str, cells: int) -> None:
    cut = truncate(text, cells)
    assert cell_width(cut) <= cells
    if cell_width(text) <= cells:
        assert cut == text
