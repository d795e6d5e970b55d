"""The stored objects of the datastores resource: the datastore, its instances, its sizes and pooler.

Only what a client can change or read back is stored; the connection hosts, the instance statuses,
the counters and ``disk_used`` are worked out when a datastore is shown (``responses.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...store import Record

__all__ = [
    "DEFAULT_BACKUP_RETENTION_DAYS",
    "DEFAULT_DISK_TYPE",
    "DEFAULT_POOLER_MODE",
    "DEFAULT_POOLER_SIZE",
    "DELETED",
    "MASTER",
    "REPLICA",
    "Datastore",
    "Instance",
    "Pooler",
    "Sizes",
]

#: The status of a soft-deleted datastore (listed with ``deleted=true`` only; DECISIONS 16).
DELETED = "DELETED"
#: Instance roles (exactly one ``MASTER`` per datastore).
MASTER = "MASTER"
REPLICA = "REPLICA"
#: ``backup_retention_days`` unless given (DECISIONS 5; Kafka has none).
DEFAULT_BACKUP_RETENTION_DAYS = 7
#: ``flavor.disk_type`` unless given (DECISIONS 5).
DEFAULT_DISK_TYPE = "local"
#: PgBouncer defaults of the Terraform provider's docs (PostgreSQL only).
DEFAULT_POOLER_SIZE = 30
DEFAULT_POOLER_MODE = "transaction"


@dataclass(slots=True, kw_only=True)
class Sizes:
    """The datastore's flavor as answered: vCPUs, RAM (MB), disk (GB) and disk type, per node."""

    vcpus: int
    ram: int
    disk: int
    disk_type: str = DEFAULT_DISK_TYPE


@dataclass(slots=True, kw_only=True)
class Pooler:
    """PgBouncer settings of a PostgreSQL datastore."""

    size: int = DEFAULT_POOLER_SIZE
    mode: str = DEFAULT_POOLER_MODE


@dataclass(slots=True, kw_only=True)
class Instance:
    """One node: a private IP, a role, a host name, and a floating IP when one is attached."""

    id: str
    ip: str
    role: str
    hostname: str
    floating_ip: str | None = None


@dataclass(slots=True, kw_only=True)
class Datastore(Record):
    """A managed database cluster (SCHEMAS.md §1.1)."""

    name: str
    #: The engine of ``type_id``, kept so that the engine rules cost nothing to apply.
    engine: str
    type_id: str
    subnet_id: str
    flavor_id: str | None
    flavor: Sizes
    node_count: int
    #: The master first, then the replicas in the order of their ``replica-N`` connection keys.
    instances: list[Instance]
    enabled: bool = True
    is_maintenance: bool = False
    is_protected: bool = False
    allow_restore: bool = True
    backup_retention_days: int | None = DEFAULT_BACKUP_RETENTION_DAYS
    pooler: Pooler | None = None
    #: Allowed source addresses, as given (deduplicated, order kept).
    firewall: list[str] = field(default_factory=list)
    security_groups: list[str] = field(default_factory=list)
    #: The Logs-service group logs are exported to, or ``None`` when the export is off.
    log_group: str | None = None
    #: Only the parameters the user set (DECISIONS 5).
    config: dict[str, Any] = field(default_factory=dict)
    #: When the create phase settled; ``None`` until it is observed settled.
    creation_finished_at: datetime | None = None
    #: The datastore whose backup this one was created from, if any (never answered).
    restored_from: str | None = None
    #: Salted hash of the Redis password (never answered, never in a repr; DECISIONS 6).
    redis_password_hash: str = field(default="", repr=False, compare=False)
