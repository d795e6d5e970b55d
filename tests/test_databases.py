"""Databases: create/get/list/update/delete over HTTP, their rules, cascades, counters and isolation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import (
    BAD_UUID,
    COLLECTIONS,
    UNKNOWN,
    ApiClient,
    World,
    fill,
    lifecycle,
    message,
    not_found_sample,
    sample,
)

PASSWORD = "tf-acc-pass-1"


def snapshot(client: ApiClient) -> dict[str, Any]:
    """Every object the client's project can see (all settled, so reading changes nothing)."""
    state = {c: client.get(f"/{c}").json() for c in COLLECTIONS}
    state["datastores"] = client.get("/datastores").json()
    return state


def wait_gone(client: ApiClient, path: str, tries: int = 10) -> None:
    """The Terraform delete waiter: poll until 404 with ``error.code`` 404."""
    for _ in range(tries):
        response = client.get(path)
        if response.status_code == 404:
            assert response.json()["error"]["code"] == 404
            return
        assert response.status_code == 200, response.text
        assert next(iter(response.json().values()))["status"] == "PENDING_DELETE"
    raise AssertionError(f"{path} never went away")


def user(client: ApiClient, datastore_id: str, name: str = "owner") -> str:
    fields = {"datastore_id": datastore_id, "name": name, "password": PASSWORD}
    return str(client.create("users", "user", fields)["id"])


def database(client: ApiClient, datastore_id: str, name: str, owner_id: str | None) -> dict[str, Any]:
    fields = {"datastore_id": datastore_id, "name": name}
    if owner_id is not None:
        fields["owner_id"] = owner_id
    return client.create("databases", "database", fields)


@pytest.fixture
def world(client: ApiClient) -> World:
    """Two PostgreSQL datastores and a MySQL one, a user on each PostgreSQL one, a database ``taken``."""
    pg, pg2, mysql = (client.create_datastore(e)["id"] for e in ("postgresql", "postgresql", "mysql"))
    owner, other_user = user(client, pg), user(client, pg2, "stranger")
    db = database(client, pg, "taken", owner)["id"]
    mysql_db = database(client, mysql, "mysqldb", None)["id"]
    return {"pg": pg, "pg2": pg2, "mysql": mysql, "owner": owner, "other_user": other_user, "db": db,
            "mysql_db": mysql_db}  # fmt: skip


# -- success paths and shapes ---------------------------------------------------------------------------


def test_postgresql_database_is_pending_then_active_with_default_locales(
    client: ApiClient, world: World, reference: Path
) -> None:
    body = {"database": {"datastore_id": world["pg"], "name": "db", "owner_id": world["owner"]}}
    response = client.post("/databases", json=body)
    assert response.status_code == 200
    created = response.json()["database"]
    expected_keys = set(sample(reference, "database_get")["database"]) | {"project_id"}
    assert set(created) == expected_keys
    assert created["status"] == "PENDING_CREATE"
    assert (created["lc_collate"], created["lc_ctype"], created["owner_id"]) == ("C", "C", world["owner"])
    assert created["created_at"] == created["updated_at"]
    got = client.get(f"/databases/{created['id']}").json()["database"]
    assert got["status"] == "ACTIVE"
    assert {k: v for k, v in got.items() if k not in ("status", "updated_at")} == {
        k: v for k, v in created.items() if k not in ("status", "updated_at")
    }
    listed = client.get("/databases").json()["databases"]
    assert all(set(item) == expected_keys for item in listed)


@pytest.mark.parametrize("engine", ["mysql", "mysql_native"])
def test_mysql_database_has_null_owner_and_locales(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    created = database(client, datastore, "tf_acc_db_1", None)
    assert (created["owner_id"], created["lc_collate"], created["lc_ctype"]) == (None, None, None)


def test_locales_are_kept_as_sent(client: ApiClient, world: World) -> None:
    fields = {"datastore_id": world["pg"], "name": "ru", "owner_id": world["owner"]}
    created = client.create("databases", "database", {**fields, "lc_collate": "ru_RU.utf8", "lc_ctype": "C"})
    assert (created["lc_collate"], created["lc_ctype"]) == ("ru_RU.utf8", "C")


def test_same_name_in_another_datastore_is_fine(client: ApiClient, world: World) -> None:
    created = database(client, world["pg2"], "taken", world["other_user"])
    assert created["datastore_id"] == world["pg2"]


# -- failures: exact messages, nothing changes ----------------------------------------------------------

CREATE_ERRORS: list[tuple[dict[str, Any], int, str]] = [
    ({"datastore_id": UNKNOWN, "name": "db", "owner_id": "{owner}"}, 404, f"datastore {UNKNOWN} not found."),
    ({"datastore_id": BAD_UUID, "name": "db"}, 400,
     f"Validation failure: {{{{'database.datastore_id': \"'{BAD_UUID}' is not a 'UUID'\"}}}}"),
    ({"datastore_id": "{pg}", "name": "db", "owner_id": BAD_UUID}, 400,
     f"Validation failure: {{{{'database.owner_id': \"'{BAD_UUID}' is not a 'UUID'\"}}}}"),
    ({"datastore_id": "{pg}", "name": "db"}, 400,
     "Validation failure: owner_id is required for databases of engine postgresql"),
    ({"datastore_id": "{pg}", "name": "db", "owner_id": UNKNOWN}, 404, f"user {UNKNOWN} not found."),
    ({"datastore_id": "{pg}", "name": "db", "owner_id": "{other_user}"}, 400,
     "Validation failure: user {other_user} does not belong to datastore {pg}"),
    ({"datastore_id": "{mysql}", "name": "db", "owner_id": "{owner}"}, 400,
     "Validation failure: fields (owner_id) are not supported for databases of engine mysql"),
    ({"datastore_id": "{mysql}", "name": "db", "lc_collate": "C", "lc_ctype": "C"}, 400,
     "Validation failure: fields (lc_collate, lc_ctype) are not supported for databases of engine mysql"),
    ({"datastore_id": "{pg}", "name": "taken", "owner_id": "{owner}"}, 409,
     "database with name 'taken' already exists in datastore {pg}."),
    ({"datastore_id": "{mysql}", "name": "mysqldb"}, 409,
     "database with name 'mysqldb' already exists in datastore {mysql}."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    CREATE_ERRORS,
    ids=["unknown-datastore", "bad-datastore-uuid", "bad-owner-uuid", "postgresql-without-owner",
         "unknown-owner", "owner-of-another-datastore", "owner-on-mysql", "locales-on-mysql",
         "duplicate-name", "duplicate-name-mysql"],
)  # fmt: skip
def test_create_failures(
    client: ApiClient, world: World, fields: dict[str, Any], status: int, text: str
) -> None:
    before = snapshot(client)
    response = client.post("/databases", json={"database": fill(fields, world)})
    assert message(response) == (status, fill(text, world))
    assert snapshot(client) == before


UPDATE_ERRORS: list[tuple[str, dict[str, Any], int, str]] = [
    (UNKNOWN, {"owner_id": "{owner}"}, 404, f"database {UNKNOWN} not found."),
    ("{db}", {"owner_id": BAD_UUID}, 400,
     f"Validation failure: {{{{'database.owner_id': \"'{BAD_UUID}' is not a 'UUID'\"}}}}"),
    ("{db}", {"owner_id": UNKNOWN}, 404, f"user {UNKNOWN} not found."),
    ("{db}", {"owner_id": "{other_user}"}, 400,
     "Validation failure: user {other_user} does not belong to datastore {pg}"),
    ("{mysql_db}", {"owner_id": "{owner}"}, 400,
     "Validation failure: fields (owner_id) are not supported for databases of engine mysql"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("target", "fields", "status", "text"),
    UPDATE_ERRORS,
    ids=["unknown-database", "bad-owner-uuid", "unknown-owner", "owner-of-another-datastore", "mysql"],
)
def test_update_failures(
    client: ApiClient, world: World, target: str, fields: dict[str, Any], status: int, text: str
) -> None:
    before = snapshot(client)
    response = client.put(f"/databases/{fill(target, world)}", json={"database": fill(fields, world)})
    assert message(response) == (status, fill(text, world))
    assert snapshot(client) == before


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_unknown_database_is_the_sample_404(client: ApiClient, reference: Path, method: str) -> None:
    body = {"database": {"owner_id": UNKNOWN}} if method == "PUT" else None
    response = client.request(method, f"/databases/{UNKNOWN}", json=body)
    expected = not_found_sample(reference, "error_404_database_not_found", UNKNOWN)
    assert (response.status_code, response.json()) == (404, expected)


@pytest.mark.parametrize("engine", ["redis", "kafka"])
def test_databases_do_not_apply_to_engine(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    response = client.post("/databases", json={"database": {"datastore_id": datastore, "name": "db"}})
    assert message(response) == (
        400,
        f"Validation failure: databases are not supported for datastores of engine {engine}",
    )
    assert client.get("/databases").json()["databases"] == []


def test_datastore_not_active_refuses_create_update_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"datastore": "manual"})
    assert (
        client.put(f"/datastores/{world['pg']}", json={"datastore": {"name": "renamed"}}).status_code == 200
    )
    busy = f"datastore {world['pg']} is not ACTIVE (status: PENDING_UPDATE)."
    before = snapshot(client)
    create = {"datastore_id": world["pg"], "name": "db2", "owner_id": world["owner"]}
    attempts: list[Callable[[], Any]] = [
        lambda: client.post("/databases", json={"database": create}),
        lambda: client.put(f"/databases/{world['db']}", json={"database": {"owner_id": world["owner"]}}),
        lambda: client.delete(f"/databases/{world['db']}"),
    ]
    for attempt in attempts:
        assert message(attempt()) == (409, busy)
    assert snapshot(client) == before


def test_database_with_a_phase_in_progress_refuses_update_and_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"database": "manual"})
    fields = {"datastore_id": world["pg"], "name": "slow", "owner_id": world["owner"]}
    created = client.post("/databases", json={"database": fields}).json()["database"]
    busy = (409, f"database {created['id']} is not ACTIVE (status: PENDING_CREATE).")
    update = client.put(f"/databases/{created['id']}", json={"database": {"owner_id": world["owner"]}})
    assert message(update) == busy
    assert message(client.delete(f"/databases/{created['id']}")) == busy
    assert client.get(f"/databases/{created['id']}").json()["database"]["status"] == "PENDING_CREATE"


def test_owner_being_deleted_is_409(client: ApiClient, world: World) -> None:
    doomed = user(client, world["pg"], "doomed")
    lifecycle(client, kinds={"user": "manual"})
    assert client.delete(f"/users/{doomed}").status_code == 204
    fields = {"datastore_id": world["pg"], "name": "db2", "owner_id": doomed}
    response = client.post("/databases", json={"database": fields})
    assert message(response) == (409, f"user {doomed} is being deleted.")


# -- update, delete, Terraform flows --------------------------------------------------------------------


def test_update_changes_the_owner_pending_then_active(client: ApiClient, world: World) -> None:
    new_owner = user(client, world["pg"], "new_owner")
    response = client.put(f"/databases/{world['db']}", json={"database": {"owner_id": new_owner}})
    assert response.status_code == 200
    updated = response.json()["database"]
    assert (updated["status"], updated["owner_id"]) == ("PENDING_UPDATE", new_owner)
    assert client.wait_active("databases", "database", world["db"])["owner_id"] == new_owner


def test_delete_answers_204_then_pending_delete_then_404(client: ApiClient, world: World) -> None:
    lifecycle(client, reads=2)
    response = client.delete(f"/databases/{world['db']}")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(f"/databases/{world['db']}").json()["database"]["status"] == "PENDING_DELETE"
    assert client.get(f"/databases/{world['db']}").status_code == 404
    assert client.get("/databases", params={"datastore_id": world["pg"]}).json()["databases"] == []


@pytest.mark.parametrize("engine", ["postgresql", "mysql"])
def test_terraform_flow(client: ApiClient, engine: str) -> None:
    """BEHAVIOUR.md §6.3: create -> wait ACTIVE -> (pg: update owner -> wait) -> delete -> 404-wait."""
    datastore = client.create_datastore(engine)["id"]
    fields: dict[str, Any] = {"datastore_id": datastore, "name": "tf_acc_db_5577006791947779410"}
    if engine == "postgresql":
        fields.update(owner_id=user(client, datastore), lc_collate="C", lc_ctype="C")
    created = client.create("databases", "database", fields)
    for key, value in fields.items():
        assert created[key] == value  # what Terraform reads back equals what it sent: no drift
    if engine == "postgresql":
        other = user(client, datastore, "tf_acc_user_2")
        assert (
            client.put(f"/databases/{created['id']}", json={"database": {"owner_id": other}}).status_code
            == 200
        )
        assert client.wait_active("databases", "database", created["id"])["owner_id"] == other
    assert client.delete(f"/databases/{created['id']}").status_code == 204
    wait_gone(client, f"/databases/{created['id']}")


# -- cascades, counters, lists, isolation ---------------------------------------------------------------


def test_deleting_a_database_removes_its_grants_extensions_and_slots(
    client: ApiClient, admin_client: ApiClient, world: World
) -> None:
    pg_types = [t["id"] for t in client.get("/datastore-types").json()["datastore-types"]
                if t["engine"] == "postgresql"]  # fmt: skip
    available = admin_client.post(
        "/available-extensions",
        json={"available-extension": {"name": "cascade_ext", "datastore_type_ids": pg_types}},
    ).json()["available-extension"]["id"]
    ref = {"datastore_id": world["pg"], "database_id": world["db"]}
    children = [
        ("grants", client.create("grants", "grant", {**ref, "user_id": world["owner"]})["id"]),
        ("extensions",
         client.create("extensions", "extension", {**ref, "available_extension_id": available})["id"]),
        ("logical-replication-slots",
         client.create("logical-replication-slots", "logical-replication-slot", {**ref, "name": "s"})["id"]),
    ]  # fmt: skip
    assert client.delete(f"/databases/{world['db']}").status_code == 204
    for collection, object_id in children:
        assert client.get(f"/{collection}/{object_id}").status_code == 404
        assert client.get(f"/{collection}").json()[collection] == []


def test_deleting_the_datastore_removes_everything_in_it(client: ApiClient, world: World) -> None:
    assert client.delete(f"/datastores/{world['pg']}").status_code == 204
    wait_gone(client, f"/datastores/{world['pg']}")
    for path in (f"/databases/{world['db']}", f"/users/{world['owner']}"):
        assert client.get(path).status_code == 404
    assert client.get("/databases", params={"datastore_id": world["pg"]}).json()["databases"] == []
    assert client.get(f"/databases/{world['mysql_db']}").status_code == 200


def test_databases_count_follows_creates_and_deletes(client: ApiClient, world: World) -> None:
    def count() -> int:
        return int(client.get(f"/datastores/{world['pg']}").json()["datastore"]["databases_count"])

    assert count() == 1
    second = database(client, world["pg"], "second", world["owner"])["id"]
    assert count() == 2
    assert client.delete(f"/databases/{second}").status_code == 204
    wait_gone(client, f"/databases/{second}")
    assert count() == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["taken", "mysqldb", "alpha", "beta", "alpha2"]),
        ({"name": "alpha"}, ["alpha"]),
        ({"datastore_id": "{pg2}"}, ["alpha2"]),
        ({"datastore_id": "{pg}", "name": "beta"}, ["beta"]),
        ({"id": "{db}"}, ["taken"]),
        ({"status": "ACTIVE"}, ["taken", "mysqldb", "alpha", "beta", "alpha2"]),
        ({"status": "PENDING_CREATE"}, []),
        ({"name": "nothing"}, []),
        ({"datastore_id": UNKNOWN}, []),
        ({"project_id": "0" * 32}, []),
        ({"colour": "blue"}, ["taken", "mysqldb", "alpha", "beta", "alpha2"]),
    ],
    ids=["all", "name", "datastore", "datastore-and-name", "id", "active", "pending", "no-name",
         "no-datastore", "other-project-filter", "unknown-filter-ignored"],
)  # fmt: skip
def test_list_filters(client: ApiClient, world: World, query: dict[str, str], expected: list[str]) -> None:
    for name in ("alpha", "beta"):
        database(client, world["pg"], name, world["owner"])
    database(client, world["pg2"], "alpha2", world["other_user"])
    found = client.get("/databases", params=fill(query, world)).json()["databases"]
    assert [d["name"] for d in found] == expected


def test_status_filter_sees_pending_objects(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"database": "manual"})
    fields = {"datastore_id": world["pg"], "name": "pending", "owner_id": world["owner"]}
    pending = client.post("/databases", json={"database": fields}).json()["database"]["id"]
    found = client.get("/databases", params={"status": "PENDING_CREATE"}).json()["databases"]
    assert [d["id"] for d in found] == [pending]


def test_project_id_filter_matches_own_project(client: ApiClient, world: World) -> None:
    project = client.get(f"/databases/{world['db']}").json()["database"]["project_id"]
    found = client.get("/databases", params={"project_id": project}).json()["databases"]
    assert [d["id"] for d in found] == [world["db"], world["mysql_db"]]


def test_other_projects_see_nothing(client: ApiClient, other_client: ApiClient, world: World) -> None:
    before = snapshot(client)
    db = world["db"]
    assert message(other_client.get(f"/databases/{db}")) == (404, f"database {db} not found.")
    update = other_client.put(f"/databases/{db}", json={"database": {"owner_id": world["owner"]}})
    assert message(update) == (404, f"database {db} not found.")
    assert message(other_client.delete(f"/databases/{db}")) == (404, f"database {db} not found.")
    assert other_client.get("/databases").json()["databases"] == []
    assert other_client.get("/databases", params={"id": db}).json()["databases"] == []
    create = {"datastore_id": world["pg"], "name": "intruder", "owner_id": world["owner"]}
    response = other_client.post("/databases", json={"database": create})
    assert message(response) == (404, f"datastore {world['pg']} not found.")
    own = other_client.create_datastore("postgresql")["id"]
    foreign_owner = {"datastore_id": own, "name": "db", "owner_id": world["owner"]}
    response = other_client.post("/databases", json={"database": foreign_owner})
    assert message(response) == (404, f"user {world['owner']} not found.")
    assert snapshot(client) == before
