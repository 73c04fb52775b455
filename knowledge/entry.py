"""A knowledge-base entry, shaped like the source's structure (domain §7)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

INITIAL_SUCCESS_RATE = 0.8


@dataclass(slots=True)
class KbEntry:
    id: str
    title: str
    symptom: str = ""
    keywords: list[str] = field(default_factory=list)
    category: str = ""
    subcategory: str = ""
    causes: list[dict[str, Any]] = field(default_factory=list)  # {description, likelihood}
    diagnosis: list[str] = field(default_factory=list)
    resolution: list[str] = field(default_factory=list)
    prevention: list[str] = field(default_factory=list)
    severity: str = "medium"
    frequency: str = "occasional"
    skill_level: str = "intermediate"
    resolution_time: str = "hours"
    services: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    language: str = "en"
    success_rate: float = INITIAL_SUCCESS_RATE
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> KbEntry:
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def content(self) -> dict[str, Any]:
        """What an import compares to decide "changed": everything but the learnt rate."""
        data = self.to_dict()
        data.pop("success_rate")
        return data

    def searchable(self) -> list[tuple[str, float]]:
        """(text, weight) fields for the index: the title and keywords count double."""
        causes = " ".join(str(c.get("description", "")) for c in self.causes)
        return [
            (self.title, 2.0),
            (" ".join(self.keywords), 2.0),
            (self.symptom, 1.0),
            (causes, 1.0),
            (" ".join(self.diagnosis + self.resolution), 0.5),
            (f"{self.category} {self.subcategory}", 0.5),
        ]


def updated_success_rate(old: float, worked: bool) -> float:
    """The source's learning rule: 0.9 × old + 0.1 × outcome."""
    return round(0.9 * old + 0.1 * (1.0 if worked else 0.0), 6)
