"""State and rules of the databases resource (SCHEMAS.md §1.2, BEHAVIOUR.md §4, §6.3).

PostgreSQL databases have an owner (a user of the same datastore, required) and locales
(``lc_collate``/``lc_ctype``, default ``C``); MySQL databases have a name only: ``owner_id`` and the
locales are ``null`` in responses and refused in requests. An update changes the owner only.
Deleting a database removes its grants, extensions and slots at once (DECISIONS 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...errors import ApiError, bad_request
from .common import Child, ChildModel, status_of

__all__ = ["DEFAULT_LOCALE", "OWNED_ENGINES", "Database", "DatabaseModel"]

#: ``lc_collate`` and ``lc_ctype`` of a PostgreSQL database unless given (TF default ``C``).
DEFAULT_LOCALE = "C"
#: Engines whose databases have an owner and locales.
OWNED_ENGINES = frozenset({"postgresql"})
_OWNED_FIELDS = ("lc_collate", "lc_ctype", "owner_id")


@dataclass(slots=True, kw_only=True)
class Database(Child):
    """A database of a PostgreSQL or MySQL datastore."""

    name: str
    owner_id: str | None = None
    lc_collate: str | None = None
    lc_ctype: str | None = None


def _not_supported(fields: list[str], engine: str) -> ApiError:
    return bad_request(f"fields ({', '.join(fields)}) are not supported for databases of engine {engine}")


class DatabaseModel(ChildModel[Database]):
    """The databases of every project."""

    kind = "database"
    entity = "database"
    feature = "databases"
    indexed = ("datastore_id", "name", "owner_id")
    filters = ("id", "project_id", "name", "datastore_id", "status")

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> Database:
        """A new database in ``PENDING_CREATE``.

        400 for owner/locales on MySQL or a PostgreSQL database without an owner; 404/409/400 for the
        owner (:meth:`ChildModel.referenced`); 409 for a name taken in the datastore.
        """
        datastore = self.parent(project_id, fields["datastore_id"], now)
        engine = self.engine_of(datastore)
        owner_id: str | None = None
        lc_collate: str | None = None
        lc_ctype: str | None = None
        if engine in OWNED_ENGINES:
            if fields.get("owner_id") is None:
                raise bad_request(f"owner_id is required for databases of engine {engine}")
            owner_id = self.backend.users.referenced(project_id, fields["owner_id"], now, datastore.id).id
            lc_collate = fields.get("lc_collate") or DEFAULT_LOCALE
            lc_ctype = fields.get("lc_ctype") or DEFAULT_LOCALE
        else:
            given = [name for name in _OWNED_FIELDS if fields.get(name) is not None]
            if given:
                raise _not_supported(given, engine)
        self.check_name(project_id, datastore.id, fields["name"], now)
        database = Database(
            **self.new_fields(project_id, datastore.id, now),
            name=fields["name"],
            owner_id=owner_id,
            lc_collate=lc_collate,
            lc_ctype=lc_ctype,
        )
        return self.table.insert(database)

    def update(self, project_id: str, database_id: str, fields: Mapping[str, Any], now: datetime) -> Database:
        """Give the database another owner (a user of its datastore): ``PENDING_UPDATE``."""
        database, datastore = self.mutable(project_id, database_id, now)
        engine = self.engine_of(datastore)
        if engine not in OWNED_ENGINES:
            raise _not_supported(["owner_id"], engine)
        owner = self.backend.users.referenced(project_id, fields["owner_id"], now, database.datastore_id)
        self.table.set(database, "owner_id", owner.id)
        self.table.begin(database, "update", now)
        return database

    def owned_by(self, project_id: str, user_id: str, now: datetime) -> Database | None:
        """A database owned by ``user_id`` that is not being deleted, if any."""
        for database in self.live(project_id, "owner_id", user_id, now):
            if status_of(database) != "PENDING_DELETE":
                return database
        return None

    def count(self, project_id: str, datastore_id: str, now: datetime) -> int:
        """How many databases ``datastore_id`` has (for the datastore's ``databases_count``)."""
        return len(self.live(project_id, "datastore_id", datastore_id, now))

    def _after_delete(self, obj: Database) -> None:
        self.backend.cascade(obj.project_id, "database_id", obj.id)
