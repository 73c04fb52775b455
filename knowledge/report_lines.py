"""Import reports and search results as text lines in the reader's language (CLI, Slack)."""

from __future__ import annotations

from collections.abc import Sequence

from i18n import t
from knowledge.ingest import IngestReport
from knowledge.rank import Hit


def import_report_lines(report: IngestReport, locale: str | None = None) -> list[str]:
    """A one-line summary, then one line per added, changed and rejected source."""
    lines = [
        t(
            "knowledge.import_summary",
            locale,
            added=len(report.added),
            changed=len(report.changed),
            unchanged=len(report.unchanged),
            rejected=len(report.rejected),
        )
    ]
    lines += [t("knowledge.import_added", locale, entry=entry) for entry in report.added]
    lines += [t("knowledge.import_changed", locale, entry=entry) for entry in report.changed]
    lines += [
        t("knowledge.import_rejected", locale, path=r.path, line=r.line, reason=r.reason) for r in report.rejected
    ]
    return lines


def search_lines(query: str, hits: Sequence[Hit], locale: str | None = None) -> list[str]:
    """A header naming the query, then one numbered line per hit with why it matched."""
    lines = [t("knowledge.search_header", locale, query=query, count=len(hits))]
    lines += [
        t(
            "knowledge.search_line",
            locale,
            rank=rank,
            title=hit.title,
            entry=hit.entry_id,
            score=f"{hit.score:.2f}",
            terms=", ".join(hit.why) or "—",
        )
        for rank, hit in enumerate(hits, start=1)
    ]
    return lines
