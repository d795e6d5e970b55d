"""dbaas-contracts: the contract-testing kit of the Managed Databases API v1.

Run it from the command line (``dbaas-contracts run --base-url URL --token T``), from pytest
(``pytest -p contracts.pytest_plugin --pyargs contracts.suites --dbaas-base-url URL --dbaas-token T``)
or from Python::

    import contracts
    from mock_server import create_app

    result = contracts.run(target=create_app(), allow_writes=True, max_examples=5)
    assert result.ok, result.results.failures()

See the README, section "The contract-testing kit".
"""

from __future__ import annotations

from .checks import CHECKS, Exchange
from .ledger import Ledger
from .options import ALL_PHASES, ALL_SCENARIOS, RunOptions
from .results import Results
from .runner import RunResult, run
from .safety import sweep
from .spec import SpecIndex

__all__ = [
    "ALL_PHASES",
    "ALL_SCENARIOS",
    "CHECKS",
    "Exchange",
    "Ledger",
    "Results",
    "RunOptions",
    "RunResult",
    "SpecIndex",
    "run",
    "sweep",
]
