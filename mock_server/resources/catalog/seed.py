"""Builds the seeded catalog from ``data.py`` and ``parameters.py``; the seed decides ids and host counts.

:func:`pristine_catalog` builds it once per seed and process; fakes read it through
``shared.SharedTable`` and never write to it.
"""

from __future__ import annotations

import functools
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ...store import Table
from .data import DATASTORE_TYPES, EXTENSIONS, FLAVOR_LINES, flavor_name
from .parameters import parameters_of
from .records import AvailableExtension, ConfigurationParameter, DatastoreType, Flavor, FlavorHost

__all__ = ["CATALOG_EPOCH", "PristineCatalog", "new_catalog_id", "pristine_catalog"]

#: ``created_at`` of the seeded objects (never answered: catalog objects have no timestamps).
CATALOG_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def new_catalog_id(ids: random.Random) -> str:
    """A new catalog id (dashed UUID) drawn from the catalog's own generator ``ids``."""
    return str(uuid.UUID(int=ids.getrandbits(128), version=4))


@dataclass(eq=False)
class PristineCatalog:
    """The four seeded catalog tables of one seed, and the id generator's state after seeding them.

    Shared by every fake of the process with that seed: never write to these tables (read them
    through ``shared.SharedTable``).
    """

    seed: int
    types: Table[DatastoreType] = field(
        default_factory=lambda: Table("datastore_type", "datastoretype", None, indexed=("engine",))
    )
    flavors: Table[Flavor] = field(
        default_factory=lambda: Table("flavor", "flavor", None, indexed=("fl_size", "name"))
    )
    parameters: Table[ConfigurationParameter] = field(
        default_factory=lambda: Table(
            "configuration_parameter", "configurationparameter", None, indexed=("datastore_type_id", "name")
        )
    )
    available_extensions: Table[AvailableExtension] = field(
        default_factory=lambda: Table("available_extension", "availableextension", None, indexed=("name",))
    )
    #: ``random.Random.getstate()`` of the catalog's id generator once the seeded objects drew theirs.
    ids_state: tuple[Any, ...] = ()
    _ids: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._ids = random.Random(f"dbaas-mock-catalog-ids-{self.seed}")

    def new_id(self) -> str:
        """The next id while seeding."""
        return new_catalog_id(self._ids)

    def ids(self) -> random.Random:
        """A new id generator in the state the seeded objects left it (each fake draws from its own)."""
        ids = random.Random()
        ids.setstate(self.ids_state)
        return ids


@functools.lru_cache(maxsize=8)
def pristine_catalog(seed: int) -> PristineCatalog:
    """The seeded catalog of ``seed``: the same objects, ids and order on every call (built once)."""
    catalog = PristineCatalog(seed)
    rng = random.Random(f"dbaas-mock-catalog-data-{seed}")
    types = [_type(catalog, engine, version) for engine, version in DATASTORE_TYPES]
    _flavors(catalog, types, rng)
    for datastore_type in types:
        _parameters(catalog, datastore_type)
    _extensions(catalog, [t for t in types if t.engine == "postgresql"])
    catalog.ids_state = catalog._ids.getstate()
    return catalog


def _type(model: PristineCatalog, engine: str, version: str) -> DatastoreType:
    return model.types.insert(
        DatastoreType(
            id=model.new_id(),
            project_id="",
            created_at=CATALOG_EPOCH,
            updated_at=CATALOG_EPOCH,
            engine=engine,
            version=version,
        )
    )


def _flavors(model: PristineCatalog, types: list[DatastoreType], rng: random.Random) -> None:
    engines = list(dict.fromkeys(t.engine for t in types))
    for engine in engines:
        of_engine = [t.id for t in types if t.engine == engine]
        # A Redis flavor serves one Redis version; the other engines' flavors serve all their types.
        groups = [[type_id] for type_id in of_engine] if engine == "redis" else [of_engine]
        for type_ids in groups:
            for line in (ln for ln in FLAVOR_LINES if ln.engine == engine):
                for size in line.sizes:
                    host = None
                    if line.host is not None and size.vcpus >= line.host.min_vcpus:
                        host = FlavorHost(
                            line=line.host.line,
                            processor=line.host.processor,
                            total_count=rng.randint(1, line.host.max_count),
                        )
                    model.flavors.insert(
                        Flavor(
                            id=model.new_id(),
                            project_id="",
                            created_at=CATALOG_EPOCH,
                            updated_at=CATALOG_EPOCH,
                            name=flavor_name(line.fl_size, size),
                            description="",
                            vcpus=size.vcpus,
                            ram=size.ram,
                            disk=size.disk,
                            datastore_type_ids=list(type_ids),
                            fl_size=line.fl_size,
                            host=host,
                        )
                    )


def _parameters(model: PristineCatalog, datastore_type: DatastoreType) -> None:
    for spec in parameters_of(datastore_type.engine, datastore_type.version):
        model.parameters.insert(
            ConfigurationParameter(
                id=model.new_id(),
                project_id="",
                created_at=CATALOG_EPOCH,
                updated_at=CATALOG_EPOCH,
                datastore_type_id=datastore_type.id,
                name=spec.name,
                type=spec.type,
                unit=spec.unit,
                min=spec.min,
                max=spec.max,
                default_value=spec.default,
                choices=None if spec.choices is None else list(spec.choices),
                invalid_values=None if spec.invalid_values is None else list(spec.invalid_values),
                is_restart_required=spec.restart,
                is_changeable=spec.changeable,
                can_be_empty=spec.can_be_empty,
                is_multiple_choice_available=spec.multiple,
                default_value_template=_template(spec.default),
                min_template=_template(spec.min),
                max_template=_template(spec.max),
            )
        )


def _template(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _extensions(model: PristineCatalog, postgresql: list[DatastoreType]) -> None:
    by_name: dict[str, str] = {}
    for spec in EXTENSIONS:
        type_ids = [t.id for t in postgresql if not spec.versions or t.version in spec.versions]
        extension = model.available_extensions.insert(
            AvailableExtension(
                id=model.new_id(),
                project_id="",
                created_at=CATALOG_EPOCH,
                updated_at=CATALOG_EPOCH,
                name=spec.name,
                datastore_type_ids=type_ids,
                dependency_ids=[by_name[name] for name in spec.depends_on],
            )
        )
        by_name[spec.name] = extension.id
