"""A knowledge-base draft from a resolved incident: symptom from the title and hypotheses,
cause from root-cause entries, resolution from mitigation entries."""

from __future__ import annotations

from collections.abc import Sequence

from incident.model import Incident, TimelineEntry
from knowledge.entry import KbEntry


def draft_from_incident(incident: Incident, entries: Sequence[TimelineEntry], locale: str) -> KbEntry:
    live = [e for e in entries if not e.deleted and e.text]
    hypotheses = [e.text for e in live if e.kind == "hypothesis"]
    return KbEntry(
        id=f"inc-{incident.ref.year}-{incident.ref.number:04d}",
        title=incident.title,
        symptom=" ".join([incident.title, incident.description, *hypotheses]).strip(),
        causes=[{"description": e.text, "likelihood": "high"} for e in live if e.kind == "root_cause"],
        resolution=[e.text for e in live if e.kind == "mitigation"]
        or ([incident.resolution_summary] if incident.resolution_summary else []),
        severity=incident.severity if incident.severity in ("critical", "high", "medium", "low") else "medium",
        services=list(incident.impact.services),
        language=locale,
        provenance={"incident": str(incident.ref)},
    )
