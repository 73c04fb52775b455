"""The source's root-cause template, pre-filled from what the timeline already says."""

from __future__ import annotations

from dataclasses import dataclass, field

from incident.model import TimelineEntry

SECTIONS = (
    ("technical", ("direct", "underlying")),
    ("process", ("development", "deployment")),
    ("organisational", ("communication", "skills")),
)


@dataclass(slots=True)
class RootCause:
    direct: list[str] = field(default_factory=list)
    underlying: list[str] = field(default_factory=list)
    development: list[str] = field(default_factory=list)
    deployment: list[str] = field(default_factory=list)
    communication: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    hypotheses: list[str] = field(default_factory=list)
    verifications: list[str] = field(default_factory=list)

    def items(self, name: str) -> list[str]:
        return list(getattr(self, name))


_DEPLOY_WORDS = ("deploy", "release", "config", "rollout", "デプロイ", "リリース", "設定")


def prefill(entries: list[TimelineEntry] | tuple[TimelineEntry, ...]) -> RootCause:
    rca = RootCause()
    for e in entries:
        if e.deleted or not e.text:
            continue
        if e.kind == "root_cause":
            (rca.direct if not rca.direct else rca.underlying).append(e.text)
            if any(w in e.text.lower() for w in _DEPLOY_WORDS):
                rca.deployment.append(e.text)
        elif e.kind == "hypothesis":
            rca.hypotheses.append(e.text)
        elif e.kind == "verification":
            rca.verifications.append(e.text)
        elif e.kind == "escalation":
            rca.communication.append(e.text)
    return rca
