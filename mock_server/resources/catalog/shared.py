"""Copy-on-write catalog tables: every fake of a process reads one seeded catalog until it changes it.

Seeding the catalog (some 430 objects with their ids and indexes) used to be most of the cost of a new
fake. :func:`~.seed.pristine_catalog` now builds it once per seed, and each :class:`SharedTable` reads
a pristine table in place until its first write, which first gives it private copies of the records
and indexes. The pristine tables are reachable from no fake (only from the builder's cache and from
:class:`SharedTable` internals), so nothing but :meth:`SharedTable.own` ever reads them for a write.

The isolation rule: a fake must never see another fake's catalog changes. It holds because

- every write method of :class:`Table` that applies to catalog objects (``insert``, ``remove``,
  ``set``; they have no lifecycle) is overridden here to call :meth:`SharedTable.own` first (this
  covers ``snapshot.restore``, which refills tables through ``remove`` and ``insert``);
- the catalog's admin operations that change a record in place (``flavor.host = ...``) first call
  :meth:`SharedTable.own` and only then look the record up;
- nothing outside ``CatalogModel`` changes a catalog record (the other resources only read them).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, TypeVar

from ...store import Record, Table

__all__ = ["SharedTable"]

_R = TypeVar("_R", bound=Record)


class SharedTable(Table[_R]):
    """A table that reads ``pristine`` in place until its first write, which copies it first.

    ``clone`` copies one record deeply enough that changing the copy never changes the original
    (its lists and nested objects are new ones). ``pristine`` must never be written to.
    """

    def __init__(self, pristine: Table[_R], clone: Callable[[_R], _R]) -> None:
        super().__init__(pristine.kind, pristine.entity, None, pristine.indexed)
        self._pristine: Table[_R] | None = pristine
        self._clone = clone
        # Aliases of the pristine table's indexes: every read method works on them unchanged.
        self._by_id = pristine._by_id
        self._by_project = pristine._by_project
        self._index = pristine._index
        self._pending = pristine._pending
        self.version = pristine.version

    def own(self) -> None:
        """Replace the shared records and indexes with private copies (once; later calls do nothing)."""
        pristine = self._pristine
        if pristine is None:
            return
        self._pristine = None
        self._by_id, self._by_project, self._index, self._pending = {}, {}, {}, {}
        version = pristine.version
        last = 0
        for original in pristine._by_id.values():
            copy = self._clone(original)
            super().insert(copy)
            # ``insert`` numbers records afresh; keep the pristine order (list order) instead.
            copy.order = original.order
            last = max(last, original.order)
        self._counter = itertools.count(last + 1)
        self.version = version

    # -- every write copies first ---------------------------------------------------------------------

    def insert(self, obj: _R) -> _R:
        """Store a new object (in this table's private copy)."""
        self.own()
        return super().insert(obj)

    def remove(self, obj: _R) -> None:
        """Forget an object (in this table's private copy; ``obj`` may be the shared record)."""
        self.own()
        super().remove(obj)

    def set(self, obj: _R, name: str, value: Any) -> None:
        """Change a field of the private copy of ``obj`` (looked up by id: ``obj`` may be shared)."""
        self.own()
        mine = self._by_id.get(obj.id, obj)
        super().set(mine, name, value)
