"""The seeded configuration parameters of each datastore type (real names, units and bounds).

Values follow the engines' documentation and the evidence (``work_mem`` and ``session_replication_role``
as the provider's acceptance test reads them on PostgreSQL 12; ``temp_file_limit``, ``concurrent_insert``
and ``thread_pool_size`` as the SDK's fixtures show them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = ["ParamSpec", "parameters_of"]

_INT64 = 9223372036854775807
_INT32 = 2147483647


class ParamSpec(NamedTuple):
    """One parameter as seeded; ``choices``/``invalid_values`` ``None`` when there are none."""

    name: str
    type: str
    unit: str = ""
    min: int | float | None = None
    max: int | float | None = None
    default: Any = None
    choices: tuple[Any, ...] | None = None
    invalid_values: tuple[Any, ...] | None = None
    restart: bool = False
    changeable: bool = True
    can_be_empty: bool = False
    multiple: bool = False


def _int(
    name: str, lo: int, hi: int, default: int | None, unit: str = "", *, restart: bool = False, **kw: Any
) -> ParamSpec:
    return ParamSpec(name, "int", unit, lo, hi, default, restart=restart, **kw)


def _float(name: str, lo: float, hi: float, default: float | None, unit: str = "", **kw: Any) -> ParamSpec:
    return ParamSpec(name, "float", unit, lo, hi, default, **kw)


def _str(name: str, choices: tuple[str, ...] | None, default: str | None, **kw: Any) -> ParamSpec:
    return ParamSpec(name, "str", "", None, None, default, choices, **kw)


def _bool(name: str, default: bool | None, **kw: Any) -> ParamSpec:
    return ParamSpec(name, "bool", "", None, None, default, **kw)


_POSTGRESQL: tuple[ParamSpec, ...] = (
    _int("work_mem", 64, _INT32, 32768, "kB"),
    _int("maintenance_work_mem", 1024, _INT32, 65536, "kB"),
    _int("temp_file_limit", -1, _INT32, -1, "kB"),
    _int("max_connections", 10, 10000, 100, restart=True),
    _int("max_locks_per_transaction", 10, _INT32, 64, restart=True),
    _int("max_prepared_transactions", 0, 262143, 0, restart=True),
    _int("shared_buffers", 16, 1073741823, None, "8kB", restart=True, changeable=False),
    _int("effective_cache_size", 1, _INT32, None, "8kB", changeable=False),
    _int("statement_timeout", 0, _INT32, 0, "ms"),
    _int("lock_timeout", 0, _INT32, 0, "ms"),
    _int("idle_in_transaction_session_timeout", 0, _INT32, 0, "ms"),
    _int("deadlock_timeout", 1, _INT32, 1000, "ms"),
    _int("log_min_duration_statement", -1, _INT32, -1, "ms"),
    _int("default_statistics_target", 1, 10000, 100),
    _int("max_parallel_workers_per_gather", 0, 1024, 2),
    _int("max_wal_size", 2, _INT32, 1024, "MB"),
    _float("vacuum_cost_delay", 0, 100, 2, "ms"),
    _float("random_page_cost", 0, 1000, 4),
    _float("checkpoint_completion_target", 0, 1, 0.9),
    _str("session_replication_role", ("origin", "replica", "local"), "origin"),
    _str("xmloption", ("content", "document"), "content"),
    _str("synchronous_commit", ("on", "off", "local", "remote_write", "remote_apply"), "on"),
    _str("bytea_output", ("hex", "escape"), "hex"),
    _str("wal_level", ("replica", "logical"), "logical", restart=True, changeable=False),
    _str("search_path", None, '"$user", public', can_be_empty=True),
    _bool("transform_null_equals", False),
    _bool("jit", True),
    _bool("track_io_timing", False),
    _bool("fsync", True, changeable=False),
)
_POSTGRESQL_EXTRA: Mapping[str, tuple[ParamSpec, ...]] = {
    "14-1C": (
        _bool("online_analyze.enable", True),
        _int("online_analyze.threshold", 0, _INT32, 50),
    ),
    "14-TimescaleDB": (
        _int("timescaledb.max_background_workers", 0, 1000, 16, restart=True),
        _str("timescaledb.telemetry_level", ("off", "no_functions", "basic"), "basic", changeable=False),
    ),
}

_MYSQL: tuple[ParamSpec, ...] = (
    _str(
        "innodb_checksum_algorithm",
        ("crc32", "strict_crc32", "innodb", "strict_innodb", "none", "strict_none"),
        "crc32",
    ),
    _int("auto_increment_offset", 1, 65535, 1),
    _int("auto_increment_increment", 1, 65535, 1),
    _bool("autocommit", True),
    _str("concurrent_insert", ("NEVER", "AUTO", "ALWAYS", "0", "1", "2"), "AUTO", invalid_values=("0",)),
    _int("thread_pool_size", 1, 64, None, restart=True),
    _int("max_connections", 1, 100000, 151),
    _int("wait_timeout", 1, 31536000, 28800, "s"),
    _int("interactive_timeout", 1, 31536000, 28800, "s"),
    _int("innodb_lock_wait_timeout", 1, 1073741824, 50, "s"),
    _int("max_allowed_packet", 1024, 1073741824, 67108864, "B"),
    _int("group_concat_max_len", 4, 4294967295, 1024, "B"),
    _int("innodb_buffer_pool_size", 5242880, _INT64, None, "B", changeable=False),
    _float("long_query_time", 0, 31536000, 10, "s"),
    _str(
        "transaction_isolation",
        ("READ-UNCOMMITTED", "READ-COMMITTED", "REPEATABLE-READ", "SERIALIZABLE"),
        "REPEATABLE-READ",
    ),
    _str(
        "sql_mode",
        (
            "ALLOW_INVALID_DATES",
            "ANSI_QUOTES",
            "ERROR_FOR_DIVISION_BY_ZERO",
            "HIGH_NOT_PRECEDENCE",
            "IGNORE_SPACE",
            "NO_AUTO_VALUE_ON_ZERO",
            "NO_BACKSLASH_ESCAPES",
            "NO_DIR_IN_CREATE",
            "NO_ENGINE_SUBSTITUTION",
            "NO_UNSIGNED_SUBTRACTION",
            "NO_ZERO_DATE",
            "NO_ZERO_IN_DATE",
            "ONLY_FULL_GROUP_BY",
            "PAD_CHAR_TO_FULL_LENGTH",
            "PIPES_AS_CONCAT",
            "REAL_AS_FLOAT",
            "STRICT_ALL_TABLES",
            "STRICT_TRANS_TABLES",
            "TIME_TRUNCATE_FRACTIONAL",
        ),
        "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
        can_be_empty=True,
        multiple=True,
    ),
    _str("character_set_server", None, "utf8mb4", restart=True, changeable=False),
    _bool("slow_query_log", False),
    _bool("explicit_defaults_for_timestamp", True),
)
_MYSQL_EXTRA: Mapping[str, tuple[ParamSpec, ...]] = {
    "mysql": (_int("wsrep_slave_threads", 1, 512, 1, restart=True),),
    "mysql_native": (_int("rpl_semi_sync_master_timeout", 0, 4294967295, 10000, "ms"),),
}

_REDIS: tuple[ParamSpec, ...] = (
    _str(
        "maxmemory-policy",
        (
            "volatile-lru",
            "allkeys-lru",
            "volatile-lfu",
            "allkeys-lfu",
            "volatile-random",
            "allkeys-random",
            "volatile-ttl",
            "noeviction",
        ),
        "noeviction",
    ),
    _int("timeout", 0, _INT32, 0, "s"),
    _int("maxmemory-samples", 1, 64, 5),
    _int("tcp-keepalive", 0, _INT32, 300, "s"),
    _int("lfu-log-factor", 0, _INT32, 10),
    _int("lfu-decay-time", 0, _INT32, 1, "min"),
    _int("slowlog-log-slower-than", -1, _INT64, 10000, "us"),
    _int("slowlog-max-len", 0, _INT64, 128),
    _int("databases", 1, 16, 16, restart=True, changeable=False),
    _str("notify-keyspace-events", None, "", can_be_empty=True),
    _str("appendfsync", ("always", "everysec", "no"), "everysec"),
    _bool("appendonly", True, changeable=False),
)
_REDIS_EXTRA: Mapping[str, tuple[ParamSpec, ...]] = {
    "7": (_bool("lazyfree-lazy-user-flush", False),),
}

_KAFKA: tuple[ParamSpec, ...] = (
    _int("log.retention.ms", -1, _INT64, 604800000, "ms"),
    _int("log.retention.bytes", -1, _INT64, -1, "B"),
    _int("log.segment.bytes", 14, _INT32, 1073741824, "B"),
    _int("message.max.bytes", 0, _INT32, 1048588, "B"),
    _int("num.partitions", 1, 4000, 1),
    _int("offsets.retention.minutes", 1, _INT32, 10080, "min"),
    _int("default.replication.factor", 1, 1, 1, changeable=False),
    _bool("auto.create.topics.enable", False, restart=True),
    _bool("delete.topic.enable", True, changeable=False),
    _str("log.cleanup.policy", ("delete", "compact"), "delete", multiple=True),
    _str("compression.type", ("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), "producer"),
)


def parameters_of(engine: str, version: str) -> tuple[ParamSpec, ...]:
    """The parameters seeded for the datastore type ``engine`` ``version``."""
    if engine == "postgresql":
        return _POSTGRESQL + _POSTGRESQL_EXTRA.get(version, ())
    if engine in ("mysql", "mysql_native"):
        return _MYSQL + _MYSQL_EXTRA.get(engine, ())
    if engine == "redis":
        return _REDIS + _REDIS_EXTRA.get(version, ())
    if engine == "kafka":
        return _KAFKA
    return ()
