"""The postmortem draft as Markdown, in English or Japanese; deterministic for a given input."""

from __future__ import annotations

from datetime import datetime, timedelta

from i18n import t
from incident.durations import format_duration
from incident.impact import plain
from postmortem.model import PostmortemInput
from postmortem.root_cause import SECTIONS, prefill


def _when(value: datetime | None, pm: PostmortemInput) -> str:
    return value.astimezone(pm.tz).strftime("%Y-%m-%d %H:%M") if value else "—"


def _span(value: timedelta | None, locale: str) -> str:
    return format_duration(value, locale) if value is not None else "—"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(pm: PostmortemInput) -> str:
    L = pm.locale
    i = pm.incident
    zone = str(pm.tz)
    out: list[str] = [
        f"# {t('postmortem.title', L, ref=str(i.ref), title=i.title)}",
        "",
        t("postmortem.draft_note", L, version=str(pm.version), generated=_when(pm.generated_at, pm), zone=zone),
        "",
        f"## {t('postmortem.section.basic', L)}",
        "",
        f"| {t('postmortem.field', L)} | {t('postmortem.value', L)} |",
        "|---|---|",
        f"| {t('postmortem.severity', L)} | {pm.label(i.severity)} |",
        f"| {t('postmortem.status', L)} | {t(f'core.status.{i.status.value}', L)} |",
        f"| {t('postmortem.commander', L)} | {pm.name(i.commander)} |",
    ]
    for key, value in pm.milestones():
        out.append(f"| {t(f'postmortem.at.{key}', L)} ({zone}) | {_when(value, pm)} |")
    for key, span in pm.durations():
        out.append(f"| {t(f'postmortem.time.{key}', L)} | {_span(span, L)} |")
    if i.resolution_summary:
        out.append(f"| {t('postmortem.resolution', L)} | {_cell(i.resolution_summary)} |")

    out += ["", f"## {t('postmortem.section.severity', L)}", ""]
    history = pm.severity_history
    if history:
        out += [
            f"| {t('postmortem.time_col', L)} | {t('postmortem.change', L)} | {t('postmortem.by', L)} |",
            "|---|---|---|",
        ]
        out += [
            f"| {_when(c.at, pm)} | {pm.label(c.before)} → {pm.label(c.after)} | {pm.name(c.actor)} |" for c in history
        ]
    else:
        out.append(t("postmortem.severity_unchanged", L, severity=pm.label(i.severity)))

    f = pm.impact
    out += [
        "",
        f"## {t('postmortem.section.impact', L)}",
        "",
        f"| {t('postmortem.field', L)} | {t('postmortem.value', L)} |",
        "|---|---|",
        f"| {t('postmortem.impact.duration', L)} | {plain(f.duration_minutes)} |",
        f"| {t('postmortem.impact.users', L)} | {f'{f.affected_users:,}' if f.affected_users is not None else '—'} |",
        f"| {t('postmortem.impact.lost', L)} | {plain(f.lost_transactions)} |",
        f"| {t('postmortem.impact.revenue', L)} | {plain(f.revenue_loss)} |",
        f"| {t('postmortem.impact.availability', L)} | {plain(f.availability)} % |",
        f"| {t('postmortem.impact.violation', L, target=plain(f.sla_target))} | {plain(f.sla_violation)} |",
    ]
    if i.impact.services:
        out.append(f"| {t('postmortem.impact.services', L)} | {', '.join(i.impact.services)} |")

    out += [
        "",
        f"## {t('postmortem.section.timeline', L)}",
        "",
        _row(
            f"{t('postmortem.time_col', L)} ({zone})",
            *(t(f"postmortem.{k}", L) for k in ("event", "responder", "observation")),
        ),
        "|---|---|---|---|",
    ]
    for e in sorted((e for e in pm.entries if not e.deleted), key=lambda e: (e.occurred_at, e.seq)):
        text = _cell(e.text) + (f" _({t('timeline.amended', L)})_" if e.amended else "")
        out.append(f"| {_when(e.occurred_at, pm)} | {t(f'timeline.kind.{e.kind}', L)} | {pm.name(e.actor)} | {text} |")

    out += ["", f"## {t('postmortem.section.escalation', L)}", ""]
    if pm.pages:
        out += [
            _row(*(t(f"postmortem.{k}", L) for k in ("paged_at", "target", "who", "acked", "time_to_ack"))),
            "|---|---|---|---|---|",
        ]
        for p in pm.pages:
            who = ", ".join(pm.name(u) for u in p.user_ids) or "—"
            acked = f"{pm.name(p.acked_by)} {_when(p.acked_at, pm)}" if p.acked_by else "—"
            kind = t(f"postmortem.page_kind.{p.kind}", L)
            out.append(
                f"| {_when(p.paged_at, pm)} | {p.target} ({kind}) | {who} | {acked} | {_span(p.time_to_ack, L)} |"
            )
    else:
        out.append(t("postmortem.no_pages", L))

    out += ["", f"## {t('postmortem.section.knowledge', L)}", ""]
    if pm.suggestions:
        for s in pm.suggestions:
            feedback = t(f"postmortem.feedback.{s.feedback or 'none'}", L)
            out.append(f"- {s.title} (`{s.entry_id}`) — {feedback}")
    else:
        out.append(t("postmortem.no_suggestions", L))

    rca = prefill(list(pm.entries))
    out += ["", f"## {t('postmortem.section.rca', L)}", ""]
    for section, parts in SECTIONS:
        out.append(f"### {t(f'postmortem.rca.{section}', L)}")
        for part in parts:
            items = rca.items(part)
            out.append(
                f"- **{t(f'postmortem.rca.{part}', L)}**: "
                + ("; ".join(items) if items else t("postmortem.to_fill", L))
            )
        out.append("")
    if rca.hypotheses or rca.verifications:
        out.append(f"_{t('postmortem.rca.evidence', L)}_")
        out += [f"- {t('timeline.kind.hypothesis', L)}: {h}" for h in rca.hypotheses]
        out += [f"- {t('timeline.kind.verification', L)}: {v}" for v in rca.verifications]
        out.append("")

    out += [f"## {t('postmortem.section.actions', L)}", ""]
    for horizon in ("short", "medium", "long"):
        out.append(f"### {t(f'postmortem.horizon.{horizon}', L)}")
        items = [a for a in pm.actions if a.horizon == horizon]
        if not items:
            out.append(f"- [ ] {t('postmortem.to_fill', L)}")
        for a in items:
            box = "x" if a.done else " "
            owner = f" — {pm.name(a.owner)}" if a.owner else ""
            out.append(f"- [{box}] {a.n}. {a.text}{owner} ({t('postmortem.due', L)} {a.due.isoformat()})")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
