"""Helpers of the contract-kit tests: fakes served on loopback, broken targets, independent listings."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from mock_server import DbaasMockApp
from mock_server.server import LiveServer

#: Collections listed to compare a target before and after a run (independently of the kit).
COLLECTIONS = (
    "datastores",
    "databases",
    "users",
    "grants",
    "extensions",
    "logical-replication-slots",
    "topics",
    "acls",
    "prometheus-metrics-tokens",
)
VOLATILE = frozenset({"status", "updated_at", "creation_finished_at", "disk_used"})

Respond = Callable[[str, str], tuple[int, Any] | None]
Rewrite = Callable[[str, str, int, Any], tuple[int, Any]]


class Breaker:
    """The fake behind an ASGI middleware that breaks one thing.

    ``respond(method, path)`` may answer a request without the fake; ``rewrite(method, path, status,
    body)`` may change the fake's answer (``body`` is parsed JSON, or ``None``).
    """

    def __init__(self, app: DbaasMockApp, *, respond: Respond | None = None, rewrite: Rewrite | None = None):
        self.app = app
        self.respond = respond
        self.rewrite = rewrite

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        answer = self.respond(method, path) if self.respond else None
        if answer is None:
            started: dict[str, Any] = {}
            chunks: list[bytes] = []

            async def capture(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    started.update(message)
                else:
                    chunks.append(message.get("body", b""))

            await self.app(scope, receive, capture)
            raw = b"".join(chunks)
            status, body = started["status"], json.loads(raw) if raw else None
            answer = self.rewrite(method, path, status, body) if self.rewrite else (status, body)
        status, body = answer
        payload = b"" if body is None else json.dumps(body).encode()
        headers = [(b"content-type", b"application/json")] if body is not None else []
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields the API's URL (``.../v1``)."""
    server = LiveServer(app=app)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def client(url: str, token: str) -> httpx.Client:
    """A plain HTTP client of the API (not the kit's)."""
    return httpx.Client(base_url=url, headers={"X-Auth-Token": token}, timeout=10)


def listing(http: httpx.Client) -> dict[str, dict[str, Any]]:
    """Every object of every project collection, by collection and id, without volatile fields."""
    found: dict[str, dict[str, Any]] = {}
    for collection in COLLECTIONS:
        answer = http.get(f"/{collection}")
        assert answer.status_code == 200, answer.text
        key = collection
        found[collection] = {item["id"]: _stable(item) for item in answer.json()[key]}
    return found


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def settle(http: httpx.Client, path: str) -> dict[str, Any]:
    """Read an object until it is ACTIVE (the fake settles on reads, or with its clock)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = http.get(path)
        assert answer.status_code == 200, answer.text
        obj = next(iter(answer.json().values()))
        if obj.get("status", "ACTIVE") == "ACTIVE":
            return dict(obj)
        time.sleep(0.01)
    raise AssertionError(f"{path} did not settle")


def foreign_objects(http: httpx.Client) -> dict[str, str]:
    """Objects another client made before a run: a PostgreSQL datastore, a user, a database, a token."""
    types = http.get("/datastore-types").json()["datastore-types"]
    pg = next(t for t in types if t["engine"] == "postgresql")
    flavor = http.get("/flavors").json()["flavors"][0]
    ds = http.post(
        "/datastores",
        json={
            "datastore": {
                "name": "keep-me",
                "type_id": pg["id"],
                "subnet_id": "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b",
                "node_count": 1,
                "flavor": {"vcpus": flavor["vcpus"], "ram": flavor["ram"], "disk": flavor["disk"]},
            }
        },
    ).json()["datastore"]
    settle(http, f"/datastores/{ds['id']}")
    user = http.post(
        "/users", json={"user": {"datastore_id": ds["id"], "name": "keeper", "password": "s3cret-password"}}
    ).json()["user"]
    settle(http, f"/users/{user['id']}")
    db = http.post(
        "/databases", json={"database": {"datastore_id": ds["id"], "name": "keepdb", "owner_id": user["id"]}}
    ).json()["database"]
    settle(http, f"/databases/{db['id']}")
    token = http.post(
        "/prometheus-metrics-tokens", json={"prometheus-metrics-token": {"name": "keep"}}
    ).json()
    return {
        "datastore": ds["id"],
        "user": user["id"],
        "database": db["id"],
        "token": token["prometheus-metrics-token"]["id"],
    }


def leftovers(http: httpx.Client, prefix: str = "ct") -> list[str]:
    """Objects named like the kit's (``ct-...``/``ct_...``) still listed."""
    found = []
    for collection, objects in listing(http).items():
        for object_id, obj in objects.items():
            name = obj.get("name")
            if isinstance(name, str) and name.startswith((f"{prefix}-", f"{prefix}_")):
                found.append(f"{collection} {object_id} {name}")
    return found


def report_text(directory: Path) -> str:
    """The summary and the JUnit report of a run, concatenated."""
    return (directory / "summary.md").read_text() + (directory / "junit.xml").read_text()
