"""Example: faults (README.md, "Faults").

Test how a client copes with rate limits, outages, hung-up connections and clusters that fail.
"""

from __future__ import annotations

import time

import httpx
import pytest

from mock_server.intercept import DbaasFake

SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"


# -- the code under test: a client that retries ---------------------------------------------------


def get_with_retries(client: httpx.Client, path: str, attempts: int = 5) -> httpx.Response:
    """GET with retries on 429/5xx (honouring Retry-After, capped) and on dropped connections."""
    for _ in range(attempts):
        try:
            response = client.get(path)
        except httpx.RemoteProtocolError:
            continue
        if response.status_code != 429 and response.status_code < 500:
            return response
        time.sleep(min(float(response.headers.get("Retry-After", "0")), 0.01))
    raise RuntimeError(f"gave up after {attempts} attempts")


def create_cluster(client: httpx.Client) -> dict[str, str]:
    types = client.get("/datastore-types").json()["datastore-types"]
    type_id = [t["id"] for t in types if t["engine"] == "postgresql"][-1]
    flavor = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
    fields = {"name": "c", "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": flavor}
    datastore: dict[str, str] = client.post("/datastores", json={"datastore": fields}).json()["datastore"]
    return datastore


# -- the tests ------------------------------------------------------------------------------------


def test_rate_limit_then_success(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.rate_limit("list_datastores", retry_after=1, first=2)  # 429, 429, then normal
    assert get_with_retries(dbaas_mock.client, "/datastores").status_code == 200
    dbaas_mock.journal.assert_called("list_datastores", times=3)


def test_dropped_connections_and_outages(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.drop("list_datastores", first=1)
    dbaas_mock.faults.unavailable("list_datastores", after=1, first=1)
    assert get_with_retries(dbaas_mock.client, "/datastores").status_code == 200
    assert [e.status for e in dbaas_mock.journal.calls("list_datastores")] == [0, 503, 200]


def test_flaky_but_deterministic(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.error("list_datastores", 500, probability=0.5, seed=1)  # same seed, same failures
    assert get_with_retries(dbaas_mock.client, "/datastores", attempts=50).status_code == 200


def test_giving_up(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.faults.unavailable("list_datastores")
    with pytest.raises(RuntimeError, match="gave up"):
        get_with_retries(dbaas_mock.client, "/datastores")


def test_a_cluster_that_fails_to_create(dbaas_mock: DbaasFake) -> None:
    dbaas_mock.fail_next("datastore", "ERROR")
    datastore = create_cluster(dbaas_mock.client)
    assert dbaas_mock.client.get(f"/datastores/{datastore['id']}").json()["datastore"]["status"] == "ERROR"


def test_a_cluster_whose_disk_fills_up(dbaas_mock: DbaasFake) -> None:
    datastore = create_cluster(dbaas_mock.client)
    dbaas_mock.settle()
    dbaas_mock.force_status(datastore["id"], "DISK_FULL")
    assert (
        dbaas_mock.client.get(f"/datastores/{datastore['id']}").json()["datastore"]["status"] == "DISK_FULL"
    )
    dbaas_mock.force_status(datastore["id"], "ACTIVE")
    assert dbaas_mock.client.get(f"/datastores/{datastore['id']}").json()["datastore"]["status"] == "ACTIVE"
