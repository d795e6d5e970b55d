"""HTTP handlers of the grants resource: ``/grants`` and ``/grants/{grant_id}`` (no update)."""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
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


def list_grants(call: Call) -> Reply:
    """``GET /grants``."""
    found = call.backend.grants.query(call.project_id, call.query, call.now)
    return 200, {"grants": [grant_view(g) for g in found]}


def create_grant(call: Call) -> Reply:
    """``POST /grants``."""
    grant = call.backend.grants.create(call.project_id, call.payload("grant"), call.now)
    return 200, {"grant": grant_view(grant)}


def get_grant(call: Call) -> Reply:
    """``GET /grants/{grant_id}``."""
    grant = call.backend.grants.get(call.project_id, call.path_id, call.now)
    return 200, {"grant": grant_view(grant)}


def delete_grant(call: Call) -> Reply:
    """``DELETE /grants/{grant_id}``."""
    call.backend.grants.delete(call.project_id, call.path_id, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_grants": list_grants,
    "create_grant": create_grant,
    "get_grant": get_grant,
    "delete_grant": delete_grant,
}
