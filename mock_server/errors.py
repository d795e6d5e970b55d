"""The one error type of the fake and its single rendering into the API's envelope.

Every 4xx/5xx the fake produces, from validation to auth to business rules to unknown paths, is an
:class:`ApiError` rendered by :func:`render_error`; there is no second error system.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from .encoding import dump_json

__all__ = [
    "ApiError",
    "bad_request",
    "conflict",
    "forbidden",
    "not_found",
    "render_error",
    "validation_failure",
]


class ApiError(Exception):
    """An error answer: HTTP ``status`` and the envelope's ``message``.

    ``headers`` carries extra response headers (``Retry-After`` on a 429, ``Allow`` on a 405).
    """

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers: dict[str, str] = dict(headers or {})

    @property
    def title(self) -> str:
        """The HTTP reason phrase, as the API's ``error.title``."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"

    def envelope(self) -> dict[str, Any]:
        """The API's error body: ``{"error": {"code", "title", "message"}}``."""
        return {"error": {"code": self.status, "title": self.title, "message": self.message}}

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.message!r})"


def render_error(error: ApiError) -> bytes:
    """Serialise ``error`` into the envelope's JSON bytes."""
    return dump_json(error.envelope())


def not_found(entity: str, object_id: str) -> ApiError:
    """404 in the API's wording: ``<entity> <id> not found.`` (``BEHAVIOUR.md`` §3.2)."""
    return ApiError(404, f"{entity} {object_id} not found.")


def bad_request(message: str) -> ApiError:
    """400 with a plain business-rule sentence, prefixed as the API does."""
    return ApiError(400, f"Validation failure: {message}")


def validation_failure(problems: Mapping[str, str]) -> ApiError:
    """400 ``Validation failure: {<key>: <message>, ...}``: Python ``repr`` of a dict sorted by key."""
    return ApiError(400, f"Validation failure: {dict(sorted(problems.items()))!r}")


def conflict(message: str) -> ApiError:
    """409 Conflict with ``message``."""
    return ApiError(409, message)


def forbidden(message: str = "This operation requires an administrator token.") -> ApiError:
    """403 Forbidden."""
    return ApiError(403, message)
