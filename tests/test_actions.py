"""Actions over HTTP: one per successful mutating call, with its request id, datastore and status."""

from __future__ import annotations

import re
from typing import Any

import pytest
from support import UNKNOWN, ApiClient, World, lifecycle, message

PASSWORD = "Zq7-very-secret-passw0rd"
TOKENS = "prometheus-metrics-tokens"
TOKEN = "prometheus-metrics-token"
KEYS = [
    "id",
    "name",
    "status",
    "project_id",
    "request_id",
    "datastore_id",
    "resource_id",
    "created_at",
    "updated_at",
]


def fill(value: Any, world: World) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return re.sub(r"\{(\w+)\}", lambda m: world.get(m[1], m[0]), value) if isinstance(value, str) else value


def actions(client: ApiClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/actions", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["actions"]
    return found


def only_action(client: ApiClient, request_id: str) -> dict[str, Any]:
    found = actions(client, request_id=request_id)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def world(client: ApiClient) -> World:
    """A Kafka datastore with topic ``orders``, user ``alice``, an ACL of hers, and a metrics token."""
    kafka = client.create_datastore("kafka")["id"]
    topic = client.create("topics", "topic", {"datastore_id": kafka, "name": "orders", "partitions": 1})["id"]
    alice = client.create("users", "user", {"datastore_id": kafka, "name": "alice", "password": PASSWORD})[
        "id"
    ]
    acl = client.create(
        "acls",
        "acl",
        {
            "datastore_id": kafka,
            "user_id": alice,
            "pattern_type": "all",
            "allow_read": True,
            "allow_write": True,
        },
    )["id"]
    token = client.post(f"/{TOKENS}", json={TOKEN: {"name": "grafana"}}).json()[TOKEN]["id"]
    return {"kafka": kafka, "topic": topic, "alice": alice, "acl": acl, "token": token}


#: (method, path, body, operationId, datastore_id, resource_id, status right after the call);
#: ``{new}`` is the id the call answered with.
CALLS = [
    ("POST", "/topics", {"topic": {"datastore_id": "{kafka}", "name": "t2", "partitions": 1}},
     "create_topic", "{kafka}", "{new}", "PENDING"),
    ("PUT", "/topics/{topic}", {"topic": {"partitions": 3}}, "update_topic", "{kafka}", "{topic}", "PENDING"),
    ("DELETE", "/topics/{topic}", None, "delete_topic", "{kafka}", "{topic}", "PENDING"),
    ("POST", "/users", {"user": {"datastore_id": "{kafka}", "name": "bob", "password": PASSWORD}},
     "create_user", "{kafka}", "{new}", "PENDING"),
    ("PUT", "/acls/{acl}", {"acl": {"allow_write": False}}, "update_acl", "{kafka}", "{acl}", "PENDING"),
    ("DELETE", "/acls/{acl}", None, "delete_acl", "{kafka}", "{acl}", "PENDING"),
    ("PUT", "/datastores/{kafka}", {"datastore": {"name": "renamed"}},
     "update_datastore", "{kafka}", "{kafka}", "PENDING"),
    ("POST", f"/{TOKENS}", {TOKEN: {"name": "new"}},
     "create_prometheus_metrics_token", None, "{new}", "SUCCESS"),
    ("PUT", f"/{TOKENS}/{{token}}", {TOKEN: {"name": "renamed"}},
     "update_prometheus_metrics_token", None, "{token}", "SUCCESS"),
    ("DELETE", f"/{TOKENS}/{{token}}", None, "delete_prometheus_metrics_token", None, "{token}", "SUCCESS"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body", "name", "datastore_id", "resource_id", "status"),
    CALLS,
    ids=[c[3] for c in CALLS],
)
def test_each_mutating_call_records_an_action(
    client: ApiClient,
    world: World,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    name: str,
    datastore_id: str | None,
    resource_id: str,
    status: str,
) -> None:
    client.http.post("/__mock__/clock/set", json={"now": "2031-05-04T03:02:01", "frozen": True})
    request_id = f"req-test-{name}"
    response = client.request(
        method, fill(path, world), json=fill(body, world), headers={"X-Request-Id": request_id}
    )
    assert response.status_code in (200, 204), response.text
    assert response.headers["x-request-id"] == request_id
    answered = response.json() if response.content else {}
    world = {**world, "new": next(iter(answered.values()))["id"] if answered else ""}
    action = only_action(client, request_id)
    assert list(action) == KEYS
    assert action == {
        "id": action["id"],
        "name": name,
        "status": status,
        "project_id": action["project_id"],
        "request_id": request_id,
        "datastore_id": fill(datastore_id, world),
        "resource_id": fill(resource_id, world),
        "created_at": "2031-05-04T03:02:01",
        "updated_at": "2031-05-04T03:02:01",
    }
    assert re.fullmatch(r"[0-9a-f]{32}", action["project_id"])
    assert client.get(f"/actions/{action['id']}").json() == {"action": action}


def test_status_is_pending_until_the_phase_settles_then_success(client: ApiClient, world: World) -> None:
    body = {"topic": {"datastore_id": world["kafka"], "name": "t2", "partitions": 1}}
    topic = client.post("/topics", json=body, headers={"X-Request-Id": "req-a"}).json()["topic"]["id"]
    for _ in range(3):  # reading actions does not count as reading the topic
        assert only_action(client, "req-a")["status"] == "PENDING"
    assert client.get(f"/topics/{topic}").json()["topic"]["status"] == "ACTIVE"
    assert only_action(client, "req-a")["status"] == "SUCCESS"


def test_time_mode_settles_with_the_clock(client: ApiClient, world: World) -> None:
    client.http.post("/__mock__/clock/set", json={"now": "2031-01-01T00:00:00", "frozen": True})
    lifecycle(client, mode="time", durations={"topic": {"update": 30}})
    client.put(
        f"/topics/{world['topic']}", json={"topic": {"partitions": 2}}, headers={"X-Request-Id": "req-t"}
    )
    client.http.post("/__mock__/clock/advance", json={"seconds": 29})
    assert only_action(client, "req-t")["status"] == "PENDING"
    client.http.post("/__mock__/clock/advance", json={"seconds": 60})
    action = only_action(client, "req-t")
    assert (action["status"], action["created_at"], action["updated_at"]) == (
        "SUCCESS",
        "2031-01-01T00:00:00",
        "2031-01-01T00:00:30",
    )


def test_a_later_phase_on_the_object_means_the_earlier_one_finished(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"topic": "manual"})
    client.put(
        f"/topics/{world['topic']}", json={"topic": {"partitions": 2}}, headers={"X-Request-Id": "req-1"}
    )
    assert only_action(client, "req-1")["status"] == "PENDING"
    assert client.http.post("/__mock__/lifecycle/settle", json={"ids": [world["topic"]]}).status_code == 200
    client.delete(f"/topics/{world['topic']}", headers={"X-Request-Id": "req-2"})
    assert [only_action(client, r)["status"] for r in ("req-1", "req-2")] == ["SUCCESS", "PENDING"]


def test_a_phase_that_settles_into_error_is_an_error(client: ApiClient, world: World) -> None:
    queued = client.http.post("/__mock__/faults/lifecycle", json={"kind": "topic", "outcome": "ERROR"})
    assert queued.status_code == 201, queued.text
    body = {"topic": {"datastore_id": world["kafka"], "name": "doomed", "partitions": 1}}
    topic = client.post("/topics", json=body, headers={"X-Request-Id": "req-e"}).json()["topic"]["id"]
    assert only_action(client, "req-e")["status"] == "PENDING"
    assert client.get(f"/topics/{topic}").json()["topic"]["status"] == "ERROR"
    assert only_action(client, "req-e")["status"] == "ERROR"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/topics", {"topic": {"datastore_id": UNKNOWN, "name": "t", "partitions": 1}}),
        ("POST", "/topics", {"topic": {"datastore_id": "{kafka}", "name": "orders", "partitions": 1}}),
        ("PUT", "/topics/{topic}", {"topic": {"partitions": 4001}}),
        ("DELETE", f"/{TOKENS}/{UNKNOWN}", None),
        ("GET", "/topics", None),
        ("GET", "/topics/{topic}", None),
    ],
    ids=["404", "409", "400", "delete-404", "list", "get"],
)
def test_failed_calls_and_reads_record_nothing(
    client: ApiClient, world: World, method: str, path: str, body: dict[str, Any] | None
) -> None:
    before = actions(client)
    client.request(method, fill(path, world), json=fill(body, world), headers={"X-Request-Id": "req-none"})
    assert actions(client, request_id="req-none") == []
    assert [a["id"] for a in actions(client)] == [a["id"] for a in before]


def test_without_x_request_id_the_generated_one_is_recorded(client: ApiClient, world: World) -> None:
    response = client.post(f"/{TOKENS}", json={TOKEN: {"name": "t"}})
    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"req-[0-9a-f]{32}", request_id)
    assert only_action(client, request_id)["resource_id"] == response.json()[TOKEN]["id"]


def test_actions_survive_the_deletion_of_their_datastore(client: ApiClient, world: World) -> None:
    before = actions(client, datastore_id=world["kafka"])
    assert [a["name"] for a in before] == ["create_datastore", "create_topic", "create_user", "create_acl"]
    assert (
        client.delete(f"/datastores/{world['kafka']}", headers={"X-Request-Id": "req-d"}).status_code == 204
    )
    after = actions(client, datastore_id=world["kafka"])
    assert [a["id"] for a in after[:-1]] == [a["id"] for a in before]
    assert (after[-1]["name"], after[-1]["request_id"]) == ("delete_datastore", "req-d")
    assert all(a["status"] == "SUCCESS" for a in after[:-1])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["create_datastore", "create_topic", "create_user", "create_acl",
              "create_prometheus_metrics_token"]),
        ({"name": "create_topic"}, ["create_topic"]),
        ({"datastore_id": "{kafka}"}, ["create_datastore", "create_topic", "create_user", "create_acl"]),
        ({"datastore_id": UNKNOWN}, []),
        ({"status": "SUCCESS"}, ["create_datastore", "create_topic", "create_user", "create_acl",
                                 "create_prometheus_metrics_token"]),
        ({"status": "PENDING"}, []),
        ({"name": "create_topic", "status": "PENDING"}, []),
        ({"id": UNKNOWN}, []),
        ({"request_id": "nobody"}, []),
    ],
    ids=["all", "name", "datastore", "unknown-datastore", "success", "pending", "combined", "unknown-id",
         "request"],
)  # fmt: skip
def test_list_filters_newest_last(
    client: ApiClient, world: World, query: dict[str, str], expected: list[str]
) -> None:
    assert [a["name"] for a in actions(client, **fill(query, world))] == expected


def test_filter_by_id_and_by_project(client: ApiClient, world: World) -> None:
    first = actions(client)[0]
    assert actions(client, id=first["id"]) == [first]
    assert len(actions(client, project_id=first["project_id"])) == 5
    assert actions(client, project_id="0" * 32) == []


def test_other_projects_see_nothing(client: ApiClient, other_client: ApiClient, world: World) -> None:
    mine = actions(client)
    assert actions(other_client) == []
    assert message(other_client.get(f"/actions/{mine[0]['id']}")) == (
        404,
        f"action {mine[0]['id']} not found.",
    )
    other_client.post(f"/{TOKENS}", json={TOKEN: {"name": "theirs"}})
    assert [a["name"] for a in actions(other_client)] == ["create_prometheus_metrics_token"]
    assert actions(client) == mine


def test_unknown_action_is_404(client: ApiClient) -> None:
    assert message(client.get(f"/actions/{UNKNOWN}")) == (404, f"action {UNKNOWN} not found.")
