"""HTTP handlers of the Kafka ACLs resource: ``/acls`` and ``/acls/{acl_id}``."""

from __future__ import annotations

from typing import Any

from ...calls import Handler
from ...clock import format_ts
from ..crud import crud_handlers
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


HANDLERS: dict[str, Handler] = crud_handlers("acls", "acl", "acls", acl_view)
