"""Slack Web API failures as typed exceptions, mapped in one place."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

from incident.ports import ChannelError


class ChatError(ChannelError):
    """A Slack call failed; ``code`` is Slack's error string (or ``http_<status>``)."""

    def __init__(self, method: str, code: str) -> None:
        super().__init__(code)
        self.method = method

    def __str__(self) -> str:
        return f"{self.method}: {self.code}"


class NameTaken(ChatError):
    pass


class InvalidChannelName(ChatError):
    pass


class ChannelNotFound(ChatError):
    pass


class NotInChannel(ChatError):
    pass


class SlackUnavailable(ChatError):
    """Slack answered 5xx or 429 after the SDK's retries, or could not be reached."""

    retryable = True


_BY_CODE: dict[str, type[ChatError]] = {
    "name_taken": NameTaken,
    "invalid_name_specials": InvalidChannelName,
    "invalid_name_maxlength": InvalidChannelName,
    "invalid_name_punctuation": InvalidChannelName,
    "invalid_name_required": InvalidChannelName,
    "invalid_name": InvalidChannelName,
    "channel_not_found": ChannelNotFound,
    "not_in_channel": NotInChannel,
}


def map_error(method: str, exc: Exception) -> ChatError:
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        if status == 429 or status >= 500:
            return SlackUnavailable(method, f"http_{status}")
        code = str(exc.response.get("error", "unknown_error"))
        return _BY_CODE.get(code, ChatError)(method, code)
    if isinstance(exc, SlackClientError | OSError | TimeoutError):
        return SlackUnavailable(method, type(exc).__name__)
    return ChatError(method, type(exc).__name__)
