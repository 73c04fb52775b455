"""The postmortem draft as Markdown, in English or Japanese; deterministic for a given input."""

from __future__ import annotations

from datetime import datetime, timedelta

from incident.durations import format_duration
from incident.impact import plain
from incident.model import TimelineEntry
from postmortem.labels import Labels
from postmortem.model import PostmortemInput
from postmortem.money import money
from postmortem.root_cause import HORIZONS, SECTIONS, prefill

NONE = "—"


def _when(value: datetime | None, pm: PostmortemInput) -> str:
    return value.astimezone(pm.tz).strftime("%Y-%m-%d %H:%M") if value else NONE


def _span(value: timedelta | None, locale: str) -> str:
    return format_duration(value, locale) if value is not None else NONE


def _cell(text: str) -> str:
    """User text inside a table cell: pipes escaped, line breaks kept as <br>."""
    return text.strip().replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>") or NONE


def _inline(text: str) -> str:
    """User text inside a list item: on one line, so it cannot start a new list or heading."""
    return " ".join(text.split())


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(columns: int) -> str:
    return "|" + "---|" * columns


def _basic(pm: PostmortemInput, L: Labels) -> list[str]:
    i = pm.incident
    out = [
        _row(L("postmortem.field"), L("postmortem.value")),
        _rule(2),
        _row(L("postmortem.severity"), _cell(pm.label(i.severity))),
        _row(L("postmortem.status"), L(f"core.status.{i.status.value}")),
        _row(L("postmortem.commander"), _cell(pm.name(i.commander))),
    ]
    out += [_row(L.at(f"postmortem.at.{key}"), _when(value, pm)) for key, value in pm.milestones()]
    out += [_row(L(f"postmortem.time.{key}"), _span(span, pm.locale)) for key, span in pm.durations()]
    if i.resolution_summary:
        out.append(_row(L("postmortem.resolution"), _cell(i.resolution_summary)))
    return out


def _severity(pm: PostmortemInput, L: Labels) -> list[str]:
    history = pm.severity_history
    if not history:
        return [L("postmortem.severity_unchanged", severity=pm.label(pm.incident.severity))]
    out = [_row(L.at("postmortem.time_col"), L("postmortem.change"), L("postmortem.by")), _rule(3)]
    out += [
        _row(_when(c.at, pm), f"{_cell(pm.label(c.before))} → {_cell(pm.label(c.after))}", _cell(pm.name(c.actor)))
        for c in history
    ]
    return out


def _impact(pm: PostmortemInput, L: Labels) -> list[str]:
    f = pm.impact
    users = f"{f.affected_users:,}" if f.affected_users is not None else NONE
    availability = f"{plain(f.availability, 3)} %" if f.availability is not None else NONE
    revenue = money(f.revenue_loss, pm.currency, pm.locale) if f.revenue_loss is not None else NONE
    out = [
        _row(L("postmortem.field"), L("postmortem.value")),
        _rule(2),
        _row(L("postmortem.impact.duration"), plain(f.duration_minutes)),
        _row(L("postmortem.time.to_mitigate"), _span(dict(pm.durations())["to_mitigate"], pm.locale)),
        _row(L("postmortem.impact.users"), users),
        _row(L("postmortem.impact.lost"), plain(f.lost_transactions)),
        _row(L("postmortem.impact.revenue"), revenue),
        _row(L("postmortem.impact.availability"), availability),
        _row(L("postmortem.impact.violation", target=plain(f.sla_target)), plain(f.sla_violation, 3)),
    ]
    if pm.incident.impact.services:
        out.append(_row(L("postmortem.impact.services"), _cell(", ".join(pm.incident.impact.services))))
    return out


def _timeline(pm: PostmortemInput, L: Labels) -> list[str]:
    out = [
        _row(L.at("postmortem.time_col"), *(L(f"postmortem.{k}") for k in ("event", "responder", "observation"))),
        _rule(4),
    ]
    amended = f" _({L('timeline.amended')})_"
    for e in pm.timeline:
        text = _cell(L.entry_text(e)) + (amended if e.amended else "") + _links(e, L)
        out.append(_row(_when(e.occurred_at, pm), L.kind(e.kind), _cell(pm.name(e.actor)), text))
    return out


def _link(label: str, url: str) -> str:
    shown = label.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("|", "\\|")
    return f"[{shown}](<{url.replace('>', '%3E').replace(' ', '%20')}>)"


def _links(e: TimelineEntry, L: Labels) -> str:
    """A recorded message keeps its permalink, and its files their links."""
    links = [_link(L("postmortem.message_link"), e.permalink)] if e.permalink else []
    links += [_link(f.get("name") or L("postmortem.file_link"), f["permalink"]) for f in e.files if f.get("permalink")]
    return ("<br>" + " · ".join(links)) if links else ""


def _escalation(pm: PostmortemInput, L: Labels) -> list[str]:
    if not pm.pages:
        return [L("postmortem.no_pages")]
    out = [
        _row(
            L.at("postmortem.paged_at"),
            *(L(f"postmortem.{k}") for k in ("target", "who", "answer", "time_to_ack")),
        ),
        _rule(5),
    ]
    for a in pm.answers:
        p = a.page
        who = _cell(", ".join(pm.name(u) for u in p.user_ids)) if p.user_ids else NONE
        if a.state == "acknowledged":
            answer = L("postmortem.answer.acknowledged", name=_cell(pm.name(a.by)), at=_when(a.at, pm))
        else:
            answer = L(f"postmortem.answer.{a.state}")
        level = f"{_cell(p.target)} ({L(f'postmortem.page_kind.{p.display_kind}')})"
        out.append(_row(_when(p.paged_at, pm), level, who, answer, _span(a.time_to_ack, pm.locale)))
    return out


def _knowledge(pm: PostmortemInput, L: Labels) -> list[str]:
    if not pm.suggestions:
        return [L("postmortem.no_suggestions")]
    return [
        f"- {_inline(s.title)} (`{_inline(s.entry_id)}`) — {L.feedback(s.feedback)}"
        for s in sorted(pm.suggestions, key=lambda s: s.suggested_at)
    ]


def _root_cause_and_actions(pm: PostmortemInput, L: Labels) -> list[str]:
    rca = prefill(pm.entries, pm.actions)
    to_fill = L("postmortem.to_fill")
    out = [f"## {L('postmortem.section.rca')}", ""]
    for section, parts in SECTIONS:
        out.append(f"### {L(f'postmortem.rca.{section}')}")
        for part in parts:
            items = rca.items(part)
            out.append(f"- **{L(f'postmortem.rca.{part}')}**: " + ("; ".join(items) if items else to_fill))
        out.append("")
    if rca.hypotheses or rca.verifications:
        out.append(f"_{L('postmortem.rca.evidence')}_")
        out += [f"- {L.kind('hypothesis')}: {h}" for h in rca.hypotheses]
        out += [f"- {L.kind('verification')}: {v}" for v in rca.verifications]
        out.append("")
    out += [f"## {L('postmortem.section.actions')}", ""]
    for horizon in HORIZONS:
        out.append(f"### {L.horizon(horizon)}")
        actions = rca.actions.get(horizon, [])
        if not actions:
            out.append(f"- [ ] {to_fill}")
        for a in actions:
            owner = f" — {_inline(pm.name(a.owner))}" if a.owner else ""
            box = "x" if a.done else " "
            out.append(f"- [{box}] {a.n}. {_inline(a.text)}{owner} ({L('postmortem.due')} {a.due.isoformat()})")
        out.append("")
    return out


def render_markdown(pm: PostmortemInput) -> str:
    """The whole draft: basic information, severity history, impact, timeline, escalations,
    knowledge suggestions, root-cause analysis and improvement actions."""
    L = Labels(pm.locale, str(pm.tz))
    i = pm.incident
    out = [
        f"# {L('postmortem.title', ref=str(i.ref), title=_inline(i.title))}",
        "",
        L("postmortem.draft_note", version=str(pm.version), generated=_when(pm.generated_at, pm), zone=L.zone),
        "",
    ]
    sections = (
        ("basic", _basic),
        ("severity", _severity),
        ("impact", _impact),
        ("timeline", _timeline),
        ("escalation", _escalation),
        ("knowledge", _knowledge),
    )
    for name, render in sections:
        out += [f"## {L(f'postmortem.section.{name}')}", "", *render(pm, L), ""]
    out += _root_cause_and_actions(pm, L)
    return "\n".join(out).rstrip() + "\n"
