"""What a handler receives (:class:`Call`) and returns (:data:`Reply`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backend import Backend
    from .spec import Operation

__all__ = ["Call", "Handler", "Reply"]

#: ``(status, body)``; ``body`` is ``None`` for a 204.
Reply = tuple[int, Any]


@dataclass(slots=True)
class Call:
    """One validated request: who calls, what, with which parameters and body, at which time."""

    backend: Backend
    op: Operation
    project_id: str
    admin: bool
    params: dict[str, str]
    query: dict[str, Any]
    body: Any
    now: datetime
    request_id: str

    @property
    def path_id(self) -> str:
        """The single path parameter (``{datastore_id}``, ``{acl_id}``...)."""
        return next(iter(self.params.values()))

    def payload(self, wrapper: str) -> dict[str, Any]:
        """The validated object under ``wrapper`` in the body (``{"datastore": {...}}``)."""
        value = self.body.get(wrapper) if isinstance(self.body, dict) else None
        return value if isinstance(value, dict) else {}


Handler = Callable[[Call], Reply]
