"""The control API (outside ``/v1``) and the same operations from Python (:class:`Controller`).

HTTP (documented in ``openapi/control.yaml``; errors in the API's envelope):

- ``POST /__mock__/reset`` (``{"clock": true}`` also starts a new clock), ``GET /__mock__/health``;
- ``GET /__mock__/clock``, ``POST /__mock__/clock/advance`` (``{"seconds": N}``),
  ``POST /__mock__/clock/set`` (``{"now": "YYYY-MM-DDTHH:MM:SS", "frozen"?}``),
  ``POST /__mock__/clock/freeze`` (``{"frozen": true|false}``);
- ``GET``/``PUT /__mock__/lifecycle``, ``POST /__mock__/lifecycle/settle`` (``{"ids": [...]}``);
- ``GET``/``POST``/``DELETE /__mock__/faults``, ``GET``/``DELETE /__mock__/faults/{id}``,
  ``GET``/``POST``/``DELETE /__mock__/faults/lifecycle`` (the next phases of a kind end in a failure),
  ``POST /__mock__/faults/status`` (put an object into ``DISK_FULL``, ``DEGRADED``... or ``ACTIVE``);
- ``GET``/``PUT``/``DELETE /__mock__/journal``;
- ``GET``/``PUT /__mock__/state``, ``POST /__mock__/state/save``;
- ``GET``/``POST /__mock__/tokens``; ``GET /openapi.json`` (the API's spec).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import snapshot
from .clock import Clock, format_ts, parse_ts
from .errors import ApiError, validation_failure
from .faults import FORCEABLE_STATUSES, Faults
from .journal import ACCESS_LOGGER, Journal, log_access
from .lifecycle import FAILURE_STATUSES, GONE, TABLES, Mode

if TYPE_CHECKING:
    from .app import DbaasMockApp

__all__ = ["AccessLogMiddleware", "ClockHandle", "Controller", "control_routes"]

_access = logging.getLogger(ACCESS_LOGGER)
_MAX_FORCED = 1000


class Controller:
    """Python access to the control operations of one app (thread-safe: under the app's lock)."""

    def __init__(self, app: DbaasMockApp) -> None:
        self.app = app

    @property
    def backend(self) -> Any:
        """The app's state (replaced as a whole by :meth:`restore`)."""
        return self.app.backend

    @property
    def journal(self) -> Journal:
        """The request journal."""
        return self.app.journal

    @property
    def faults(self) -> Faults:
        """The fault rules."""
        return self.app.faults

    @property
    def clock_handle(self) -> ClockHandle:
        """A handle on the fake's time and lifecycle mode."""
        return ClockHandle(self.app)

    def reset(self, *, clock: bool = False) -> None:
        """Forget every object, fault, journal entry and registered token.

        The catalog is rebuilt from the seed and the lifecycle settings are the config's again. The
        clock keeps its time unless ``clock`` (then a new clock runs from the wall-clock time).
        """
        with self.app.lock:
            if clock:
                self.backend.clock = Clock()
            self.backend.reset()
            self.app.faults.clear()
            self.app.faults.seed = self.app.config.seed
            self.app.journal.clear()

    def health(self) -> dict[str, Any]:
        """Liveness: ``{"status": "ok", "now", "objects"}``."""
        with self.app.lock:
            objects = sum(snapshot.count_objects(self.backend).values())
        return {"status": "ok", "now": format_ts(self.backend.clock.now()), "objects": objects}

    # -- clock and lifecycle ------------------------------------------------------------------------

    def clock(self) -> dict[str, Any]:
        """The fake's current time."""
        clock = self.backend.clock
        return {"now": format_ts(clock.now()), "frozen": clock.frozen}

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the clock forward by ``seconds``."""
        if seconds < 0:
            raise ApiError(400, "Validation failure: {'seconds': 'the clock never goes back'}")
        with self.app.lock:
            self.backend.clock.advance(seconds)
        return self.clock()

    def set_time(self, moment: datetime) -> dict[str, Any]:
        """Move the clock forward to ``moment``."""
        with self.app.lock:
            try:
                self.backend.clock.set(moment)
            except ValueError as exc:
                raise ApiError(400, f"Validation failure: {{'now': {str(exc)!r}}}") from exc
        return self.clock()

    def freeze(self, frozen: bool) -> dict[str, Any]:
        """Stop or restart the clock."""
        with self.app.lock:
            if frozen:
                self.backend.clock.freeze()
            else:
                self.backend.clock.unfreeze()
        return self.clock()

    def lifecycle(self) -> dict[str, Any]:
        """The progression settings."""
        settings = self.backend.engine.settings
        return {
            "mode": settings.mode.value,
            "reads": settings.reads,
            "kinds": {k: m.value for k, m in settings.kind_modes.items()},
            "durations": {
                kind: {action: settings.step_for(kind, action).seconds for action in rows}
                for kind, rows in TABLES.items()
            },
        }

    def configure_lifecycle(
        self,
        mode: str | None = None,
        reads: int | None = None,
        kinds: dict[str, str | None] | None = None,
        durations: dict[str, dict[str, float]] | None = None,
    ) -> dict[str, Any]:
        """Change the progression mode (globally or per kind), the reads to settle, or durations."""
        settings = self.backend.engine.settings
        with self.app.lock:
            if mode is not None:
                settings.mode = _mode(mode, "mode")
            if reads is not None:
                if not isinstance(reads, int) or isinstance(reads, bool) or reads < 1:
                    raise ApiError(
                        400, f"Validation failure: {{'reads': '{reads!r} is less than the minimum of 1'}}"
                    )
                settings.reads = reads
            for kind, kind_mode in (kinds or {}).items():
                _kind(kind)
                if kind_mode is None:
                    settings.kind_modes.pop(kind, None)
                else:
                    settings.kind_modes[kind] = _mode(kind_mode, f"kinds.{kind}")
            for kind, rows in (durations or {}).items():
                _kind(kind)
                for action, seconds in rows.items():
                    if action not in TABLES[kind]:
                        raise ApiError(
                            400, f"Validation failure: {{'durations.{kind}': 'unknown action {action!r}'}}"
                        )
                    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
                        raise ApiError(
                            400,
                            f"Validation failure: {{'durations.{kind}.{action}': 'must be a number >= 0'}}",
                        )
                    settings.durations.setdefault(kind, {})[action] = float(seconds)
        return self.lifecycle()

    def settle(self, ids: Iterable[str] | None = None) -> dict[str, Any]:
        """Complete the phases in progress now: of the objects ``ids``, or of every object."""
        wanted = set(ids) if ids is not None else None
        settled: list[str] = []
        with self.app.lock:
            now = self.backend.clock.now()
            for table in self.backend.tables():
                for obj in table.all():
                    if obj.life is None or obj.life.phase is None:
                        continue
                    if wanted is not None and obj.id not in wanted:
                        continue
                    table.settle(obj, now)
                    settled.append(obj.id)
        return {"settled": settled}

    # -- faults -------------------------------------------------------------------------------------

    def add_fault(self, operation_id: str = "*", kind: str = "error", **options: Any) -> dict[str, Any]:
        """Add a fault rule (see :mod:`mock_server.faults`); returns it with its id."""
        return self.app.faults.add(operation_id, kind, **options).to_dict()

    def list_faults(self) -> dict[str, Any]:
        """The fault rules with their counters, and the lifecycle outcomes queued."""
        return {
            "faults": [fault.to_dict() for fault in self.app.faults.rules()],
            "outcomes": self.pending_outcomes(),
        }

    def remove_fault(self, fault_id: str) -> None:
        """Delete one fault rule (404 when unknown)."""
        self.app.faults.remove(fault_id)

    def clear_faults(self) -> None:
        """Delete every fault rule and every queued lifecycle outcome."""
        self.app.faults.clear()
        with self.app.lock:
            self.backend.engine.forced_outcomes.clear()

    def fail_next(self, kind: str = "datastore", outcome: str = "ERROR", times: int = 1) -> dict[str, Any]:
        """Make the next ``times`` phases begun on a ``kind`` (its create, or an update or resize)
        end in ``outcome`` (``ERROR``, ``DEGRADED``, ``DISK_FULL``, ``DOWN``) instead of ``ACTIVE``."""
        if kind not in TABLES:
            raise validation_failure({"kind": f"{kind!r} is not one of {sorted(TABLES)}"})
        if outcome not in FAILURE_STATUSES:
            raise validation_failure({"outcome": f"{outcome!r} is not one of {list(FAILURE_STATUSES)}"})
        if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= _MAX_FORCED:
            raise validation_failure({"times": f"{times!r} is not an integer between 1 and {_MAX_FORCED}"})
        with self.app.lock:
            self.backend.engine.forced_outcomes.setdefault(kind, []).extend([outcome] * times)
        return self.pending_outcomes()

    def pending_outcomes(self) -> dict[str, list[str]]:
        """The failure outcomes queued per kind."""
        with self.app.lock:
            return {k: list(v) for k, v in self.backend.engine.forced_outcomes.items() if v}

    def force_status(self, object_id: str, status: str, kind: str | None = None) -> dict[str, Any]:
        """Put a settled object (a datastore unless ``kind`` says otherwise, found in any project) into
        ``status`` now: a failure status (``DISK_FULL``, ``DEGRADED``, ``ERROR``, ``DOWN``) or back to
        ``ACTIVE``. 404 for an unknown object, 409 while its own phase is in progress."""
        if status not in FORCEABLE_STATUSES:
            raise validation_failure({"status": f"{status!r} is not one of {list(FORCEABLE_STATUSES)}"})
        if kind is not None and kind not in TABLES:
            raise validation_failure({"kind": f"{kind!r} is not one of {sorted(TABLES)}"})
        with self.app.lock:
            now = self.backend.clock.now()
            tables = [self.backend.table_for(kind)] if kind else list(self.backend.tables())
            for table in tables:
                obj = table.find(object_id) if table is not None else None
                if obj is None:
                    continue
                current = table.status(obj, now)
                if current in (GONE, "DELETED"):
                    break
                if obj.life is not None and obj.life.phase is not None:
                    raise ApiError(409, f"{table.kind} {object_id} is {current}: wait until it settles.")
                table.force_status(obj, status, now)
                return {"id": object_id, "kind": table.kind, "status": status}
        raise ApiError(404, f"{kind or 'object'} {object_id} not found.")

    # -- journal ------------------------------------------------------------------------------------

    def journal_entries(self, *, limit: int | None = None, **filters: Any) -> list[dict[str, Any]]:
        """The journal's entries matching ``filters`` (see :meth:`Journal.calls`), the last ``limit``."""
        found = self.app.journal.calls(**filters)
        if limit is not None:
            found = found[-limit:] if limit > 0 else []
        return [entry.to_dict() for entry in found]

    def configure_journal(self, enabled: bool | None = None, limit: int | None = None) -> dict[str, Any]:
        """Switch the journal on or off, or change how many entries it keeps."""
        journal = self.app.journal
        if limit is not None:
            if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
                raise validation_failure({"limit": f"{limit!r} is less than the minimum of 1"})
            journal.resize(limit)
        if enabled is not None:
            journal.enabled = bool(enabled)
        return {
            "enabled": journal.enabled,
            "limit": journal.limit,
            "count": len(journal),
            "total": journal.total,
        }

    # -- tokens -------------------------------------------------------------------------------------

    def register_token(
        self, token: str, project_id: str | None = None, *, admin: bool = False
    ) -> dict[str, Any]:
        """Make ``token`` belong to ``project_id`` (derived from the token when omitted), or an admin."""
        if not isinstance(token, str) or not token.strip():
            raise validation_failure({"token": f"{token!r} is not a non-empty string"})
        if project_id is not None and (not isinstance(project_id, str) or not project_id.strip()):
            raise validation_failure({"project_id": f"{project_id!r} is not a non-empty string"})
        with self.app.lock:
            principal = self.backend.auth.register(token, project_id, admin=bool(admin))
        return {"token": principal.token, "project_id": principal.project_id, "admin": principal.admin}

    def tokens(self) -> list[dict[str, Any]]:
        """The tokens registered explicitly."""
        with self.app.lock:
            return [
                {"token": p.token, "project_id": p.project_id, "admin": p.admin}
                for p in self.backend.auth.registered()
            ]

    def project_of(self, token: str) -> str:
        """The project ``token`` belongs to."""
        return str(self.backend.auth.principal(token).project_id)

    # -- state --------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole state as a JSON-ready document (no password in it)."""
        with self.app.lock:
            return snapshot.take(self.backend)

    def restore(self, document: Any) -> dict[str, Any]:
        """Replace the state by a document of :meth:`snapshot`; returns what was restored.

        A document that does not fit is refused (400) and the state stays as it was.
        """
        with self.app.lock:
            self.app.backend = snapshot.restore(document, self.app.config)
            counts = snapshot.count_objects(self.app.backend)
        return {"now": format_ts(self.backend.clock.now()), "objects": counts}

    def save_state(self, path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        """Write the snapshot to ``path`` (default: the app's ``state_file``) atomically."""
        target = Path(path) if path is not None else self.app.state_file
        if target is None:
            raise ApiError(409, "No state file: start the server with --state-file PATH.")
        document = self.snapshot()
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        counts = snapshot.count_objects(self.backend)
        return {"path": str(target), "now": document["now"], "objects": sum(counts.values())}

    def load_state(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Restore the state saved in ``path``."""
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        return self.restore(document)


class ClockHandle:
    """The fake's time and lifecycle mode, for tests: ``clock.advance(300)``, ``clock.mode = "time"``.

    It follows the app's current clock (a restore or ``reset(clock=True)`` replaces the clock).
    """

    def __init__(self, app: DbaasMockApp) -> None:
        self.app = app
        self.controller = Controller(app)

    @property
    def now(self) -> datetime:
        """The fake's current time (UTC-aware)."""
        now: datetime = self.app.backend.clock.now()
        return now

    @property
    def frozen(self) -> bool:
        """Whether the clock stands still between advances."""
        return bool(self.app.backend.clock.frozen)

    def advance(self, seconds: float) -> datetime:
        """Jump forward by ``seconds``; returns the new time."""
        self.controller.advance(seconds)
        return self.now

    def set(self, moment: datetime | str) -> datetime:
        """Jump forward to ``moment`` (a UTC-aware datetime or an API timestamp)."""
        self.controller.set_time(parse_ts(moment) if isinstance(moment, str) else moment)
        return self.now

    def freeze(self) -> datetime:
        """Stop the clock; it moves only when advanced or set."""
        self.controller.freeze(True)
        return self.now

    def unfreeze(self) -> datetime:
        """Let the clock run with the wall clock again."""
        self.controller.freeze(False)
        return self.now

    @property
    def mode(self) -> str:
        """The lifecycle mode: ``reads``, ``time`` or ``manual``."""
        return str(self.app.backend.engine.settings.mode.value)

    @mode.setter
    def mode(self, value: str) -> None:
        self.controller.configure_lifecycle(mode=str(value))

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Change lifecycle settings (``mode``, ``reads``, ``kinds``, ``durations``)."""
        return self.controller.configure_lifecycle(**settings)

    def settle(self, ids: Iterable[str] | None = None) -> list[str]:
        """Complete the phases in progress (of ``ids``, or all); returns the ids settled."""
        settled: list[str] = self.controller.settle(ids)["settled"]
        return settled

    def __repr__(self) -> str:
        return f"ClockHandle(now={format_ts(self.now)!r}, frozen={self.frozen}, mode={self.mode!r})"


class AccessLogMiddleware:
    """The one-line access log (``dbaas_mock.access``) for requests outside ``/v1``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _access.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            log_access(_access, scope["method"], scope["path"], status, time.perf_counter() - started, None)


def _mode(value: Any, key: str) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        choices = [m.value for m in Mode]
        raise ApiError(400, f'Validation failure: {{{key!r}: "{value!r} is not one of {choices}"}}') from None


def _kind(kind: str) -> None:
    if kind not in TABLES:
        raise ApiError(400, f"Validation failure: {{'kinds': \"{kind!r} is not one of {sorted(TABLES)}\"}}")


# -- HTTP ---------------------------------------------------------------------------------------------


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, "Validation failure: {'body': 'Invalid JSON'}") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"Validation failure: {{'body': \"{data!r:.80} is not of type 'object'\"}}")
    return data


def _only(data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        names = ", ".join(repr(k) for k in sorted(unknown))
        raise validation_failure({"body": f"Additional properties are not allowed ({names} was unexpected)"})


def _controller(request: Request) -> Controller:
    return Controller(request.app)


async def _reset(request: Request) -> Response:
    data = await _json(request)
    _only(data, {"clock"})
    _controller(request).reset(clock=bool(data.get("clock", False)))
    return Response(status_code=204)


async def _health(request: Request) -> Response:
    return JSONResponse(_controller(request).health())


async def _clock(request: Request) -> Response:
    return JSONResponse(_controller(request).clock())


async def _advance(request: Request) -> Response:
    seconds = (await _json(request)).get("seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        raise ApiError(400, f"Validation failure: {{'seconds': \"{seconds!r} is not of type 'number'\"}}")
    return JSONResponse(_controller(request).advance(float(seconds)))


async def _set_clock(request: Request) -> Response:
    data = await _json(request)
    text = data.get("now")
    if "frozen" in data and text is None:
        return JSONResponse(_controller(request).freeze(bool(data["frozen"])))
    if not isinstance(text, str):
        raise ApiError(400, f"Validation failure: {{'now': \"{text!r} is not of type 'string'\"}}")
    try:
        moment = parse_ts(text)
    except ValueError:
        raise ApiError(400, f"Validation failure: {{'now': \"{text!r} is not a timestamp\"}}") from None
    result = _controller(request).set_time(moment)
    if "frozen" in data:
        result = _controller(request).freeze(bool(data["frozen"]))
    return JSONResponse(result)


async def _freeze(request: Request) -> Response:
    data = await _json(request)
    _only(data, {"frozen"})
    frozen = data.get("frozen", True)
    if not isinstance(frozen, bool):
        raise validation_failure({"frozen": f"{frozen!r} is not of type 'boolean'"})
    return JSONResponse(_controller(request).freeze(frozen))


async def _lifecycle(request: Request) -> Response:
    controller = _controller(request)
    if request.method == "GET":
        return JSONResponse(controller.lifecycle())
    data = await _json(request)
    _only(data, {"mode", "reads", "kinds", "durations"})
    return JSONResponse(
        controller.configure_lifecycle(
            data.get("mode"), data.get("reads"), data.get("kinds"), data.get("durations")
        )
    )


async def _settle(request: Request) -> Response:
    ids = (await _json(request)).get("ids")
    if ids is not None and not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
        raise ApiError(400, "Validation failure: {'ids': 'must be a list of ids'}")
    return JSONResponse(_controller(request).settle(ids))


async def _faults(request: Request) -> Response:
    controller = _controller(request)
    if request.method == "GET":
        return JSONResponse(controller.list_faults())
    if request.method == "DELETE":
        controller.clear_faults()
        return Response(status_code=204)
    fault = controller.faults.add_from(await _json(request))
    return JSONResponse(fault.to_dict(), status_code=201)


async def _fault(request: Request) -> Response:
    controller = _controller(request)
    fault_id = request.path_params["fault_id"]
    if request.method == "DELETE":
        controller.remove_fault(fault_id)
        return Response(status_code=204)
    return JSONResponse(controller.faults.get(fault_id).to_dict())


async def _lifecycle_faults(request: Request) -> Response:
    controller = _controller(request)
    if request.method == "GET":
        return JSONResponse({"outcomes": controller.pending_outcomes()})
    if request.method == "DELETE":
        with controller.app.lock:
            controller.backend.engine.forced_outcomes.clear()
        return Response(status_code=204)
    data = await _json(request)
    _only(data, {"kind", "outcome", "times"})
    outcomes = controller.fail_next(
        data.get("kind", "datastore"), data.get("outcome", "ERROR"), data.get("times", 1)
    )
    return JSONResponse({"outcomes": outcomes}, status_code=201)


async def _force_status(request: Request) -> Response:
    data = await _json(request)
    _only(data, {"id", "status", "kind"})
    object_id = data.get("id")
    if not isinstance(object_id, str) or not object_id:
        raise validation_failure({"id": f"{object_id!r} is not of type 'string'"})
    kind = data.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise validation_failure({"kind": f"{kind!r} is not of type 'string'"})
    return JSONResponse(_controller(request).force_status(object_id, str(data.get("status")), kind))


_JOURNAL_FILTERS = ("operation_id", "method", "status", "path", "project_id")


async def _journal(request: Request) -> Response:
    controller = _controller(request)
    if request.method == "DELETE":
        controller.journal.clear()
        return Response(status_code=204)
    if request.method == "PUT":
        data = await _json(request)
        _only(data, {"enabled", "limit"})
        enabled = data.get("enabled")
        if enabled is not None and not isinstance(enabled, bool):
            raise validation_failure({"enabled": f"{enabled!r} is not of type 'boolean'"})
        return JSONResponse(controller.configure_journal(enabled, data.get("limit")))
    params = request.query_params
    filters: dict[str, Any] = {k: params[k] for k in _JOURNAL_FILTERS if params.get(k)}
    if "status" in filters and filters["status"].isdigit():
        filters["status"] = int(filters["status"])
    limit: int | None = None
    if params.get("limit"):
        if not params["limit"].isdigit():
            raise validation_failure({"limit": f"{params['limit']!r} is not of type 'integer'"})
        limit = int(params["limit"])
    entries = controller.journal_entries(limit=limit, **filters)
    journal = controller.journal
    return JSONResponse(
        {
            "entries": entries,
            "count": len(entries),
            "total": journal.total,
            "limit": journal.limit,
            "enabled": journal.enabled,
        }
    )


async def _state(request: Request) -> Response:
    controller = _controller(request)
    if request.method == "GET":
        return JSONResponse(controller.snapshot())
    raw = await request.body()
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, "Validation failure: {'body': 'Invalid JSON'}") from None
    return JSONResponse(controller.restore(document))


async def _save_state(request: Request) -> Response:
    return JSONResponse(_controller(request).save_state())


async def _tokens(request: Request) -> Response:
    controller = _controller(request)
    if request.method == "GET":
        return JSONResponse({"tokens": controller.tokens()})
    data = await _json(request)
    _only(data, {"token", "project_id", "admin"})
    admin = data.get("admin", False)
    if not isinstance(admin, bool):
        raise validation_failure({"admin": f"{admin!r} is not of type 'boolean'"})
    token = controller.register_token(data.get("token"), data.get("project_id"), admin=admin)  # type: ignore[arg-type]
    return JSONResponse(token, status_code=201)


async def _openapi(request: Request) -> Response:
    app: DbaasMockApp = request.app
    return JSONResponse(app.spec.document)


def control_routes() -> list[BaseRoute]:
    """The routes of the control API and ``/openapi.json``."""
    return [
        Route("/__mock__/reset", _reset, methods=["POST"]),
        Route("/__mock__/health", _health, methods=["GET"]),
        Route("/__mock__/clock", _clock, methods=["GET"]),
        Route("/__mock__/clock/advance", _advance, methods=["POST"]),
        Route("/__mock__/clock/set", _set_clock, methods=["POST"]),
        Route("/__mock__/clock/freeze", _freeze, methods=["POST"]),
        Route("/__mock__/lifecycle", _lifecycle, methods=["GET", "PUT"]),
        Route("/__mock__/lifecycle/settle", _settle, methods=["POST"]),
        Route("/__mock__/faults", _faults, methods=["GET", "POST", "DELETE"]),
        Route("/__mock__/faults/lifecycle", _lifecycle_faults, methods=["GET", "POST", "DELETE"]),
        Route("/__mock__/faults/status", _force_status, methods=["POST"]),
        Route("/__mock__/faults/{fault_id}", _fault, methods=["GET", "DELETE"]),
        Route("/__mock__/journal", _journal, methods=["GET", "PUT", "DELETE"]),
        Route("/__mock__/state", _state, methods=["GET", "PUT"]),
        Route("/__mock__/state/save", _save_state, methods=["POST"]),
        Route("/__mock__/tokens", _tokens, methods=["GET", "POST"]),
        Route("/openapi.json", _openapi, methods=["GET"]),
    ]
