"""The handlers every plain resource shares: list, create, get, update, delete over one model.

A resource whose model offers ``query``, ``create``, ``get``, ``update`` and ``delete`` with the
usual signatures gets its thin handlers here, so the HTTP side of the pattern lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..calls import Call, Handler, Reply

__all__ = ["crud_handlers"]


def crud_handlers(
    attr: str,
    singular: str,
    plural: str,
    view: Callable[[Any], dict[str, Any]],
    *,
    update: bool = True,
) -> dict[str, Handler]:
    """Handlers keyed by operationId for the model ``backend.<attr>``.

    ``singular``/``plural`` are the wrapper keys (``logical-replication-slot``); the operationIds
    are ``list_<plural>``, ``create_<singular>``, ``get_<singular>``, ``update_<singular>`` and
    ``delete_<singular>`` with dashes as underscores. A delete answers 204 with no body.
    """

    def list_(call: Call) -> Reply:
        found = getattr(call.backend, attr).query(call.project_id, call.query, call.now)
        return 200, {plural: [view(obj) for obj in found]}

    def create(call: Call) -> Reply:
        obj = getattr(call.backend, attr).create(call.project_id, call.payload(singular), call.now)
        return 200, {singular: view(obj)}

    def get(call: Call) -> Reply:
        return 200, {singular: view(getattr(call.backend, attr).get(call.project_id, call.path_id, call.now))}

    def update_(call: Call) -> Reply:
        model = getattr(call.backend, attr)
        obj = model.update(call.project_id, call.path_id, call.payload(singular), call.now)
        return 200, {singular: view(obj)}

    def delete(call: Call) -> Reply:
        getattr(call.backend, attr).delete(call.project_id, call.path_id, call.now)
        return 204, None

    one, many = singular.replace("-", "_"), plural.replace("-", "_")
    handlers: dict[str, Handler] = {
        f"list_{many}": list_,
        f"create_{one}": create,
        f"get_{one}": get,
        f"delete_{one}": delete,
    }
    if update:
        handlers[f"update_{one}"] = update_
    return handlers
