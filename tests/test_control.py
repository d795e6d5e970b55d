"""The control API under /__mock__: reset, clock, lifecycle settings and settling."""

from __future__ import annotations

import pytest
from support import ApiClient


def test_clock_get_advance_set(client: ApiClient) -> None:
    http = client.http
    before = http.get("/__mock__/clock").json()
    assert set(before) == {"now", "frozen"}
    frozen = http.post("/__mock__/clock/set", json={"now": "2030-01-01T00:00:00", "frozen": True}).json()
    assert frozen == {"now": "2030-01-01T00:00:00", "frozen": True}
    advanced = http.post("/__mock__/clock/advance", json={"seconds": 3600}).json()
    assert advanced["now"] == "2030-01-01T01:00:00"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/__mock__/clock/advance", {"seconds": -5}),
        ("/__mock__/clock/advance", {"seconds": "soon"}),
        ("/__mock__/clock/set", {"now": "2000-01-01T00:00:00"}),
        ("/__mock__/clock/set", {"now": "yesterday"}),
        ("/__mock__/lifecycle", {"mode": "fast"}),
        ("/__mock__/lifecycle", {"reads": 0}),
        ("/__mock__/lifecycle", {"kinds": {"cluster": "time"}}),
        ("/__mock__/lifecycle", {"colour": "blue"}),
    ],
    ids=[
        "negative",
        "not-a-number",
        "back-in-time",
        "not-a-time",
        "bad-mode",
        "zero-reads",
        "bad-kind",
        "unknown",
    ],
)
def test_bad_control_requests_are_400_in_the_envelope(client: ApiClient, path: str, body: object) -> None:
    method = "PUT" if path.endswith("lifecycle") else "POST"
    response = client.http.request(method, path, json=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400


def test_control_body_not_json_is_400(client: ApiClient) -> None:
    response = client.http.post("/__mock__/clock/advance", content=b"{nope")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Validation failure: {'body': 'Invalid JSON'}"


def test_unknown_control_path_is_404_in_the_envelope(client: ApiClient) -> None:
    response = client.http.get("/__mock__/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == 404


def test_reset_forgets_every_object(client: ApiClient) -> None:
    created = client.create_datastore("postgresql")
    assert client.http.post("/__mock__/reset").status_code == 204
    assert client.get(f"/datastores/{created['id']}").status_code == 404


def test_manual_mode_settles_only_when_told(client: ApiClient) -> None:
    client.http.put("/__mock__/lifecycle", json={"mode": "manual"})
    body = {
        "name": "manual",
        "type_id": client.type_id("postgresql"),
        "subnet_id": "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b",
        "node_count": 1,
        "flavor": {"vcpus": 2, "ram": 4096, "disk": 32},
    }
    created = client.post("/datastores", json={"datastore": body}).json()["datastore"]
    for _ in range(3):
        assert client.get(f"/datastores/{created['id']}").json()["datastore"]["status"] == "PENDING_CREATE"
    settled = client.http.post("/__mock__/lifecycle/settle", json={"ids": [created["id"]]}).json()
    assert settled == {"settled": [created["id"]]}
    assert client.get(f"/datastores/{created['id']}").json()["datastore"]["status"] == "ACTIVE"


def test_time_mode_follows_the_clock(client: ApiClient) -> None:
    client.http.post("/__mock__/clock/set", json={"now": "2031-01-01T00:00:00", "frozen": True})
    client.http.put("/__mock__/lifecycle", json={"mode": "time", "durations": {"datastore": {"create": 120}}})
    body = {
        "name": "timed",
        "type_id": client.type_id("postgresql"),
        "subnet_id": "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b",
        "node_count": 1,
        "flavor": {"vcpus": 2, "ram": 4096, "disk": 32},
    }
    created = client.post("/datastores", json={"datastore": body}).json()["datastore"]
    assert created["created_at"] == "2031-01-01T00:00:00"
    client.http.post("/__mock__/clock/advance", json={"seconds": 119})
    assert client.get(f"/datastores/{created['id']}").json()["datastore"]["status"] == "PENDING_CREATE"
    client.http.post("/__mock__/clock/advance", json={"seconds": 1})
    ready = client.get(f"/datastores/{created['id']}").json()["datastore"]
    assert ready["status"] == "ACTIVE"
    assert ready["creation_finished_at"] == "2031-01-01T00:02:00"


@pytest.mark.parametrize("reads", [1, 3], ids=["one-read", "three-reads"])
def test_reads_mode_settles_after_n_reads(client: ApiClient, reads: int) -> None:
    client.http.put("/__mock__/lifecycle", json={"mode": "reads", "reads": reads})
    body = {
        "name": f"reads-{reads}",
        "type_id": client.type_id("postgresql"),
        "subnet_id": "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b",
        "node_count": 1,
        "flavor": {"vcpus": 2, "ram": 4096, "disk": 32},
    }
    created = client.post("/datastores", json={"datastore": body}).json()["datastore"]
    assert created["status"] == "PENDING_CREATE"
    statuses = [
        client.get(f"/datastores/{created['id']}").json()["datastore"]["status"] for _ in range(reads)
    ]
    assert statuses == ["PENDING_CREATE"] * (reads - 1) + ["ACTIVE"]
