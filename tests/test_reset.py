"""A reset gives back the seeded catalog, whatever the admin changed, and forgets every object."""

from __future__ import annotations

import pytest
from support import ApiClient


def _catalog(client: ApiClient) -> dict[str, object]:
    return {
        name: client.get(f"/{name}").json()
        for name in ("datastore-types", "flavors", "configuration-parameters", "available-extensions")
    }


@pytest.mark.parametrize(
    "change",
    ["none", "create-flavor", "rename-flavor", "delete-flavor", "delete-available-extension"],
    ids=lambda c: c,
)
def test_reset_restores_the_seeded_catalog(client: ApiClient, admin_client: ApiClient, change: str) -> None:
    seeded = _catalog(client)
    flavor = client.get("/flavors").json()["flavors"][0]
    extension = client.get("/available-extensions").json()["available-extensions"][0]
    if change == "create-flavor":
        body = {
            "name": "x-1",
            "vcpus": 1,
            "ram": 1024,
            "disk": 10,
            "fl_size": "standard",
            "datastore_type_ids": [],
        }
        assert admin_client.post("/flavors", json={"flavor": body}).status_code == 200
    elif change == "rename-flavor":
        assert (
            admin_client.put(f"/flavors/{flavor['id']}", json={"flavor": {"name": "renamed"}}).status_code
            == 200
        )
    elif change == "delete-flavor":
        assert admin_client.delete(f"/flavors/{flavor['id']}").status_code == 204
    elif change == "delete-available-extension":
        assert admin_client.delete(f"/available-extensions/{extension['id']}").status_code == 204
    assert (_catalog(client) == seeded) is (change == "none")
    assert client.http.post("/__mock__/reset").status_code == 204
    assert _catalog(client) == seeded
