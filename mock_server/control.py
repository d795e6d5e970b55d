"""The control API (outside ``/v1``): reset, clock, lifecycle. The same operations from Python.

HTTP: ``POST /__mock__/reset``, ``GET /__mock__/clock``, ``POST /__mock__/clock/advance``
(``{"seconds": N}``), ``POST /__mock__/clock/set`` (``{"now": "YYYY-MM-DDTHH:MM:SS"}``),
``GET``/``PUT /__mock__/lifecycle``, ``POST /__mock__/lifecycle/settle`` (``{"ids": [...]}``, all
pending objects when omitted), ``GET /openapi.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .clock import format_ts, parse_ts
from .errors import ApiError
from .lifecycle import TABLES, Mode

if TYPE_CHECKING:
    from .app import DbaasMockApp

__all__ = ["Controller", "control_routes"]


class Controller:
    """Python access to the control operations of one app."""

    def __init__(self, app: DbaasMockApp) -> None:
        self.app = app

    @property
    def backend(self) -> Any:
        return self.app.backend

    def reset(self) -> None:
        """Forget every object; the catalog is rebuilt from the seed."""
        with self.app.lock:
            self.backend.reset()

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


def _mode(value: Any, key: str) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        choices = [m.value for m in Mode]
        raise ApiError(400, f'Validation failure: {{{key!r}: "{value!r} is not one of {choices}"}}') from None


def _kind(kind: str) -> None:
    if kind not in TABLES:
        raise ApiError(400, f"Validation failure: {{'kinds': \"{kind!r} is not one of {sorted(TABLES)}\"}}")


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


def _controller(request: Request) -> Controller:
    return Controller(request.app)


async def _reset(request: Request) -> Response:
    _controller(request).reset()
    return Response(status_code=204)


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


async def _lifecycle(request: Request) -> Response:
    controller = _controller(request)
    if request.method == "GET":
        return JSONResponse(controller.lifecycle())
    data = await _json(request)
    unknown = set(data) - {"mode", "reads", "kinds", "durations"}
    if unknown:
        names = ", ".join(repr(k) for k in sorted(unknown))
        raise ApiError(
            400,
            f"Validation failure: {{'body': \"Additional properties are not allowed ({names} was unexpected)\"}}",
        )
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


async def _openapi(request: Request) -> Response:
    app: DbaasMockApp = request.app
    return JSONResponse(app.spec.document)


def control_routes() -> list[BaseRoute]:
    """The routes of the control API and ``/openapi.json``."""
    return [
        Route("/__mock__/reset", _reset, methods=["POST"]),
        Route("/__mock__/clock", _clock, methods=["GET"]),
        Route("/__mock__/clock/advance", _advance, methods=["POST"]),
        Route("/__mock__/clock/set", _set_clock, methods=["POST"]),
        Route("/__mock__/lifecycle", _lifecycle, methods=["GET", "PUT"]),
        Route("/__mock__/lifecycle/settle", _settle, methods=["POST"]),
        Route("/openapi.json", _openapi, methods=["GET"]),
    ]
