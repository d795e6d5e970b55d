"""The asynchronous state machine: links chain creates, waiters settle them, scenarios clean up."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from contracts.integration import RunContext


def test_links_chain_creates_and_objects_settle(contract_schema: Any, contract_context: RunContext) -> None:
    """Stateful scenarios over the spec's links pass every check, waiting for each object to settle."""
    options = contract_context.options
    if not options.allow_writes:
        pytest.skip("the stateful phase creates objects: allow writes (--dbaas-allow-writes)")
    token = options.token

    class Machine(contract_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"X-Auth-Token": token}, "timeout": options.request_timeout}

    Machine.run(
        settings=settings(
            max_examples=options.max_examples,
            stateful_step_count=options.max_steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=options.seed is not None,
        )
    )
