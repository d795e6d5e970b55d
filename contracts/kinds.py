"""What the kit knows about each kind of object of the API: wrappers, 404 wording, waiters, parents.

One immutable table (:data:`KINDS`) drives the waiters, the ledger, the teardown order, the inventory
and the 404-wording check, so that the knowledge lives in one place. The waiter figures are the
Terraform provider's (``BEHAVIOUR.md`` §2): ``min_timeout`` before the first re-poll of an ACTIVE
waiter, ``delete_min_timeout`` for the delete waiter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = [
    "ACTION_STATUSES",
    "CREATE_PENDING",
    "DATASTORE_PENDING",
    "KINDS",
    "KINDS_BY_COLLECTION",
    "REFERENCE_ENTITIES",
    "STATUSES",
    "TEARDOWN_ORDER",
    "Kind",
    "child_name_prefix",
]

#: The ten statuses of datastores, instances and sub-resources (SDK ``Status`` constants).
STATUSES: Final = frozenset(
    {
        "ACTIVE",
        "DELETED",
        "DEGRADED",
        "DISK_FULL",
        "ERROR",
        "PENDING_CREATE",
        "PENDING_UPDATE",
        "PENDING_DELETE",
        "DOWN",
        "RESIZING",
    }
)
#: The statuses of an action (``docs/DESIGN.md``).
ACTION_STATUSES: Final = frozenset({"PENDING", "SUCCESS", "ERROR"})
#: Pending set of every sub-resource ACTIVE waiter.
CREATE_PENDING: Final = frozenset({"PENDING_CREATE", "PENDING_UPDATE"})
#: Pending set of the datastore ACTIVE waiter.
DATASTORE_PENDING: Final = frozenset({"PENDING_CREATE", "PENDING_UPDATE", "RESIZING"})


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of object: where it lives, how it is wrapped, how to wait for it."""

    name: str
    collection: str
    wrapper: str
    list_wrapper: str
    entity: str
    #: Whether objects carry a lifecycle ``status`` (and so an ACTIVE waiter applies).
    has_status: bool = True
    pending: frozenset[str] = CREATE_PENDING
    min_timeout: float = 10.0
    delete_min_timeout: float = 15.0
    #: Body fields naming objects this one lives in (ownership-sensitive references).
    parents: tuple[str, ...] = ()
    #: Whether the object belongs to the shared catalogue (admin-managed) rather than a project.
    catalogue: bool = False
    #: Whether the API can create it (``False`` for read-only kinds).
    creatable: bool = True
    #: Whether names must match ``^[A-Za-z_][A-Za-z0-9_]*$`` (no hyphen in the run prefix).
    identifier_names: bool = False

    def path(self, object_id: str) -> str:
        """The object's path relative to ``/v1``."""
        return f"/{self.collection}/{object_id}"


def _kinds() -> tuple[Kind, ...]:
    return (
        Kind(
            "datastore",
            "datastores",
            "datastore",
            "datastores",
            "datastore",
            pending=DATASTORE_PENDING,
            min_timeout=20.0,
            delete_min_timeout=20.0,
        ),
        Kind(
            "database",
            "databases",
            "database",
            "databases",
            "database",
            delete_min_timeout=15.0,
            parents=("datastore_id", "owner_id"),
            identifier_names=True,
        ),
        Kind(
            "user",
            "users",
            "user",
            "users",
            "user",
            delete_min_timeout=15.0,
            parents=("datastore_id",),
            identifier_names=True,
        ),
        Kind(
            "grant",
            "grants",
            "grant",
            "grants",
            "grant",
            delete_min_timeout=20.0,
            parents=("datastore_id", "database_id", "user_id"),
        ),
        Kind(
            "extension",
            "extensions",
            "extension",
            "extensions",
            "extension",
            min_timeout=15.0,
            delete_min_timeout=20.0,
            parents=("datastore_id", "database_id"),
        ),
        Kind(
            "logical_replication_slot",
            "logical-replication-slots",
            "logical-replication-slot",
            "logical-replication-slots",
            "logicalreplicationslot",
            min_timeout=15.0,
            delete_min_timeout=20.0,
            parents=("datastore_id", "database_id"),
        ),
        Kind(
            "topic",
            "topics",
            "topic",
            "topics",
            "topic",
            min_timeout=20.0,
            delete_min_timeout=20.0,
            parents=("datastore_id",),
        ),
        Kind(
            "acl",
            "acls",
            "acl",
            "acls",
            "acl",
            min_timeout=15.0,
            delete_min_timeout=20.0,
            parents=("datastore_id", "user_id"),
        ),
        Kind(
            "prometheus_metrics_token",
            "prometheus-metrics-tokens",
            "prometheus-metrics-token",
            "prometheus-metrics-tokens",
            "prometheusmetrictoken",
            has_status=False,
            delete_min_timeout=10.0,
        ),
        Kind(
            "flavor",
            "flavors",
            "flavor",
            "flavors",
            "flavor",
            has_status=False,
            delete_min_timeout=10.0,
            catalogue=True,
        ),
        Kind(
            "available_extension",
            "available-extensions",
            "available-extension",
            "available-extensions",
            "availableextension",
            has_status=False,
            delete_min_timeout=10.0,
            catalogue=True,
        ),
        Kind(
            "configuration_parameter",
            "configuration-parameters",
            "configuration-parameter",
            "configuration-parameters",
            "configurationparameter",
            has_status=False,
            delete_min_timeout=10.0,
            catalogue=True,
        ),
        Kind(
            "datastore_type",
            "datastore-types",
            "datastore-type",
            "datastore-types",
            "datastoretype",
            has_status=False,
            catalogue=True,
            creatable=False,
        ),
        Kind("action", "actions", "action", "actions", "action", has_status=False, creatable=False),
    )


#: Every kind by name.
KINDS: Final[Mapping[str, Kind]] = MappingProxyType({kind.name: kind for kind in _kinds()})
#: Every kind by its collection (the first path segment).
KINDS_BY_COLLECTION: Final[Mapping[str, Kind]] = MappingProxyType(
    {kind.collection: kind for kind in KINDS.values()}
)

#: Deletion order: what depends on something goes before it (a user who owns a database cannot go
#: before the database; datastores take their children with them; the catalogue goes last).
TEARDOWN_ORDER: Final = (
    "acl",
    "grant",
    "extension",
    "logical_replication_slot",
    "topic",
    "database",
    "user",
    "datastore",
    "prometheus_metrics_token",
    "configuration_parameter",
    "available_extension",
    "flavor",
)

#: Body fields that name another object, and that object's 404 entity word (DECISIONS 10).
REFERENCE_ENTITIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "datastore_id": "datastore",
        "database_id": "database",
        "user_id": "user",
        "owner_id": "user",
        "instance_id": "instance",
        "available_extension_id": "availableextension",
        "type_id": "datastoretype",
        "datastore_type_id": "datastoretype",
        "datastore_type_ids": "datastoretype",
        "dependency_ids": "availableextension",
        "flavor_id": "flavor",
    }
)


def child_name_prefix(prefix: str) -> str:
    """The run prefix as allowed in identifier-like names (``ct-1a2b-`` -> ``ct_1a2b_``)."""
    return prefix.replace("-", "_")
