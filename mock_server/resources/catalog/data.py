"""The seeded catalog's content: datastore types, flavor lines, available extensions (DECISIONS 17).

Only the ids (and the free host counts) depend on the seed; names, sizes and relations are fixed here
so that clients can look objects up by engine, version, size or name whatever the seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

__all__ = [
    "DATASTORE_TYPES",
    "EXTENSIONS",
    "FLAVOR_LINES",
    "ExtensionSpec",
    "FlavorLine",
    "HostSpec",
    "Size",
    "flavor_name",
]

#: ``(engine, version)`` in list order: within an engine, the newest plain version comes last.
DATASTORE_TYPES: tuple[tuple[str, str], ...] = (
    ("postgresql", "12"),
    ("postgresql", "13"),
    ("postgresql", "14-1C"),
    ("postgresql", "14-TimescaleDB"),
    ("postgresql", "14"),
    ("postgresql", "15"),
    ("postgresql", "16"),
    ("postgresql", "17"),
    ("mysql", "8"),
    ("mysql_native", "8"),
    ("redis", "6"),
    ("redis", "7"),
    ("kafka", "3.5"),
)


class Size(NamedTuple):
    """vCPUs, RAM (MB), disk (GB)."""

    vcpus: int
    ram: int
    disk: int


class HostSpec(NamedTuple):
    """Dedicated hosts behind a flavor line: sizes with at least ``min_vcpus`` get one."""

    line: str
    processor: str
    min_vcpus: int
    max_count: int


class FlavorLine(NamedTuple):
    """One ``fl_size`` line of one engine: its sizes and, for some, dedicated hosts."""

    engine: str
    fl_size: str
    sizes: tuple[Size, ...]
    host: HostSpec | None = None


_STANDARD_HOST = HostSpec(line="L", processor="Intel-Gold6240", min_vcpus=16, max_count=4)
_HIGH_FREQ_HOST = HostSpec(line="HF", processor="Intel-Gold6354", min_vcpus=1, max_count=6)

#: The acceptance-test sizes of the Terraform provider (2/4096/32, 2/8192/32, 2/8192/64) are included.
_SQL_STANDARD = (
    Size(1, 2048, 20),
    Size(2, 4096, 32),
    Size(2, 8192, 32),
    Size(2, 8192, 64),
    Size(4, 8192, 64),
    Size(4, 16384, 128),
    Size(8, 32768, 256),
    Size(16, 65536, 512),
    Size(32, 131072, 1024),
)
_SQL_HIGH_FREQ = (Size(2, 4096, 32), Size(4, 8192, 64), Size(8, 16384, 128), Size(16, 32768, 256))
_REDIS_STANDARD = (
    Size(1, 2048, 16),
    Size(2, 4096, 32),
    Size(2, 8192, 32),
    Size(4, 16384, 64),
    Size(8, 32768, 128),
    Size(16, 65536, 256),
)
_REDIS_HIGH_FREQ = (Size(2, 4096, 32), Size(4, 8192, 64))
_KAFKA_STANDARD = (
    Size(2, 4096, 32),
    Size(2, 8192, 32),
    Size(2, 8192, 64),
    Size(4, 16384, 128),
    Size(8, 32768, 256),
    Size(16, 65536, 512),
)
_KAFKA_HIGH_FREQ = (Size(4, 8192, 64), Size(8, 16384, 128))

#: Flavor lines per engine. A line of ``postgresql``, ``mysql``, ``mysql_native`` or ``kafka`` lists
#: every type id of its engine; a Redis line is repeated for each Redis version and lists that one id.
FLAVOR_LINES: tuple[FlavorLine, ...] = (
    FlavorLine("postgresql", "standard", _SQL_STANDARD, _STANDARD_HOST),
    FlavorLine("postgresql", "high_freq", _SQL_HIGH_FREQ, _HIGH_FREQ_HOST),
    FlavorLine("mysql", "standard", _SQL_STANDARD, _STANDARD_HOST),
    FlavorLine("mysql", "high_freq", _SQL_HIGH_FREQ, _HIGH_FREQ_HOST),
    FlavorLine("mysql_native", "standard", _SQL_STANDARD, _STANDARD_HOST),
    FlavorLine("mysql_native", "high_freq", _SQL_HIGH_FREQ, _HIGH_FREQ_HOST),
    FlavorLine("redis", "standard", _REDIS_STANDARD, _STANDARD_HOST),
    FlavorLine("redis", "high_freq", _REDIS_HIGH_FREQ, _HIGH_FREQ_HOST),
    FlavorLine("kafka", "standard", _KAFKA_STANDARD, _STANDARD_HOST),
    FlavorLine("kafka", "high_freq", _KAFKA_HIGH_FREQ),
)

_NAME_PREFIX: Mapping[str, str] = {"standard": "", "high_freq": "hf-"}


def flavor_name(fl_size: str, size: Size) -> str:
    """``2-4096-32`` for the standard line, ``hf-2-4096-32`` for the high-frequency one."""
    return f"{_NAME_PREFIX.get(fl_size, '')}{size.vcpus}-{size.ram}-{size.disk}"


class ExtensionSpec(NamedTuple):
    """An available extension: its name, the PostgreSQL versions offering it and its prerequisites."""

    name: str
    #: PostgreSQL versions (``DATASTORE_TYPES``) offering it; empty means every PostgreSQL type.
    versions: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()


_ONE_C = ("14-1C",)
_TIMESCALE = ("14-TimescaleDB",)

#: Available extensions in list order; a dependency is always listed before what depends on it.
EXTENSIONS: tuple[ExtensionSpec, ...] = (
    ExtensionSpec("hstore"),
    ExtensionSpec("pg_trgm"),
    ExtensionSpec("uuid-ossp"),
    ExtensionSpec("pgcrypto"),
    ExtensionSpec("citext"),
    ExtensionSpec("btree_gin"),
    ExtensionSpec("btree_gist"),
    ExtensionSpec("pg_stat_statements"),
    ExtensionSpec("xml2"),
    ExtensionSpec("prefix"),
    ExtensionSpec("cube"),
    ExtensionSpec("earthdistance", depends_on=("cube",)),
    ExtensionSpec("fuzzystrmatch"),
    ExtensionSpec("intarray"),
    ExtensionSpec("ltree"),
    ExtensionSpec("tablefunc"),
    ExtensionSpec("unaccent"),
    ExtensionSpec("dblink"),
    ExtensionSpec("postgres_fdw"),
    ExtensionSpec("pg_buffercache"),
    ExtensionSpec("pgstattuple"),
    ExtensionSpec("pgrowlocks"),
    ExtensionSpec("bloom"),
    ExtensionSpec("isn"),
    ExtensionSpec("seg"),
    ExtensionSpec("tsm_system_rows"),
    ExtensionSpec("postgis"),
    ExtensionSpec("postgis_topology", depends_on=("postgis",)),
    ExtensionSpec("postgis_raster", depends_on=("postgis",)),
    ExtensionSpec("address_standardizer", depends_on=("postgis",)),
    ExtensionSpec("postgis_tiger_geocoder", depends_on=("postgis", "fuzzystrmatch")),
    ExtensionSpec("pgrouting", depends_on=("postgis",)),
    ExtensionSpec("vector"),
    ExtensionSpec("pg_repack"),
    ExtensionSpec("pg_partman"),
    ExtensionSpec("hypopg"),
    ExtensionSpec("pg_hint_plan"),
    ExtensionSpec("timescaledb", versions=_TIMESCALE),
    ExtensionSpec("mchar", versions=_ONE_C),
    ExtensionSpec("fulleq", versions=_ONE_C),
    ExtensionSpec("fasttrun", versions=_ONE_C),
)
