"""State and rules of the users resource (SCHEMAS.md §1.3, BEHAVIOUR.md §4, §6.3).

Users exist on PostgreSQL, MySQL and Kafka datastores (on Kafka for ACLs). The password is kept only
as a salted hash and never shown (DECISIONS 6); an update changes the password. A user who owns a
database cannot be deleted (409); deleting a user removes its grants and ACLs at once (DECISIONS 16).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...errors import conflict
from ..databases.common import Child, ChildModel

__all__ = ["User", "UserModel", "hash_password"]


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``<salt hex>$<blake2b hex>`` of ``password`` with a random 16-byte salt unless given."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.blake2b(password.encode(), salt=salt, digest_size=32).hexdigest()
    return f"{salt.hex()}${digest}"


@dataclass(slots=True, kw_only=True)
class User(Child):
    """A user of a datastore."""

    name: str
    #: Salted hash of the password (never serialised, never in a repr).
    password_hash: str = field(default="", repr=False, compare=False)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is the user's password."""
        salt_hex, _, _ = self.password_hash.partition("$")
        expected = hash_password(password, bytes.fromhex(salt_hex))
        return hmac.compare_digest(expected, self.password_hash)


class UserModel(ChildModel[User]):
    """The users of every project."""

    kind = "user"
    entity = "user"
    feature = "users"
    indexed = ("datastore_id", "name")
    filters = ("id", "project_id", "name", "datastore_id", "status")

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> User:
        """A new user in ``PENDING_CREATE``; 409 for a name taken in the datastore."""
        datastore = self.parent(project_id, fields["datastore_id"], now)
        self.check_name(project_id, datastore.id, fields["name"], now)
        user = User(
            **self.new_fields(project_id, datastore.id, now),
            name=fields["name"],
            password_hash=hash_password(fields["password"]),
        )
        return self.table.insert(user)

    def update(self, project_id: str, user_id: str, fields: Mapping[str, Any], now: datetime) -> User:
        """A new password: ``PENDING_UPDATE``."""
        user, _ = self.mutable(project_id, user_id, now)
        user.password_hash = hash_password(fields["password"])
        self.table.begin(user, "update", now)
        return user

    def _before_delete(self, obj: User, now: datetime) -> None:
        owned = self.backend.databases.owned_by(obj.project_id, obj.id, now)
        if owned is not None:
            raise conflict(f"user {obj.id} owns database {owned.id}.")

    def _after_delete(self, obj: User) -> None:
        self.backend.cascade(obj.project_id, "user_id", obj.id)
