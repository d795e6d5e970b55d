"""Waiters in the Terraform provider's manner (``BEHAVIOUR.md`` §2), with configurable timing.

An ACTIVE waiter polls ``GET /<collection>/{id}``: a status in the kind's pending set keeps it waiting,
``ACTIVE`` ends it, anything else (another status, any error, a 404) fails at once. A delete waiter
polls until the object answers 404 with ``{"error": {"code": 404}}`` in the body (the provider reads the
code from the body); a 200 keeps it waiting, anything else fails. The provider waits 10 s before the
first poll, then the kind's ``MinTimeout``, then 10 s between polls; against the fake (or any loopback
target) the kit scales that down to no delay and 10 ms between polls unless told otherwise.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from .kinds import Kind

__all__ = ["Fetch", "Interrupted", "Timing", "WaitFailed", "Waiter"]

#: ``(kind, object id) -> (HTTP status, parsed body)``.
Fetch = Callable[[Kind, str], tuple[int, Any]]

_PROVIDER_DELAY: Final = 10.0
_PROVIDER_MAX_INTERVAL: Final = 10.0
_PROVIDER_TIMEOUT: Final = 3600.0
_LOCAL_INTERVAL: Final = 0.01
_LOCAL_TIMEOUT: Final = 60.0


class WaitFailed(Exception):
    """A waiter gave up: an unexpected state, an error answer, or the timeout."""

    def __init__(self, kind: Kind, object_id: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{kind.name} {object_id}: {reason}")
        self.kind = kind
        self.object_id = object_id
        self.reason = reason
        self.status = status


class Interrupted(Exception):
    """The run is stopping; the waiter stopped waiting."""


@dataclass(frozen=True, slots=True)
class Timing:
    """How long to wait before the first poll, between polls, and at most."""

    delay: float = _PROVIDER_DELAY
    #: Fixed interval between polls; ``None`` for the provider's schedule.
    interval: float | None = None
    timeout: float = _PROVIDER_TIMEOUT

    @classmethod
    def choose(
        cls, *, local: bool, delay: float | None, interval: float | None, timeout: float | None
    ) -> Timing:
        """The provider's timing for a remote target, scaled down for a local one; explicit values win."""
        if local:
            return cls(
                delay=0.0 if delay is None else delay,
                interval=_LOCAL_INTERVAL if interval is None else interval,
                timeout=_LOCAL_TIMEOUT if timeout is None else timeout,
            )
        return cls(
            delay=_PROVIDER_DELAY if delay is None else delay,
            interval=interval,
            timeout=_PROVIDER_TIMEOUT if timeout is None else timeout,
        )

    def intervals(self, min_timeout: float) -> Iterator[float]:
        """The pauses between polls: the first delay, then MinTimeout, then 10 s (or a fixed interval)."""
        yield self.delay
        if self.interval is not None:
            while True:
                yield self.interval
        yield min_timeout
        while True:
            yield _PROVIDER_MAX_INTERVAL


class Waiter:
    """Polls objects until they settle; one per run, safe to share between threads."""

    def __init__(
        self,
        fetch: Fetch,
        timing: Timing,
        *,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetch = fetch
        self.timing = timing
        self.stop = stop or threading.Event()
        self.clock = clock

    def _pause(self, seconds: float) -> None:
        if self.stop.wait(seconds) if seconds > 0 else self.stop.is_set():
            raise Interrupted("the run is stopping")

    def until_active(self, kind: Kind, object_id: str) -> dict[str, Any]:
        """Poll until the object is ``ACTIVE`` and return it (objects without a status: one read)."""
        deadline = self.clock() + self.timing.timeout
        last = "never read"
        for pause in self.timing.intervals(kind.min_timeout):
            self._pause(pause)
            status, body = self.fetch(kind, object_id)
            if status != 200:
                raise WaitFailed(
                    kind, object_id, f"GET answered {status} while waiting for ACTIVE", status=status
                )
            obj = body.get(kind.wrapper) if isinstance(body, dict) else None
            if not isinstance(obj, dict):
                raise WaitFailed(kind, object_id, f"GET answered no {kind.wrapper!r} object", status=status)
            if not kind.has_status:
                return obj
            last = str(obj.get("status"))
            if last == "ACTIVE":
                return obj
            if last not in kind.pending:
                raise WaitFailed(
                    kind, object_id, f"unexpected state {last} (pending: {sorted(kind.pending)})"
                )
            if self.clock() >= deadline:
                break
        raise WaitFailed(kind, object_id, f"still {last} after {self.timing.timeout:g} s")

    def until_gone(self, kind: Kind, object_id: str) -> None:
        """Poll until the object answers 404 with the envelope's ``code`` 404."""
        deadline = self.clock() + self.timing.timeout
        for pause in self.timing.intervals(kind.delete_min_timeout):
            self._pause(pause)
            status, body = self.fetch(kind, object_id)
            if status == 404:
                error = body.get("error") if isinstance(body, dict) else None
                code = error.get("code") if isinstance(error, dict) else None
                if code != 404:
                    raise WaitFailed(kind, object_id, f"404 whose body code is {code!r}, not 404", status=404)
                return
            if status != 200:
                raise WaitFailed(
                    kind, object_id, f"GET answered {status} while waiting for 404", status=status
                )
            if self.clock() >= deadline:
                break
        raise WaitFailed(kind, object_id, f"still answers 200 {self.timing.timeout:g} s after its delete")
