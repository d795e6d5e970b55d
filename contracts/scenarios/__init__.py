"""Scenarios written once and run against either target: one per engine.

Each is a function of a :class:`~contracts.scenarios.base.ScenarioContext`; :data:`SCENARIOS` maps
their names (the values of ``--scenarios``) to them, in the order they run.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .base import Scenario, ScenarioContext, ScenarioFailed, run_scenarios
from .kafka import kafka
from .mysql import mysql
from .postgresql import postgresql
from .redis import redis

__all__ = ["SCENARIOS", "Scenario", "ScenarioContext", "ScenarioFailed", "run_scenarios"]

#: Every scenario by name.
SCENARIOS: Final[Mapping[str, Scenario]] = MappingProxyType(
    {"postgresql": postgresql, "mysql": mysql, "redis": redis, "kafka": kafka}
)
