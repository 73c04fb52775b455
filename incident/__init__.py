"""Incident lifecycle: the domain records and rules, free of Slack and SQL."""
