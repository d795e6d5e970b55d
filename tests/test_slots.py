"""Logical replication slots: create/get/list/delete over HTTP (no update), names, engines, isolation."""

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
ONE, MANY = "logical-replication-slot", "logical-replication-slots"


def database(client: ApiClient, datastore_id: str, name: str) -> str:
    """A database ``name`` owned by a new user ``owner_<name>``."""
    fields = {"datastore_id": datastore_id, "name": f"owner_{name}", "password": PASSWORD}
    owner = client.create("users", "user", fields)["id"]
    body = {"datastore_id": datastore_id, "name": name, "owner_id": owner}
    return str(client.create("databases", "database", body)["id"])


def slot(client: ApiClient, datastore_id: str, database_id: str, name: str) -> dict[str, Any]:
    return client.create(MANY, ONE, {"datastore_id": datastore_id, "database_id": database_id, "name": name})


@pytest.fixture
def world(client: ApiClient) -> World:
    """Two PostgreSQL datastores, databases ``db`` and ``other`` on the first, ``db2`` on the second, and
    a slot ``taken`` on ``db``."""
    pg, pg2 = (client.create_datastore("postgresql")["id"] for _ in range(2))
    db, other, db2 = database(client, pg, "db"), database(client, pg, "other"), database(client, pg2, "db2")
    taken = slot(client, pg, db, "taken")["id"]
    return {"pg": pg, "pg2": pg2, "db": db, "other": other, "db2": db2, "taken": taken}


def test_create_is_pending_then_active_with_the_sample_shape(
    client: ApiClient, world: World, reference: Path
) -> None:
    fields = {"datastore_id": world["pg"], "database_id": world["db"], "name": "test_slot"}
    response = client.post(f"/{MANY}", json={ONE: fields})
    assert response.status_code == 200
    created = response.json()[ONE]
    expected_keys = set(sample(reference, "logical_replication_slot_get")[ONE]) | {"in_use"}
    assert set(created) == expected_keys
    assert (created["status"], created["in_use"]) == ("PENDING_CREATE", False)
    assert {k: created[k] for k in fields} == fields
    got = client.get(f"/{MANY}/{created['id']}").json()[ONE]
    assert (set(got), got["status"]) == (expected_keys, "ACTIVE")
    assert all(set(s) == expected_keys for s in client.get(f"/{MANY}").json()[MANY])


@pytest.mark.parametrize(
    "name",
    ["test_slot-123", "tf_acc_slot_1", "x", "s" * 255],
    ids=["sample-with-hyphen", "terraform", "one-character", "255-characters"],
)
def test_names_of_the_seed_are_accepted(client: ApiClient, world: World, name: str) -> None:
    assert slot(client, world["pg"], world["db"], name)["name"] == name


def test_terraform_flow(client: ApiClient, world: World) -> None:
    """BEHAVIOUR.md §6.3: create -> wait ACTIVE -> delete -> 404-wait (slots have no update)."""
    created = slot(client, world["pg"], world["db"], "tf_acc_slot_42")
    assert client.delete(f"/{MANY}/{created['id']}").status_code == 204
    wait_gone(client, f"/{MANY}/{created['id']}")


CREATE_ERRORS: list[tuple[dict[str, str], int, str]] = [
    ({"datastore_id": UNKNOWN}, 404, f"datastore {UNKNOWN} not found."),
    ({"datastore_id": BAD_UUID}, 400,
     f"Validation failure: {{{{'{ONE}.datastore_id': \"'{BAD_UUID}' is not a 'UUID'\"}}}}"),
    ({"database_id": UNKNOWN}, 404, f"database {UNKNOWN} not found."),
    ({"database_id": "{db2}"}, 400, "Validation failure: database {db2} does not belong to datastore {pg}"),
    ({"name": ""}, 400, f"Validation failure: {{{{'{ONE}.name': \"'' is too short\"}}}}"),
    ({"name": "taken"}, 409, "logicalreplicationslot with name 'taken' already exists in datastore {pg}."),
    ({"name": "taken", "database_id": "{other}"}, 409,
     "logicalreplicationslot with name 'taken' already exists in datastore {pg}."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    CREATE_ERRORS,
    ids=["unknown-datastore", "bad-datastore-uuid", "unknown-database", "database-of-another-datastore",
         "empty-name", "duplicate-name", "duplicate-name-on-another-database"],
)  # fmt: skip
def test_create_failures(
    client: ApiClient, world: World, fields: dict[str, str], status: int, text: str
) -> None:
    before = snapshot(client)
    body = {"datastore_id": "{pg}", "database_id": "{db}", "name": "fresh", **fields}
    response = client.post(f"/{MANY}", json={ONE: fill(body, world)})
    assert message(response) == (status, fill(text, world))
    assert snapshot(client) == before


def test_a_name_over_255_characters_is_400(client: ApiClient, world: World) -> None:
    fields = {"datastore_id": world["pg"], "database_id": world["db"], "name": "s" * 256}
    status, text = message(client.post(f"/{MANY}", json={ONE: fields}))
    assert (status, text.startswith(f"Validation failure: {{'{ONE}.name': ")) == (400, True)
    assert text.endswith("is too long'}") or text.endswith('is too long"}')


def test_the_same_name_in_another_datastore_is_fine(client: ApiClient, world: World) -> None:
    assert slot(client, world["pg2"], world["db2"], "taken")["datastore_id"] == world["pg2"]


@pytest.mark.parametrize("engine", ["mysql", "mysql_native", "redis", "kafka"])
def test_slots_do_not_apply_to_engine(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    response = client.post(
        f"/{MANY}", json={ONE: {"datastore_id": datastore, "database_id": UNKNOWN, "name": "s"}}
    )
    assert message(response) == (
        400,
        f"Validation failure: logical replication slots are not supported for datastores of engine {engine}",
    )


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_slot_is_the_sample_404(client: ApiClient, reference: Path, method: str) -> None:
    response = client.request(method, f"/{MANY}/{UNKNOWN}")
    expected = not_found_sample(reference, "error_404_logical_replication_slot_not_found", UNKNOWN)
    assert (response.status_code, response.json()) == (404, expected)


def test_slots_have_no_update(client: ApiClient, world: World) -> None:
    assert client.put(f"/{MANY}/{world['taken']}", json={ONE: {}}).status_code == 405


def test_a_database_being_deleted_takes_no_new_slot(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"database": "manual"})
    assert client.delete(f"/databases/{world['other']}").status_code == 204
    fields = {"datastore_id": world["pg"], "database_id": world["other"], "name": "late"}
    assert message(client.post(f"/{MANY}", json={ONE: fields})) == (
        409,
        f"database {world['other']} is being deleted.",
    )


def test_delete_answers_204_then_pending_delete_then_404(client: ApiClient, world: World) -> None:
    lifecycle(client, reads=2)
    response = client.delete(f"/{MANY}/{world['taken']}")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(f"/{MANY}/{world['taken']}").json()[ONE]["status"] == "PENDING_DELETE"
    assert client.get(f"/{MANY}/{world['taken']}").status_code == 404


def test_a_slot_being_deleted_still_holds_its_name(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"logical_replication_slot": "manual"})
    assert client.delete(f"/{MANY}/{world['taken']}").status_code == 204
    fields = {"datastore_id": world["pg"], "database_id": world["db"], "name": "taken"}
    assert client.post(f"/{MANY}", json={ONE: fields}).status_code == 409
    client.http.post("/__mock__/lifecycle/settle", json={"ids": [world["taken"]]})
    assert client.post(f"/{MANY}", json={ONE: fields}).status_code == 200


def test_datastore_not_active_refuses_create_and_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"datastore": "manual"})
    assert (
        client.put(f"/datastores/{world['pg']}", json={"datastore": {"name": "renamed"}}).status_code == 200
    )
    busy = (409, f"datastore {world['pg']} is not ACTIVE (status: PENDING_UPDATE).")
    before = snapshot(client)
    fields = {"datastore_id": world["pg"], "database_id": world["db"], "name": "fresh"}
    assert message(client.post(f"/{MANY}", json={ONE: fields})) == busy
    assert message(client.delete(f"/{MANY}/{world['taken']}")) == busy
    assert snapshot(client) == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["taken", "second", "third"]),
        ({"name": "second"}, ["second"]),
        ({"database_id": "{db}"}, ["taken", "second"]),
        ({"datastore_id": "{pg2}"}, ["third"]),
        ({"id": "{taken}"}, ["taken"]),
        ({"in_use": "false"}, ["taken", "second", "third"]),
        ({"in_use": "true"}, []),
        ({"status": "ACTIVE", "in_use": "false", "datastore_id": "{pg}"}, ["taken", "second"]),
        ({"status": "PENDING_CREATE"}, []),
    ],
    ids=["all", "name", "database", "datastore", "id", "not-in-use", "in-use", "combined", "pending"],
)
def test_list_filters(client: ApiClient, world: World, query: dict[str, str], expected: list[str]) -> None:
    slot(client, world["pg"], world["db"], "second")
    slot(client, world["pg2"], world["db2"], "third")
    found = client.get(f"/{MANY}", params=fill(query, world)).json()[MANY]
    assert [s["name"] for s in found] == expected


def test_other_projects_see_nothing(client: ApiClient, other_client: ApiClient, world: World) -> None:
    before = snapshot(client)
    taken = world["taken"]
    not_found = (404, f"logicalreplicationslot {taken} not found.")
    assert message(other_client.get(f"/{MANY}/{taken}")) == not_found
    assert message(other_client.delete(f"/{MANY}/{taken}")) == not_found
    assert other_client.get(f"/{MANY}").json()[MANY] == []
    own = other_client.create_datastore("postgresql")["id"]
    fields = {"datastore_id": own, "database_id": world["db"], "name": "mine"}
    assert message(other_client.post(f"/{MANY}", json={ONE: fields})) == (
        404,
        f"database {world['db']} not found.",
    )
    assert snapshot(client) == before
