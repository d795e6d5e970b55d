"""HTTP handlers of the prometheus metrics tokens: ``/prometheus-metrics-tokens[/{id}]``.

Every answer, the update's included, is wrapped in ``prometheus-metrics-token`` (DECISIONS 3).
"""

from __future__ import annotations

from typing import Any

from ...calls import Handler
from ...clock import format_ts
from ..crud import crud_handlers
from .models import PrometheusToken

__all__ = ["HANDLERS", "token_view"]


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


HANDLERS: dict[str, Handler] = crud_handlers(
    "tokens", "prometheus-metrics-token", "prometheus-metrics-tokens", token_view
)
