"""The target's catalogue, read once per run: datastore types and flavors.

The guard uses it to keep generated datastores small (smallest flavor), the stateful phase to send
creates that can succeed, the scenarios to pick an engine's type and flavors.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .kinds import KINDS

if TYPE_CHECKING:
    from .api import Api

__all__ = ["Catalogue", "Flavor"]


@dataclass(frozen=True, slots=True)
class Flavor:
    """A flavor of the catalogue."""

    id: str
    vcpus: int
    ram: int
    disk: int
    type_ids: frozenset[str]

    @property
    def size(self) -> tuple[int, int, int]:
        """What orders flavors from small to large."""
        return (self.vcpus, self.ram, self.disk)


class Catalogue:
    """Datastore types and flavors of the target (read on first use)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self._types: list[dict[str, Any]] | None = None
        self._flavors: list[Flavor] | None = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._types is not None:
                return
            types = self.api.list(KINDS["datastore_type"]).items()
            flavors = []
            for raw in self.api.list(KINDS["flavor"]).items():
                try:
                    flavors.append(
                        Flavor(
                            str(raw["id"]),
                            int(raw["vcpus"]),
                            int(raw["ram"]),
                            int(raw["disk"]),
                            frozenset(str(t) for t in raw.get("datastore_type_ids") or []),
                        )
                    )
                except (KeyError, TypeError, ValueError):
                    continue
            self._flavors = sorted(flavors, key=lambda flavor: flavor.size)
            self._types = types

    @property
    def types(self) -> list[dict[str, Any]]:
        """Every datastore type."""
        self._load()
        return list(self._types or [])

    @property
    def flavors(self) -> list[Flavor]:
        """Every flavor, smallest first."""
        self._load()
        return list(self._flavors or [])

    def engine_of(self, type_id: str) -> str | None:
        """The engine of a type id (``None`` if unknown)."""
        return next((str(t.get("engine")) for t in self.types if t.get("id") == type_id), None)

    def type_for(self, engine: str) -> dict[str, Any] | None:
        """The newest type of an engine that has a flavor (``None`` if the target has none)."""
        candidates = [
            t for t in self.types if t.get("engine") == engine and self.flavors_for(str(t.get("id")))
        ]
        return candidates[-1] if candidates else None

    def flavors_for(self, type_id: str) -> list[Flavor]:
        """Flavors of a type, smallest first (a flavor listing no type fits every type)."""
        return [f for f in self.flavors if not f.type_ids or type_id in f.type_ids]

    def smallest(self, type_id: str | None = None) -> Flavor | None:
        """The smallest flavor (of a type)."""
        flavors = self.flavors_for(type_id) if type_id else self.flavors
        return flavors[0] if flavors else None

    def larger(self, type_id: str, than: tuple[int, int, int]) -> Flavor | None:
        """The smallest flavor of a type strictly larger than ``than``."""
        return next((f for f in self.flavors_for(type_id) if f.size > than), None)

    def by_id(self, flavor_id: str) -> Flavor | None:
        """A flavor by id."""
        return next((f for f in self.flavors if f.id == flavor_id), None)
