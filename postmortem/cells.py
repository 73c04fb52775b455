"""Spreadsheet cells done right: text that stays text, real dates, fitted columns.

Every sheet is written in openpyxl's write-only mode (rows streamed to the file), so widths,
frozen panes and the filter are set before the first row goes out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# One CJK-capable sans font for every cell, so Latin and Japanese text don't mix serif and
# sans (Excel's Calibri has no kana; the fallback is usually a serif Mincho).
FONT_NAME = "Noto Sans CJK JP"
BODY_FONT = Font(name=FONT_NAME, size=10)
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
HEADER_BORDER = Border(bottom=Side(style="thin", color="7F1010"))
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"  # 99.919, 1,234.5: at most three decimals, as people write them
LANDSCAPE_AFTER = 100  # total column width (characters) above which a sheet prints landscape

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
    elif kind == "integer":
        c.number_format = INTEGER_FORMAT
    elif kind == "decimal":
        c.number_format = DECIMAL_FORMAT
    elif kind.startswith("format:"):
        c.number_format = kind.removeprefix("format:")
    c.font = BODY_FONT
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
    if isinstance(value, Formatted):
        c = WriteOnlyCell(ws, value.value)
        _style(c, f"format:{value.number_format}", styles)
        return c
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Rounded as people write figures (99.919, not 99.9189814814815), with thousands separators.
        c = WriteOnlyCell(ws, round(value, 3) if isinstance(value, float) else value)
        whole = isinstance(value, int) or value.is_integer()
        _style(c, "integer" if whole else "decimal", styles)
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


@dataclass(frozen=True, slots=True)
class Formatted:
    """A number with its own Excel format, e.g. an amount in the team's currency."""

    value: int | float
    number_format: str
    shown: str  # how it reads, for fitting the column


@dataclass(frozen=True, slots=True)
class Printing:
    """What every printed page carries: a title in the header, page numbers in the footer."""

    title: str
    footer: str  # Excel header/footer codes: &P page, &N pages


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
    if isinstance(value, Formatted):
        return value.shown
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0")
    if isinstance(value, int):
        return f"{value:,}"
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
    printing: Printing | None = None,
    print_rows: int = 0,
) -> None:
    """A sheet with a styled, frozen, filterable header row and fitted columns, set up to print
    one page wide (``print_rows``: rows below the table that belong on paper, e.g. a chart)."""
    widths = fitted_widths(titles, rows)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(titles))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    if printing is not None:
        setup_print(ws, printing, widths, f"A1:{last}{len(rows) + 1 + print_rows}")
    ws.append(header(ws, titles))
    styles: dict[str, Any] = {}  # style indices belong to the workbook; one cache per sheet is safe
    for row in rows:
        ws.append([cell(ws, v, tz, wrap=i in wrap_cols, styles=styles) for i, v in enumerate(row)])


def setup_print(ws: WriteOnlyWorksheet, printing: Printing, widths: Sequence[int], area: str) -> None:
    """A4, landscape when the columns are wide, every column on one page width (as many pages
    down as it takes), the header row repeated on each page, the incident and page numbers."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > LANDSCAPE_AFTER else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = "1:1"
    ws.print_area = area
    ws.oddHeader.center.text = printing.title.replace("&", "&&")
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = printing.footer
    ws.oddFooter.center.size = 9
