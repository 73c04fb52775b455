"""Spreadsheet cells done right: text that stays text, real dates, fitted columns.

Every sheet is written in openpyxl's write-only mode (rows streamed to the file), so widths,
frozen panes and the filter are set before the first row goes out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
HEADER_BORDER = Border(bottom=Side(style="thin", color="7F1010"))
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
# Excel reads a cell starting with these as a formula (or DDE); user text must never be one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 80
MIN_WIDTH = 8
EXCEL_MAX_TEXT = 32_767
WRAP_AFTER = 60  # characters: longer text wraps instead of running across the next columns
WIDTH_SAMPLE = 2_000  # rows looked at to fit widths: enough to be right, cheap at 100k rows


def display_width(text: str) -> int:
    """Columns the text takes in Excel's default font: East Asian wide characters count double."""
    return max(
        (sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line) for line in text.split("\n")),
        default=0,
    )


def safe_text(value: str) -> str:
    """Text Excel can hold: control characters the format forbids removed, line breaks as Excel's
    own (LF; a bare CR would be turned into one by any XML reader anyway), cut at Excel's cell limit."""
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return cleaned if len(cleaned) <= EXCEL_MAX_TEXT else cleaned[: EXCEL_MAX_TEXT - 1] + "…"


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    # Excel has no time zones: write the wall-clock time in the team's zone, named in the header.
    return (value.astimezone(tz) if value.tzinfo else value).replace(tzinfo=None)


def _style(c: WriteOnlyCell, kind: str, styles: dict[str, Any]) -> None:
    # Assigning a style hashes it into the workbook's style tables: ~15 µs a cell. Cells of one
    # kind share a style, so do it once per kind and workbook, then copy the resolved indices.
    resolved = styles.get(kind)
    if resolved is not None:
        c._style = copy(resolved)
        return
    if kind == "datetime":
        c.number_format = DATETIME_FORMAT
    elif kind == "date":
        c.number_format = DATE_FORMAT
    if kind.startswith("quoted"):
        c.quotePrefix = True
    c.alignment = WRAP if kind.endswith("wrap") else TOP
    styles[kind] = copy(c._style)


def cell(
    ws: WriteOnlyWorksheet, value: Any, tz: ZoneInfo, *, wrap: bool = False, styles: dict[str, Any] | None = None
) -> WriteOnlyCell:
    """One cell: numbers as numbers, datetimes as Excel datetimes, and every string as a string.

    ``styles`` caches resolved styles; pass one dict per workbook (``table`` does).
    """
    styles = {} if styles is None else styles
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        c = WriteOnlyCell(ws, _local(value, tz))
        _style(c, "datetime", styles)
        return c
    if isinstance(value, date):
        c = WriteOnlyCell(ws, value)
        _style(c, "date", styles)
        return c
    if not isinstance(value, str):
        c = WriteOnlyCell(ws, value)
        _style(c, "plain", styles)
        return c
    text = safe_text(value)
    c = WriteOnlyCell(ws, text)
    # openpyxl marks "=…" as a formula; forcing the string type writes it as literal text, and
    # the quote prefix keeps Excel from turning it into a formula when someone edits the cell.
    c.data_type = "s"
    quoted = "quoted-" if text.startswith(FORMULA_STARTS) else ""
    layout = "wrap" if wrap or len(text) > WRAP_AFTER or "\n" in text else "plain"
    _style(c, quoted + layout, styles)
    return c


def header(ws: WriteOnlyWorksheet, titles: Sequence[str]) -> list[WriteOnlyCell]:
    """The styled header row."""
    cells = []
    for title in titles:
        c = WriteOnlyCell(ws, safe_text(title))
        c.data_type = "s"
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
        c.border = HEADER_BORDER
        c.alignment = HEADER_ALIGN
        cells.append(c)
    return cells


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return "2026-11-22 14:30"
    if isinstance(value, date):
        return "2026-11-22"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0")
    return str(value)


def fitted_widths(titles: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Column widths that fit the header and a sample of rows, within MIN_WIDTH..MAX_WIDTH."""
    widths = [display_width(t) + 2 for t in titles]  # + 2: room for the filter button
    for row in rows[:WIDTH_SAMPLE]:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(_shown(value)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def table(
    ws: WriteOnlyWorksheet,
    titles: Sequence[str],
    rows: Sequence[Sequence[Any]],
    tz: ZoneInfo,
    *,
    wrap_cols: frozenset[int] = frozenset(),
) -> None:
    """A sheet with a styled, frozen, filterable header row and fitted columns."""
    for i, width in enumerate(fitted_widths(titles, rows), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(rows) + 1}"
    ws.append(header(ws, titles))
    styles: dict[str, Any] = {}  # style indices belong to the workbook; one cache per sheet is safe
    for row in rows:
        ws.append([cell(ws, v, tz, wrap=i in wrap_cols, styles=styles) for i, v in enumerate(row)])
