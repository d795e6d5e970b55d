"""Lifecycles as data: one transition table per resource kind, statuses worked out when read.

A mutating call *begins* a :class:`Phase` (``PENDING_CREATE``, ``PENDING_UPDATE``, ``RESIZING``,
``PENDING_DELETE``); the phase *settles* into its outcome (``ACTIVE``, or gone for a delete, or a
failure status when a fault says so) according to the progression mode of the kind:

- ``time``: when the injected clock reaches ``started + duration``;
- ``reads``: on the N-th read of the object (default 1: a polling loop ends on its first poll);
- ``manual``: only when told (:meth:`LifecycleEngine.settle_now`).

No background task ever runs: settling happens when the object is looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .clock import Clock

__all__ = [
    "FAILURE_STATUSES",
    "GONE",
    "STATUSES",
    "TABLES",
    "Life",
    "LifecycleEngine",
    "LifecycleSettings",
    "Mode",
    "Phase",
    "Step",
]

STATUSES = (
    "ACTIVE",
    "DELETED",
    "DEGRADED",
    "DISK_FULL",
    "ERROR",
    "PENDING_CREATE",
    "PENDING_UPDATE",
    "PENDING_DELETE",
    "DOWN",
    "RESIZING",
)
FAILURE_STATUSES = ("ERROR", "DEGRADED", "DISK_FULL", "DOWN")
#: The outcome of a delete: the object disappears (a datastore is kept as soft-deleted ``DELETED``).
GONE = "GONE"


class Mode(StrEnum):
    """How pending phases progress."""

    TIME = "time"
    READS = "reads"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Step:
    """One row of a transition table: while in progress show ``pending``, then become ``outcome``."""

    pending: str
    outcome: str
    seconds: float


def _table(create: float, update: float, delete: float, resize: float | None = None) -> dict[str, Step]:
    rows = {
        "create": Step("PENDING_CREATE", "ACTIVE", create),
        "update": Step("PENDING_UPDATE", "ACTIVE", update),
        "delete": Step("PENDING_DELETE", GONE, delete),
    }
    if resize is not None:
        rows["resize"] = Step("RESIZING", "ACTIVE", resize)
    return rows


#: Realistic clock durations (seconds) per kind and action, used in ``time`` mode.
TABLES: dict[str, dict[str, Step]] = {
    "datastore": _table(create=300, update=60, delete=120, resize=600),
    "database": _table(create=5, update=5, delete=5),
    "user": _table(create=5, update=5, delete=5),
    "grant": _table(create=5, update=5, delete=5),
    "extension": _table(create=10, update=10, delete=10),
    "logical_replication_slot": _table(create=5, update=5, delete=5),
    "topic": _table(create=10, update=10, delete=10),
    "acl": _table(create=5, update=5, delete=5),
}


@dataclass(slots=True)
class Phase:
    """A transition in progress."""

    action: str
    step: Step
    started: datetime
    due: datetime
    reads_left: int
    outcome: str


@dataclass(slots=True)
class Life:
    """The lifecycle state of one object: its settled status and the phase in progress, if any."""

    status: str
    phase: Phase | None = None
    settled_at: datetime | None = None
    #: Increments at every phase begun, so an action can tell whether its phase is the current one.
    seq: int = 0

    @property
    def pending(self) -> bool:
        return self.phase is not None


@dataclass(slots=True)
class LifecycleSettings:
    """Progression mode (global and per kind), reads-to-settle, and per kind/action durations."""

    mode: Mode = Mode.READS
    reads: int = 1
    kind_modes: dict[str, Mode] = field(default_factory=dict)
    durations: dict[str, dict[str, float]] = field(default_factory=dict)

    def mode_for(self, kind: str) -> Mode:
        return self.kind_modes.get(kind, self.mode)

    def step_for(self, kind: str, action: str) -> Step:
        step = TABLES[kind][action]
        seconds = self.durations.get(kind, {}).get(action)
        return step if seconds is None else replace(step, seconds=seconds)


class LifecycleEngine:
    """Begins and settles phases on the injected clock, following :class:`LifecycleSettings`."""

    def __init__(self, clock: Clock, settings: LifecycleSettings | None = None) -> None:
        self.clock = clock
        self.settings = settings or LifecycleSettings()
        #: Outcomes forced by faults: kind -> queue of statuses for the next phases begun.
        self.forced_outcomes: dict[str, list[str]] = {}

    def new_life(self, kind: str, now: datetime) -> Life:
        """A freshly created object: in its create phase."""
        life = Life(status="PENDING_CREATE")
        self.begin(kind, life, "create", now)
        return life

    def begin(self, kind: str, life: Life, action: str, now: datetime) -> str:
        """Start ``action`` on ``life``; returns the pending status to answer with."""
        step = self.settings.step_for(kind, action)
        outcome = step.outcome
        forced = self.forced_outcomes.get(kind)
        if forced and action != "delete":
            outcome = forced.pop(0)
        life.seq += 1
        life.phase = Phase(
            action=action,
            step=step,
            started=now,
            due=now + timedelta(seconds=step.seconds),
            reads_left=max(self.settings.reads, 1),
            outcome=outcome,
        )
        life.status = step.pending
        return step.pending

    def peek(self, kind: str, life: Life, now: datetime, *, read: bool) -> str:
        """The status an observer sees now; ``read`` says whether this look counts as a read.

        Returns :data:`GONE` when a delete has completed. Settles the phase when it is due.
        """
        phase = life.phase
        if phase is None:
            return life.status
        mode = self.settings.mode_for(kind)
        if mode is Mode.TIME:
            if now >= phase.due:
                self._settle(life, phase.due)
        elif mode is Mode.READS and read:
            phase.reads_left -= 1
            if phase.reads_left <= 0:
                self._settle(life, now)
        return life.status

    def settle_now(self, life: Life, now: datetime) -> str:
        """Complete the phase in progress at once (``manual`` mode, or a test's shortcut)."""
        if life.phase is not None:
            self._settle(life, now)
        return life.status

    def fail(self, life: Life, status: str, now: datetime) -> None:
        """Put a settled object into a failure status (``ERROR``, ``DEGRADED``, ...) or back to ACTIVE."""
        life.phase = None
        life.status = status
        life.settled_at = now

    @staticmethod
    def _settle(life: Life, at: datetime) -> None:
        assert life.phase is not None
        life.status = life.phase.outcome
        life.phase = None
        life.settled_at = at
