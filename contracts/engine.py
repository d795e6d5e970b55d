"""The schemathesis phases (examples, coverage, fuzzing, stateful) through schemathesis' own engine.

The engine is the one the ``schemathesis run`` CLI uses; the kit configures it (its checks and the
kit's, the replaced stateful checks off, one worker so the ledger sees creates in order), consumes
its events and turns them into :class:`~contracts.results.Results` and progress.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from schemathesis.engine import Status, events, from_schema

from .checks import CHECKS
from .integration import ContractSchema, build_schema
from .options import ENGINE_PHASES
from .stateful import ASYNC_CHECKS, REPLACED_CHECKS

if TYPE_CHECKING:
    from .integration import RunContext
    from .progress import Progress

__all__ = ["engine_config", "run_engine", "select_operations"]


def engine_config(context: RunContext, phases: tuple[str, ...]) -> dict[str, Any]:
    """The schemathesis configuration of a run (the keys of ``schemathesis.toml``)."""
    options = context.options
    checks: dict[str, Any] = {name: {"enabled": True} for name in CHECKS}
    checks.update({check.__name__: {"enabled": True} for check in ASYNC_CHECKS})
    checks["missing_token_is_rejected"] = {"enabled": True}
    for name in REPLACED_CHECKS:
        checks[name] = {"enabled": False}
    # The fake takes any token as a project of its own (DECISIONS 18): an "invalid" token is valid.
    checks["ignored_auth"] = {"enabled": not context.fake}
    checks["object_level_authorization"] = {"enabled": False}
    if not options.allow_writes:
        # It probes each path with the methods the spec does not list (POST, PUT, DELETE...).
        checks["unsupported_method"] = {"enabled": False}
    config: dict[str, Any] = {
        "seed": options.seed if options.seed is not None else random.SystemRandom().randrange(2**31),
        "base-url": options.base_url,
        "headers": {"X-Auth-Token": options.token},
        "workers": 1,
        "request-timeout": options.request_timeout,
        "generation": {"max-examples": options.max_examples, "mode": "all"},
        "phases": {
            "examples": {"enabled": "examples" in phases},
            "coverage": {
                "enabled": "coverage" in phases,
                **({} if options.allow_writes else {"unexpected-methods": []}),
            },
            "fuzzing": {"enabled": "fuzzing" in phases},
            # Stateful scenarios create: a read-only run leaves them out.
            "stateful": {
                "enabled": "stateful" in phases and options.allow_writes,
                "max-steps": options.max_steps,
            },
        },
        "checks": checks,
    }
    admin_ops = sorted(op.operation_id for op in context.spec.operations.values() if op.admin)
    stateful_off = {"phases": {"stateful": {"enabled": False}}}
    admin: dict[str, Any] = {"include-operation-id": admin_ops, **stateful_off}
    if options.admin_token:
        admin["headers"] = {"X-Auth-Token": options.admin_token}
    # The stateful phase follows the datastore's links; lists and the catalogue are the stateless
    # phases' business, and would only dilute its budget.
    off = sorted(
        op.operation_id
        for op in context.spec.operations.values()
        if not op.admin
        and (op.response_is_list or op.kind is None or op.kind.catalogue or op.kind.name == "action")
        and not op.path.startswith("/floating-ips")
    )
    config["operations"] = [*_selection(context), admin, {"include-operation-id": off, **stateful_off}]
    return config


def _selection(context: RunContext) -> list[dict[str, Any]]:
    """``[[operations]]`` entries that turn off what the run does not test.

    (Selection lives in the configuration: schemathesis folds ``[[operations]]`` into one include
    filter, which ``schema.include()`` would only widen.)
    """
    options = context.options
    entries: list[dict[str, Any]] = []
    if not options.allow_writes:
        entries.append({"include-method": ["POST", "PUT", "PATCH", "DELETE"], "enabled": False})
    if options.operations:
        entries.append({"exclude-operation-id": list(options.operations), "enabled": False})
    if options.exclude_operations:
        entries.append({"include-operation-id": list(options.exclude_operations), "enabled": False})
    return entries


def select_operations(context: RunContext, schema: ContractSchema) -> Any:
    """The schema the phases run on (the selection itself is in :func:`engine_config`)."""
    return schema


def _operation_count(context: RunContext) -> int:
    ops = [
        op
        for op in context.spec.operations.values()
        if (context.options.allow_writes or not op.mutating)
        and op.operation_id not in context.options.exclude_operations
        and (not context.options.operations or op.operation_id in context.options.operations)
    ]
    return len(ops)


def run_engine(context: RunContext, progress: Progress) -> int:
    """Run the selected schemathesis phases; returns the seed used. Re-raises an interrupt at the end."""
    phases = tuple(phase for phase in context.options.phases if phase in ENGINE_PHASES)
    config = engine_config(context, phases)
    schema = build_schema(context.spec, config, app=context.options.app)
    schema.contract = context
    stream = from_schema(select_operations(context, schema)).execute()
    total = _operation_count(context)
    try:
        for event in stream:
            _handle(context, progress, event, total)
    except KeyboardInterrupt:
        context.stop.set()
        context.results.interrupted = True
        stream.stop()
        for event in stream:
            _handle(context, progress, event, total)
        raise
    return int(config["seed"])


def _handle(context: RunContext, progress: Progress, event: events.EngineEvent, total: int) -> None:
    results = context.results
    wanted = context.options.phases
    if isinstance(event, events.PhaseStarted) and event.phase.name.value in wanted:
        name = event.phase.name.value
        progress.start(name, context.options.max_examples if name == "stateful" else total)
    elif isinstance(event, events.PhaseFinished) and event.phase.name.value in wanted:
        reason = event.phase.skip_reason
        if event.status == Status.SKIP and reason is not None and event.phase.is_enabled is False:
            results.note(f"phase {event.phase.name.value} skipped: {reason.value}")
        progress.finish(event.phase.name.value)
    elif isinstance(event, events.ScenarioFinished):
        if event.status != Status.SKIP or event.recorder.checks:
            _record(context, event.phase.value, event.recorder)
        progress.advance(event.label or event.phase.value)
    elif isinstance(event, events.NonFatalError):
        phase = event.phase.value if event.phase is not None else "engine"
        results.error(phase, event.label, event.info.title, event.info.message)
    elif isinstance(event, events.FatalError):
        results.error(
            "engine", "engine", "Fatal error", f"{type(event.exception).__name__}: {event.exception}"
        )
    elif isinstance(event, events.Interrupted):
        context.stop.set()
        results.interrupted = True


def _record(context: RunContext, phase: str, recorder: Any) -> None:
    """Turn a scenario's recorded checks into tallies and failure records."""
    from .results import FailureRecord

    for case_id, nodes in recorder.checks.items():
        node = recorder.cases.get(case_id)
        if node is None:
            continue
        case = node.value
        op = context.spec.by_label(case.operation.label)
        operation = op.operation_id if op is not None else case.operation.label
        interaction = recorder.interactions.get(case_id)
        status = (
            interaction.response.status_code if interaction is not None and interaction.response else None
        )
        for check in nodes:
            if check.status == Status.SUCCESS:
                context.results.passed(phase, operation, check.name)
            elif check.status == Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                context.results.failed(
                    FailureRecord(
                        phase,
                        operation,
                        check.name,
                        str(failure.title),
                        str(failure.message),
                        _curl(case, check.failure_info.code_sample),
                        status,
                    )
                )


def _curl(case: Any, sample: str) -> str:
    """The failing request as a curl line (the engine's code sample; the results mask the tokens)."""
    return sample.strip() if sample else str(case.as_curl_command())
