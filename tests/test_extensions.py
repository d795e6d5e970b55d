"""Extensions: create/get/list/delete over HTTP (no update), catalog checks, dependencies, isolation."""

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


def catalog(client: ApiClient) -> dict[str, str]:
    """Available extension ids by name."""
    listed = client.get("/available-extensions").json()["available-extensions"]
    return {e["name"]: e["id"] for e in listed}


def database(client: ApiClient, datastore_id: str, name: str) -> str:
    """A database ``name`` owned by a new user ``owner_<name>``."""
    fields = {"datastore_id": datastore_id, "name": f"owner_{name}", "password": PASSWORD}
    owner = client.create("users", "user", fields)["id"]
    body = {"datastore_id": datastore_id, "name": name, "owner_id": owner}
    return str(client.create("databases", "database", body)["id"])


def install(client: ApiClient, datastore_id: str, database_id: str, available_id: str) -> dict[str, Any]:
    fields = {
        "datastore_id": datastore_id,
        "database_id": database_id,
        "available_extension_id": available_id,
    }
    return client.create("extensions", "extension", fields)


@pytest.fixture
def world(client: ApiClient) -> World:
    """Two PostgreSQL datastores with a database ``db`` each, a second database on the first, ``hstore``
    installed in the first ``db``, and the catalog's ids by name."""
    pg, pg2 = (client.create_datastore("postgresql")["id"] for _ in range(2))
    db, db2, other_db = database(client, pg, "db"), database(client, pg2, "db"), database(client, pg, "other")
    ids = catalog(client)
    hstore = install(client, pg, db, ids["hstore"])["id"]
    return {**ids, "pg": pg, "pg2": pg2, "db": db, "db2": db2, "other_db": other_db, "installed": hstore}


def test_create_is_pending_then_active_with_the_sample_shape(
    client: ApiClient, world: World, reference: Path
) -> None:
    fields = {
        "datastore_id": world["pg"],
        "database_id": world["db"],
        "available_extension_id": world["pg_trgm"],
    }
    response = client.post("/extensions", json={"extension": fields})
    assert response.status_code == 200
    created = response.json()["extension"]
    expected_keys = set(sample(reference, "extension_get")["extension"]) | {"project_id"}
    assert set(created) == expected_keys
    assert created["status"] == "PENDING_CREATE"
    assert {k: created[k] for k in fields} == fields
    got = client.get(f"/extensions/{created['id']}").json()["extension"]
    assert (set(got), got["status"]) == (expected_keys, "ACTIVE")
    assert all(set(e) == expected_keys for e in client.get("/extensions").json()["extensions"])


def test_terraform_flow(client: ApiClient, world: World) -> None:
    """BEHAVIOUR.md §6.3: create -> wait ACTIVE -> delete -> 404-wait (extensions have no update)."""
    created = install(client, world["pg"], world["db"], world["citext"])
    assert (created["available_extension_id"], created["database_id"]) == (world["citext"], world["db"])
    assert client.delete(f"/extensions/{created['id']}").status_code == 204
    wait_gone(client, f"/extensions/{created['id']}")


CREATE_ERRORS: list[tuple[dict[str, str], int, str]] = [
    ({"datastore_id": UNKNOWN}, 404, f"datastore {UNKNOWN} not found."),
    ({"datastore_id": BAD_UUID}, 400,
     f"Validation failure: {{{{'extension.datastore_id': \"'{BAD_UUID}' is not a 'UUID'\"}}}}"),
    ({"database_id": UNKNOWN}, 404, f"database {UNKNOWN} not found."),
    ({"available_extension_id": UNKNOWN}, 404, f"availableextension {UNKNOWN} not found."),
    ({"database_id": "{db2}"}, 400, "Validation failure: database {db2} does not belong to datastore {pg}"),
    ({"available_extension_id": "{timescaledb}"}, 400,
     "Validation failure: extension timescaledb is not available for datastore type {type_id}"),
    ({"available_extension_id": "{postgis_topology}"}, 400,
     "Validation failure: extension postgis_topology requires extension postgis to be installed in database"
     " {db} first"),
    ({"available_extension_id": "{hstore}"}, 409,
     "extension with name 'hstore' already exists in database {db}."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    CREATE_ERRORS,
    ids=["unknown-datastore", "bad-datastore-uuid", "unknown-database", "unknown-available-extension",
         "database-of-another-datastore", "not-for-this-type", "missing-dependency", "duplicate"],
)  # fmt: skip
def test_create_failures(
    client: ApiClient, world: World, fields: dict[str, str], status: int, text: str
) -> None:
    world = {**world, "type_id": client.get(f"/datastores/{world['pg']}").json()["datastore"]["type_id"]}
    before = snapshot(client)
    body = {"datastore_id": "{pg}", "database_id": "{db}", "available_extension_id": "{pg_trgm}", **fields}
    response = client.post("/extensions", json={"extension": fill(body, world)})
    assert message(response) == (status, fill(text, world))
    assert snapshot(client) == before


def test_the_same_extension_in_another_database_is_fine(client: ApiClient, world: World) -> None:
    assert (
        install(client, world["pg"], world["other_db"], world["hstore"])["database_id"] == world["other_db"]
    )


def test_dependencies_install_in_order_and_delete_in_reverse(client: ApiClient, world: World) -> None:
    postgis = install(client, world["pg"], world["db"], world["postgis"])["id"]
    topology = install(client, world["pg"], world["db"], world["postgis_topology"])["id"]
    before = snapshot(client)
    response = client.delete(f"/extensions/{postgis}")
    assert message(response) == (
        409,
        f"extension postgis is required by extension postgis_topology in database {world['db']}.",
    )
    assert snapshot(client) == before
    assert client.delete(f"/extensions/{topology}").status_code == 204
    assert client.delete(f"/extensions/{postgis}").status_code == 204


def test_a_dependency_in_another_database_does_not_count(client: ApiClient, world: World) -> None:
    install(client, world["pg"], world["other_db"], world["postgis"])
    fields = {
        "datastore_id": world["pg"],
        "database_id": world["db"],
        "available_extension_id": world["postgis_topology"],
    }
    assert client.post("/extensions", json={"extension": fields}).status_code == 400


def test_timescaledb_installs_on_its_own_type(client: ApiClient) -> None:
    type_id = client.type_id("postgresql", "14-TimescaleDB")
    datastore = client.create_datastore("postgresql", type_id=type_id)["id"]
    created = install(client, datastore, database(client, datastore, "db"), catalog(client)["timescaledb"])
    assert created["status"] == "ACTIVE"


@pytest.mark.parametrize("engine", ["mysql", "mysql_native", "redis", "kafka"])
def test_extensions_do_not_apply_to_engine(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    fields = {"datastore_id": datastore, "database_id": UNKNOWN, "available_extension_id": UNKNOWN}
    response = client.post("/extensions", json={"extension": fields})
    assert message(response) == (
        400,
        f"Validation failure: extensions are not supported for datastores of engine {engine}",
    )


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_extension_is_the_sample_404(client: ApiClient, reference: Path, method: str) -> None:
    response = client.request(method, f"/extensions/{UNKNOWN}")
    expected = not_found_sample(reference, "error_404_extension_not_found", UNKNOWN)
    assert (response.status_code, response.json()) == (404, expected)


def test_unknown_available_extension_is_the_sample_404(
    client: ApiClient, world: World, reference: Path
) -> None:
    fields = {"datastore_id": world["pg"], "database_id": world["db"], "available_extension_id": UNKNOWN}
    response = client.post("/extensions", json={"extension": fields})
    expected = not_found_sample(reference, "error_404_available_extension_not_found", UNKNOWN)
    assert (response.status_code, response.json()) == (404, expected)


def test_extensions_have_no_update(client: ApiClient, world: World) -> None:
    assert client.put(f"/extensions/{world['installed']}", json={"extension": {}}).status_code == 405


def test_dropping_the_available_extension_removes_its_installs(
    client: ApiClient, admin_client: ApiClient, world: World
) -> None:
    assert admin_client.delete(f"/available-extensions/{world['hstore']}").status_code == 204
    assert client.get(f"/extensions/{world['installed']}").status_code == 404


def test_delete_answers_204_then_pending_delete_then_404(client: ApiClient, world: World) -> None:
    lifecycle(client, reads=2)
    response = client.delete(f"/extensions/{world['installed']}")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(f"/extensions/{world['installed']}").json()["extension"]["status"] == "PENDING_DELETE"
    assert client.get(f"/extensions/{world['installed']}").status_code == 404


def test_datastore_not_active_refuses_create_and_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"datastore": "manual"})
    assert (
        client.put(f"/datastores/{world['pg']}", json={"datastore": {"name": "renamed"}}).status_code == 200
    )
    busy = (409, f"datastore {world['pg']} is not ACTIVE (status: PENDING_UPDATE).")
    before = snapshot(client)
    fields = {
        "datastore_id": world["pg"],
        "database_id": world["db"],
        "available_extension_id": world["pg_trgm"],
    }
    assert message(client.post("/extensions", json={"extension": fields})) == busy
    assert message(client.delete(f"/extensions/{world['installed']}")) == busy
    assert snapshot(client) == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["hstore", "pg_trgm", "hstore2"]),
        ({"available_extension_id": "{hstore}"}, ["hstore", "hstore2"]),
        ({"database_id": "{db}"}, ["hstore", "pg_trgm"]),
        ({"datastore_id": "{pg2}"}, ["hstore2"]),
        ({"id": "{installed}"}, ["hstore"]),
        ({"status": "ACTIVE"}, ["hstore", "pg_trgm", "hstore2"]),
        ({"status": "PENDING_DELETE"}, []),
        ({"database_id": UNKNOWN}, []),
    ],
    ids=["all", "available-extension", "database", "datastore", "id", "active", "pending", "none"],
)
def test_list_filters(client: ApiClient, world: World, query: dict[str, str], expected: list[str]) -> None:
    names = {world["installed"]: "hstore"}
    names[install(client, world["pg"], world["db"], world["pg_trgm"])["id"]] = "pg_trgm"
    names[install(client, world["pg2"], world["db2"], world["hstore"])["id"]] = "hstore2"
    found = client.get("/extensions", params=fill(query, world)).json()["extensions"]
    assert [names[e["id"]] for e in found] == expected


def test_other_projects_see_nothing(client: ApiClient, other_client: ApiClient, world: World) -> None:
    before = snapshot(client)
    installed = world["installed"]
    assert message(other_client.get(f"/extensions/{installed}")) == (404, f"extension {installed} not found.")
    assert message(other_client.delete(f"/extensions/{installed}")) == (
        404,
        f"extension {installed} not found.",
    )
    assert other_client.get("/extensions").json()["extensions"] == []
    fields = {
        "datastore_id": world["pg"],
        "database_id": world["db"],
        "available_extension_id": world["pg_trgm"],
    }
    response = other_client.post("/extensions", json={"extension": fields})
    assert message(response) == (404, f"datastore {world['pg']} not found.")
    assert snapshot(client) == before
