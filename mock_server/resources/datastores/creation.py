"""The rules of ``POST /datastores``: every check, in order, before anything changes.

:func:`plan_create` reads the request and the state and returns a :class:`CreatePlan` (or raises);
it draws no id and changes nothing, so a refused create leaves the fake exactly as it was (the seeded
id sequence included). Order: project (400), type (404), engine applicability (400), node count (400),
flavor (400/404), Redis password (400), disk (400), floating IPs (400), config (400), restore source
(404/400), name (409), quotas (409).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ...clock import format_ts, parse_ts
from ...domain import FEATURES, node_count_error, require_feature
from ...errors import ApiError, bad_request, not_found
from ..users.models import hash_password
from .base import DatastoreBase, not_found_as_given
from .nodes import canonical_id
from .records import DEFAULT_BACKUP_RETENTION_DAYS, DEFAULT_DISK_TYPE, Pooler, Sizes

if TYPE_CHECKING:
    from ..catalog.records import Flavor

__all__ = ["CreatePlan", "catalog_flavor", "engine_of_type", "plan_create"]

#: Create fields and the ``domain.FEATURES`` key that must apply to the engine when they are given.
_FEATURE_FIELDS = (
    ("pooler", "pooler"),
    ("redis_password", "redis_password"),
    ("restore", "restore"),
    ("floating_ips", "floating_ips"),
    ("backup_retention_days", "backups"),
)
#: The engine whose datastores take a flavor id only, and the one that may get both kinds.
_FLAVOR_ID_ONLY = "redis"
_EITHER_OR_BOTH = "kafka"


@dataclass(frozen=True, slots=True)
class CreatePlan:
    """Everything a new datastore is made of, checked."""

    name: str
    engine: str
    type_id: str
    subnet_id: str
    flavor_id: str | None
    sizes: Sizes
    node_count: int
    backup_retention_days: int | None
    allow_restore: bool
    pooler: Pooler | None
    config: dict[str, Any]
    security_groups: list[str]
    log_group: str | None
    restored_from: str | None
    redis_password_hash: str
    floating_master: bool
    floating_replicas: int


def engine_of_type(model: DatastoreBase, given: str) -> tuple[str, str]:
    """``(type id as stored, engine)``; 404 ``datastoretype <id> not found.`` worded as sent."""
    type_id = canonical_id(given)
    try:
        return type_id, model.backend.catalog.engine_of(type_id)
    except ApiError as error:
        raise not_found_as_given("datastoretype", given, error) from None


def catalog_flavor(model: DatastoreBase, given: str, type_id: str) -> Flavor:
    """The flavor ``given``: 404 when unknown, 400 when it does not serve datastore type ``type_id``."""
    try:
        flavor = model.backend.catalog.flavor(canonical_id(given))
    except ApiError as error:
        raise not_found_as_given("flavor", given, error) from None
    if type_id not in flavor.datastore_type_ids:
        raise bad_request(f"flavor {given} is not available for datastore type {type_id}")
    return flavor


def _same_project(given: str, project_id: str) -> bool:
    return canonical_id(given).replace("-", "") == canonical_id(project_id).replace("-", "")


def _sizes(
    model: DatastoreBase, engine: str, type_id: str, fields: Mapping[str, Any]
) -> tuple[Sizes, str | None]:
    """The flavor of the new datastore and its ``flavor_id`` (``None`` for a custom flavor)."""
    custom: Mapping[str, Any] | None = fields.get("flavor")
    given_id: str | None = fields.get("flavor_id")
    if engine == _FLAVOR_ID_ONLY:
        if given_id is None:
            raise bad_request(f"flavor_id is required for datastores of engine {engine}")
        if custom is not None:
            raise bad_request(f"flavor is not supported for datastores of engine {engine}: give flavor_id")
    elif custom is not None and given_id is not None and engine != _EITHER_OR_BOTH:
        raise bad_request("give either flavor or flavor_id, not both")
    elif custom is None and given_id is None:
        raise bad_request("one of flavor or flavor_id is required")
    disk_type = str((custom or {}).get("disk_type", DEFAULT_DISK_TYPE))
    if given_id is None:
        assert custom is not None
        return Sizes(vcpus=custom["vcpus"], ram=custom["ram"], disk=custom["disk"], disk_type=disk_type), None
    flavor = catalog_flavor(model, given_id, type_id)
    if custom is not None and (custom["vcpus"], custom["ram"], custom["disk"]) != (
        flavor.vcpus,
        flavor.ram,
        flavor.disk,
    ):
        raise bad_request(f"flavor does not match flavor_id {given_id}")
    return Sizes(vcpus=flavor.vcpus, ram=flavor.ram, disk=flavor.disk, disk_type=disk_type), flavor.id


def _apply_disk(sizes: Sizes, fields: Mapping[str, Any]) -> None:
    """``disk.type`` sets the disk type (it must agree with ``flavor.disk_type``), ``disk.size`` the GB."""
    disk: Mapping[str, Any] = fields.get("disk") or {}
    custom: Mapping[str, Any] = fields.get("flavor") or {}
    if "type" in disk:
        if "disk_type" in custom and custom["disk_type"] != disk["type"]:
            raise bad_request(
                f"disk.type '{disk['type']}' does not match flavor.disk_type '{custom['disk_type']}'"
            )
        sizes.disk_type = disk["type"]
    if "size" in disk:
        sizes.disk = disk["size"]


def _restore_source(
    model: DatastoreBase, project_id: str, engine: str, restore: Mapping[str, Any], now: datetime
) -> str:
    """The id of the datastore whose backup is restored (soft-deleted ones keep their backups)."""
    given = restore["datastore_id"]
    source = model.table.find(canonical_id(given), project_id)
    if source is None:
        raise not_found("datastore", given)
    if source.engine != engine:
        raise bad_request(
            f"restore.datastore_id {given} is a datastore of engine {source.engine}, not {engine}"
        )
    if not source.allow_restore or source.backup_retention_days is None:
        raise bad_request(f"datastore {given} has no backups to restore")
    target = restore.get("target_time")
    if target is not None:
        try:
            moment = parse_ts(target)
        except ValueError:
            raise bad_request(f"restore.target_time '{target}' is not a timestamp") from None
        earliest = max(source.created_at, now - timedelta(days=source.backup_retention_days))
        if not earliest <= moment <= now:
            raise bad_request(
                f"restore.target_time must be between {format_ts(earliest)} and {format_ts(now)}"
            )
    return source.id


def plan_create(
    model: DatastoreBase, project_id: str, fields: Mapping[str, Any], now: datetime
) -> CreatePlan:
    """Check a ``DatastoreCreate`` body against the rules and the state; raise the first failure."""
    given_project = fields.get("project_id")
    if given_project is not None and not _same_project(given_project, project_id):
        raise bad_request(f"project_id {given_project} does not match the token's project")
    type_id, engine = engine_of_type(model, fields["type_id"])
    for name, feature in _FEATURE_FIELDS:
        if fields.get(name) is not None:
            require_feature(feature, engine)
    node_count: int = fields["node_count"]
    problem = node_count_error(engine, node_count)
    if problem is not None:
        raise problem
    sizes, flavor_id = _sizes(model, engine, type_id, fields)
    password: str | None = fields.get("redis_password")
    if engine == _FLAVOR_ID_ONLY and password is None:
        raise bad_request(f"redis_password is required for datastores of engine {engine}")
    _apply_disk(sizes, fields)
    floating: Mapping[str, int] = fields.get("floating_ips") or {}
    replicas = floating.get("replica", 0)
    if replicas > node_count - 1:
        raise bad_request(
            f"floating_ips.replica must be at most {node_count - 1} (node_count - 1), got {replicas}"
        )
    config = {k: v for k, v in (fields.get("config") or {}).items() if v is not None}
    if config:
        model.backend.catalog.check_config(type_id, config)
    restore: Mapping[str, Any] | None = fields.get("restore")
    restored_from = _restore_source(model, project_id, engine, restore, now) if restore else None
    model.check_name(project_id, fields["name"], now)
    model.backend.quotas.check(
        project_id,
        datastores=1,
        nodes=node_count,
        vcpus=sizes.vcpus * node_count,
        ram=sizes.ram * node_count,
        disk=sizes.disk * node_count,
        now=now,
    )
    floating_master = floating.get("master", 0) == 1
    model.check_floating_left(int(floating_master) + replicas)
    pooler: Mapping[str, Any] = fields.get("pooler") or {}
    has_backups = engine in FEATURES["backups"]
    return CreatePlan(
        name=fields["name"],
        engine=engine,
        type_id=type_id,
        subnet_id=fields["subnet_id"],
        flavor_id=flavor_id,
        sizes=sizes,
        node_count=node_count,
        backup_retention_days=(fields.get("backup_retention_days") or DEFAULT_BACKUP_RETENTION_DAYS)
        if has_backups
        else None,
        allow_restore=engine in FEATURES["restore"],
        pooler=Pooler(**pooler) if engine in FEATURES["pooler"] else None,
        config=config,
        security_groups=list(dict.fromkeys(fields.get("security_groups") or [])),
        log_group=(fields.get("log_platform") or {}).get("log_group"),
        restored_from=restored_from,
        redis_password_hash=hash_password(password) if password is not None else "",
        floating_master=floating_master,
        floating_replicas=replicas,
    )
