"""HTTP handlers of the users resource: ``/users`` and ``/users/{user_id}``. No password ever leaves."""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
from ..databases.common import base_view, status_of
from .models import User

__all__ = ["HANDLERS", "user_view"]


def user_view(user: User) -> dict[str, Any]:
    """A user as the API shows it (``samples/user_get.json``): no password."""
    return {
        **base_view(user),
        "datastore_id": user.datastore_id,
        "name": user.name,
        "status": status_of(user),
    }


def list_users(call: Call) -> Reply:
    """``GET /users``."""
    found = call.backend.users.query(call.project_id, call.query, call.now)
    return 200, {"users": [user_view(u) for u in found]}


def create_user(call: Call) -> Reply:
    """``POST /users``."""
    user = call.backend.users.create(call.project_id, call.payload("user"), call.now)
    return 200, {"user": user_view(user)}


def get_user(call: Call) -> Reply:
    """``GET /users/{user_id}``."""
    user = call.backend.users.get(call.project_id, call.path_id, call.now)
    return 200, {"user": user_view(user)}


def update_user(call: Call) -> Reply:
    """``PUT /users/{user_id}``: a new password."""
    user = call.backend.users.update(call.project_id, call.path_id, call.payload("user"), call.now)
    return 200, {"user": user_view(user)}


def delete_user(call: Call) -> Reply:
    """``DELETE /users/{user_id}``."""
    call.backend.users.delete(call.project_id, call.path_id, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_users": list_users,
    "create_user": create_user,
    "get_user": get_user,
    "update_user": update_user,
    "delete_user": delete_user,
}
