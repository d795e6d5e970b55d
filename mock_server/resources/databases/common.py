"""What the objects living inside a datastore share: databases, users, grants, extensions, slots.

Each of those models is a :class:`ChildModel`: a :class:`Table` of :class:`Child` records plus the
rules every one of them follows (DECISIONS 10-12, 15-16):

- the parent datastore must exist in the caller's project (404), its engine must support the
  resource (400) and it must be ``ACTIVE`` (409) for every create, update and delete;
- an update or delete of an object whose own phase is still in progress is refused (409);
- an object named in a body (an owner, the database of a grant...) must exist in the caller's project
  (404), must not be being deleted (409) and must belong to the same datastore (400);
- names are unique within a datastore (409), objects being deleted included.

Every check runs before anything changes, so a failed call leaves the state as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from ...clock import format_ts
from ...domain import duplicate_name
from ...errors import ApiError, bad_request, conflict
from ...lifecycle import GONE
from ...store import Record, Table

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = ["Child", "ChildModel", "base_view", "not_active", "status_of"]


@dataclass(slots=True, kw_only=True)
class Child(Record):
    """A record that lives inside a datastore."""

    datastore_id: str


C = TypeVar("C", bound=Child)


def status_of(obj: Record) -> str:
    """The status last worked out for ``obj`` (callers bring it up to date through the table first)."""
    return obj.life.status if obj.life is not None else "ACTIVE"


def base_view(obj: Record) -> dict[str, Any]:
    """The keys every child object shares: ``id``, ``created_at``, ``updated_at``, ``project_id``."""
    return {
        "id": obj.id,
        "created_at": format_ts(obj.created_at),
        "updated_at": format_ts(obj.updated_at),
        "project_id": obj.project_id,
    }


def not_active(entity: str, object_id: str, status: str) -> ApiError:
    """409 for a mutation of an object whose own phase is still in progress."""
    return conflict(f"{entity} {object_id} is not ACTIVE (status: {status}).")


class ChildModel(Generic[C]):
    """A model of objects inside a datastore; subclasses set the class attributes and the rules."""

    #: Lifecycle kind (``lifecycle.TABLES``).
    kind: ClassVar[str]
    #: The entity word of the API's messages (``database``, ``logicalreplicationslot``...).
    entity: ClassVar[str]
    #: The key of ``domain.FEATURES`` saying which engines have this resource.
    feature: ClassVar[str]
    #: Fields indexed by the table: every field used by a filter, a uniqueness check or a cascade.
    indexed: ClassVar[tuple[str, ...]]
    #: The list filters of the spec (query parameters); others are ignored.
    filters: ClassVar[tuple[str, ...]]

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.table: Table[C] = Table(self.kind, self.entity, backend.engine, indexed=self.indexed)

    # -- reads ----------------------------------------------------------------------------------------

    def get(self, project_id: str, object_id: str, now: datetime) -> C:
        """The object (a read: it may settle a pending phase); 404 ``<entity> <id> not found.``."""
        return self.table.get(project_id, object_id, now)

    def query(self, project_id: str, query: Mapping[str, Any], now: datetime) -> list[C]:
        """The caller's objects matching every filter of ``query`` exactly, in creation order."""
        filters = {name: query[name] for name in self.filters if name in query}
        return self.table.query(project_id, filters, now)

    def live(self, project_id: str, field: str, value: Any, now: datetime) -> list[C]:
        """The objects whose indexed ``field`` is ``value``, status up to date (not a read), gone ones out."""
        bucket = list(self.table.bucket(project_id, field, value).values())
        return [obj for obj in bucket if self.table.status(obj, now) != GONE]

    def referenced(self, project_id: str, object_id: str, now: datetime, datastore_id: str) -> C:
        """An object named in a request body, which must be usable within ``datastore_id``.

        404 when it does not exist in the caller's project, 409 while it is being deleted, 400 when it
        belongs to another datastore. Looking it up does not count as a read of it.
        """
        obj = self.table.get(project_id, object_id, now, read=False)
        if status_of(obj) == "PENDING_DELETE":
            raise conflict(f"{self.entity} {object_id} is being deleted.")
        if obj.datastore_id != datastore_id:
            raise bad_request(f"{self.entity} {object_id} does not belong to datastore {datastore_id}")
        return obj

    # -- rules shared by the mutations ----------------------------------------------------------------

    def parent(self, project_id: str, datastore_id: str, now: datetime) -> Any:
        """The datastore a new object goes into: exists (404), supports the resource (400), ACTIVE (409)."""
        return self.backend.datastores.require(project_id, datastore_id, now, feature=self.feature)

    def engine_of(self, datastore: Any) -> str:
        """The engine of ``datastore`` (``postgresql``, ``mysql``...)."""
        return str(self.backend.datastores.engine(datastore))

    def check_name(self, project_id: str, datastore_id: str, name: str, now: datetime) -> None:
        """409 when ``name`` is taken in the datastore (by an object not yet gone)."""
        # Walk the smaller of the two buckets: a common name ("app") may be in every datastore, and a
        # datastore may hold thousands of objects; either way the check stays small.
        by_name = self.table.bucket(project_id, "name", name)
        in_datastore = self.table.bucket(project_id, "datastore_id", datastore_id)
        smaller, other = (
            (by_name, in_datastore) if len(by_name) <= len(in_datastore) else (in_datastore, by_name)
        )
        for obj in [obj for obj in smaller.values() if obj.id in other]:
            if self.table.status(obj, now) != GONE:
                raise duplicate_name(self.entity, name, datastore_id)

    def new_fields(self, project_id: str, datastore_id: str, now: datetime) -> dict[str, Any]:
        """The fields of a new object: id, project, timestamps, a life in ``PENDING_CREATE``."""
        return {
            "id": self.backend.ids.uuid(),
            "project_id": project_id,
            "datastore_id": datastore_id,
            "created_at": now,
            "updated_at": now,
            "life": self.backend.engine.new_life(self.kind, now),
        }

    def mutable(self, project_id: str, object_id: str, now: datetime) -> tuple[C, Any]:
        """An object about to be updated or deleted, and its datastore.

        The object exists (404), its own phase is over (409) and its datastore is ``ACTIVE`` (409).
        """
        obj = self.get(project_id, object_id, now)
        if obj.life is not None and obj.life.phase is not None:
            raise not_active(self.entity, obj.id, obj.life.status)
        datastore = self.backend.datastores.require(project_id, obj.datastore_id, now)
        return obj, datastore

    # -- delete ---------------------------------------------------------------------------------------

    def delete(self, project_id: str, object_id: str, now: datetime) -> C:
        """Start deleting an object: it answers ``PENDING_DELETE`` until the delete settles, then 404.

        What depends on it goes at once (:meth:`_after_delete`, DECISIONS 16).
        """
        obj, _ = self.mutable(project_id, object_id, now)
        self._before_delete(obj, now)
        self.table.begin(obj, "delete", now)
        self._after_delete(obj)
        return obj

    def _before_delete(self, obj: C, now: datetime) -> None:
        """Raise if ``obj`` may not be deleted (subclasses add their rules)."""

    def _after_delete(self, obj: C) -> None:
        """Remove what depends on ``obj`` (subclasses cascade)."""
