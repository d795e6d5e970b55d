"""HTTP handlers of the prometheus metrics tokens: ``/prometheus-metrics-tokens[/{id}]``.

Every answer, the update's included, is wrapped in ``prometheus-metrics-token`` (DECISIONS 3).
"""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
from ...clock import format_ts
from .models import PrometheusToken

__all__ = ["HANDLERS", "token_view"]

_ONE = "prometheus-metrics-token"
_MANY = "prometheus-metrics-tokens"


def token_view(token: PrometheusToken) -> dict[str, Any]:
    """A token as the API shows it: the keys of ``samples/prometheus_metrics_token_get.json``."""
    return {
        "id": token.id,
        "created_at": format_ts(token.created_at),
        "updated_at": format_ts(token.updated_at),
        "project_id": token.project_id,
        "name": token.name,
        "value": token.value,
    }


def list_prometheus_metrics_tokens(call: Call) -> Reply:
    """``GET /prometheus-metrics-tokens``."""
    found = call.backend.tokens.query(call.project_id, call.query, call.now)
    return 200, {_MANY: [token_view(t) for t in found]}


def create_prometheus_metrics_token(call: Call) -> Reply:
    """``POST /prometheus-metrics-tokens``."""
    token = call.backend.tokens.create(call.project_id, call.payload(_ONE), call.now)
    return 200, {_ONE: token_view(token)}


def get_prometheus_metrics_token(call: Call) -> Reply:
    """``GET /prometheus-metrics-tokens/{prometheus_metrics_token_id}``."""
    token = call.backend.tokens.get(call.project_id, call.path_id, call.now)
    return 200, {_ONE: token_view(token)}


def update_prometheus_metrics_token(call: Call) -> Reply:
    """``PUT /prometheus-metrics-tokens/{prometheus_metrics_token_id}``: a new name, answered wrapped."""
    token = call.backend.tokens.update(call.project_id, call.path_id, call.payload(_ONE), call.now)
    return 200, {_ONE: token_view(token)}


def delete_prometheus_metrics_token(call: Call) -> Reply:
    """``DELETE /prometheus-metrics-tokens/{prometheus_metrics_token_id}``: revoked at once."""
    call.backend.tokens.delete(call.project_id, call.path_id, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_prometheus_metrics_tokens": list_prometheus_metrics_tokens,
    "create_prometheus_metrics_token": create_prometheus_metrics_token,
    "get_prometheus_metrics_token": get_prometheus_metrics_token,
    "update_prometheus_metrics_token": update_prometheus_metrics_token,
    "delete_prometheus_metrics_token": delete_prometheus_metrics_token,
}
