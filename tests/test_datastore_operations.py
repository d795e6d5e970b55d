"""Datastore sub-operations: the provider's create and update flows, each operation's rules, resize."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import SUBNET_ID, ApiClient

from mock_server.ids import project_for_token

UNKNOWN = "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa"
GROUPS = ["50d7bcf4-f8d6-4bf6-b8f6-46cb440a87f1", "50d7bcf4-f8d6-4bf6-b8f6-46cb440a87f0"]
NEW_PASSWORD = "ohf1xi$geiSh7ae8eixush5roo:sho4n"
REDIS_PASSWORD = "quie7Hoh7ohTo[i0bae3Leeb4mai7ca6"


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["message"]


def sample_message(reference: Path, name: str) -> str:
    return str(json.loads((reference / "samples" / f"{name}.json").read_text())["error"]["message"])


def request_sample(reference: Path, name: str) -> Any:
    return json.loads((reference / "samples" / "derived" / f"{name}.request.json").read_text())


def listing(client: ApiClient) -> Any:
    return [client.get(path).json() for path in ("/datastores", "/quotas", "/actions")]


def step(
    client: ApiClient, method: str, path: str, body: Any, pending: str | None, datastore_id: str = ""
) -> dict[str, Any]:
    """One provider step: the call answers the datastore in ``pending`` (or 204), then wait for ACTIVE."""
    response = client.request(method, path, json=body)
    if pending is None:
        assert (response.status_code, response.content) == (204, b""), response.text
    else:
        assert response.status_code == 200, response.text
        assert response.json()["datastore"]["status"] == pending
    return client.wait_active("datastores", "datastore", datastore_id or path.split("/")[2])


# -- the provider's update flows (BEHAVIOUR.md §6.2) ------------------------------------------------------


def test_terraform_postgresql_update_flow(client: ApiClient, reference: Path) -> None:
    created = client.create_datastore(
        "postgresql", name="tf-acc-ds-1", config={"transform_null_equals": True}
    )
    ds = f"/datastores/{created['id']}"
    renamed = step(client, "PUT", ds, {"datastore": {"name": "tf-acc-ds-2"}}, "PENDING_UPDATE")
    assert renamed["name"] == "tf-acc-ds-2"
    pooled = step(
        client, "PUT", f"{ds}/pooler", request_sample(reference, "sdk_datastore_pooler"), "PENDING_UPDATE"
    )
    assert pooled["pooler"] == {"size": 50, "mode": "transaction"}
    walled = step(
        client, "PUT", f"{ds}/firewall", request_sample(reference, "sdk_datastore_firewall"), "PENDING_UPDATE"
    )
    assert walled["firewall"] == [{"ip": "127.0.0.1"}, {"ip": "127.0.0.2"}]
    resize = request_sample(reference, "tf_postgresql_datastore_resize_flavor")
    resized = step(client, "POST", f"{ds}/resize", resize, "RESIZING")
    assert resized["flavor"] == {"vcpus": 2, "ram": 8192, "disk": 32, "disk_type": "local"}
    config = request_sample(reference, "tf_postgresql_datastore_config_update")
    configured = step(client, "PUT", f"{ds}/config", config, "PENDING_UPDATE")
    assert configured["config"] == {"vacuum_cost_delay": 20, "work_mem": 256, "xmloption": "content"}
    backups = request_sample(reference, "sdk_datastore_backups")
    assert step(client, "PUT", f"{ds}/backups", backups, "PENDING_UPDATE")["backup_retention_days"] == 14
    master = configured["instances"][0]["id"]
    floating = step(
        client, "POST", "/floating-ips", {"floating_ip": {"instance_id": master}}, None, created["id"]
    )
    assert floating["instances"][0]["floating_ip"] is not None
    groups = client.put(f"{ds}/security-groups", json={"security_groups": GROUPS})
    assert groups.status_code == 200
    assert (groups.json()["datastore"]["status"], groups.json()["datastore"]["security_groups"]) == (
        "ACTIVE",
        GROUPS,
    )
    logs = request_sample(reference, "sdk_datastore_log_platform_enable")
    logged = step(client, "PUT", f"{ds}/log-platform", logs, "PENDING_UPDATE")
    assert logged["log_platform"] == {"log_group": "s/dbaas/My-first-group"}
    assert step(client, "DELETE", f"{ds}/log-platform", None, None)["log_platform"] is None
    final = client.get(ds).json()["datastore"]
    assert (final["name"], final["security_groups"], final["creation_finished_at"]) == (
        "tf-acc-ds-2", GROUPS, created["creation_finished_at"])  # fmt: skip


def test_terraform_redis_update_flow(client: ApiClient, reference: Path) -> None:
    created = client.create_datastore("redis")
    ds = f"/datastores/{created['id']}"
    response = client.put(f"{ds}/password", json=request_sample(reference, "sdk_datastore_password"))
    assert response.json()["datastore"]["status"] == "PENDING_UPDATE"
    assert NEW_PASSWORD not in response.text
    client.wait_active("datastores", "datastore", created["id"])
    flavors = client.get("/flavors").json()["flavors"]
    bigger = next(f for f in flavors if created["type_id"] in f["datastore_type_ids"] and f["ram"] > 4096)
    resized = step(
        client, "POST", f"{ds}/resize", {"resize": {"flavor_id": bigger["id"], "node_count": 2}}, "RESIZING"
    )
    assert resized["flavor_id"] == bigger["id"]
    assert resized["flavor"] == {"vcpus": bigger["vcpus"], "ram": bigger["ram"], "disk": bigger["disk"],
                                 "disk_type": "local"}  # fmt: skip
    assert [i["role"] for i in resized["instances"]] == ["MASTER", "REPLICA"]
    assert list(resized["connection"]) == ["MASTER", "master", "replica-1"]
    assert NEW_PASSWORD not in json.dumps(resized)
    snapshot = client.http.get("/__mock__/state").text
    assert NEW_PASSWORD not in snapshot
    assert "quie7Hoh7ohTo[i0bae3Leeb4mai7ca6" not in snapshot


@pytest.mark.parametrize(
    "name", ["tf_postgresql_datastore_create", "tf_mysql_datastore_create", "tf_redis_datastore_create",
             "tf_kafka_datastore_create"],
    ids=["postgresql", "mysql", "redis", "kafka"],
)  # fmt: skip
def test_terraform_reads_back_what_it_sent(client: ApiClient, reference: Path, name: str) -> None:
    sent = request_sample(reference, name)["datastore"]
    engine = name.split("_")[1]
    sent.update(
        type_id=client.type_id(engine), subnet_id=SUBNET_ID, project_id=project_for_token("test-token")
    )
    sent["name"] = f"tf-acc-ds-{engine}"
    if "flavor_id" in sent:
        sent["flavor_id"] = client.flavor_id(engine)
    response = client.post("/datastores", json={"datastore": sent})
    assert response.status_code == 200, response.text
    read = client.wait_active("datastores", "datastore", response.json()["datastore"]["id"])
    for key in ("name", "project_id", "subnet_id", "type_id", "node_count", "config", "flavor_id"):
        if key in sent:
            assert read[key] == sent[key], key
    if "flavor" in sent:
        assert read["flavor"] == sent["flavor"]
    assert read.get("backup_retention_days") == sent.get(
        "backup_retention_days", None if engine == "kafka" else 7
    )
    assert (read["security_groups"], read["log_platform"], read["enabled"]) == ([], None, True)
    assert REDIS_PASSWORD not in response.text + json.dumps(read)


# -- every operation: its pending status, no-op bodies, busy datastores, engines ---------------------------

#: (method, path suffix, body, engine, pending status).
OPERATIONS = [
    ("PUT", "", {"datastore": {"name": "renamed"}}, "postgresql", "PENDING_UPDATE"),
    ("PUT", "", {}, "postgresql", "PENDING_UPDATE"),
    ("POST", "/resize", {"resize": {"node_count": 2}}, "postgresql", "RESIZING"),
    ("POST", "/resize", {"resize": {}}, "postgresql", "RESIZING"),
    ("PUT", "/config", {"config": {"work_mem": 256}}, "postgresql", "PENDING_UPDATE"),
    ("PUT", "/config", {}, "postgresql", "PENDING_UPDATE"),
    ("PUT", "/pooler", {"pooler": {}}, "postgresql", "PENDING_UPDATE"),
    ("PUT", "/firewall", {"firewall": {"ips": []}}, "mysql", "PENDING_UPDATE"),
    ("PUT", "/password", {"password": {"redis_password": NEW_PASSWORD}}, "redis", "PENDING_UPDATE"),
    ("PUT", "/backups", {"backups": {}}, "mysql_native", "PENDING_UPDATE"),
    ("PUT", "/log-platform", {"log_platform": {"log_group": "s/dbaas/g"}}, "kafka", "PENDING_UPDATE"),
    ("DELETE", "/log-platform", None, "kafka", None),
]
OPERATION_IDS = ["rename", "rename-empty", "resize", "resize-empty", "config", "config-empty", "pooler-empty",
                 "firewall", "password", "backups-empty", "log-platform", "log-platform-off"]  # fmt: skip


@pytest.mark.parametrize(("method", "suffix", "body", "engine", "pending"), OPERATIONS, ids=OPERATION_IDS)
def test_each_operation_answers_its_pending_status(
    client: ApiClient, method: str, suffix: str, body: Any, engine: str, pending: str | None
) -> None:
    created = client.create_datastore(engine)
    response = client.request(method, f"/datastores/{created['id']}{suffix}", json=body)
    if pending is None:
        assert response.status_code == 204
        pending = "PENDING_UPDATE"
    else:
        assert response.json()["datastore"]["status"] == pending
    assert client.get("/datastores").json()["datastores"][0]["status"] in (pending, "ACTIVE")
    assert client.wait_active("datastores", "datastore", created["id"])["updated_at"] >= created["updated_at"]


@pytest.mark.parametrize(("method", "suffix", "body", "engine", "pending"), OPERATIONS, ids=OPERATION_IDS)
def test_a_busy_datastore_refuses_every_operation_and_stays_unchanged(
    client: ApiClient, method: str, suffix: str, body: Any, engine: str, pending: str | None
) -> None:
    created = client.create_datastore(engine)
    assert client.http.put("/__mock__/lifecycle", json={"mode": "manual"}).status_code == 200
    assert client.put(f"/datastores/{created['id']}", json={"datastore": {"name": "busy"}}).status_code == 200
    before = listing(client)
    response = client.request(method, f"/datastores/{created['id']}{suffix}", json=body)
    assert error(response) == (409, f"datastore {created['id']} is not ACTIVE (status: PENDING_UPDATE).")
    assert response.json()["error"]["title"] == "Conflict"
    assert listing(client) == before


def test_security_groups_never_change_the_status_and_work_when_busy(client: ApiClient) -> None:
    created = client.create_datastore("postgresql")
    path = f"/datastores/{created['id']}"
    assert client.put(path, json={"datastore": {"name": "busy"}}).status_code == 200
    response = client.put(f"{path}/security-groups", json={"security_groups": [*GROUPS, GROUPS[0]]})
    assert (response.json()["datastore"]["status"], response.json()["datastore"]["security_groups"]) == (
        "PENDING_UPDATE", GROUPS)  # fmt: skip
    cleared = client.put(f"{path}/security-groups", json={"security_groups": []})
    assert cleared.json()["datastore"]["status"] == "PENDING_UPDATE"
    assert client.wait_active("datastores", "datastore", created["id"])["security_groups"] == []
    assert client.delete(path).status_code == 204
    deleting = client.put(f"{path}/security-groups", json={"security_groups": GROUPS})
    assert (deleting.status_code, deleting.json()["datastore"]["status"]) == (200, "PENDING_DELETE")


#: (engine, method, suffix, body, message).
ENGINE_RULES = [
    ("mysql", "PUT", "/pooler", {"pooler": {"size": 10}},
     "pooler are not supported for datastores of engine mysql"),
    ("redis", "PUT", "/pooler", {"pooler": {}}, "pooler are not supported for datastores of engine redis"),
    ("postgresql", "PUT", "/password", {"password": {"redis_password": "x"}},
     "redis_password are not supported for datastores of engine postgresql"),
    ("kafka", "PUT", "/backups", {"backups": {"backup_retention_days": 3}},
     "backups are not supported for datastores of engine kafka"),
    ("redis", "POST", "/resize", {"resize": {"flavor": {"vcpus": 2, "ram": 4096, "disk": 32}}},
     "flavor is not supported for datastores of engine redis: give flavor_id"),
    ("postgresql", "POST", "/resize", {"resize": {"node_count": 7}},
     "node_count for engine postgresql must be from 1 to 6, got 7"),
    ("mysql", "POST", "/resize", {"resize": {"node_count": 2}},
     "node_count for engine mysql must be one of 1, 3, got 2"),
    ("kafka", "POST", "/resize", {"resize": {"node_count": 2}},
     "node_count for engine kafka must be exactly 1, got 2"),
    ("postgresql", "POST", "/resize", {"resize": {"flavor_id": "{pg_flavor}", "flavor": {"vcpus": 2, "ram": 1,
     "disk": 32}}}, "give either flavor or flavor_id, not both"),
    ("postgresql", "POST", "/resize", {"resize": {"flavor_id": "{redis_flavor}"}},
     "flavor {redis_flavor} is not available for datastore type {type_id}"),
    ("postgresql", "POST", "/resize", {"resize": {"disk": {"size": 31}}},
     "disk cannot shrink: 31 GB is less than the current 32 GB"),
    ("postgresql", "POST", "/resize", {"resize": {"flavor": {"vcpus": 2, "ram": 4096, "disk": 20}}},
     "disk cannot shrink: 20 GB is less than the current 32 GB"),
    ("postgresql", "PUT", "/config", {"config": {"work_mem": "lots"}},
     "{'config.work_mem': \"'lots' is not of type 'integer'\"}"),
    ("postgresql", "PUT", "/firewall", {"firewall": {"ips": [f"10.0.0.{n}" for n in range(101)]}},
     "firewall takes at most 100 ips, got 101"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("engine", "method", "suffix", "body", "message"),
    ENGINE_RULES,
    ids=["pooler-mysql", "pooler-redis", "password-pg", "backups-kafka", "resize-redis-flavor", "resize-pg-7",
         "resize-mysql-2", "resize-kafka-2", "resize-both", "resize-other-type", "resize-disk-shrink",
         "resize-flavor-shrink", "config-bad-value", "firewall-too-many"],
)  # fmt: skip
def test_a_refused_operation_is_400_and_changes_nothing(
    client: ApiClient, engine: str, method: str, suffix: str, body: Any, message: str
) -> None:
    created = client.create_datastore(engine)
    context = {"pg_flavor": client.flavor_id("postgresql"), "redis_flavor": client.flavor_id("redis"),
               "type_id": created["type_id"]}  # fmt: skip
    text = json.dumps(body)
    for name, value in context.items():
        text, message = text.replace("{" + name + "}", value), message.replace("{" + name + "}", value)
    before = listing(client)
    response = client.request(method, f"/datastores/{created['id']}{suffix}", json=json.loads(text))
    assert error(response) == (400, f"Validation failure: {message}")
    assert listing(client) == before


@pytest.mark.parametrize(
    ("method", "suffix", "body", "sample"),
    [
        ("PUT", "", {"datastore": {"name": ""}}, "error_400_datastore_name_too_short"),
        ("POST", "/resize", {"resize": {"node_count": 0}},
         "error_400_datastore_resize_node_count_below_minimum"),
        ("POST", "/resize", "sdk_datastore_resize_with_disk_type_rejected",
         "error_400_datastore_resize_flavor_disk_type_unexpected"),
        ("PUT", "/pooler", {"pooler": {"mode": "abc"}}, "error_400_datastore_pooler_invalid_mode"),
    ],
    ids=["name-too-short", "node-count-zero", "resize-disk-type", "pooler-mode"],
)  # fmt: skip
def test_the_sdk_sample_messages(
    client: ApiClient, reference: Path, method: str, suffix: str, body: Any, sample: str
) -> None:
    created = client.create_datastore("postgresql")
    payload = request_sample(reference, body) if isinstance(body, str) else body
    response = client.request(method, f"/datastores/{created['id']}{suffix}", json=payload)
    assert error(response) == (400, sample_message(reference, sample))
    assert error(client.get(f"/datastores/{UNKNOWN}")) == (404, f"datastore {UNKNOWN} not found.")


# -- what each operation does -------------------------------------------------------------------------------


def test_resize_adds_and_removes_replicas(client: ApiClient) -> None:
    created = client.create_datastore("postgresql", node_count=2, floating_ips={"master": 1, "replica": 1})
    path = f"/datastores/{created['id']}"
    grown = step(client, "POST", f"{path}/resize", {"resize": {"node_count": 4}}, "RESIZING")
    assert [i["id"] for i in grown["instances"][:2]] == [i["id"] for i in created["instances"]]
    assert len({i["id"] for i in grown["instances"]}) == len({i["ip"] for i in grown["instances"]}) == 4
    assert list(grown["connection"])[2:] == ["replica-1", "replica-2", "replica-3"]
    shrunk = step(client, "POST", f"{path}/resize", {"resize": {"node_count": 1}}, "RESIZING")
    assert shrunk["instances"] == [created["instances"][0]]
    assert (shrunk["node_count"], list(shrunk["connection"])) == (1, ["MASTER", "master"])
    removed = created["instances"][1]["id"]
    assert error(client.post("/floating-ips", json={"floating_ip": {"instance_id": removed}})) == (
        404, f"instance {removed} not found.")  # fmt: skip


def test_resize_flavor_kinds_and_disk(client: ApiClient) -> None:
    created = client.create_datastore("postgresql", flavor={"vcpus": 2, "ram": 4096, "disk": 32,
                                                            "disk_type": "network-ultra"})  # fmt: skip
    path = f"/datastores/{created['id']}/resize"
    flavor_id = client.flavor_id("postgresql")
    flavor = client.get(f"/flavors/{flavor_id}").json()["flavor"]
    by_id = step(client, "POST", path, {"resize": {"flavor_id": flavor_id, "disk": {"size": 64}}}, "RESIZING")
    sizes = {"vcpus": flavor["vcpus"], "ram": flavor["ram"], "disk": 64, "disk_type": "network-ultra"}
    assert (by_id["flavor_id"], by_id["flavor"]) == (flavor_id, sizes)
    custom = step(
        client, "POST", path, {"resize": {"flavor": {"vcpus": 4, "ram": 8192, "disk": 64}}}, "RESIZING"
    )
    assert (custom["flavor_id"], custom["flavor"]["vcpus"], custom["flavor"]["disk_type"]) == (
        None,
        4,
        "network-ultra",
    )


def test_config_merges_and_null_resets(client: ApiClient) -> None:
    created = client.create_datastore("postgresql", config={"work_mem": 128, "xmloption": "content"})
    path = f"/datastores/{created['id']}/config"
    merged = step(client, "PUT", path, {"config": {"vacuum_cost_delay": 25}}, "PENDING_UPDATE")
    assert merged["config"] == {"work_mem": 128, "xmloption": "content", "vacuum_cost_delay": 25}
    reset = step(
        client, "PUT", path, {"config": {"work_mem": None, "transform_null_equals": None}}, "PENDING_UPDATE"
    )
    assert reset["config"] == {"xmloption": "content", "vacuum_cost_delay": 25}


def test_pooler_changes_given_keys_and_empty_resets(client: ApiClient) -> None:
    created = client.create_datastore("postgresql", pooler={"size": 80, "mode": "statement"})
    path = f"/datastores/{created['id']}/pooler"
    assert created["pooler"] == {"size": 80, "mode": "statement"}
    assert step(client, "PUT", path, {"pooler": {"mode": "session"}}, "PENDING_UPDATE")["pooler"] == {
        "size": 80, "mode": "session"}  # fmt: skip
    assert step(client, "PUT", path, {"pooler": {}}, "PENDING_UPDATE")["pooler"] == {
        "size": 30,
        "mode": "transaction",
    }


@pytest.mark.parametrize(
    ("ips", "expected"),
    [(["10.0.0.0/24", "1.2.3.4", "10.0.0.0/24"], ["10.0.0.0/24", "1.2.3.4"]), ([], []), (None, [])],
    ids=["dedupe-in-order", "empty-clears", "null-clears"],
)
def test_firewall_replaces_the_list(client: ApiClient, ips: list[str] | None, expected: list[str]) -> None:
    created = client.create_datastore("postgresql")
    path = f"/datastores/{created['id']}/firewall"
    assert step(client, "PUT", path, {"firewall": {"ips": ["9.9.9.9"]}}, "PENDING_UPDATE")["firewall"] == [
        {"ip": "9.9.9.9"}]  # fmt: skip
    assert step(client, "PUT", path, {"firewall": {"ips": ips}}, "PENDING_UPDATE")["firewall"] == [
        {"ip": ip} for ip in expected]  # fmt: skip


def test_rename_keeps_names_unique_and_frees_the_old_one(client: ApiClient) -> None:
    first, second = client.create_datastore(name="first"), client.create_datastore(name="second")
    before = listing(client)
    clash = client.put(f"/datastores/{second['id']}", json={"datastore": {"name": "first"}})
    assert error(clash) == (409, "datastore with name 'first' already exists.")
    assert listing(client) == before
    step(client, "PUT", f"/datastores/{first['id']}", {"datastore": {"name": "first"}}, "PENDING_UPDATE")
    step(client, "PUT", f"/datastores/{first['id']}", {"datastore": {"name": "third"}}, "PENDING_UPDATE")
    assert step(client, "PUT", f"/datastores/{second['id']}", {"datastore": {"name": "first"}},
                "PENDING_UPDATE")["name"] == "first"  # fmt: skip
