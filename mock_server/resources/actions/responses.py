"""HTTP handlers of the actions resource: ``/actions`` and ``/actions/{action_id}``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...calls import Call, Handler, Reply
from ...clock import format_ts
from .models import Action, ActionModel

__all__ = ["HANDLERS", "action_view"]


def action_view(model: ActionModel, action: Action, now: datetime) -> dict[str, Any]:
    """An action as DESIGN.md shapes it, its status worked out as of ``now``."""
    status = model.status(action, now)
    return {
        "id": action.id,
        "name": action.name,
        "status": status,
        "project_id": action.project_id,
        "request_id": action.request_id,
        "datastore_id": action.datastore_id,
        "resource_id": action.resource_id,
        "created_at": format_ts(action.created_at),
        "updated_at": format_ts(action.updated_at),
    }


def list_actions(call: Call) -> Reply:
    """``GET /actions``: the caller's actions, oldest first."""
    model = call.backend.actions
    found = model.query(call.project_id, call.query, call.now)
    return 200, {"actions": [action_view(model, a, call.now) for a in found]}


def get_action(call: Call) -> Reply:
    """``GET /actions/{action_id}``."""
    model = call.backend.actions
    action = model.get(call.project_id, call.path_id, call.now)
    return 200, {"action": action_view(model, action, call.now)}


HANDLERS: dict[str, Handler] = {
    "list_actions": list_actions,
    "get_action": get_action,
}
