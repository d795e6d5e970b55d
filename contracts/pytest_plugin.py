"""Options of the pytest suites (``contracts.suites``); load with ``-p contracts.pytest_plugin``.

Every option also reads an environment variable, so ``pytest --pyargs contracts.suites`` works without
the plugin: ``DBAAS_BASE_URL``, ``DBAAS_TOKEN``, ``DBAAS_ADMIN_TOKEN``, ``DBAAS_ALLOW_WRITES=1``,
``DBAAS_MAX_EXAMPLES``, ``DBAAS_SEED``, ``DBAAS_REPORT_DIR``.
"""

from __future__ import annotations

import pytest

__all__ = ["OPTIONS", "pytest_addoption"]

#: (option, environment variable, help) of each setting.
OPTIONS = (
    ("--dbaas-base-url", "DBAAS_BASE_URL", "the API's endpoint, ending in /v1"),
    ("--dbaas-token", "DBAAS_TOKEN", "the project's X-Auth-Token"),
    ("--dbaas-admin-token", "DBAAS_ADMIN_TOKEN", "a token for the admin-only operations"),
    ("--dbaas-max-examples", "DBAAS_MAX_EXAMPLES", "examples per operation (default 10)"),
    ("--dbaas-seed", "DBAAS_SEED", "seed of the generated data"),
    ("--dbaas-report-dir", "DBAAS_REPORT_DIR", "where the ledger of created objects goes"),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--dbaas-*`` options."""
    group = parser.getgroup("dbaas-contracts", "contract tests of the Managed Databases API v1")
    for flag, env, text in OPTIONS:
        group.addoption(flag, default=None, help=f"{text} (env {env})")
    group.addoption(
        "--dbaas-allow-writes",
        action="store_true",
        default=False,
        help="allow requests that create or change objects (env DBAAS_ALLOW_WRITES=1)",
    )
