"""The ``hikeshi`` command line."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot import logs
from bot.config import ConfigError, Settings, TeamConfig, load_settings, load_team_config, require_slack_secrets
from incident.clock import SystemClock
from storage.database import DatabaseUrl, DatabaseUrlError

log = logging.getLogger("hikeshi")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hikeshi", description="Incident command in Slack.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot over HTTP (Slack's HTTP mode)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("socket", help="run the bot over Socket Mode (needs SLACK_APP_TOKEN)")
    manifest = sub.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument("--url", help="public URL of /slack/events")
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    export = sub.add_parser("export", help="write an incident's postmortem as xlsx or Markdown")
    export.add_argument("ref", help="INC-2026-0001")
    fmt = export.add_mutually_exclusive_group()
    fmt.add_argument("--xlsx", dest="fmt", action="store_const", const="xlsx")
    fmt.add_argument("--md", dest="fmt", action="store_const", const="md")
    export.add_argument("--out")
    report = sub.add_parser("report", help="write the monthly operations report (xlsx)")
    report.add_argument("--month", required=True, help="2026-11")
    report.add_argument("--out")
    report.add_argument("--lang", choices=["en", "ja"], help="the report's language (default: the team locale)")
    kb = sub.add_parser("kb", help="knowledge base: import files, search")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_import = kb_sub.add_parser("import", help="import Markdown, YAML or JSON Lines (a file or a folder)")
    kb_import.add_argument("path")
    kb_search = kb_sub.add_parser("search", help="ranked entries for a query")
    kb_search.add_argument("query")
    kb_search.add_argument("--limit", type=int, default=5)
    kb_search.add_argument("--json", action="store_true", dest="as_json")
    for kb_command in (kb_import, kb_search):
        kb_command.add_argument("--lang", choices=["en", "ja"], help="language of the report (default: the team's)")
    demo = sub.add_parser("demo", help="play a whole incident against a local Slack stand-in")
    demo.add_argument("--out", default="demo-output", help="folder for the files (one subfolder per language)")
    demo.add_argument("--lang", choices=["en", "ja"], default="en")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The demo prints a transcript; its library chatter would bury it.
    quiet = args.command in ("demo", "manifest")
    logs.configure(level="WARNING" if quiet else "INFO", stream=sys.stderr)
    try:
        return _dispatch(args)
    except (ConfigError, DatabaseUrlError) as exc:
        setting = getattr(exc, "setting", "DATABASE_URL")
        reason = getattr(exc, "reason", str(exc))
        print(f"hikeshi: configuration error: {setting}: {reason}", file=sys.stderr)
        return 2
    except StartupError as exc:
        print(f"hikeshi: start-up error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise StartupError(f"HIKESHI_PORT: {host}:{port} is already in use by another process") from None


async def _check_token(settings: Settings) -> None:
    """A bogus token is found now, not at the first command. An unreachable Slack is not fatal."""
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    token, _ = require_slack_secrets(settings)
    # Short: a Slack that does not answer must not hold start-up; the identity check retries later.
    client = AsyncWebClient(token=token.get_secret_value(), base_url=settings.slack_api_url, timeout=3)
    try:
        await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "refused")
        if error in ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"):
            raise StartupError(f"SLACK_BOT_TOKEN: Slack refused the token ({error})") from None
        log.warning("auth.test answered %s; starting anyway", error)
    except (TimeoutError, OSError, aiohttp.ClientError) as exc:
        log.warning("Slack did not answer auth.test (%s); starting anyway", type(exc).__name__)


class StartupError(Exception):
    """The environment refuses what the configuration asks for; ``str()`` is the one line."""


def _database_problem(db: DatabaseUrl, exc: Exception) -> StartupError:
    url = make_url(db.sync_url)
    if db.backend == "sqlite":
        return StartupError(f"DATABASE_URL: cannot open the SQLite file {url.database} ({_first_line(exc)})")
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return StartupError(f"DATABASE_URL: cannot reach PostgreSQL at {where} ({_first_line(exc)})")


def _first_line(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


def _check_sqlite_writable(db: DatabaseUrl) -> None:
    """An unwritable folder (a Docker bind mount owned by root) fails here, with the path."""
    if db.backend != "sqlite":
        return
    name = make_url(db.sync_url).database
    if not name or name == ":memory:":
        return
    path = Path(name).resolve()
    folder = path.parent
    if not folder.is_dir():
        raise StartupError(f"DATABASE_URL: the folder {folder} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise StartupError(f"DATABASE_URL: {path} is not writable by this user")
    if not path.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise StartupError(
            f"DATABASE_URL: the folder {folder} is not writable by this user (in Docker: mount a volume)"
        )


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "manifest":
        from bot.manifest import manifest_yaml

        print(manifest_yaml(args.url), end="")
        return 0
    if args.command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo(out_dir=args.out, lang=args.lang))
    settings = load_settings()
    settings.database  # noqa: B018 - validates DATABASE_URL before anything starts
    if args.command in ("serve", "socket", "db"):
        _check_sqlite_writable(settings.database)
    team = load_team_config(settings.hikeshi_config)
    logs.configure(
        level=settings.log_level, fmt=settings.log_format, secrets=logs.secrets_of(settings, team), stream=sys.stderr
    )
    if args.command == "db":
        from storage.migrate import upgrade

        try:
            upgrade(settings.database)
        except OperationalError as exc:
            raise _database_problem(settings.database, exc) from None
        print("database is up to date")
        return 0
    if args.command == "kb":
        from bot.kb_cli import kb_import, kb_search

        if args.kb_command == "import":
            return asyncio.run(kb_import(settings, Path(args.path), locale=args.lang or team.locale))
        return asyncio.run(
            kb_search(settings, args.query, limit=args.limit, as_json=args.as_json, locale=args.lang or team.locale)
        )
    if args.command == "export":
        from bot.offline import export_incident

        fmt = args.fmt or "xlsx"
        out = Path(args.out or f"{args.ref.upper()}-postmortem.{fmt}")
        print(asyncio.run(export_incident(settings, team, args.ref, fmt=fmt, out=out)))
        return 0
    if args.command == "report":
        from bot.offline import export_report

        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
            raise ConfigError("--month", "a month like 2026-11")
        out = Path(args.out or f"hikeshi-report-{args.month}.xlsx")
        print(asyncio.run(export_report(settings, team, args.month, out, locale=args.lang or team.locale)))
        return 0
    if args.command == "serve":
        return asyncio.run(_serve(settings, team, args.host, args.port))
    if args.command == "socket":
        return asyncio.run(_socket(settings, team))
    raise AssertionError(args.command)


async def _serve(settings: Settings, team: TeamConfig, host: str | None, port: int | None) -> int:
    from bot.runtime import start_bot

    bind_host, bind_port = host or settings.host, settings.port if port is None else port
    _check_port_free(bind_host, bind_port)
    from storage.migrate import upgrade

    try:
        await asyncio.to_thread(upgrade, settings.database)
    except OperationalError as exc:
        raise _database_problem(settings.database, exc) from None
    await _check_token(settings)
    bot = await start_bot(settings, team, SystemClock(), host=bind_host, port=bind_port, migrate=False)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"hikeshi serving Slack requests on {bot.events_url}", flush=True)
    await stop.wait()
    # Stop taking requests, finish those in flight, let deadlines and background work in
    # flight finish (what does not is handed back to the other replicas), then exit 0.
    log.info("stopping: finishing the work in flight (up to %g s)", settings.shutdown_grace)
    await bot.stop()
    log.info("stopped")
    return 0


async def _socket(settings: Settings, team: TeamConfig) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.runtime import build_bot

    if settings.slack_app_token is None:
        raise ConfigError("SLACK_APP_TOKEN", "is not set (an app-level token starting with xapp-)")
    services, bolt, identity = build_bot(settings, team, SystemClock())
    try:
        await services.start()
    except OperationalError as exc:
        raise _database_problem(settings.database, exc) from None
    await identity.check()
    handler = AsyncSocketModeHandler(bolt, settings.slack_app_token.get_secret_value())
    try:
        # slack_bolt leaves start_async unannotated.
        await handler.start_async()  # type: ignore[no-untyped-call]
    finally:
        await services.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
