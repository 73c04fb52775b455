"""Spreadsheet cells done right: text that stays text, real dates, fitted columns.

Every sheet is written in openpyxl's write-only mode (rows streamed to the file), so widths,
frozen panes and the filter are set before the first row goes out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
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


def _prepared(value: Any, tz: ZoneInfo, wrap: bool) -> tuple[str, Any, bool]:
    """(style kind, value as written, whether it is forced to be text) for one cell: numbers as
    numbers, datetimes as Excel datetimes, and every string as a string."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return "datetime", _local(value, tz), False
    if isinstance(value, date):
        return "date", value, False
    if isinstance(value, Formatted):
        return f"format:{value.number_format}", value.value, False
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Rounded as people write figures (99.919, not 99.9189814814815), with thousands separators.
        whole = isinstance(value, int) or value.is_integer()
        return "integer" if whole else "decimal", round(value, 3) if isinstance(value, float) else value, False
    if not isinstance(value, str):
        return "plain", value, False
    text = safe_text(value)
    quoted = "quoted-" if text.startswith(FORMULA_STARTS) else ""
    layout = "wrap" if wrap or len(text) > WRAP_AFTER or "\n" in text else "plain"
    return quoted + layout, text, True


def workbook() -> Workbook:
    """A write-only workbook whose default (``Normal``) font is the body font, so a cell that
    needs nothing else is written as a bare value (and cells people add later match)."""
    wb = Workbook(write_only=True)
    # openpyxl keeps the default font at index 0 of its font table and Normal's font in it.
    wb._fonts = IndexedList([BODY_FONT])
    wb._named_styles["Normal"].font = copy(BODY_FONT)
    return wb


class _Cells:
    """The cells of one sheet's rows, made as cheaply as openpyxl allows. Its write-only sheet
    writes a row out the moment it is appended, so one styled cell per column and kind serves
    every row (a fresh ``WriteOnlyCell`` with its style copied, for each of 600,000 values, was
    a third of a 100k-entry export); in a row that fits on one line, text that needs no style
    but the default goes out as a bare value, and empty text is no cell at all."""

    def __init__(self, ws: WriteOnlyWorksheet, tz: ZoneInfo, widths: Sequence[int], wrap_cols: frozenset[int]) -> None:
        self._ws = ws
        self._tz = tz
        self._widths = widths
        self._wrap_cols = wrap_cols
        self._styles: dict[str, Any] = {}  # style indices belong to the workbook; one cache per sheet is safe
        self._made: dict[tuple[int, str], WriteOnlyCell] = {}

    def row(self, values: Sequence[Any]) -> list[Any]:
        prepared = [_prepared(v, self._tz, i in self._wrap_cols) for i, v in enumerate(values)]
        # Top alignment only shows when a wrapping cell of the row takes more than one line.
        tall = any(
            text and kind.endswith("wrap") and self._wraps(value, i) for i, (kind, value, text) in enumerate(prepared)
        )
        return [self._cell(i, kind, value, text, tall) for i, (kind, value, text) in enumerate(prepared)]

    def _wraps(self, text: str, column: int) -> bool:
        width = self._widths[column] - 1
        return "\n" in text or (len(text) * 2 > width and display_width(text) > width)

    def _cell(self, column: int, kind: str, value: Any, text: bool, tall: bool) -> Any:
        if text and not value:
            return None
        if kind == "plain" and text and not tall:
            return value  # no formula start (that would be "quoted-…"), one line: the default style
        c = self._made.get((column, kind))
        if c is None:
            c = self._made[(column, kind)] = WriteOnlyCell(self._ws)
            _style(c, kind, self._styles)
        c.value = value
        if text:
            # openpyxl marks "=…" as a formula; forcing the string type writes it as literal text,
            # and the quote prefix keeps Excel from turning it into a formula when someone edits the cell.
            c.data_type = "s"
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
    rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]],
    tz: ZoneInfo,
    *,
    wrap_cols: frozenset[int] = frozenset(),
    printing: Printing | None = None,
    print_rows: int = 0,
    count: int | None = None,
) -> None:
    """A sheet with a styled, frozen, filterable header row and fitted columns, set up to print
    one page wide (``print_rows``: rows below the table that belong on paper, e.g. a chart).
    ``rows`` may be an iterator, made as they are written, when ``count`` says how many."""
    if not isinstance(rows, Sequence):
        if count is None:
            raise TypeError("rows given as an iterator need their count")
        sample = list(islice(rows, WIDTH_SAMPLE))
        widths = fitted_widths(titles, sample)
        rows = chain(sample, rows)
    else:
        count = len(rows)
        widths = fitted_widths(titles, rows)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(titles))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    if printing is not None:
        setup_print(ws, printing, widths, f"A1:{last}{count + 1 + print_rows}")
    ws.append(header(ws, titles))
    cells = _Cells(ws, tz, widths, wrap_cols)
    for row in rows:
        ws.append(cells.row(row))


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
