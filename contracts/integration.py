"""The glue between the kit and schemathesis: the run's schema, its hooks and the checks' adapters.

- :class:`ContractSchema` is schemathesis' OpenAPI schema carrying the run's :class:`RunContext`
  (kept by its clones), and building state machines that tear down each scenario's objects.
- Two global hooks (``before_call``/``after_call``, registered once on import) hand every call of a
  :class:`ContractSchema` to the run's guard (safety) and ledger; calls of other schemas are untouched.
- Each check of :mod:`contracts.checks` and :mod:`contracts.stateful` is registered with schemathesis
  under its own name; it judges only responses of a :class:`ContractSchema`.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Self

import schemathesis
from hypothesis import strategies as st
from schemathesis.specs.openapi.schemas import OpenApiSchema

from .checks import CHECKS, Check, Exchange, parse_json
from .spec import OperationInfo, SpecIndex

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

    from .api import Api
    from .fidelity import FidelityTracker
    from .guard import Guard
    from .ledger import Ledger
    from .options import RunOptions
    from .results import Results
    from .waiters import Waiter

#: How every 400 message of the API begins.
BUSINESS_RULE_PREFIX = "Validation failure:"

__all__ = [
    "BUSINESS_RULE_PREFIX",
    "STATELESS_CHECKS",
    "ContractSchema",
    "RunContext",
    "build_schema",
    "context_of",
    "exchange_of",
    "missing_token_is_rejected",
    "operation_of",
    "register_check",
]


@dataclass(eq=False)
class RunContext:
    """Everything one run shares between its phases, hooks and checks."""

    options: RunOptions
    spec: SpecIndex
    ledger: Ledger
    results: Results
    fidelity: FidelityTracker
    fake: bool
    stop: threading.Event
    api: Api = field(init=False)
    waiter: Waiter = field(init=False)
    #: A waiter that ignores :attr:`stop`: teardown goes on after an interrupt.
    cleaner: Waiter = field(init=False)
    #: ``None`` for a context that must not guard its calls (``sweep``).
    guard: Guard | None = field(init=False, default=None)
    #: Operations already probed without a token (the fake's replacement of ``ignored_auth``).
    auth_probed: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)

    @property
    def scope(self) -> str | None:
        """The scope objects created by this thread now belong to (a stateful scenario, a kit scenario)."""
        return getattr(self._local, "scope", None)

    @scope.setter
    def scope(self, value: str | None) -> None:
        self._local.scope = value


class ContractSchema(OpenApiSchema):
    """An OpenAPI schema of schemathesis that knows the run it belongs to."""

    contract: RunContext | None = None

    def clone(self, **kwargs: Any) -> Self:
        """A clone (schemathesis makes them for filters and tests) that keeps the run context."""
        cloned = super().clone(**kwargs)
        cloned.contract = self.contract
        return cloned

    def build_state_machine(self, **kwargs: Any) -> Any:
        """Schemathesis' state machine, whose scenarios each tear down what they created."""
        machine = super().build_state_machine(**kwargs)
        if self.contract is None:
            return machine
        from .stateful import with_scenario_teardown

        return with_scenario_teardown(machine, self.contract)


def build_schema(spec: SpecIndex, config: dict[str, Any], *, app: Any = None) -> ContractSchema:
    """A :class:`ContractSchema` of the spec with a schemathesis configuration (TOML keys as a dict)."""
    loaded = schemathesis.openapi.from_dict(
        copy.deepcopy(dict(spec.document)), config=schemathesis.Config.from_dict(config)
    )
    schema = ContractSchema(raw_schema=loaded.raw_schema, config=loaded.config, filter_set=loaded.filter_set)
    schema.location = spec.path.absolute().as_uri()
    schema.app = app
    return schema


def context_of(case: Case[Any]) -> RunContext | None:
    """The run a case belongs to (``None`` for any other schema)."""
    schema = case.operation.schema
    return schema.contract if isinstance(schema, ContractSchema) else None


def operation_of(context: RunContext, case: Case[Any]) -> OperationInfo | None:
    """The contract's view of a case's operation."""
    return context.spec.by_label(case.operation.label)


def exchange_of(context: RunContext, case: Case[Any], response: Response) -> Exchange | None:
    """The :class:`Exchange` of a call, or ``None`` if the operation is not in the spec."""
    op = operation_of(context, case)
    if op is None:
        return None
    body = case.body if isinstance(case.body, dict | list | str | int | float | bool) else None
    return Exchange(
        op=op,
        status=response.status_code,
        body=parse_json(response.content),
        request_body=body,
        path_params=dict(case.path_parameters or {}),
    )


def register_check(name: str, check: Check) -> Callable[[CheckContext, Response, Case[Any]], bool | None]:
    """Register a property check with schemathesis under ``name``; it raises on the problems it finds."""

    def run(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        context = context_of(case)
        if context is None:
            return True  # another API: not ours to judge
        exchange = exchange_of(context, case, response)
        if exchange is None:
            return True
        problems = check(exchange)
        if problems:
            raise AssertionError("; ".join(problems))
        return None

    run.__name__ = run.__qualname__ = name
    run.__doc__ = check.__doc__
    schemathesis.check(run)
    return run


def _business_rule(response: Response) -> bool:
    """Whether a 400 refuses on a business rule (a plain sentence), not on the schema (a dict)."""
    body = parse_json(response.content)
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    if not isinstance(message, str) or not message.startswith(BUSINESS_RULE_PREFIX):
        return False
    detail = message[len(BUSINESS_RULE_PREFIX) :].lstrip()
    if not detail.startswith("{"):
        return True  # a plain sentence: a business rule
    # Configuration parameters are checked against the catalogue of the datastore's type, which the
    # schema cannot express: a refusal naming only ``config.<name>`` keys is that check.
    keys = re.findall(r"[{,]\s*'([^']*)':", detail)
    return bool(keys) and all(key.startswith("config.") for key in keys)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Case[Any], response: Response) -> bool:
    """Drop "valid data refused" failures that are not violations of the contract.

    The spec allows a 400 whose message is a plain sentence (DECISIONS 11: a sub-resource on the wrong
    engine, a node count outside the engine's range, an ACL allowing nothing...), so such a refusal of
    positive data is the contract, not a violation of it; nor is the refusal of a request the spec
    itself rejects (a ``UUID`` field holding something else).
    """
    run = context_of(case)
    if run is None:
        return True
    if type(failure).__name__ != "RejectedPositiveData" or response.status_code != 400:
        return True
    if _business_rule(response):
        return False
    # Generated "positive" data is sometimes not (a constant from the spec's prose put where a UUID is
    # due): only a request the spec itself accepts makes a refusal a violation.
    op = operation_of(run, case)
    body = case.body if isinstance(case.body, dict | list) else None
    return op is None or body is None or not run.spec.validate_request(op, body)


@schemathesis.hook
def before_call(context: Any, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Hand every call of a run to its guard (names, caps, foreign ids, read-only)."""
    run = context_of(case)
    if run is not None and run.guard is not None:
        run.guard.before_call(case, kwargs)


@schemathesis.hook
def after_call(context: Any, case: Case[Any], response: Response) -> None:
    """Record created objects in the run's ledger and observe the answer for the fidelity report."""
    run = context_of(case)
    if run is None:
        return
    if run.guard is not None:
        run.guard.after_call(case, response)
    op = operation_of(run, case)
    if op is not None and str(case.method).upper() == op.method:  # not a probe with another method
        body = case.body if isinstance(case.body, dict) else None
        run.fidelity.observe(
            op, response.status_code, parse_json(response.content), query=case.query, request_body=body
        )


#: The API's own format of UUIDs in requests: 32 hex digits, dashed or not, any case (DESIGN.md).
schemathesis.openapi.format(
    "UUID",
    st.one_of(
        st.uuids().map(str),
        st.uuids().map(lambda value: value.hex),
        st.uuids().map(lambda value: str(value).upper()),
    ),
)

#: The adapters of the stateless checks, by name (registered with schemathesis on import).
STATELESS_CHECKS: Mapping[str, Callable[..., bool | None]] = MappingProxyType(
    {name: register_check(name, check) for name, check in CHECKS.items()}
)


def missing_token_is_rejected(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Without ``X-Auth-Token`` the operation answers 401 in the envelope (probed once per operation).

    The fake accepts any token as a project of its own, so schemathesis' ``ignored_auth`` (which also
    sends an invalid token) does not apply to it; this probe keeps the part that does.
    """
    context = context_of(case)
    op = operation_of(context, case) if context is not None else None
    if context is None or op is None:
        return True
    with context.lock:
        if op.operation_id in context.auth_probed:
            return True
        context.auth_probed.add(op.operation_id)
    kwargs: dict[str, Any] = {
        "path_parameters": dict(case.path_parameters or {}),
        "query": dict(case.query or {}),
    }
    if isinstance(case.body, dict | list):
        kwargs["body"] = copy.deepcopy(case.body)
        kwargs["media_type"] = "application/json"
    probe = case.operation.Case(**kwargs)
    answer = probe.call(timeout=context.options.request_timeout)
    body = parse_json(answer.content)
    error = body.get("error") if isinstance(body, dict) else None
    if answer.status_code != 401 or not isinstance(error, dict) or error.get("code") != 401:
        raise AssertionError(
            f"without a token {op.operation_id} answered {answer.status_code}: {answer.content[:200]!r}"
        )
    return None


schemathesis.check(missing_token_is_rejected)
