"""State snapshots: every object of every kind comes back with its status and phase, the clock, the
lifecycle settings, queued outcomes and tokens; nothing secret is written; bad documents change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_server.intercept import DbaasFake

SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
SECRETS = ("Snapshot-User-Pa55word!", "Snapshot-Redis-Pa55word-123456789", "Kafka-User-Pa55word!")
TOKEN = "snapshot-token"
LISTS = (
    ("/datastores", "datastores"),
    ("/databases", "databases"),
    ("/users", "users"),
    ("/grants", "grants"),
    ("/extensions", "extensions"),
    ("/logical-replication-slots", "logical-replication-slots"),
    ("/topics", "topics"),
    ("/acls", "acls"),
    ("/prometheus-metrics-tokens", "prometheus-metrics-tokens"),
    ("/flavors", "flavors"),
    ("/actions", "actions"),
    ("/quotas", "quotas"),
)


class World:
    """A fake with something of every kind in it (built over HTTP)."""

    def __init__(self, fake: DbaasFake) -> None:
        self.fake = fake
        self.client = fake.client
        self.ids: dict[str, str] = {}
        types = self.client.get("/datastore-types").json()["datastore-types"]
        self.types = {t["engine"]: t["id"] for t in types}

    def post(self, collection: str, wrapper: str, fields: dict[str, Any], key: str) -> str:
        response = self.client.post(f"/{collection}", json={wrapper: fields})
        assert response.status_code in (200, 201), response.text
        self.ids[key] = str(response.json()[wrapper]["id"])
        self.fake.settle()
        return self.ids[key]

    def datastore(self, engine: str, key: str, **extra: Any) -> str:
        fields = {"name": key, "type_id": self.types[engine], "subnet_id": SUBNET, "node_count": 1, **extra}
        if "flavor_id" not in extra:
            fields["flavor"] = FLAVOR
        return self.post("datastores", "datastore", fields, key)

    def build(self) -> None:
        fake = self.fake
        fake.controller.register_token(TOKEN, "5" * 32)
        fake.controller.register_token("snapshot-admin", admin=True)
        pg = self.datastore("postgresql", "pg")
        owner = self.post(
            "users", "user", {"datastore_id": pg, "name": "owner", "password": SECRETS[0]}, "owner"
        )
        db = self.post("databases", "database", {"datastore_id": pg, "name": "app", "owner_id": owner}, "db")
        reader = self.post(
            "users", "user", {"datastore_id": pg, "name": "reader", "password": SECRETS[0]}, "reader"
        )
        self.post("grants", "grant", {"datastore_id": pg, "database_id": db, "user_id": reader}, "grant")
        available = self.client.get("/available-extensions").json()["available-extensions"]
        extension = next(e for e in available if self.types["postgresql"] in e["datastore_type_ids"])
        self.post(
            "extensions",
            "extension",
            {"datastore_id": pg, "database_id": db, "available_extension_id": extension["id"]},
            "extension",
        )
        self.post(
            "logical-replication-slots",
            "logical-replication-slot",
            {"datastore_id": pg, "database_id": db, "name": "slot1"},
            "slot",
        )
        kafka = self.datastore("kafka", "kafka")
        producer = self.post(
            "users", "user", {"datastore_id": kafka, "name": "producer", "password": SECRETS[2]}, "producer"
        )
        self.post("topics", "topic", {"datastore_id": kafka, "name": "events", "partitions": 3}, "topic")
        self.post(
            "acls",
            "acl",
            {
                "datastore_id": kafka,
                "user_id": producer,
                "pattern": "events",
                "pattern_type": "literal",
                "allow_read": True,
                "allow_write": False,
            },
            "acl",
        )
        flavors = self.client.get("/flavors").json()["flavors"]
        redis_flavor = next(f["id"] for f in flavors if self.types["redis"] in f["datastore_type_ids"])
        self.datastore("redis", "redis", flavor_id=redis_flavor, redis_password=SECRETS[1])
        self.post("prometheus-metrics-tokens", "prometheus-metrics-token", {"name": "metrics"}, "metrics")
        admin = fake.client_for("snapshot-admin")
        flavor = {
            "name": "snap-flavor",
            "vcpus": 3,
            "ram": 3072,
            "disk": 30,
            "fl_size": "standard",
            "datastore_type_ids": [self.types["postgresql"]],
        }
        assert admin.post("/flavors", json={"flavor": flavor}).status_code in (200, 201)
        broken = self.datastore("postgresql", "broken")
        fake.force_status(broken, "DISK_FULL")
        gone = self.datastore("postgresql", "gone")
        assert self.client.delete(f"/datastores/{gone}").status_code in (200, 202, 204)
        fake.settle()
        fake.clock.configure(kinds={"user": "manual"}, durations={"datastore": {"resize": 42}})
        self.post_pending(pg)
        fake.fail_next("topic", "ERROR")
        fake.clock.set("2031-03-04T05:06:07")
        fake.clock.freeze()

    def post_pending(self, datastore_id: str) -> None:
        response = self.client.post(
            "/users", json={"user": {"datastore_id": datastore_id, "name": "pending", "password": SECRETS[0]}}
        )
        assert response.status_code == 200, response.text
        self.ids["pending"] = response.json()["user"]["id"]


def _reads(client: httpx.Client, ids: dict[str, str]) -> list[Any]:
    """The same sequence of reads, to compare two fakes."""
    out: list[Any] = []
    for path, _ in LISTS:
        response = client.get(path)
        out.append((path, response.status_code, response.json()))
    for key in ("pg", "kafka", "redis", "broken", "gone"):
        response = client.get(f"/datastores/{ids[key]}")
        out.append((key, response.status_code, response.json()))
    out.append(client.get(f"/users/{ids['pending']}").json())
    return out


@pytest.fixture
def world(dbaas_mock: DbaasFake) -> World:
    built = World(dbaas_mock)
    built.build()
    return built


@pytest.fixture
def other() -> Iterator[DbaasFake]:
    fake = DbaasFake()
    yield fake
    fake.close()


def test_a_restored_fake_answers_exactly_as_the_original(world: World, other: DbaasFake) -> None:
    document = world.fake.control.get("/__mock__/state").json()
    restored = other.control.put("/__mock__/state", json=document)
    assert restored.status_code == 200
    assert restored.json()["now"] == "2031-03-04T05:06:07"
    assert restored.json()["objects"]["datastores.table"] == 5
    assert _reads(other.client, world.ids) == _reads(world.client, world.ids)
    assert other.snapshot() == world.fake.snapshot()


def test_statuses_and_phases_come_back(world: World, other: DbaasFake) -> None:
    other.restore(world.fake.snapshot())
    client, ids = other.client, world.ids
    assert client.get(f"/datastores/{ids['broken']}").json()["datastore"]["status"] == "DISK_FULL"
    assert client.get(f"/datastores/{ids['pg']}").json()["datastore"]["status"] == "ACTIVE"
    assert client.get(f"/datastores/{ids['gone']}").status_code == 404
    assert client.get(f"/users/{ids['pending']}").json()["user"]["status"] == "PENDING_CREATE"
    assert other.settle() == [ids["pending"]]
    assert client.get(f"/users/{ids['pending']}").json()["user"]["status"] == "ACTIVE"


def test_clock_lifecycle_outcomes_and_tokens_come_back(world: World, other: DbaasFake) -> None:
    other.restore(world.fake.snapshot())
    assert other.controller.clock() == {"now": "2031-03-04T05:06:07", "frozen": True}
    lifecycle = other.controller.lifecycle()
    assert (lifecycle["kinds"], lifecycle["durations"]["datastore"]["resize"]) == ({"user": "manual"}, 42)
    assert other.controller.pending_outcomes() == {"topic": ["ERROR"]}
    assert {t["token"] for t in other.controller.tokens()} == {TOKEN, "snapshot-admin"}
    assert other.controller.project_of(TOKEN) == "5" * 32
    assert (
        other.client_for("snapshot-admin").delete("/flavors/00000000-0000-4000-8000-000000000000").status_code
        == 404
    )


def test_a_time_mode_phase_completes_on_the_restored_clock(dbaas_mock: DbaasFake, other: DbaasFake) -> None:
    dbaas_mock.clock.freeze()
    dbaas_mock.clock.mode = "time"
    world = World(dbaas_mock)
    fields = {
        "name": "slow",
        "type_id": world.types["postgresql"],
        "subnet_id": SUBNET,
        "node_count": 1,
        "flavor": FLAVOR,
    }
    datastore_id = dbaas_mock.client.post("/datastores", json={"datastore": fields}).json()["datastore"]["id"]
    dbaas_mock.clock.advance(200)
    other.restore(dbaas_mock.snapshot())
    assert other.client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "PENDING_CREATE"
    other.clock.advance(99)
    assert other.client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "PENDING_CREATE"
    other.clock.advance(1)
    assert other.client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "ACTIVE"


def test_new_ids_after_a_restore_continue_the_sequence(world: World, other: DbaasFake) -> None:
    other.restore(world.fake.snapshot())
    fields = {
        "name": "after",
        "type_id": world.types["postgresql"],
        "subnet_id": SUBNET,
        "node_count": 1,
        "flavor": FLAVOR,
    }
    original = world.client.post("/datastores", json={"datastore": fields}).json()["datastore"]["id"]
    copy = other.client.post("/datastores", json={"datastore": fields}).json()["datastore"]["id"]
    assert original == copy
    assert copy not in world.ids.values()


def test_restore_goes_back_in_time(world: World) -> None:
    document = world.fake.snapshot()
    world.fake.clock.advance(86_400)
    world.fake.restore(document)
    assert world.fake.controller.clock()["now"] == "2031-03-04T05:06:07"


def test_no_secret_is_written(world: World) -> None:
    text = world.fake.control.get("/__mock__/state").text
    for secret in SECRETS:
        assert secret not in text
    assert json.loads(text)["format"] == "dbaas-mock/state"


def _bad(document: dict[str, Any], case: str) -> Any:
    bad = json.loads(json.dumps(document))
    if case == "format":
        bad["format"] = "something-else"
    elif case == "version":
        bad["version"] = 99
    elif case == "foreign-class":
        bad["objects"]["datastores.table"]["records"][0]["$dc"] = "os:system"
    elif case == "unknown-table":
        bad["objects"]["nothing.table"] = {"records": []}
    elif case == "dangling-reference":
        bad["objects"]["users.table"]["records"].append({"$ref": 99999})
    elif case == "bad-time":
        bad["now"] = "yesterday"
    elif case == "bad-mode":
        bad["lifecycle"]["mode"] = "warp"
    elif case == "not-an-object":
        bad = ["format"]
    return bad


@pytest.mark.parametrize(
    "case",
    [
        "format",
        "version",
        "foreign-class",
        "unknown-table",
        "dangling-reference",
        "bad-time",
        "bad-mode",
        "not-an-object",
    ],
)
def test_a_bad_document_is_400_and_changes_nothing(world: World, case: str) -> None:
    before = world.fake.snapshot()
    response = world.fake.control.put("/__mock__/state", json=_bad(before, case))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"].startswith("Validation failure:")
    assert world.fake.snapshot() == before


def test_invalid_json_is_400(dbaas_mock: DbaasFake) -> None:
    response = dbaas_mock.control.put(
        "/__mock__/state", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


def test_save_and_load_a_file(world: World, other: DbaasFake, tmp_path: Any) -> None:
    target = tmp_path / "nested" / "state.json"
    saved = world.fake.controller.save_state(target)
    assert saved["path"] == str(target)
    assert saved["objects"] > 0
    other.controller.load_state(target)
    assert _reads(other.client, world.ids) == _reads(world.client, world.ids)


def test_save_over_http_needs_a_state_file(dbaas_mock: DbaasFake, tmp_path: Any) -> None:
    assert dbaas_mock.control.post("/__mock__/state/save").status_code == 409
    dbaas_mock.app.state_file = tmp_path / "state.json"
    response = dbaas_mock.control.post("/__mock__/state/save")
    assert response.status_code == 200
    assert json.loads((tmp_path / "state.json").read_text())["format"] == "dbaas-mock/state"
