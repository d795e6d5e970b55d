"""The catalog's stored objects: datastore types, flavors, configuration parameters, available extensions.

Catalog objects have no status and belong to no project: they live under ``project_id=""`` and are
shared by every caller. The seeded ones are also shared by every fake of the process until a fake
changes its catalog (``shared.SharedTable``): ``clone`` gives the copy that fake then changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Self

from ...store import Record

__all__ = [
    "AvailableExtension",
    "ConfigurationParameter",
    "DatastoreType",
    "Flavor",
    "FlavorHost",
    "Scalar",
]

#: A configuration value as it arrives in JSON (``None`` resets a parameter to its default).
Scalar = int | float | str | bool | None


@dataclass(slots=True, kw_only=True)
class DatastoreType(Record):
    """An engine and version a datastore can be created with (``postgresql`` ``16``...)."""

    engine: str
    version: str

    def clone(self) -> Self:
        """A copy to change without changing this one."""
        return replace(self)


@dataclass(slots=True, kw_only=True)
class FlavorHost:
    """Dedicated hosts of a flavor: the API answers ``available_count`` for the admin's ``total_count``."""

    line: str
    processor: str
    total_count: int


@dataclass(slots=True, kw_only=True)
class Flavor(Record):
    """A size (vCPUs, RAM in MB, disk in GB) usable with the datastore types it lists."""

    name: str
    description: str
    vcpus: int
    ram: int
    disk: int
    datastore_type_ids: list[str]
    fl_size: str
    host: FlavorHost | None = None
    #: Admin-only columns (``FlavorCreate``); never answered.
    is_public: bool = True
    template: str | None = None

    def clone(self) -> Self:
        """A copy to change without changing this one (its lists and host are new objects)."""
        host = None if self.host is None else replace(self.host)
        return replace(self, datastore_type_ids=list(self.datastore_type_ids), host=host)


@dataclass(slots=True, kw_only=True)
class ConfigurationParameter(Record):
    """A setting of one datastore type that ``PUT /datastores/{id}/config`` may change.

    ``min``, ``max`` and ``default_value`` are the rendered values answered to clients; the
    ``*_template`` columns and the other admin-only flags are kept as the admin sent them.
    """

    datastore_type_id: str
    name: str
    type: str
    unit: str
    min: int | float | None = None
    max: int | float | None = None
    default_value: Scalar = None
    choices: list[Any] | None = None
    invalid_values: list[Any] | None = None
    is_restart_required: bool = False
    is_changeable: bool = True
    #: Admin-only columns (``ConfigurationParameterCreate``); never answered.
    can_be_empty: bool = False
    is_available_for_customer: bool = True
    is_multiple_choice_available: bool = False
    factor: int | None = None
    default_value_template: str | None = None
    min_template: str | None = None
    max_template: str | None = None

    def clone(self) -> Self:
        """A copy to change without changing this one (its lists are new objects)."""
        return replace(
            self,
            choices=None if self.choices is None else list(self.choices),
            invalid_values=None if self.invalid_values is None else list(self.invalid_values),
        )


@dataclass(slots=True, kw_only=True)
class AvailableExtension(Record):
    """A PostgreSQL extension datastores of the listed types may install, with its prerequisites."""

    name: str
    datastore_type_ids: list[str]
    dependency_ids: list[str] = field(default_factory=list)

    def clone(self) -> Self:
        """A copy to change without changing this one (its lists are new objects)."""
        return replace(
            self, datastore_type_ids=list(self.datastore_type_ids), dependency_ids=list(self.dependency_ids)
        )
