"""The incident timeline: kinds, time parsing, ordering and corrections."""
