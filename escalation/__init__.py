"""Escalation: the on-call roster, the response-time policy and the paging state machine."""
