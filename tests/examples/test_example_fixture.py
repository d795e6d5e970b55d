"""Example: the in-process fixture ``dbaas_mock`` (README.md, "In-process fixture").

A fresh fake per test, no network, no port: ``dbaas_mock.client`` is an httpx client already pointed
at the fake's ``/v1`` with a token. Pass ``dbaas_mock.client`` (or its ``url`` and ``token``) to the
code under test.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from mock_server.intercept import DbaasFake

SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"


# -- the code under test: a small provisioning helper ---------------------------------------------


def provision_postgres(client: httpx.Client, name: str) -> dict[str, object]:
    """Create a PostgreSQL cluster, wait until it is ACTIVE, add a database owned by a new user."""
    types = client.get("/datastore-types").json()["datastore-types"]
    type_id = [t["id"] for t in types if t["engine"] == "postgresql"][-1]
    flavor = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
    fields = {"name": name, "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": flavor}
    datastore = client.post("/datastores", json={"datastore": fields}).json()["datastore"]
    while datastore["status"] != "ACTIVE":
        datastore = client.get(f"/datastores/{datastore['id']}").json()["datastore"]
    user = client.post(
        "/users",
        json={"user": {"datastore_id": datastore["id"], "name": "app", "password": "S3cret-pa55word"}},
    ).json()["user"]
    while user["status"] != "ACTIVE":
        user = client.get(f"/users/{user['id']}").json()["user"]
    database = client.post(
        "/databases",
        json={"database": {"datastore_id": datastore["id"], "name": "app", "owner_id": user["id"]}},
    ).json()["database"]
    return {"datastore": datastore["id"], "database": database["id"]}


# -- the tests ------------------------------------------------------------------------------------


def test_provisioning(dbaas_mock: DbaasFake) -> None:
    made = provision_postgres(dbaas_mock.client, "orders")
    listed = dbaas_mock.client.get("/databases").json()["databases"]
    assert [d["id"] for d in listed] == [made["database"]]
    # what was called, in the style of unittest.mock
    dbaas_mock.journal.assert_called("create_datastore", times=1)
    dbaas_mock.journal.assert_order(["create_datastore", "create_user", "create_database"])
    # passwords never show in the journal
    assert dbaas_mock.journal.last("create_user").request_body["user"]["password"] == "***"


def test_every_test_starts_empty(dbaas_mock: DbaasFake) -> None:
    assert dbaas_mock.client.get("/datastores").json() == {"datastores": []}


@pytest.mark.dbaas(seed=42, token="team-a")
def test_settings_per_test(dbaas_mock: DbaasFake) -> None:
    assert dbaas_mock.client.headers["X-Auth-Token"] == "team-a"
    assert dbaas_mock.app.config.seed == 42


def test_async_code(dbaas_mock: DbaasFake) -> None:
    async def count_types(client: httpx.AsyncClient) -> int:
        return len((await client.get("/datastore-types")).json()["datastore-types"])

    assert asyncio.run(count_types(dbaas_mock.async_client)) > 0
