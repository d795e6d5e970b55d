"""Grants: create/get/list/delete over HTTP (no update), references, uniqueness, cascades, isolation."""

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

PASSWORD = "tf-acc-pass-1"


def user(client: ApiClient, datastore_id: str, name: str) -> str:
    fields = {"datastore_id": datastore_id, "name": name, "password": PASSWORD}
    return str(client.create("users", "user", fields)["id"])


def database(client: ApiClient, datastore_id: str, name: str, owner_id: str | None = None) -> str:
    fields = {"datastore_id": datastore_id, "name": name}
    if owner_id is not None:
        fields["owner_id"] = owner_id
    return str(client.create("databases", "database", fields)["id"])


def grant(client: ApiClient, datastore_id: str, database_id: str, user_id: str) -> dict[str, Any]:
    fields = {"datastore_id": datastore_id, "database_id": database_id, "user_id": user_id}
    return client.create("grants", "grant", fields)


@pytest.fixture
def world(client: ApiClient) -> World:
    """Two PostgreSQL datastores, each with a user and a database; a grant ``granted`` on the first."""
    pg, pg2 = (client.create_datastore("postgresql")["id"] for _ in range(2))
    owner, owner2 = user(client, pg, "owner"), user(client, pg2, "owner2")
    reader = user(client, pg, "reader")
    db, db2 = database(client, pg, "db", owner), database(client, pg2, "db2", owner2)
    granted = grant(client, pg, db, owner)["id"]
    return {"pg": pg, "pg2": pg2, "owner": owner, "owner2": owner2, "reader": reader, "db": db, "db2": db2,
            "granted": granted}  # fmt: skip


def test_create_is_pending_then_active_with_the_sample_shape(
    client: ApiClient, world: World, reference: Path
) -> None:
    fields = {"datastore_id": world["pg"], "database_id": world["db"], "user_id": world["reader"]}
    response = client.post("/grants", json={"grant": fields})
    assert response.status_code == 200
    created = response.json()["grant"]
    expected_keys = set(sample(reference, "grant_get")["grant"])
    assert set(created) == expected_keys
    assert created["status"] == "PENDING_CREATE"
    assert {k: created[k] for k in fields} == fields
    got = client.get(f"/grants/{created['id']}").json()["grant"]
    assert (set(got), got["status"]) == (expected_keys, "ACTIVE")
    assert all(set(g) == expected_keys for g in client.get("/grants").json()["grants"])


@pytest.mark.parametrize("engine", ["mysql", "mysql_native"])
def test_grants_on_mysql(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    created = grant(client, datastore, database(client, datastore, "db"), user(client, datastore, "u"))
    assert created["datastore_id"] == datastore


def test_terraform_flow(client: ApiClient, world: World) -> None:
    """BEHAVIOUR.md §6.3: create -> wait ACTIVE -> delete -> 404-wait (grants have no update)."""
    created = grant(client, world["pg"], world["db"], world["reader"])
    assert client.delete(f"/grants/{created['id']}").status_code == 204
    wait_gone(client, f"/grants/{created['id']}")
    assert [g["id"] for g in client.get("/grants").json()["grants"]] == [world["granted"]]


CREATE_ERRORS: list[tuple[dict[str, str], int, str]] = [
    ({"datastore_id": UNKNOWN}, 404, f"datastore {UNKNOWN} not found."),
    ({"datastore_id": BAD_UUID}, 400,
     f"Validation failure: {{{{'grant.datastore_id': \"'{BAD_UUID}' is not a 'UUID'\"}}}}"),
    ({"database_id": UNKNOWN}, 404, f"database {UNKNOWN} not found."),
    ({"user_id": UNKNOWN}, 404, f"user {UNKNOWN} not found."),
    ({"database_id": "{db2}"}, 400, "Validation failure: database {db2} does not belong to datastore {pg}"),
    ({"user_id": "{owner2}"}, 400, "Validation failure: user {owner2} does not belong to datastore {pg}"),
    ({"user_id": "{owner}"}, 409, "grant for user {owner} on database {db} already exists."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    CREATE_ERRORS,
    ids=["unknown-datastore", "bad-datastore-uuid", "unknown-database", "unknown-user",
         "database-of-another-datastore", "user-of-another-datastore", "duplicate"],
)  # fmt: skip
def test_create_failures(
    client: ApiClient, world: World, fields: dict[str, str], status: int, text: str
) -> None:
    before = snapshot(client)
    body = {"datastore_id": "{pg}", "database_id": "{db}", "user_id": "{reader}", **fields}
    response = client.post("/grants", json={"grant": fill(body, world)})
    assert message(response) == (status, fill(text, world))
    assert snapshot(client) == before


@pytest.mark.parametrize("engine", ["redis", "kafka"])
def test_grants_do_not_apply_to_engine(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    fields = {"datastore_id": datastore, "database_id": UNKNOWN, "user_id": UNKNOWN}
    response = client.post("/grants", json={"grant": fields})
    assert message(response) == (
        400,
        f"Validation failure: grants are not supported for datastores of engine {engine}",
    )


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_grant_is_the_sample_404(client: ApiClient, reference: Path, method: str) -> None:
    response = client.request(method, f"/grants/{UNKNOWN}")
    expected = not_found_sample(reference, "error_404_grant_not_found", UNKNOWN)
    assert (response.status_code, response.json()) == (404, expected)


def test_grants_have_no_update(client: ApiClient, world: World) -> None:
    response = client.put(f"/grants/{world['granted']}", json={"grant": {}})
    assert response.status_code == 405


@pytest.mark.parametrize("kind", ["database", "user"])
def test_a_reference_being_deleted_is_409(client: ApiClient, world: World, kind: str) -> None:
    spare_user = user(client, world["pg"], "spare")
    target = {"database": database(client, world["pg"], "spare_db", world["owner"]), "user": spare_user}[kind]
    lifecycle(client, kinds={kind: "manual"})
    assert client.delete(f"/{kind}s/{target}").status_code == 204
    fields = {
        "datastore_id": world["pg"],
        "database_id": world["db"],
        "user_id": spare_user,
        f"{kind}_id": target,
    }
    response = client.post("/grants", json={"grant": fields})
    assert message(response) == (409, f"{kind} {target} is being deleted.")


def test_delete_answers_204_then_pending_delete_then_404(client: ApiClient, world: World) -> None:
    lifecycle(client, reads=2)
    response = client.delete(f"/grants/{world['granted']}")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(f"/grants/{world['granted']}").json()["grant"]["status"] == "PENDING_DELETE"
    assert client.get(f"/grants/{world['granted']}").status_code == 404


def test_a_grant_being_deleted_still_blocks_a_duplicate(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"grant": "manual"})
    assert client.delete(f"/grants/{world['granted']}").status_code == 204
    fields = {"datastore_id": world["pg"], "database_id": world["db"], "user_id": world["owner"]}
    response = client.post("/grants", json={"grant": fields})
    assert message(response) == (
        409,
        f"grant for user {world['owner']} on database {world['db']} already exists.",
    )
    client.http.post("/__mock__/lifecycle/settle", json={"ids": [world["granted"]]})
    assert client.post("/grants", json={"grant": fields}).status_code == 200


def test_datastore_not_active_refuses_create_and_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"datastore": "manual"})
    assert (
        client.put(f"/datastores/{world['pg']}", json={"datastore": {"name": "renamed"}}).status_code == 200
    )
    busy = (409, f"datastore {world['pg']} is not ACTIVE (status: PENDING_UPDATE).")
    before = snapshot(client)
    fields = {"datastore_id": world["pg"], "database_id": world["db"], "user_id": world["reader"]}
    assert message(client.post("/grants", json={"grant": fields})) == busy
    assert message(client.delete(f"/grants/{world['granted']}")) == busy
    assert snapshot(client) == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["granted", "reader", "second"]),
        ({"user_id": "{reader}"}, ["reader"]),
        ({"database_id": "{db}"}, ["granted", "reader"]),
        ({"datastore_id": "{pg2}"}, ["second"]),
        ({"database_id": "{db}", "user_id": "{owner}"}, ["granted"]),
        ({"id": "{granted}"}, ["granted"]),
        ({"status": "ACTIVE"}, ["granted", "reader", "second"]),
        ({"status": "PENDING_CREATE"}, []),
        ({"user_id": UNKNOWN}, []),
    ],
    ids=["all", "user", "database", "datastore", "database-and-user", "id", "active", "pending", "none"],
)
def test_list_filters(client: ApiClient, world: World, query: dict[str, str], expected: list[str]) -> None:
    names = {world["granted"]: "granted"}
    names[grant(client, world["pg"], world["db"], world["reader"])["id"]] = "reader"
    names[grant(client, world["pg2"], world["db2"], world["owner2"])["id"]] = "second"
    found = client.get("/grants", params=fill(query, world)).json()["grants"]
    assert [names[g["id"]] for g in found] == expected


def test_other_projects_see_nothing(client: ApiClient, other_client: ApiClient, world: World) -> None:
    before = snapshot(client)
    granted = world["granted"]
    assert message(other_client.get(f"/grants/{granted}")) == (404, f"grant {granted} not found.")
    assert message(other_client.delete(f"/grants/{granted}")) == (404, f"grant {granted} not found.")
    assert other_client.get("/grants").json()["grants"] == []
    own = other_client.create_datastore("postgresql")["id"]
    own_user = user(other_client, own, "mine")
    fields = {"datastore_id": own, "database_id": world["db"], "user_id": own_user}
    assert message(other_client.post("/grants", json={"grant": fields})) == (
        404,
        f"database {world['db']} not found.",
    )
    assert snapshot(client) == before
