"""Asynchronous stateful testing: waiters in the checks, and a teardown per stateful scenario.

Schemathesis' ``ensure_resource_availability`` and ``use_after_free`` assume an immediate effect (an
object usable right after its create, gone right after its delete). Against an asynchronous API they
are replaced by three checks that wait the way the Terraform provider does:

- :func:`created_resource_becomes_active`: after a successful create, the object reaches ``ACTIVE``
  through its pending states only (objects without a status: it can be read);
- :func:`updated_resource_returns_to_active`: after a successful update, resize or sub-operation, the
  object (the datastore, for floating IPs) returns to ``ACTIVE``;
- :func:`deleted_resource_eventually_answers_not_found`: after a successful delete, the object answers
  404 with ``error.code`` 404 before the timeout.

Because the waiter runs inside the check, a state machine step that follows a create always finds the
object settled. Each stateful scenario's objects are deleted (and confirmed gone) when it ends, so the
run's caps hold scenario after scenario.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import schemathesis

from .api import ApiError, SafetyViolation
from .checks import parse_json
from .integration import context_of, operation_of
from .kinds import KINDS
from .results import FailureRecord
from .safety import teardown
from .waiters import Interrupted, WaitFailed

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

    from .guard import Guard
    from .integration import RunContext
    from .spec import OperationInfo

__all__ = [
    "ASYNC_CHECKS",
    "REPLACED_CHECKS",
    "ScopeFixtures",
    "created_resource_becomes_active",
    "deleted_resource_eventually_answers_not_found",
    "updated_resource_returns_to_active",
    "with_scenario_teardown",
]

#: The schemathesis checks these replace (disabled in every run of the kit).
REPLACED_CHECKS = ("use_after_free", "ensure_resource_availability")
_FLOATING_IP_OPS = frozenset({"create_floating_ip", "delete_floating_ip"})


def _settled(context: RunContext, case: Case[Any], response: Response) -> tuple[Any, Any] | None:
    op = operation_of(context, case)
    if op is None or not op.mutating or not 200 <= response.status_code < 300 or op.kind is None:
        return None
    return op, parse_json(response.content)


def _wait(call: Any) -> None:
    try:
        call()
    except WaitFailed as failure:
        raise AssertionError(str(failure)) from None
    except Interrupted:
        return


def created_resource_becomes_active(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After a successful create, the new object reaches ACTIVE (through its pending states only)."""
    context = context_of(case)
    found = _settled(context, case, response) if context is not None else None
    if context is None or found is None:
        return True
    op, body = found
    if not op.is_create or not isinstance(body, dict) or not isinstance(body.get(op.response_wrapper), dict):
        return True
    object_id = body[op.response_wrapper].get("id")
    if not isinstance(object_id, str):
        raise AssertionError(f"{op.operation_id} answered no id for the new object")
    _wait(lambda: context.waiter.until_active(op.kind, object_id))
    return None


def updated_resource_returns_to_active(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After a successful update, resize or sub-operation, the object returns to ACTIVE."""
    context = context_of(case)
    found = _settled(context, case, response) if context is not None else None
    if context is None or found is None:
        return True
    op, _ = found
    if op.operation_id in _FLOATING_IP_OPS:
        body: Any = case.body
        inner = body.get("floating_ip") if isinstance(body, dict) else None
        instance = inner.get("instance_id") if isinstance(inner, dict) else None
        owner = next(
            (e for e in context.ledger.entries() if e.kind == "datastore" and instance in e.parts), None
        )
        if owner is None:
            return True
        _wait(lambda: context.waiter.until_active(KINDS["datastore"], owner.id))
        return None
    if op.is_create or op.is_delete or not op.path_params:
        return True
    object_id = (case.path_parameters or {}).get(op.path_params[0])
    if not isinstance(object_id, str):
        return True
    _wait(lambda: context.waiter.until_active(op.kind, object_id))
    return None


def deleted_resource_eventually_answers_not_found(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """After a successful delete, the object answers 404 (``error.code`` 404) before the timeout."""
    context = context_of(case)
    found = _settled(context, case, response) if context is not None else None
    if context is None or found is None:
        return True
    op, _ = found
    if not op.is_delete:
        return True
    object_id = (case.path_parameters or {}).get(op.path_params[0])
    if not isinstance(object_id, str):
        return True
    _wait(lambda: context.waiter.until_gone(op.kind, object_id))
    context.ledger.mark(object_id, "deleted")
    return None


#: The asynchronous checks, by name.
ASYNC_CHECKS = (
    created_resource_becomes_active,
    updated_resource_returns_to_active,
    deleted_resource_eventually_answers_not_found,
)
for _check in ASYNC_CHECKS:
    schemathesis.check(_check)
del _check


#: The engine a stateful entry point needs its datastore to be (PostgreSQL unless listed).
_ENGINE_FOR: Final[Mapping[str, str]] = MappingProxyType(
    {
        "create_topic": "kafka",
        "create_acl": "kafka",
        "update_topic": "kafka",
        "update_datastore_password": "redis",
    }
)


class ScopeFixtures:
    """Makes a stateful scenario's entry points act on objects of the scenario rather than random ids.

    A random first step (``POST /databases`` with a random ``datastore_id``) can only get a 404; with a
    fixture it lands on a datastore of the scenario, created on demand (small, prefixed, capped, torn
    down with the scenario), so the links that follow have something to chain from.
    """

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.context = guard.context

    def prepare(self, op: OperationInfo, case: Case[Any]) -> None:
        """Point the case's references that the run does not own at objects of the current scenario."""
        scope = self.context.scope
        if scope is None:
            return
        ledger = self.context.ledger
        engine = _ENGINE_FOR.get(op.operation_id, "postgresql")
        holders: list[tuple[dict[str, Any], str]] = []
        if "datastore_id" in op.path_params and case.path_parameters is not None:
            holders.append((case.path_parameters, "datastore_id"))
        if isinstance(case.body, dict):
            holders.extend(_references(case.body))
        for holder, key in holders:
            value = holder.get(key)
            if not isinstance(value, str) or ledger.owns(value):
                continue
            if key == "datastore_id":
                found = self._datastore(scope, engine)
            elif key == "instance_id":
                found = next(
                    (part for e in ledger.live(kind="datastore", scope=scope) for part in e.parts), None
                )
            else:
                kind = "database" if key == "database_id" else "user"
                found = next((e.id for e in ledger.live(kind=kind, scope=scope)), None)
            if found is not None:
                holder[key] = found

    def _datastore(self, scope: str, engine: str) -> str | None:
        for entry in self.context.ledger.live(kind="datastore", scope=scope):
            if self.guard.engines.get(entry.id) == engine:
                return entry.id
        template = self.guard._template(engine)
        if template is None:
            return None
        try:
            reply = self.context.api.call("create_datastore", body={"datastore": template})
            object_id = reply.obj().get("id")
            if reply.status != 200 or not isinstance(object_id, str):
                return None
            self.context.waiter.until_active(KINDS["datastore"], object_id)
        except (SafetyViolation, ApiError, WaitFailed, Interrupted):
            return None
        return object_id


def _references(node: Any) -> list[tuple[dict[str, Any], str]]:
    found: list[tuple[dict[str, Any], str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("datastore_id", "database_id", "user_id", "owner_id", "instance_id"):
                found.append((node, key))
            found.extend(_references(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_references(item))
    return found


def with_scenario_teardown(machine: type[Any], context: RunContext) -> type[Any]:
    """A subclass of a state machine whose scenarios each delete what they created when they end."""
    counter = itertools.count(1)

    class ScenarioMachine(machine):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            context.scope = f"stateful-{next(counter)}"

        def teardown(self) -> None:
            scope = context.scope
            try:
                if scope is not None:
                    for problem in teardown(context.api, context.cleaner, context.ledger, scope=scope):
                        context.results.failed(
                            FailureRecord(
                                "stateful",
                                f"delete_{problem.kind}",
                                "teardown_removes_created_objects",
                                f"{problem.kind} {problem.id} was not removed",
                                problem.reason,
                                problem.curl,
                            )
                        )
            finally:
                context.scope = None
                super().teardown()

    ScenarioMachine.__name__ = ScenarioMachine.__qualname__ = machine.__name__
    return ScenarioMachine
