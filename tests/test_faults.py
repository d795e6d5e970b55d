"""Faults by operationId: error answers, schedules, determinism, latency, dropped connections, and
lifecycle faults (a create that ends in ERROR, an ACTIVE datastore going DISK_FULL and back)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_server.intercept import DbaasFake
from mock_server.server import LiveServer

SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}


def _fields(client: httpx.Client, name: str) -> dict[str, Any]:
    types = client.get("/datastore-types").json()["datastore-types"]
    type_id = [t for t in types if t["engine"] == "postgresql"][-1]["id"]
    return {"name": name, "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": FLAVOR}


def _create(client: httpx.Client, name: str = "faulty") -> httpx.Response:
    return client.post("/datastores", json={"datastore": _fields(client, name)})


def _statuses(client: httpx.Client, calls: int, path: str = "/datastore-types") -> list[int]:
    return [client.get(path).status_code for _ in range(calls)]


@pytest.mark.parametrize(
    ("options", "status", "headers", "message"),
    [
        ({"status": 429}, 429, {"retry-after": "1"}, "Too many requests"),
        ({"status": 429, "retry_after": 7}, 429, {"retry-after": "7"}, "Too many requests"),
        ({"status": 500}, 500, {}, "Internal Server Error"),
        ({"status": 503, "retry_after": 3}, 503, {"retry-after": "3"}, "Service Unavailable"),
        ({"status": 502, "message": "upstream is down"}, 502, {}, "upstream is down"),
    ],
    ids=["429", "429-retry-after", "500", "503-retry-after", "502-message"],
)
def test_error_faults_answer_in_the_api_envelope(
    dbaas_mock: DbaasFake, options: dict[str, Any], status: int, headers: dict[str, str], message: str
) -> None:
    fault = dbaas_mock.faults.error("list_datastore_types", **options)
    response = dbaas_mock.client.get("/datastore-types")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == status
    assert error["message"].startswith(message)
    assert response.headers["x-dbaas-mock-fault"] == fault.id
    for name, value in headers.items():
        assert response.headers[name] == value
    if "retry-after" not in headers:
        assert "retry-after" not in response.headers


@pytest.mark.parametrize(
    ("schedule", "pattern"),
    [
        ({}, [1, 1, 1, 1, 1, 1]),
        ({"first": 2}, [1, 1, 0, 0, 0, 0]),
        ({"every": 3}, [0, 0, 1, 0, 0, 1]),
        ({"after": 2}, [0, 0, 1, 1, 1, 1]),
        ({"after": 1, "first": 2}, [0, 1, 1, 0, 0, 0]),
        ({"every": 2, "times": 2}, [0, 1, 0, 1, 0, 0]),
        ({"probability": 0.0}, [0, 0, 0, 0, 0, 0]),
        ({"probability": 1.0}, [1, 1, 1, 1, 1, 1]),
    ],
    ids=["always", "first-2", "every-3", "after-2", "after-1-first-2", "every-2-twice", "never", "certain"],
)
def test_schedules(dbaas_mock: DbaasFake, schedule: dict[str, Any], pattern: list[int]) -> None:
    fault = dbaas_mock.faults.error("list_datastore_types", 503, **schedule)
    observed = [int(s == 503) for s in _statuses(dbaas_mock.client, 6)]
    assert observed == pattern
    assert (fault.calls, fault.fired) == (6, sum(pattern))


def _probability_pattern(seed: int, fault_seed: int | None) -> list[int]:
    fake = DbaasFake(seed=seed)
    try:
        options: dict[str, Any] = {"probability": 0.5}
        if fault_seed is not None:
            options["seed"] = fault_seed
        fake.faults.error("list_datastore_types", 500, **options)
        return [int(s == 500) for s in _statuses(fake.client, 40)]
    finally:
        fake.close()


def test_same_seed_same_faults_other_seed_other_faults() -> None:
    first = _probability_pattern(seed=3, fault_seed=None)
    assert first == _probability_pattern(seed=3, fault_seed=None)
    assert first == _probability_pattern(seed=99, fault_seed=3)
    assert first != _probability_pattern(seed=4, fault_seed=None)
    assert 5 < sum(first) < 35


def test_a_fault_on_one_operation_leaves_the_others_alone(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.error("list_flavors", 500)
    assert dbaas_mock.client.get("/datastore-types").status_code == 200
    assert dbaas_mock.client.get("/flavors").status_code == 500


def test_any_operation(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.error("*", 503, first=2)
    assert [dbaas_mock.client.get("/flavors").status_code, dbaas_mock.client.get("/limits").status_code] == [
        503,
        503,
    ]
    assert dbaas_mock.client.get("/limits").status_code == 200


def test_a_faulted_call_changes_no_state(dbaas_mock: DbaasFake) -> None:
    client = dbaas_mock.client
    fields = _fields(client, "never-made")
    for status in (500, 429, 503):
        fault = dbaas_mock.faults.error("create_datastore", status)
        assert client.post("/datastores", json={"datastore": fields}).status_code == status
        dbaas_mock.faults.remove(fault.id)
    dbaas_mock.faults.drop("create_datastore")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/datastores", json={"datastore": fields})
    assert client.get("/datastores").json()["datastores"] == []
    assert client.get("/actions").json()["actions"] == []
    assert client.get("/quotas").json()["quotas"]["datastores"]["used"] == 0


@pytest.mark.parametrize(
    ("token", "method", "path", "status"),
    [
        (None, "GET", "/datastore-types", 401),
        ("user", "GET", "/no-such-thing", 404),
        ("user", "DELETE", "/datastore-types", 405),
        ("user", "POST", "/flavors", 403),
    ],
    ids=["no-token", "unknown-path", "wrong-method", "admin-only"],
)
def test_faults_come_after_auth_and_routing(
    dbaas_mock: DbaasFake, token: str | None, method: str, path: str, status: int
) -> None:
    fault = dbaas_mock.faults.error("*", 500)
    client = dbaas_mock.client_for(dbaas_mock.token if token else None)
    assert client.request(method, path, json={}).status_code == status
    assert fault.calls == 0


def test_faults_come_before_validation(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.rate_limit("create_datastore")
    response = dbaas_mock.client.post("/datastores", json={"datastore": {"name": 5}})
    assert response.status_code == 429


def test_latency_delays_the_answer(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.latency("list_datastore_types", 0.25, first=1)
    started = time.perf_counter()
    assert dbaas_mock.client.get("/datastore-types").status_code == 200
    slow = time.perf_counter() - started
    started = time.perf_counter()
    dbaas_mock.client.get("/datastore-types")
    fast = time.perf_counter() - started
    assert slow >= 0.25 > fast
    assert dbaas_mock.journal.first().fault == "f1:latency"


def test_latency_and_error_combine(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.latency("list_datastore_types", 0.1)
    dbaas_mock.faults.error("list_datastore_types", 503)
    started = time.perf_counter()
    assert dbaas_mock.client.get("/datastore-types").status_code == 503
    assert time.perf_counter() - started >= 0.1
    assert dbaas_mock.journal.last().fault == "f1:latency,f2:error"


def test_drop_in_process_raises_the_error_a_real_client_gets(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.drop("list_datastore_types", first=1)
    with pytest.raises(httpx.RemoteProtocolError, match="dropped the connection"):
        dbaas_mock.client.get("/datastore-types")
    assert dbaas_mock.client.get("/datastore-types").status_code == 200
    entry = dbaas_mock.journal.first()
    assert (entry.status, entry.fault) == (0, "f1:drop")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_drop_with_the_async_client(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.drop("list_datastore_types")
    with pytest.raises(httpx.RemoteProtocolError):
        await dbaas_mock.async_client.get("/datastore-types")


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


def test_drop_over_the_network_closes_the_connection_mid_body(live: LiveServer) -> None:
    live.faults.drop("get_limits", first=1)
    with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|without sending complete"):
        live.client.get("/limits")
    assert live.client.get("/limits").status_code == 200


def test_faults_over_http(live: LiveServer) -> None:
    control = httpx.Client(base_url=live.base_url)
    created = control.post(
        "/__mock__/faults", json={"operation_id": "get_limits", "kind": "error", "status": 503, "first": 1}
    )
    assert created.status_code == 201
    fault = created.json()
    assert (fault["id"], fault["kind"], fault["status"], fault["calls"]) == ("f1", "error", 503, 0)
    assert _statuses(live.client, 2, "/limits") == [503, 200]
    listed = control.get("/__mock__/faults").json()
    assert [(f["id"], f["calls"], f["fired"]) for f in listed["faults"]] == [("f1", 2, 1)]
    assert control.get("/__mock__/faults/f1").json()["fired"] == 1
    assert control.delete("/__mock__/faults/f1").status_code == 204
    assert control.get("/__mock__/faults/f1").status_code == 404
    assert control.delete("/__mock__/faults/f1").status_code == 404
    control.post("/__mock__/faults", json={"operation_id": "get_limits", "kind": "latency", "seconds": 0.01})
    assert control.delete("/__mock__/faults").status_code == 204
    assert control.get("/__mock__/faults").json() == {"faults": [], "outcomes": {}}


@pytest.mark.parametrize(
    "body",
    [
        {"operation_id": "make_coffee", "kind": "error"},
        {"operation_id": "get_limits", "kind": "explode"},
        {"operation_id": "get_limits", "kind": "error", "status": 200},
        {"operation_id": "get_limits", "kind": "error", "status": 600},
        {"operation_id": "get_limits", "kind": "latency"},
        {"operation_id": "get_limits", "kind": "latency", "seconds": 301},
        {"operation_id": "get_limits", "kind": "drop", "status": 500},
        {"operation_id": "get_limits", "probability": 1.5},
        {"operation_id": "get_limits", "first": 0},
        {"operation_id": "get_limits", "every": "2"},
        {"operation_id": "get_limits", "colour": "red"},
        {"operation_id": 5},
    ],
    ids=[
        "unknown-operation",
        "unknown-kind",
        "status-not-an-error",
        "status-too-high",
        "latency-without-seconds",
        "latency-too-long",
        "drop-with-status",
        "probability-over-1",
        "first-zero",
        "every-not-int",
        "unknown-key",
        "operation-not-string",
    ],
)
def test_bad_fault_rules_are_400(dbaas_mock: DbaasFake, body: dict[str, Any]) -> None:
    response = dbaas_mock.control.post("/__mock__/faults", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Validation failure:")
    assert dbaas_mock.faults.rules() == []


# -- lifecycle faults -------------------------------------------------------------------------------


def test_the_next_create_ends_in_error(dbaas_mock: DbaasFake) -> None:
    client = dbaas_mock.client
    dbaas_mock.fail_next("datastore", "ERROR")
    created = _create(client, "doomed")
    assert created.json()["datastore"]["status"] == "PENDING_CREATE"
    datastore_id = created.json()["datastore"]["id"]
    assert client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "ERROR"
    second = _create(client, "fine").json()["datastore"]["id"]
    assert client.get(f"/datastores/{second}").json()["datastore"]["status"] == "ACTIVE"


def test_lifecycle_faults_over_http(dbaas_mock: DbaasFake) -> None:
    control = dbaas_mock.control
    queued = control.post(
        "/__mock__/faults/lifecycle", json={"kind": "datastore", "outcome": "DEGRADED", "times": 2}
    )
    assert queued.status_code == 201
    assert queued.json() == {"outcomes": {"datastore": ["DEGRADED", "DEGRADED"]}}
    datastore_id = _create(dbaas_mock.client).json()["datastore"]["id"]
    assert dbaas_mock.client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "DEGRADED"
    assert control.get("/__mock__/faults/lifecycle").json() == {"outcomes": {"datastore": ["DEGRADED"]}}
    assert control.delete("/__mock__/faults/lifecycle").status_code == 204
    assert control.get("/__mock__/faults").json()["outcomes"] == {}


@pytest.mark.parametrize("status", ["DISK_FULL", "DEGRADED", "DOWN", "ERROR"])
def test_an_active_datastore_fails_and_comes_back(dbaas_mock: DbaasFake, status: str) -> None:
    client = dbaas_mock.client
    datastore_id = _create(client).json()["datastore"]["id"]
    assert client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "ACTIVE"
    forced = dbaas_mock.control.post("/__mock__/faults/status", json={"id": datastore_id, "status": status})
    assert forced.json() == {"id": datastore_id, "kind": "datastore", "status": status}
    assert client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == status
    listed = client.get("/datastores", params={"status": status}).json()["datastores"]
    assert [d["id"] for d in listed] == [datastore_id]
    dbaas_mock.force_status(datastore_id, "ACTIVE")
    assert client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"id": "00000000-0000-4000-8000-000000000000", "status": "DISK_FULL"}, 404),
        ({"id": "PENDING", "status": "DISK_FULL"}, 409),
        ({"id": "ACTIVE", "status": "PENDING_CREATE"}, 400),
        ({"id": "ACTIVE", "status": "DISK_FULL", "kind": "cluster"}, 400),
        ({"id": "ACTIVE", "status": "DISK_FULL", "kind": "user"}, 404),
        ({"status": "DISK_FULL"}, 400),
    ],
    ids=["unknown", "pending", "not-a-failure", "bad-kind", "wrong-kind", "no-id"],
)
def test_bad_status_faults(dbaas_mock: DbaasFake, body: dict[str, Any], status: int) -> None:
    client = dbaas_mock.client
    dbaas_mock.clock.mode = "manual"
    pending = _create(client, "pending").json()["datastore"]["id"]
    active = _create(client, "active").json()["datastore"]["id"]
    dbaas_mock.settle([active])
    ids = {"PENDING": pending, "ACTIVE": active}
    if "id" in body:
        body = {**body, "id": ids.get(body["id"], body["id"])}
    response = dbaas_mock.control.post("/__mock__/faults/status", json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == status


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "cluster"},
        {"outcome": "ACTIVE"},
        {"times": 0},
        {"times": True},
        {"colour": "red"},
    ],
    ids=["bad-kind", "not-a-failure", "zero-times", "bool-times", "unknown-key"],
)
def test_bad_lifecycle_faults_are_400(dbaas_mock: DbaasFake, body: dict[str, Any]) -> None:
    response = dbaas_mock.control.post("/__mock__/faults/lifecycle", json=body)
    assert response.status_code == 400
    assert dbaas_mock.controller.pending_outcomes() == {}
