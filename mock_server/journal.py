"""The request journal: every ``/v1`` call a fake answered, oldest first, with assertion helpers.

Recording costs one append of a small record: the request and response bodies are kept as the bytes
the app already holds, and are parsed and redacted only when read (:attr:`JournalEntry.request_body`,
:meth:`JournalEntry.to_dict`). Secrets never leave the journal: the values of the ``X-Auth-Token``
(and ``Authorization``, ``Cookie``) headers and of every body key naming a password
(``password``, ``redis_password``...) read as ``"***"``. Token values the API itself returns
(prometheus metrics tokens) are not secrets of the caller and are kept.

The assertion helpers follow :mod:`unittest.mock`::

    journal.assert_called("create_datastore", times=1)
    journal.assert_not_called("delete_datastore")
    entry = journal.last("create_user")
    assert entry.request_body["user"]["password"] == "***"
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "ACCESS_LOGGER",
    "DEFAULT_JOURNAL_LIMIT",
    "REDACTED",
    "Journal",
    "JournalEntry",
    "is_secret_key",
    "log_access",
    "redact",
]

#: Entries kept by default; older ones are dropped first.
DEFAULT_JOURNAL_LIMIT = 10_000
#: The most body bytes (requests plus responses) the journal keeps; the oldest entries go first.
DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024
#: What a secret reads as.
REDACTED = "***"
#: The logger of the one-line access log (method, path, status, duration, request id).
ACCESS_LOGGER = "dbaas_mock.access"

_SECRET_HEADERS = frozenset({"x-auth-token", "authorization", "cookie", "proxy-authorization"})
_SECRET_TEXT = re.compile(r'("[^"\\]*password[^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)
_LISTING_LIMIT = 20


def is_secret_key(key: str) -> bool:
    """Whether a body key holds a secret (any key naming a password)."""
    return "password" in key.lower()


def redact(value: Any) -> Any:
    """A copy of a JSON value with the value of every password key replaced by ``"***"``."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if isinstance(k, str) and is_secret_key(k) and v is not None else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _body(raw: bytes) -> Any:
    """Parsed and redacted JSON, else redacted text, ``None`` for no body."""
    if not raw:
        return None
    try:
        return redact(json.loads(raw))
    except (ValueError, RecursionError):
        return _SECRET_TEXT.sub(rf'\1"{REDACTED}"', raw.decode("utf-8", "replace"))


@dataclass(slots=True, eq=False)
class JournalEntry:
    """One call: what was asked, what was answered, how long it took.

    ``status`` is ``0`` when the connection was dropped by a fault before a response was complete.
    ``fault`` names the fault that shaped the answer (``"f1:error"``, ``"f2:drop"``...), if any.
    """

    seq: int
    at: datetime
    method: str
    path: str
    query: str
    operation_id: str | None
    status: int
    duration: float
    request_id: str
    project_id: str | None
    fault: str | None = None
    raw_headers: Sequence[tuple[bytes, bytes]] = field(default=(), repr=False)
    raw_request: bytes = field(default=b"", repr=False)
    raw_response: bytes = field(default=b"", repr=False)

    @property
    def request_body(self) -> Any:
        """The request's JSON body (redacted), its text when not JSON, ``None`` when empty."""
        return _body(self.raw_request)

    @property
    def response_body(self) -> Any:
        """The response's JSON body (redacted), ``None`` when empty."""
        return _body(self.raw_response)

    @property
    def headers(self) -> dict[str, str]:
        """Request headers, lower-cased names, secret values redacted."""
        out: dict[str, str] = {}
        for raw_name, raw_value in self.raw_headers:
            name = raw_name.decode("latin-1").lower()
            out[name] = REDACTED if name in _SECRET_HEADERS else raw_value.decode("latin-1")
        return out

    @property
    def duration_ms(self) -> float:
        """The time the fake took to answer, in milliseconds."""
        return self.duration * 1000.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, secrets redacted."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "operation_id": self.operation_id,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "request_id": self.request_id,
            "project_id": self.project_id,
            "fault": self.fault,
            "headers": self.headers,
            "request_body": self.request_body,
            "response_body": self.response_body,
        }

    def describe(self) -> str:
        """One line: ``POST /v1/datastores (create_datastore) -> 200``."""
        op = f" ({self.operation_id})" if self.operation_id else ""
        return f"{self.method} {self.path}{op} -> {self.status or 'dropped'}"


def _status_matches(status: int, wanted: int | str) -> bool:
    if isinstance(wanted, int):
        return status == wanted
    text = str(wanted).strip().lower()
    if len(text) == 3 and text.endswith("xx") and text[0].isdigit():
        return status // 100 == int(text[0])
    return text.isdigit() and status == int(text)


def _contains(actual: Any, expected: Any) -> bool:
    """Whether ``expected`` is a subset of ``actual`` (dicts by key, recursively; others equal)."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            k in actual and _contains(actual[k], v) for k, v in expected.items()
        )
    return bool(actual == expected)


class Journal:
    """The last ``limit`` calls of one fake (all of them while fewer), thread-safe.

    Disabled (``enabled = False``), it records nothing.
    """

    def __init__(
        self,
        limit: int = DEFAULT_JOURNAL_LIMIT,
        *,
        enabled: bool = True,
        max_bytes: int = DEFAULT_JOURNAL_BYTES,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be >= 1")
        self.enabled = enabled
        self.max_bytes = max_bytes
        self._bytes = 0
        self._entries: deque[JournalEntry] = deque(maxlen=limit)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        #: Calls recorded since the journal was created or cleared (dropped ones included).
        self.total = 0

    @property
    def limit(self) -> int:
        """How many entries are kept."""
        return self._entries.maxlen or 0

    def resize(self, limit: int) -> None:
        """Keep the last ``limit`` entries from now on."""
        if limit < 1:
            raise ValueError("limit must be >= 1")
        with self._lock:
            self._entries = deque(self._entries, maxlen=limit)
            self._bytes = sum(len(e.raw_request) + len(e.raw_response) for e in self._entries)

    def record(
        self,
        *,
        at: datetime,
        method: str,
        path: str,
        query: str,
        operation_id: str | None,
        status: int,
        duration: float,
        request_id: str,
        project_id: str | None,
        fault: str | None,
        raw_headers: Sequence[tuple[bytes, bytes]],
        raw_request: bytes,
        raw_response: bytes,
    ) -> None:
        """Append one call (bodies as the bytes at hand; nothing is parsed here)."""
        entry = JournalEntry(
            next(self._seq),
            at,
            method,
            path,
            query,
            operation_id,
            status,
            duration,
            request_id,
            project_id,
            fault,
            raw_headers,
            raw_request,
            raw_response,
        )
        size = len(raw_request) + len(raw_response)
        with self._lock:
            entries = self._entries
            # Evict by hand so the byte count follows: a list-heavy load must not grow without bound.
            while entries and (len(entries) == entries.maxlen or self._bytes + size > self.max_bytes):
                old = entries.popleft()
                self._bytes -= len(old.raw_request) + len(old.raw_response)
            entries.append(entry)
            self._bytes += size
            self.total += 1

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self.total = 0

    def entries(self) -> list[JournalEntry]:
        """Every entry kept, oldest first."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries())

    # -- queries ------------------------------------------------------------------------------------

    def calls(
        self,
        operation_id: str | None = None,
        *,
        method: str | None = None,
        status: int | str | None = None,
        path: str | None = None,
        project_id: str | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> list[JournalEntry]:
        """The entries matching every filter given, oldest first.

        ``status`` is a code (``201``) or a class (``"4xx"``); ``path`` a prefix of the path
        (``/v1/datastores``); ``body`` a subset the (redacted) request body must contain.
        """
        wanted_method = method.upper() if method else None
        out: list[JournalEntry] = []
        for entry in self.entries():
            if operation_id is not None and entry.operation_id != operation_id:
                continue
            if wanted_method is not None and entry.method != wanted_method:
                continue
            if status is not None and not _status_matches(entry.status, status):
                continue
            if path is not None and not entry.path.startswith(path):
                continue
            if project_id is not None and entry.project_id != project_id:
                continue
            if body is not None and not _contains(entry.request_body, body):
                continue
            out.append(entry)
        return out

    def count(self, operation_id: str | None = None, **filters: Any) -> int:
        """How many entries match (see :meth:`calls`)."""
        return len(self.calls(operation_id, **filters))

    def last(self, operation_id: str | None = None, **filters: Any) -> JournalEntry:
        """The newest matching entry; ``AssertionError`` when there is none."""
        found = self.calls(operation_id, **filters)
        if not found:
            raise AssertionError(f"no call matched {_describe(operation_id, filters)}.{self._listing()}")
        return found[-1]

    def first(self, operation_id: str | None = None, **filters: Any) -> JournalEntry:
        """The oldest matching entry; ``AssertionError`` when there is none."""
        found = self.calls(operation_id, **filters)
        if not found:
            raise AssertionError(f"no call matched {_describe(operation_id, filters)}.{self._listing()}")
        return found[0]

    # -- assertions ---------------------------------------------------------------------------------

    def assert_called(
        self, operation_id: str | None = None, *, times: int | None = None, **filters: Any
    ) -> list[JournalEntry]:
        """Assert a matching call was made (exactly ``times`` times when given); returns the calls."""
        found = self.calls(operation_id, **filters)
        if (times is None and not found) or (times is not None and len(found) != times):
            expected = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(
                f"expected {_describe(operation_id, filters)} to be called {expected}; "
                f"called {len(found)} time(s).{self._listing()}"
            )
        return found

    def assert_called_once(self, operation_id: str | None = None, **filters: Any) -> JournalEntry:
        """Assert exactly one matching call was made; returns it."""
        return self.assert_called(operation_id, times=1, **filters)[0]

    def assert_not_called(self, operation_id: str | None = None, **filters: Any) -> None:
        """Assert no matching call was made."""
        found = self.calls(operation_id, **filters)
        if found:
            listing = "\n  ".join(e.describe() for e in found[-_LISTING_LIMIT:])
            raise AssertionError(
                f"expected {_describe(operation_id, filters)} not to be called; "
                f"called {len(found)} time(s):\n  {listing}"
            )

    def assert_order(self, operation_ids: Iterable[str]) -> None:
        """Assert the operations were called in this order (other calls may come between)."""
        wanted = list(operation_ids)
        position = 0
        for entry in self.entries():
            if position < len(wanted) and entry.operation_id == wanted[position]:
                position += 1
        if position < len(wanted):
            raise AssertionError(
                f"expected the calls {wanted} in this order; {wanted[position]!r} did not follow."
                f"{self._listing()}"
            )

    def _listing(self) -> str:
        entries = self.entries()
        if not entries:
            return " No call was recorded."
        shown = entries[-_LISTING_LIMIT:]
        more = f" (last {len(shown)} of {len(entries)})" if len(entries) > len(shown) else ""
        return f"\nCalls recorded{more}:\n  " + "\n  ".join(e.describe() for e in shown)


def _describe(operation_id: str | None, filters: Mapping[str, Any]) -> str:
    parts = [operation_id or "any operation"]
    parts.extend(f"{k}={v!r}" for k, v in filters.items() if v is not None)
    return " ".join(parts) if len(parts) == 1 else f"{parts[0]} ({', '.join(parts[1:])})"


def log_access(
    logger: logging.Logger, method: str, path: str, status: int, duration: float, request_id: str | None
) -> None:
    """One line on ``logger``: method, path, status, duration in ms, request id (never a body/token)."""
    logger.info("%s %s %s %.1fms %s", method, path, status or "dropped", duration * 1000.0, request_id or "-")
