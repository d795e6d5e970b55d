"""The app factory: a Starlette app serving ``/v1`` (the API) and ``/__mock__`` (the control API).

Requests under ``/v1`` take a short, precompiled path: a dictionary route lookup, a token lookup, one
precompiled schema check of the body, the handler, ``orjson``. Everything slow (loading the spec,
compiling validators, building the catalog) happens once, in :func:`create_app`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from .backend import Backend
from .calls import Call, Handler
from .config import MockConfig
from .control import AccessLogMiddleware, control_routes
from .encoding import dump_json
from .errors import ApiError, forbidden, render_error
from .faults import Fault, Faults, Hangup, hang_up
from .journal import ACCESS_LOGGER, Journal, log_access
from .resources import HANDLERS
from .spec import ApiSpec, load_spec

__all__ = ["DbaasMockApp", "create_app"]

log = logging.getLogger("dbaas_mock")
access_log = logging.getLogger(ACCESS_LOGGER)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_JSON = (b"content-type", b"application/json")
_TOO_LARGE = "Request body is too large: the limit is {limit} bytes."
_INTERNAL = "Internal Server Error: the fake could not handle this request; see the server log."


class DbaasMockApp(Starlette):
    """A fake of the Managed Databases API v1 with its own state (:attr:`backend`)."""

    def __init__(self, config: MockConfig | None = None, spec: ApiSpec | None = None) -> None:
        self.config = config or MockConfig()
        self.spec = spec or load_spec()
        self.validator = self.spec.request_validator
        self.backend = Backend(self.config)
        #: Serialises state changes: the app may be driven from a server thread and a test thread.
        self.lock = threading.RLock()
        missing = set(self.spec.operations) - set(HANDLERS)
        if missing:
            raise RuntimeError(f"operations without a handler: {sorted(missing)}")
        self.handlers: dict[str, Handler] = {op: HANDLERS[op] for op in self.spec.operations}
        #: Every ``/v1`` call answered (bounded; see :mod:`mock_server.journal`).
        self.journal = Journal()
        #: Fault rules by operationId (see :mod:`mock_server.faults`).
        self.faults = Faults(self.config.seed, self.spec.operations)
        #: Where ``POST /__mock__/state/save`` writes the state (``serve --state-file``), if anywhere.
        self.state_file: Path | None = None
        super().__init__(
            routes=control_routes(),
            middleware=[Middleware(AccessLogMiddleware)],
            exception_handlers={ApiError: _api_error_handler, HTTPException: _http_error_handler},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == "/v1" or path.startswith("/v1/")):
            await self._api(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        headers = _read_headers(scope["headers"])
        request_id = headers.get("x-request-id") or f"req-{os.urandom(16).hex()}"
        method = scope["method"]
        head = method == "HEAD"
        status: int
        payload: bytes
        extra: dict[str, str] = {}
        operation_id: str | None = None
        project_id: str | None = None
        raw = b""
        fault: str | None = None
        dropped: Fault | None = None
        now: datetime | None = None
        try:
            principal = self.backend.auth.principal(headers.get("x-auth-token"))
            project_id = principal.project_id
            op, params = self.spec.match("GET" if head else method, scope["path"][3:])
            operation_id = op.operation_id
            if op.admin and not principal.admin:
                raise forbidden()
            raw = await _read_body(receive, headers, self.config.max_body)
            if self.faults.active:
                verdict = self.faults.check(operation_id)
                if verdict is not None:
                    fault = ",".join(verdict.tags)
                    if verdict.latency:
                        await anyio.sleep(verdict.latency)
                    if verdict.fault is not None:
                        if verdict.fault.kind == "drop":
                            raise Hangup(verdict.fault)
                        raise verdict.fault.error()
            query = self.validator.parse_query(op, scope.get("query_string", b""))
            body = self.validator.parse_body(op, raw, headers.get("content-type")) if op.has_body else None
            with self.lock:
                now = self.backend.clock.now()
                call = Call(
                    backend=self.backend,
                    op=op,
                    project_id=principal.project_id,
                    admin=principal.admin,
                    params=params,
                    query=query,
                    body=body,
                    now=now,
                    request_id=request_id,
                )
                status, result = self.handlers[op.operation_id](call)
                if op.mutating:
                    self.backend.actions.record(call, status, result)
            payload = b"" if result is None else dump_json(result)
        except ApiError as error:
            status, payload, extra = error.status, render_error(error), error.headers
        except Hangup as drop:
            dropped, status, payload = drop.fault, 0, b""
        except Exception:
            log.exception("unhandled error in %s %s", method, scope.get("path"))
            status, payload = 500, render_error(ApiError(500, _INTERNAL))
        duration = time.perf_counter() - started
        if self.journal.enabled:
            self.journal.record(
                at=now or self.backend.clock.now(),
                method=method,
                path=scope["path"],
                query=scope.get("query_string", b"").decode("latin-1"),
                operation_id=operation_id,
                status=status,
                duration=duration,
                request_id=request_id,
                project_id=project_id,
                fault=fault,
                raw_headers=scope["headers"],
                raw_request=raw,
                raw_response=payload,
            )
        if access_log.isEnabledFor(logging.INFO):
            log_access(access_log, method, scope["path"], status, duration, request_id)
        if dropped is not None:
            await hang_up(send, request_id, dropped)
        await _send(send, status, payload, request_id, extra, head=head)


#: The only request headers the API path reads; decoding just these keeps the per-request cost flat.
_HEADERS = {
    name.encode(): name for name in ("x-auth-token", "x-request-id", "content-type", "content-length")
}


def _read_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in raw:
        name = _HEADERS.get(key.lower())
        # A repeated header: the last one counts.
        if name is not None:
            found[name] = value.decode("latin-1")
    return found


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, _TOO_LARGE.format(limit=limit))
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ApiError(413, _TOO_LARGE.format(limit=limit))
        if chunk:
            chunks.append(chunk)
        more = bool(message.get("more_body", False))
    return b"".join(chunks)


async def _send(
    send: Send, status: int, payload: bytes, request_id: str, extra: dict[str, str], *, head: bool
) -> None:
    headers = [(b"x-request-id", request_id.encode("latin-1"))]
    if status != 204:
        headers.append(_JSON)
        headers.append((b"content-length", str(len(payload)).encode()))
    headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items())
    await send({"type": "http.response.start", "status": status, "headers": headers})
    body = b"" if head or status == 204 else payload
    await send({"type": "http.response.body", "body": body})


async def _api_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return Response(render_error(exc), exc.status, exc.headers, media_type="application/json")


async def _http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error = ApiError(exc.status_code, str(exc.detail), dict(exc.headers or {}))
    return await _api_error_handler(request, error)


def create_app(
    config: MockConfig | None = None, *, spec_path: Path | str | None = None, **settings: Any
) -> DbaasMockApp:
    """Build a fake. ``settings`` are :class:`MockConfig` fields (``seed=``, ``lifecycle=``...)."""
    if config is None:
        config = MockConfig(**settings)
    elif settings:
        raise TypeError("pass either a MockConfig or keyword settings, not both")
    spec = load_spec(spec_path) if spec_path is not None else None
    return DbaasMockApp(config, spec)
