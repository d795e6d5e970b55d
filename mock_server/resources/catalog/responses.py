"""HTTP handlers of the catalog: datastore types, flavors, configuration parameters, available extensions.

Each handler parses the call, makes one model call and serialises the answer with the keys of the
SDK's fixtures (``samples/*.json``). The admin-only operations reach here only with the admin token.
"""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
from .models import CatalogModel
from .records import AvailableExtension, ConfigurationParameter, DatastoreType, Flavor

__all__ = [
    "HANDLERS",
    "available_extension_view",
    "datastore_type_view",
    "flavor_view",
    "parameter_view",
]


def datastore_type_view(datastore_type: DatastoreType) -> dict[str, Any]:
    """``{id, engine, version}``."""
    return {"id": datastore_type.id, "engine": datastore_type.engine, "version": datastore_type.version}


def flavor_view(flavor: Flavor) -> dict[str, Any]:
    """The keys of ``samples/flavor_get.json``, plus ``host`` only when the flavor has dedicated hosts.

    A host's ``available_count`` is the ``total_count`` the admin set: datastores do not book hosts.
    """
    view: dict[str, Any] = {
        "id": flavor.id,
        "name": flavor.name,
        "description": flavor.description,
        "vcpus": flavor.vcpus,
        "ram": flavor.ram,
        "disk": flavor.disk,
        "datastore_type_ids": list(flavor.datastore_type_ids),
        "fl_size": flavor.fl_size,
    }
    if flavor.host is not None:
        view["host"] = {
            "line": flavor.host.line,
            "processor": flavor.host.processor,
            "available_count": flavor.host.total_count,
        }
    return view


def parameter_view(parameter: ConfigurationParameter) -> dict[str, Any]:
    """The keys of ``samples/configuration_parameter_get.json``."""
    return {
        "id": parameter.id,
        "datastore_type_id": parameter.datastore_type_id,
        "name": parameter.name,
        "type": parameter.type,
        "choices": None if parameter.choices is None else list(parameter.choices),
        "min": parameter.min,
        "max": parameter.max,
        "default_value": parameter.default_value,
        "unit": parameter.unit,
        "is_restart_required": parameter.is_restart_required,
        "is_changeable": parameter.is_changeable,
        "invalid_values": None if parameter.invalid_values is None else list(parameter.invalid_values),
    }


def available_extension_view(extension: AvailableExtension) -> dict[str, Any]:
    """``{id, name, datastore_type_ids, dependency_ids}``."""
    return {
        "id": extension.id,
        "name": extension.name,
        "datastore_type_ids": list(extension.datastore_type_ids),
        "dependency_ids": list(extension.dependency_ids),
    }


def _catalog(call: Call) -> CatalogModel:
    return call.backend.catalog


# -- datastore types --------------------------------------------------------------------------------


def _list_datastore_types(call: Call) -> Reply:
    types = _catalog(call).list_types(call.now)
    return 200, {"datastore-types": [datastore_type_view(t) for t in types]}


def _get_datastore_type(call: Call) -> Reply:
    return 200, {"datastore-type": datastore_type_view(_catalog(call).datastore_type(call.path_id))}


# -- flavors ----------------------------------------------------------------------------------------


def _list_flavors(call: Call) -> Reply:
    return 200, {"flavors": [flavor_view(f) for f in _catalog(call).list_flavors(call.query, call.now)]}


def _get_flavor(call: Call) -> Reply:
    return 200, {"flavor": flavor_view(_catalog(call).flavor(call.path_id))}


def _create_flavor(call: Call) -> Reply:
    return 200, {"flavor": flavor_view(_catalog(call).create_flavor(call.payload("flavor"), call.now))}


def _update_flavor(call: Call) -> Reply:
    flavor = _catalog(call).update_flavor(call.path_id, call.payload("flavor"), call.now)
    return 200, {"flavor": flavor_view(flavor)}


def _delete_flavor(call: Call) -> Reply:
    _catalog(call).delete_flavor(call.path_id)
    return 204, None


def _update_flavor_host(call: Call) -> Reply:
    flavor = _catalog(call).set_flavor_host(call.path_id, call.payload("host"), call.now)
    return 200, {"flavor": flavor_view(flavor)}


def _delete_flavor_host(call: Call) -> Reply:
    _catalog(call).delete_flavor_host(call.path_id, call.now)
    return 204, None


# -- configuration parameters -----------------------------------------------------------------------


def _list_configuration_parameters(call: Call) -> Reply:
    parameters = _catalog(call).list_parameters(call.query, call.now)
    return 200, {"configuration-parameters": [parameter_view(p) for p in parameters]}


def _get_configuration_parameter(call: Call) -> Reply:
    parameter = _catalog(call).configuration_parameter(call.path_id)
    return 200, {"configuration-parameter": parameter_view(parameter)}


def _create_configuration_parameter(call: Call) -> Reply:
    parameter = _catalog(call).create_parameter(call.payload("configuration-parameter"), call.now)
    return 200, {"configuration-parameter": parameter_view(parameter)}


def _delete_configuration_parameter(call: Call) -> Reply:
    _catalog(call).delete_parameter(call.path_id)
    return 204, None


# -- available extensions ---------------------------------------------------------------------------


def _list_available_extensions(call: Call) -> Reply:
    extensions = _catalog(call).list_available_extensions(call.query, call.now)
    return 200, {"available-extensions": [available_extension_view(e) for e in extensions]}


def _get_available_extension(call: Call) -> Reply:
    extension = _catalog(call).available_extension(call.path_id)
    return 200, {"available-extension": available_extension_view(extension)}


def _create_available_extension(call: Call) -> Reply:
    extension = _catalog(call).create_available_extension(call.payload("available-extension"), call.now)
    return 200, {"available-extension": available_extension_view(extension)}


def _update_available_extension(call: Call) -> Reply:
    """The one update answered as a bare object (DECISIONS 3)."""
    payload = call.payload("available-extension")
    extension = _catalog(call).update_available_extension(call.path_id, payload, call.now)
    return 200, available_extension_view(extension)


def _delete_available_extension(call: Call) -> Reply:
    _catalog(call).delete_available_extension(call.path_id)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_datastore_types": _list_datastore_types,
    "get_datastore_type": _get_datastore_type,
    "list_flavors": _list_flavors,
    "get_flavor": _get_flavor,
    "create_flavor": _create_flavor,
    "update_flavor": _update_flavor,
    "delete_flavor": _delete_flavor,
    "update_flavor_host": _update_flavor_host,
    "delete_flavor_host": _delete_flavor_host,
    "list_configuration_parameters": _list_configuration_parameters,
    "get_configuration_parameter": _get_configuration_parameter,
    "create_configuration_parameter": _create_configuration_parameter,
    "delete_configuration_parameter": _delete_configuration_parameter,
    "list_available_extensions": _list_available_extensions,
    "get_available_extension": _get_available_extension,
    "create_available_extension": _create_available_extension,
    "update_available_extension": _update_available_extension,
    "delete_available_extension": _delete_available_extension,
}
