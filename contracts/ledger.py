"""The ledger: every object a run created, written to disk as it goes.

Each successful create is recorded the moment its answer arrives (by the ``after_call`` hook, whoever
sent it), with its kind, id, name and datastore, and the file ``ledger.json`` of the report directory
is rewritten atomically, so a run that is killed leaves an exact list behind for
``dbaas-contracts sweep --ledger``. Objects without a name are tracked by id.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .kinds import KINDS, TEARDOWN_ORDER

__all__ = ["Entry", "Ledger"]


@dataclass(slots=True)
class Entry:
    """One object the run created."""

    kind: str
    id: str
    name: str | None
    datastore_id: str | None
    operation: str
    created_at: float
    #: ``created`` until a delete is confirmed by a 404, then ``deleted``; ``left`` if teardown failed.
    state: str = "created"
    #: The stateful scenario (or kit scenario) that created it, for per-scenario teardown.
    scope: str | None = None
    #: Ids of parts of the object the run may act on too (a datastore's instances).
    parts: list[str] = field(default_factory=list)


class Ledger:
    """The objects of one run; thread-safe; persisted to ``path`` on every change when given."""

    def __init__(self, run_id: str, prefix: str, path: Path | None = None) -> None:
        self.run_id = run_id
        self.prefix = prefix
        self.path = path
        self._entries: dict[str, Entry] = {}
        self._lock = threading.RLock()
        self.started = time.time()
        self.save()

    # -- recording ----------------------------------------------------------------------------------

    def add(
        self,
        kind: str,
        object_id: str,
        *,
        name: str | None,
        datastore_id: str | None,
        operation: str,
        scope: str | None = None,
    ) -> Entry:
        """Record a created object (again: keeps the first record, revives it if it was deleted)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        with self._lock:
            entry = self._entries.get(object_id)
            if entry is None:
                entry = Entry(kind, object_id, name, datastore_id, operation, time.time(), scope=scope)
                self._entries[object_id] = entry
            else:
                entry.state = "created"
            self.save()
            return entry

    def add_parts(self, object_id: str, parts: Iterable[str]) -> None:
        """Remember ids of parts of an object (instances of a datastore)."""
        with self._lock:
            entry = self._entries.get(object_id)
            if entry is None:
                return
            new = [part for part in parts if part not in entry.parts]
            if new:
                entry.parts.extend(new)
                self.save()

    def mark(self, object_id: str, state: str) -> None:
        """Set an entry's state (``deleted`` once a 404 confirmed it, ``left`` if it could not go)."""
        with self._lock:
            entry = self._entries.get(object_id)
            if entry is not None and entry.state != state:
                entry.state = state
                if state == "deleted" and entry.kind == "datastore":
                    for child in self._entries.values():
                        if child.datastore_id == object_id and child.kind != "datastore":
                            child.state = "deleted"
                self.save()

    # -- questions ----------------------------------------------------------------------------------

    def owns(self, object_id: str) -> bool:
        """Whether the run created the object (or a part of one) with this id, deleted or not."""
        with self._lock:
            if object_id in self._entries:
                return True
            return any(object_id in entry.parts for entry in self._entries.values())

    def get(self, object_id: str) -> Entry | None:
        """The entry of an id."""
        with self._lock:
            return self._entries.get(object_id)

    def entries(self) -> list[Entry]:
        """Every entry, in creation order."""
        with self._lock:
            return list(self._entries.values())

    def live(self, *, kind: str | None = None, scope: str | None = None) -> list[Entry]:
        """Entries not confirmed deleted (of a kind, of a scope), in creation order."""
        with self._lock:
            return [
                entry
                for entry in self._entries.values()
                if entry.state != "deleted"
                and (kind is None or entry.kind == kind)
                and (scope is None or entry.scope == scope)
            ]

    def in_teardown_order(self, entries: Iterable[Entry]) -> Iterator[Entry]:
        """``entries`` sorted so that dependants come before what they depend on."""
        rank = {kind: index for index, kind in enumerate(TEARDOWN_ORDER)}
        yield from sorted(entries, key=lambda entry: (rank.get(entry.kind, len(rank)), -entry.created_at))

    # -- persistence --------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The ledger as a JSON document."""
        with self._lock:
            return {
                "run_id": self.run_id,
                "prefix": self.prefix,
                "started": self.started,
                "objects": [asdict(entry) for entry in self._entries.values()],
            }

    def save(self) -> None:
        """Rewrite the file atomically (a crash leaves the previous or the new version, never half)."""
        if self.path is None:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.to_json(), indent=2), encoding="utf-8")
            os.replace(temporary, self.path)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """Read a ledger file (for ``sweep --ledger``); the result is not written back."""
        document = json.loads(path.read_text(encoding="utf-8"))
        ledger = cls(str(document.get("run_id", "")), str(document.get("prefix", "")))
        ledger.started = float(document.get("started", 0.0))
        for raw in document.get("objects", []):
            entry = Entry(**raw)
            ledger._entries[entry.id] = entry
        return ledger
