"""What every part of the datastores model shares: the table, the indexes and the entry points.

:class:`DatastoreBase` holds the :class:`Table` of datastores (soft-deleted ones stay in it with status
``DELETED``), an index from instance id to datastore id (floating-IP calls address instances) and the
floating IPs in use. It offers the cross-resource entry points :meth:`DatastoreBase.require` and
:meth:`DatastoreBase.engine` (ARCHITECTURE.md) and the node bookkeeping the mutations share.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING

from ...domain import busy, duplicate_name, require_feature
from ...errors import ApiError, not_found
from ...lifecycle import GONE
from ...store import Table
from .nodes import FLOATING_POOL, canonical_id, floating_candidates, hostname, private_ip, seed_of
from .records import DELETED, MASTER, REPLICA, Datastore, Instance

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = ["INDEXED", "DatastoreBase", "absent", "disk_used", "not_found_as_given", "status_of"]

#: Fields the table indexes (filters and uniqueness checks cost the size of their result).
INDEXED = (
    "name",
    "type_id",
    "flavor_id",
    "subnet_id",
    "enabled",
    "allow_restore",
    "is_maintenance",
    "is_protected",
)


def status_of(datastore: Datastore) -> str:
    """The status last worked out (callers bring it up to date through the table first)."""
    return datastore.life.status if datastore.life is not None else "ACTIVE"


def absent(status: str) -> bool:
    """Whether a datastore in ``status`` no longer answers (deleted, soft-deleted)."""
    return status in (DELETED, GONE)


def disk_used(datastore: Datastore, databases: int) -> int:
    """A plausible, deterministic disk usage in GB (never above the disk): grows with the databases."""
    disk = datastore.flavor.disk
    return min(disk, 1 + _disk_seed(datastore.id) % max(1, disk // 10) + databases)


@functools.lru_cache(maxsize=65536)
def _disk_seed(datastore_id: str) -> int:
    # A blake2b per view showed in the profile of GET item; the id never changes.
    return seed_of("disk", datastore_id)


class DatastoreBase:
    """The datastores of every project, their instances and their floating IPs."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.table: Table[Datastore] = Table(
            "datastore", "datastore", backend.engine, indexed=INDEXED, on_gone=self._soft_delete
        )
        #: Instance id -> datastore id, for every instance that exists (soft-deleted datastores' too).
        self.instance_index: dict[str, str] = {}
        #: Floating IP -> instance id, for the addresses in use.
        self.floating_ips: dict[str, str] = {}

    # -- entry points ---------------------------------------------------------------------------------

    def require(
        self,
        project_id: str,
        datastore_id: str,
        now: datetime,
        *,
        feature: str | None = None,
        active: bool = True,
    ) -> Datastore:
        """The caller's datastore, for a call that uses or changes it (looking does not count as a read).

        404 ``datastore <id> not found.``; 400 when ``feature`` (a key of ``domain.FEATURES``) does not
        apply to its engine; 409 unless it is ``ACTIVE`` when ``active``.
        """
        datastore = self.table.get(project_id, datastore_id, now, read=False)
        self.observe(datastore)
        if feature is not None:
            require_feature(feature, datastore.engine)
        status = status_of(datastore)
        if active and status != "ACTIVE":
            raise busy(datastore.id, status)
        return datastore

    def engine(self, datastore: Datastore) -> str:
        """The engine of ``datastore`` (``postgresql``, ``mysql``, ``mysql_native``, ``redis``, ``kafka``)."""
        return datastore.engine

    def datastore_of_instance(self, project_id: str, instance_id: str) -> Datastore | None:
        """The caller's datastore that has (or had) the instance ``instance_id``, if any."""
        datastore_id = self.instance_index.get(canonical_id(instance_id))
        return self.table.find(datastore_id, project_id) if datastore_id is not None else None

    # -- shared by the reads and the mutations ----------------------------------------------------------

    def observe(self, datastore: Datastore) -> None:
        """Record when the create settled, the first time the datastore is seen past its create phase."""
        life = datastore.life
        if datastore.creation_finished_at is not None or life is None:
            return
        if life.phase is None or life.phase.action != "create":
            datastore.creation_finished_at = life.settled_at

    def check_name(self, project_id: str, name: str, now: datetime) -> None:
        """409 when a datastore of the project not (soft-)deleted is named ``name``."""
        for other in list(self.table.bucket(project_id, "name", name).values()):
            if not absent(self.table.status(other, now)):
                raise duplicate_name("datastore", name)

    def database_names(self, datastore: Datastore, now: datetime) -> list[str]:
        """The names of the datastore's databases not yet gone, in creation order."""
        found = self.backend.databases.live(datastore.project_id, "datastore_id", datastore.id, now)
        return [database.name for database in found]

    def begin(self, datastore: Datastore, action: str, now: datetime) -> Datastore:
        """Start ``update`` or ``resize`` on ``datastore`` and return it (its status is now pending)."""
        self.table.begin(datastore, action, now)
        return datastore

    # -- nodes ----------------------------------------------------------------------------------------------

    def new_instance(self, datastore_id: str, role: str, taken: set[str]) -> Instance:
        """A node with a new id, a private IP not in ``taken`` (which it joins) and a host name."""
        instance_id = self.backend.ids.uuid()
        ip = private_ip(datastore_id, instance_id, taken)
        taken.add(ip)
        self.instance_index[instance_id] = datastore_id
        return Instance(
            id=instance_id,
            ip=ip,
            role=role,
            hostname=hostname(instance_id, self.backend.config.region),
        )

    def grow(self, datastore: Datastore, replicas: int) -> None:
        """Append ``replicas`` new REPLICA nodes."""
        taken = {i.ip for i in datastore.instances}
        for _ in range(replicas):
            datastore.instances.append(self.new_instance(datastore.id, REPLICA, taken))

    def shrink(self, datastore: Datastore, replicas: int) -> None:
        """Remove the last ``replicas`` REPLICA nodes, with their floating IPs."""
        for _ in range(replicas):
            gone = datastore.instances.pop()
            assert gone.role == REPLICA
            self.detach(gone)
            self.instance_index.pop(gone.id, None)

    def check_floating_left(self, wanted: int) -> None:
        """503 when fewer than ``wanted`` floating IPs are free (call it before changing anything)."""
        if wanted > 0 and len(self.floating_ips) + wanted > FLOATING_POOL:
            raise ApiError(503, "Service is temporarily unavailable: no floating IP address is free.")

    def attach(self, instance: Instance) -> str:
        """Give ``instance`` the first free floating IP of its candidates (:meth:`check_floating_left`)."""
        address = next(a for a in floating_candidates(instance.id) if a not in self.floating_ips)
        self.floating_ips[address] = instance.id
        instance.floating_ip = address
        return address

    def detach(self, instance: Instance) -> None:
        """Release the floating IP of ``instance``, if it has one."""
        if instance.floating_ip is not None:
            self.floating_ips.pop(instance.floating_ip, None)
            instance.floating_ip = None

    def master(self, datastore: Datastore) -> Instance:
        """The MASTER node."""
        return next(i for i in datastore.instances if i.role == MASTER)

    # -- soft delete ----------------------------------------------------------------------------------

    def _soft_delete(self, datastore: Datastore) -> None:
        """``on_gone``: keep a deleted datastore, in status ``DELETED`` (DECISIONS 16)."""
        life = datastore.life
        assert life is not None
        self.table.force_status(datastore, DELETED, life.settled_at or datastore.updated_at)


def not_found_as_given(entity: str, given: str, error: ApiError) -> ApiError:
    """A 404 of a lookup by canonical id, worded with the id as the client sent it."""
    return not_found(entity, given) if error.status == 404 else error
