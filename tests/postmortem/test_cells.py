"""Cell helpers: widths that count wide characters double, text Excel can hold."""

from __future__ import annotations

from postmortem.cells import EXCEL_MAX_TEXT, display_width, fitted_widths, safe_text


def test_east_asian_wide_characters_count_double() -> None:
    assert display_width("abc") == 3
    assert display_width("障害") == 4
    assert display_width("ＡＢ") == 4  # full-width Latin
    assert display_width("ｱｲ") == 2  # half-width katakana
    assert display_width("short\nmuch longer line") == 16


def test_widths_fit_within_bounds() -> None:
    widths = fitted_widths(["A", "長い見出し"], [["x" * 500, 1], ["y", None]])
    assert widths[0] == 80 and widths[1] == 14


def test_safe_text_strips_forbidden_control_characters_and_cuts_at_excels_limit() -> None:
    assert safe_text("a\x00b\x1bc\td\ne") == "abc\td\ne"
    assert len(safe_text("x" * 40_000)) == EXCEL_MAX_TEXT
