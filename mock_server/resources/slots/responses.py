"""HTTP handlers of the logical replication slots resource: ``/logical-replication-slots[/{id}]``."""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
from ..databases.common import base_view, status_of
from .models import Slot

__all__ = ["HANDLERS", "slot_view"]

_ONE = "logical-replication-slot"
_MANY = "logical-replication-slots"


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


def list_logical_replication_slots(call: Call) -> Reply:
    """``GET /logical-replication-slots``."""
    found = call.backend.slots.query(call.project_id, call.query, call.now)
    return 200, {_MANY: [slot_view(s) for s in found]}


def create_logical_replication_slot(call: Call) -> Reply:
    """``POST /logical-replication-slots``."""
    slot = call.backend.slots.create(call.project_id, call.payload(_ONE), call.now)
    return 200, {_ONE: slot_view(slot)}


def get_logical_replication_slot(call: Call) -> Reply:
    """``GET /logical-replication-slots/{logical_replication_slot_id}``."""
    slot = call.backend.slots.get(call.project_id, call.path_id, call.now)
    return 200, {_ONE: slot_view(slot)}


def delete_logical_replication_slot(call: Call) -> Reply:
    """``DELETE /logical-replication-slots/{logical_replication_slot_id}``."""
    call.backend.slots.delete(call.project_id, call.path_id, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_logical_replication_slots": list_logical_replication_slots,
    "create_logical_replication_slot": create_logical_replication_slot,
    "get_logical_replication_slot": get_logical_replication_slot,
    "delete_logical_replication_slot": delete_logical_replication_slot,
}
