"""The errors use cases raise; each edge maps them to its own form (HTTP status, exit code).

They carry a stable ``code`` and a message meant for the person who made the request.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the use-case errors."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(ServiceError):
    code = "not_found"


class ForbiddenError(ServiceError):
    code = "forbidden"


class InvalidError(ServiceError):
    code = "invalid_request"


class ConflictError(ServiceError):
    """The request clashes with the current state (a case someone else holds, say)."""

    code = "conflict"
