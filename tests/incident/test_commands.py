"""The /incident parser reads every subcommand, in English and Japanese, and never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import catalog
from incident import command_types as c
from incident.commands import SUBCOMMANDS, parse_command, usage_text
from incident.model import Status
from incident.severity import DEFAULT_SCALE


def parse(text: str) -> object:
    return parse_command(text, DEFAULT_SCALE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", c.Help()),
        ("help", c.Help()),
        ("ヘルプ --lang ja", c.Help(lang="ja")),
        ("declare Checkout API returns 500s", c.Declare("Checkout API returns 500s")),
        (
            "declare Checkout down --sev critical --started 14:30",
            c.Declare("Checkout down", "critical", "14:30"),
        ),
        (
            "declare Checkout down --started 2026-11-22 14:30",
            c.Declare("Checkout down", None, "2026-11-22 14:30"),
        ),
        ("宣言　決済APIで504が多発 --sev 重大", c.Declare("決済APIで504が多発", "critical")),
        ("declare", c.Declare(None)),
        ("resolve rolled back", c.Resolve("rolled back")),
        ("解決", c.Resolve("")),
        ("reopen it came back", c.Reopen("it came back")),
        ("close", c.Close()),
        ("クローズ", c.Close()),
        ("status identified", c.StatusCmd(Status.IDENTIFIED)),
        ("状態 緩和済み", c.StatusCmd(Status.MITIGATED)),
        ("sev high", c.Sev("high")),
        ("重大度 低", c.Sev("low")),
        ("sev P1", c.Sev("critical")),
        ("commander <@U0BOB|bob>", c.Commander("U0BOB")),
        ("commander", c.Commander(None)),
        ("role comms <@U0CAROL>", c.Role("comms", "U0CAROL")),
        ("役割 記録 <@U0CAROL>", c.Role("scribe", "U0CAROL")),
        (
            "impact users=10000 tps=50 revenue_per_txn=10 services=checkout,payments",
            c.ImpactCmd(10000, 50.0, 10.0, ("checkout", "payments")),
        ),
        ("update rolled back, error rate falling", c.Update("rolled back, error rate falling")),
        ("list", c.ListOpen()),
        ("一覧", c.ListOpen()),
        ("show INC-2026-0001", c.Show("INC-2026-0001")),
        ("ack", c.Ack()),
        ("了解", c.Ack()),
        ("note checked LB logs", c.Note("checked LB logs")),
        ("event -10m alert 5xx above 2%", c.Event("-10m", "alert", "5xx above 2%")),
        ("出来事 14:35 仮説 DBの接続枯渇", c.Event("14:35", "hypothesis", "DBの接続枯渇")),
        ("hypothesis pool exhausted", c.Shorthand("hypothesis", "pool exhausted")),
        ("rootcause bad config", c.Shorthand("root_cause", "bad config")),
        ("mitigated rolled back", c.Shorthand("mitigation", "rolled back")),
        ("timeline", c.Timeline()),
        ("timeline edit 3 corrected text", c.TimelineEdit(3, "corrected text")),
        ("timeline delete 3", c.TimelineDelete(3)),
        ("kb gateway timeout", c.Kb("gateway timeout")),
        (
            "action add short add retries <@U0BOB> 2026-12-01",
            c.ActionAdd("short", "add retries", "U0BOB", "2026-12-01"),
        ),
        ("action done 2", c.ActionDone(2)),
        ("postmortem", c.Postmortem()),
        ("report 2026-11", c.Report("2026-11")),
    ],
)
def test_each_subcommand_parses(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("explode", "commands.unknown"),
        ("declare " + "x" * 151, "commands.title_too_long"),
        ("declare " + "x" * 5000, "commands.text_too_long"),
        ("declare x --sev catastrophic", "commands.unknown_severity"),
        ("declare x --sev", "commands.flag_needs_value"),
        ("declare x --lang fr", "commands.bad_lang"),
        ("impact users=lots", "commands.impact_not_a_number"),
        ("impact colour=red", "commands.impact_unknown_field"),
        ("status sleeping", "commands.status_usage"),
        ("role boss <@U1>", "commands.role_usage"),
        ("commander bob", "commands.needs_mention"),
        ("event yesterday lunch", "commands.event_usage"),
        ("report november", "commands.bad_month"),
        ("show 42", "commands.bad_ref"),
        ("note", "commands.needs_text"),
    ],
)
def test_refusals_name_a_catalog_message(text: str, key: str) -> None:
    result = parse(text)
    assert isinstance(result, c.CommandError) and result.key == key
    assert catalog().text(result.key, "ja", **result.params)


WORDS = st.sampled_from(
    [
        *SUBCOMMANDS,
        "--sev",
        "--lang",
        "--started",
        "ja",
        "en",
        "critical",
        "重大",
        "<@U1>",
        "=",
        "users=",
        "14:35",
        "-10m",
        "\u3000",
        "payload",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=12).map(" ".join)))
def test_any_text_gives_a_command_or_a_catalog_refusal(text: str) -> None:
    result = parse(text)
    if isinstance(result, c.CommandError):
        assert catalog().has(result.key)
        for locale in ("en", "ja"):
            assert catalog().text(result.key, locale, **result.params)


def test_help_lists_every_subcommand_in_both_languages() -> None:
    for locale in ("en", "ja"):
        text = usage_text(locale)
        for word in (
            "declare",
            "resolve",
            "sev",
            "commander",
            "impact",
            "update",
            "list",
            "timeline",
            "kb",
            "action",
            "report",
        ):
            assert f"/incident {word}" in text
