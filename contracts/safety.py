"""Safety for runs against a shared target: inventory, teardown, sweep, signal handling.

- :func:`take_inventory` lists every collection; :func:`compare_inventories` finds what the run left
  and what it changed that it did not create.
- :func:`teardown` deletes ledger objects in dependency order, each deletion confirmed by a 404
  (children of a datastore the run created go with it and are confirmed one by one).
- :func:`sweep` removes the leftovers of a crashed run: datastores whose name starts with the prefix
  (and their children), prefixed children elsewhere, prefixed tokens and catalogue entries, and
  whatever a ledger file lists.
- :class:`StopSignals` turns SIGINT/SIGTERM into :class:`KeyboardInterrupt` so ``finally`` runs.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import FrameType, TracebackType
from typing import Any, Final

from .api import Api, ApiError
from .kinds import KINDS, Kind, child_name_prefix
from .ledger import Entry, Ledger
from .waiters import Interrupted, Waiter, WaitFailed

__all__ = [
    "INVENTORY_KINDS",
    "Inventory",
    "InventoryDiff",
    "StopSignals",
    "SweepReport",
    "TeardownProblem",
    "compare_inventories",
    "sweep",
    "take_inventory",
    "teardown",
]

#: The collections an inventory lists (the catalogue too: an admin run may change it).
INVENTORY_KINDS: Final = (
    "datastore",
    "database",
    "user",
    "grant",
    "extension",
    "logical_replication_slot",
    "topic",
    "acl",
    "prometheus_metrics_token",
    "flavor",
    "available_extension",
    "configuration_parameter",
    "datastore_type",
)
#: Fields that change by themselves (progress, clocks, usage); ignored when comparing objects.
_VOLATILE: Final = frozenset({"status", "updated_at", "creation_finished_at", "disk_used"})
_BUSY_RETRIES: Final = 5

Inventory = dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class TeardownProblem:
    """An object the kit could not remove (or could not confirm removed)."""

    kind: str
    id: str
    name: str | None
    reason: str
    curl: str = ""


@dataclass
class InventoryDiff:
    """What differs between the inventories before and after a run."""

    left: list[tuple[str, str, str | None]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    vanished: list[tuple[str, str]] = field(default_factory=list)
    appeared: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing left behind, nothing foreign changed or removed."""
        return not (self.left or self.changed or self.vanished)


def take_inventory(api: Api, kinds: Iterable[str] = INVENTORY_KINDS) -> Inventory:
    """Every object of every collection, by kind and id (a collection that fails to list is skipped)."""
    inventory: Inventory = {}
    for name in kinds:
        reply = api.list(KINDS[name])
        if reply.status != 200:
            continue
        inventory[name] = {str(item.get("id")): item for item in reply.items()}
    return inventory


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _stable(item) for key, item in value.items() if key not in _VOLATILE}
    if isinstance(value, list):
        return [_stable(item) for item in value]
    return value


def compare_inventories(before: Inventory, after: Inventory, ledger: Ledger) -> InventoryDiff:
    """Objects left by the run (in the ledger or named with its prefix) and foreign objects it changed."""
    diff = InventoryDiff()
    prefixes = (ledger.prefix, child_name_prefix(ledger.prefix))
    for kind, objects in after.items():
        previous = before.get(kind, {})
        for object_id, obj in objects.items():
            name = obj.get("name") if isinstance(obj.get("name"), str) else None
            ours = ledger.owns(object_id) or (name is not None and name.startswith(prefixes))
            if ours:
                diff.left.append((kind, object_id, name))
            elif object_id not in previous:
                diff.appeared.append((kind, object_id, name))
            elif _stable(previous[object_id]) != _stable(obj):
                changes = sorted(
                    key
                    for key in set(previous[object_id]) | set(obj)
                    if key not in _VOLATILE and _stable(previous[object_id].get(key)) != _stable(obj.get(key))
                )
                diff.changed.append((kind, object_id, ", ".join(changes)))
    for kind, objects in before.items():
        for object_id in objects:
            if kind in after and object_id not in after[kind] and not ledger.owns(object_id):
                diff.vanished.append((kind, object_id))
    return diff


def _settle(waiter: Waiter, kind: Kind, object_id: str, datastore_id: str | None) -> bool:
    """Wait for a busy object and its datastore to be ACTIVE; ``False`` when the object is gone."""
    try:
        if datastore_id is not None and kind.name != "datastore":
            waiter.until_active(KINDS["datastore"], datastore_id)
        waiter.until_active(kind, object_id)
    except WaitFailed as failure:
        return failure.status != 404 or failure.kind.name != kind.name
    return True


def _delete_one(
    api: Api, waiter: Waiter, kind: Kind, object_id: str, datastore_id: str | None = None
) -> tuple[str | None, str]:
    """Delete and confirm by 404; returns (problem or None, curl of the delete)."""
    curl = ""
    for _ in range(_BUSY_RETRIES):
        reply = api.delete(kind, object_id)
        curl = reply.curl
        if reply.status == 404:
            return None, curl
        if reply.status == 409:
            # Busy (it or its datastore is not ACTIVE yet): wait for them to settle, then try again.
            if not _settle(waiter, kind, object_id, datastore_id):
                return None, curl
            continue
        if not 200 <= reply.status < 300:
            return f"DELETE answered {reply.status}: {reply.body!r}"[:300], curl
        try:
            waiter.until_gone(kind, object_id)
        except WaitFailed as failure:
            return failure.reason, curl
        return None, curl
    return f"still busy (409) after {_BUSY_RETRIES} attempts", curl


def teardown(
    api: Api,
    waiter: Waiter,
    ledger: Ledger,
    *,
    scope: str | None = None,
    on_deleted: Callable[[Entry, str], None] | None = None,
) -> list[TeardownProblem]:
    """Delete every live ledger object (of ``scope``), dependants first; each confirmed by a 404."""
    entries = ledger.live(scope=scope)
    ours = {entry.id for entry in entries if entry.kind == "datastore"}
    problems: list[TeardownProblem] = []
    cascaded: list[Entry] = []
    for entry in ledger.in_teardown_order(entries):
        if entry.kind != "datastore" and entry.datastore_id in ours:
            cascaded.append(entry)  # deleting the datastore takes it along
            continue
        try:
            problem, curl = _delete_one(api, waiter, KINDS[entry.kind], entry.id, entry.datastore_id)
        except (ApiError, Interrupted) as error:
            problem, curl = f"{type(error).__name__}: {error}", ""
        if problem is None:
            ledger.mark(entry.id, "deleted")
            if on_deleted is not None:
                on_deleted(entry, curl)
        else:
            ledger.mark(entry.id, "left")
            problems.append(TeardownProblem(entry.kind, entry.id, entry.name, problem, curl))
    for entry in cascaded:
        try:
            waiter.until_gone(KINDS[entry.kind], entry.id)
        except WaitFailed as failure:
            ledger.mark(entry.id, "left")
            problems.append(
                TeardownProblem(
                    entry.kind, entry.id, entry.name, f"not gone with its datastore: {failure.reason}"
                )
            )
        except (ApiError, Interrupted) as error:
            problems.append(
                TeardownProblem(entry.kind, entry.id, entry.name, f"{type(error).__name__}: {error}")
            )
        else:
            ledger.mark(entry.id, "deleted")
    return problems


@dataclass
class SweepReport:
    """What a sweep found and removed."""

    removed: list[tuple[str, str, str | None]] = field(default_factory=list)
    problems: list[TeardownProblem] = field(default_factory=list)
    found: list[tuple[str, str, str | None]] = field(default_factory=list)


def _named(obj: Mapping[str, Any]) -> str | None:
    name = obj.get("name")
    return name if isinstance(name, str) else None


def sweep(
    api: Api, waiter: Waiter, prefix: str, *, ledger: Ledger | None = None, dry_run: bool = False
) -> SweepReport:
    """Remove every object a crashed run left: prefixed datastores and their children, and the rest."""
    report = SweepReport()
    victims = Ledger(ledger.run_id if ledger else "sweep", prefix)
    datastores = api.list(KINDS["datastore"]).items()
    doomed = {str(ds["id"]) for ds in datastores if (_named(ds) or "").startswith(prefix)}
    for ds in datastores:
        if str(ds["id"]) in doomed:
            victims.add("datastore", str(ds["id"]), name=_named(ds), datastore_id=None, operation="sweep")
    child_prefix = child_name_prefix(prefix)
    for name in ("database", "user", "topic", "logical_replication_slot", "grant", "extension", "acl"):
        for obj in api.list(KINDS[name]).items():
            datastore_id = obj.get("datastore_id")
            named = _named(obj) or ""
            if datastore_id in doomed or named.startswith((prefix, child_prefix)):
                victims.add(
                    name, str(obj["id"]), name=_named(obj), datastore_id=datastore_id, operation="sweep"
                )
    for name in ("prometheus_metrics_token", "configuration_parameter", "available_extension", "flavor"):
        reply = api.list(KINDS[name])
        for obj in reply.items():
            if (_named(obj) or "").startswith(prefix):
                victims.add(name, str(obj["id"]), name=_named(obj), datastore_id=None, operation="sweep")
    if ledger is not None:
        for entry in ledger.live():
            victims.add(
                entry.kind, entry.id, name=entry.name, datastore_id=entry.datastore_id, operation="sweep"
            )
    report.found = [(entry.kind, entry.id, entry.name) for entry in victims.entries()]
    if dry_run:
        return report
    report.problems = teardown(
        api,
        waiter,
        victims,
        on_deleted=lambda entry, _: report.removed.append((entry.kind, entry.id, entry.name)),
    )
    for entry in victims.entries():
        if entry.state == "deleted" and (entry.kind, entry.id, entry.name) not in report.removed:
            report.removed.append((entry.kind, entry.id, entry.name))
    return report


class StopSignals:
    """While active, SIGINT and SIGTERM raise :class:`KeyboardInterrupt` in the main thread.

    Outside the main thread (a test runner's worker) it does nothing: the caller's own handling applies.
    """

    def __init__(self, on_stop: Callable[[], None] | None = None) -> None:
        self.on_stop = on_stop
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.on_stop is not None:
            self.on_stop()
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()
