"""The spreadsheet opens in openpyxl with the right sheets, types and values."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from postmortem.workbook import build_workbook
from tests.postmortem.example import example


def _book(locale: str = "en", **kw: int):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(build_workbook(example(locale, **kw))))


def test_sheets_and_frozen_filtered_headers() -> None:
    book = _book()
    assert book.sheetnames == ["Summary", "Timeline", "Impact", "Escalations", "Root cause", "Actions", "Knowledge"]
    timeline = book["Timeline"]
    assert [c.value for c in timeline[1]] == [
        "Time (Asia/Tokyo)",
        "Event",
        "Responder",
        "Action / observation",
        "amended",
        "Link",
    ]
    assert timeline.freeze_panes == "A2" and timeline.auto_filter.ref.startswith("A1:F")
    assert timeline.column_dimensions["D"].width > 10


def test_the_worked_example_in_the_impact_sheet() -> None:
    values = {row[0].value: row[1].value for row in _book()["Impact"].iter_rows(min_row=2)}
    assert values["Impact duration (minutes)"] == 135
    assert values["Affected users"] == 10000
    assert values["Lost transactions"] == 405000
    assert values["Revenue loss"] == 4050000
    assert values["Monthly availability (%)"] == 99.6875
    assert abs(values["SLA violation (points below 99.9 %)"] - 0.2125) < 1e-9
    assert all(isinstance(values[k], int | float) for k in ("Lost transactions", "Revenue loss"))


def test_every_summary_field() -> None:
    values = {row[0].value: row[1].value for row in _book()["Summary"].iter_rows(min_row=2)}
    assert values["ID"] == "INC-2026-0007"
    assert values["Event"] == "決済APIで504が多発"
    assert values["Severity"] == "Critical" and values["Status"] == "Resolved"
    assert values["Incident commander"] == "alice"
    assert values["Started (Asia/Tokyo)"] == datetime(2026, 11, 22, 14, 30)
    assert values["Detected (Asia/Tokyo)"] == datetime(2026, 11, 22, 14, 35)
    assert values["Acknowledged (Asia/Tokyo)"] == datetime(2026, 11, 22, 14, 40)
    assert values["Mitigated (Asia/Tokyo)"] == datetime(2026, 11, 22, 16, 45)
    assert values["Resolved (Asia/Tokyo)"] == datetime(2026, 11, 22, 17, 0)
    assert values["Time to detect (min)"] == 5 and values["Time to resolve (min)"] == 150
    assert values["Resolution"] == "Rolled back release 2026.11.22-3"


def test_cell_types_dates_and_numbers() -> None:
    timeline = _book()["Timeline"]
    first = next(timeline.iter_rows(min_row=2, max_row=2))
    assert isinstance(first[0].value, datetime) and first[0].number_format == "yyyy-mm-dd hh:mm"
    escalations = _book()["Escalations"]
    row = next(escalations.iter_rows(min_row=2, max_row=2))
    assert row[6].value == 4  # minutes to acknowledge, a number


def test_user_text_starting_with_equals_stays_text() -> None:
    timeline = _book()["Timeline"]
    cells = [row[3] for row in timeline.iter_rows(min_row=2)]
    evil = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s" and evil.value == '=HYPERLINK("http://evil") rolled back'


def test_japanese_headers_and_text_survive() -> None:
    book = _book("ja")
    assert [c.value for c in book["Timeline"][1]][:2] == ["時刻 (Asia/Tokyo)", "イベント"]
    values = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert values["イベント"] == "決済APIで504が多発"


def test_a_large_timeline_is_written() -> None:
    book = _book(notes=6000)
    assert book["Timeline"].max_row == 1 + 9 + 6000
