"""The API's domain rules shared by several resources: engines, applicability, node counts, wording.

Resource models call these so that a rule and its message live in one place.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import ApiError, bad_request, conflict

__all__ = [
    "ENGINES",
    "FEATURES",
    "NODE_COUNTS",
    "busy",
    "duplicate_name",
    "node_count_error",
    "require_feature",
    "unsupported",
]

ENGINES = ("postgresql", "mysql", "mysql_native", "redis", "kafka")

#: Which engines a feature applies to (BEHAVIOUR.md §4, DECISIONS 11/17).
FEATURES: Mapping[str, frozenset[str]] = {
    "databases": frozenset({"postgresql", "mysql", "mysql_native"}),
    "users": frozenset({"postgresql", "mysql", "mysql_native", "kafka"}),
    "grants": frozenset({"postgresql", "mysql", "mysql_native"}),
    "extensions": frozenset({"postgresql"}),
    "logical replication slots": frozenset({"postgresql"}),
    "topics": frozenset({"kafka"}),
    "acls": frozenset({"kafka"}),
    "pooler": frozenset({"postgresql"}),
    "redis_password": frozenset({"redis"}),
    "backups": frozenset({"postgresql", "mysql", "mysql_native", "redis"}),
    "restore": frozenset({"postgresql", "mysql", "mysql_native", "redis"}),
    "floating_ips": frozenset({"postgresql", "mysql", "mysql_native", "redis"}),
}

#: Allowed node counts per engine (TF docs; DECISIONS 11). ``mysql`` (sync) allows 1 or 3 only.
NODE_COUNTS: Mapping[str, tuple[int, ...]] = {
    "postgresql": (1, 2, 3, 4, 5, 6),
    "mysql": (1, 3),
    "mysql_native": (1, 2, 3),
    "redis": (1, 2, 3),
    "kafka": (1,),
}


def unsupported(feature: str, engine: str) -> ApiError:
    """400 for a feature used on an engine it does not apply to."""
    return bad_request(f"{feature} are not supported for datastores of engine {engine}")


def require_feature(feature: str, engine: str) -> None:
    """Raise :func:`unsupported` unless ``feature`` applies to ``engine``."""
    if engine not in FEATURES[feature]:
        raise unsupported(feature, engine)


def node_count_error(engine: str, node_count: int) -> ApiError | None:
    """The 400 for a node count outside the engine's range, or ``None`` when it is allowed."""
    allowed = NODE_COUNTS[engine]
    if node_count in allowed:
        return None
    if allowed == tuple(range(allowed[0], allowed[-1] + 1)):
        span = f"from {allowed[0]} to {allowed[-1]}" if len(allowed) > 1 else f"exactly {allowed[0]}"
    else:
        span = "one of " + ", ".join(str(n) for n in allowed)
    return bad_request(f"node_count for engine {engine} must be {span}, got {node_count}")


def busy(datastore_id: str, status: str) -> ApiError:
    """409 for a mutation of a datastore that is not ``ACTIVE``."""
    return conflict(f"datastore {datastore_id} is not ACTIVE (status: {status}).")


def duplicate_name(entity: str, name: str, datastore_id: str | None = None) -> ApiError:
    """409 for a name already taken within its parent."""
    where = f" in datastore {datastore_id}" if datastore_id else ""
    return conflict(f"{entity} with name '{name}' already exists{where}.")
