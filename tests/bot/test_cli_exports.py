"""`hikeshi export` and `hikeshi report` write the same files the bot posts."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.config import TeamConfig
from bot.local_stack import start_local_stack
from tests.e2e.test_declare_and_resolve import declare


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_export_and_report_from_the_command_line(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = await start_local_stack(database, team=TeamConfig())
    try:
        channel = await declare(stack, "Checkout down")
        stack.clock.advance(timedelta(minutes=30))
        await stack.command("resolve fixed", channel_id=channel)
        await stack.settle()
    finally:
        await stack.close()
    monkeypatch.setenv("DATABASE_URL", database)
    md, xlsx, report = tmp_path / "pm.md", tmp_path / "pm.xlsx", tmp_path / "report.xlsx"
    assert await _run(["export", "INC-2026-0001", "--md", "--out", str(md)]) == 0
    assert await _run(["export", "INC-2026-0001", "--xlsx", "--out", str(xlsx)]) == 0
    assert await _run(["report", "--month", "2026-11", "--out", str(report)]) == 0
    assert md.read_text(encoding="utf-8").startswith("# Postmortem: INC-2026-0001 Checkout down")
    assert load_workbook(io.BytesIO(xlsx.read_bytes())).sheetnames[0] == "Summary"
    assert load_workbook(io.BytesIO(report.read_bytes())).sheetnames[0] == "Summary"
    assert await _run(["report", "--month", "November"]) == 2


async def _run(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(main, argv)
