"""Postmortems: the draft's content, the Markdown and spreadsheet renderings, monthly reports."""
