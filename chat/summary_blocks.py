"""The pinned incident summary, rendered as Block Kit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from chat import blockkit
from chat.dates import slack_date
from i18n import t
from incident.model import Incident

STATUS_EMOJI = {
    "investigating": ":mag:",
    "identified": ":dart:",
    "mitigated": ":adhesive_bandage:",
    "resolved": ":white_check_mark:",
    "closed": ":lock:",
}


def _user(user_id: str | None, locale: str) -> str:
    return f"<@{user_id}>" if user_id else t("core.summary.nobody", locale)


def summary_text(incident: Incident, locale: str) -> str:
    return t(
        "core.summary.fallback",
        locale,
        ref=str(incident.ref),
        title=incident.title,
        status=t(f"core.status.{incident.status.value}", locale),
    )


def render_summary(
    incident: Incident, *, locale: str, tz: ZoneInfo, severity_label: Callable[[str], str]
) -> tuple[str, list[dict[str, Any]]]:
    status = incident.status.value
    header = f"{incident.ref} {incident.title}"
    fields = [
        (t("core.summary.severity", locale), severity_label(incident.severity)),
        (t("core.summary.status", locale), f"{STATUS_EMOJI.get(status, '')} {t(f'core.status.{status}', locale)}"),
        (t("core.summary.commander", locale), _user(incident.commander, locale)),
        (t("core.summary.declared", locale), slack_date(incident.declared_at, tz)),
        (t("core.summary.started", locale), slack_date(incident.started_at, tz)),
    ]
    for role, user in sorted(incident.roles.items()):
        fields.append((t(f"core.role.{role}", locale), _user(user, locale)))
    if incident.impact.services:
        fields.append((t("core.summary.services", locale), ", ".join(incident.impact.services)))
    if incident.resolved_at:
        fields.append((t("core.summary.resolved", locale), slack_date(incident.resolved_at, tz)))
    blocks: list[dict[str, Any]] = [
        blockkit.header(header),
        blockkit.fields(fields),
    ]
    if incident.description:
        blocks.append(blockkit.section(incident.description))
    if incident.resolution_summary:
        text = f"*{t('core.summary.resolution', locale)}*\n{incident.resolution_summary}"
        blocks.append(blockkit.section(text))
    return summary_text(incident, locale), blocks


def topic_text(incident: Incident, locale: str, severity_label: Callable[[str], str]) -> str:
    return t(
        "core.topic",
        locale,
        ref=str(incident.ref),
        severity=severity_label(incident.severity),
        status=t(f"core.status.{incident.status.value}", locale),
        commander=_user(incident.commander, locale),
    )
