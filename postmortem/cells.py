"""Spreadsheet cells done right: text that stays text, real dates, fitted columns."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
WRAP = Alignment(wrap_text=True, vertical="top")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 80


def display_width(text: str) -> int:
    """East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def cell(ws: WriteOnlyWorksheet, value: Any, tz: ZoneInfo | None = None, *, wrap: bool = False) -> WriteOnlyCell:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, datetime):
        local = value.astimezone(tz) if tz and value.tzinfo else value
        c = WriteOnlyCell(ws, local.replace(tzinfo=None))
        c.number_format = DATETIME_FORMAT
        return c
    if isinstance(value, date):
        c = WriteOnlyCell(ws, value)
        c.number_format = "yyyy-mm-dd"
        return c
    c = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        # Text typed by users must never become a formula (CSV/formula injection).
        c.data_type = "s"
        if value.startswith(_FORMULA_STARTS):
            c.quotePrefix = True  # type: ignore[attr-defined]
        if wrap:
            c.alignment = WRAP
    return c


def header(ws: WriteOnlyWorksheet, titles: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for title in titles:
        c = WriteOnlyCell(ws, title)
        c.data_type = "s"
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
        cells.append(c)
    return cells


def set_widths(ws: WriteOnlyWorksheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, width + 2))


def table(
    ws: WriteOnlyWorksheet,
    titles: list[str],
    rows: list[list[Any]],
    tz: ZoneInfo,
    *,
    wrap_cols: frozenset[int] = frozenset(),
) -> None:
    """A sheet with a styled, frozen, filterable header row and fitted columns."""
    from openpyxl.utils import get_column_letter

    widths = [display_width(t) for t in titles]
    for row in rows[:2000]:  # fit to a sample: enough for width, cheap for 100k rows
        for i, value in enumerate(row):
            text = (
                value.strftime("%Y-%m-%d %H:%M")
                if isinstance(value, datetime)
                else str(value if value is not None else "")
            )
            widths[i] = max(widths[i], min(MAX_WIDTH, display_width(text)))
    set_widths(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(rows) + 1}"
    ws.append(header(ws, titles))
    for row in rows:
        ws.append([cell(ws, v, tz, wrap=i in wrap_cols) for i, v in enumerate(row)])
