"""State and rules of the grants resource (SCHEMAS.md §1.4, BEHAVIOUR.md §4, §6.3).

A grant gives a user access to a database of the same PostgreSQL or MySQL datastore; one grant per
(user, database). Grants have no update; they go with their user or database (DECISIONS 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...errors import conflict
from ..databases.common import Child, ChildModel

__all__ = ["Grant", "GrantModel"]


@dataclass(slots=True, kw_only=True)
class Grant(Child):
    """A user's access to a database."""

    database_id: str
    user_id: str


class GrantModel(ChildModel[Grant]):
    """The grants of every project."""

    kind = "grant"
    entity = "grant"
    feature = "grants"
    indexed = ("datastore_id", "database_id", "user_id")
    filters = ("id", "project_id", "datastore_id", "database_id", "user_id", "status")

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> Grant:
        """A new grant in ``PENDING_CREATE``.

        The database and the user must exist (404), not be being deleted (409) and belong to the
        datastore (400); a second grant for the same user and database is a 409.
        """
        datastore = self.parent(project_id, fields["datastore_id"], now)
        database = self.backend.databases.referenced(project_id, fields["database_id"], now, datastore.id)
        user = self.backend.users.referenced(project_id, fields["user_id"], now, datastore.id)
        for grant in self.live(project_id, "user_id", user.id, now):
            if grant.database_id == database.id:
                raise conflict(f"grant for user {user.id} on database {database.id} already exists.")
        grant = Grant(
            **self.new_fields(project_id, datastore.id, now),
            database_id=database.id,
            user_id=user.id,
        )
        return self.table.insert(grant)
