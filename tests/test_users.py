"""Users: create/get/list/update/delete over HTTP, passwords never shown, ownership, cascades, isolation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import (
    BAD_UUID,
    UNKNOWN,
    ApiClient,
    World,
    fill,
    lifecycle,
    message,
    not_found_sample,
    sample,
    snapshot,
    wait_gone,
)

PASSWORD = "Zq7-very-secret-passw0rd"


def user(client: ApiClient, datastore_id: str, name: str, password: str = PASSWORD) -> str:
    fields = {"datastore_id": datastore_id, "name": name, "password": password}
    return str(client.create("users", "user", fields)["id"])


@pytest.fixture
def world(client: ApiClient) -> World:
    """A PostgreSQL datastore with users ``alice`` (owns database ``db``) and ``bob``; a MySQL one."""
    pg, mysql = (client.create_datastore(e)["id"] for e in ("postgresql", "mysql"))
    alice, bob = user(client, pg, "alice"), user(client, pg, "bob")
    db = client.create("databases", "database", {"datastore_id": pg, "name": "db", "owner_id": alice})["id"]
    return {"pg": pg, "mysql": mysql, "alice": alice, "bob": bob, "db": db}


@pytest.mark.parametrize("engine", ["postgresql", "mysql", "mysql_native", "kafka"])
def test_create_is_pending_then_active_with_the_sample_shape(
    client: ApiClient, reference: Path, engine: str
) -> None:
    datastore = client.create_datastore(engine)["id"]
    body = {"user": {"datastore_id": datastore, "name": "tf_acc_user_1", "password": PASSWORD}}
    response = client.post("/users", json=body)
    assert response.status_code == 200
    created = response.json()["user"]
    expected_keys = set(sample(reference, "user_get")["user"])
    assert set(created) == expected_keys
    assert (created["status"], created["name"], created["datastore_id"]) == (
        "PENDING_CREATE",
        "tf_acc_user_1",
        datastore,
    )
    got = client.get(f"/users/{created['id']}").json()["user"]
    assert set(got) == expected_keys
    assert got["status"] == "ACTIVE"
    assert all(set(u) == expected_keys for u in client.get("/users").json()["users"])


def test_password_never_appears_in_any_response(client: ApiClient, world: World) -> None:
    new_password = "An0ther-s3cret-value"
    datastore = world["pg"]
    created = client.post(
        "/users", json={"user": {"datastore_id": datastore, "name": "c", "password": PASSWORD}}
    )
    user_id = created.json()["user"]["id"]
    responses = [
        created,
        client.get(f"/users/{user_id}"),
        client.get("/users"),
        client.put(f"/users/{user_id}", json={"user": {"password": new_password}}),
        client.get(f"/users/{user_id}"),
        client.get("/users", params={"name": "c"}),
        client.get("/actions"),
        client.delete(f"/users/{user_id}"),
        client.get(f"/users/{user_id}"),
    ]
    for response in responses:
        assert PASSWORD not in response.text
        assert new_password not in response.text


def test_update_changes_the_password_pending_then_active(client: ApiClient, world: World) -> None:
    response = client.put(f"/users/{world['bob']}", json={"user": {"password": "n3w-password"}})
    assert response.status_code == 200
    updated = response.json()["user"]
    assert (updated["id"], updated["status"], updated["name"]) == (world["bob"], "PENDING_UPDATE", "bob")
    assert client.wait_active("users", "user", world["bob"])["name"] == "bob"


def test_terraform_flow(client: ApiClient, world: World) -> None:
    """BEHAVIOUR.md §6.3: create -> wait ACTIVE -> update password -> wait -> delete -> 404-wait."""
    fields = {
        "datastore_id": world["pg"],
        "name": "tf_acc_user_5577006791947779410",
        "password": "tf-acc-pass-1",
    }
    created = client.create("users", "user", fields)
    assert (created["name"], created["datastore_id"]) == (fields["name"], fields["datastore_id"])
    assert (
        client.put(f"/users/{created['id']}", json={"user": {"password": "tf-acc-pass-2"}}).status_code == 200
    )
    client.wait_active("users", "user", created["id"])
    assert client.delete(f"/users/{created['id']}").status_code == 204
    wait_gone(client, f"/users/{created['id']}")


CREATE_ERRORS: list[tuple[dict[str, Any], int, str]] = [
    ({"datastore_id": UNKNOWN}, 404, f"datastore {UNKNOWN} not found."),
    ({"datastore_id": BAD_UUID}, 400,
     f"Validation failure: {{{{'user.datastore_id': \"'{BAD_UUID}' is not a 'UUID'\"}}}}"),
    ({"datastore_id": "{pg}", "name": "alice"}, 409,
     "user with name 'alice' already exists in datastore {pg}."),
    ({"datastore_id": "{pg}", "name": "1abc"}, 400,
     "Validation failure: {{'user.name': \"'1abc' does not match '^[A-Za-z_][A-Za-z0-9_]*$'\"}}"),
    ({"datastore_id": "{pg}", "password": ""}, 400,
     "Validation failure: {{'user.password': \"'' is too short\"}}"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    CREATE_ERRORS,
    ids=["unknown-datastore", "bad-datastore-uuid", "duplicate-name", "bad-name", "empty-password"],
)
def test_create_failures(
    client: ApiClient, world: World, fields: dict[str, Any], status: int, text: str
) -> None:
    before = snapshot(client)
    body = fill({"name": "carol", "password": PASSWORD, **fields}, world)
    response = client.post("/users", json={"user": body})
    assert message(response) == (status, fill(text, world))
    assert snapshot(client) == before


def test_the_same_name_in_another_datastore_is_fine(client: ApiClient, world: World) -> None:
    assert client.get(f"/users/{user(client, world['mysql'], 'alice')}").status_code == 200


@pytest.mark.parametrize("engine", ["redis"])
def test_users_do_not_apply_to_engine(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    response = client.post("/users", json={"user": {"datastore_id": datastore, "name": "u", "password": "p"}})
    assert message(response) == (
        400,
        f"Validation failure: users are not supported for datastores of engine {engine}",
    )
    assert client.get("/users").json()["users"] == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_unknown_user_is_the_sample_404(client: ApiClient, reference: Path, method: str) -> None:
    body = {"user": {"password": "p"}} if method == "PUT" else None
    response = client.request(method, f"/users/{UNKNOWN}", json=body)
    expected = not_found_sample(reference, "error_404_user_not_found", UNKNOWN)
    assert (response.status_code, response.json()) == (404, expected)


def test_deleting_a_database_owner_is_409_until_the_database_is_gone(client: ApiClient, world: World) -> None:
    before = snapshot(client)
    response = client.delete(f"/users/{world['alice']}")
    assert message(response) == (409, f"user {world['alice']} owns database {world['db']}.")
    assert snapshot(client) == before
    assert client.delete(f"/databases/{world['db']}").status_code == 204
    wait_gone(client, f"/databases/{world['db']}")
    assert client.delete(f"/users/{world['alice']}").status_code == 204
    wait_gone(client, f"/users/{world['alice']}")


def test_owner_of_a_database_being_deleted_may_go(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"database": "manual"})
    assert client.delete(f"/databases/{world['db']}").status_code == 204
    assert client.get(f"/databases/{world['db']}").json()["database"]["status"] == "PENDING_DELETE"
    assert client.delete(f"/users/{world['alice']}").status_code == 204


def test_giving_the_database_away_frees_the_owner(client: ApiClient, world: World) -> None:
    assert (
        client.put(f"/databases/{world['db']}", json={"database": {"owner_id": world["bob"]}}).status_code
        == 200
    )
    client.wait_active("databases", "database", world["db"])
    assert client.delete(f"/users/{world['alice']}").status_code == 204
    assert message(client.delete(f"/users/{world['bob']}")) == (
        409,
        f"user {world['bob']} owns database {world['db']}.",
    )


def test_deleting_a_user_removes_its_grants_only(client: ApiClient, world: World) -> None:
    ref = {"datastore_id": world["pg"], "database_id": world["db"]}
    bobs = client.create("grants", "grant", {**ref, "user_id": world["bob"]})["id"]
    alices = client.create("grants", "grant", {**ref, "user_id": world["alice"]})["id"]
    assert client.delete(f"/users/{world['bob']}").status_code == 204
    assert client.get(f"/grants/{bobs}").status_code == 404
    assert [g["id"] for g in client.get("/grants").json()["grants"]] == [alices]


def test_user_with_a_phase_in_progress_refuses_update_and_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"user": "manual"})
    fields = {"datastore_id": world["pg"], "name": "slow", "password": PASSWORD}
    created = client.post("/users", json={"user": fields}).json()["user"]["id"]
    busy = (409, f"user {created} is not ACTIVE (status: PENDING_CREATE).")
    assert message(client.put(f"/users/{created}", json={"user": {"password": "x"}})) == busy
    assert message(client.delete(f"/users/{created}")) == busy


def test_datastore_not_active_refuses_create_update_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"datastore": "manual"})
    assert (
        client.put(f"/datastores/{world['pg']}", json={"datastore": {"name": "renamed"}}).status_code == 200
    )
    busy = (409, f"datastore {world['pg']} is not ACTIVE (status: PENDING_UPDATE).")
    before = snapshot(client)
    create = {"datastore_id": world["pg"], "name": "carol", "password": PASSWORD}
    assert message(client.post("/users", json={"user": create})) == busy
    assert message(client.put(f"/users/{world['bob']}", json={"user": {"password": "x"}})) == busy
    assert message(client.delete(f"/users/{world['bob']}")) == busy
    assert snapshot(client) == before


def test_delete_answers_204_then_pending_delete_then_404(client: ApiClient, world: World) -> None:
    lifecycle(client, reads=2)
    response = client.delete(f"/users/{world['bob']}")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(f"/users/{world['bob']}").json()["user"]["status"] == "PENDING_DELETE"
    assert client.get(f"/users/{world['bob']}").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["alice", "bob", "carol"]),
        ({"name": "bob"}, ["bob"]),
        ({"datastore_id": "{mysql}"}, ["carol"]),
        ({"id": "{alice}"}, ["alice"]),
        ({"status": "ACTIVE"}, ["alice", "bob", "carol"]),
        ({"status": "PENDING_UPDATE"}, []),
        ({"datastore_id": UNKNOWN}, []),
    ],
    ids=["all", "name", "datastore", "id", "active", "pending", "unknown-datastore"],
)
def test_list_filters(client: ApiClient, world: World, query: dict[str, str], expected: list[str]) -> None:
    user(client, world["mysql"], "carol")
    found = client.get("/users", params=fill(query, world)).json()["users"]
    assert [u["name"] for u in found] == expected


def test_other_projects_see_nothing(client: ApiClient, other_client: ApiClient, world: World) -> None:
    before = snapshot(client)
    bob = world["bob"]
    not_found = (404, f"user {bob} not found.")
    assert message(other_client.get(f"/users/{bob}")) == not_found
    assert message(other_client.put(f"/users/{bob}", json={"user": {"password": "x"}})) == not_found
    assert message(other_client.delete(f"/users/{bob}")) == not_found
    assert other_client.get("/users").json()["users"] == []
    assert other_client.get("/users", params={"id": bob}).json()["users"] == []
    intruder = {"datastore_id": world["pg"], "name": "intruder", "password": PASSWORD}
    assert message(other_client.post("/users", json={"user": intruder})) == (
        404,
        f"datastore {world['pg']} not found.",
    )
    assert snapshot(client) == before
