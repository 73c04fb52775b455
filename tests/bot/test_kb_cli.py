"""`hikeshi kb import` and `hikeshi kb search` from a terminal."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main


async def _run(argv: list[str]) -> int:
    return await asyncio.to_thread(main, argv)


async def test_import_is_idempotent_and_search_prints_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kb.db'}")
    assert await _run(["kb", "import", "starter"]) == 0
    first = capsys.readouterr().out
    assert first.startswith("Import: 24 added, 0 changed, 0 unchanged, 0 rejected.")
    assert await _run(["kb", "import", "starter"]) == 0
    assert capsys.readouterr().out.startswith("Import: 0 added, 0 changed, 24 unchanged, 0 rejected.")
    assert await _run(["kb", "search", "決済APIで504が多発", "--limit", "2", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["rank"] for r in lines] == [1, 2] and lines[0]["id"] == "kb-gateway-timeout"
    assert set(lines[0]) == {"rank", "id", "title", "score", "why"}


async def test_the_corpus_imports_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], shared_dir: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kb.db'}")
    assert await _run(["kb", "import", str(shared_dir / "data" / "postmortems" / "postmortems.jsonl")]) == 0
    assert capsys.readouterr().out.startswith("Import: 190 added,")
    assert await _run(["kb", "search", "leap second", "--json"]) == 0
    ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert {"pm-linux-01", "pm-linux-02", "pm-cloudflare-10"} & set(ids[:3])
