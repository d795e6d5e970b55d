"""Settings of one fake: seed, admin token, lifecycle mode, quotas, clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import Clock
from .lifecycle import Mode

__all__ = ["DEFAULT_ADMIN_TOKEN", "DEFAULT_QUOTAS", "MockConfig"]

DEFAULT_ADMIN_TOKEN = "dbaas-mock-admin"

#: Per-project quota limits (ram in MB, disk in GB); see docs/DESIGN.md.
DEFAULT_QUOTAS: dict[str, int] = {
    "datastores": 20,
    "nodes": 60,
    "vcpus": 256,
    "ram": 1_048_576,
    "disk": 20_480,
}


@dataclass(slots=True)
class MockConfig:
    """Everything that shapes a fake; two apps with equal configs (and seeds) behave the same."""

    seed: int = 0
    admin_token: str = DEFAULT_ADMIN_TOKEN
    lifecycle: Mode = Mode.READS
    reads: int = 1
    region: str = "ru-1"
    clock: Clock | None = None
    quotas: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_QUOTAS))
    #: The largest request body accepted (bytes); larger ones get 413 without being read further.
    max_body: int = 1024 * 1024

    def __post_init__(self) -> None:
        # Accept the mode as text (``lifecycle="manual"``): the engine compares Mode members.
        self.lifecycle = Mode(self.lifecycle)
        if self.reads < 1:
            raise ValueError("reads must be >= 1")
