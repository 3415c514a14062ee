"""Domain errors. Every error a service raises on purpose is an ApplicationError."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the operation; ``message`` is shown to the user."""

    def __init__(self, message: str, *, field: str | None = None, extra=None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}


class NotFound(ApplicationError):
    """Missing, or not visible to this user (the two are never told apart)."""


class Conflict(ApplicationError):
    """The object changed under the caller (a concurrent transition won)."""
