"""Per-project quotas and the per-engine limits the fake enforces (DESIGN.md, DECISIONS 13).

Quotas: limits come from ``backend.config.quotas``; usage is what the project's datastores that are
not (soft-)deleted add up to: their count, their nodes, and per node the flavor's vCPUs, RAM (MB) and
disk (GB) times the node count. A ledger follows the datastores' table (its ``on_change``), so a
create in a project of 100,000 datastores checks its quota without walking them; reading the usage
first brings the project's pending datastores up to date (a delete that completed frees its share).

Limits: the same for every project; the bounds the fake's spec and models enforce.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...domain import NODE_COUNTS
from ...errors import ApiError, conflict
from ...lifecycle import GONE
from ..topics.models import PARTITIONS_MAX, PARTITIONS_MIN

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = [
    "DATASTORE_NAME_LENGTH",
    "FIREWALL_IPS_MAX",
    "POOLER_SIZE",
    "QUOTA_NAMES",
    "QuotaModel",
    "Usage",
    "limits",
    "quota_exceeded",
]

#: The quotas, in the order they are checked.
QUOTA_NAMES = ("datastores", "nodes", "vcpus", "ram", "disk")
#: Bounds of a pooler's ``size`` (the spec enforces them).
POOLER_SIZE = (1, 500)
#: Most firewall entries of a datastore.
FIREWALL_IPS_MAX = 100
#: Bounds of a datastore's ``name`` length (the spec enforces them).
DATASTORE_NAME_LENGTH = (1, 255)
#: Statuses of datastores that no longer count.
_GONE_STATUSES = frozenset({"DELETED", GONE})


@dataclass(frozen=True, slots=True)
class Usage:
    """What a project uses: datastores, nodes, vCPUs, RAM (MB), disk (GB)."""

    datastores: int = 0
    nodes: int = 0
    vcpus: int = 0
    ram: int = 0
    disk: int = 0

    def as_dict(self) -> dict[str, int]:
        """``{quota name: amount}`` in :data:`QUOTA_NAMES` order."""
        return {name: int(getattr(self, name)) for name in QUOTA_NAMES}


def quota_exceeded(quota: str, requested: int, used: int, limit: int) -> ApiError:
    """409 ``Quota exceeded: <quota> (requested <n>, used <u>, limit <l>)``."""
    return conflict(f"Quota exceeded: {quota} (requested {requested}, used {used}, limit {limit})")


def _size(flavor: Any, name: str) -> int:
    value = flavor.get(name) if isinstance(flavor, Mapping) else getattr(flavor, name, 0)
    return int(value or 0)


def _share(datastore: Any) -> tuple[int, ...]:
    """What one datastore uses, in :data:`QUOTA_NAMES` order."""
    nodes = int(datastore.node_count)
    flavor = datastore.flavor
    return (1, nodes, *(_size(flavor, name) * nodes for name in ("vcpus", "ram", "disk")))


class QuotaModel:
    """Quota limits and usage of every project."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        #: Project id -> what its counted datastores use, in :data:`QUOTA_NAMES` order.
        self._used: dict[str, list[int]] = {}
        #: Datastore id -> its share as counted in :attr:`_used` (datastores that count only).
        self._counted: dict[str, tuple[int, ...]] = {}
        table = backend.datastores.table
        table.on_change = self._follow
        for datastore in table.all():
            self._follow(datastore)

    def _follow(self, datastore: Any) -> None:
        """Recount one datastore's share after any change of it."""
        table = self.backend.datastores.table
        life = datastore.life
        counts = table.find(datastore.id) is datastore and (life is None or life.status not in _GONE_STATUSES)
        share = _share(datastore) if counts else None
        before = self._counted.pop(datastore.id, None)
        totals = self._used.setdefault(datastore.project_id, [0] * len(QUOTA_NAMES))
        if before is not None:
            for index, amount in enumerate(before):
                totals[index] -= amount
        if share is not None:
            self._counted[datastore.id] = share
            for index, amount in enumerate(share):
                totals[index] += amount

    def limits(self) -> dict[str, int]:
        """The limit of each quota (``backend.config.quotas``)."""
        configured = self.backend.config.quotas
        return {name: int(configured.get(name, 0)) for name in QUOTA_NAMES}

    def usage(self, project_id: str, now: datetime | None = None) -> Usage:
        """What the project's datastores not deleted use now (statuses brought up to date if ``now``)."""
        if now is not None:
            table = self.backend.datastores.table
            for datastore in table.pending(project_id):
                table.status(datastore, now)  # a change of status reaches the ledger through _follow
        return Usage(*self._used.get(project_id, ()))

    def check(
        self,
        project_id: str,
        datastores: int = 0,
        nodes: int = 0,
        vcpus: int = 0,
        ram: int = 0,
        disk: int = 0,
        *,
        now: datetime | None = None,
    ) -> None:
        """409 for the first quota (datastores, nodes, vcpus, ram, disk) the request would exceed.

        The amounts are what the call adds (a resize passes the growth); zero or less never fails.
        """
        requested = {"datastores": datastores, "nodes": nodes, "vcpus": vcpus, "ram": ram, "disk": disk}
        if all(amount <= 0 for amount in requested.values()):
            return
        used = self.usage(project_id, now).as_dict()
        for name, limit in self.limits().items():
            amount = requested[name]
            if amount > 0 and used[name] + amount > limit:
                raise quota_exceeded(name, amount, used[name], limit)

    def report(self, project_id: str, now: datetime) -> dict[str, dict[str, int]]:
        """``{quota: {"limit", "used"}}`` for ``GET /quotas``."""
        used = self.usage(project_id, now).as_dict()
        return {name: {"limit": limit, "used": used[name]} for name, limit in self.limits().items()}


def limits() -> dict[str, Any]:
    """The bounds the fake enforces, the same for every project (``GET /limits``)."""
    return {
        "node_count": {
            engine: {"min": min(allowed), "max": max(allowed), "allowed": list(allowed)}
            for engine, allowed in NODE_COUNTS.items()
        },
        "topic_partitions": {"min": PARTITIONS_MIN, "max": PARTITIONS_MAX},
        "pooler_size": {"min": POOLER_SIZE[0], "max": POOLER_SIZE[1]},
        "firewall_ips": {"max": FIREWALL_IPS_MAX},
        "datastore_name_length": {"min": DATASTORE_NAME_LENGTH[0], "max": DATASTORE_NAME_LENGTH[1]},
    }
