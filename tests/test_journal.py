"""The request journal: what it records, its filters and assertions, redaction, bounds; over HTTP too."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mock_server.intercept import DbaasFake

SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"
USER_PASSWORD = "Journal-Secret-Pa55word!"
REDIS_PASSWORD = "Redis-Secret-Pa55word-0123456789"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}


def _type_id(client: httpx.Client, engine: str) -> str:
    types = client.get("/datastore-types").json()["datastore-types"]
    return str([t for t in types if t["engine"] == engine][-1]["id"])


def _datastore(client: httpx.Client, name: str = "journal-ds") -> dict[str, Any]:
    body = {"name": name, "type_id": _type_id(client, "postgresql"), "subnet_id": SUBNET, "node_count": 1}
    created = client.post("/datastores", json={"datastore": {**body, "flavor": FLAVOR}})
    assert created.status_code == 200, created.text
    datastore: dict[str, Any] = client.get(f"/datastores/{created.json()['datastore']['id']}").json()[
        "datastore"
    ]
    assert datastore["status"] == "ACTIVE"
    return datastore


def _user(client: httpx.Client, datastore_id: str) -> dict[str, Any]:
    fields = {"datastore_id": datastore_id, "name": "alice", "password": USER_PASSWORD}
    response = client.post("/users", json={"user": fields})
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()["user"]
    return user


@pytest.mark.parametrize(
    ("method", "path", "operation_id", "status"),
    [
        ("GET", "/datastore-types", "list_datastore_types", 200),
        ("GET", "/datastores/00000000-0000-4000-8000-000000000000", "get_datastore", 404),
        ("DELETE", "/datastore-types", None, 405),
        ("GET", "/no-such-collection", None, 404),
        ("POST", "/datastores", "create_datastore", 400),
    ],
    ids=["ok", "not-found", "method-not-allowed", "unknown-path", "invalid-body"],
)
def test_every_call_is_recorded_with_its_operation_and_status(
    dbaas_mock: DbaasFake, method: str, path: str, operation_id: str | None, status: int
) -> None:
    response = dbaas_mock.client.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == status
    entry = dbaas_mock.journal.last()
    assert (entry.method, entry.path, entry.operation_id, entry.status) == (
        method,
        "/v1" + path,
        operation_id,
        status,
    )
    assert entry.request_id == response.headers["x-request-id"]
    assert entry.project_id == dbaas_mock.project_id
    assert 0 < entry.duration < 5
    assert entry.at.tzinfo is not None


def test_request_id_sent_by_the_client_is_kept(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.client.get("/datastore-types", headers={"X-Request-Id": "req-from-client"})
    assert dbaas_mock.journal.last().request_id == "req-from-client"


def test_bodies_are_kept_and_parsed_when_read(dbaas_mock: DbaasFake) -> None:
    datastore = _datastore(dbaas_mock.client)
    entry = dbaas_mock.journal.last("create_datastore")
    assert entry.request_body["datastore"]["name"] == "journal-ds"
    assert entry.response_body["datastore"]["id"] == datastore["id"]
    assert entry.query == ""
    dbaas_mock.client.get("/datastores", params={"name": "journal-ds"})
    assert dbaas_mock.journal.last("list_datastores").query == "name=journal-ds"


def test_no_token_is_recorded_without_a_project(dbaas_mock: DbaasFake) -> None:
    anonymous = dbaas_mock.client_for(None)
    assert anonymous.get("/datastores").status_code == 401
    entry = dbaas_mock.journal.last()
    assert (entry.status, entry.project_id, entry.operation_id) == (401, None, None)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"operation_id": "list_datastore_types"}, 2),
        ({"method": "post"}, 2),
        ({"status": 200}, 4),
        ({"status": "4xx"}, 1),
        ({"status": "2XX"}, 4),
        ({"path": "/v1/datastores"}, 3),
        ({"operation_id": "create_datastore", "status": 200}, 1),
        ({"body": {"datastore": {"name": "filter-b"}}}, 0),
        ({"body": {"datastore": {"name": "filter-a"}}}, 1),
    ],
    ids=[
        "operation",
        "method",
        "status",
        "status-class",
        "status-class-upper",
        "path-prefix",
        "combined",
        "body-absent",
        "body-present",
    ],
)
def test_calls_are_filtered(dbaas_mock: DbaasFake, filters: dict[str, Any], expected: int) -> None:
    client = dbaas_mock.client
    type_id = _type_id(client, "postgresql")
    client.get("/datastore-types")
    fields = {"name": "filter-a", "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": FLAVOR}
    assert client.post("/datastores", json={"datastore": fields}).status_code == 200
    assert client.post("/datastores", json={"datastore": {}}).status_code == 400
    client.get("/datastores")
    assert dbaas_mock.journal.count(**filters) == expected


def test_assertion_helpers_pass_and_fail_with_the_calls_listed(dbaas_mock: DbaasFake) -> None:
    journal = dbaas_mock.journal
    dbaas_mock.client.get("/datastore-types")
    dbaas_mock.client.get("/datastore-types")
    journal.assert_called("list_datastore_types")
    journal.assert_called("list_datastore_types", times=2)
    journal.assert_not_called("create_datastore")
    with pytest.raises(AssertionError, match=r"called 1 time\(s\); called 2 time\(s\)") as failure:
        journal.assert_called_once("list_datastore_types")
    assert "GET /v1/datastore-types (list_datastore_types) -> 200" in str(failure.value)
    with pytest.raises(AssertionError, match="not to be called; called 2 time"):
        journal.assert_not_called("list_datastore_types")
    with pytest.raises(AssertionError, match="create_datastore to be called at least once"):
        journal.assert_called("create_datastore")
    with pytest.raises(AssertionError, match="no call matched delete_datastore"):
        journal.last("delete_datastore")


def test_assert_order(dbaas_mock: DbaasFake) -> None:
    _datastore(dbaas_mock.client)
    journal = dbaas_mock.journal
    journal.assert_order(["list_datastore_types", "create_datastore", "get_datastore"])
    with pytest.raises(AssertionError, match="'list_datastore_types' did not follow"):
        journal.assert_order(["create_datastore", "list_datastore_types"])


def test_first_and_last(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.client.get("/datastore-types", headers={"X-Request-Id": "one"})
    dbaas_mock.client.get("/datastore-types", headers={"X-Request-Id": "two"})
    assert dbaas_mock.journal.first("list_datastore_types").request_id == "one"
    assert dbaas_mock.journal.last("list_datastore_types").request_id == "two"


def test_secrets_never_leave_the_journal(dbaas_mock: DbaasFake) -> None:
    client = dbaas_mock.client
    datastore = _datastore(client)
    _user(client, datastore["id"])
    redis = {
        "name": "journal-redis",
        "type_id": _type_id(client, "redis"),
        "subnet_id": SUBNET,
        "node_count": 1,
        "flavor_id": client.get("/flavors").json()["flavors"][0]["id"],
        "redis_password": REDIS_PASSWORD,
    }
    client.post("/datastores", json={"datastore": redis})
    client.post(
        "/users",
        content=f'{{"user": {{"password": "{USER_PASSWORD}", ',
        headers={"content-type": "application/json"},
    )
    entries = [entry.to_dict() for entry in dbaas_mock.journal.entries()]
    text = json.dumps(entries)
    for secret in (USER_PASSWORD, REDIS_PASSWORD, dbaas_mock.token):
        assert secret not in text
    user_call = dbaas_mock.journal.last("create_user", status=200)
    assert user_call.request_body["user"]["password"] == "***"
    assert user_call.headers["x-auth-token"] == "***"
    assert "***" in dbaas_mock.journal.last("create_user", status=400).request_body
    over_http = dbaas_mock.control.get("/__mock__/journal").text
    for secret in (USER_PASSWORD, REDIS_PASSWORD, dbaas_mock.token):
        assert secret not in over_http


def test_prometheus_token_values_are_kept(dbaas_mock: DbaasFake) -> None:
    created = dbaas_mock.client.post(
        "/prometheus-metrics-tokens", json={"prometheus-metrics-token": {"name": "t"}}
    )
    assert created.status_code in (200, 201), created.text
    value = created.json()["prometheus-metrics-token"]["value"]
    assert (
        dbaas_mock.journal.last("create_prometheus_metrics_token").response_body["prometheus-metrics-token"][
            "value"
        ]
        == value
    )


def test_the_journal_keeps_the_last_entries(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.journal.resize(3)
    for n in range(5):
        dbaas_mock.client.get("/datastore-types", headers={"X-Request-Id": f"r{n}"})
    assert [e.request_id for e in dbaas_mock.journal.entries()] == ["r2", "r3", "r4"]
    assert dbaas_mock.journal.total == 5


def test_default_bound_is_ten_thousand(dbaas_mock: DbaasFake) -> None:
    assert dbaas_mock.journal.limit == 10_000


def test_over_http_filters_limit_settings_and_clear(dbaas_mock: DbaasFake) -> None:
    control = dbaas_mock.control
    for _ in range(3):
        dbaas_mock.client.get("/datastore-types")
    dbaas_mock.client.get("/datastores/x")
    body = control.get(
        "/__mock__/journal", params={"operation_id": "list_datastore_types", "limit": 2}
    ).json()
    assert (body["count"], body["total"], body["limit"], body["enabled"]) == (2, 4, 10_000, True)
    assert {e["operation_id"] for e in body["entries"]} == {"list_datastore_types"}
    assert control.get("/__mock__/journal", params={"status": "404"}).json()["count"] == 1
    assert control.get("/__mock__/journal", params={"status": "4xx"}).json()["count"] == 1
    assert control.get("/__mock__/journal", params={"path": "/v1/datastores/"}).json()["count"] == 1
    settings = control.put("/__mock__/journal", json={"enabled": False, "limit": 50}).json()
    assert (settings["enabled"], settings["limit"]) == (False, 50)
    dbaas_mock.client.get("/datastore-types")
    assert control.get("/__mock__/journal").json()["total"] == 4
    assert control.delete("/__mock__/journal").status_code == 204
    assert control.get("/__mock__/journal").json()["count"] == 0


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"method": "PUT", "json": {"limit": 0}}, 400),
        ({"method": "PUT", "json": {"enabled": "yes"}}, 400),
        ({"method": "PUT", "json": {"colour": "red"}}, 400),
        ({"method": "GET", "params": {"limit": "many"}}, 400),
    ],
    ids=["zero-limit", "enabled-not-bool", "unknown-key", "limit-not-int"],
)
def test_bad_journal_requests_are_400(
    dbaas_mock: DbaasFake, request_kwargs: dict[str, Any], status: int
) -> None:
    method = request_kwargs.pop("method")
    response = dbaas_mock.control.request(method, "/__mock__/journal", **request_kwargs)
    assert response.status_code == status
    assert response.json()["error"]["code"] == status
