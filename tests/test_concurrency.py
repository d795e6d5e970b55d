"""Many clients at once against a live server: no 5xx, no lost or leaked object, no server exception.

Each client has its own token (so its own project) and runs a random mix of creates, reads, lists and
deletes of datastores, users and databases for a bounded time, keeping its own model of what exists.
Afterwards every client's lists match its model exactly, no client ever saw another's objects, and
nothing was logged as an error by the fake or by uvicorn.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from support import SUBNET_ID

from mock_server.server import LiveServer

CLIENTS = 50
DURATION = 4.0  # seconds of mixed traffic
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
LOGGERS = ("dbaas_mock", "uvicorn", "uvicorn.error", "uvicorn.access")


class Collect(logging.Handler):
    """Keeps every record of WARNING and above (thread-safe: logging locks ``emit``)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def logs() -> Iterator[Collect]:
    handler = Collect()
    for name in LOGGERS:
        logging.getLogger(name).addHandler(handler)
    yield handler
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(handler)


@pytest.fixture(scope="module")
def live(logs: Collect) -> Iterator[LiveServer]:
    with LiveServer(log_level="warning") as server:
        yield server


@dataclass
class Worker:
    """One client: its token, its model of what exists and what went wrong."""

    index: int
    url: str
    type_id: str
    seed: int
    datastores: set[str] = field(default_factory=set)
    deleted_datastores: set[str] = field(default_factory=set)
    users: dict[str, str] = field(default_factory=dict)  # id -> datastore id
    databases: dict[str, str] = field(default_factory=dict)  # id -> datastore id
    owners: dict[str, str] = field(default_factory=dict)  # datastore id -> owner user id (kept)
    gone: set[str] = field(default_factory=set)  # users and databases deleted
    problems: list[str] = field(default_factory=list)
    calls: int = 0
    probes: int = 0  # reads of another project's ids (each must be a 404)
    foreign: list[str] = field(default_factory=list)  # ids of other projects, to probe isolation

    @property
    def token(self) -> str:
        return f"concurrency-{self.index}"

    def call(self, http: httpx.Client, method: str, path: str, expected: int, **kwargs: Any) -> Any:
        self.calls += 1
        try:
            response = http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.problems.append(f"{method} {path}: {error!r}")
            return None
        if response.status_code != expected or "Traceback" in response.text:
            self.problems.append(f"{method} {path}: {response.status_code} {response.text[:300]}")
            return None
        return response.json() if response.content else {}

    def settle(self, http: httpx.Client, collection: str, wrapper: str, object_id: str) -> bool:
        """One read brings a new object to ACTIVE (lifecycle ``reads``)."""
        body = self.call(http, "GET", f"/{collection}/{object_id}", 200)
        if body is None:
            return False
        if body[wrapper]["status"] != "ACTIVE":
            self.problems.append(f"{wrapper} {object_id} is {body[wrapper]['status']} after one read")
            return False
        return True

    def create_datastore(self, http: httpx.Client) -> None:
        body = {
            "name": f"ds-{uuid.uuid4().hex[:8]}",
            "type_id": self.type_id,
            "subnet_id": SUBNET_ID,
            "node_count": 1,
            "flavor": FLAVOR,
        }
        answer = self.call(http, "POST", "/datastores", 200, json={"datastore": body})
        if answer is None:
            return
        ds_id = answer["datastore"]["id"]
        self.datastores.add(ds_id)
        if not self.settle(http, "datastores", "datastore", ds_id):
            return
        owner = self.create_user(http, ds_id)
        if owner is not None:
            self.owners[ds_id] = owner

    def create_user(self, http: httpx.Client, ds_id: str) -> str | None:
        fields = {"datastore_id": ds_id, "name": f"u_{uuid.uuid4().hex[:10]}", "password": "Pa55-word-x1"}
        answer = self.call(http, "POST", "/users", 200, json={"user": fields})
        if answer is None:
            return None
        user_id = str(answer["user"]["id"])
        self.users[user_id] = ds_id
        self.settle(http, "users", "user", user_id)
        return user_id

    def create_database(self, http: httpx.Client, ds_id: str) -> None:
        fields = {
            "datastore_id": ds_id,
            "name": f"db_{uuid.uuid4().hex[:10]}",
            "owner_id": self.owners[ds_id],
        }
        answer = self.call(http, "POST", "/databases", 200, json={"database": fields})
        if answer is None:
            return
        db_id = str(answer["database"]["id"])
        self.databases[db_id] = ds_id
        self.settle(http, "databases", "database", db_id)

    def delete(self, http: httpx.Client, collection: str, table: dict[str, str], object_id: str) -> None:
        if self.call(http, "DELETE", f"/{collection}/{object_id}", 204) is None:
            return
        del table[object_id]
        self.gone.add(object_id)
        # the object answers PENDING_DELETE once, then 404
        first = http.get(f"/{collection}/{object_id}")
        self.calls += 1
        if first.status_code not in (200, 404) or (
            first.status_code == 200 and "PENDING_DELETE" not in first.text
        ):
            self.problems.append(f"GET deleted {object_id}: {first.status_code} {first.text[:200]}")

    def step(self, http: httpx.Client, rng: random.Random) -> None:
        live_ds = [d for d in self.datastores if d in self.owners]
        roll = rng.random()
        if roll < 0.05 and len(self.datastores) < 3:
            self.create_datastore(http)
        elif roll < 0.2 and live_ds:
            self.create_user(http, rng.choice(live_ds))
        elif roll < 0.35 and live_ds:
            self.create_database(http, rng.choice(live_ds))
        elif roll < 0.45:
            removable = [u for u in self.users if u not in self.owners.values()]
            if removable:
                self.delete(http, "users", self.users, rng.choice(removable))
        elif roll < 0.55 and self.databases:
            self.delete(http, "databases", self.databases, rng.choice(list(self.databases)))
        elif roll < 0.65 and self.users:
            user_id = rng.choice(list(self.users))
            self.call(http, "GET", f"/users/{user_id}", 200)
        elif roll < 0.75 and self.foreign:
            self.probes += 1
            self.call(http, "GET", f"/users/{rng.choice(self.foreign)}", 404)
        elif roll < 0.85:
            collection = rng.choice(["users", "databases"])
            self.call(http, "GET", f"/{collection}", 200)
        else:
            self.call(http, "GET", "/datastores", 200)

    def run(self, start: threading.Barrier, stop_at: list[float]) -> None:
        rng = random.Random(self.seed)
        try:
            with httpx.Client(base_url=self.url, headers={"X-Auth-Token": self.token}, timeout=30) as http:
                start.wait()
                self.create_datastore(http)
                while time.monotonic() < stop_at[0]:
                    self.step(http, rng)
        except Exception as error:
            self.problems.append(f"client crashed: {error!r}")


def listed(http: httpx.Client, collection: str) -> list[dict[str, Any]]:
    response = http.get(f"/{collection}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()[collection]
    return items


def test_fifty_clients_mixed_operations(live: LiveServer, logs: Collect) -> None:
    logs.records.clear()
    type_id = next(
        t["id"]
        for t in reversed(live.client.get("/datastore-types").json()["datastore-types"])
        if t["engine"] == "postgresql"
    )
    workers = [Worker(i, live.url, type_id, seed=i) for i in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]
    threads = [threading.Thread(target=w.run, args=(start, stop_at), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + DURATION
    start.wait()
    # halfway through, hand every client the ids of another project's users to probe isolation
    time.sleep(DURATION / 2)
    for worker in workers:
        neighbour = workers[(worker.index + 1) % CLIENTS]
        worker.foreign = list(neighbour.users.copy())[:5] + list(neighbour.datastores.copy())[:1]
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a client never finished"

    problems = [f"client {w.index}: {p}" for w in workers for p in w.problems]
    assert not problems, "\n".join(problems[:30])
    assert sum(w.calls for w in workers) > CLIENTS * 10  # the run really was concurrent traffic
    assert sum(w.probes for w in workers) > 0  # isolation was probed while the others were running
    assert sum(len(w.gone) for w in workers) > 0  # deletes happened too

    all_ids = {w.index: set(w.datastores) | set(w.users) | set(w.databases) | w.gone for w in workers}
    for worker in workers:
        project = live.controller.project_of(worker.token)
        others = set().union(*(ids for index, ids in all_ids.items() if index != worker.index))
        with httpx.Client(base_url=live.url, headers={"X-Auth-Token": worker.token}, timeout=30) as http:
            for gone in worker.gone:  # a deleted object may still answer PENDING_DELETE once
                http.get(f"/users/{gone}")
                http.get(f"/databases/{gone}")
            datastores = listed(http, "datastores")
            users = listed(http, "users")
            databases = listed(http, "databases")
        for collection, items, expected in (
            ("datastores", datastores, worker.datastores),
            ("users", users, set(worker.users)),
            ("databases", databases, set(worker.databases)),
        ):
            got = {item["id"] for item in items}
            assert got == expected, f"client {worker.index} {collection}: {got ^ expected}"
            assert not got & others, f"client {worker.index} sees another project's {collection}"
            assert all(item.get("project_id", project) == project for item in items)
        assert all(item["status"] == "ACTIVE" for item in users + databases + datastores)

    errors = [r for r in logs.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, "\n".join(logging.Formatter().format(r) for r in errors[:5])
