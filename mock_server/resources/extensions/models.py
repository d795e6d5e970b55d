"""State and rules of the extensions resource (SCHEMAS.md §1.5, BEHAVIOUR.md §4, §6.3).

An extension installs an available extension of the catalog into a database of a PostgreSQL
datastore. As PostgreSQL's ``CREATE EXTENSION`` without ``CASCADE``: the available extension must be
offered for the datastore's type (400), its dependencies must already be installed in that database
(400 naming the first missing one; one being deleted does not count), and it is installed once per
database (409, one being deleted included). As ``DROP EXTENSION`` without ``CASCADE``: an extension
another installed extension depends on cannot be deleted (409).
Extensions have no update; they go with their database (DECISIONS 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...errors import ApiError, bad_request, conflict
from ..databases.common import Child, ChildModel, status_of

__all__ = ["Extension", "ExtensionModel"]


@dataclass(slots=True, kw_only=True)
class Extension(Child):
    """An available extension installed in a database."""

    database_id: str
    available_extension_id: str


class ExtensionModel(ChildModel[Extension]):
    """The extensions of every project."""

    kind = "extension"
    entity = "extension"
    feature = "extensions"
    indexed = ("datastore_id", "database_id", "available_extension_id")
    filters = ("id", "project_id", "available_extension_id", "datastore_id", "database_id", "status")

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> Extension:
        """A new extension in ``PENDING_CREATE``.

        404 for an unknown database or available extension, 400 for an available extension not
        offered for the datastore's type or a dependency not installed, 409 when already installed.
        """
        datastore = self.parent(project_id, fields["datastore_id"], now)
        database = self.backend.databases.referenced(project_id, fields["database_id"], now, datastore.id)
        available = self.backend.catalog.available_extension(fields["available_extension_id"])
        if datastore.type_id not in available.datastore_type_ids:
            raise bad_request(
                f"extension {available.name} is not available for datastore type {datastore.type_id}"
            )
        present = self.live(project_id, "database_id", database.id, now)
        usable = {e.available_extension_id for e in present if status_of(e) != "PENDING_DELETE"}
        for dependency_id in available.dependency_ids:
            if dependency_id not in usable:
                raise bad_request(
                    f"extension {available.name} requires extension {self._name(dependency_id)}"
                    f" to be installed in database {database.id} first"
                )
        if any(e.available_extension_id == available.id for e in present):
            raise conflict(
                f"extension with name '{available.name}' already exists in database {database.id}."
            )
        extension = Extension(
            **self.new_fields(project_id, datastore.id, now),
            database_id=database.id,
            available_extension_id=available.id,
        )
        return self.table.insert(extension)

    def _before_delete(self, obj: Extension, now: datetime) -> None:
        for other in self.live(obj.project_id, "database_id", obj.database_id, now):
            if other.id == obj.id or status_of(other) == "PENDING_DELETE":
                continue
            if obj.available_extension_id in self._dependencies(other.available_extension_id):
                raise conflict(
                    f"extension {self._name(obj.available_extension_id)} is required by extension"
                    f" {self._name(other.available_extension_id)} in database {obj.database_id}."
                )

    def _dependencies(self, available_extension_id: str) -> tuple[str, ...]:
        try:
            available = self.backend.catalog.available_extension(available_extension_id)
        except ApiError:
            return ()
        return tuple(available.dependency_ids)

    def _name(self, available_extension_id: str) -> str:
        try:
            return str(self.backend.catalog.available_extension(available_extension_id).name)
        except ApiError:
            return available_extension_id
