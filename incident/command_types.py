"""The typed results of parsing ``/incident`` text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from incident.model import Status

ROLES: dict[str, str] = {"comms": "comms", "scribe": "scribe", "広報": "comms", "記録": "scribe"}


@dataclass(frozen=True, slots=True)
class CommandError:
    """A refusal: a catalog key and the parameters its text needs."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    lang: str | None = None


def _lang() -> str | None:
    return field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Help:
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Declare:
    title: str | None
    severity: str | None = None
    started: str | None = None
    description: str = ""
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Resolve:
    summary: str = ""
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Reopen:
    reason: str = ""
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Close:
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class StatusCmd:
    status: Status
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Sev:
    severity: str
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Commander:
    user_id: str | None
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Role:
    role: str
    user_id: str
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class ImpactCmd:
    users: int | None = None
    tps: float | None = None
    revenue_per_txn: float | None = None
    services: tuple[str, ...] = ()
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Update:
    text: str
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class ListOpen:
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Show:
    ref: str | None = None
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Ack:
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Event:
    """A back-dated entry; ``when`` is kept raw for the timeline's time parser."""

    when: str | None
    kind: str
    text: str
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Shorthand:
    """``hypothesis …``, ``rootcause …``, ``mitigated …`` (the last also moves the status)."""

    kind: str
    text: str
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Timeline:
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class TimelineEdit:
    n: int
    text: str
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class TimelineDelete:
    n: int
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Kb:
    query: str
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class ActionAdd:
    horizon: Literal["short", "medium", "long"]
    text: str
    owner: str | None = None
    due: str | None = None
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class ActionDone:
    n: int
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Postmortem:
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Report:
    month: str | None = None
    lang: str | None = _lang()


@dataclass(frozen=True, slots=True)
class Maintenance:
    """``maintenance start 2h --service checkout reason`` · ``maintenance list`` · ``maintenance end``."""

    action: Literal["start", "list", "end"]
    service: str = ""
    duration_seconds: int = 0
    reason: str = ""
    lang: str | None = _lang()


IncidentCommand = (
    Help
    | Declare
    | Resolve
    | Reopen
    | Close
    | StatusCmd
    | Sev
    | Commander
    | Role
    | ImpactCmd
    | Update
    | ListOpen
    | Show
    | Ack
    | Note
    | Event
    | Shorthand
    | Timeline
    | TimelineEdit
    | TimelineDelete
    | Kb
    | ActionAdd
    | ActionDone
    | Postmortem
    | Report
    | Maintenance
)
