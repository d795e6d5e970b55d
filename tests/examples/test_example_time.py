"""Example: the fake's time (README.md, "Time").

Pending objects settle on the first read by default (``reads``); in ``time`` mode they take
realistic durations of the fake's clock (a datastore create: 5 minutes), which a test moves forward
at will; in ``manual`` mode they settle only when told.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from mock_server.control import ClockHandle
from mock_server.intercept import DbaasFake

SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"


def create_cluster(client: httpx.Client) -> str:
    types = client.get("/datastore-types").json()["datastore-types"]
    type_id = [t["id"] for t in types if t["engine"] == "postgresql"][-1]
    flavor = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
    fields = {"name": "c", "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": flavor}
    return str(client.post("/datastores", json={"datastore": fields}).json()["datastore"]["id"])


def status(client: httpx.Client, datastore_id: str) -> str:
    return str(client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"])


@pytest.mark.dbaas(lifecycle="time")
def test_a_create_takes_five_minutes_of_fake_time(dbaas_mock: DbaasFake, dbaas_clock: ClockHandle) -> None:
    dbaas_clock.freeze()
    datastore_id = create_cluster(dbaas_mock.client)
    dbaas_clock.advance(4 * 60)
    assert status(dbaas_mock.client, datastore_id) == "PENDING_CREATE"
    dbaas_clock.advance(60)
    assert status(dbaas_mock.client, datastore_id) == "ACTIVE"


def test_timestamps_follow_the_clock(dbaas_mock: DbaasFake, dbaas_clock: ClockHandle) -> None:
    dbaas_clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    dbaas_clock.freeze()
    datastore_id = create_cluster(dbaas_mock.client)
    created = dbaas_mock.client.get(f"/datastores/{datastore_id}").json()["datastore"]["created_at"]
    assert created == "2030-01-01T00:00:00"


def test_manual_mode(dbaas_mock: DbaasFake, dbaas_clock: ClockHandle) -> None:
    dbaas_clock.mode = "manual"
    datastore_id = create_cluster(dbaas_mock.client)
    assert status(dbaas_mock.client, datastore_id) == "PENDING_CREATE"
    assert dbaas_clock.settle() == [datastore_id]
    assert status(dbaas_mock.client, datastore_id) == "ACTIVE"


def test_over_http(dbaas_mock: DbaasFake) -> None:
    control = dbaas_mock.control  # the same calls work with curl against a live server
    control.put("/__mock__/lifecycle", json={"mode": "time", "durations": {"datastore": {"create": 10}}})
    control.post("/__mock__/clock/freeze")
    datastore_id = create_cluster(dbaas_mock.client)
    control.post("/__mock__/clock/advance", json={"seconds": 10})
    assert status(dbaas_mock.client, datastore_id) == "ACTIVE"
