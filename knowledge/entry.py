"""A knowledge-base entry, shaped like the source's structure (domain §7).

An entry links a symptom to its likely causes, the steps that diagnose it and the steps
that resolve it. It is plain data: ``to_dict()`` is JSON-able (storage keeps it as one JSON
column beside a few indexed ones) and ``from_dict()`` reads it back, tolerating fields it
does not know and the older shape where diagnostic steps were plain strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict

INITIAL_SUCCESS_RATE = 0.8

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")
FREQUENCIES: tuple[str, ...] = ("very_common", "common", "occasional", "rare")
SKILL_LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
RESOLUTION_TIMES: tuple[str, ...] = ("minutes", "hours", "days")
LANGUAGES: tuple[str, ...] = ("en", "ja")
LIKELIHOODS: tuple[str, ...] = ("high", "medium", "low")

_CHOICES: dict[str, tuple[str, ...]] = {
    "severity": SEVERITIES,
    "frequency": FREQUENCIES,
    "skill_level": SKILL_LEVELS,
    "resolution_time": RESOLUTION_TIMES,
    "language": LANGUAGES,
}


class InvalidEntry(ValueError):
    """An entry's data breaks the schema; the message names the field."""


class Cause(TypedDict):
    """A possible cause of the symptom and how likely it is (high, medium or low).

    A plain mapping rather than a class: it is the JSON shape, and Slack forms build it.
    """

    description: str
    likelihood: str


@dataclass(frozen=True, slots=True)
class DiagnosticStep:
    """One step of a diagnostic procedure: what to run and what a healthy system shows."""

    title: str
    commands: tuple[str, ...] = ()
    expected_output: str = ""
    success_criteria: str = ""

    def line(self) -> str:
        """The step as one readable line, e.g. for a Slack card."""
        text = self.title
        if self.commands:
            text += " — " + "; ".join(f"`{c}`" for c in self.commands)
        if self.expected_output:
            text += f" → {self.expected_output}"
        return text


@dataclass(frozen=True, slots=True)
class Branch:
    """A decision-tree edge: when ``condition`` holds, continue with entry ``next``."""

    condition: str
    next: str


@dataclass(slots=True)
class KbEntry:
    """One runbook: a symptom, its causes, how to diagnose and resolve it, and metadata."""

    id: str
    title: str
    symptom: str = ""
    keywords: list[str] = field(default_factory=list)
    category: str = ""
    subcategory: str = ""
    causes: list[Cause] = field(default_factory=list)
    diagnostic_steps: list[DiagnosticStep] = field(default_factory=list)
    resolution: list[str] = field(default_factory=list)
    prevention: list[str] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    decision_tree: list[Branch] = field(default_factory=list)
    escalation: list[str] = field(default_factory=list)
    severity: str = "medium"
    frequency: str = "occasional"
    skill_level: str = "intermediate"
    resolution_time: str = "hours"
    services: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    language: str = "en"
    success_rate: float = INITIAL_SUCCESS_RATE
    # Where the entry came from: {"file", "line"}, {"incident"}, or {"source_url", "company", ...}.
    provenance: dict[str, Any] = field(default_factory=dict)
    # The sentence embedding of the entry (``knowledge.dense``), computed once at import and
    # stored with it: base64 of little-endian float16, so restarts and replicas reuse it.
    embedding: str | None = None

    @property
    def diagnosis(self) -> list[str]:
        """The diagnostic steps as readable lines."""
        return [step.line() for step in self.diagnostic_steps]

    def first_steps(self, limit: int = 2) -> list[str]:
        """What a responder should do first: diagnostic steps, else resolution steps."""
        return (self.diagnosis or self.resolution)[:limit]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for step in data["diagnostic_steps"]:
            step["commands"] = list(step["commands"])
        return data

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> KbEntry:
        """Read an entry back; raises ``InvalidEntry`` naming the field that is wrong."""
        if not raw.get("id"):
            raise InvalidEntry("missing id")
        if not raw.get("title"):
            raise InvalidEntry("missing title")
        fields = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        fields["id"], fields["title"] = str(raw["id"]), str(raw["title"])
        for name, choices in _CHOICES.items():
            if name in fields and fields[name] not in choices:
                raise InvalidEntry(f"{name} must be one of {', '.join(choices)} (got {fields[name]!r})")
        for name in ("keywords", "resolution", "prevention", "prerequisites", "escalation", "services", "links"):
            if name in fields:
                fields[name] = _strings(name, fields[name])
        fields["causes"] = [_cause(c) for c in _listed("causes", raw.get("causes"))]
        steps = raw.get("diagnostic_steps", raw.get("diagnosis"))
        fields["diagnostic_steps"] = [_step(s) for s in _listed("diagnostic_steps", steps)]
        fields["decision_tree"] = [_branch(b) for b in _listed("decision_tree", raw.get("decision_tree"))]
        rate = fields.get("success_rate", INITIAL_SUCCESS_RATE)
        if not isinstance(rate, int | float) or not 0.0 <= float(rate) <= 1.0:
            raise InvalidEntry(f"success_rate must be a number from 0 to 1 (got {rate!r})")
        fields["success_rate"] = float(rate)
        if not isinstance(fields.get("provenance", {}), Mapping):
            raise InvalidEntry("provenance must be a mapping")
        if fields.get("embedding") is not None and not isinstance(fields["embedding"], str):
            raise InvalidEntry("embedding must be a base64 string")
        for name in ("symptom", "category", "subcategory"):
            if name in fields:
                fields[name] = "" if fields[name] is None else str(fields[name])
        return cls(**fields)

    def content(self) -> dict[str, Any]:
        """What an import compares to decide "changed": everything but the learnt rate and
        where the text was read from (moving a file is not an edit)."""
        data = self.to_dict()
        data.pop("success_rate")
        data.pop("embedding")  # derived from the text, not part of it
        provenance = dict(data.pop("provenance"))
        provenance.pop("line", None)
        provenance.pop("file", None)
        data["provenance"] = provenance
        return data

    def searchable(self) -> list[tuple[str, float]]:
        """(text, weight) fields for the index: the title and keywords count double."""
        causes = " ".join(str(c.get("description", "")) for c in self.causes)
        steps = " ".join(s.title for s in self.diagnostic_steps)
        return [
            (self.title, 2.0),
            (" ".join(self.keywords), 2.0),
            (self.symptom, 1.0),
            (causes, 1.0),
            (" ".join([steps, *self.resolution]), 0.5),
            (f"{self.category} {self.subcategory}", 0.5),
        ]


def updated_success_rate(old: float, worked: bool) -> float:
    """The source's learning rule: 0.9 × old + 0.1 × outcome (0.8 → 0.82 on "Helped")."""
    return round(0.9 * old + 0.1 * (1.0 if worked else 0.0), 6)


def _listed(name: str, value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise InvalidEntry(f"{name} must be a list")
    return list(value)


def _strings(name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]  # a single keyword written without brackets
    return [str(v) for v in _listed(name, value) if v is not None]


def _cause(value: Any) -> Cause:
    if isinstance(value, str):
        return Cause(description=value, likelihood="medium")
    if isinstance(value, Mapping) and value.get("description"):
        likelihood = str(value.get("likelihood", "medium"))
        if likelihood not in LIKELIHOODS:
            raise InvalidEntry(f"cause likelihood must be one of {', '.join(LIKELIHOODS)} (got {likelihood!r})")
        return Cause(description=str(value["description"]), likelihood=likelihood)
    raise InvalidEntry("each cause needs a description")


def _step(value: Any) -> DiagnosticStep:
    if isinstance(value, str):
        return DiagnosticStep(value)
    if isinstance(value, Mapping) and value.get("title"):
        commands = value.get("commands") or ()
        return DiagnosticStep(
            title=str(value["title"]),
            commands=tuple(str(c) for c in ([commands] if isinstance(commands, str) else commands)),
            expected_output=str(value.get("expected_output") or ""),
            success_criteria=str(value.get("success_criteria") or ""),
        )
    raise InvalidEntry("each diagnostic step needs a title")


def _branch(value: Any) -> Branch:
    if isinstance(value, Mapping) and value.get("condition") and value.get("next"):
        return Branch(str(value["condition"]), str(value["next"]))
    raise InvalidEntry("each decision-tree branch needs a condition and a next entry")
