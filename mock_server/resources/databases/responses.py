"""HTTP handlers of the databases resource: ``/databases`` and ``/databases/{database_id}``."""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
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


def list_databases(call: Call) -> Reply:
    """``GET /databases``."""
    found = call.backend.databases.query(call.project_id, call.query, call.now)
    return 200, {"databases": [database_view(d) for d in found]}


def create_database(call: Call) -> Reply:
    """``POST /databases``."""
    database = call.backend.databases.create(call.project_id, call.payload("database"), call.now)
    return 200, {"database": database_view(database)}


def get_database(call: Call) -> Reply:
    """``GET /databases/{database_id}``."""
    database = call.backend.databases.get(call.project_id, call.path_id, call.now)
    return 200, {"database": database_view(database)}


def update_database(call: Call) -> Reply:
    """``PUT /databases/{database_id}``: a new owner."""
    database = call.backend.databases.update(
        call.project_id, call.path_id, call.payload("database"), call.now
    )
    return 200, {"database": database_view(database)}


def delete_database(call: Call) -> Reply:
    """``DELETE /databases/{database_id}``."""
    call.backend.databases.delete(call.project_id, call.path_id, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_databases": list_databases,
    "create_database": create_database,
    "get_database": get_database,
    "update_database": update_database,
    "delete_database": delete_database,
}
