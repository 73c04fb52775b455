"""Slack listeners: translate Slack requests into service calls. They never touch SQL."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import alerts, declare_form, events, incident_command, knowledge, oncall, paging, timeline, update_form
from handlers.ports import Services


def register_all(app: AsyncApp, services: Services) -> None:
    incident_command.register(app, services)
    events.register(app, services)
    declare_form.register(app, services)
    update_form.register(app, services)
    paging.register(app, services)
    oncall.register(app, services)
    timeline.register(app, services)
    knowledge.register(app, services)
    alerts.register(app, services)
