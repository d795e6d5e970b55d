"""HTTP handlers of the extensions resource: ``/extensions`` and ``/extensions/{extension_id}``."""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
from ..databases.common import base_view, status_of
from .models import Extension

__all__ = ["HANDLERS", "extension_view"]


def extension_view(extension: Extension) -> dict[str, Any]:
    """An extension as the API shows it (``samples/extension_get.json`` plus ``project_id``)."""
    return {
        **base_view(extension),
        "available_extension_id": extension.available_extension_id,
        "datastore_id": extension.datastore_id,
        "database_id": extension.database_id,
        "status": status_of(extension),
    }


def list_extensions(call: Call) -> Reply:
    """``GET /extensions``."""
    found = call.backend.extensions.query(call.project_id, call.query, call.now)
    return 200, {"extensions": [extension_view(e) for e in found]}


def create_extension(call: Call) -> Reply:
    """``POST /extensions``."""
    extension = call.backend.extensions.create(call.project_id, call.payload("extension"), call.now)
    return 200, {"extension": extension_view(extension)}


def get_extension(call: Call) -> Reply:
    """``GET /extensions/{extension_id}``."""
    extension = call.backend.extensions.get(call.project_id, call.path_id, call.now)
    return 200, {"extension": extension_view(extension)}


def delete_extension(call: Call) -> Reply:
    """``DELETE /extensions/{extension_id}``."""
    call.backend.extensions.delete(call.project_id, call.path_id, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_extensions": list_extensions,
    "create_extension": create_extension,
    "get_extension": get_extension,
    "delete_extension": delete_extension,
}
