"""State and rules of the logical replication slots resource (SCHEMAS.md §1.12, BEHAVIOUR.md §6.3).

Slots exist on PostgreSQL datastores only, each on a database of that datastore; names are unique
within the datastore (as PostgreSQL's slot names are within a cluster). ``in_use`` is always false:
nothing consumes a slot in the fake. Slots have no update; they go with their database (DECISIONS 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..databases.common import Child, ChildModel

__all__ = ["Slot", "SlotModel"]


@dataclass(slots=True, kw_only=True)
class Slot(Child):
    """A logical replication slot on a database."""

    name: str
    database_id: str
    in_use: bool = False


class SlotModel(ChildModel[Slot]):
    """The logical replication slots of every project."""

    kind = "logical_replication_slot"
    entity = "logicalreplicationslot"
    feature = "logical replication slots"
    indexed = ("datastore_id", "database_id", "name")
    filters = ("id", "project_id", "name", "datastore_id", "database_id", "status", "in_use")

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> Slot:
        """A new slot in ``PENDING_CREATE``; 409 for a name taken in the datastore."""
        datastore = self.parent(project_id, fields["datastore_id"], now)
        database = self.backend.databases.referenced(project_id, fields["database_id"], now, datastore.id)
        self.check_name(project_id, datastore.id, fields["name"], now)
        slot = Slot(
            **self.new_fields(project_id, datastore.id, now),
            name=fields["name"],
            database_id=database.id,
        )
        return self.table.insert(slot)
