"""What a scenario is written with: :class:`ScenarioContext` (calls judged against the spec and the
kit's checks, waiters, semantic expectations recorded as checks) and the runner of scenarios.

A scenario is a plain function of a :class:`ScenarioContext`; it runs unchanged against the fake
(in-process or over HTTP) and against the real service. Every response is validated with the spec's
response schema and the kit's own checks; every expectation (statuses, counters, connection keys...)
is recorded as a check named after the property, under the operation that produced the data.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..api import UNSET, ApiError, Reply
from ..catalogue import Catalogue
from ..checks import CHECKS, NOT_JSON, Exchange
from ..kinds import KINDS, child_name_prefix
from ..results import FailureRecord
from ..safety import teardown
from ..waiters import Interrupted, WaitFailed

if TYPE_CHECKING:
    from ..integration import RunContext
    from ..progress import Progress

__all__ = ["Scenario", "ScenarioContext", "ScenarioFailed", "run_scenarios"]

PHASE = "scenarios"


class ScenarioFailed(AssertionError):
    """A required step of a scenario failed; the scenario stops (what it created is torn down)."""


class ScenarioContext:
    """The API of one scenario: judged calls, waiters, names, expectations."""

    def __init__(self, run: RunContext, name: str, catalogue: Catalogue) -> None:
        self.run = run
        self.name = name
        self.catalogue = catalogue
        self.options = run.options
        self._serial = 0

    # -- names --------------------------------------------------------------------------------------

    def unique(self, stem: str, *, identifier: bool = False) -> str:
        """A name carrying the run's prefix (``ct_<run>_`` form where hyphens are not allowed)."""
        self._serial += 1
        prefix = child_name_prefix(self.options.run_prefix) if identifier else self.options.run_prefix
        stem = stem.replace("-", "_") if identifier else stem
        return f"{prefix}{stem}{self._serial}"

    @staticmethod
    def secret() -> str:
        """A fresh password (32 characters)."""
        return secrets.token_urlsafe(24)[:32]

    # -- calls --------------------------------------------------------------------------------------

    def call(
        self,
        operation_id: str,
        *,
        path: Mapping[str, str] | None = None,
        body: Any = UNSET,
        query: Mapping[str, Any] | None = None,
        expect: int | tuple[int, ...] | None = None,
        token: str | None = None,
    ) -> Reply:
        """Send a request, judge the response against the spec and the checks, require its status.

        ``expect`` defaults to the operation's success status; another status fails the scenario.
        """
        op = self.run.spec.operations[operation_id]
        wanted = (
            (op.success_status,) if expect is None else (expect if isinstance(expect, tuple) else (expect,))
        )
        try:
            reply = self.run.api.call(operation_id, path=path, body=body, query=query, token=token)
        except ApiError as error:
            self.record(operation_id, "target_answers", False, str(error))
            raise ScenarioFailed(str(error)) from error
        self.judge(reply, None if body is UNSET else body, path or {})
        self.require(
            reply.status in wanted,
            operation_id,
            "status_is_the_expected_one",
            f"expected {' or '.join(map(str, wanted))}, got {reply.status}: {str(reply.body)[:300]}",
            reply,
        )
        return reply

    def judge(self, reply: Reply, request_body: Any, path: Mapping[str, str]) -> None:
        """Validate a response against its schema and run the kit's checks on it."""
        op = reply.op
        problems = ["the body is not JSON"] if reply.body is NOT_JSON else []
        if not problems:
            problems = self.run.spec.validate_response(op, reply.status, reply.body)
        self.record(op.operation_id, "response_schema_conformance", not problems, "; ".join(problems), reply)
        exchange = Exchange(op, reply.status, reply.body, request_body, dict(path))
        for name, check in CHECKS.items():
            found = check(exchange)
            self.record(op.operation_id, name, not found, "; ".join(found), reply)

    def record(
        self, operation: str, check: str, ok: bool, message: str = "", reply: Reply | None = None
    ) -> None:
        """Record a verdict of ``check`` under ``operation``."""
        if ok:
            self.run.results.passed(PHASE, operation, check)
            return
        self.run.results.failed(
            FailureRecord(
                PHASE,
                operation,
                check,
                f"scenario {self.name}: {check}",
                message,
                reply.curl if reply is not None else "",
                reply.status if reply is not None else None,
            )
        )

    def expect(self, ok: bool, operation: str, check: str, message: str, reply: Reply | None = None) -> bool:
        """A semantic expectation: recorded, the scenario goes on either way."""
        self.record(operation, check, ok, message, reply)
        return ok

    def require(self, ok: bool, operation: str, check: str, message: str, reply: Reply | None = None) -> None:
        """A semantic expectation the rest of the scenario depends on: stops the scenario when false."""
        if not self.expect(ok, operation, check, message, reply):
            raise ScenarioFailed(f"{operation}: {check}: {message}")

    # -- waiting ------------------------------------------------------------------------------------

    def active(self, kind: str, object_id: str, operation: str) -> dict[str, Any]:
        """Wait until the object is ACTIVE (a failure stops the scenario); returns it."""
        try:
            obj = self.run.waiter.until_active(KINDS[kind], object_id)
        except WaitFailed as failure:
            self.record(operation, "resource_settles_to_active", False, str(failure))
            raise ScenarioFailed(str(failure)) from failure
        self.record(operation, "resource_settles_to_active", True)
        return obj

    def gone(self, kind: str, object_id: str, operation: str) -> bool:
        """Wait until the object answers 404; records the verdict, returns it."""
        try:
            self.run.waiter.until_gone(KINDS[kind], object_id)
        except WaitFailed as failure:
            self.record(operation, "deleted_resource_eventually_answers_not_found", False, str(failure))
            return False
        self.run.ledger.mark(object_id, "deleted")
        self.record(operation, "deleted_resource_eventually_answers_not_found", True)
        return True

    # -- common steps -------------------------------------------------------------------------------

    def engine_type(self, engine: str) -> tuple[str, Any]:
        """(type id, smallest flavor) of an engine; fails the scenario when the target has none."""
        kind = self.catalogue.type_for(engine)
        flavor = self.catalogue.smallest(str(kind["id"])) if kind is not None else None
        if kind is None or flavor is None:
            self.record("list_datastore_types", "engine_is_offered", False, f"no {engine} type with a flavor")
            raise ScenarioFailed(f"the target offers no {engine} datastore type with a flavor")
        return str(kind["id"]), flavor

    def create(self, operation_id: str, wrapper: str, fields: dict[str, Any], kind: str) -> dict[str, Any]:
        """Create an object, check it answers pending with what was sent, wait for ACTIVE; returns it."""
        reply = self.call(operation_id, body={wrapper: fields})
        obj = reply.obj()
        self.require(isinstance(obj.get("id"), str), operation_id, "create_answers_an_id", "no id", reply)
        for key, value in fields.items():
            if key in ("password", "redis_password", "flavor", "config"):
                continue
            self.expect(
                obj.get(key) == value,
                operation_id,
                "create_echoes_what_was_sent",
                f"{key}: sent {value!r}, answered {obj.get(key)!r}",
                reply,
            )
        return self.active(kind, str(obj["id"]), operation_id)

    def datastore(self, engine: str, **extra: Any) -> tuple[dict[str, Any], str]:
        """Create a one-node datastore of an engine with its smallest flavor; wait ACTIVE."""
        type_id, flavor = self.engine_type(engine)
        fields: dict[str, Any] = {
            "name": self.unique(engine),
            "type_id": type_id,
            "subnet_id": self.options.subnet_id,
            "node_count": 1,
        }
        if engine == "redis":
            fields["flavor_id"] = flavor.id
            fields["redis_password"] = self.secret()
        else:
            fields["flavor"] = {"vcpus": flavor.vcpus, "ram": flavor.ram, "disk": flavor.disk}
        fields.update(extra)
        obj = self.create("create_datastore", "datastore", fields, "datastore")
        connection = obj.get("connection") or {}
        self.expect(
            "MASTER" in connection and "master" in connection,
            "get_datastore",
            "connection_has_both_master_keys",
            f"connection keys {sorted(connection)}",
        )
        instances = obj.get("instances") or []
        self.expect(
            len(instances) == obj.get("node_count")
            and sum(i.get("role") == "MASTER" for i in instances) == 1,
            "get_datastore",
            "one_instance_per_node_one_master",
            f"{len(instances)} instances for node_count {obj.get('node_count')}",
        )
        return obj, type_id

    def delete(self, kind: str, object_id: str) -> None:
        """Delete an object and wait until it answers 404."""
        operation = f"delete_{kind}"
        param = self.run.spec.operations[operation].path_params[0]
        self.call(operation, path={param: object_id})
        self.gone(kind, object_id, operation)

    def cascade(self, children: Mapping[str, str]) -> None:
        """Each child (id -> kind) of a deleted datastore answers 404."""
        for object_id, kind in children.items():
            self.gone(kind, object_id, f"get_{kind}")


Scenario = Callable[[ScenarioContext], None]


def run_scenarios(run: RunContext, scenarios: Mapping[str, Scenario], progress: Progress) -> None:
    """Run scenarios one after the other, each followed by the teardown of what it created."""
    catalogue = Catalogue(run.api)
    progress.start("scenarios", len(scenarios))
    for name, scenario in scenarios.items():
        run.scope = f"scenario-{name}"
        context = ScenarioContext(run, name, catalogue)
        try:
            scenario(context)
            context.record(f"scenario:{name}", "scenario_completes", True)
        except ScenarioFailed as failure:
            context.record(f"scenario:{name}", "scenario_completes", False, str(failure))
        except (Interrupted, KeyboardInterrupt):
            run.results.interrupted = True
            raise
        except Exception as error:  # a bug in a scenario must not skip its teardown or the others
            run.results.error(PHASE, f"scenario:{name}", type(error).__name__, str(error))
        finally:
            for problem in teardown(run.api, run.cleaner, run.ledger, scope=run.scope):
                context.record(
                    f"delete_{problem.kind}",
                    "teardown_removes_created_objects",
                    False,
                    f"{problem.kind} {problem.id} ({problem.name}): {problem.reason}",
                )
            run.scope = None
            progress.advance(name)
    progress.finish("scenarios")
