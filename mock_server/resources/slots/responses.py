"""HTTP handlers of the logical replication slots resource: ``/logical-replication-slots[/{id}]``."""

from __future__ import annotations

from typing import Any

from ...calls import Handler
from ..crud import crud_handlers
from ..databases.common import base_view, status_of
from .models import Slot

__all__ = ["HANDLERS", "slot_view"]


def slot_view(slot: Slot) -> dict[str, Any]:
    """A slot as the API shows it (``samples/logical_replication_slot_get.json`` plus ``in_use``)."""
    return {
        **base_view(slot),
        "name": slot.name,
        "datastore_id": slot.datastore_id,
        "database_id": slot.database_id,
        "status": status_of(slot),
        "in_use": slot.in_use,
    }


HANDLERS: dict[str, Handler] = crud_handlers(
    "slots", "logical-replication-slot", "logical-replication-slots", slot_view, update=False
)
