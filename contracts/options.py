"""Everything that shapes one run of the kit (:class:`RunOptions`), with the defaults of the CLI."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

__all__ = [
    "ALL_PHASES",
    "ALL_SCENARIOS",
    "DEFAULT_SUBNET_ID",
    "ENGINE_PHASES",
    "IN_PROCESS_URL",
    "RunOptions",
    "is_loopback",
    "new_run_id",
]

#: The phases, in the order they run.
ALL_PHASES: Final = ("examples", "coverage", "fuzzing", "stateful", "scenarios")
#: The phases schemathesis' engine runs.
ENGINE_PHASES: Final = ("examples", "coverage", "fuzzing", "stateful")
#: The scenarios, in the order they run.
ALL_SCENARIOS: Final = ("postgresql", "mysql", "redis", "kafka")
#: Base URL of an in-process target (the host is never resolved).
IN_PROCESS_URL: Final = "http://in-process.invalid/v1"
#: Subnet id sent in datastore creates unless ``--subnet-id`` says otherwise.
DEFAULT_SUBNET_ID: Final = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"


def new_run_id() -> str:
    """A short random id naming one run (8 hex digits)."""
    return secrets.token_hex(4)


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class RunOptions:
    """The settings of one run; see ``dbaas-contracts run --help`` for each one's meaning."""

    base_url: str = IN_PROCESS_URL
    token: str = "dbaas-contracts-token"
    admin_token: str | None = None
    #: An ASGI app to test in-process instead of ``base_url`` (e.g. ``mock_server.create_app()``).
    app: Any = None
    phases: tuple[str, ...] = ALL_PHASES
    scenarios: tuple[str, ...] = ALL_SCENARIOS
    max_examples: int = 10
    max_steps: int = 12
    seed: int | None = None
    allow_writes: bool = False
    report_dir: Path | None = None
    spec_path: Path | None = None
    #: ``auto`` (probe for the fake's control API), ``fake`` or ``live``.
    target_kind: str = "auto"
    #: Seconds before the first poll of a waiter; ``None``: 10 (the provider's), 0 for a fake/loopback.
    poll_delay: float | None = None
    #: Seconds between polls; ``None``: the provider's schedule, 0.01 for a fake/loopback.
    poll_interval: float | None = None
    #: Seconds a waiter waits at most; ``None``: 3600 (the provider's 60 min), 60 for a fake/loopback.
    wait_timeout: float | None = None
    max_datastores: int = 3
    max_nodes: int = 1
    prefix: str = "ct-"
    subnet_id: str = DEFAULT_SUBNET_ID
    run_id: str = field(default_factory=new_run_id)
    request_timeout: float = 30.0
    progress: bool = True
    #: Operation ids the schemathesis phases are limited to (empty: every operation).
    operations: tuple[str, ...] = ()
    #: Operation ids to leave out of the schemathesis phases.
    exclude_operations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.phases) - set(ALL_PHASES)
        if unknown:
            raise ValueError(f"unknown phases {sorted(unknown)}; known: {', '.join(ALL_PHASES)}")
        unknown = set(self.scenarios) - set(ALL_SCENARIOS)
        if unknown:
            raise ValueError(f"unknown scenarios {sorted(unknown)}; known: {', '.join(ALL_SCENARIOS)}")
        if self.target_kind not in ("auto", "fake", "live"):
            raise ValueError("target_kind is one of auto, fake, live")
        if self.max_examples < 1 or self.max_steps < 2:
            raise ValueError("max_examples must be >= 1 and max_steps >= 2")
        if self.max_datastores < 0 or self.max_nodes < 1:
            raise ValueError("max_datastores must be >= 0 and max_nodes >= 1")
        if not self.prefix or not all(c.isalnum() or c in "-_" for c in self.prefix):
            raise ValueError("the prefix is made of letters, digits, '-' and '_'")

    @property
    def run_prefix(self) -> str:
        """What every name this run gives starts with: ``<prefix><run id>-``."""
        return f"{self.prefix}{self.run_id}-"

    @property
    def in_process(self) -> bool:
        """Whether the target is an app in this process."""
        return self.app is not None

    @property
    def local(self) -> bool:
        """Whether the target is in-process or on a loopback address."""
        return self.in_process or is_loopback(self.base_url)

    def with_phases(self, phases: Sequence[str]) -> RunOptions:
        """A copy running only ``phases``."""
        return replace(self, phases=tuple(phases))
