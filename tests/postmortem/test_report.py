"""The monthly report agrees with figures worked out by hand."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from postmortem.report import ReportIncident, build_month_report

TOKYO = ZoneInfo("Asia/Tokyo")


def inc(
    ref: str, sev: str, day: int, tta: int, ttr: int, target: int | None, services: tuple[str, ...] = ("checkout",)
) -> ReportIncident:
    start = datetime(2026, 11, day, 10, 0, tzinfo=TOKYO).astimezone(UTC)
    return ReportIncident(
        ref,
        f"incident {ref}",
        sev,
        services,
        start,
        start + timedelta(minutes=tta),
        start + timedelta(minutes=ttr),
        start + timedelta(minutes=ttr),
        timedelta(minutes=target) if target else None,
    )


INCIDENTS = [
    inc("A", "critical", 2, 10, 60, 15),
    inc("B", "high", 9, 30, 120, 60),
    inc("C", "medium", 16, 300, 600, 240, ("search",)),
    inc("D", "low", 23, 20, 40, None),
    inc("E", "high", 30, 90, 200, 60, ("checkout", "search")),
    inc("X", "critical", 1, 5, 5, 15),  # 1 Nov 10:00 Tokyo is in the month
]


@pytest.fixture
def book():  # type: ignore[no-untyped-def]
    data = build_month_report(
        INCIDENTS,
        "2026-11",
        services_slo={"checkout": 99.9, "search": 99.5},
        severities=["critical", "high", "medium", "low"],
        tz=TOKYO,
        locale="en",
    )
    return load_workbook(io.BytesIO(data))


def test_counts_by_severity_and_service(book) -> None:  # type: ignore[no-untyped-def]
    s = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=2)}
    assert s["Incidents"] == 6
    assert (s["Severity: critical"], s["Severity: high"], s["Severity: medium"], s["Severity: low"]) == (2, 2, 1, 1)
    assert s["Service: checkout"] == 5 and s["Service: search"] == 2


def test_mtta_mttr_mean_and_p90(book) -> None:  # type: ignore[no-untyped-def]
    s = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=2)}
    tta = sorted([10, 30, 300, 20, 90, 5])  # minutes, by hand
    ttr = sorted([60, 120, 600, 40, 200, 5])
    assert s["MTTA mean (min)"] == pytest.approx(sum(tta) / 6)
    assert s["MTTR mean (min)"] == pytest.approx(sum(ttr) / 6)
    assert s["MTTA p90 (min)"] == 300 and s["MTTR p90 (min)"] == 600  # nearest rank: 6th of 6
    # within target: A (10 ≤ 15), B (30 ≤ 60), X (5 ≤ 15); C (300 > 240) and E (90 > 60) miss; D has no target
    assert s["Response within target (%)"] == pytest.approx(3 / 5 * 100)


def test_availability_and_error_budget_by_hand(book) -> None:  # type: ignore[no-untyped-def]
    rows = {r[0].value: (r[1].value, r[2].value, r[3].value) for r in book["Availability"].iter_rows(min_row=2)}
    month = 30 * 24 * 60
    checkout_down = 60 + 120 + 40 + 200 + 5
    assert rows["checkout"][0] == pytest.approx(100 - checkout_down / month * 100)
    budget = 0.001 * month  # 43.2 minutes
    assert rows["checkout"][2] == 0  # 425 minutes down: budget gone
    search_down = 600 + 200
    assert rows["search"][0] == pytest.approx(100 - search_down / month * 100)
    assert rows["search"][1] == 99.5
    assert budget > 0


def test_the_weekly_chart_is_there(book) -> None:  # type: ignore[no-untyped-def]
    weekly = book["Weekly"]
    assert [c.value for c in weekly[1]] == ["Week", "critical", "high", "medium", "low"]
    assert [c.value for c in weekly[2]] == ["W1", 2, 0, 0, 0]


def test_the_report_file_carries_a_bar_chart() -> None:
    import zipfile

    data = build_month_report(
        INCIDENTS, "2026-11", services_slo={}, severities=["critical", "high"], tz=TOKYO, locale="ja"
    )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        chart = next(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = z.read(chart).decode()
    assert "<barChart>" in xml and '<grouping val="stacked" />' in xml
