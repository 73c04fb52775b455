"""Every start-up problem ends the process with exit code 2 and one line on stderr naming it.

These run the real ``hikeshi`` entry point in a child process, as a newcomer would.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from subprocess import PIPE

import pytest

from fakeslack import FakeSlack

_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-test-token",
    "SLACK_SIGNING_SECRET": "test-secret",
    "SLACK_API_URL": "http://127.0.0.1:9/api/",
}


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIKESHI_", "DATABASE_URL"))}
    full |= _ENV | {"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HIKESHI_HOST": "127.0.0.1"} | env
    return subprocess.run(  # noqa: S603 - our own entry point
        [sys.executable, "-m", "bot.cli", *args],
        env=full,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _team(tmp_path: Path, text: str) -> str:
    path = tmp_path / "hikeshi.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_postgres_unreachable(tmp_path: Path) -> None:
    port = _free_port()  # nobody listens there
    line = _one_line(_run(tmp_path, "serve", DATABASE_URL=f"postgresql://hikeshi@127.0.0.1:{port}/hikeshi"))
    assert line.startswith("hikeshi: start-up error: DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_sqlite_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    try:
        line = _one_line(_run(tmp_path, "serve", DATABASE_URL=f"sqlite:///{data}/hikeshi.db"))
    finally:
        data.chmod(0o755)
    assert f"the folder {data} is not writable" in line


def test_a_missing_sqlite_folder(tmp_path: Path) -> None:
    line = _one_line(_run(tmp_path, "serve", DATABASE_URL=f"sqlite:///{tmp_path}/nowhere/hikeshi.db"))
    assert "DATABASE_URL: the folder" in line and "does not exist" in line


def test_port_in_use(tmp_path: Path, busy_port: int) -> None:
    line = _one_line(_run(tmp_path, "serve", "--port", str(busy_port)))
    assert line == f"hikeshi: start-up error: HIKESHI_PORT: 127.0.0.1:{busy_port} is already in use by another process"


def test_a_word_where_a_number_belongs(tmp_path: Path) -> None:
    line = _one_line(_run(tmp_path, "serve", HIKESHI_PORT="eighty"))
    assert line.startswith("hikeshi: configuration error: HIKESHI_PORT: ")


def test_a_word_for_a_nested_number(tmp_path: Path) -> None:
    config = _team(tmp_path, "knowledge:\n  threshold: high\n")
    line = _one_line(_run(tmp_path, "serve", HIKESHI_CONFIG=config))
    assert line.startswith("hikeshi: configuration error: hikeshi.yaml: knowledge.threshold: ")
    assert "number" in line


def test_sla_target_ninety(tmp_path: Path) -> None:
    config = _team(tmp_path, "postmortem:\n  sla_target: ninety\n")
    line = _one_line(_run(tmp_path, "serve", HIKESHI_CONFIG=config))
    assert line.startswith("hikeshi: configuration error: hikeshi.yaml: postmortem.sla_target: ")


def test_a_misspelt_nested_key_gets_a_suggestion(tmp_path: Path) -> None:
    config = _team(tmp_path, "postmortem:\n  sla_targte: 99.9\n")
    line = _one_line(_run(tmp_path, "serve", HIKESHI_CONFIG=config))
    expected = "hikeshi.yaml: postmortem.sla_targte: unknown key; did you mean 'sla_target'?"
    assert line == f"hikeshi: configuration error: {expected}"


def test_a_misspelt_top_level_key_gets_a_suggestion(tmp_path: Path) -> None:
    config = _team(tmp_path, "timezon: Asia/Tokyo\n")
    line = _one_line(_run(tmp_path, "serve", HIKESHI_CONFIG=config))
    assert line == "hikeshi: configuration error: hikeshi.yaml: timezon: unknown key; did you mean 'timezone'?"


async def test_a_bogus_token_is_found_at_start_up(tmp_path: Path) -> None:
    slack = FakeSlack(tokens=["xoxb-the-real-one"])
    await slack.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIKESHI_", "DATABASE_URL"))}
        env |= _ENV | {"SLACK_API_URL": slack.api_url, "SLACK_BOT_TOKEN": "xoxb-bogus"}
        env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HIKESHI_HOST": "127.0.0.1"}
        env["HIKESHI_PORT"] = str(_free_port())
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "serve", env=env, cwd=tmp_path, stdout=PIPE, stderr=PIPE
        )
        _, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        await slack.stop()
    assert proc.returncode == 2
    assert err.decode().strip().splitlines() == [
        "hikeshi: start-up error: SLACK_BOT_TOKEN: Slack refused the token (invalid_auth)"
    ]
