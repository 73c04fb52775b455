"""Printed through LibreOffice, no sheet is split by columns: every page of a sheet carries
its whole header row (first and last column), the title with the incident or month, and a
page number. Both languages, the postmortem and the monthly report."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from postmortem.report import build_month_report
from postmortem.workbook import build_workbook
from tests.postmortem.example import example
from tests.postmortem.test_report import INCIDENTS, SEVERITIES, SLO, TOKYO

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
LABELS = {"en": {}, "ja": {"critical": "重大", "high": "高", "medium": "中", "low": "低"}}

pytestmark = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT) and not os.environ.get("CI"),
    reason="needs LibreOffice (libreoffice-calc-nogui) and pdftotext (poppler-utils); .ci/run installs them",
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(xlsx: Path, work: Path) -> list[str]:
    """The PDF LibreOffice prints, as text per page."""
    assert SOFFICE and PDFTOTEXT
    profile = (work / "profile").as_uri()
    subprocess.run(  # noqa: S603 - a fixed local tool on a file the test wrote
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(  # noqa: S603 - a fixed local tool on a file the test wrote
        [PDFTOTEXT, "-layout", str(xlsx.with_suffix(".pdf")), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode()
    return [p for p in text.split("\f") if p.strip()]


def _check(data: bytes, title: str, footer: str, work: Path, name: str) -> None:
    xlsx = work / f"{name}.xlsx"
    xlsx.write_bytes(data)
    book = load_workbook(io.BytesIO(data))
    headers = {ws.title: [c.value for c in ws[1] if c.value is not None] for ws in book.worksheets}
    pages = _pages(xlsx, work)
    seen: list[str] = []
    for n, page in enumerate(pages, start=1):
        flat = _squash(page)
        sheet = next((s for s in headers if _squash(f"{title} {s}") in flat), None)
        assert sheet is not None, f"page {n} names no sheet:\n{page[:300]}"
        seen.append(sheet)
        # The whole header row on every page: labels and values were not split across pages.
        for column in (headers[sheet][0], headers[sheet][-1]):
            assert _squash(str(column)) in flat, f"page {n} ({sheet}) lacks column {column!r}"
        assert _squash(footer.replace("&P", str(n)).replace("&N", str(len(pages)))) in flat, f"page {n} footer"
    assert list(dict.fromkeys(seen)) == list(headers), "every sheet printed, in order"


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_postmortem_prints_one_page_wide(locale: str, tmp_path: Path) -> None:
    pm = example(locale, notes=120)  # a timeline long enough to run over several pages
    footer = {"en": "Page &P of &N", "ja": "&P / &N ページ"}[locale]
    _check(build_workbook(pm), str(pm.incident.ref), footer, tmp_path, f"pm-{locale}")


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_monthly_report_prints_one_page_wide(locale: str, tmp_path: Path) -> None:
    data = build_month_report(
        INCIDENTS,
        "2026-11",
        services_slo=SLO,
        severities=SEVERITIES,
        tz=TOKYO,
        locale=locale,
        severity_labels=LABELS[locale],
    )
    title = {"en": "Operations report 2026-11", "ja": "運用報告書 2026-11"}[locale]
    footer = {"en": "Page &P of &N", "ja": "&P / &N ページ"}[locale]
    _check(data, title, footer, tmp_path, f"report-{locale}")
