"""Metrics and logs of a datastore: ``.../metrics``, ``.../database-metrics`` and ``.../logs``.

Nothing is stored: series are worked out from a hash of (datastore id, instance IP, metric[, database],
timestamp), so the same window always gives the same values. A window is ``start``/``end`` in unix
seconds (default: the last 10 minutes for metrics, the last hour for logs; ``start > end`` is 400).
Points fall on multiples of the step (60 s, made larger so that a series has at most
:data:`MAX_POINTS` points). One series per instance (metrics), per instance and database (PostgreSQL
database metrics) or per instance with an empty ``db_name`` (MySQL). Shapes: SCHEMAS.md §1.16-1.18,
``samples/derived/exporter_*.shape.response.json``, DESIGN.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from ...calls import Call, Handler, Reply
from ...domain import unsupported
from ...errors import bad_request
from .base import DatastoreBase, disk_used
from .logs import log_entries
from .nodes import seed_of, unit
from .records import Datastore

__all__ = [
    "DATABASE_METRICS",
    "DEFAULT_LOG_LIMIT",
    "HANDLERS",
    "LOGS_WINDOW",
    "MAX_POINTS",
    "METRICS_STEP",
    "METRICS_WINDOW",
    "TelemetryOperations",
    "window",
]

METRICS_STEP = 60
MAX_POINTS = 1000
METRICS_WINDOW = 600
LOGS_WINDOW = 3600
DEFAULT_LOG_LIMIT = 100
_MB = 1024 * 1024
_GB = 1024 * _MB


class Gauge(NamedTuple):
    """A metric's plausible range, how much it moves around its level, and its rounding."""

    low: float
    high: float
    wobble: float = 0.1
    digits: int = 4


_CPU = Gauge(0.5, 85.0, 0.2)
_MEMORY_PERCENT = Gauge(15.0, 80.0, 0.05)

_POSTGRESQL: Mapping[str, Gauge] = {
    "max_tx_duration": Gauge(0.0, 30.0, 0.2, 3),
    "xact_commit_rollback": Gauge(1.0, 405.0, 0.2, 2),
    "xact_commit": Gauge(1.0, 400.0, 0.2, 2),
    "xact_rollback": Gauge(0.0, 5.0, 0.2, 2),
    "tup_deleted": Gauge(0.0, 50.0, 0.2, 2),
    "tup_fetched": Gauge(10.0, 5000.0, 0.2, 2),
    "tup_inserted": Gauge(0.0, 200.0, 0.2, 2),
    "tup_returned": Gauge(50.0, 20000.0, 0.2, 2),
    "tup_updated": Gauge(0.0, 150.0, 0.2, 2),
    "cache_hit_ratio": Gauge(0.9, 1.0, 0.02, 4),
    "deadlocks": Gauge(0.0, 0.6, 0.5, 0),
    "locks": Gauge(0.0, 40.0, 0.2, 0),
    "connections": Gauge(1.0, 100.0, 0.1, 0),
}
_MYSQL: Mapping[str, Gauge] = {
    "total_connections": Gauge(1.0, 150.0, 0.1, 0),
    "commands_total_delete": Gauge(0.0, 50.0, 0.2, 2),
    "commands_total_insert": Gauge(0.0, 200.0, 0.2, 2),
    "commands_total_select": Gauge(10.0, 3000.0, 0.2, 2),
    "commands_total_update": Gauge(0.0, 150.0, 0.2, 2),
    "innodb_buffer_pool_hit_ratio": Gauge(0.95, 1.0, 0.02, 4),
    "slow_queries": Gauge(0.0, 2.0, 0.3, 0),
    "threads_cached": Gauge(0.0, 16.0, 0.1, 0),
    "threads_connected": Gauge(1.0, 100.0, 0.1, 0),
    "threads_running": Gauge(1.0, 16.0, 0.2, 0),
}
#: Database metric keys per engine, with their gauges (SCHEMAS.md §1.17; ``connections`` ours).
DATABASE_METRICS: Mapping[str, Mapping[str, Gauge]] = {
    "postgresql": _POSTGRESQL,
    "mysql": _MYSQL,
    "mysql_native": _MYSQL,
}


def window(query: Mapping[str, Any], now: datetime, default: int) -> tuple[int, int]:
    """``(start, end)`` of the query, by default the ``default`` seconds up to now; 400 if start > end."""
    end = int(query.get("end", int(now.timestamp())))
    start = int(query.get("start", end - default))
    if start > end:
        raise bad_request(f"start ({start}) is after end ({end})")
    return start, end


def timestamps(start: int, end: int) -> tuple[int, list[int]]:
    """The step and the points in ``[start, end]``: multiples of the step (the end alone if none)."""
    step = METRICS_STEP
    span = end - start
    if span // step + 1 > MAX_POINTS:
        step = -(-span // ((MAX_POINTS - 1) * METRICS_STEP)) * METRICS_STEP
    first = -(-start // step) * step
    return step, list(range(first, end + 1, step)) or [end]


def _levels(seed: int, points: Sequence[int], gauge: Gauge, level: float | None = None) -> list[float]:
    """Values of one series: a level of its own plus a wobble at each point, within the gauge."""
    span = gauge.high - gauge.low
    base = gauge.low + span * unit(seed, -1) if level is None else level
    return [
        round(
            min(gauge.high, max(gauge.low, base + span * gauge.wobble * (unit(seed, at) - 0.5))), gauge.digits
        )
        for at in points
    ]


def _series(datastore_id: str, ip: str, points: Sequence[int], values: Sequence[float]) -> dict[str, Any]:
    return {
        "datastore_id": datastore_id,
        "ip": ip,
        "timestamps": list(points),
        "values": list(values),
        "max": max(values),
        "min": min(values),
        "avg": round(sum(values) / len(values), 6),
        "last": values[-1],
    }


def datastore_metrics(datastore: Datastore, databases: int, start: int, end: int) -> dict[str, Any]:
    """``{"step", "memory_percent", "memory_bytes", "cpu", "disk_percent", "disk_bytes"}``."""
    step, points = timestamps(start, end)
    flavor = datastore.flavor
    used = 100.0 * disk_used(datastore, databases) / flavor.disk
    out: dict[str, Any] = {"step": step}
    keys = ("memory_percent", "memory_bytes", "cpu", "disk_percent", "disk_bytes")
    for key in keys:
        out[key] = []
    for instance in datastore.instances:
        seed = seed_of(datastore.id, instance.ip)
        memory = _levels(seed_of(seed, "memory_percent"), points, _MEMORY_PERCENT)
        disk = _levels(seed_of(seed, "disk_percent"), points, Gauge(0.0, 100.0, 0.002), level=used)
        values: dict[str, list[float]] = {
            "memory_percent": memory,
            "memory_bytes": [float(round(p * flavor.ram * _MB / 100)) for p in memory],
            "cpu": _levels(seed_of(seed, "cpu"), points, _CPU),
            "disk_percent": disk,
            "disk_bytes": [float(round(p * flavor.disk * _GB / 100)) for p in disk],
        }
        for key in keys:
            out[key].append(_series(datastore.id, instance.ip, points, values[key]))
    return out


def database_metrics(datastore: Datastore, databases: Sequence[str], start: int, end: int) -> dict[str, Any]:
    """PostgreSQL keys per instance and database, or MySQL keys per instance (``db_name`` empty)."""
    gauges = DATABASE_METRICS.get(datastore.engine)
    if gauges is None:
        raise unsupported("database metrics", datastore.engine)
    _, points = timestamps(start, end)
    names = list(databases) if datastore.engine == "postgresql" else [""]
    out: dict[str, list[dict[str, Any]]] = {key: [] for key in gauges}
    for instance in datastore.instances:
        for name in names:
            for key, gauge in gauges.items():
                values = _levels(seed_of(datastore.id, instance.ip, key, name), points, gauge)
                out[key].append({**_series(datastore.id, instance.ip, points, values), "db_name": name})
    return out


class TelemetryOperations(DatastoreBase):
    """Reads of a datastore's metrics and logs (any status but deleted; not a read of the datastore)."""

    def metrics(
        self, project_id: str, datastore_id: str, query: Mapping[str, Any], now: datetime
    ) -> dict[str, Any]:
        """The instance metrics over the query's window."""
        datastore = self.require(project_id, datastore_id, now, active=False)
        start, end = window(query, now, METRICS_WINDOW)
        return datastore_metrics(datastore, len(self.database_names(datastore, now)), start, end)

    def database_metrics(
        self, project_id: str, datastore_id: str, query: Mapping[str, Any], now: datetime
    ) -> dict[str, Any]:
        """The database metrics over the query's window; 400 for Redis and Kafka."""
        datastore = self.require(project_id, datastore_id, now, active=False)
        start, end = window(query, now, METRICS_WINDOW)
        return database_metrics(datastore, self.database_names(datastore, now), start, end)

    def logs(
        self, project_id: str, datastore_id: str, query: Mapping[str, Any], now: datetime
    ) -> dict[str, Any]:
        """``{"datastore_id", "start", "end", "limit", "entries"}`` for the query's window and filters."""
        datastore = self.require(project_id, datastore_id, now, active=False)
        start, end = window(query, now, LOGS_WINDOW)
        limit = int(query.get("limit", DEFAULT_LOG_LIMIT))
        databases = self.database_names(datastore, now)
        entries = log_entries(datastore, databases, start, end, now, query, limit)
        return {"datastore_id": datastore.id, "start": start, "end": end, "limit": limit, "entries": entries}


def get_datastore_metrics(call: Call) -> Reply:
    """``GET /datastores/{datastore_id}/metrics``."""
    return 200, {
        "metrics": call.backend.datastores.metrics(call.project_id, call.path_id, call.query, call.now)
    }


def get_datastore_database_metrics(call: Call) -> Reply:
    """``GET /datastores/{datastore_id}/database-metrics``."""
    found = call.backend.datastores.database_metrics(call.project_id, call.path_id, call.query, call.now)
    return 200, {"metrics": found}


def get_datastore_logs(call: Call) -> Reply:
    """``GET /datastores/{datastore_id}/logs``."""
    return 200, {"logs": call.backend.datastores.logs(call.project_id, call.path_id, call.query, call.now)}


HANDLERS: dict[str, Handler] = {
    "get_datastore_metrics": get_datastore_metrics,
    "get_datastore_database_metrics": get_datastore_database_metrics,
    "get_datastore_logs": get_datastore_logs,
}
