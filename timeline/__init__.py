"""The incident timeline: kinds, time parsing, ordering, corrections, readable mentions and
coalesced live-view updates. Plain Python: no Slack, no database."""
