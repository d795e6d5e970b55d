"""Kafka topics over HTTP: lifecycle, partitions that only grow, engine applicability, errors, isolation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from support import BAD_UUID, UNKNOWN, ApiClient, World, lifecycle, message, not_found_sample, sample

NAME_PATTERN = r"^[a-zA-Z0-9\._\-]+$"


def snapshot(client: ApiClient) -> dict[str, Any]:
    return {"topics": client.get("/topics").json(), "datastores": client.get("/datastores").json()}


def fill(value: Any, world: World) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return re.sub(r"\{(\w+)\}", lambda m: world.get(m[1], m[0]), value) if isinstance(value, str) else value


def topic(client: ApiClient, datastore_id: str, name: str, partitions: int = 1) -> str:
    fields = {"datastore_id": datastore_id, "name": name, "partitions": partitions}
    return str(client.create("topics", "topic", fields)["id"])


@pytest.fixture
def world(client: ApiClient) -> World:
    """Two Kafka datastores; topic ``orders`` (4 partitions) in the first."""
    kafka, kafka2 = (client.create_datastore("kafka")["id"] for _ in range(2))
    return {"kafka": kafka, "kafka2": kafka2, "orders": topic(client, kafka, "orders", 4)}


def test_create_is_pending_then_active_with_the_sample_shape(
    client: ApiClient, reference: Path, world: World
) -> None:
    body = {"topic": {"datastore_id": world["kafka"], "name": "tf_acc_topic_1", "partitions": 1}}
    response = client.post("/topics", json=body)
    assert response.status_code == 200
    created = response.json()["topic"]
    expected_keys = list(sample(reference, "topic_get")["topic"])
    assert list(created) == expected_keys
    assert (created["status"], created["name"], created["partitions"], created["datastore_id"]) == (
        "PENDING_CREATE",
        "tf_acc_topic_1",
        1,
        world["kafka"],
    )
    assert created["created_at"] == created["updated_at"]
    got = client.get(f"/topics/{created['id']}").json()["topic"]
    assert list(got) == expected_keys
    assert got["status"] == "ACTIVE"
    assert all(list(t) == expected_keys for t in client.get("/topics").json()["topics"])


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (4, 5, (200, "")),
        (4, 4000, (200, "")),
        (4, 4, (200, "")),
        (4, 2, (400, "Validation failure: partitions can only be increased: topic has 4, got 2")),
        (4, 1, (400, "Validation failure: partitions can only be increased: topic has 4, got 1")),
    ],
    ids=["grow", "grow-to-max", "same", "shrink", "shrink-to-one"],
)
def test_partitions_grow_and_never_shrink(
    client: ApiClient, world: World, before: int, after: int, expected: tuple[int, str]
) -> None:
    path = f"/topics/{world['orders']}"
    assert client.get(path).json()["topic"]["partitions"] == before
    response = client.put(path, json={"topic": {"partitions": after}})
    if expected[0] == 200:
        assert response.status_code == 200
        updated = response.json()["topic"]
        assert (updated["status"], updated["partitions"]) == ("PENDING_UPDATE", after)
        assert client.wait_active("topics", "topic", world["orders"])["partitions"] == after
    else:
        assert message(response) == expected
        assert client.get(path).json()["topic"]["partitions"] == before


def test_terraform_flow(client: ApiClient, world: World) -> None:
    """Create -> wait ACTIVE -> update 1 -> 2 -> wait -> delete -> 404-wait (BEHAVIOUR.md §6.3)."""
    created = client.post(
        "/topics", json={"topic": {"datastore_id": world["kafka"], "name": "tf_acc_topic_7", "partitions": 1}}
    ).json()["topic"]
    assert client.wait_active("topics", "topic", created["id"])["partitions"] == 1
    updated = client.put(f"/topics/{created['id']}", json={"topic": {"partitions": 2}}).json()["topic"]
    assert updated["status"] == "PENDING_UPDATE"
    assert client.wait_active("topics", "topic", created["id"])["partitions"] == 2
    assert client.delete(f"/topics/{created['id']}").status_code == 204
    assert message(client.get(f"/topics/{created['id']}")) == (404, f"topic {created['id']} not found.")


def test_delete_answers_204_then_pending_delete_then_404(client: ApiClient, world: World) -> None:
    lifecycle(client, reads=2)
    path = f"/topics/{world['orders']}"
    response = client.delete(path)
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(path).json()["topic"]["status"] == "PENDING_DELETE"
    assert message(client.get(path)) == (404, f"topic {world['orders']} not found.")
    assert client.get("/topics").json()["topics"] == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"datastore_id": BAD_UUID, "name": "t", "partitions": 1},
            "Validation failure: {'topic.datastore_id': "
            "\"'20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f' is not a 'UUID'\"}",
        ),
        (
            {"datastore_id": "{kafka}", "name": "t", "partitions": 4001},
            "Validation failure: {'topic.partitions': '4001 is greater than the maximum of 4000'}",
        ),
        (
            {"datastore_id": "{kafka}", "name": "t", "partitions": 0},
            "Validation failure: {'topic.partitions': '0 is less than the minimum of 1'}",
        ),
        (
            {"datastore_id": "{kafka}", "name": "", "partitions": 1},
            "Validation failure: {'topic.name': \"'' is too short\"}",
        ),
        (
            {"datastore_id": "{kafka}", "name": "no spaces", "partitions": 1},
            "Validation failure: " + repr({"topic.name": f"'no spaces' does not match {NAME_PATTERN!r}"}),
        ),
        (
            {"datastore_id": "{kafka}", "name": "t", "partitions": 1, "replicas": 3},
            "Validation failure: {'topic': "
            "\"Additional properties are not allowed ('replicas' was unexpected)\"}",
        ),
    ],
    ids=[
        "bad-datastore-uuid",
        "partitions-above-max",
        "partitions-zero",
        "empty-name",
        "bad-name",
        "extra-field",
    ],
)
def test_create_validation_failures(
    client: ApiClient, world: World, body: dict[str, Any], expected: str
) -> None:
    before = snapshot(client)
    assert message(client.post("/topics", json={"topic": fill(body, world)})) == (400, expected)
    assert snapshot(client) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"datastore_id": UNKNOWN, "name": "t", "partitions": 1},
            (404, f"datastore {UNKNOWN} not found."),
        ),
        (
            {"datastore_id": "{kafka}", "name": "orders", "partitions": 1},
            (409, "topic with name 'orders' already exists in datastore {kafka}."),
        ),
    ],
    ids=["unknown-datastore", "duplicate-name"],
)
def test_create_domain_failures(
    client: ApiClient, world: World, body: dict[str, Any], expected: tuple[int, str]
) -> None:
    before = snapshot(client)
    status, text = expected
    assert message(client.post("/topics", json={"topic": fill(body, world)})) == (status, fill(text, world))
    assert snapshot(client) == before


def test_the_same_name_in_another_datastore_is_fine(client: ApiClient, world: World) -> None:
    assert client.get(f"/topics/{topic(client, world['kafka2'], 'orders')}").status_code == 200
    assert len(client.get("/topics", params={"name": "orders"}).json()["topics"]) == 2


def test_update_above_the_maximum_is_the_schema_400(client: ApiClient, world: World) -> None:
    before = snapshot(client)
    response = client.put(f"/topics/{world['orders']}", json={"topic": {"partitions": 4001}})
    assert message(response) == (
        400,
        "Validation failure: {'topic.partitions': '4001 is greater than the maximum of 4000'}",
    )
    assert snapshot(client) == before


@pytest.mark.parametrize("engine", ["postgresql", "mysql", "mysql_native", "redis"])
def test_topics_do_not_apply_to_engine(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    before = snapshot(client)
    body = {"topic": {"datastore_id": datastore, "name": "t", "partitions": 1}}
    assert message(client.post("/topics", json=body)) == (
        400,
        f"Validation failure: topics are not supported for datastores of engine {engine}",
    )
    assert snapshot(client) == before


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", None), ("PUT", {"topic": {"partitions": 2}}), ("DELETE", None)],
    ids=["get", "update", "delete"],
)
def test_unknown_topic_is_the_sample_404(
    client: ApiClient, reference: Path, method: str, body: dict[str, Any] | None
) -> None:
    response = client.request(method, f"/topics/{UNKNOWN}", json=body)
    expected = not_found_sample(reference, "error_404_topic_not_found", UNKNOWN)["error"]
    assert response.status_code == 404
    assert response.json() == {"error": expected}


def test_topic_with_a_phase_in_progress_refuses_update_and_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"topic": "manual"})
    fields = {"datastore_id": world["kafka"], "name": "slow", "partitions": 1}
    created = client.post("/topics", json={"topic": fields}).json()["topic"]["id"]
    busy = (409, f"topic {created} is not ACTIVE (status: PENDING_CREATE).")
    assert message(client.put(f"/topics/{created}", json={"topic": {"partitions": 2}})) == busy
    assert message(client.delete(f"/topics/{created}")) == busy
    assert client.get(f"/topics/{created}").json()["topic"]["partitions"] == 1


def test_datastore_not_active_refuses_create_update_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"datastore": "manual"})
    kafka = world["kafka"]
    assert client.put(f"/datastores/{kafka}", json={"datastore": {"name": "renamed"}}).status_code == 200
    busy = (409, f"datastore {kafka} is not ACTIVE (status: PENDING_UPDATE).")
    before = snapshot(client)
    body = {"topic": {"datastore_id": kafka, "name": "late", "partitions": 1}}
    assert message(client.post("/topics", json=body)) == busy
    assert message(client.put(f"/topics/{world['orders']}", json={"topic": {"partitions": 8}})) == busy
    assert message(client.delete(f"/topics/{world['orders']}")) == busy
    assert snapshot(client) == before


def test_deleting_the_datastore_removes_its_topics(client: ApiClient, world: World) -> None:
    assert client.delete(f"/datastores/{world['kafka']}").status_code == 204
    assert message(client.get(f"/topics/{world['orders']}")) == (404, f"topic {world['orders']} not found.")
    assert client.get("/topics", params={"datastore_id": world["kafka"]}).json()["topics"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["orders", "events", "orders"]),
        ({"name": "events"}, ["events"]),
        ({"datastore_id": "{kafka2}"}, ["orders"]),
        ({"id": "{orders}"}, ["orders"]),
        ({"status": "ACTIVE"}, ["orders", "events", "orders"]),
        ({"status": "PENDING_UPDATE"}, []),
        ({"name": "events", "datastore_id": "{kafka2}"}, []),
        ({"datastore_id": UNKNOWN}, []),
        ({"id": UNKNOWN}, []),
    ],
    ids=[
        "all",
        "name",
        "datastore",
        "id",
        "active",
        "pending",
        "combined",
        "unknown-datastore",
        "unknown-id",
    ],
)
def test_list_filters(client: ApiClient, world: World, query: dict[str, str], expected: list[str]) -> None:
    topic(client, world["kafka"], "events")
    topic(client, world["kafka2"], "orders")
    found = client.get("/topics", params=fill(query, world)).json()["topics"]
    assert [t["name"] for t in found] == expected


def test_other_projects_see_nothing(client: ApiClient, other_client: ApiClient, world: World) -> None:
    before = snapshot(client)
    orders = world["orders"]
    not_found = (404, f"topic {orders} not found.")
    assert message(other_client.get(f"/topics/{orders}")) == not_found
    assert message(other_client.put(f"/topics/{orders}", json={"topic": {"partitions": 9}})) == not_found
    assert message(other_client.delete(f"/topics/{orders}")) == not_found
    assert other_client.get("/topics").json()["topics"] == []
    assert other_client.get("/topics", params={"id": orders}).json()["topics"] == []
    intruder = {"datastore_id": world["kafka"], "name": "intruder", "partitions": 1}
    assert message(other_client.post("/topics", json={"topic": intruder})) == (
        404,
        f"datastore {world['kafka']} not found.",
    )
    assert snapshot(client) == before
