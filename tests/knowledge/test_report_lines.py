"""Import reports and search results read the same in English and Japanese."""

from __future__ import annotations

from knowledge.ingest import IngestReport, Rejection
from knowledge.rank import Hit
from knowledge.report_lines import import_report_lines, search_lines


def test_an_import_report_names_each_change_and_each_rejection_with_its_line() -> None:
    report = IngestReport(added=["kb-a"], changed=["kb-b"], unchanged=["kb-c"], rejected=[Rejection("x.md", 3, "bad")])
    assert import_report_lines(report, "en") == [
        "Import: 1 added, 1 changed, 1 unchanged, 1 rejected.",
        "  + added kb-a",
        "  ~ changed kb-b",
        "  ! x.md:3: bad",
    ]
    assert import_report_lines(report, "ja")[0].startswith("インポート: 追加 1 件")


def test_search_lines_say_why_each_entry_matched() -> None:
    lines = search_lines("504", [Hit("kb-gw", "Gateway timeout", 12.345, ("timeout", "gateway"))], "ja")
    assert lines == [
        "「504」のナレッジ検索結果（1 件）:",
        "1. Gateway timeout（kb-gw、スコア 12.35）— 一致: timeout, gateway",
    ]
