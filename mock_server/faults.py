"""Deterministic faults, addressed by operationId: errors, latency, dropped connections.

A :class:`Fault` names an operation (``"create_datastore"``, or ``"*"`` for every operation) and what
happens to its calls:

- ``error``: the call is answered with ``status`` (429 with ``Retry-After``, 500, 503...) in the API's
  envelope, and changes nothing;
- ``latency``: the call waits ``seconds`` before it is handled (an async sleep: other calls go on);
- ``drop``: the response starts (status line and a ``Content-Length``) and the connection is closed
  mid-body; the call changes nothing. In process the caller gets :class:`ConnectionDropped`, an
  :class:`httpx.RemoteProtocolError`, as a real client gets from a server that hangs up.

Which calls: every call of the operation counts (``calls``); call *n* is faulted when it is past the
first ``after`` calls, within the ``first`` N calls after those, on every ``every``-th of them, and
(with ``probability``) when a generator seeded with ``seed`` and the operationId draws under it; at
most ``times`` times. Conditions not given do not apply. The same rules and the same calls give the
same faults, run after run.

Faults are checked after authentication and routing and before validation, so a faulted call never
reaches a handler.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from http import HTTPStatus
from types import MappingProxyType
from typing import Any

import httpx

from .errors import ApiError, validation_failure
from .lifecycle import FAILURE_STATUSES

__all__ = [
    "ANY_OPERATION",
    "FAULT_KINDS",
    "FORCEABLE_STATUSES",
    "ConnectionDropped",
    "Fault",
    "Faults",
    "Hangup",
    "Verdict",
    "hang_up",
]

#: The operationId that matches every operation.
ANY_OPERATION = "*"
FAULT_KINDS = ("error", "latency", "drop")
#: Statuses an object can be put into by hand (a failure, or back to ``ACTIVE``).
FORCEABLE_STATUSES = ("ACTIVE", *FAILURE_STATUSES)

_MAX_LATENCY = 300.0
_MESSAGES = MappingProxyType(
    {
        429: "Too many requests: the rate limit is exceeded, retry later.",
        503: "Service Unavailable: the service is temporarily unable to handle the request, retry later.",
    }
)
_OPTIONS = frozenset(
    {
        "operation_id",
        "kind",
        "status",
        "message",
        "retry_after",
        "seconds",
        "first",
        "every",
        "after",
        "times",
        "probability",
        "seed",
    }
)


class ConnectionDropped(httpx.RemoteProtocolError):
    """The fake hung up mid-response (a ``drop`` fault).

    Raised by the app after it sent the response start, so a server closes the connection; in process
    (TestClient, ``httpx.ASGITransport``, interception) the caller receives it as the
    :class:`httpx.RemoteProtocolError` a real client would get.
    """


@dataclass(slots=True)
class Fault:
    """One fault rule with its counters (``calls`` seen, ``fired`` faults)."""

    id: str
    operation_id: str
    kind: str
    status: int | None = None
    message: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    first: int | None = None
    every: int | None = None
    after: int = 0
    times: int | None = None
    probability: float | None = None
    seed: int = 0
    calls: int = 0
    fired: int = 0
    _random: random.Random | None = field(default=None, repr=False, compare=False)

    def matches(self, operation_id: str) -> bool:
        """Whether this fault concerns ``operation_id``."""
        return self.operation_id in (ANY_OPERATION, operation_id)

    def decide(self) -> bool:
        """Count one call and say whether the fault fires on it."""
        self.calls += 1
        n = self.calls - self.after
        if n <= 0:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        if self.first is not None and n > self.first:
            return False
        if self.every is not None and n % self.every != 0:
            return False
        if self.probability is not None:
            if self._random is None:
                self._random = random.Random(f"dbaas-mock-fault:{self.seed}:{self.operation_id}")
            if self._random.random() >= self.probability:
                return False
        self.fired += 1
        return True

    def error(self) -> ApiError:
        """The error answer of an ``error`` fault, in the API's envelope."""
        status = self.status or 500
        headers = {"X-Dbaas-Mock-Fault": self.id}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return ApiError(status, self.message or _MESSAGES.get(status) or _phrase(status), headers)

    @property
    def tag(self) -> str:
        """``<id>:<kind>``, as the journal shows it."""
        return f"{self.id}:{self.kind}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view with the counters."""
        return {
            "id": self.id,
            "operation_id": self.operation_id,
            "kind": self.kind,
            "status": self.status,
            "message": self.message,
            "retry_after": self.retry_after,
            "seconds": self.seconds,
            "first": self.first,
            "every": self.every,
            "after": self.after,
            "times": self.times,
            "probability": self.probability,
            "seed": self.seed,
            "calls": self.calls,
            "fired": self.fired,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the faults say about one call: wait ``latency`` seconds, then answer ``fault`` if any."""

    latency: float
    fault: Fault | None
    tags: tuple[str, ...]


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _int(options: Mapping[str, Any], key: str, minimum: int) -> int | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise validation_failure({key: f"{value!r} is not of type 'integer'"})
    if value < minimum:
        raise validation_failure({key: f"{value!r} is less than the minimum of {minimum}"})
    return value


def _number(options: Mapping[str, Any], key: str, low: float, high: float) -> float | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise validation_failure({key: f"{value!r} is not of type 'number'"})
    if not low <= value <= high:
        raise validation_failure({key: f"{value!r} is not between {low:g} and {high:g}"})
    return float(value)


class Faults:
    """The fault rules of one app. ``active`` is false while there is none (the fast path)."""

    def __init__(self, seed: int = 0, operations: Collection[str] | None = None) -> None:
        self.seed = seed
        self.operations = frozenset(operations) if operations is not None else None
        self.active = False
        self._rules: dict[str, Fault] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # -- rules --------------------------------------------------------------------------------------

    def add(self, operation_id: str = ANY_OPERATION, kind: str = "error", **options: Any) -> Fault:
        """Add a rule (see the module's docstring); raises a 400 :class:`ApiError` on a bad option."""
        with self._lock:
            fault = self._build({**options, "operation_id": operation_id, "kind": kind})
            self._rules[fault.id] = fault
            self.active = True
        return fault

    def add_from(self, document: Mapping[str, Any]) -> Fault:
        """Add a rule from its JSON form (``{"operation_id", "kind", ...}``)."""
        unknown = sorted(set(document) - _OPTIONS)
        if unknown:
            names = ", ".join(repr(k) for k in unknown)
            raise validation_failure(
                {"body": f"Additional properties are not allowed ({names} was unexpected)"}
            )
        options = dict(document)
        return self.add(options.pop("operation_id", ANY_OPERATION), options.pop("kind", "error"), **options)

    def error(self, operation_id: str, status: int = 500, **options: Any) -> Fault:
        """Answer ``status`` in the API's envelope (``message=``, ``retry_after=`` optional)."""
        return self.add(operation_id, "error", status=status, **options)

    def rate_limit(self, operation_id: str, retry_after: int = 1, **options: Any) -> Fault:
        """Answer 429 with ``Retry-After: retry_after``."""
        return self.add(operation_id, "error", status=429, retry_after=retry_after, **options)

    def unavailable(self, operation_id: str, **options: Any) -> Fault:
        """Answer 503 (``retry_after=`` adds a ``Retry-After`` header)."""
        return self.add(operation_id, "error", status=503, **options)

    def latency(self, operation_id: str, seconds: float, **options: Any) -> Fault:
        """Wait ``seconds`` before handling the call."""
        return self.add(operation_id, "latency", seconds=seconds, **options)

    def drop(self, operation_id: str, **options: Any) -> Fault:
        """Close the connection mid-response."""
        return self.add(operation_id, "drop", **options)

    def get(self, fault_id: str) -> Fault:
        """The rule ``fault_id``; 404 when there is none."""
        fault = self._rules.get(fault_id)
        if fault is None:
            raise ApiError(404, f"fault {fault_id} not found.")
        return fault

    def remove(self, fault_id: str) -> Fault:
        """Delete the rule ``fault_id``; 404 when there is none."""
        with self._lock:
            fault = self._rules.pop(fault_id, None)
            self.active = bool(self._rules)
        if fault is None:
            raise ApiError(404, f"fault {fault_id} not found.")
        return fault

    def clear(self) -> None:
        """Delete every rule (ids start again at ``f1``)."""
        with self._lock:
            self._rules.clear()
            self._ids = itertools.count(1)
            self.active = False

    def rules(self) -> list[Fault]:
        """Every rule, in the order added."""
        return list(self._rules.values())

    def __iter__(self) -> Iterator[Fault]:
        return iter(self.rules())

    def __len__(self) -> int:
        return len(self._rules)

    # -- the request path ---------------------------------------------------------------------------

    def check(self, operation_id: str) -> Verdict | None:
        """Count the call against every rule of ``operation_id``; ``None`` when none fires.

        Latencies of the rules that fire add up; the first ``error`` or ``drop`` rule that fires
        (in the order added) decides the answer.
        """
        latency = 0.0
        decisive: Fault | None = None
        tags: list[str] = []
        with self._lock:
            for fault in self._rules.values():
                if not fault.matches(operation_id) or not fault.decide():
                    continue
                tags.append(fault.tag)
                if fault.kind == "latency":
                    latency += fault.seconds
                elif decisive is None:
                    decisive = fault
        if not tags:
            return None
        return Verdict(latency, decisive, tuple(tags))

    # -- validation ---------------------------------------------------------------------------------

    def _build(self, options: Mapping[str, Any]) -> Fault:
        unknown = sorted(set(options) - _OPTIONS)
        if unknown:
            raise TypeError(f"unknown fault options: {', '.join(unknown)}")
        operation_id = options.get("operation_id")
        if not isinstance(operation_id, str) or not operation_id:
            raise validation_failure({"operation_id": f"{operation_id!r} is not of type 'string'"})
        if (
            operation_id != ANY_OPERATION
            and self.operations is not None
            and operation_id not in self.operations
        ):
            raise validation_failure({"operation_id": f"{operation_id!r} is not an operationId of the API"})
        kind = options.get("kind")
        if kind not in FAULT_KINDS:
            raise validation_failure({"kind": f"{kind!r} is not one of {list(FAULT_KINDS)}"})
        status = _int(options, "status", 400)
        if status is not None and status > 599:
            raise validation_failure({"status": f"{status!r} is greater than the maximum of 599"})
        if kind == "error" and status is None:
            status = 500
        if kind != "error" and status is not None:
            raise validation_failure({"status": f"only an 'error' fault has a status, not a {kind!r} one"})
        message = options.get("message")
        if message is not None and not isinstance(message, str):
            raise validation_failure({"message": f"{message!r} is not of type 'string'"})
        retry_after = _int(options, "retry_after", 0)
        if status == 429 and retry_after is None:
            retry_after = 1
        seconds = _number(options, "seconds", 0.0, _MAX_LATENCY)
        if kind == "latency" and not seconds:
            raise validation_failure({"seconds": "a 'latency' fault needs seconds > 0"})
        probability = _number(options, "probability", 0.0, 1.0)
        seed = _int(options, "seed", -(2**63))
        return Fault(
            id=f"f{next(self._ids)}",
            operation_id=operation_id,
            kind=str(kind),
            status=status,
            message=message,
            retry_after=retry_after,
            seconds=seconds or 0.0,
            first=_int(options, "first", 1),
            every=_int(options, "every", 1),
            after=_int(options, "after", 0) or 0,
            times=_int(options, "times", 1),
            probability=probability,
            seed=self.seed if seed is None else seed,
        )


class Hangup(Exception):
    """Raised in the app's request path when a ``drop`` fault fires (before anything is sent)."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.id)
        self.fault = fault


async def hang_up(
    send: Callable[[MutableMapping[str, Any]], Awaitable[None]], request_id: str, fault: Fault
) -> None:
    """Start a response promising a 4096-byte body, send two bytes of it, then raise
    :class:`ConnectionDropped` so that the server closes the connection mid-body."""
    headers = [
        (b"x-request-id", request_id.encode("latin-1")),
        (b"content-type", b"application/json"),
        (b"content-length", b"4096"),
        (b"x-dbaas-mock-fault", fault.id.encode("latin-1")),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"', "more_body": True})
    raise ConnectionDropped(f"dbaas-mock: fault {fault.id} dropped the connection mid-response")
