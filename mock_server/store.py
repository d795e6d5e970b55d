"""Indexed in-memory tables, one per resource kind, scoped by project.

A lookup by id, by parent or by any indexed field costs a dictionary access whatever the size of the
store: lists grow with their result, not with the table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from .errors import not_found
from .lifecycle import GONE, Life, LifecycleEngine

__all__ = ["Record", "Table"]


@dataclass(slots=True, kw_only=True)
class Record:
    """Fields every stored object has. ``life`` is ``None`` for kinds without a status."""

    id: str
    project_id: str
    created_at: datetime
    updated_at: datetime
    life: Life | None = None
    #: Insertion order, for stable list order across index unions.
    order: int = field(default=0, compare=False)


R = TypeVar("R", bound=Record)
_Key = tuple[str, str, Any]


class Table(Generic[R]):
    """Objects of one kind, indexed by id, by project and by the ``indexed`` fields within a project.

    ``entity`` is the word of the 404 message (``datastore``, ``logicalreplicationslot``...).
    ``on_gone`` is called when an object's delete completes (default: remove it).
    ``on_change`` (settable) is called after every insert, removal, field change and status change of
    an object, for a ledger that must follow the table (the quotas follow the datastores).
    """

    def __init__(
        self,
        kind: str,
        entity: str,
        engine: LifecycleEngine | None,
        indexed: Iterable[str] = (),
        on_gone: Callable[[R], None] | None = None,
    ) -> None:
        self.kind = kind
        self.entity = entity
        self.engine = engine
        self.indexed = tuple(indexed)
        self.on_gone: Callable[[R], None] = on_gone or self.remove
        self.on_change: Callable[[R], None] | None = None
        self._by_id: dict[str, R] = {}
        self._by_project: dict[str, dict[str, R]] = {}
        self._index: dict[_Key, dict[str, R]] = {}
        self._pending: dict[str, dict[str, R]] = {}
        self._counter = itertools.count(1)
        #: Bumped by every insert, removal and indexed change (lets a caller tell whether it changed).
        self.version = 0

    # -- writes -------------------------------------------------------------------------------------

    def insert(self, obj: R) -> R:
        """Store a new object and index it."""
        obj.order = next(self._counter)
        self.version += 1
        self._by_id[obj.id] = obj
        self._by_project.setdefault(obj.project_id, {})[obj.id] = obj
        for name in self.indexed:
            self._bucket_for(obj.project_id, name, getattr(obj, name))[obj.id] = obj
        if obj.life is not None:
            self._bucket_for(obj.project_id, "status", obj.life.status)[obj.id] = obj
            self._track_pending(obj)
        if self.on_change is not None:
            self.on_change(obj)
        return obj

    def remove(self, obj: R) -> None:
        """Forget an object at once."""
        if self._by_id.pop(obj.id, None) is None:
            return
        self.version += 1
        self._by_project.get(obj.project_id, {}).pop(obj.id, None)
        for name in self.indexed:
            self._drop(obj.project_id, name, getattr(obj, name), obj.id)
        if obj.life is not None:
            self._drop(obj.project_id, "status", obj.life.status, obj.id)
        self._pending.get(obj.project_id, {}).pop(obj.id, None)
        if self.on_change is not None:
            self.on_change(obj)

    def set(self, obj: R, name: str, value: Any) -> None:
        """Change a field, keeping its index in step."""
        old = getattr(obj, name)
        self.version += 1
        if name in self.indexed and old != value:
            self._drop(obj.project_id, name, old, obj.id)
            self._bucket_for(obj.project_id, name, value)[obj.id] = obj
        setattr(obj, name, value)
        if self.on_change is not None:
            self.on_change(obj)

    def begin(self, obj: R, action: str, now: datetime) -> str:
        """Start a lifecycle phase (``update``, ``resize``, ``delete``); returns the pending status."""
        assert self.engine is not None
        assert obj.life is not None
        before = obj.life.status
        status = self.engine.begin(self.kind, obj.life, action, now)
        self._restatus(obj, before)
        obj.updated_at = now
        return status

    def force_status(self, obj: R, status: str, now: datetime) -> None:
        """Put an object into ``status`` at once (failure branches, manual completion)."""
        assert self.engine is not None
        assert obj.life is not None
        before = obj.life.status
        self.engine.fail(obj.life, status, now)
        self._restatus(obj, before)
        obj.updated_at = now

    def settle(self, obj: R, now: datetime) -> str:
        """Complete the object's phase in progress at once."""
        assert self.engine is not None
        assert obj.life is not None
        before = obj.life.status
        self.engine.settle_now(obj.life, now)
        return self._after_settle(obj, before)

    # -- reads --------------------------------------------------------------------------------------

    def find(self, object_id: str, project_id: str | None = None) -> R | None:
        """The object with ``object_id`` (in ``project_id`` when given), without touching its status."""
        obj = self._by_id.get(object_id)
        if obj is None or (project_id is not None and obj.project_id != project_id):
            return None
        return obj

    def get(self, project_id: str | None, object_id: str, now: datetime, *, read: bool = True) -> R:
        """The object, its status brought up to date; 404 in the API's wording if absent or gone."""
        obj = self.find(object_id, project_id)
        if obj is None or self.status(obj, now, read=read) in _ABSENT:
            raise not_found(self.entity, object_id)
        return obj

    def status(self, obj: R, now: datetime, *, read: bool = False) -> str:
        """The object's status now (:data:`GONE` once its delete completed, and then it is gone)."""
        life = obj.life
        if life is None or self.engine is None:
            return "ACTIVE"
        if life.phase is None:
            return life.status
        before = life.status
        self.engine.peek(self.kind, life, now, read=read)
        return self._after_settle(obj, before)

    def query(
        self,
        project_id: str,
        filters: Mapping[str, Any],
        now: datetime,
        *,
        extra: Callable[[R], bool] | None = None,
    ) -> list[R]:
        """Objects of a project matching every filter exactly (``status`` as of now), in creation order.

        Filters on indexed fields (and ``id``) narrow the candidates through the indexes first.
        """
        wanted_status = filters.get("status")
        plain = {k: v for k, v in filters.items() if k != "status"}
        candidates, union = self._candidates(project_id, plain, wanted_status)
        out: list[R] = []
        for obj in candidates:
            if obj.project_id != project_id:
                continue
            if any(getattr(obj, k, _MISSING) != v for k, v in plain.items()):
                continue
            if extra is not None and not extra(obj):
                continue
            status = self.status(obj, now, read=True)
            if status == GONE:
                continue
            if wanted_status is not None and status != wanted_status:
                continue
            out.append(obj)
        if union:
            out.sort(key=lambda o: o.order)
        return out

    def bucket(self, project_id: str, name: str, value: Any) -> Mapping[str, R]:
        """The objects whose indexed field ``name`` equals ``value`` (a live view; do not mutate)."""
        return self._index.get((project_id, name, value), _EMPTY)

    def pending(self, project_id: str) -> list[R]:
        """The project's objects with a phase in progress (the only ones whose status can change)."""
        return list(self._pending.get(project_id, _EMPTY).values())

    def all(self, project_id: str | None = None) -> Iterator[R]:
        """Every object (of one project when given), in creation order."""
        source = self._by_id if project_id is None else self._by_project.get(project_id, _EMPTY)
        return iter(list(source.values()))

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, object_id: object) -> bool:
        return object_id in self._by_id

    # -- internals ----------------------------------------------------------------------------------

    def _candidates(
        self, project_id: str, plain: Mapping[str, Any], wanted_status: Any
    ) -> tuple[Iterable[R], bool]:
        if "id" in plain:
            obj = self._by_id.get(str(plain["id"]))
            return ([obj] if obj is not None else []), False
        best: Mapping[str, R] | None = None
        for name, value in plain.items():
            if name in self.indexed:
                bucket = self.bucket(project_id, name, value)
                if best is None or len(bucket) < len(best):
                    best = bucket
        if best is not None:
            return list(best.values()), False
        if wanted_status is not None and self.engine is not None:
            settled = self.bucket(project_id, "status", wanted_status)
            pending = self._pending.get(project_id, _EMPTY)
            merged = {**settled, **pending}
            return list(merged.values()), bool(pending)
        return list(self._by_project.get(project_id, _EMPTY).values()), False

    def _after_settle(self, obj: R, before: str) -> str:
        life = obj.life
        assert life is not None
        if life.status != before:
            self._restatus(obj, before)
            if life.phase is None and life.settled_at is not None:
                obj.updated_at = max(obj.updated_at, life.settled_at)
        if life.status == GONE:
            self.on_gone(obj)
            return GONE
        return life.status

    def _restatus(self, obj: R, before: str) -> None:
        assert obj.life is not None
        self._drop(obj.project_id, "status", before, obj.id)
        if obj.id in self._by_id:
            self._bucket_for(obj.project_id, "status", obj.life.status)[obj.id] = obj
            self._track_pending(obj)
        if self.on_change is not None:
            self.on_change(obj)

    def _track_pending(self, obj: R) -> None:
        assert obj.life is not None
        pending = self._pending.setdefault(obj.project_id, {})
        if obj.life.phase is not None:
            pending[obj.id] = obj
        else:
            pending.pop(obj.id, None)

    def _bucket_for(self, project_id: str, name: str, value: Any) -> dict[str, R]:
        return self._index.setdefault((project_id, name, value), {})

    def _drop(self, project_id: str, name: str, value: Any, object_id: str) -> None:
        key = (project_id, name, value)
        bucket = self._index.get(key)
        if bucket is not None:
            bucket.pop(object_id, None)
            if not bucket:
                del self._index[key]


_MISSING = object()
#: Statuses of objects that no longer answer a GET (a soft-deleted datastore is only listed).
_ABSENT = frozenset({GONE, "DELETED"})
_EMPTY: Mapping[str, Any] = {}
