"""What users can see go wrong. Each error carries a message key the UI translates."""

from __future__ import annotations


class IntakeError(Exception):
    """Base for errors shown to a user; ``key`` picks the localized message."""

    key = "error_generic"

    def __init__(self, detail: str = "", *, key: str | None = None) -> None:
        super().__init__(detail or self.key)
        if key is not None:
            self.key = key
        self.detail = detail


class InvalidAnswer(IntakeError):
    key = "error_invalid_answer"


class SessionNotFound(IntakeError):
    key = "error_session_not_found"


class StaleAnswer(IntakeError):
    """The question was already answered elsewhere (another tab, a double submit)."""

    key = "error_stale_answer"


class SessionClosed(IntakeError):
    key = "error_session_closed"


class AccessDenied(IntakeError):
    key = "error_access_denied"


class StoreUnavailable(IntakeError):
    key = "error_store_unavailable"


class ConfigError(ValueError):
    """Invalid knowledge or configuration found at start-up; the message names the file."""
