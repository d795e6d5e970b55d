"""Log lines of a datastore's instances (``GET /datastores/{id}/logs``; shape in DESIGN.md).

Lines are not stored: they are worked out from the seeded ids, so the same window gives the same lines.
Time is cut into minutes; in each minute each (instance, job) pair writes a line with a probability
of its job, at a second of that minute, picked from a short list of realistic lines. Lines exist only
between the datastore's creation and now, and for the last :data:`RETENTION_SECONDS` (7 days); lines
of the engine's main job may name one of the datastore's databases. Newest first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ...clock import format_ts
from .nodes import mix, seed_of, unit
from .records import Datastore

__all__ = ["DATABASE_JOBS", "JOBS", "RETENTION_SECONDS", "log_entries"]

#: Log sources per engine (the ``job`` filter), the engine's own first.
JOBS: Mapping[str, tuple[str, ...]] = {
    "postgresql": ("postgresql", "pgbouncer", "patroni"),
    "mysql": ("mysql", "orchestrator"),
    "mysql_native": ("mysql", "orchestrator"),
    "redis": ("redis", "sentinel"),
    "kafka": ("kafka", "zookeeper"),
}
#: Jobs whose lines may name a database.
DATABASE_JOBS = frozenset({"postgresql", "mysql"})
#: How long lines are kept.
RETENTION_SECONDS = 7 * 24 * 3600
_MINUTE = 60

#: The chance that an instance's job writes a line in a given minute.
_RATE: Mapping[str, float] = {
    "postgresql": 0.4,
    "pgbouncer": 0.15,
    "patroni": 0.25,
    "mysql": 0.4,
    "orchestrator": 0.15,
    "redis": 0.3,
    "sentinel": 0.1,
    "kafka": 0.4,
    "zookeeper": 0.15,
}

#: ``(level, message)`` lines per job.
_LINES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "postgresql": (
        ("LOG", "checkpoint starting: time"),
        ("LOG", "checkpoint complete: wrote 118 buffers (0.7%); 0 WAL file(s) added, 0 removed, 1 recycled"),
        ("LOG", "database system is ready to accept connections"),
        ("WARNING", "there is no transaction in progress"),
        ("LOG", 'automatic analyze of table "postgres.pg_catalog.pg_statistic"'),
    ),
    "pgbouncer": (
        ("LOG", "stats: 12 xacts/s, 15 queries/s, in 2048 B/s, out 8192 B/s, xact 850 us, query 420 us"),
        ("LOG", "got SIGHUP, re-reading config"),
        ("WARNING", "pooler error: client_login_timeout (server down)"),
    ),
    "patroni": (
        ("INFO", "no action. I am (leader), the leader with the lock"),
        ("INFO", "no action. I am a secondary and i am following a leader"),
        ("WARNING", "Request failed to leader: timeout, retrying"),
    ),
    "mysql": (
        ("System", "[Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'"),
        ("Note", "[Server] Aborted connection 4211 (Got timeout reading communication packets)"),
        ("Warning", "[Server] Plugin mysql_native_password reported: 'deprecated'"),
    ),
    "orchestrator": (
        ("INFO", "auditType:refresh-topology instance:3306 cluster:main"),
        ("WARNING", "Unable to determine cluster name for 3306: retrying"),
    ),
    "redis": (
        ("notice", "Background saving started by pid 4211"),
        ("notice", "DB saved on disk"),
        ("warning", "Client id=42 addr=10.0.0.5:51234 closed for overcoming of output buffer limits."),
    ),
    "sentinel": (
        ("notice", "+sdown slave 10.0.0.7:6379 10.0.0.7 6379 @ mymaster"),
        ("notice", "+reboot master mymaster 10.0.0.5 6379"),
    ),
    "kafka": (
        ("INFO", "[Log partition=__consumer_offsets-12] Rolled new log segment at offset 4211"),
        ("INFO", "[GroupCoordinator 1]: Stabilized group app generation 7"),
        ("WARN", "[ReplicaFetcher replicaId=1, leaderId=2] Connection to node 2 was disconnected"),
    ),
    "zookeeper": (
        ("INFO", "Processing srvr command from /127.0.0.1:40312"),
        ("WARN", "Unable to read additional data from client, it probably closed the socket"),
    ),
}
#: Lines naming a database (``{database}``), for :data:`DATABASE_JOBS`.
_DATABASE_LINES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "postgresql": (
        ("LOG", 'automatic vacuum of table "{database}.public.orders": index scans: 1'),
        ("ERROR", 'relation "orders" does not exist at character 15 (database {database})'),
        ("LOG", "duration: 1532.417 ms  statement: SELECT count(*) FROM events (database {database})"),
    ),
    "mysql": (
        (
            "Warning",
            "[Server] Aborted connection 4212 to db: '{database}' user: 'app' (Got an error reading packets)",
        ),
        ("Note", "[Server] Slow query on '{database}': SELECT * FROM orders WHERE total > 100 (2.31 s)"),
    ),
}


def _names(text: str | None) -> set[str]:
    """A comma-separated filter as a set (empty when absent)."""
    return {part.strip() for part in (text or "").split(",") if part.strip()}


def _entry(
    datastore: Datastore,
    ip: str,
    hostname: str,
    job: str,
    at: int,
    pick: int,
    databases: Sequence[str],
) -> dict[str, Any]:
    database: str | None = None
    lines = _LINES[job]
    if job in DATABASE_JOBS and databases and pick & 1:
        database = databases[(pick >> 8) % len(databases)]
        lines = _DATABASE_LINES[job]
    level, message = lines[(pick >> 16) % len(lines)]
    return {
        "timestamp": format_ts(datetime.fromtimestamp(at, UTC)),
        "job": job,
        "ip": ip,
        "hostname": hostname,
        "database": database,
        "level": level,
        "message": message.format(database=database),
    }


def log_entries(
    datastore: Datastore,
    databases: Sequence[str],
    start: int,
    end: int,
    now: datetime,
    query: Mapping[str, Any],
    limit: int,
) -> list[dict[str, Any]]:
    """The lines in ``[start, end]`` matching the ``job``, ``ips`` and ``databases`` filters, newest first."""
    jobs = [j for j in JOBS[datastore.engine] if query.get("job") in (None, j)]
    wanted_ips = _names(query.get("ips"))
    wanted_databases = _names(query.get("databases"))
    if wanted_databases:
        jobs = [j for j in jobs if j in DATABASE_JOBS]
    sources = [
        (instance.ip, instance.hostname, job, seed_of("logs", datastore.id, instance.id, job))
        for instance in datastore.instances
        if not wanted_ips or instance.ip in wanted_ips
        for job in jobs
    ]
    now_ts = int(now.timestamp())
    low = max(start, int(datastore.created_at.timestamp()), now_ts - RETENTION_SECONDS)
    high = min(end, now_ts)
    out: list[dict[str, Any]] = []
    minute = high // _MINUTE
    while sources and minute * _MINUTE + _MINUTE > low and len(out) < limit:
        batch: list[tuple[int, dict[str, Any]]] = []
        for ip, host, job, seed in sources:
            if unit(seed, minute) >= _RATE[job]:
                continue
            pick = mix(seed ^ 0x5EED, minute)
            at = minute * _MINUTE + pick % _MINUTE
            if not low <= at <= high:
                continue
            entry = _entry(datastore, ip, host, job, at, pick, databases)
            if wanted_databases and entry["database"] not in wanted_databases:
                continue
            batch.append((at, entry))
        batch.sort(key=lambda item: (-item[0], item[1]["ip"], item[1]["job"]))
        out.extend(entry for _, entry in batch[: limit - len(out)])
        minute -= 1
    return out
