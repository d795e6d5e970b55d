"""HTTP handlers of ``GET /quotas`` (the caller's project) and ``GET /limits`` (the same for all)."""

from __future__ import annotations

from ...calls import Call, Handler, Reply
from .models import limits

__all__ = ["HANDLERS"]


def get_quotas(call: Call) -> Reply:
    """``GET /quotas``: ``{"quotas": {<quota>: {"limit", "used"}}}``."""
    return 200, {"quotas": call.backend.quotas.report(call.project_id, call.now)}


def get_limits(call: Call) -> Reply:
    """``GET /limits``: node counts per engine, partitions, pooler size, firewall entries, name length."""
    return 200, {"limits": limits()}


HANDLERS: dict[str, Handler] = {
    "get_quotas": get_quotas,
    "get_limits": get_limits,
}
