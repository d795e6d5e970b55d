"""What a run found: per phase, operation and check, how many responses passed and failed, and why.

:class:`Results` is filled from schemathesis' events (the engine phases), from the scenarios and from
the safety harness, and read by the reports. It is thread-safe: checks run in the engine's worker
thread while the main thread consumes events.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

__all__ = ["SAFETY", "FailureRecord", "Results", "Tally"]

#: The pseudo-phase of the safety harness (inventory, teardown) in reports.
SAFETY: Final = "safety"
#: Tokens shorter than this are not masked (they would match ordinary words).
_MIN_SECRET: Final = 8
#: Failures kept per (phase, operation, check) for the reports; the rest are only counted.
_KEPT: Final = 3


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """One failed check on one response (or one safety problem)."""

    phase: str
    operation: str
    check: str
    title: str
    message: str
    curl: str = ""
    status: int | None = None


@dataclass(slots=True)
class Tally:
    """Passes and failures of one check on one operation in one phase."""

    passed: int = 0
    failed: int = 0
    failures: list[FailureRecord] = field(default_factory=list)


class Results:
    """Outcomes of a run, keyed by (phase, operation, check)."""

    def __init__(self, masks: Mapping[str, str] | None = None) -> None:
        self.tallies: dict[tuple[str, str, str], Tally] = {}
        #: Problems that are not a check's verdict: engine errors, hook errors, unreachable target.
        self.errors: list[FailureRecord] = []
        #: Informational lines for the summary (skipped phases, objects that appeared, ...).
        self.notes: list[str] = []
        self.interrupted = False
        self._masks = dict(masks or {})
        self._lock = threading.Lock()

    def redact(self, text: str) -> str:
        """``text`` with every secret token replaced by its shell variable."""
        for secret, mask in self._masks.items():
            if len(secret) >= _MIN_SECRET:
                text = text.replace(secret, mask)
        return text

    def passed(self, phase: str, operation: str, check: str, count: int = 1) -> None:
        """Record ``count`` responses on which ``check`` held."""
        with self._lock:
            self.tallies.setdefault((phase, operation, check), Tally()).passed += count

    def failed(self, record: FailureRecord) -> None:
        """Record one failed check."""
        record = FailureRecord(
            record.phase,
            record.operation,
            record.check,
            self.redact(record.title),
            self.redact(record.message),
            self.redact(record.curl),
            record.status,
        )
        with self._lock:
            tally = self.tallies.setdefault((record.phase, record.operation, record.check), Tally())
            tally.failed += 1
            if len(tally.failures) < _KEPT:
                tally.failures.append(record)

    def error(self, phase: str, operation: str, title: str, message: str) -> None:
        """Record an error that stopped a test from judging anything."""
        with self._lock:
            self.errors.append(
                FailureRecord(phase, operation, "error", self.redact(title), self.redact(message))
            )

    def note(self, text: str) -> None:
        """Add an informational line to the summary."""
        with self._lock:
            self.notes.append(self.redact(text))

    # -- reading ------------------------------------------------------------------------------------

    @property
    def ok(self) -> bool:
        """Every check passed, nothing errored, the run was not interrupted."""
        with self._lock:
            return (
                not self.interrupted and not self.errors and all(t.failed == 0 for t in self.tallies.values())
            )

    def failures(self) -> list[FailureRecord]:
        """The kept failures, grouped by phase, operation and check."""
        with self._lock:
            return [record for key in sorted(self.tallies) for record in self.tallies[key].failures]

    def failed_operations(self) -> list[str]:
        """Operations with at least one failed check or error."""
        with self._lock:
            names = {operation for (_, operation, _), tally in self.tallies.items() if tally.failed}
            names.update(record.operation for record in self.errors)
            return sorted(names)

    def phases(self) -> list[str]:
        """The phases that recorded anything."""
        with self._lock:
            return sorted({phase for phase, _, _ in self.tallies} | {record.phase for record in self.errors})

    def matrix(self, phases: Iterable[str] | None = None) -> dict[str, dict[str, Tally]]:
        """operation -> check -> tally summed over ``phases`` (all when ``None``)."""
        wanted = set(phases) if phases is not None else None
        matrix: dict[str, dict[str, Tally]] = {}
        with self._lock:
            for (phase, operation, check), tally in sorted(self.tallies.items()):
                if wanted is not None and phase not in wanted:
                    continue
                cell = matrix.setdefault(operation, {}).setdefault(check, Tally())
                cell.passed += tally.passed
                cell.failed += tally.failed
                cell.failures.extend(tally.failures[: max(0, _KEPT - len(cell.failures))])
        return matrix

    def totals(self) -> tuple[int, int]:
        """(passed, failed) check verdicts over the whole run."""
        with self._lock:
            return (
                sum(t.passed for t in self.tallies.values()),
                sum(t.failed for t in self.tallies.values()),
            )
