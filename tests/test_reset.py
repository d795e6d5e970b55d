"""A reset gives back the seeded catalog, whatever the admin changed, and forgets every object."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support import PARAMETER_FIELDS, ApiClient

from mock_server import create_app
from mock_server.validation import ResponseValidator


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


# -- isolation: every fake of a process starts from one shared seeded catalog (copy-on-write) ---------


def _fake(response_validator: ResponseValidator, seed: int = 0) -> tuple[ApiClient, ApiClient]:
    """A new fake: a client for a project and one for the admin."""
    app = create_app(seed=seed)
    return ApiClient(app, "a-token", response_validator), ApiClient(
        app, app.config.admin_token, response_validator
    )


def _named(client: ApiClient, collection: str, name: str) -> dict[str, Any]:
    (found,) = client.get(f"/{collection}?name={name}").json()[collection]
    return dict(found)


def _with_host(client: ApiClient) -> dict[str, Any]:
    return next(f for f in client.get("/flavors").json()["flavors"] if "host" in f)


def _ok(response: httpx.Response) -> None:
    assert response.status_code in (200, 204), response.text


PG = "postgresql"
HOST = {"line": "cpu-intel", "processor": "Xeon Gold 6354", "total_count": 3}


def _change(admin: ApiClient, change: str) -> None:
    """One admin change of the catalog (each kind of write the catalog has)."""
    flavor = admin.get("/flavors").json()["flavors"][0]
    if change == "create-flavor":
        body = {"name": "x-1", "vcpus": 1, "ram": 1024, "disk": 10, "fl_size": "standard",
                "datastore_type_ids": [admin.type_id(PG)]}  # fmt: skip
        _ok(admin.post("/flavors", json={"flavor": body}))
    elif change == "rename-flavor":
        _ok(admin.put(f"/flavors/{flavor['id']}", json={"flavor": {"name": "renamed", "description": "d"}}))
    elif change == "set-flavor-host":
        _ok(admin.put(f"/flavors/{flavor['id']}/host", json={"host": HOST}))
    elif change == "delete-flavor-host":
        _ok(admin.delete(f"/flavors/{_with_host(admin)['id']}/host"))
    elif change == "delete-flavor":
        _ok(admin.delete(f"/flavors/{flavor['id']}"))
    elif change == "create-parameter":
        body = {**PARAMETER_FIELDS, "datastore_type_id": admin.type_id(PG)}
        _ok(admin.post("/configuration-parameters", json={"configuration-parameter": body}))
    elif change == "delete-parameter":
        param = admin.get("/configuration-parameters").json()["configuration-parameters"][0]
        _ok(admin.delete(f"/configuration-parameters/{param['id']}"))
    elif change == "create-extension":
        body = {"name": "pg_cron", "datastore_type_ids": [admin.type_id(PG)]}
        _ok(admin.post("/available-extensions", json={"available-extension": body}))
    elif change == "update-extension":
        hstore = _named(admin, "available-extensions", "hstore")
        citext = _named(admin, "available-extensions", "citext")
        body = {"datastore_type_ids": [admin.type_id(PG, "15")], "dependency_ids": [citext["id"]]}
        _ok(admin.put(f"/available-extensions/{hstore['id']}", json={"available-extension": body}))
    else:
        assert change == "delete-extension"
        # cube is a dependency of earthdistance: its delete also changes earthdistance in place.
        _ok(admin.delete(f"/available-extensions/{_named(admin, 'available-extensions', 'cube')['id']}"))


CHANGES = [
    "create-flavor",
    "rename-flavor",
    "set-flavor-host",
    "delete-flavor-host",
    "delete-flavor",
    "create-parameter",
    "delete-parameter",
    "create-extension",
    "update-extension",
    "delete-extension",
]


@pytest.mark.parametrize("change", CHANGES)
def test_a_catalog_change_stays_in_its_fake(response_validator: ResponseValidator, change: str) -> None:
    client_a, admin_a = _fake(response_validator)
    client_b, _ = _fake(response_validator)
    seeded = _catalog(client_b)
    _change(admin_a, change)
    changed = _catalog(client_a)
    assert changed != seeded
    assert _catalog(client_b) == seeded  # a fake made before the change
    client_c, _ = _fake(response_validator)
    assert _catalog(client_c) == seeded  # and one made after it
    assert client_a.http.post("/__mock__/reset").status_code == 204
    assert _catalog(client_a) == seeded
    _change(admin_a, change)  # the same change again, after the reset, gives the same catalog
    assert _catalog(client_a) == changed
    assert _catalog(client_b) == _catalog(create_client(response_validator)) == seeded


def create_client(response_validator: ResponseValidator) -> ApiClient:
    return _fake(response_validator)[0]


def test_two_fakes_change_the_same_flavor_each_their_own_way(response_validator: ResponseValidator) -> None:
    client_a, admin_a = _fake(response_validator)
    client_b, admin_b = _fake(response_validator)
    flavor = client_a.get("/flavors").json()["flavors"][0]
    named = f"/flavors?name={flavor['name']}"
    same_name = [f["id"] for f in client_a.get(named).json()["flavors"]]
    _ok(admin_a.put(f"/flavors/{flavor['id']}", json={"flavor": {"name": "in-a"}}))
    _ok(admin_b.put(f"/flavors/{flavor['id']}/host", json={"host": HOST}))
    in_a = client_a.get(f"/flavors/{flavor['id']}").json()["flavor"]
    in_b = client_b.get(f"/flavors/{flavor['id']}").json()["flavor"]
    assert (in_a["name"], "host" in in_a) == ("in-a", "host" in flavor)
    assert (in_b["name"], in_b["host"]["available_count"]) == (flavor["name"], HOST["total_count"])
    # The name is indexed: each fake finds the flavor under its own name only.
    assert [f["id"] for f in client_a.get("/flavors?name=in-a").json()["flavors"]] == [flavor["id"]]
    assert [f["id"] for f in client_a.get(named).json()["flavors"]] == [
        i for i in same_name if i != flavor["id"]
    ]
    assert client_b.get("/flavors?name=in-a").json()["flavors"] == []
    assert [f["id"] for f in client_b.get(named).json()["flavors"]] == same_name


def test_a_failed_admin_change_changes_nothing_anywhere(response_validator: ResponseValidator) -> None:
    client_a, admin_a = _fake(response_validator)
    seeded = _catalog(client_a)
    missing = "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa"
    assert admin_a.put(f"/flavors/{missing}", json={"flavor": {"name": "x"}}).status_code == 404
    assert admin_a.delete(f"/available-extensions/{missing}").status_code == 404
    assert _catalog(client_a) == seeded == _catalog(create_client(response_validator))


def test_a_restored_catalog_stays_in_the_fake_it_was_restored_into(
    response_validator: ResponseValidator,
) -> None:
    client_a, admin_a = _fake(response_validator)
    client_b, _ = _fake(response_validator)
    seeded = _catalog(client_b)
    _change(admin_a, "delete-extension")
    _change(admin_a, "rename-flavor")
    changed = _catalog(client_a)
    document = client_a.http.get("/__mock__/state").json()
    assert client_b.http.put("/__mock__/state", json=document).status_code == 200
    assert _catalog(client_b) == changed
    assert _catalog(create_client(response_validator)) == seeded
    assert client_a.http.post("/__mock__/reset").status_code == 204
    assert _catalog(client_a) == seeded
    assert _catalog(client_b) == changed
    # A pristine catalog restored into a changed fake gives back the seeded one there only.
    pristine = create_client(response_validator).http.get("/__mock__/state").json()
    _change(admin_a, "create-flavor")
    assert client_a.http.put("/__mock__/state", json=pristine).status_code == 200
    assert _catalog(client_a) == seeded
    assert _catalog(client_b) == changed


def test_each_seed_has_its_own_shared_catalog(response_validator: ResponseValidator) -> None:
    zero, admin_zero = _fake(response_validator, seed=0)
    one, _ = _fake(response_validator, seed=1)
    seeded_one = _catalog(one)
    _change(admin_zero, "create-flavor")
    assert _catalog(one) == seeded_one == _catalog(_fake(response_validator, seed=1)[0])
    assert _catalog(zero) != _catalog(_fake(response_validator, seed=0)[0])
