"""Floating IPs: ``POST /floating-ips`` attaches one to an instance, ``DELETE /floating-ips`` detaches it.

The instance (``{"floating_ip": {"instance_id"}}``) must be a node of a datastore of the caller's
project (404 ``instance <id> not found.``, SDK fixture), not Kafka (400), ``ACTIVE`` (409); attaching
to an instance that has one, or detaching from one that has none, is 409. The datastore goes
``PENDING_UPDATE``; both calls answer 204 without a body (DECISIONS 2). The Terraform provider waits
for ``ACTIVE`` after each call (BEHAVIOUR.md §6.2).
"""

from __future__ import annotations

from datetime import datetime

from ...calls import Call, Handler, Reply
from ...errors import conflict, not_found
from .base import DatastoreBase, absent
from .nodes import canonical_id
from .records import Datastore, Instance

__all__ = ["HANDLERS", "FloatingIpOperations"]


class FloatingIpOperations(DatastoreBase):
    """Attaching and detaching floating IPs."""

    def _instance(self, project_id: str, instance_id: str, now: datetime) -> tuple[Datastore, Instance]:
        """The instance and its datastore: 404, then 400 for Kafka, then 409 unless ``ACTIVE``."""
        datastore = self.datastore_of_instance(project_id, instance_id)
        key = canonical_id(instance_id)
        instance = (
            next((i for i in datastore.instances if i.id == key), None) if datastore is not None else None
        )
        if datastore is None or instance is None or absent(self.table.status(datastore, now)):
            raise not_found("instance", instance_id)
        self.require(project_id, datastore.id, now, feature="floating_ips")
        return datastore, instance

    def attach_floating_ip(self, project_id: str, instance_id: str, now: datetime) -> Datastore:
        """Give the instance a floating IP (409 if it has one); the datastore goes ``PENDING_UPDATE``."""
        datastore, instance = self._instance(project_id, instance_id, now)
        if instance.floating_ip is not None:
            raise conflict(f"instance {instance_id} already has a floating IP ({instance.floating_ip}).")
        self.check_floating_left(1)
        self.attach(instance)
        return self.begin(datastore, "update", now)

    def detach_floating_ip(self, project_id: str, instance_id: str, now: datetime) -> Datastore:
        """Take the instance's floating IP away (409 if it has none); the datastore goes PENDING_UPDATE."""
        datastore, instance = self._instance(project_id, instance_id, now)
        if instance.floating_ip is None:
            raise conflict(f"instance {instance_id} has no floating IP.")
        self.detach(instance)
        return self.begin(datastore, "update", now)


def _instance_id(call: Call) -> str:
    return str(call.payload("floating_ip")["instance_id"])


def create_floating_ip(call: Call) -> Reply:
    """``POST /floating-ips``."""
    call.backend.datastores.attach_floating_ip(call.project_id, _instance_id(call), call.now)
    return 204, None


def delete_floating_ip(call: Call) -> Reply:
    """``DELETE /floating-ips``."""
    call.backend.datastores.detach_floating_ip(call.project_id, _instance_id(call), call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "create_floating_ip": create_floating_ip,
    "delete_floating_ip": delete_floating_ip,
}
