"""State and rules of the Kafka ACLs resource (SCHEMAS.md §1.11, BEHAVIOUR.md §3.3, §4, §6.3).

An ACL lets a user of a Kafka datastore read and/or write the topics a pattern selects:
``literal`` (one topic), ``prefixed`` (topics starting with the pattern) or ``all`` (every topic, no
pattern). At least one of ``allow_read``/``allow_write`` must be true, on create and on update (the
API's plain business-rule 400, sample ``error_400_acl_update_read_and_write_false.json``). One ACL per
(user, pattern type, pattern). ACLs go with their user or datastore (DECISIONS 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...errors import bad_request, conflict
from ..databases.common import Child, ChildModel

__all__ = ["PATTERN_TYPES", "READ_OR_WRITE", "Acl", "AclModel"]

#: The pattern types of the spec; ``all`` takes no pattern.
PATTERN_TYPES = ("literal", "prefixed", "all")
#: The API's text when both permissions are false (after ``Validation failure: ``).
READ_OR_WRITE = "At least one of these fields (allow_read, allow_write) must be true"


@dataclass(slots=True, kw_only=True)
class Acl(Child):
    """A Kafka ACL of a user."""

    user_id: str
    pattern: str | None
    pattern_type: str
    allow_read: bool
    allow_write: bool


def _check_permissions(allow_read: bool, allow_write: bool) -> None:
    if not (allow_read or allow_write):
        raise bad_request(READ_OR_WRITE)


def _check_pattern(pattern_type: str, pattern: str | None) -> None:
    if pattern_type == "all" and pattern is not None:
        raise bad_request("pattern must be omitted when pattern_type is all")
    if pattern_type != "all" and pattern is None:
        raise bad_request(f"pattern is required when pattern_type is {pattern_type}")


class AclModel(ChildModel[Acl]):
    """The ACLs of every project."""

    kind = "acl"
    entity = "acl"
    feature = "acls"
    indexed = ("datastore_id", "user_id", "pattern", "pattern_type")
    filters = ("id", "project_id", "datastore_id", "pattern", "pattern_type", "status", "user_id")

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> Acl:
        """A new ACL in ``PENDING_CREATE``.

        400 for a pattern missing (or given with ``all``) and for both permissions false; then the
        datastore (404/400/409) and the user, which must belong to it (404/409/400); 409 for a second
        ACL of the user with the same pattern type and pattern.
        """
        pattern: str | None = fields.get("pattern")
        pattern_type = str(fields["pattern_type"])
        allow_read, allow_write = bool(fields["allow_read"]), bool(fields["allow_write"])
        _check_pattern(pattern_type, pattern)
        _check_permissions(allow_read, allow_write)
        datastore = self.parent(project_id, fields["datastore_id"], now)
        user = self.backend.users.referenced(project_id, fields["user_id"], now, datastore.id)
        for acl in self.live(project_id, "user_id", user.id, now):
            if acl.pattern_type == pattern_type and acl.pattern == pattern:
                raise conflict(_duplicate(user.id, pattern_type, pattern))
        acl = Acl(
            **self.new_fields(project_id, datastore.id, now),
            user_id=user.id,
            pattern=pattern,
            pattern_type=pattern_type,
            allow_read=allow_read,
            allow_write=allow_write,
        )
        return self.table.insert(acl)

    def update(self, project_id: str, acl_id: str, fields: Mapping[str, Any], now: datetime) -> Acl:
        """New permissions (a missing one keeps its value; at least one true): ``PENDING_UPDATE``."""
        if fields.get("allow_read") is False and fields.get("allow_write") is False:
            raise bad_request(READ_OR_WRITE)
        acl, _ = self.mutable(project_id, acl_id, now)
        allow_read = bool(fields.get("allow_read", acl.allow_read))
        allow_write = bool(fields.get("allow_write", acl.allow_write))
        _check_permissions(allow_read, allow_write)
        acl.allow_read, acl.allow_write = allow_read, allow_write
        self.table.begin(acl, "update", now)
        return acl


def _duplicate(user_id: str, pattern_type: str, pattern: str | None) -> str:
    if pattern is None:
        return f"acl for user {user_id} with pattern_type '{pattern_type}' already exists."
    return (
        f"acl for user {user_id} with pattern_type '{pattern_type}' and pattern '{pattern}' already exists."
    )
