"""Outgoing pager integrations: PagerDuty Events API v2 and signed JSON webhooks."""
