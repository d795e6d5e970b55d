"""dbaas-mock: a high-fidelity fake of Selectel's Managed Databases API v1."""

from __future__ import annotations

from .app import DbaasMockApp, create_app
from .clock import Clock
from .config import MockConfig
from .control import Controller
from .errors import ApiError
from .lifecycle import Mode

__all__ = ["ApiError", "Clock", "Controller", "DbaasMockApp", "MockConfig", "Mode", "create_app"]
