"""The spreadsheet reopens in openpyxl with the right sheets, headers, types and values."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from postmortem.workbook import build_workbook
from tests.postmortem.example import entry, example, jst


def _book(locale: str = "en", **kw: int) -> Workbook:
    return load_workbook(io.BytesIO(build_workbook(example(locale, **kw))))


@pytest.fixture(scope="module")
def en() -> Workbook:
    return _book("en")


def _pairs(book: Workbook, sheet: str) -> dict[object, object]:
    return {row[0].value: row[1].value for row in book[sheet].iter_rows(min_row=2)}


def test_sheet_names_are_english_and_stable(en: Workbook) -> None:
    assert en.sheetnames == ["Summary", "Timeline", "Impact", "Escalations", "Root cause", "Actions", "Knowledge"]
    assert _book_without_suggestions().sheetnames[-1] == "Actions"


def _book_without_suggestions() -> Workbook:
    return load_workbook(io.BytesIO(build_workbook(replace(example(), suggestions=()))))


def test_every_sheet_has_a_styled_frozen_filtered_header(en: Workbook) -> None:
    for ws in en.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        first = ws["A1"]
        assert first.font.b and first.fill.fgColor.rgb.endswith("B22222"), ws.title


def test_timeline_headers_name_the_zone(en: Workbook) -> None:
    timeline = en["Timeline"]
    assert [c.value for c in timeline[1]] == [
        "Time (Asia/Tokyo)",
        "Event",
        "Responder",
        "Action / observation",
        "Amended",
        "Link",
    ]
    assert timeline.auto_filter.ref == f"A1:F{timeline.max_row}"


def test_the_worked_example_in_the_impact_sheet(en: Workbook) -> None:
    values = _pairs(en, "Impact")
    assert values["Impact duration (minutes)"] == 135
    assert values["Affected users"] == 10000
    assert values["Lost transactions"] == 405000
    assert values["Revenue loss"] == 4050000
    revenue = next(r[1] for r in en["Impact"].iter_rows(min_row=2) if r[0].value == "Revenue loss")
    assert revenue.number_format == '"¥"#,##0'
    assert values["Monthly availability (%)"] == 99.688
    assert values["SLA violation (points below 99.9 %)"] == pytest.approx(0.2125, abs=1e-3)
    assert values["Impact ended (Asia/Tokyo)"] == datetime(2026, 11, 22, 16, 45)
    assert all(isinstance(values[k], int) for k in ("Lost transactions", "Revenue loss", "Affected users"))


def test_every_summary_field(en: Workbook) -> None:
    values = _pairs(en, "Summary")
    assert values == {
        "ID": "INC-2026-0007",
        "Title": "決済APIで504が多発",
        "Severity": "Critical",
        "Status": "Resolved",
        "Incident commander": "alice",
        "Started (Asia/Tokyo)": datetime(2026, 11, 22, 14, 30),
        "Detected (Asia/Tokyo)": datetime(2026, 11, 22, 14, 35),
        "Declared (Asia/Tokyo)": datetime(2026, 11, 22, 14, 36),
        "Acknowledged (Asia/Tokyo)": datetime(2026, 11, 22, 14, 40),
        "Mitigated (Asia/Tokyo)": datetime(2026, 11, 22, 16, 30),
        "Resolved (Asia/Tokyo)": datetime(2026, 11, 22, 16, 45),
        "Time to detect (min)": 5,
        "Time to acknowledge (from detection) (min)": 5,
        "Time to mitigate (min)": 120,
        "Time to resolve (min)": 135,
        "Impact duration (minutes)": 135,
        "Affected services": "checkout, payments",
        "Resolution": "Rolled back release 2026.11.22-3",
        "Version": 1,
        "Generated (Asia/Tokyo)": datetime(2026, 11, 22, 17, 5),
    }


def test_times_are_real_datetimes_and_figures_are_numbers(en: Workbook) -> None:
    first = next(en["Timeline"].iter_rows(min_row=2, max_row=2))
    assert first[0].value == datetime(2026, 11, 22, 14, 30) and first[0].number_format == "yyyy-mm-dd hh:mm"
    assert first[0].is_date  # stored as a serial number with a date format: Excel sorts and filters it as time
    page = [c.value for c in next(en["Escalations"].iter_rows(min_row=2, max_row=2))]
    assert page == [
        datetime(2026, 11, 22, 14, 36),
        "level1",
        "page",
        "bob",
        "acknowledged",
        "bob",
        datetime(2026, 11, 22, 14, 40),
        4,
    ]
    fyi = [c.value for c in next(en["Escalations"].iter_rows(min_row=3, max_row=3))]
    assert fyi[1:] == ["level2", "FYI", "carol", "FYI, no answer expected", None, None, None]
    action = [c.value for c in next(en["Actions"].iter_rows(min_row=2, max_row=2))]
    assert action == [
        1,
        "Short term (within 1 month)",
        "Alert on pool saturation",
        "bob",
        datetime(2026, 12, 22),
        "open",
    ]


def test_deleted_entries_are_left_out_and_amended_ones_marked(en: Workbook) -> None:
    rows = [[c.value for c in r] for r in en["Timeline"].iter_rows(min_row=2)]
    assert len(rows) == 11
    verification = next(r for r in rows if r[1] == "Verification")
    assert verification[4] == "amended"
    pm = example()
    pm = replace(pm, entries=[*pm.entries, entry(50, jst(15, 0), "note", "typo", deleted=True)])
    book = load_workbook(io.BytesIO(build_workbook(pm)))
    assert all(r[3].value != "typo" for r in book["Timeline"].iter_rows(min_row=2))


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil") rolled back', "+1 more node", "-2 replicas", "@SUM(A1:A9)", "\tcmd", "=1+1"],
)
def test_user_text_that_looks_like_a_formula_stays_literal_text(text: str) -> None:
    pm = example()
    pm = replace(pm, entries=[*pm.entries, entry(60, jst(16, 50), "note", text)])
    book = load_workbook(io.BytesIO(build_workbook(pm)))
    cells = [row[3] for row in book["Timeline"].iter_rows(min_row=2)]
    hit = next(c for c in cells if c.value == text)
    assert hit.data_type == "s" and hit.quotePrefix


def test_a_leading_carriage_return_becomes_a_plain_line_break() -> None:
    pm = example()
    pm = replace(pm, entries=[*pm.entries, entry(60, jst(16, 50), "note", "\r=cmd\r\nnext")])
    book = load_workbook(io.BytesIO(build_workbook(pm)))
    hit = next(r[3] for r in book["Timeline"].iter_rows(min_row=2) if r[0].value == datetime(2026, 11, 22, 16, 50))
    assert hit.value == "\n=cmd\nnext" and hit.data_type == "s"


def test_control_characters_excel_forbids_do_not_break_the_export() -> None:
    pm = example()
    pm = replace(pm, entries=[*pm.entries, entry(61, jst(16, 50), "note", "bell\x07 and nul\x00 gone")])
    book = load_workbook(io.BytesIO(build_workbook(pm)))
    assert any(r[3].value == "bell and nul gone" for r in book["Timeline"].iter_rows(min_row=2))


def test_root_cause_sheet_has_the_template_prefilled(en: Workbook) -> None:
    rows = [[c.value for c in r] for r in en["Root cause"].iter_rows(min_row=2)]
    assert rows[0] == ["Technical causes", "Direct cause", "Config push halved the pool size"]
    assert rows[1] == ["Technical causes", "Underlying causes", "(to be filled in at the review)"]
    assert [r[1] for r in rows[:6]] == [
        "Direct cause",
        "Underlying causes",
        "Development process",
        "Deployment process",
        "Communication",
        "Resources and skills",
    ]
    assert ["From the timeline:", "Hypothesis", "DB connection pool exhausted"] in rows


def test_knowledge_sheet_lists_suggestions_and_feedback(en: Workbook) -> None:
    rows = [[c.value for c in r] for r in en["Knowledge"].iter_rows()]
    assert rows == [
        ["Time (Asia/Tokyo)", "Entry", "Title", "Feedback"],
        [datetime(2026, 11, 22, 14, 37), "kb-gateway-timeout", "504 Gateway Timeout", "helped"],
    ]


def test_columns_fit_and_wide_characters_count_double() -> None:
    book = _book("ja")
    summary = book["概要"]
    title_width = summary.column_dimensions["B"].width
    assert title_width >= len("決済APIで504が多発") + 8  # 8 wide characters take 16 columns
    timeline = book["タイムライン"]
    assert timeline.column_dimensions["A"].width >= 16  # "2026-11-22 14:30"
    assert timeline["D2"].alignment.wrap_text  # the observation column wraps


def test_japanese_headers_and_text_survive() -> None:
    book = _book("ja")
    sheets = ["概要", "タイムライン", "影響範囲", "エスカレーション", "根本原因", "再発防止策", "ナレッジ"]
    assert book.sheetnames == sheets
    titles = [c.value for c in book["タイムライン"][1]][:4]
    assert titles == ["時刻 (Asia/Tokyo)", "イベント", "対応者", "対応内容・観察"]
    values = _pairs(book, "概要")
    assert values["件名"] == "決済APIで504が多発"
    assert values["発生日時 (Asia/Tokyo)"] == datetime(2026, 11, 22, 14, 30)
    assert values["検知から応答までの時間（分）"] == 5
    impact = _pairs(book, "影響範囲")
    assert impact["月間可用性（%）"] == 99.688
    assert [c.value for c in book["再発防止策"][1]] == ["No.", "期間", "対策内容", "担当者", "期限", "状況"]
    assert values["重大度"] == "重大" and values["ステータス"] == "解決済み"
    raw = {"critical", "high", "mitigated", "resolved", "investigating", "identified", "page", "fyi", "escalation"}
    shown = {c.value for ws in book.worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert not shown & raw


def test_a_missing_load_figure_is_an_empty_cell_not_an_error() -> None:
    pm = example()
    pm.incident.impact.tps = None
    values = _pairs(load_workbook(io.BytesIO(build_workbook(pm))), "Impact")
    assert values["Lost transactions"] is None and values["Revenue loss"] is None
    assert values["Monthly availability (%)"] == 99.688


def test_a_large_timeline_is_written_in_full() -> None:
    book = _book(notes=6000)
    assert book["Timeline"].max_row == 1 + 11 + 6000


def test_due_dates_are_dates() -> None:
    rows = list(_book()["Actions"].iter_rows(min_row=2))
    assert rows[1][4].value.date() == date(2027, 5, 22) and rows[1][4].number_format == "yyyy-mm-dd"
    assert rows[1][5].value == "done"


def test_every_cell_reads_in_the_body_font_and_tall_rows_stay_top_aligned() -> None:
    pm = example()
    tall = entry(90, jst(16, 50), "note", "Checked the pool:\nactive 64/64\nwaiting 212")
    short = entry(91, jst(16, 51), "note", "Pool back to 12/64")
    book = load_workbook(io.BytesIO(build_workbook(replace(pm, entries=[*pm.entries, tall, short]))))
    rows = {r[3].value: r for r in book["Timeline"].iter_rows(min_row=2)}
    for row in rows.values():
        assert {c.font.name for c in row} == {"Noto Sans CJK JP"}
    # A row that takes several lines keeps every cell at the top, not only the wrapping one.
    assert [c.alignment.vertical for c in rows[tall.text][:4]] == ["top"] * 4
    assert rows[short.text][1].value == "Note" and rows[short.text][4].value is None
    assert book._named_styles["Normal"].font.name == "Noto Sans CJK JP"  # cells people add later too
