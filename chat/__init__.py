"""Slack I/O at the edge: the Web API gateway, Block Kit rendering, channel naming."""
