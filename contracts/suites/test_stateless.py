"""Every operation with schemathesis' checks and the kit's (read-only unless writes are allowed).

``test_operation_honours_the_contract`` draws positive and negative requests for one operation (one
test per operationId); ``test_schemathesis_phase`` runs schemathesis' own examples and coverage
phases (its engine, as ``dbaas-contracts run`` does) and fails with every failure found.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from contracts.engine import run_engine
from contracts.integration import RunContext
from contracts.progress import Progress
from contracts.results import Results
from contracts.spec import SpecIndex


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per operation of the spec, named by its operationId."""
    if "operation_id" in metafunc.fixturenames:
        ids = sorted(SpecIndex.load().operations)
        metafunc.parametrize("operation_id", ids, ids=ids)


def test_operation_honours_the_contract(
    operation_id: str, contract_schema: Any, contract_context: RunContext
) -> None:
    """Generated requests of one operation; every response passes every enabled check."""
    options = contract_context.options
    op = contract_context.spec.operations[operation_id]
    if op.mutating and not options.allow_writes:
        pytest.skip(f"{op.method}: allow writes (--dbaas-allow-writes)")
    if operation_id in options.exclude_operations:
        pytest.skip("excluded")
    operation = contract_schema.find_operation_by_id(operation_id)
    token = options.admin_token if op.admin and options.admin_token else options.token
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=options.max_examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=options.seed is not None,
        database=None,
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers={"X-Auth-Token": token}, timeout=options.request_timeout)

    check()


@pytest.mark.parametrize("phase", ["examples", "coverage"], ids=["examples", "coverage"])
def test_schemathesis_phase(phase: str, contract_context: RunContext) -> None:
    """Schemathesis' deterministic phases through its engine; every check passes."""
    shared = contract_context.results
    contract_context.results = Results()
    original = contract_context.options
    try:
        contract_context.options = original.with_phases((phase,))
        run_engine(contract_context, Progress(enabled=False))
        results = contract_context.results
    finally:
        contract_context.options = original
        contract_context.results = shared
    problems = [f"{r.operation} / {r.check}: {r.message}\n  {r.curl}" for r in results.failures()]
    problems += [f"{r.operation}: {r.title}: {r.message}" for r in results.errors]
    assert not problems, "\n".join(problems)
