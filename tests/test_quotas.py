"""Quotas and limits over HTTP: usage follows creates and deletes, 409 over a quota, limits for all."""

from __future__ import annotations

from typing import Any

import pytest
from support import SUBNET_ID, ApiClient, message

from mock_server import create_app
from mock_server.config import DEFAULT_QUOTAS
from mock_server.validation import ResponseValidator

QUOTAS = ("datastores", "nodes", "vcpus", "ram", "disk")
TOKEN = "quota-token"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}


def used(client: ApiClient) -> dict[str, int]:
    response = client.get("/quotas")
    assert response.status_code == 200, response.text
    quotas: dict[str, dict[str, int]] = response.json()["quotas"]
    assert list(quotas) == list(QUOTAS)
    return {name: quotas[name]["used"] for name in QUOTAS}


def datastore_body(client: ApiClient, name: str, node_count: int = 1, **flavor: int) -> dict[str, Any]:
    return {
        "datastore": {
            "name": name,
            "type_id": client.type_id("postgresql"),
            "subnet_id": SUBNET_ID,
            "node_count": node_count,
            "flavor": {**FLAVOR, **flavor},
        }
    }


@pytest.fixture
def small(response_validator: ResponseValidator) -> ApiClient:
    """A fake whose projects may have 2 datastores, 4 nodes, 8 vCPUs, 16384 MB RAM and 128 GB disk."""
    app = create_app(seed=0, quotas={"datastores": 2, "nodes": 4, "vcpus": 8, "ram": 16384, "disk": 128})
    return ApiClient(app, TOKEN, response_validator)


def test_a_new_project_uses_nothing_and_has_the_default_limits(client: ApiClient) -> None:
    response = client.get("/quotas")
    assert response.status_code == 200
    assert response.json() == {
        "quotas": {name: {"limit": DEFAULT_QUOTAS[name], "used": 0} for name in QUOTAS}
    }


def test_usage_follows_creates_resizes_and_deletes(client: ApiClient) -> None:
    one = client.create_datastore("postgresql", node_count=2)["id"]
    assert used(client) == {"datastores": 1, "nodes": 2, "vcpus": 4, "ram": 8192, "disk": 64}
    client.create_datastore("postgresql", node_count=1, flavor={"vcpus": 4, "ram": 8192, "disk": 64})
    assert used(client) == {"datastores": 2, "nodes": 3, "vcpus": 8, "ram": 16384, "disk": 128}
    resize = client.post(f"/datastores/{one}/resize", json={"resize": {"node_count": 3}})
    assert resize.status_code == 200, resize.text
    assert used(client) == {"datastores": 2, "nodes": 4, "vcpus": 10, "ram": 20480, "disk": 160}
    client.wait_active("datastores", "datastore", one)
    assert client.delete(f"/datastores/{one}").status_code == 204
    for _ in range(5):  # until the delete settles (the datastore is then soft-deleted)
        if client.get(f"/datastores/{one}").status_code == 404:
            break
    assert used(client) == {"datastores": 1, "nodes": 1, "vcpus": 4, "ram": 8192, "disk": 64}


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((1, {}), (1, {}), "Quota exceeded: datastores (requested 1, used 2, limit 2)"),
        ((3, {}), (2, {}), "Quota exceeded: nodes (requested 2, used 3, limit 4)"),
        ((1, {"vcpus": 6}), (1, {"vcpus": 4}), "Quota exceeded: vcpus (requested 4, used 6, limit 8)"),
        ((1, {"ram": 12288}), (1, {"ram": 8192}),
         "Quota exceeded: ram (requested 8192, used 12288, limit 16384)"),
        ((1, {"disk": 100}), (1, {"disk": 32}), "Quota exceeded: disk (requested 32, used 100, limit 128)"),
        ((1, {}), (5, {}), "Quota exceeded: nodes (requested 5, used 1, limit 4)"),
    ],
    ids=["datastores", "nodes", "vcpus", "ram", "disk", "nodes-per-node-count"],
)  # fmt: skip
def test_a_create_over_a_quota_is_409_and_changes_nothing(
    small: ApiClient, first: tuple[int, dict[str, int]], second: tuple[int, dict[str, int]], expected: str
) -> None:
    if expected.startswith("Quota exceeded: datastores"):
        small.create_datastore("postgresql")
    small.create_datastore("postgresql", node_count=first[0], flavor={**FLAVOR, **first[1]})
    before = (small.get("/datastores").json(), used(small), small.get("/actions").json())
    response = small.post("/datastores", json=datastore_body(small, "over", second[0], **second[1]))
    assert message(response) == (409, expected)
    assert response.json()["error"]["title"] == "Conflict"
    assert (small.get("/datastores").json(), used(small), small.get("/actions").json()) == before


def test_a_resize_over_a_quota_is_409(small: ApiClient) -> None:
    datastore = small.create_datastore("postgresql", node_count=3)["id"]
    response = small.post(f"/datastores/{datastore}/resize", json={"resize": {"node_count": 5}})
    assert message(response) == (409, "Quota exceeded: nodes (requested 2, used 3, limit 4)")
    assert used(small)["nodes"] == 3


def test_usage_up_to_the_limit_is_fine(small: ApiClient) -> None:
    small.create_datastore("postgresql", node_count=2)
    small.create_datastore("postgresql", node_count=2)
    assert used(small) == {"datastores": 2, "nodes": 4, "vcpus": 8, "ram": 16384, "disk": 128}


def test_projects_have_their_own_usage(client: ApiClient, other_client: ApiClient) -> None:
    client.create_datastore("postgresql", node_count=3)
    assert used(other_client) == dict.fromkeys(QUOTAS, 0)
    assert used(client)["nodes"] == 3


NODE_COUNTS = {
    "postgresql": {"min": 1, "max": 6, "allowed": [1, 2, 3, 4, 5, 6]},
    "mysql": {"min": 1, "max": 3, "allowed": [1, 3]},
    "mysql_native": {"min": 1, "max": 3, "allowed": [1, 2, 3]},
    "redis": {"min": 1, "max": 3, "allowed": [1, 2, 3]},
    "kafka": {"min": 1, "max": 1, "allowed": [1]},
}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("node_count", NODE_COUNTS),
        ("topic_partitions", {"min": 1, "max": 4000}),
        ("pooler_size", {"min": 1, "max": 500}),
        ("firewall_ips", {"max": 100}),
        ("datastore_name_length", {"min": 1, "max": 255}),
    ],
    ids=["node-count", "topic-partitions", "pooler-size", "firewall-ips", "name-length"],
)
def test_limits(client: ApiClient, other_client: ApiClient, key: str, expected: dict[str, Any]) -> None:
    response = client.get("/limits")
    assert response.status_code == 200
    limits = response.json()["limits"]
    assert list(limits) == [
        "node_count",
        "topic_partitions",
        "pooler_size",
        "firewall_ips",
        "datastore_name_length",
    ]
    assert limits[key] == expected
    assert other_client.get("/limits").json() == response.json()


@pytest.mark.parametrize(
    ("engine", "node_count"),
    [("postgresql", 7), ("mysql", 2), ("kafka", 2)],
    ids=["postgresql", "mysql", "kafka"],
)
def test_the_limits_are_the_ones_enforced(client: ApiClient, engine: str, node_count: int) -> None:
    allowed = client.get("/limits").json()["limits"]["node_count"][engine]["allowed"]
    assert node_count not in allowed
    body = datastore_body(client, "outside", node_count)
    body["datastore"]["type_id"] = client.type_id(engine)
    assert client.post("/datastores", json=body).status_code == 400


def test_partitions_limit_is_the_one_enforced(client: ApiClient) -> None:
    top = client.get("/limits").json()["limits"]["topic_partitions"]["max"]
    kafka = client.create_datastore("kafka")["id"]
    over = {"topic": {"datastore_id": kafka, "name": "t", "partitions": top + 1}}
    assert client.post("/topics", json=over).status_code == 400
    at = {"topic": {"datastore_id": kafka, "name": "t", "partitions": top}}
    assert client.post("/topics", json=at).status_code == 200


def test_a_completed_delete_frees_its_share_without_a_read_of_the_datastore(client: ApiClient) -> None:
    control = client.http
    gone = client.create_datastore("postgresql", node_count=2)["id"]
    client.create_datastore("postgresql", node_count=1)
    assert control.post("/__mock__/clock/freeze", json={"frozen": True}).status_code == 200
    assert control.put("/__mock__/lifecycle", json={"mode": "time"}).status_code == 200
    assert client.delete(f"/datastores/{gone}").status_code == 204
    assert used(client)["nodes"] == 3  # PENDING_DELETE still holds its nodes
    assert control.post("/__mock__/clock/advance", json={"seconds": 3600}).status_code == 200
    assert used(client) == {"datastores": 1, "nodes": 1, "vcpus": 2, "ram": 4096, "disk": 32}


def test_usage_survives_a_state_round_trip(client: ApiClient) -> None:
    client.create_datastore("postgresql", node_count=3)
    before = used(client)
    state = client.http.get("/__mock__/state")
    assert state.status_code == 200
    assert client.http.post("/__mock__/reset", json={}).status_code in (200, 204)
    assert set(used(client).values()) == {0}
    assert client.http.put("/__mock__/state", json=state.json()).status_code in (200, 204)
    assert used(client) == before
