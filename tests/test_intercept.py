"""Interception of the real regional endpoints: httpx (sync, async) and requests reach in-process
fakes, one per region, with no change to the calling code."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
import respx

from mock_server.intercept import REGIONS, Interception, intercept_dbaas, region_url
from mock_server.server import LiveServer

SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
TOKEN = {"X-Auth-Token": "client-code-token"}


# -- code under test: it knows nothing of the fake ----------------------------------------------------


def _body(type_id: str, name: str) -> dict[str, Any]:
    fields = {"name": name, "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": FLAVOR}
    return {"datastore": fields}


def create_with_httpx(region: str, name: str) -> str:
    base = f"https://{region}.dbaas.selcloud.ru/v1"
    with httpx.Client(base_url=base, headers=TOKEN) as client:
        types = client.get("/datastore-types").json()["datastore-types"]
        type_id = next(t["id"] for t in types if t["engine"] == "postgresql")
        created = client.post("/datastores", json=_body(type_id, name))
        created.raise_for_status()
        return str(created.json()["datastore"]["id"])


async def create_with_async_httpx(region: str, name: str) -> str:
    base = f"https://{region}.dbaas.selcloud.ru/v1"
    async with httpx.AsyncClient(base_url=base, headers=TOKEN) as client:
        types = (await client.get("/datastore-types")).json()["datastore-types"]
        type_id = next(t["id"] for t in types if t["engine"] == "postgresql")
        created = await client.post("/datastores", json=_body(type_id, name))
        created.raise_for_status()
        return str(created.json()["datastore"]["id"])


def create_with_requests(region: str, name: str) -> str:
    base = f"https://{region}.dbaas.selcloud.ru/v1"
    with requests.Session() as session:
        session.headers.update(TOKEN)
        types = session.get(f"{base}/datastore-types").json()["datastore-types"]
        type_id = next(t["id"] for t in types if t["engine"] == "postgresql")
        created = session.post(f"{base}/datastores", json=_body(type_id, name))
        created.raise_for_status()
        return str(created.json()["datastore"]["id"])


def list_names(region: str) -> list[str]:
    response = requests.get(f"https://{region}.dbaas.selcloud.ru/v1/datastores", headers=TOKEN, timeout=5)
    return [d["name"] for d in response.json()["datastores"]]


CREATORS = {
    "httpx": create_with_httpx,
    "async-httpx": lambda region, name: asyncio.run(create_with_async_httpx(region, name)),
    "requests": create_with_requests,
}


@pytest.fixture
def fakes() -> Iterator[Interception]:
    with intercept_dbaas() as interception:
        yield interception


@pytest.mark.parametrize("library", sorted(CREATORS))
def test_calls_reach_the_fake_of_their_region(fakes: Interception, library: str) -> None:
    datastore_id = CREATORS[library]("ru-7", f"via-{library}")
    fake = fakes["ru-7"]
    entry = fake.journal.assert_called_once("create_datastore")
    assert entry.response_body["datastore"]["id"] == datastore_id
    assert fake.controller.project_of("client-code-token") == entry.project_id
    assert list_names("ru-7") == [f"via-{library}"]


def test_each_region_is_its_own_fake(fakes: Interception) -> None:
    create_with_httpx("ru-1", "in-ru-1")
    create_with_requests("kz-1", "in-kz-1")
    assert list_names("ru-1") == ["in-ru-1"]
    assert list_names("kz-1") == ["in-kz-1"]
    assert list_names("uz-1") == []
    assert set(fakes.created()) == {"ru-1", "kz-1", "uz-1"}
    first = fakes["ru-1"].journal.last("create_datastore").response_body["datastore"]["id"]
    second = fakes["kz-1"].journal.last("create_datastore").response_body["datastore"]["id"]
    assert first != second


def test_every_region_is_intercepted(fakes: Interception) -> None:
    assert list(fakes) == list(REGIONS) == ["ru-1", "ru-2", "ru-3", "ru-7", "ru-8", "ru-9", "uz-1", "kz-1"]
    for region in REGIONS:
        response = httpx.get(f"{region_url(region)}/limits", headers=TOKEN)
        assert response.status_code == 200
        assert fakes[region].app.config.region == region


def test_the_fakes_handles_work_under_interception(fakes: Interception) -> None:
    fakes["ru-2"].faults.rate_limit("create_datastore", retry_after=5)
    with pytest.raises(httpx.HTTPStatusError) as failure:
        create_with_httpx("ru-2", "limited")
    assert failure.value.response.status_code == 429
    assert failure.value.response.headers["retry-after"] == "5"
    fakes["ru-2"].faults.clear()
    fakes["ru-2"].clock.mode = "manual"
    datastore_id = create_with_requests("ru-2", "slow")
    status = httpx.get(f"{region_url('ru-2')}/datastores/{datastore_id}", headers=TOKEN).json()["datastore"][
        "status"
    ]
    assert status == "PENDING_CREATE"


GETTERS: dict[str, Any] = {
    "httpx": lambda url: httpx.get(url, headers=TOKEN),
    "requests": lambda url: requests.get(url, headers=TOKEN, timeout=5),
}


@pytest.mark.parametrize(
    ("library", "error"),
    [("httpx", httpx.RemoteProtocolError), ("requests", requests.exceptions.ChunkedEncodingError)],
    ids=["httpx", "requests"],
)
def test_a_dropped_connection_reaches_the_caller_as_the_library_reports_it(
    fakes: Interception, library: str, error: type[Exception]
) -> None:
    fakes["ru-3"].faults.drop("list_datastores")
    url = f"{region_url('ru-3')}/datastores"
    call = GETTERS[library]
    with pytest.raises(error):
        call(url)


def test_head_requests(fakes: Interception) -> None:
    url = f"{region_url('ru-1')}/datastore-types"
    assert requests.head(url, headers=TOKEN, timeout=5).status_code == 200
    assert httpx.head(url, headers=TOKEN).status_code == 200


def test_other_hosts_pass_through(fakes: Interception) -> None:
    with LiveServer() as server:
        assert httpx.get(f"{server.url}/limits", headers=TOKEN).status_code == 200
        assert requests.get(f"{server.url}/limits", headers=TOKEN, timeout=5).status_code == 200
        server.journal.assert_called("get_limits", times=2)


def test_without_passthrough_other_hosts_fail() -> None:
    with LiveServer() as server, intercept_dbaas(passthrough=False):
        with pytest.raises(respx.models.AllMockedAssertionError):
            httpx.get(f"{server.url}/limits")
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(f"{server.url}/limits", timeout=5)
        server.journal.assert_not_called()


def test_own_respx_routes_live_beside_the_fakes(fakes: Interception) -> None:
    fakes.respx.get("https://auth.example.test/token").respond(200, json={"token": "abc"})
    assert httpx.get("https://auth.example.test/token").json() == {"token": "abc"}
    assert httpx.get(f"{region_url('ru-1')}/limits", headers=TOKEN).status_code == 200


def test_only_the_regions_asked_for() -> None:
    with intercept_dbaas(["ru-9"]) as fakes:
        assert list(fakes) == ["ru-9"]
        assert httpx.get(f"{region_url('ru-9')}/limits", headers=TOKEN).status_code == 200
        with pytest.raises(KeyError):
            fakes["ru-1"]
    with pytest.raises(ValueError, match="unknown regions"):
        intercept_dbaas(["mars-1"])


def test_settings_reach_every_region() -> None:
    seen: list[str] = []
    with intercept_dbaas(
        seed=5, lifecycle="manual", setup=lambda fake: seen.append(fake.app.config.region)
    ) as fakes:
        assert fakes["ru-8"].app.config.seed == 5 + REGIONS.index("ru-8")
        assert fakes["ru-8"].clock.mode == "manual"
    assert seen == ["ru-8"]


def test_interception_stops_when_the_block_ends() -> None:
    with intercept_dbaas() as fakes:
        assert fakes.active
    assert not fakes.active
    with pytest.raises(RuntimeError, match="not active"):
        fakes.respx  # noqa: B018


def test_a_decorated_function_gets_fresh_fakes_at_every_call() -> None:
    @intercept_dbaas(regions=["ru-1"])
    def count_after_create(name: str) -> int:
        create_with_httpx("ru-1", name)
        return len(list_names("ru-1"))

    assert count_after_create("a") == 1
    assert count_after_create("b") == 1


def test_a_decorated_coroutine() -> None:
    @intercept_dbaas(regions=["ru-1"])
    async def create(name: str) -> str:
        return await create_with_async_httpx("ru-1", name)

    first = asyncio.run(create("x"))
    second = asyncio.run(create("x"))
    assert first == second


async def _async_block() -> list[str]:
    async with intercept_dbaas(regions=["uz-1"]):
        await create_with_async_httpx("uz-1", "from-async-with")
        async with httpx.AsyncClient() as client:
            response = await client.get(f"{region_url('uz-1')}/datastores", headers=TOKEN)
        return [d["name"] for d in response.json()["datastores"]]


def test_async_with() -> None:
    assert asyncio.run(_async_block()) == ["from-async-with"]
