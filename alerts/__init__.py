"""Alerts from monitoring: one shape for every source, and the noise-control decisions."""
