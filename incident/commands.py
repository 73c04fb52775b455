"""The ``/incident`` text parser: text in, a typed command or a catalog refusal out.

It never raises, whatever it is given; every refusal is a ``CommandError`` whose key is in
the message catalog, so the user always gets a helpful ephemeral answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal, cast

from incident.command_types import (
    ROLES,
    Ack,
    ActionAdd,
    ActionDone,
    Close,
    Commander,
    CommandError,
    Declare,
    Event,
    Help,
    ImpactCmd,
    IncidentCommand,
    Kb,
    ListOpen,
    Maintenance,
    Note,
    Postmortem,
    Reopen,
    Report,
    Resolve,
    Role,
    Sev,
    Shorthand,
    Show,
    StatusCmd,
    Timeline,
    TimelineDelete,
    TimelineEdit,
    Update,
)
from incident.durations import DurationError, parse_duration
from incident.entry_kinds import resolve_kind
from incident.model import USER_KINDS, Status
from incident.severity import SeverityScale

TEXT_LIMIT = 3000
TITLE_LIMIT = 150

SUBCOMMANDS: dict[str, str] = {
    "help": "help",
    "ヘルプ": "help",
    "declare": "declare",
    "宣言": "declare",
    "resolve": "resolve",
    "解決": "resolve",
    "reopen": "reopen",
    "再開": "reopen",
    "close": "close",
    "完了": "close",
    "クローズ": "close",
    "status": "status",
    "状態": "status",
    "sev": "sev",
    "severity": "sev",
    "重大度": "sev",
    "commander": "commander",
    "指揮": "commander",
    "指揮者": "commander",
    "role": "role",
    "役割": "role",
    "impact": "impact",
    "影響": "impact",
    "update": "update",
    "更新": "update",
    "list": "list",
    "一覧": "list",
    "show": "show",
    "表示": "show",
    "ack": "ack",
    "了解": "ack",
    "確認": "ack",
    "note": "note",
    "メモ": "note",
    "event": "event",
    "出来事": "event",
    "hypothesis": "hypothesis",
    "仮説": "hypothesis",
    "rootcause": "rootcause",
    "root_cause": "rootcause",
    "根本原因": "rootcause",
    "mitigated": "mitigated",
    "緩和": "mitigated",
    "timeline": "timeline",
    "タイムライン": "timeline",
    "kb": "kb",
    "maintenance": "maintenance",
    "メンテナンス": "maintenance",
    "保守": "maintenance",
    "ナレッジ": "kb",
    "action": "action",
    "対応": "action",
    "postmortem": "postmortem",
    "ポストモーテム": "postmortem",
    "report": "report",
    "報告": "report",
}

STATUSES: dict[str, Status] = {
    "investigating": Status.INVESTIGATING,
    "調査中": Status.INVESTIGATING,
    "調査": Status.INVESTIGATING,
    "identified": Status.IDENTIFIED,
    "特定済み": Status.IDENTIFIED,
    "原因特定": Status.IDENTIFIED,
    "特定": Status.IDENTIFIED,
    "mitigated": Status.MITIGATED,
    "緩和済み": Status.MITIGATED,
    "暫定対応済み": Status.MITIGATED,
    "緩和": Status.MITIGATED,
    "resolved": Status.RESOLVED,
    "解決済み": Status.RESOLVED,
    "解決": Status.RESOLVED,
}

HORIZONS: dict[str, Literal["short", "medium", "long"]] = {
    "short": "short",
    "medium": "medium",
    "long": "long",
    "短期": "short",
    "中期": "medium",
    "長期": "long",
}
IMPACT_FIELDS = {
    "users": "users",
    "tps": "tps",
    "revenue_per_txn": "revenue_per_txn",
    "services": "services",
    "ユーザー数": "users",
    "サービス": "services",
}

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_TIME = re.compile(
    r"^(?:\d{1,2}:\d{2}|-\d+[smhd](?:\d+[smhd])*|now|\d{1,2}時\d{1,2}分|\d{4}-\d{2}-\d{2}T\d{1,2}:\d{2}|\d{1,2}/\d{1,2})$"
)
_DATE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2})$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_REF = re.compile(r"^INC-\d{4}-\d{1,6}$", re.IGNORECASE)


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).lower()


def _user_id(token: str) -> str | None:
    match = _MENTION.match(token.strip())
    return match.group(1) if match else None


@dataclass(slots=True)
class _Words:
    """The text split on any white space (full-width spaces too), flags pulled out."""

    words: list[str]
    flags: dict[str, str] = field(default_factory=dict)

    def rest(self, start: int = 0) -> str:
        return " ".join(self.words[start:]).strip()


# Each subcommand's parser: the split words, the team's severity scale and the --lang flag in.
_Parser = Callable[[_Words, SeverityScale, str | None], IncidentCommand | CommandError]


def _split(text: str) -> _Words | CommandError:
    words = text.replace("\u3000", " ").split()
    kept: list[str] = []
    flags: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        name = _fold(word)[2:] if _fold(word).startswith("--") else None
        if name in ("sev", "severity", "started", "lang"):
            if i + 1 >= len(words):
                return CommandError("commands.flag_needs_value", {"flag": word})
            value = words[i + 1]
            i += 2
            if name == "started" and _DATE.match(value) and i < len(words) and ":" in words[i]:
                value = f"{value} {words[i]}"
                i += 1
            flags["sev" if name == "severity" else name] = value
            continue
        kept.append(word)
        i += 1
    return _Words(kept, flags)


def parse_command(text: str, scale: SeverityScale) -> IncidentCommand | CommandError:
    """Read ``/incident`` text. Never raises."""
    try:
        return _parse(text if isinstance(text, str) else "", scale)
    except Exception:  # pragma: no cover - a parser bug must still answer the user
        return CommandError("commands.unreadable", {})


def _parse(text: str, scale: SeverityScale) -> IncidentCommand | CommandError:
    if len(text) > TEXT_LIMIT:
        return CommandError("commands.text_too_long", {"limit": str(TEXT_LIMIT)})
    split = _split(text)
    if isinstance(split, CommandError):
        return split
    lang = split.flags.get("lang")
    if lang is not None:
        lang = _fold(lang)
        if lang not in ("en", "ja"):
            return CommandError("commands.bad_lang", {"lang": split.flags["lang"]})
    if not split.words:
        return Help(lang=lang)
    verb = SUBCOMMANDS.get(_fold(split.words[0]))
    if verb is None:
        return CommandError("commands.unknown", {"word": split.words[0][:40]}, lang)
    parsed = _PARSERS[verb](split, scale, lang)
    return replace(parsed, lang=lang) if isinstance(parsed, CommandError) else parsed


def _severity(value: str | None, scale: SeverityScale, lang: str | None) -> str | CommandError | None:
    if value is None:
        return None
    level = scale.get(value)
    if level is None:
        return CommandError(
            "commands.unknown_severity",
            {"severity": value[:40], "choices": _severity_choices(scale, lang)},
        )
    return level.key


def _severity_choices(scale: SeverityScale, lang: str | None) -> str:
    """What a person can type, in their language: Japanese aliases for a Japanese reader
    (``重大``, ``高`` …), the keys otherwise; a level without a Japanese alias shows its key."""
    words = []
    for key in scale.keys():  # noqa: SIM118 - SeverityScale.keys() is a method
        level = scale.get(key)
        native = [a for a in (level.aliases if level else ()) if not a.isascii()]
        words.append(native[0] if lang == "ja" and native else key)
    return ("、" if lang == "ja" else ", ").join(f"`{w}`" for w in words)


def _declare(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    severity = _severity(w.flags.get("sev"), scale, lang)
    if isinstance(severity, CommandError):
        return severity
    title = w.rest(1)
    if len(title) > TITLE_LIMIT:
        return CommandError("commands.title_too_long", {"limit": str(TITLE_LIMIT), "length": str(len(title))})
    return Declare(
        title=title or None,
        severity=severity,
        started=w.flags.get("started"),
        description="",
        lang=lang,
    )


def _free_text(cls: Callable[..., IncidentCommand], key: str, *, required: bool) -> _Parser:
    def parse(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
        text = w.rest(1)
        if required and not text:
            return CommandError(key, {})
        return cls(text, lang=lang)

    return parse


def _no_args(cls: Callable[..., IncidentCommand]) -> _Parser:
    def parse(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
        return cls(lang=lang)

    return parse


def _status(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    if len(w.words) < 2 or _fold(w.words[1]) not in STATUSES:
        return CommandError("commands.status_usage", {})
    return StatusCmd(STATUSES[_fold(w.words[1])], lang=lang)


def _sev(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    value = w.words[1] if len(w.words) > 1 else w.flags.get("sev")
    if not value:
        return CommandError("commands.sev_usage", {"choices": _severity_choices(scale, lang)})
    severity = _severity(value, scale, lang)
    if isinstance(severity, CommandError) or severity is None:
        return severity or CommandError("commands.sev_usage", {"choices": _severity_choices(scale, lang)})
    return Sev(severity, lang=lang)


def _commander(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    if len(w.words) < 2:
        return Commander(None, lang=lang)
    user = _user_id(w.words[1])
    if user is None:
        return CommandError("commands.needs_mention", {"example": "/incident commander @alice"})
    return Commander(user, lang=lang)


def _role(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    if len(w.words) < 3 or ROLES.get(_fold(w.words[1])) is None:
        return CommandError("commands.role_usage", {"roles": "comms, scribe"})
    user = _user_id(w.words[2])
    if user is None:
        return CommandError("commands.needs_mention", {"example": "/incident role comms @bob"})
    return Role(ROLES[_fold(w.words[1])], user, lang=lang)


def _number(field_name: str, value: str, *, integer: bool) -> int | float | CommandError:
    cleaned = unicodedata.normalize("NFKC", value).replace(",", "").replace("_", "")
    try:
        number: int | float = int(cleaned) if integer else float(cleaned)
    except ValueError:
        return CommandError("commands.impact_not_a_number", {"field": field_name, "value": value[:40]})
    if number < 0 or number != number or number in (float("inf"), float("-inf")):
        return CommandError("commands.impact_not_a_number", {"field": field_name, "value": value[:40]})
    return number


def _impact(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    values: dict[str, object] = {}
    for pair in w.words[1:]:
        key, sep, value = pair.partition("=")
        name = IMPACT_FIELDS.get(_fold(key))
        if not sep or name is None:
            return CommandError(
                "commands.impact_unknown_field",
                {"field": key[:40], "fields": "users, tps, revenue_per_txn, services"},
            )
        if name == "services":
            values[name] = tuple(s for s in (p.strip() for p in value.split(",")) if s)
            continue
        number = _number(name, value, integer=name == "users")
        if isinstance(number, CommandError):
            return number
        values[name] = number
    if not values:
        return CommandError("commands.impact_usage", {})
    return ImpactCmd(
        users=cast(int | None, values.get("users")),
        tps=cast(float | None, values.get("tps")),
        revenue_per_txn=cast(float | None, values.get("revenue_per_txn")),
        services=cast(tuple[str, ...], values.get("services", ())),
        lang=lang,
    )


def _show(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    if len(w.words) > 1:
        if not _REF.match(w.words[1]):
            return CommandError("commands.bad_ref", {"ref": w.words[1][:40]})
        return Show(w.words[1].upper(), lang=lang)
    return Show(None, lang=lang)


def _kind(word: str) -> str | None:
    return resolve_kind(word)


def _event(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    words = w.words[1:]
    when: str | None = None
    if words and _DATE.match(words[0]) and len(words) > 1 and ":" in words[1]:
        when, words = f"{words[0]} {words[1]}", words[2:]
    elif words and _TIME.match(_fold(words[0])):
        when, words = words[0], words[1:]
    if not words or _kind(words[0]) is None:
        return CommandError("commands.event_usage", {"kinds": ", ".join(USER_KINDS)})
    kind = _kind(words[0])
    text = " ".join(words[1:]).strip()
    if not text:
        return CommandError("commands.needs_text", {})
    return Event(when=when, kind=kind or "note", text=text, lang=lang)


def _shorthand(kind: str) -> _Parser:
    def parse(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
        text = w.rest(1)
        if not text and kind != "mitigation":
            return CommandError("commands.needs_text", {})
        return Shorthand(kind=kind, text=text, lang=lang)

    return parse


def _timeline(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    if len(w.words) == 1:
        return Timeline(lang=lang)
    action = _fold(w.words[1])
    if action not in ("edit", "delete", "編集", "削除") or len(w.words) < 3 or not w.words[2].isdigit():
        return CommandError("commands.timeline_usage", {})
    n = int(w.words[2])
    if action in ("delete", "削除"):
        return TimelineDelete(n, lang=lang)
    text = w.rest(3)
    if not text:
        return CommandError("commands.needs_text", {})
    return TimelineEdit(n, text, lang=lang)


def _action(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    if len(w.words) < 2:
        return CommandError("commands.action_usage", {})
    verb = _fold(w.words[1])
    if verb in ("done", "完了") and len(w.words) == 3 and w.words[2].isdigit():
        return ActionDone(int(w.words[2]), lang=lang)
    if verb != "add" or len(w.words) < 4 or HORIZONS.get(_fold(w.words[2])) is None:
        return CommandError("commands.action_usage", {})
    words = w.words[3:]
    due = words.pop() if words and _DATE.match(words[-1]) else None
    owner = None
    if words and _user_id(words[-1]):
        owner = _user_id(words.pop())
    text = " ".join(words).strip()
    if not text:
        return CommandError("commands.needs_text", {})
    return ActionAdd(HORIZONS[_fold(w.words[2])], text, owner, due, lang=lang)


def _report(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    if len(w.words) > 1:
        if not _MONTH.match(w.words[1]):
            return CommandError("commands.bad_month", {"month": w.words[1][:20]})
        return Report(w.words[1], lang=lang)
    return Report(None, lang=lang)


_MAINTENANCE_ACTIONS = {"start": "start", "開始": "start", "list": "list", "一覧": "list", "end": "end", "終了": "end"}
_SERVICE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,79}$")


def _maintenance(w: _Words, scale: SeverityScale, lang: str | None) -> IncidentCommand | CommandError:
    action = _MAINTENANCE_ACTIONS.get(_fold(w.words[1])) if len(w.words) > 1 else None
    if action is None:
        return CommandError("commands.maintenance_usage", {})
    words = w.words[2:]
    service = ""
    if "--service" in [_fold(x) for x in words]:
        at = [_fold(x) for x in words].index("--service")
        if at + 1 >= len(words):
            return CommandError("commands.flag_needs_value", {"flag": "--service"})
        service = words[at + 1]
        words = words[:at] + words[at + 2 :]
        if not _SERVICE.match(service):
            return CommandError("commands.maintenance_bad_service", {"service": service[:40]})
    if action == "list":
        return Maintenance("list", lang=lang)
    if action == "end":
        return Maintenance("end", service=service, lang=lang)
    if not words:
        return CommandError("commands.maintenance_usage", {})
    try:
        duration = parse_duration(words[0])
    except DurationError:
        return CommandError("commands.maintenance_bad_duration", {"duration": words[0][:20]})
    if duration.total_seconds() > 7 * 86400:
        return CommandError("commands.maintenance_too_long", {})
    if not service:
        return CommandError("commands.maintenance_needs_service", {})
    reason = " ".join(words[1:]).strip()[:500]
    return Maintenance("start", service, int(duration.total_seconds()), reason, lang=lang)


_PARSERS: dict[str, _Parser] = {
    "help": _no_args(Help),
    "declare": _declare,
    "resolve": _free_text(Resolve, "", required=False),
    "reopen": _free_text(Reopen, "", required=False),
    "close": _no_args(Close),
    "status": _status,
    "sev": _sev,
    "commander": _commander,
    "role": _role,
    "impact": _impact,
    "update": _free_text(Update, "commands.needs_text", required=True),
    "list": _no_args(ListOpen),
    "show": _show,
    "ack": _no_args(Ack),
    "note": _free_text(Note, "commands.needs_text", required=True),
    "event": _event,
    "hypothesis": _shorthand("hypothesis"),
    "rootcause": _shorthand("root_cause"),
    "mitigated": _shorthand("mitigation"),
    "timeline": _timeline,
    "kb": _free_text(Kb, "commands.needs_text", required=True),
    "action": _action,
    "postmortem": _no_args(Postmortem),
    "report": _report,
    "maintenance": _maintenance,
}


def usage_text(locale: str | None) -> str:
    """The help text: every subcommand with an example."""
    from i18n import t

    return t("commands.help", locale)
