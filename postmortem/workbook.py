"""The postmortem spreadsheet. CPU-heavy and synchronous: callers run it in a thread.

Always written in openpyxl's write-only mode, so a 100,000-entry timeline costs little memory.
Sheet names are English (stable for tools); headers follow the locale.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from i18n import t
from postmortem.cells import table
from postmortem.model import PostmortemInput
from postmortem.root_cause import SECTIONS, prefill

SHEETS = ("Summary", "Timeline", "Impact", "Escalations", "Root cause", "Actions")


def build_workbook(pm: PostmortemInput) -> bytes:
    L, i, tz = pm.locale, pm.incident, pm.tz
    zone = f" ({tz})"
    wb = Workbook(write_only=True)

    summary = [
        ["ID", str(i.ref)],
        [t("postmortem.event", L), i.title],
        [t("postmortem.severity", L), pm.label(i.severity)],
        [t("postmortem.status", L), t(f"core.status.{i.status.value}", L)],
        [t("postmortem.commander", L), pm.name(i.commander)],
    ]
    summary += [[t(f"postmortem.at.{k}", L) + zone, v] for k, v in pm.milestones()]
    summary += [
        [t(f"postmortem.time.{k}", L) + " (min)", round(v.total_seconds() / 60, 1) if v else None]
        for k, v in pm.durations()
    ]
    summary += [
        [t("postmortem.resolution", L), i.resolution_summary],
        ["Version", pm.version],
        ["Generated" + zone, pm.generated_at],
    ]
    table(
        wb.create_sheet("Summary"),
        [t("postmortem.field", L), t("postmortem.value", L)],
        summary,
        tz,
        wrap_cols=frozenset({1}),
    )

    rows = [
        [
            e.occurred_at,
            t(f"timeline.kind.{e.kind}", L),
            pm.name(e.actor),
            e.text,
            t("timeline.amended", L) if e.amended else "",
            e.permalink or "",
        ]
        for e in sorted((e for e in pm.entries if not e.deleted), key=lambda e: (e.occurred_at, e.seq))
    ]
    table(
        wb.create_sheet("Timeline"),
        [
            t("postmortem.time_col", L) + zone,
            t("postmortem.event", L),
            t("postmortem.responder", L),
            t("postmortem.observation", L),
            t("timeline.amended", L),
            "Link",
        ],
        rows,
        tz,
        wrap_cols=frozenset({3}),
    )

    f = pm.impact
    impact_rows = [
        [t("postmortem.at.started", L) + zone, i.started_at],
        [t("postmortem.at.mitigated", L) + zone, pm.end],
        [t("postmortem.impact.duration", L), f.duration_minutes],
        [t("postmortem.impact.users", L), f.affected_users],
        [t("postmortem.impact.lost", L), f.lost_transactions],
        [t("postmortem.impact.revenue", L), f.revenue_loss],
        [t("postmortem.impact.availability", L) + " (%)", f.availability],
        [t("postmortem.impact.violation", L, target=str(f.sla_target)), f.sla_violation],
        [t("postmortem.impact.services", L), ", ".join(i.impact.services)],
    ]
    table(wb.create_sheet("Impact"), [t("postmortem.field", L), t("postmortem.value", L)], impact_rows, tz)

    page_rows = [
        [
            p.paged_at,
            p.target,
            t(f"postmortem.page_kind.{p.kind}", L),
            ", ".join(pm.name(u) for u in p.user_ids),
            pm.name(p.acked_by) if p.acked_by else "",
            p.acked_at,
            round(p.time_to_ack.total_seconds() / 60, 1) if p.time_to_ack else None,
        ]
        for p in pm.pages
    ]
    table(
        wb.create_sheet("Escalations"),
        [
            t("postmortem.paged_at", L) + zone,
            t("postmortem.target", L),
            "Kind",
            t("postmortem.who", L),
            t("postmortem.acked", L),
            t("postmortem.acked", L) + zone,
            t("postmortem.time_to_ack", L) + " (min)",
        ],
        page_rows,
        tz,
    )

    rca = prefill(list(pm.entries))
    rca_rows = [
        [
            t(f"postmortem.rca.{section}", L),
            t(f"postmortem.rca.{part}", L),
            "; ".join(rca.items(part)) or t("postmortem.to_fill", L),
        ]
        for section, parts in SECTIONS
        for part in parts
    ]
    table(
        wb.create_sheet("Root cause"),
        ["Category", "Cause", t("postmortem.value", L)],
        rca_rows,
        tz,
        wrap_cols=frozenset({2}),
    )

    action_rows = [
        [
            a.n,
            t(f"postmortem.horizon.{a.horizon}", L),
            a.text,
            pm.name(a.owner) if a.owner else "",
            a.due,
            "☑" if a.done else "☐",
        ]
        for a in pm.actions
    ]
    table(
        wb.create_sheet("Actions"),
        ["#", "Horizon", t("postmortem.observation", L), "Owner", t("postmortem.due", L), "Done"],
        action_rows,
        tz,
        wrap_cols=frozenset({2}),
    )

    if pm.suggestions:
        kb_rows = [
            [s.suggested_at, s.entry_id, s.title, t(f"postmortem.feedback.{s.feedback or 'none'}", L)]
            for s in pm.suggestions
        ]
        table(
            wb.create_sheet("Knowledge"), [t("postmortem.time_col", L) + zone, "Id", "Title", "Feedback"], kb_rows, tz
        )

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
