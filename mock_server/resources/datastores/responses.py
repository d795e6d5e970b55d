"""HTTP handlers of the datastores resource and the datastore as the API shows it.

A datastore has the keys of ``samples/datastore_get.json`` plus ``creation_finished_at``,
``flavor_id``, ``allow_restore``, ``databases_count``, ``topics_count`` and ``disk_used`` (SCHEMAS.md
§1.1); Kafka has no ``backup_retention_days``. Instances have the get sample's keys. Floating-IP and
telemetry handlers live in ``floating_ips.py`` and ``telemetry.py`` and are merged here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...calls import Call, Handler, Reply
from ...clock import format_ts
from ...lifecycle import FAILURE_STATUSES
from .base import disk_used, status_of
from .floating_ips import HANDLERS as FLOATING_IP_HANDLERS
from .nodes import connection
from .records import DELETED, Datastore, Instance
from .telemetry import HANDLERS as TELEMETRY_HANDLERS

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = ["HANDLERS", "datastore_view", "instance_view"]

#: Datastore statuses its instances show too; otherwise instances answer ``ACTIVE`` (the fixtures
#: show ``ACTIVE`` instances even in a ``PENDING_CREATE`` datastore).
_SHARED_STATUSES = frozenset({*FAILURE_STATUSES, DELETED})


def instance_view(instance: Instance, status: str) -> dict[str, Any]:
    """An instance: ``id``, ``ip``, ``floating_ip`` (``null`` if none), ``role``, ``status``, ``hostname``."""
    return {
        "id": instance.id,
        "ip": instance.ip,
        "floating_ip": instance.floating_ip,
        "role": instance.role,
        "status": status if status in _SHARED_STATUSES else "ACTIVE",
        "hostname": instance.hostname,
    }


def datastore_view(backend: Backend, datastore: Datastore, now: datetime) -> dict[str, Any]:
    """A datastore as the API shows it (its status as last brought up to date)."""
    status = status_of(datastore)
    databases = backend.databases.count(datastore.project_id, datastore.id, now)
    finished = datastore.creation_finished_at
    view: dict[str, Any] = {
        "id": datastore.id,
        "created_at": format_ts(datastore.created_at),
        "updated_at": format_ts(datastore.updated_at),
        "creation_finished_at": format_ts(finished) if finished is not None else None,
        "project_id": datastore.project_id,
        "name": datastore.name,
        "status": status,
        "enabled": datastore.enabled,
        "type_id": datastore.type_id,
        "subnet_id": datastore.subnet_id,
        "flavor_id": datastore.flavor_id,
        "node_count": datastore.node_count,
        "is_maintenance": datastore.is_maintenance,
        "is_protected": datastore.is_protected,
        "allow_restore": datastore.allow_restore,
    }
    if datastore.backup_retention_days is not None:
        view["backup_retention_days"] = datastore.backup_retention_days
    flavor = datastore.flavor
    pooler = datastore.pooler
    view.update(
        connection=connection(datastore.id, datastore.node_count - 1),
        flavor={"vcpus": flavor.vcpus, "ram": flavor.ram, "disk": flavor.disk, "disk_type": flavor.disk_type},
        instances=[instance_view(i, status) for i in datastore.instances],
        pooler={"size": pooler.size, "mode": pooler.mode} if pooler is not None else None,
        firewall=[{"ip": ip} for ip in datastore.firewall],
        security_groups=list(datastore.security_groups),
        log_platform={"log_group": datastore.log_group} if datastore.log_group is not None else None,
        config=dict(datastore.config),
        databases_count=databases,
        topics_count=backend.topics.count(datastore.project_id, datastore.id, now),
        disk_used=disk_used(datastore, databases),
    )
    return view


def _answer(call: Call, datastore: Datastore) -> Reply:
    return 200, {"datastore": datastore_view(call.backend, datastore, call.now)}


def list_datastores(call: Call) -> Reply:
    """``GET /datastores``."""
    found = call.backend.datastores.query(call.project_id, call.query, call.now)
    return 200, {"datastores": [datastore_view(call.backend, d, call.now) for d in found]}


def create_datastore(call: Call) -> Reply:
    """``POST /datastores``."""
    return _answer(call, call.backend.datastores.create(call.project_id, call.payload("datastore"), call.now))


def get_datastore(call: Call) -> Reply:
    """``GET /datastores/{datastore_id}``."""
    return _answer(call, call.backend.datastores.get(call.project_id, call.path_id, call.now))


def update_datastore(call: Call) -> Reply:
    """``PUT /datastores/{datastore_id}``: rename."""
    fields = call.payload("datastore")
    return _answer(call, call.backend.datastores.rename(call.project_id, call.path_id, fields, call.now))


def delete_datastore(call: Call) -> Reply:
    """``DELETE /datastores/{datastore_id}``."""
    call.backend.datastores.delete(call.project_id, call.path_id, call.now)
    return 204, None


def resize_datastore(call: Call) -> Reply:
    """``POST /datastores/{datastore_id}/resize``."""
    fields = call.payload("resize")
    return _answer(call, call.backend.datastores.resize(call.project_id, call.path_id, fields, call.now))


def update_datastore_config(call: Call) -> Reply:
    """``PUT /datastores/{datastore_id}/config``."""
    config = call.body.get("config") if isinstance(call.body, dict) else None
    return _answer(call, call.backend.datastores.configure(call.project_id, call.path_id, config, call.now))


def update_datastore_pooler(call: Call) -> Reply:
    """``PUT /datastores/{datastore_id}/pooler``."""
    fields = call.payload("pooler")
    return _answer(call, call.backend.datastores.set_pooler(call.project_id, call.path_id, fields, call.now))


def update_datastore_firewall(call: Call) -> Reply:
    """``PUT /datastores/{datastore_id}/firewall``."""
    ips = call.payload("firewall").get("ips")
    return _answer(call, call.backend.datastores.set_firewall(call.project_id, call.path_id, ips, call.now))


def update_datastore_password(call: Call) -> Reply:
    """``PUT /datastores/{datastore_id}/password`` (the password is never echoed)."""
    password = str(call.payload("password")["redis_password"])
    model = call.backend.datastores
    return _answer(call, model.set_password(call.project_id, call.path_id, password, call.now))


def update_datastore_backups(call: Call) -> Reply:
    """``PUT /datastores/{datastore_id}/backups``."""
    fields = call.payload("backups")
    return _answer(call, call.backend.datastores.set_backups(call.project_id, call.path_id, fields, call.now))


def update_datastore_security_groups(call: Call) -> Reply:
    """``PUT /datastores/{datastore_id}/security-groups`` (body not wrapped)."""
    groups = list(call.body["security_groups"])
    model = call.backend.datastores
    return _answer(call, model.set_security_groups(call.project_id, call.path_id, groups, call.now))


def update_datastore_log_platform(call: Call) -> Reply:
    """``PUT /datastores/{datastore_id}/log-platform`` (body not wrapped)."""
    group = str(call.payload("log_platform")["log_group"])
    model = call.backend.datastores
    return _answer(call, model.set_log_platform(call.project_id, call.path_id, group, call.now))


def delete_datastore_log_platform(call: Call) -> Reply:
    """``DELETE /datastores/{datastore_id}/log-platform``: 204."""
    call.backend.datastores.set_log_platform(call.project_id, call.path_id, None, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_datastores": list_datastores,
    "create_datastore": create_datastore,
    "get_datastore": get_datastore,
    "update_datastore": update_datastore,
    "delete_datastore": delete_datastore,
    "resize_datastore": resize_datastore,
    "update_datastore_backups": update_datastore_backups,
    "update_datastore_config": update_datastore_config,
    "update_datastore_firewall": update_datastore_firewall,
    "update_datastore_password": update_datastore_password,
    "update_datastore_pooler": update_datastore_pooler,
    "update_datastore_security_groups": update_datastore_security_groups,
    "update_datastore_log_platform": update_datastore_log_platform,
    "delete_datastore_log_platform": delete_datastore_log_platform,
    **TELEMETRY_HANDLERS,
    **FLOATING_IP_HANDLERS,
}
