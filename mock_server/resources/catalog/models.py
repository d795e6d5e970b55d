"""State and rules of the catalog: datastore types, flavors, configuration parameters, available extensions.

The catalog is seeded from ``backend.config.seed`` (same seed, same ids) and shared by every project
(``project_id=""``). Its ids come from a generator of its own, so they never depend on the ids other
resources draw. Admin operations change it at once (catalog objects have no status, DECISIONS 15).

The seeded catalog is built once per seed and process and read in place by every fake with that seed
(``shared.SharedTable``): a fake's first change to a table gives it private copies first, so no fake
ever sees another's changes. Each method below that changes a record in place takes it from
:meth:`CatalogModel._writable` (the private copy), never from a plain lookup.

Other resources use the entry points :meth:`CatalogModel.engine_of`, :meth:`CatalogModel.datastore_type`,
:meth:`CatalogModel.flavor`, :meth:`CatalogModel.available_extension`,
:meth:`CatalogModel.parameters_for` and :meth:`CatalogModel.check_config`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ...domain import require_feature
from ...errors import bad_request, not_found, validation_failure
from ...store import Record, Table
from .checks import config_problems, render_template
from .records import AvailableExtension, ConfigurationParameter, DatastoreType, Flavor, FlavorHost
from .seed import new_catalog_id, pristine_catalog
from .shared import SharedTable

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = ["CatalogModel"]

#: The project of every catalog object: the catalog is shared.
_SHARED = ""

_R = TypeVar("_R", bound=Record)


class CatalogModel:
    """The catalog of one backend: the seeded one (shared copy-on-write), fresh on every reset."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.seed = backend.config.seed
        # Never keep the pristine catalog itself as an attribute: ``snapshot`` walks this model's
        # attributes and refills every table it finds there.
        pristine = pristine_catalog(self.seed)
        self._ids = pristine.ids()
        self.types: SharedTable[DatastoreType] = SharedTable(pristine.types, DatastoreType.clone)
        self.flavors: SharedTable[Flavor] = SharedTable(pristine.flavors, Flavor.clone)
        self.parameters: SharedTable[ConfigurationParameter] = SharedTable(
            pristine.parameters, ConfigurationParameter.clone
        )
        self.available_extensions: SharedTable[AvailableExtension] = SharedTable(
            pristine.available_extensions, AvailableExtension.clone
        )
        #: The backend's uniform ``.table`` (the catalog has four; this is the datastore types').
        self.table = self.types

    def new_id(self) -> str:
        """A new catalog id (dashed UUID), from the catalog's own seeded generator."""
        return new_catalog_id(self._ids)

    # -- entry points for the other resources ---------------------------------------------------------

    def datastore_type(self, type_id: str) -> DatastoreType:
        """The datastore type; 404 ``datastoretype <id> not found.``."""
        return _found(self.types, type_id)

    def engine_of(self, type_id: str) -> str:
        """The engine of a datastore type (``postgresql``...); 404 when the type does not exist."""
        return self.datastore_type(type_id).engine

    def flavor(self, flavor_id: str) -> Flavor:
        """The flavor; 404 ``flavor <id> not found.``."""
        return _found(self.flavors, flavor_id)

    def available_extension(self, extension_id: str) -> AvailableExtension:
        """The available extension; 404 ``availableextension <id> not found.``."""
        return _found(self.available_extensions, extension_id)

    def configuration_parameter(self, parameter_id: str) -> ConfigurationParameter:
        """The configuration parameter; 404 ``configurationparameter <id> not found.``."""
        return _found(self.parameters, parameter_id)

    def parameters_for(self, type_id: str) -> dict[str, ConfigurationParameter]:
        """The configuration parameters of a datastore type by name; 404 when the type does not exist."""
        self.datastore_type(type_id)
        return {p.name: p for p in self.parameters.bucket(_SHARED, "datastore_type_id", type_id).values()}

    def check_config(self, type_id: str, config: Mapping[str, Any]) -> None:
        """400 ``Validation failure: {'config.<name>': ...}`` unless every key and value of ``config`` fits.

        Each key must be a changeable parameter of the type; a value must have the parameter's type and
        lie within its bounds, its choices, and outside its invalid values. ``None`` (reset) is always
        accepted for a changeable parameter.
        """
        datastore_type = self.datastore_type(type_id)
        label = f"{datastore_type.engine} {datastore_type.version}"
        problems = config_problems(self.parameters_for(type_id), label, config)
        if problems:
            raise validation_failure(problems)

    # -- lists ----------------------------------------------------------------------------------------

    def list_types(self, now: datetime) -> list[DatastoreType]:
        """Every datastore type, in catalog order."""
        return self.types.query(_SHARED, {}, now)

    def list_flavors(self, filters: Mapping[str, Any], now: datetime) -> list[Flavor]:
        """Flavors matching the ``id``, ``name`` and ``fl_size`` filters exactly."""
        return self.flavors.query(_SHARED, _pick(filters, ("id", "name", "fl_size")), now)

    def list_parameters(self, filters: Mapping[str, Any], now: datetime) -> list[ConfigurationParameter]:
        """Parameters matching ``id``, ``datastore_type_id`` and ``name`` exactly.

        ``ram``, ``vcpus`` and ``disk`` are accepted and ignored: the answered bounds do not depend on
        a flavor.
        """
        return self.parameters.query(_SHARED, _pick(filters, ("id", "datastore_type_id", "name")), now)

    def list_available_extensions(
        self, filters: Mapping[str, Any], now: datetime
    ) -> list[AvailableExtension]:
        """Available extensions matching ``id`` and ``name``; ``datastore_type_id`` matches when listed."""
        type_id = filters.get("datastore_type_id")
        return self.available_extensions.query(
            _SHARED,
            _pick(filters, ("id", "name")),
            now,
            extra=None if type_id is None else (lambda e: type_id in e.datastore_type_ids),
        )

    # -- admin: flavors -------------------------------------------------------------------------------

    def create_flavor(self, fields: Mapping[str, Any], now: datetime) -> Flavor:
        """A new flavor (``FlavorCreate``); 404 for an unknown datastore type id."""
        type_ids = self._existing_types(fields["datastore_type_ids"])
        host = _host(fields["host"]) if fields.get("host") else None
        return self.flavors.insert(
            Flavor(
                id=self.new_id(),
                project_id=_SHARED,
                created_at=now,
                updated_at=now,
                name=fields["name"],
                description=fields.get("description") or "",
                vcpus=fields["vcpus"],
                ram=fields["ram"],
                disk=fields["disk"],
                datastore_type_ids=type_ids,
                fl_size=fields["fl_size"],
                host=host,
                is_public=fields.get("is_public", True),
                template=fields.get("template"),
            )
        )

    def update_flavor(self, flavor_id: str, fields: Mapping[str, Any], now: datetime) -> Flavor:
        """Rename a flavor or change its description (``null`` clears it to ``""``)."""
        flavor = self._writable(self.flavors, flavor_id)
        if "name" in fields:
            self.flavors.set(flavor, "name", fields["name"])
        if "description" in fields:
            flavor.description = fields["description"] or ""
        flavor.updated_at = now
        return flavor

    def delete_flavor(self, flavor_id: str) -> None:
        """Forget a flavor; datastores created with it keep their sizes."""
        self.flavors.remove(self._writable(self.flavors, flavor_id))

    def set_flavor_host(self, flavor_id: str, fields: Mapping[str, Any], now: datetime) -> Flavor:
        """Give a flavor dedicated hosts (``FlavorUpdateHost``), replacing any it had."""
        flavor = self._writable(self.flavors, flavor_id)
        flavor.host = _host(fields)
        flavor.updated_at = now
        return flavor

    def delete_flavor_host(self, flavor_id: str, now: datetime) -> None:
        """Take a flavor's dedicated hosts away (nothing to do when it has none)."""
        flavor = self._writable(self.flavors, flavor_id)
        flavor.host = None
        flavor.updated_at = now

    # -- admin: configuration parameters --------------------------------------------------------------

    def create_parameter(self, fields: Mapping[str, Any], now: datetime) -> ConfigurationParameter:
        """A new parameter (``ConfigurationParameterCreate``); 404 unknown type, 400 name taken there.

        ``min``/``max``/``default_value`` are rendered from the templates when those are plain literals
        (``checks.render_template``), else ``null``.
        """
        type_id = fields["datastore_type_id"]
        name = fields["name"]
        if name in self.parameters_for(type_id):
            raise bad_request(
                f"configurationparameter with name '{name}' already exists for datastore type {type_id}"
            )
        kind = fields["type"]
        bound_kind = "int" if kind == "int" else "float"
        return self.parameters.insert(
            ConfigurationParameter(
                id=self.new_id(),
                project_id=_SHARED,
                created_at=now,
                updated_at=now,
                datastore_type_id=type_id,
                name=name,
                type=kind,
                unit=fields["unit"],
                min=_numeric(render_template(fields.get("min_template"), bound_kind)),
                max=_numeric(render_template(fields.get("max_template"), bound_kind)),
                default_value=render_template(fields.get("default_value_template"), kind),
                choices=_optional_list(fields.get("choices")),
                invalid_values=_optional_list(fields.get("invalid_values")),
                is_restart_required=fields["is_restart_required"],
                is_changeable=fields["is_changeable"],
                can_be_empty=fields["can_be_empty"],
                is_available_for_customer=fields["is_available_for_customer"],
                is_multiple_choice_available=fields["is_multiple_choice_available"],
                factor=fields.get("factor"),
                default_value_template=fields.get("default_value_template"),
                min_template=fields.get("min_template"),
                max_template=fields.get("max_template"),
            )
        )

    def delete_parameter(self, parameter_id: str) -> None:
        """Forget a parameter; datastore configs that set it keep their value."""
        self.parameters.remove(self._writable(self.parameters, parameter_id))

    # -- admin: available extensions ------------------------------------------------------------------

    def create_available_extension(self, fields: Mapping[str, Any], now: datetime) -> AvailableExtension:
        """A new available extension; 404 unknown type or dependency; 400 non-PostgreSQL type, name taken."""
        type_ids = self._extension_types(fields["datastore_type_ids"])
        dependency_ids = self._existing_extensions(fields.get("dependency_ids") or ())
        name = fields["name"]
        if self.available_extensions.bucket(_SHARED, "name", name):
            raise bad_request(f"availableextension with name '{name}' already exists")
        return self.available_extensions.insert(
            AvailableExtension(
                id=self.new_id(),
                project_id=_SHARED,
                created_at=now,
                updated_at=now,
                name=name,
                datastore_type_ids=type_ids,
                dependency_ids=dependency_ids,
            )
        )

    def update_available_extension(
        self, extension_id: str, fields: Mapping[str, Any], now: datetime
    ) -> AvailableExtension:
        """Replace the types (and, when given, the dependencies) of an available extension.

        400 when the new dependencies would make the extension depend on itself.
        """
        extension = self.available_extension(extension_id)
        type_ids = self._extension_types(fields["datastore_type_ids"])
        dependency_ids = extension.dependency_ids
        if "dependency_ids" in fields:
            dependency_ids = self._existing_extensions(fields["dependency_ids"] or ())
            if self._reaches(dependency_ids, extension.id):
                raise bad_request(f"dependency_ids of availableextension {extension.id} would form a cycle")
        extension = self._writable(self.available_extensions, extension_id)
        extension.datastore_type_ids = type_ids
        extension.dependency_ids = list(dependency_ids)
        extension.updated_at = now
        return extension

    def delete_available_extension(self, extension_id: str) -> None:
        """Forget an available extension, drop it from others' dependencies and remove its installs.

        The seed's text: "will remove available extension with all related records in extensions
        table": every project's extensions of it go at once (``backend.cascade``).
        """
        extension = self._writable(self.available_extensions, extension_id)
        for other in self.available_extensions.all(_SHARED):
            if extension.id in other.dependency_ids:
                other.dependency_ids = [d for d in other.dependency_ids if d != extension.id]
        self.available_extensions.remove(extension)
        installed = self.backend.extensions.table.all()
        projects = {e.project_id for e in installed if e.available_extension_id == extension.id}
        for project_id in sorted(projects):
            self.backend.cascade(project_id, "available_extension_id", extension.id)

    # -- internals ------------------------------------------------------------------------------------

    def _writable(self, table: SharedTable[_R], object_id: str) -> _R:
        """The object, from ``table``'s private copy (made now if need be): the one to change in place.

        404 before any copy: a failed lookup leaves the catalog shared.
        """
        _found(table, object_id)
        table.own()
        return _found(table, object_id)

    def _existing_types(self, type_ids: Iterable[str]) -> list[str]:
        """The ids, without repeats, once each is known to exist (404 on the first unknown)."""
        unique = list(dict.fromkeys(type_ids))
        for type_id in unique:
            self.datastore_type(type_id)
        return unique

    def _extension_types(self, type_ids: Iterable[str]) -> list[str]:
        """Existing PostgreSQL type ids (extensions apply to PostgreSQL only: 400 otherwise)."""
        unique = self._existing_types(type_ids)
        for type_id in unique:
            require_feature("extensions", self.engine_of(type_id))
        return unique

    def _existing_extensions(self, extension_ids: Iterable[str]) -> list[str]:
        unique = list(dict.fromkeys(extension_ids))
        for extension_id in unique:
            self.available_extension(extension_id)
        return unique

    def _reaches(self, start: Iterable[str], target: str) -> bool:
        """Whether following dependencies from ``start`` leads to ``target``."""
        seen: set[str] = set()
        todo = list(start)
        while todo:
            current = todo.pop()
            if current == target:
                return True
            if current in seen:
                continue
            seen.add(current)
            found = self.available_extensions.find(current, _SHARED)
            if found is not None:
                todo.extend(found.dependency_ids)
        return False


def _found(table: Table[_R], object_id: str) -> _R:
    obj = table.find(object_id, _SHARED)
    if obj is None:
        raise not_found(table.entity, object_id)
    return obj


def _pick(filters: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: filters[name] for name in names if filters.get(name) is not None}


def _host(fields: Mapping[str, Any]) -> FlavorHost:
    return FlavorHost(line=fields["line"], processor=fields["processor"], total_count=fields["total_count"])


def _numeric(value: Any) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _optional_list(value: Any) -> list[Any] | None:
    return None if value is None else list(value)
