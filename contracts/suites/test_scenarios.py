"""The engine scenarios, one test each."""

from __future__ import annotations

import pytest

from contracts.integration import RunContext
from contracts.options import ALL_SCENARIOS
from contracts.progress import Progress
from contracts.results import Results
from contracts.scenarios import SCENARIOS, run_scenarios


@pytest.mark.parametrize("name", ALL_SCENARIOS, ids=ALL_SCENARIOS)
def test_scenario_holds(name: str, contract_context: RunContext) -> None:
    """The scenario completes, every response conforms, every expectation holds, nothing is left."""
    if not contract_context.options.allow_writes:
        pytest.skip("scenarios create objects: allow writes (--dbaas-allow-writes)")
    shared = contract_context.results
    contract_context.results = Results()
    try:
        run_scenarios(contract_context, {name: SCENARIOS[name]}, Progress(enabled=False))
        results = contract_context.results
    finally:
        contract_context.results = shared
    problems = [f"{r.operation} / {r.check}: {r.message}\n  {r.curl}" for r in results.failures()]
    problems += [f"{r.operation}: {r.title}: {r.message}" for r in results.errors]
    assert not problems, "\n".join(problems)
