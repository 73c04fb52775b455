"""Wiring: configuration, the Slack app, the HTTP server and the command line."""
