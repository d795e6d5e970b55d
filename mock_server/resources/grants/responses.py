"""HTTP handlers of the grants resource: ``/grants`` and ``/grants/{grant_id}`` (no update)."""

from __future__ import annotations

from typing import Any

from ...calls import Handler
from ..crud import crud_handlers
from ..databases.common import base_view, status_of
from .models import Grant

__all__ = ["HANDLERS", "grant_view"]


def grant_view(grant: Grant) -> dict[str, Any]:
    """A grant as the API shows it (``samples/grant_get.json``)."""
    return {
        **base_view(grant),
        "datastore_id": grant.datastore_id,
        "database_id": grant.database_id,
        "user_id": grant.user_id,
        "status": status_of(grant),
    }


HANDLERS: dict[str, Handler] = crud_handlers("grants", "grant", "grants", grant_view, update=False)
