"""The ``hikeshi`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, TeamConfig, load_settings, load_team_config
from incident.clock import SystemClock
from storage.database import DatabaseUrlError

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
    demo.add_argument("--out", default="demo-output", help="folder for the files the demo writes")
    demo.add_argument("--lang", choices=["en", "ja"], default="en")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The demo prints a transcript; its library chatter would bury it.
    level = logging.WARNING if args.command in ("demo", "manifest") else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every poll tick at INFO
    try:
        return _dispatch(args)
    except (ConfigError, DatabaseUrlError) as exc:
        setting = getattr(exc, "setting", "DATABASE_URL")
        reason = getattr(exc, "reason", str(exc))
        print(f"hikeshi: configuration error: {setting}: {reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


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
    team = load_team_config(settings.hikeshi_config)
    if args.command == "db":
        from storage.migrate import upgrade

        upgrade(settings.database)
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

    bot = await start_bot(settings, team, SystemClock(), host=host, port=port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"hikeshi serving Slack requests on {bot.events_url}", flush=True)
    await stop.wait()
    await bot.stop()
    return 0


async def _socket(settings: Settings, team: TeamConfig) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.runtime import build_bot

    if settings.slack_app_token is None:
        raise ConfigError("SLACK_APP_TOKEN", "is not set (an app-level token starting with xapp-)")
    services, bolt, identity = build_bot(settings, team, SystemClock())
    await services.start()
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
