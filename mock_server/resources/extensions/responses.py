"""HTTP handlers of the extensions resource: ``/extensions`` and ``/extensions/{extension_id}``."""

from __future__ import annotations

from typing import Any

from ...calls import Handler
from ..crud import crud_handlers
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


HANDLERS: dict[str, Handler] = crud_handlers(
    "extensions", "extension", "extensions", extension_view, update=False
)
