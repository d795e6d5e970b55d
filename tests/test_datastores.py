"""Datastores: create per engine, the create rules, shapes, list filters, soft delete and isolation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from support import SUBNET_ID, ApiClient

from mock_server import create_app
from mock_server.ids import project_for_token
from mock_server.validation import ResponseValidator

UNKNOWN = "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa"
BAD_UUID = "20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
REDIS_PASSWORD = "quie7Hoh7ohTo[i0bae3Leeb4mai7ca6"
ENGINES = ("postgresql", "mysql", "mysql_native", "redis", "kafka")
#: Keys a fake datastore has beyond those of ``samples/datastore_get.json`` (SCHEMAS.md §1.1).
EXTRAS = {
    "creation_finished_at",
    "flavor_id",
    "allow_restore",
    "databases_count",
    "topics_count",
    "disk_used",
}
HOST = re.compile(r"[0-9a-f-]{36}\.ru-1\.c\.dbaas\.selcloud\.ru")


def sample(reference: Path, name: str) -> Any:
    return json.loads((reference / "samples" / f"{name}.json").read_text())


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["message"]


def state(client: ApiClient) -> Any:
    """What a failed call must leave unchanged: the datastores (deleted ones too), quotas, actions."""
    paths = ("/datastores", "/datastores?deleted=true", "/quotas", "/actions", "/databases")
    return [client.get(path).json() for path in paths]


def body(client: ApiClient, engine: str = "postgresql", **fields: Any) -> dict[str, Any]:
    """A valid create body for ``engine`` (a custom flavor, or a flavor id and a password for Redis)."""
    datastore: dict[str, Any] = {
        "name": f"ds-{engine.replace('_', '-')}",
        "type_id": client.type_id(engine),
        "subnet_id": SUBNET_ID,
        "node_count": 1,
    }
    if engine == "redis":
        datastore.update(flavor_id=client.flavor_id("redis"), redis_password=REDIS_PASSWORD)
    else:
        datastore["flavor"] = dict(FLAVOR)
    datastore.update(fields)
    return {"datastore": {k: v for k, v in datastore.items() if v is not None}}


# -- create per engine and shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "pooler", "backups", "allow_restore"),
    [
        ("postgresql", {"size": 30, "mode": "transaction"}, 7, True),
        ("mysql", None, 7, True),
        ("mysql_native", None, 7, True),
        ("redis", None, 7, True),
        ("kafka", None, None, False),
    ],
    ids=ENGINES,
)
def test_create_is_pending_then_active_with_the_engine_defaults(
    client: ApiClient, engine: str, pooler: dict[str, Any] | None, backups: int | None, allow_restore: bool
) -> None:
    sent = body(client, engine)["datastore"]
    response = client.post("/datastores", json={"datastore": sent})
    assert response.status_code == 200, response.text
    created = response.json()["datastore"]
    assert (created["status"], created["creation_finished_at"]) == ("PENDING_CREATE", None)
    ready = client.wait_active("datastores", "datastore", created["id"])
    assert ready["creation_finished_at"] is not None
    assert ready["pooler"] == pooler
    assert ready.get("backup_retention_days") == backups
    assert ("backup_retention_days" in ready) is (backups is not None)
    assert ready["allow_restore"] is allow_restore
    assert ready["flavor_id"] == sent.get("flavor_id")
    assert ready["flavor"]["disk_type"] == "local"
    assert (ready["name"], ready["type_id"], ready["subnet_id"]) == (sent["name"], sent["type_id"], SUBNET_ID)
    assert ready["project_id"] == project_for_token("test-token")
    assert (ready["enabled"], ready["is_maintenance"], ready["is_protected"]) == (True, False, False)
    assert (ready["firewall"], ready["security_groups"], ready["log_platform"], ready["config"]) == (
        [],
        [],
        None,
        {},
    )
    assert (ready["databases_count"], ready["topics_count"]) == (0, 0)
    assert 0 <= ready["disk_used"] <= ready["flavor"]["disk"]
    assert [(i["role"], i["floating_ip"], i["status"]) for i in ready["instances"]] == [
        ("MASTER", None, "ACTIVE")
    ]


@pytest.mark.parametrize("engine", ["postgresql", "kafka"], ids=["postgresql", "kafka"])
def test_keys_are_the_samples_plus_the_documented_extras(
    client: ApiClient, reference: Path, engine: str
) -> None:
    expected = set(sample(reference, "datastore_get")["datastore"]) | EXTRAS
    if engine == "kafka":
        expected.discard("backup_retention_days")
    instance_keys = set(sample(reference, "datastore_get")["datastore"]["instances"][0])
    created = client.create_datastore(engine)
    listed = client.get("/datastores").json()["datastores"][0]
    for datastore in (created, listed):
        assert set(datastore) == expected
        assert set(datastore["flavor"]) == {"vcpus", "ram", "disk", "disk_type"}
        assert all(set(i) == instance_keys for i in datastore["instances"])


@pytest.mark.parametrize(
    ("engine", "nodes"),
    [("postgresql", 3), ("postgresql", 6), ("mysql", 3), ("redis", 2)],
    ids=["pg-3", "pg-6", "mysql-3", "redis-2"],
)
def test_multinode_connection_and_instances(
    client: ApiClient, reference: Path, engine: str, nodes: int
) -> None:
    datastore = client.create_datastore(engine, node_count=nodes)
    connection = datastore["connection"]
    assert list(connection) == ["MASTER", "master", *(f"replica-{n}" for n in range(1, nodes))]
    if nodes == 3:
        assert list(connection) == list(
            sample(reference, "datastore_get_multinode")["datastore"]["connection"]
        )
    assert connection["MASTER"] == connection["master"] == f"master.{datastore['id']}.c.dbaas.selcloud.ru"
    assert connection["replica-1"] == f"replica-1.{datastore['id']}.c.dbaas.selcloud.ru"
    instances = datastore["instances"]
    assert [i["role"] for i in instances] == ["MASTER"] + ["REPLICA"] * (nodes - 1)
    assert all(HOST.fullmatch(i["hostname"]) and i["hostname"].startswith(i["id"]) for i in instances)
    ips = [i["ip"] for i in instances]
    assert len(set(ips)) == nodes
    assert all(ip.startswith("10.") for ip in ips)
    assert len({ip.rsplit(".", 1)[0] for ip in ips}) == 1


def test_create_with_every_option(client: ApiClient) -> None:
    source = client.create_datastore("postgresql", name="source")
    fields = {
        "name": "full",
        "node_count": 3,
        "flavor": {"vcpus": 2, "ram": 4096, "disk": 32},
        "disk": {"type": "network-ultra", "size": 40},
        "pooler": {"mode": "session"},
        "floating_ips": {"master": 1, "replica": 1},
        "security_groups": ["50d7bcf4-f8d6-4bf6-b8f6-46cb440a87f1", "50d7bcf4-f8d6-4bf6-b8f6-46cb440a87f0"],
        "log_platform": {"log_group": "s/dbaas/My-first-group"},
        "config": {"work_mem": 128, "xmloption": "content"},
        "backup_retention_days": 14,
        "restore": {"datastore_id": source["id"]},
    }
    created = client.create_datastore("postgresql", **fields)
    assert created["flavor"] == {"vcpus": 2, "ram": 4096, "disk": 40, "disk_type": "network-ultra"}
    assert created["pooler"] == {"size": 30, "mode": "session"}
    assert created["security_groups"] == fields["security_groups"]
    assert created["log_platform"] == {"log_group": "s/dbaas/My-first-group"}
    assert (created["config"], created["backup_retention_days"]) == (fields["config"], 14)
    floating = [i["floating_ip"] for i in created["instances"]]
    assert floating[2] is None
    assert floating[0] != floating[1]
    assert all(re.fullmatch(r"198\.1[89]\.\d+\.\d+", ip) for ip in floating[:2])


def test_a_flavor_id_gives_the_flavors_sizes(client: ApiClient) -> None:
    flavor_id = client.flavor_id("postgresql")
    flavor = client.get(f"/flavors/{flavor_id}").json()["flavor"]
    response = client.post("/datastores", json=body(client, flavor=None, flavor_id=flavor_id))
    created = client.wait_active("datastores", "datastore", response.json()["datastore"]["id"])
    assert created["flavor_id"] == flavor_id
    assert created["flavor"] == {k: flavor[k] for k in ("vcpus", "ram", "disk")} | {"disk_type": "local"}
    kafka_id = client.flavor_id("kafka")
    both = body(client, "kafka", flavor_id=kafka_id)
    sizes = client.get(f"/flavors/{kafka_id}").json()["flavor"]
    both["datastore"]["flavor"] = {k: sizes[k] for k in ("vcpus", "ram", "disk")}
    kafka = client.post("/datastores", json=both).json()["datastore"]
    assert kafka["flavor_id"] == kafka_id


# -- the create rules -------------------------------------------------------------------------------------

#: (engine, fields changed in the valid body (None removes), status, message with {placeholders}).
CREATE_ERRORS = [
    ("postgresql", {"type_id": BAD_UUID}, 400,
     "Validation failure: {'datastore.type_id': \"'20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f' is not a 'UUID'\"}"),
    ("postgresql", {"type_id": UNKNOWN}, 404, f"datastoretype {UNKNOWN} not found."),
    ("postgresql", {"project_id": UNKNOWN}, 400,
     f"Validation failure: project_id {UNKNOWN} does not match the token's project"),
    ("postgresql", {"pooler": {"size": 10}, "type_id": "{mysql_type}"}, 400,
     "Validation failure: pooler are not supported for datastores of engine mysql"),
    ("postgresql", {"redis_password": "secret"}, 400,
     "Validation failure: redis_password are not supported for datastores of engine postgresql"),
    ("kafka", {"restore": {"datastore_id": UNKNOWN}}, 400,
     "Validation failure: restore are not supported for datastores of engine kafka"),
    ("kafka", {"floating_ips": {"master": 1}}, 400,
     "Validation failure: floating_ips are not supported for datastores of engine kafka"),
    ("kafka", {"backup_retention_days": 7}, 400,
     "Validation failure: backups are not supported for datastores of engine kafka"),
    ("postgresql", {"node_count": 7}, 400,
     "Validation failure: node_count for engine postgresql must be from 1 to 6, got 7"),
    ("mysql", {"node_count": 2}, 400,
     "Validation failure: node_count for engine mysql must be one of 1, 3, got 2"),
    ("kafka", {"node_count": 3}, 400,
     "Validation failure: node_count for engine kafka must be exactly 1, got 3"),
    ("postgresql", {"flavor_id": "{pg_flavor}"}, 400,
     "Validation failure: give either flavor or flavor_id, not both"),
    ("postgresql", {"flavor": None}, 400, "Validation failure: one of flavor or flavor_id is required"),
    ("postgresql", {"flavor": None, "flavor_id": UNKNOWN}, 404, f"flavor {UNKNOWN} not found."),
    ("postgresql", {"flavor": None, "flavor_id": "{kafka_flavor}"}, 400,
     "Validation failure: flavor {kafka_flavor} is not available for datastore type {postgresql_type}"),
    ("kafka", {"flavor_id": "{kafka_flavor}", "flavor": {"vcpus": 64, "ram": 1, "disk": 1}}, 400,
     "Validation failure: flavor does not match flavor_id {kafka_flavor}"),
    ("redis", {"flavor_id": None}, 400,
     "Validation failure: flavor_id is required for datastores of engine redis"),
    ("redis", {"flavor": FLAVOR}, 400,
     "Validation failure: flavor is not supported for datastores of engine redis: give flavor_id"),
    ("redis", {"redis_password": None}, 400,
     "Validation failure: redis_password is required for datastores of engine redis"),
    ("postgresql", {"disk": {"type": "network-ultra"}}, 400,
     "Validation failure: disk.type 'network-ultra' does not match flavor.disk_type 'local'"),
    ("postgresql", {"node_count": 2, "floating_ips": {"replica": 2}}, 400,
     "Validation failure: floating_ips.replica must be at most 1 (node_count - 1), got 2"),
    ("postgresql", {"config": {"work_mem": 5}}, 400,
     "Validation failure: {'config.work_mem': '5 is less than the minimum of 64'}"),
    ("postgresql", {"restore": {"datastore_id": UNKNOWN}}, 404, f"datastore {UNKNOWN} not found."),
    ("postgresql", {"restore": {"datastore_id": "{mysql}"}}, 400,
     "Validation failure: restore.datastore_id {mysql} is a datastore of engine mysql, not postgresql"),
    ("mysql", {"restore": {"datastore_id": "{mysql}", "target_time": "2000-01-01T00:00:00"}}, 400,
     "Validation failure: restore.target_time must be between {mysql_created} and {now}"),
    ("mysql", {"restore": {"datastore_id": "{mysql}", "target_time": "yesterday"}}, 400,
     "Validation failure: restore.target_time 'yesterday' is not a timestamp"),
    ("mysql", {"name": "taken"}, 409, "datastore with name 'taken' already exists."),
]  # fmt: skip


def fill(value: Any, context: dict[str, str]) -> Any:
    """``value`` with every ``{name}`` of ``context`` replaced (in strings, dicts)."""
    if isinstance(value, str):
        for name, text in context.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, dict):
        return {k: fill(v, context) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("engine", "changes", "status", "expected"),
    CREATE_ERRORS,
    ids=["bad-uuid", "unknown-type", "other-project", "pooler-mysql", "password-pg", "restore-kafka",
         "floating-kafka", "backups-kafka", "pg-7-nodes", "mysql-2-nodes", "kafka-3-nodes", "both-flavors",
         "no-flavor", "unknown-flavor", "flavor-of-kafka", "kafka-flavor-mismatch", "redis-no-flavor-id",
         "redis-flavor-object", "redis-no-password", "disk-type-conflict", "too-many-replica-ips",
         "bad-config", "restore-unknown", "restore-other-engine", "restore-too-old", "restore-bad-time",
         "duplicate-name"],
)  # fmt: skip
def test_a_refused_create_answers_the_rule_and_changes_nothing(
    client: ApiClient, engine: str, changes: dict[str, Any], status: int, expected: str
) -> None:
    client.http.post("/__mock__/clock/set", json={"now": "2031-01-01T00:00:00", "frozen": True})
    mysql = client.create_datastore("mysql", name="taken")
    context = {
        "mysql": mysql["id"],
        "mysql_created": mysql["created_at"],
        "now": "2031-01-01T00:00:00",
        "mysql_type": client.type_id("mysql"),
        "postgresql_type": client.type_id("postgresql"),
        "pg_flavor": client.flavor_id("postgresql"),
        "kafka_flavor": client.flavor_id("kafka"),
    }
    before = state(client)
    response = client.post("/datastores", json=body(client, engine, **fill(changes, context)))
    assert error(response) == (status, fill(expected, context))
    assert state(client) == before


def test_a_refused_create_draws_no_id(client: ApiClient, response_validator: ResponseValidator) -> None:
    assert client.post("/datastores", json=body(client, node_count=9)).status_code == 400
    first = client.post("/datastores", json=body(client)).json()["datastore"]
    fresh = ApiClient(create_app(seed=0), "test-token", response_validator)
    assert fresh.post("/datastores", json=body(fresh)).json()["datastore"]["id"] == first["id"]


def test_names_are_unique_per_project_until_soft_deleted(client: ApiClient, other_client: ApiClient) -> None:
    first = client.create_datastore("postgresql", name="shared")
    assert other_client.create_datastore("postgresql", name="shared")["project_id"] != first["project_id"]
    assert client.delete(f"/datastores/{first['id']}").status_code == 204
    taken = (409, "datastore with name 'shared' already exists.")
    assert error(client.post("/datastores", json=body(client, name="shared"))) == taken
    assert client.get(f"/datastores/{first['id']}").status_code == 404
    assert client.create_datastore("postgresql", name="shared")["id"] != first["id"]


# -- get, delete, soft-deleted listing, isolation -----------------------------------------------------------


@pytest.mark.parametrize("path_id", [UNKNOWN, "not-a-uuid"], ids=["unknown", "malformed"])
def test_get_of_an_unknown_datastore_is_404(client: ApiClient, path_id: str) -> None:
    assert error(client.get(f"/datastores/{path_id}")) == (404, f"datastore {path_id} not found.")


def test_delete_is_pending_then_404_then_listed_as_deleted(client: ApiClient) -> None:
    datastore = client.create_datastore("postgresql", name="doomed")
    owner = client.create("users", "user", {"datastore_id": datastore["id"], "name": "u", "password": "p4ss"})
    assert client.http.put("/__mock__/lifecycle", json={"mode": "reads", "reads": 2}).status_code == 200
    response = client.delete(f"/datastores/{datastore['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get("/users").json()["users"] == []
    assert client.get(f"/users/{owner['id']}").status_code == 404
    assert client.get(f"/datastores/{datastore['id']}").json()["datastore"]["status"] == "PENDING_DELETE"
    assert error(client.delete(f"/datastores/{datastore['id']}")) == (
        409, f"datastore {datastore['id']} is not ACTIVE (status: PENDING_DELETE).")  # fmt: skip
    gone = client.get(f"/datastores/{datastore['id']}")
    assert error(gone) == (404, f"datastore {datastore['id']} not found.")
    assert gone.json()["error"]["code"] == 404
    assert client.get("/datastores").json()["datastores"] == []
    deleted = client.get("/datastores", params={"deleted": "true"}).json()["datastores"]
    assert [(d["id"], d["status"]) for d in deleted] == [(datastore["id"], "DELETED")]
    assert error(client.delete(f"/datastores/{datastore['id']}"))[0] == 404
    assert error(client.put(f"/datastores/{datastore['id']}", json={"datastore": {"name": "x"}}))[0] == 404


def test_a_datastore_in_a_failure_status_can_be_deleted_but_not_while_busy(client: ApiClient) -> None:
    datastore = client.create_datastore("postgresql")
    assert client.put(f"/datastores/{datastore['id']}", json={"datastore": {"name": "x"}}).status_code == 200
    assert error(client.delete(f"/datastores/{datastore['id']}")) == (
        409, f"datastore {datastore['id']} is not ACTIVE (status: PENDING_UPDATE).")  # fmt: skip
    client.wait_active("datastores", "datastore", datastore["id"])
    forced = client.http.post("/__mock__/faults/status", json={"id": datastore["id"], "status": "ERROR"})
    assert forced.status_code == 200
    failed = client.get(f"/datastores/{datastore['id']}").json()["datastore"]
    assert (failed["status"], failed["instances"][0]["status"]) == ("ERROR", "ERROR")
    assert client.delete(f"/datastores/{datastore['id']}").status_code == 204


def test_deleted_listing_only_with_deleted_true(client: ApiClient) -> None:
    kept, gone = (
        client.create_datastore("postgresql", name="kept"),
        client.create_datastore("mysql", name="gone"),
    )
    assert client.delete(f"/datastores/{gone['id']}").status_code == 204

    def names(**params: Any) -> list[str]:
        return [d["name"] for d in client.get("/datastores", params=params).json()["datastores"]]

    assert names(deleted="true") == ["gone"]  # the first look settles the delete: listed at once
    assert client.get(f"/datastores/{gone['id']}").status_code == 404

    assert names() == names(deleted="false") == ["kept"]
    assert names(deleted="true") == names(deleted="true", status="DELETED") == ["gone"]
    assert names(status="DELETED") == names(deleted="true", status="ACTIVE") == []
    assert names(deleted="true", name="kept") == []
    assert names(name="kept") == [kept["name"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["pg", "redis", "kafka"]),
        ({"name": "redis"}, ["redis"]),
        ({"status": "ACTIVE"}, ["pg", "redis", "kafka"]),
        ({"status": "PENDING_UPDATE"}, []),
        ({"enabled": "true"}, ["pg", "redis", "kafka"]),
        ({"enabled": "false"}, []),
        ({"type_id": "{kafka_type}"}, ["kafka"]),
        ({"flavor_id": "{redis_flavor}"}, ["redis"]),
        ({"subnet_id": SUBNET_ID}, ["pg", "redis", "kafka"]),
        ({"subnet_id": UNKNOWN}, []),
        ({"allow_restore": "false"}, ["kafka"]),
        ({"allow_restore": "true", "name": "pg"}, ["pg"]),
        ({"is_maintenance": "false"}, ["pg", "redis", "kafka"]),
        ({"is_protected": "true"}, []),
        ({"id": "{pg}"}, ["pg"]),
        ({"id": UNKNOWN}, []),
        ({"project_id": "{project}"}, ["pg", "redis", "kafka"]),
        ({"project_id": "0" * 32}, []),
        ({"unknown_filter": "x"}, ["pg", "redis", "kafka"]),
    ],
    ids=["all", "name", "status", "status-none", "enabled", "not-enabled", "type", "flavor", "subnet",
         "other-subnet", "no-restore", "restore-and-name", "maintenance", "protected", "id", "unknown-id",
         "own-project", "other-project", "unknown-filter"],
)  # fmt: skip
def test_list_filters_match_exactly(client: ApiClient, params: dict[str, str], expected: list[str]) -> None:
    made = {e: client.create_datastore(e, name=n) for e, n in (("postgresql", "pg"), ("redis", "redis"),
                                                                ("kafka", "kafka"))}  # fmt: skip
    context = {
        "pg": made["postgresql"]["id"],
        "kafka_type": client.type_id("kafka"),
        "redis_flavor": client.flavor_id("redis"),
        "project": made["postgresql"]["project_id"],
    }
    query = {k: fill(v, context) for k, v in params.items()}
    assert [d["name"] for d in client.get("/datastores", params=query).json()["datastores"]] == expected


def test_another_project_sees_nothing(client: ApiClient, other_client: ApiClient) -> None:
    datastore = client.create_datastore("postgresql", node_count=2)
    path = f"/datastores/{datastore['id']}"
    missing = (404, f"datastore {datastore['id']} not found.")
    assert other_client.get("/datastores").json() == {"datastores": []}
    assert other_client.get("/datastores", params={"id": datastore["id"]}).json() == {"datastores": []}
    for response in (
        other_client.get(path),
        other_client.put(path, json={"datastore": {"name": "stolen"}}),
        other_client.post(f"{path}/resize", json={"resize": {"node_count": 1}}),
        other_client.put(f"{path}/security-groups", json={"security_groups": []}),
        other_client.get(f"{path}/metrics"),
        other_client.delete(path),
    ):
        assert error(response) == missing
    assert client.get(path).json()["datastore"] == datastore
