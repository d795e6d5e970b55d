"""The sub-operations of a datastore: rename, resize, config, pooler, firewall, password, backups,
security groups and log platform (BEHAVIOUR.md §6.2).

Each one needs the datastore ``ACTIVE`` (409 otherwise, DECISIONS 12) except the security-group
update, which does not change the status. Each checks everything first, then changes the datastore
and begins its phase: ``RESIZING`` for a resize, ``PENDING_UPDATE`` for the others (DECISIONS 15).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ...domain import node_count_error
from ...errors import bad_request
from ..quotas.models import FIREWALL_IPS_MAX
from ..users.models import hash_password
from .base import DatastoreBase
from .creation import catalog_flavor
from .records import Datastore, Pooler, Sizes

__all__ = ["DatastoreOperations"]


class DatastoreOperations(DatastoreBase):
    """Changes of an existing datastore."""

    def rename(
        self, project_id: str, datastore_id: str, fields: Mapping[str, Any], now: datetime
    ) -> Datastore:
        """``PUT /datastores/{id}``: a new name, unique in the project (409); no name is a no-op update."""
        datastore = self.require(project_id, datastore_id, now)
        name: str | None = fields.get("name")
        if name is not None and name != datastore.name:
            self.check_name(project_id, name, now)
            self.table.set(datastore, "name", name)
        return self.begin(datastore, "update", now)

    def resize(
        self, project_id: str, datastore_id: str, fields: Mapping[str, Any], now: datetime
    ) -> Datastore:
        """``POST .../resize``: node count, flavor (object or id) and disk size; ``RESIZING``.

        400 for a node count outside the engine's range, a flavor object on Redis, both flavor kinds,
        a flavor of another datastore type or a smaller disk; 404 for an unknown flavor id; 409 over a
        quota (the growth is checked). New nodes are REPLICAs; fewer nodes remove the last replicas.
        """
        datastore = self.require(project_id, datastore_id, now)
        node_count: int = fields.get("node_count", datastore.node_count)
        problem = node_count_error(datastore.engine, node_count)
        if problem is not None:
            raise problem
        sizes, flavor_id = self._resized(datastore, fields)
        old, new = datastore.flavor, sizes
        self.backend.quotas.check(
            project_id,
            nodes=node_count - datastore.node_count,
            vcpus=new.vcpus * node_count - old.vcpus * datastore.node_count,
            ram=new.ram * node_count - old.ram * datastore.node_count,
            disk=new.disk * node_count - old.disk * datastore.node_count,
            now=now,
        )
        datastore.flavor = sizes
        self.table.set(datastore, "flavor_id", flavor_id)
        if node_count > datastore.node_count:
            self.grow(datastore, node_count - datastore.node_count)
        else:
            self.shrink(datastore, datastore.node_count - node_count)
        datastore.node_count = node_count
        return self.begin(datastore, "resize", now)

    def _resized(self, datastore: Datastore, fields: Mapping[str, Any]) -> tuple[Sizes, str | None]:
        """The flavor after a resize and its id (``None`` for a custom flavor); the disk type stays."""
        custom: Mapping[str, int] | None = fields.get("flavor")
        given_id: str | None = fields.get("flavor_id")
        current = datastore.flavor
        if custom is not None and datastore.engine == "redis":
            raise bad_request("flavor is not supported for datastores of engine redis: give flavor_id")
        if custom is not None and given_id is not None:
            raise bad_request("give either flavor or flavor_id, not both")
        sizes = Sizes(vcpus=current.vcpus, ram=current.ram, disk=current.disk, disk_type=current.disk_type)
        flavor_id = datastore.flavor_id
        if given_id is not None:
            flavor = catalog_flavor(self, given_id, datastore.type_id)
            sizes.vcpus, sizes.ram, sizes.disk, flavor_id = flavor.vcpus, flavor.ram, flavor.disk, flavor.id
        elif custom is not None:
            sizes.vcpus, sizes.ram, sizes.disk, flavor_id = (
                custom["vcpus"],
                custom["ram"],
                custom["disk"],
                None,
            )
        disk: Mapping[str, int] = fields.get("disk") or {}
        if "size" in disk:
            sizes.disk = disk["size"]
        if sizes.disk < current.disk:
            raise bad_request(
                f"disk cannot shrink: {sizes.disk} GB is less than the current {current.disk} GB"
            )
        return sizes, flavor_id

    def configure(
        self, project_id: str, datastore_id: str, config: Mapping[str, Any] | None, now: datetime
    ) -> Datastore:
        """``PUT .../config``: merge; ``null`` removes a key (back to the default). Values checked (400)."""
        datastore = self.require(project_id, datastore_id, now)
        changes = dict(config or {})
        if changes:
            self.backend.catalog.check_config(datastore.type_id, changes)
        merged = dict(datastore.config)
        for name, value in changes.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        datastore.config = merged
        return self.begin(datastore, "update", now)

    def set_pooler(
        self, project_id: str, datastore_id: str, fields: Mapping[str, Any], now: datetime
    ) -> Datastore:
        """``PUT .../pooler`` (PostgreSQL): given keys change; ``{}`` (a removed block) resets defaults."""
        datastore = self.require(project_id, datastore_id, now, feature="pooler")
        current = datastore.pooler or Pooler()
        datastore.pooler = (
            Pooler(size=fields.get("size", current.size), mode=fields.get("mode", current.mode))
            if fields
            else Pooler()
        )
        return self.begin(datastore, "update", now)

    def set_firewall(
        self, project_id: str, datastore_id: str, ips: Sequence[str] | None, now: datetime
    ) -> Datastore:
        """``PUT .../firewall``: the list replaces the old one (deduplicated); ``[]`` or ``null`` clear it."""
        datastore = self.require(project_id, datastore_id, now)
        unique = list(dict.fromkeys(ips or []))
        if len(unique) > FIREWALL_IPS_MAX:
            raise bad_request(f"firewall takes at most {FIREWALL_IPS_MAX} ips, got {len(unique)}")
        datastore.firewall = unique
        return self.begin(datastore, "update", now)

    def set_password(self, project_id: str, datastore_id: str, password: str, now: datetime) -> Datastore:
        """``PUT .../password`` (Redis): only a salted hash is kept."""
        datastore = self.require(project_id, datastore_id, now, feature="redis_password")
        datastore.redis_password_hash = hash_password(password)
        return self.begin(datastore, "update", now)

    def set_backups(
        self, project_id: str, datastore_id: str, fields: Mapping[str, Any], now: datetime
    ) -> Datastore:
        """``PUT .../backups`` (not Kafka): a new retention; ``{}`` is a no-op update."""
        datastore = self.require(project_id, datastore_id, now, feature="backups")
        if fields.get("backup_retention_days") is not None:
            datastore.backup_retention_days = fields["backup_retention_days"]
        return self.begin(datastore, "update", now)

    def set_security_groups(
        self, project_id: str, datastore_id: str, groups: Sequence[str], now: datetime
    ) -> Datastore:
        """``PUT .../security-groups``: the list replaces the old one; the status does not change.

        Allowed whatever the status (DECISIONS 12: the provider calls it right after another change).
        """
        datastore = self.require(project_id, datastore_id, now, active=False)
        datastore.security_groups = list(dict.fromkeys(groups))
        datastore.updated_at = max(datastore.updated_at, now)
        return datastore

    def set_log_platform(
        self, project_id: str, datastore_id: str, log_group: str | None, now: datetime
    ) -> Datastore:
        """``PUT .../log-platform`` (a group) or ``DELETE .../log-platform`` (``None``): PENDING_UPDATE."""
        datastore = self.require(project_id, datastore_id, now)
        datastore.log_group = log_group
        return self.begin(datastore, "update", now)
