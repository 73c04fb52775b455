"""Catalog texts for one rendering's locale, tolerant of kinds the catalog does not know yet."""

from __future__ import annotations

from typing import Any

from i18n import catalog, t
from incident.model import TimelineEntry


class Labels:
    """Texts in one locale, with the zone or unit appended where a value needs it."""

    def __init__(self, locale: str, zone: str) -> None:
        self.locale = locale
        self.zone = zone

    def __call__(self, key: str, **params: Any) -> str:
        return t(key, self.locale, **params)

    def at(self, key: str) -> str:
        """``Started (Asia/Tokyo)``: a time column names its zone."""
        return t("postmortem.in_zone", self.locale, label=self(key), zone=self.zone)

    def minutes(self, key: str) -> str:
        return t("postmortem.in_minutes", self.locale, label=self(key))

    def kind(self, kind: str) -> str:
        """A timeline kind's name; a kind newer than the catalog shows as itself instead of failing the export."""
        key = f"timeline.kind.{kind}"
        return t(key, self.locale) if catalog().has(key) else kind

    def feedback(self, verdict: str | None) -> str:
        key = f"postmortem.feedback.{verdict}"
        return t(key if verdict and catalog().has(key) else "postmortem.feedback.none", self.locale)

    def horizon(self, horizon: str) -> str:
        key = f"postmortem.horizon.{horizon}"
        return t(key, self.locale) if catalog().has(key) else horizon

    def status(self, status: str) -> str:
        key = f"core.status.{status}"
        return t(key, self.locale) if catalog().has(key) else status

    def entry_text(self, e: TimelineEntry) -> str:
        """What an entry says; a status change says from which status to which, then its note."""
        before, after = e.data.get("status_from"), e.data.get("status_to")
        if e.kind != "status_changed" or not (before and after):
            return e.text
        moved = f"{self.status(str(before))} → {self.status(str(after))}"
        return f"{moved}: {e.text}" if e.text.strip() else moved
