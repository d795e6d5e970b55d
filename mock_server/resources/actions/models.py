"""State of the actions resource: one action per successful mutating call under ``/v1`` (DESIGN.md).

The app calls :meth:`ActionModel.record` after every mutating call that succeeded. An action names the
operation (``create_topic``...), the request (``X-Request-Id``), the datastore concerned and the object
the call answered with or addressed. Its status is worked out when read, never stored ahead:

- a call that began a lifecycle phase (create, update, resize, delete...) keeps a reference to the
  object and to ``life.seq`` at record time: ``PENDING`` while that phase is in progress, ``SUCCESS``
  once it settled (or once a later phase began on the object, or the object went with its parent),
  ``ERROR`` if it settled into a failure status;
- a call without a lifecycle (tokens, the catalog's admin operations, a datastore change that does not
  alter its status) is ``SUCCESS`` at once.

The first settled status worked out is kept, so an action does not change its mind later. Actions
belong to the caller's project and are never removed with their datastore. Recording costs O(1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...lifecycle import FAILURE_STATUSES
from ...store import Record, Table

if TYPE_CHECKING:
    from ...backend import Backend
    from ...calls import Call

__all__ = ["ACTION_STATUSES", "Action", "ActionModel"]

#: Statuses of an action.
ACTION_STATUSES = ("PENDING", "SUCCESS", "ERROR")

#: The lifecycle kind of the objects of each collection (first path segment); floating-IP calls
#: change their datastore.
_KINDS: Mapping[str, str] = {
    "datastores": "datastore",
    "databases": "database",
    "users": "user",
    "grants": "grant",
    "extensions": "extension",
    "logical-replication-slots": "logical_replication_slot",
    "topics": "topic",
    "acls": "acl",
    "floating-ips": "datastore",
}
_FILTERS = ("id", "name", "project_id", "request_id", "datastore_id")


@dataclass(slots=True, kw_only=True)
class Action(Record):
    """One successful mutating call."""

    name: str
    request_id: str
    datastore_id: str | None
    resource_id: str | None
    #: Lifecycle kind of :attr:`target` (``None``: no phase began, settled at once).
    kind: str | None = None
    #: The object whose phase this call began (dropped once the outcome is known).
    target: Record | None = field(default=None, repr=False, compare=False)
    #: ``target.life.seq`` when the call was recorded.
    seq: int = 0
    #: ``SUCCESS`` or ``ERROR`` once known.
    outcome: str | None = None


class ActionModel:
    """The actions of every project."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.table: Table[Action] = Table(
            "action", "action", None, indexed=("name", "request_id", "datastore_id")
        )

    # -- recording ------------------------------------------------------------------------------------

    def record(self, call: Call, status: int, result: Any) -> Action | None:
        """Record the mutating ``call`` that answered ``status`` with ``result`` (nothing for a failure)."""
        if status >= 400:
            return None
        body = _inner(call.body)
        answer = _inner(result)
        resource_id = _text(answer.get("id")) or (call.path_id if call.params else None)
        kind = _KINDS.get(call.op.path.strip("/").split("/")[0])
        table = self.backend.table_for(kind) if kind is not None else None
        datastore_id = (
            call.params.get("datastore_id")
            or _text(body.get("datastore_id"))
            or _text(answer.get("datastore_id"))
            or (resource_id if kind == "datastore" and call.op.path.startswith("/datastores") else None)
        )
        target: Record | None = None
        if table is not None:
            if call.op.path.startswith("/floating-ips"):
                datastore_id = datastore_id or self._datastore_of_instance(call, body.get("instance_id"))
                target = table.find(datastore_id, call.project_id) if datastore_id else None
            elif resource_id is not None:
                target = table.find(resource_id, call.project_id)
                datastore_id = datastore_id or _text(getattr(target, "datastore_id", None))
        action = Action(
            id=self.backend.ids.uuid(),
            project_id=call.project_id,
            created_at=call.now,
            updated_at=call.now,
            name=call.op.operation_id,
            request_id=call.request_id,
            datastore_id=datastore_id,
            resource_id=resource_id,
        )
        life = target.life if target is not None else None
        if life is not None and life.phase is not None and life.phase.started == call.now:
            action.kind, action.target, action.seq = kind, target, life.seq
        else:
            action.outcome = "SUCCESS"
        return self.table.insert(action)

    def _datastore_of_instance(self, call: Call, instance_id: Any) -> str | None:
        """The datastore owning ``instance_id``, when the datastores model offers the lookup."""
        lookup = getattr(self.backend.datastores, "datastore_of_instance", None)
        if not callable(lookup) or not isinstance(instance_id, str):
            return None
        found = lookup(call.project_id, instance_id)
        return _text(getattr(found, "id", None))

    # -- reads ----------------------------------------------------------------------------------------

    def status(self, action: Action, now: datetime) -> str:
        """``PENDING``, ``SUCCESS`` or ``ERROR`` as of ``now`` (looking does not count as a read)."""
        if action.outcome is not None:
            return action.outcome
        target = action.target
        life = target.life if target is not None else None
        table = self.backend.table_for(action.kind) if action.kind is not None else None
        if target is None or life is None or table is None:
            return self._settle(action, "SUCCESS", now)
        current = life.seq == action.seq
        present = table.find(target.id) is target
        if current and present:
            table.status(target, now)
            if life.phase is not None:
                return "PENDING"
        if current and life.phase is None:
            outcome = "ERROR" if life.status in FAILURE_STATUSES else "SUCCESS"
            return self._settle(action, outcome, life.settled_at or now)
        # A later phase began on the object, or it went with its parent: this phase is over.
        return self._settle(action, "SUCCESS", now)

    @staticmethod
    def _settle(action: Action, outcome: str, moment: datetime) -> str:
        action.outcome = outcome
        action.updated_at = max(action.created_at, moment)
        action.target = None
        return outcome

    def get(self, project_id: str, action_id: str, now: datetime) -> Action:
        """The action; 404 ``action <id> not found.``."""
        return self.table.get(project_id, action_id, now)

    def query(self, project_id: str, query: Mapping[str, Any], now: datetime) -> list[Action]:
        """The project's actions matching every filter exactly, oldest first."""
        filters = {name: query[name] for name in _FILTERS if name in query}
        wanted = query.get("status")
        if wanted is None:
            return self.table.query(project_id, filters, now)
        return self.table.query(project_id, filters, now, extra=lambda a: self.status(a, now) == wanted)


def _inner(body: Any) -> dict[str, Any]:
    """The object under the single wrapper key of a request or response body (``{}`` if none)."""
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, dict):
                return value
    return {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
