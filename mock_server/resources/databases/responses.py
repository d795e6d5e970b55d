"""HTTP handlers of the databases resource: ``/databases`` and ``/databases/{database_id}``."""

from __future__ import annotations

from typing import Any

from ...calls import Handler
from ..crud import crud_handlers
from .common import base_view, status_of
from .models import Database

__all__ = ["HANDLERS", "database_view"]


def database_view(database: Database) -> dict[str, Any]:
    """A database as the API shows it (``samples/database_get.json`` plus ``project_id``)."""
    return {
        **base_view(database),
        "name": database.name,
        "owner_id": database.owner_id,
        "lc_collate": database.lc_collate,
        "lc_ctype": database.lc_ctype,
        "datastore_id": database.datastore_id,
        "status": status_of(database),
    }


HANDLERS: dict[str, Handler] = crud_handlers("databases", "database", "databases", database_view)
