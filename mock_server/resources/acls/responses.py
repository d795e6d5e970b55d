"""HTTP handlers of the Kafka ACLs resource: ``/acls`` and ``/acls/{acl_id}``."""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
from ...clock import format_ts
from ..databases.common import status_of
from .models import Acl

__all__ = ["HANDLERS", "acl_view"]


def acl_view(acl: Acl) -> dict[str, Any]:
    """An ACL as the API shows it: the keys of ``samples/acl_get.json`` in the documentation's
    (alphabetical) order; ``pattern`` is ``null`` for ``pattern_type: all``."""
    return {
        "allow_read": acl.allow_read,
        "allow_write": acl.allow_write,
        "created_at": format_ts(acl.created_at),
        "datastore_id": acl.datastore_id,
        "id": acl.id,
        "pattern": acl.pattern,
        "pattern_type": acl.pattern_type,
        "project_id": acl.project_id,
        "status": status_of(acl),
        "updated_at": format_ts(acl.updated_at),
        "user_id": acl.user_id,
    }


def list_acls(call: Call) -> Reply:
    """``GET /acls``."""
    found = call.backend.acls.query(call.project_id, call.query, call.now)
    return 200, {"acls": [acl_view(a) for a in found]}


def create_acl(call: Call) -> Reply:
    """``POST /acls``."""
    acl = call.backend.acls.create(call.project_id, call.payload("acl"), call.now)
    return 200, {"acl": acl_view(acl)}


def get_acl(call: Call) -> Reply:
    """``GET /acls/{acl_id}``."""
    acl = call.backend.acls.get(call.project_id, call.path_id, call.now)
    return 200, {"acl": acl_view(acl)}


def update_acl(call: Call) -> Reply:
    """``PUT /acls/{acl_id}``: ``allow_read`` / ``allow_write``."""
    acl = call.backend.acls.update(call.project_id, call.path_id, call.payload("acl"), call.now)
    return 200, {"acl": acl_view(acl)}


def delete_acl(call: Call) -> Reply:
    """``DELETE /acls/{acl_id}``: 204, then ``PENDING_DELETE`` until it settles, then 404."""
    call.backend.acls.delete(call.project_id, call.path_id, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_acls": list_acls,
    "create_acl": create_acl,
    "get_acl": get_acl,
    "update_acl": update_acl,
    "delete_acl": delete_acl,
}
