"""A local Slack stand-in: a fake Web API (``FakeSlack``) and Slack's signed side (``SlackSender``).

Used by the end-to-end tests and by ``hikeshi demo``.
"""

from fakeslack.recording import RecordedCall, ResponseUrlPost
from fakeslack.sender import SentRequest, SlackSender, sign
from fakeslack.server import RESPONSE_URL, FakeSlack

__all__ = [
    "RESPONSE_URL",
    "FakeSlack",
    "RecordedCall",
    "ResponseUrlPost",
    "SentRequest",
    "SlackSender",
    "sign",
]
