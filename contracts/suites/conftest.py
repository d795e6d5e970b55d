"""Fixtures of the pytest suites: the run's options, context and schemathesis schema."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.engine import engine_config, select_operations
from contracts.integration import ContractSchema, RunContext, build_schema
from contracts.options import RunOptions
from contracts.runner import open_context
from contracts.safety import compare_inventories, take_inventory, teardown


def _setting(config: pytest.Config, name: str, env: str) -> Any:
    value = config.getoption(name, default=None)
    return value if value not in (None, False) else os.environ.get(env)


@pytest.fixture(scope="session")
def contract_options(pytestconfig: pytest.Config) -> RunOptions:
    """The options of the session's run (skips the suites when no target is given)."""
    base_url = _setting(pytestconfig, "dbaas_base_url", "DBAAS_BASE_URL")
    token = _setting(pytestconfig, "dbaas_token", "DBAAS_TOKEN")
    if not base_url or not token:
        pytest.skip("no target: give --dbaas-base-url and --dbaas-token (or DBAAS_BASE_URL, DBAAS_TOKEN)")
    writes = _setting(pytestconfig, "dbaas_allow_writes", "DBAAS_ALLOW_WRITES")
    examples = _setting(pytestconfig, "dbaas_max_examples", "DBAAS_MAX_EXAMPLES")
    seed = _setting(pytestconfig, "dbaas_seed", "DBAAS_SEED")
    report = _setting(pytestconfig, "dbaas_report_dir", "DBAAS_REPORT_DIR")
    return RunOptions(
        base_url=str(base_url),
        token=str(token),
        admin_token=_setting(pytestconfig, "dbaas_admin_token", "DBAAS_ADMIN_TOKEN"),
        allow_writes=writes not in (None, "", "0", "false", False),
        max_examples=int(examples) if examples else 10,
        seed=int(seed) if seed else None,
        report_dir=Path(report) if report else None,
        progress=False,
    )


@pytest.fixture(scope="session")
def contract_context(contract_options: RunOptions) -> Iterator[RunContext]:
    """The session's run context; at the end, everything created is torn down and the inventory checked."""
    report = contract_options.report_dir
    context = open_context(contract_options, ledger_path=report / "ledger.json" if report else None)
    before = take_inventory(context.api)
    yield context
    problems = [
        f"{p.kind} {p.id}: {p.reason}" for p in teardown(context.api, context.cleaner, context.ledger)
    ]
    diff = compare_inventories(before, take_inventory(context.api), context.ledger)
    problems += [f"left behind: {kind} {object_id} ({name})" for kind, object_id, name in diff.left]
    problems += [
        f"changed, not ours: {kind} {object_id} ({fields})" for kind, object_id, fields in diff.changed
    ]
    problems += [f"removed, not ours: {kind} {object_id}" for kind, object_id in diff.vanished]
    assert not problems, "the session was not clean:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def contract_schema(contract_context: RunContext) -> Any:
    """The schemathesis schema of the session, configured like a ``dbaas-contracts run``."""
    options = contract_context.options
    config = engine_config(contract_context, ("examples", "coverage", "fuzzing", "stateful"))
    schema: ContractSchema = build_schema(contract_context.spec, config, app=options.app)
    schema.contract = contract_context
    return select_operations(contract_context, schema)


@pytest.fixture(scope="session")
def auth_headers(contract_options: RunOptions) -> dict[str, str]:
    """The project token header."""
    return {"X-Auth-Token": contract_options.token}
