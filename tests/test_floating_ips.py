"""Floating IPs: attach and detach over HTTP, the provider's diff flow, their rules and their addresses."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
from support import ApiClient

UNKNOWN = "7d959e48-4d42-41cd-8515-aae0a8482d8d"


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["message"]


def call(client: ApiClient, method: str, instance_id: str) -> Any:
    return client.request(method, "/floating-ips", json={"floating_ip": {"instance_id": instance_id}})


def floating(client: ApiClient, datastore_id: str) -> list[str | None]:
    """The floating IP of each instance, after waiting for the datastore to be ACTIVE."""
    datastore = client.wait_active("datastores", "datastore", datastore_id)
    return [i["floating_ip"] for i in datastore["instances"]]


def listing(client: ApiClient) -> Any:
    return [client.get(path).json() for path in ("/datastores", "/actions")]


def test_attach_then_detach(client: ApiClient) -> None:
    datastore = client.create_datastore("postgresql")
    master = datastore["instances"][0]["id"]
    response = call(client, "POST", master)
    assert (response.status_code, response.content) == (204, b"")
    address = floating(client, datastore["id"])[0]
    assert address is not None
    parsed = ipaddress.IPv4Address(address)
    assert not parsed.is_private or parsed in ipaddress.IPv4Network("198.18.0.0/15")
    assert not str(parsed).startswith(("10.", "192.168.", "127."))
    assert (call(client, "DELETE", master).status_code, floating(client, datastore["id"])) == (204, [None])


def test_the_datastore_is_pending_update_after_each_call(client: ApiClient) -> None:
    datastore = client.create_datastore("mysql")
    master = datastore["instances"][0]["id"]
    assert client.http.put("/__mock__/lifecycle", json={"mode": "reads", "reads": 2}).status_code == 200
    assert call(client, "POST", master).status_code == 204
    assert client.get(f"/datastores/{datastore['id']}").json()["datastore"]["status"] == "PENDING_UPDATE"
    assert error(call(client, "DELETE", master)) == (
        409, f"datastore {datastore['id']} is not ACTIVE (status: PENDING_UPDATE).")  # fmt: skip
    assert floating(client, datastore["id"])[0] is not None
    actions = client.get("/actions", params={"name": "create_floating_ip"}).json()["actions"]
    assert [(a["datastore_id"], a["status"]) for a in actions] == [(datastore["id"], "SUCCESS")]


def test_terraform_floating_ip_diff_flow(client: ApiClient) -> None:
    """BEHAVIOUR.md §6.2: from {master 1, replica 1} to {master 0, replica 2}, one call and one wait each."""
    datastore = client.create_datastore("postgresql", node_count=3, floating_ips={"master": 1, "replica": 1})
    master, first, second = (i["id"] for i in datastore["instances"])
    before = [i["floating_ip"] for i in datastore["instances"]]
    assert [ip is None for ip in before] == [False, False, True]
    assert call(client, "POST", second).status_code == 204
    after_add = floating(client, datastore["id"])
    assert after_add[:2] == before[:2]
    assert after_add[2] not in (None, *before)
    assert call(client, "DELETE", master).status_code == 204
    assert floating(client, datastore["id"]) == [None, *after_add[1:]]
    assert first != second


def test_addresses_are_unique_and_deterministic(client: ApiClient, other_client: ApiClient) -> None:
    made = [c.create_datastore("postgresql", node_count=2, floating_ips={"master": 1, "replica": 1})
            for c in (client, client, other_client)]  # fmt: skip
    addresses = [i["floating_ip"] for d in made for i in d["instances"]]
    assert len(set(addresses)) == len(addresses) == 6
    assert call(client, "DELETE", made[0]["instances"][0]["id"]).status_code == 204
    client.wait_active("datastores", "datastore", made[0]["id"])
    assert call(client, "POST", made[0]["instances"][0]["id"]).status_code == 204
    assert floating(client, made[0]["id"])[0] == addresses[0]


def test_the_sdk_request_and_404_message(client: ApiClient, reference: Path) -> None:
    request = json.loads(
        (reference / "samples/derived/sdk_floating_ip_create_or_delete.request.json").read_text()
    )
    message = json.loads((reference / "samples/error_404_instance_not_found.json").read_text())["error"][
        "message"
    ]
    for method in ("POST", "DELETE"):
        response = client.request(method, "/floating-ips", json=request)
        assert error(response) == (404, message.replace("%s", request["floating_ip"]["instance_id"]))


@pytest.mark.parametrize(
    ("case", "method", "status", "message"),
    [
        ("unknown", "POST", 404, f"instance {UNKNOWN} not found."),
        ("other-project", "POST", 404, "instance {id} not found."),
        ("bad-uuid", "POST", 400,
         "Validation failure: {'floating_ip.instance_id': \"'abc' is not a 'UUID'\"}"),
        ("kafka", "POST", 400,
         "Validation failure: floating_ips are not supported for datastores of engine kafka"),
        ("busy", "POST", 409, "datastore {datastore} is not ACTIVE (status: PENDING_UPDATE)."),
        ("already", "POST", 409, "instance {id} already has a floating IP ({address})."),
        ("none", "DELETE", 409, "instance {id} has no floating IP."),
        ("deleted", "DELETE", 404, "instance {id} not found."),
    ],
    ids=["unknown", "other-project", "bad-uuid", "kafka", "busy", "already", "none", "deleted"],
)  # fmt: skip
def test_refused_calls_change_nothing(
    client: ApiClient, other_client: ApiClient, case: str, method: str, status: int, message: str
) -> None:
    engine = "kafka" if case == "kafka" else "postgresql"
    owner = other_client if case == "other-project" else client
    options = {"floating_ips": {"master": 1}} if case == "already" else {}
    datastore = owner.create_datastore(engine, **options)
    instance = datastore["instances"][0]
    instance_id = {"unknown": UNKNOWN, "bad-uuid": "abc"}.get(case, instance["id"])
    if case == "busy":
        assert client.http.put("/__mock__/lifecycle", json={"mode": "manual"}).status_code == 200
        assert (
            client.put(f"/datastores/{datastore['id']}", json={"datastore": {"name": "x"}}).status_code == 200
        )
    if case == "deleted":
        assert client.delete(f"/datastores/{datastore['id']}").status_code == 204
        assert client.get(f"/datastores/{datastore['id']}").status_code == 404
    before = listing(client)
    context = {"{id}": instance_id, "{datastore}": datastore["id"], "{address}": str(instance["floating_ip"])}
    for key, value in context.items():
        message = message.replace(key, value)
    assert error(call(client, method, instance_id)) == (status, message)
    assert listing(client) == before


def test_an_instance_id_without_dashes_is_accepted(client: ApiClient) -> None:
    datastore = client.create_datastore("redis")
    compact = datastore["instances"][0]["id"].replace("-", "").upper()
    assert call(client, "POST", compact).status_code == 204
    assert floating(client, datastore["id"])[0] is not None


def test_floating_ips_survive_a_state_save_and_restore(client: ApiClient) -> None:
    datastore = client.create_datastore("postgresql", node_count=2, floating_ips={"master": 1})
    replica = datastore["instances"][1]["id"]
    document = client.http.get("/__mock__/state").json()
    assert client.http.post("/__mock__/reset").status_code == 204
    assert error(call(client, "POST", replica))[0] == 404
    assert client.http.put("/__mock__/state", json=document).status_code == 200
    assert call(client, "POST", replica).status_code == 204
    addresses = floating(client, datastore["id"])
    assert addresses[0] == datastore["instances"][0]["floating_ip"]
    assert addresses[1] not in (None, addresses[0])
