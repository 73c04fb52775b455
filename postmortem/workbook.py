"""The postmortem spreadsheet. CPU-heavy and synchronous: callers run it through an ``Offload``
(the bot: a worker process; a thread would still hold the interpreter lock).

Always written in openpyxl's write-only mode: rows stream to the file, so a 100,000-entry
timeline costs a few MiB rather than hundreds. Sheet names, headers and labels follow the
locale (a Japanese file is Japanese throughout); every sheet is set up to print one page
wide. Times are real Excel datetimes in the team's zone, named in the header ("Time (Asia/Tokyo)").
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from incident.model import TimelineEntry
from postmortem.cells import Formatted, Printing, table
from postmortem.cells import workbook as new_workbook
from postmortem.labels import Labels
from postmortem.model import PostmortemInput
from postmortem.money import money, money_format
from postmortem.root_cause import SECTIONS, prefill


def _minutes(span: timedelta | None) -> float | None:
    return round(span.total_seconds() / 60, 1) if span is not None else None


def _links(e: TimelineEntry) -> list[str]:
    return [*([e.permalink] if e.permalink else []), *(f["permalink"] for f in e.files if f.get("permalink"))]


def _money(amount: Decimal | float | int | None, pm: PostmortemInput) -> Formatted | None:
    if amount is None:
        return None
    value = int(amount) if Decimal(str(amount)) == int(amount) else float(amount)
    return Formatted(value, money_format(pm.currency, pm.locale), money(amount, pm.currency, pm.locale))


def _summary(pm: PostmortemInput, L: Labels) -> list[list[Any]]:
    i = pm.incident
    rows: list[list[Any]] = [
        [L("postmortem.id"), str(i.ref)],
        [L("postmortem.incident_title"), i.title],
        [L("postmortem.severity"), pm.label(i.severity)],
        [L("postmortem.status"), L(f"core.status.{i.status.value}")],
        [L("postmortem.commander"), pm.name(i.commander)],
    ]
    rows += [[L.at(f"postmortem.at.{key}"), value] for key, value in pm.milestones()]
    rows += [[L.minutes(f"postmortem.time.{key}"), _minutes(span)] for key, span in pm.durations()]
    rows += [
        [L("postmortem.impact.duration"), pm.impact.duration_minutes],
        [L("postmortem.impact.services"), ", ".join(i.impact.services)],
        [L("postmortem.resolution"), i.resolution_summary],
        [L("postmortem.version"), pm.version],
        [L.at("postmortem.generated"), pm.generated_at],
    ]
    return rows


def _impact(pm: PostmortemInput, L: Labels) -> list[list[Any]]:
    i, f = pm.incident, pm.impact
    return [
        [L.at("postmortem.at.started"), i.started_at],
        [L.at("postmortem.impact.end"), pm.end],
        [L("postmortem.impact.duration"), f.duration_minutes],
        [L.minutes("postmortem.time.to_mitigate"), _minutes(dict(pm.durations())["to_mitigate"])],
        [L("postmortem.impact.users"), f.affected_users],
        [L("postmortem.impact.tps"), i.impact.tps],
        [L("postmortem.impact.price"), _money(i.impact.revenue_per_txn, pm)],
        [L("postmortem.impact.lost"), f.lost_transactions],
        [L("postmortem.impact.revenue"), _money(f.revenue_loss, pm)],
        [L("postmortem.impact.downtime"), f.downtime_percent],
        [L("postmortem.impact.availability_pct"), f.availability],
        [L("postmortem.impact.violation", target=str(f.sla_target)), f.sla_violation],
        [L("postmortem.impact.services"), ", ".join(i.impact.services)],
    ]


def build_workbook(pm: PostmortemInput) -> bytes:
    """The .xlsx file as bytes: Summary, Timeline, Impact, Escalations, Root cause, Actions
    (and Knowledge when the bot suggested entries)."""
    L, tz = Labels(pm.locale, str(pm.tz)), pm.tz
    wb = new_workbook()
    two_columns = [L("postmortem.field"), L("postmortem.value")]

    def sheet(key: str) -> tuple[WriteOnlyWorksheet, Printing]:
        """A sheet named in the file's language, printed with the incident's number on every page."""
        name = L(f"postmortem.sheet.{key}")
        return wb.create_sheet(name), Printing(f"{pm.incident.ref} {name}", L("postmortem.print.footer"))

    ws, printing = sheet("summary")
    table(ws, two_columns, _summary(pm, L), tz, wrap_cols=frozenset({1}), printing=printing)

    amended = L("timeline.amended")
    timeline = pm.timeline
    # A generator: at 100,000 entries the rows held as lists were most of the export's memory.
    rows = (
        [
            e.occurred_at,
            L.kind(e.kind),
            pm.name(e.actor),
            L.entry_text(e),
            amended if e.amended else "",
            "\n".join(_links(e)),
        ]
        for e in timeline
    )
    titles = [
        L.at("postmortem.time_col"),
        L("postmortem.event"),
        L("postmortem.responder"),
        L("postmortem.observation"),
        L("postmortem.amended_col"),
        L("postmortem.link"),
    ]
    ws, printing = sheet("timeline")
    table(ws, titles, rows, tz, wrap_cols=frozenset({3, 5}), printing=printing, count=len(timeline))

    ws, printing = sheet("impact")
    table(ws, two_columns, _impact(pm, L), tz, printing=printing)

    page_rows = [
        [
            a.page.paged_at,
            a.page.target,
            L(f"postmortem.page_kind.{a.page.display_kind}"),
            ", ".join(pm.name(u) for u in a.page.user_ids),
            L(f"postmortem.answer_state.{a.state}"),
            pm.name(a.by) if a.by else "",
            a.at,
            _minutes(a.time_to_ack),
        ]
        for a in pm.answers
    ]
    titles = [
        L.at("postmortem.paged_at"),
        L("postmortem.target"),
        L("postmortem.kind"),
        L("postmortem.who"),
        L("postmortem.answer"),
        L("postmortem.acked_by"),
        L.at("postmortem.acked"),
        L.minutes("postmortem.time_to_ack"),
    ]
    ws, printing = sheet("escalations")
    table(ws, titles, page_rows, tz, wrap_cols=frozenset({3}), printing=printing)

    rca = prefill(pm.entries, pm.actions)
    to_fill = L("postmortem.to_fill")
    rca_rows: list[list[Any]] = [
        [L(f"postmortem.rca.{section}"), L(f"postmortem.rca.{part}"), "\n".join(rca.items(part)) or to_fill]
        for section, parts in SECTIONS
        for part in parts
    ]
    rca_rows += [[L("postmortem.rca.evidence"), L("timeline.kind.hypothesis"), h] for h in rca.hypotheses]
    rca_rows += [[L("postmortem.rca.evidence"), L("timeline.kind.verification"), v] for v in rca.verifications]
    titles = [L("postmortem.rca.category"), L("postmortem.rca.part"), L("postmortem.rca.finding")]
    ws, printing = sheet("root_cause")
    table(ws, titles, rca_rows, tz, wrap_cols=frozenset({2}), printing=printing)

    action_rows = [
        [
            a.n,
            L.horizon(a.horizon),
            a.text,
            pm.name(a.owner) if a.owner else "",
            a.due,
            L("postmortem.action.done") if a.done else L("postmortem.action.open"),
        ]
        for a in sorted(pm.actions, key=lambda a: a.n)
    ]
    titles = [
        L("postmortem.action.n"),
        L("postmortem.action.horizon"),
        L("postmortem.action.text"),
        L("postmortem.action.owner"),
        L("postmortem.action.due"),
        L("postmortem.action.state"),
    ]
    ws, printing = sheet("actions")
    table(ws, titles, action_rows, tz, wrap_cols=frozenset({2}), printing=printing)

    if pm.suggestions:
        kb_rows = [
            [s.suggested_at, s.entry_id, s.title, L.feedback(s.feedback)]
            for s in sorted(pm.suggestions, key=lambda s: s.suggested_at)
        ]
        titles = [
            L.at("postmortem.time_col"),
            L("postmortem.kb.entry"),
            L("postmortem.kb.title"),
            L("postmortem.kb.feedback"),
        ]
        ws, printing = sheet("knowledge")
        table(ws, titles, kb_rows, tz, wrap_cols=frozenset({2}), printing=printing)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
