"""Driving a fake in-process: the whole ASGI request path without sockets, and handler calls for bulk state.

- :class:`AsgiDriver` calls the app's ASGI interface directly (routing, auth, validation, handler,
  serialisation: everything ``dbaas-mock serve`` runs per request except uvicorn's HTTP parsing).
- :class:`Builder` calls ``app.handlers[operationId]`` with :class:`~mock_server.calls.Call` objects:
  the domain rules run (parents, engines, names, quotas), HTTP parsing and schema validation do not
  (the bodies it sends are valid by construction), and no action is recorded. It is the fastest honest
  way to put a million objects into a fake.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mock_server import DbaasMockApp

__all__ = ["SUBNET_ID", "AsgiDriver", "Builder", "CallFailed"]

#: Any subnet id (the fake does not own subnets).
SUBNET_ID = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"


class CallFailed(RuntimeError):
    """A call the benchmark expected to succeed did not."""


class AsgiDriver:
    """Requests through the app's ASGI interface on a private event loop (close it when done)."""

    def __init__(self, app: DbaasMockApp, token: str) -> None:
        self.app = app
        self.token = token
        self.loop = asyncio.new_event_loop()

    def close(self) -> None:
        """Close the event loop."""
        self.loop.close()

    async def call(
        self, method: str, path: str, query: str = "", body: bytes = b"", token: str | None = None
    ) -> tuple[int, bytes]:
        """One request; returns the status and the body."""
        headers = [(b"x-auth-token", (token or self.token).encode()), (b"host", b"bench")]
        if body:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        sent = False
        out: dict[str, Any] = {"status": 0, "body": []}

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Mapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
            elif message["type"] == "http.response.body":
                out["body"].append(message.get("body", b""))

        await self.app(scope, receive, send)
        return int(out["status"]), b"".join(out["body"])

    def request(
        self, method: str, path: str, query: str = "", body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        """One request; returns the status and the decoded JSON body (``None`` when empty)."""
        raw = b"" if body is None else json.dumps(body).encode()
        status, payload = self.loop.run_until_complete(self.call(method, path, query, raw, token))
        return status, (json.loads(payload) if payload else None)

    def timed(self, method: str, path: str, query: str, count: int, expect: int = 200) -> list[float]:
        """Seconds taken by each of ``count`` identical requests (one loop run for all of them)."""

        async def many() -> list[float]:
            out: list[float] = []
            clock = time.perf_counter
            for _ in range(count):
                started = clock()
                status, payload = await self.call(method, path, query)
                out.append(clock() - started)
                if status != expect:
                    raise CallFailed(f"{method} {path}?{query}: {status} {payload[:300]!r}")
            return out

        return self.loop.run_until_complete(many())


class Builder:
    """Bulk state through the handlers (domain rules included, HTTP and schema validation skipped)."""

    def __init__(self, app: DbaasMockApp) -> None:
        self.app = app
        self._type_ids: dict[str, str] = {}

    def call(
        self,
        operation_id: str,
        token: str,
        *,
        params: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """Run one handler as the app would; the reply body (:class:`CallFailed` on an error)."""
        from mock_server.calls import Call
        from mock_server.errors import ApiError

        backend = self.app.backend
        principal = backend.auth.principal(token)
        call = Call(
            backend=backend,
            op=self.app.spec.operations[operation_id],
            project_id=principal.project_id,
            admin=principal.admin,
            params=params or {},
            query=query or {},
            body=body,
            now=backend.clock.now(),
            request_id="bench",
        )
        try:
            status, result = self.app.handlers[operation_id](call)
        except ApiError as error:
            raise CallFailed(f"{operation_id}: {error.status} {error}") from None
        if status >= 400:
            raise CallFailed(f"{operation_id}: {status} {result}")
        return result

    def type_id(self, engine: str) -> str:
        """The id of the newest datastore type of ``engine``."""
        if not self._type_ids:
            types = self.call("list_datastore_types", "bench")["datastore-types"]
            for item in types:
                self._type_ids[str(item["engine"])] = str(item["id"])
        return self._type_ids[engine]

    def type_ids(self, engine: str) -> list[str]:
        """The ids of every datastore type of ``engine`` (oldest first)."""
        types = self.call("list_datastore_types", "bench")["datastore-types"]
        return [str(t["id"]) for t in types if t["engine"] == engine]

    def datastore(self, token: str, name: str, engine: str = "postgresql", type_id: str | None = None) -> str:
        """Create an ``engine`` datastore and read it once (``reads`` mode: it is ``ACTIVE``); its id."""
        body = {
            "datastore": {
                "name": name,
                "type_id": type_id or self.type_id(engine),
                "subnet_id": SUBNET_ID,
                "node_count": 1,
                "flavor": {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"},
            }
        }
        created = self.call("create_datastore", token, body=body)["datastore"]
        datastore_id = str(created["id"])
        self.call("get_datastore", token, params={"datastore_id": datastore_id})
        return datastore_id

    def child(self, operation_id: str, wrapper: str, token: str, fields: dict[str, Any]) -> str:
        """Create an object inside a datastore; its id (the object is still ``PENDING_CREATE``)."""
        return str(self.call(operation_id, token, body={wrapper: fields})[wrapper]["id"])
