"""State and rules of the datastores resource (SCHEMAS.md §1.1, BEHAVIOUR.md §1, §2, §4-§6).

:class:`DatastoreModel` gathers the parts of the model: the table and entry points (``base.py``), the
create rules (``creation.py``), the sub-operations (``operations.py``), floating IPs
(``floating_ips.py``) and telemetry (``telemetry.py``), and adds create, get, list and delete.

A create answers ``PENDING_CREATE`` and settles into ``ACTIVE`` per the lifecycle. A delete removes
what lives in the datastore at once (DECISIONS 16), releases its floating IPs and answers
``PENDING_DELETE`` until it settles; the datastore is then soft-deleted: ``GET`` answers 404, it is
listed only with ``deleted=true``, in status ``DELETED``, and its name and quota usage are free.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...domain import busy
from .base import status_of
from .creation import plan_create
from .floating_ips import FloatingIpOperations
from .operations import DatastoreOperations
from .records import DELETED, MASTER, REPLICA, Datastore, Instance, Pooler, Sizes
from .telemetry import TelemetryOperations

__all__ = ["FILTERS", "Datastore", "DatastoreModel", "Instance", "Pooler", "Sizes"]

#: The list filters of the spec matched exactly (``deleted`` is handled apart).
FILTERS = (
    "id",
    "project_id",
    "name",
    "status",
    "enabled",
    "type_id",
    "flavor_id",
    "subnet_id",
    "allow_restore",
    "is_maintenance",
    "is_protected",
)


class DatastoreModel(DatastoreOperations, FloatingIpOperations, TelemetryOperations):
    """The datastores of every project."""

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> Datastore:
        """A new datastore in ``PENDING_CREATE`` (every rule checked first: ``creation.plan_create``)."""
        plan = plan_create(self, project_id, fields, now)
        datastore_id = self.backend.ids.uuid()
        taken: set[str] = set()
        instances = [self.new_instance(datastore_id, MASTER, taken)]
        instances += [self.new_instance(datastore_id, REPLICA, taken) for _ in range(plan.node_count - 1)]
        datastore = Datastore(
            id=datastore_id,
            project_id=project_id,
            created_at=now,
            updated_at=now,
            life=self.backend.engine.new_life("datastore", now),
            name=plan.name,
            engine=plan.engine,
            type_id=plan.type_id,
            subnet_id=plan.subnet_id,
            flavor_id=plan.flavor_id,
            flavor=plan.sizes,
            node_count=plan.node_count,
            instances=instances,
            allow_restore=plan.allow_restore,
            backup_retention_days=plan.backup_retention_days,
            pooler=plan.pooler,
            security_groups=plan.security_groups,
            log_group=plan.log_group,
            config=plan.config,
            restored_from=plan.restored_from,
            redis_password_hash=plan.redis_password_hash,
        )
        self.table.insert(datastore)
        if plan.floating_master:
            self.attach(instances[0])
        for replica in instances[1 : 1 + plan.floating_replicas]:
            self.attach(replica)
        return datastore

    def get(self, project_id: str, datastore_id: str, now: datetime) -> Datastore:
        """The datastore (a read: it may settle a pending phase); 404 when absent or soft-deleted."""
        datastore = self.table.get(project_id, datastore_id, now)
        self.observe(datastore)
        return datastore

    def query(self, project_id: str, query: Mapping[str, Any], now: datetime) -> list[Datastore]:
        """The caller's datastores matching every filter exactly, oldest first.

        Soft-deleted ones are hidden, and with ``deleted=true`` they are the only ones listed.
        """
        filters = {name: query[name] for name in FILTERS if name in query}
        deleted = query.get("deleted") is True
        wanted = filters.get("status")
        if deleted:
            if wanted not in (None, DELETED):
                return []
            filters["status"] = DELETED
        elif wanted == DELETED:
            return []
        found = self.table.query(project_id, filters, now)
        if not deleted:
            found = [d for d in found if status_of(d) != DELETED]
        for datastore in found:
            self.observe(datastore)
        return found

    def delete(self, project_id: str, datastore_id: str, now: datetime) -> Datastore:
        """Start deleting: ``PENDING_DELETE``; its children and floating IPs go at once.

        409 while another phase is in progress; a datastore in a failure status may be deleted.
        """
        datastore = self.table.get(project_id, datastore_id, now, read=False)
        self.observe(datastore)
        life = datastore.life
        assert life is not None
        if life.phase is not None:
            raise busy(datastore.id, life.status)
        self.backend.cascade(project_id, "datastore_id", datastore.id)
        for instance in datastore.instances:
            self.detach(instance)
        self.table.begin(datastore, "delete", now)
        # Settle into the soft-deleted status itself (not gone), so that it is listed at once.
        assert life.phase is not None
        life.phase.outcome = DELETED
        return datastore
