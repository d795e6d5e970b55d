"""HTTP handlers of the users resource: ``/users`` and ``/users/{user_id}``. No password ever leaves."""

from __future__ import annotations

from typing import Any

from ...calls import Handler
from ..crud import crud_handlers
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


HANDLERS: dict[str, Handler] = crud_handlers("users", "user", "users", user_view)
