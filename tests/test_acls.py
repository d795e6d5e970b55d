"""Kafka ACLs over HTTP: patterns, the read-or-write rule, users, cascades, errors, isolation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from support import BAD_UUID, UNKNOWN, ApiClient, World, lifecycle, message, not_found_sample, sample

PASSWORD = "Zq7-very-secret-passw0rd"
READ_OR_WRITE = "Validation failure: At least one of these fields (allow_read, allow_write) must be true"


def snapshot(client: ApiClient) -> dict[str, Any]:
    return {c: client.get(f"/{c}").json() for c in ("acls", "users", "topics", "datastores")}


def fill(value: Any, world: World) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return re.sub(r"\{(\w+)\}", lambda m: world.get(m[1], m[0]), value) if isinstance(value, str) else value


def user(client: ApiClient, datastore_id: str, name: str) -> str:
    fields = {"datastore_id": datastore_id, "name": name, "password": PASSWORD}
    return str(client.create("users", "user", fields)["id"])


def acl(client: ApiClient, world: World, **fields: Any) -> str:
    body = {
        "datastore_id": world["kafka"],
        "user_id": world["alice"],
        "allow_read": True,
        "allow_write": True,
    }
    body.update(fields)
    return str(client.create("acls", "acl", fill(body, world))["id"])


@pytest.fixture
def world(client: ApiClient) -> World:
    """Kafka datastores ``kafka`` (users ``alice``, ``bob``; alice reads topic ``orders``) and ``kafka2``."""
    kafka, kafka2 = (client.create_datastore("kafka")["id"] for _ in range(2))
    world = {"kafka": kafka, "kafka2": kafka2}
    world["alice"], world["bob"] = user(client, kafka, "alice"), user(client, kafka, "bob")
    world["carol"] = user(client, kafka2, "carol")
    world["orders"] = acl(client, world, pattern="orders", pattern_type="literal", allow_write=False)
    return world


@pytest.mark.parametrize(
    ("pattern_type", "pattern"),
    [("literal", "tf_acc_topic_1"), ("prefixed", "logs."), ("all", None)],
    ids=["literal", "prefixed", "all"],
)
def test_create_is_pending_then_active_with_the_sample_shape(
    client: ApiClient, reference: Path, world: World, pattern_type: str, pattern: str | None
) -> None:
    fields: dict[str, Any] = {
        "datastore_id": world["kafka"],
        "user_id": world["bob"],
        "pattern_type": pattern_type,
        "allow_read": False,
        "allow_write": True,
    }
    if pattern is not None:
        fields["pattern"] = pattern
    response = client.post("/acls", json={"acl": fields})
    assert response.status_code == 200
    created = response.json()["acl"]
    expected_keys = sorted(sample(reference, "acl_get")["acl"])
    assert list(created) == expected_keys  # the documentation's alphabetical order
    assert created == {
        **created,
        "datastore_id": world["kafka"],
        "user_id": world["bob"],
        "pattern": pattern,
        "pattern_type": pattern_type,
        "allow_read": False,
        "allow_write": True,
        "status": "PENDING_CREATE",
    }
    got = client.get(f"/acls/{created['id']}").json()["acl"]
    assert list(got) == expected_keys
    # Settling may fall in a later second than the create: updated_at follows the clock.
    assert got == {**created, "status": "ACTIVE", "updated_at": got["updated_at"]}
    assert got["updated_at"] >= created["updated_at"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"allow_read": False, "allow_write": True}, (False, True)),
        ({"allow_write": True}, (True, True)),
        ({}, (True, False)),
    ],
    ids=["swap", "write-only-given", "nothing-given"],
)
def test_update_is_pending_then_active(
    client: ApiClient, world: World, change: dict[str, bool], expected: tuple[bool, bool]
) -> None:
    response = client.put(f"/acls/{world['orders']}", json={"acl": change})
    assert response.status_code == 200
    updated = response.json()["acl"]
    assert (updated["status"], updated["allow_read"], updated["allow_write"]) == ("PENDING_UPDATE", *expected)
    got = client.wait_active("acls", "acl", world["orders"])
    assert (got["allow_read"], got["allow_write"], got["pattern"]) == (*expected, "orders")


@pytest.mark.parametrize(
    "change",
    [{"allow_read": False, "allow_write": False}, {"allow_read": False}],
    ids=["both-false", "read-false-write-kept-false"],
)
def test_update_leaving_both_false_is_the_sample_400(
    client: ApiClient, reference: Path, world: World, change: dict[str, bool]
) -> None:
    before = snapshot(client)
    response = client.put(f"/acls/{world['orders']}", json={"acl": change})
    assert response.status_code == 400
    assert response.json() == sample(reference, "error_400_acl_update_read_and_write_false")
    assert response.json()["error"]["message"] == READ_OR_WRITE
    assert snapshot(client) == before


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"datastore_id": BAD_UUID},
            (
                400,
                "Validation failure: {'acl.datastore_id': "
                "\"'20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f' is not a 'UUID'\"}",
            ),
        ),
        (
            {"user_id": BAD_UUID},
            (
                400,
                "Validation failure: {'acl.user_id': "
                "\"'20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f' is not a 'UUID'\"}",
            ),
        ),
        (
            {"pattern_type": "regex"},
            (
                400,
                "Validation failure: {'acl.pattern_type': "
                "\"'regex' is not one of ['literal', 'prefixed', 'all']\"}",
            ),
        ),
        ({"allow_read": False, "allow_write": False}, (400, READ_OR_WRITE)),
        ({"pattern": None}, (400, "Validation failure: pattern is required when pattern_type is literal")),
        (
            {"pattern_type": "prefixed", "pattern": None},
            (400, "Validation failure: pattern is required when pattern_type is prefixed"),
        ),
        (
            {"pattern_type": "all"},
            (400, "Validation failure: pattern must be omitted when pattern_type is all"),
        ),
        ({"datastore_id": UNKNOWN}, (404, f"datastore {UNKNOWN} not found.")),
        ({"user_id": UNKNOWN}, (404, f"user {UNKNOWN} not found.")),
        (
            {"user_id": "{carol}"},
            (400, "Validation failure: user {carol} does not belong to datastore {kafka}"),
        ),
        (
            {"pattern": "orders"},
            (409, "acl for user {alice} with pattern_type 'literal' and pattern 'orders' already exists."),
        ),
    ],
    ids=[
        "bad-datastore-uuid",
        "bad-user-uuid",
        "bad-pattern-type",
        "read-and-write-false",
        "literal-without-pattern",
        "prefixed-without-pattern",
        "all-with-pattern",
        "unknown-datastore",
        "unknown-user",
        "user-of-another-datastore",
        "duplicate",
    ],
)
def test_create_failures(
    client: ApiClient, world: World, fields: dict[str, Any], expected: tuple[int, str]
) -> None:
    body: dict[str, Any] = {
        "datastore_id": "{kafka}",
        "user_id": "{alice}",
        "pattern": "payments",
        "pattern_type": "literal",
        "allow_read": True,
        "allow_write": False,
        **fields,
    }
    body = {k: v for k, v in body.items() if v is not None}
    before = snapshot(client)
    status, text = expected
    assert message(client.post("/acls", json={"acl": fill(body, world)})) == (status, fill(text, world))
    assert snapshot(client) == before


def test_a_second_all_acl_of_a_user_is_409(client: ApiClient, world: World) -> None:
    acl(client, world, pattern_type="all")
    body = {"datastore_id": world["kafka"], "user_id": world["alice"], "pattern_type": "all"}
    response = client.post("/acls", json={"acl": {**body, "allow_read": True, "allow_write": False}})
    assert message(response) == (
        409,
        f"acl for user {world['alice']} with pattern_type 'all' already exists.",
    )


def test_the_same_pattern_for_another_user_or_type_is_fine(client: ApiClient, world: World) -> None:
    acl(client, world, user_id="{bob}", pattern="orders", pattern_type="literal")
    acl(client, world, pattern="orders", pattern_type="prefixed")
    assert len(client.get("/acls", params={"pattern": "orders"}).json()["acls"]) == 3


@pytest.mark.parametrize("engine", ["postgresql", "mysql"])
def test_acls_do_not_apply_to_engine(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)["id"]
    owner = user(client, datastore, "alice")
    before = snapshot(client)
    body = {
        "datastore_id": datastore,
        "user_id": owner,
        "pattern_type": "all",
        "allow_read": True,
        "allow_write": True,
    }
    assert message(client.post("/acls", json={"acl": body})) == (
        400,
        f"Validation failure: acls are not supported for datastores of engine {engine}",
    )
    assert snapshot(client) == before


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", None), ("PUT", {"acl": {"allow_read": True}}), ("DELETE", None)],
    ids=["get", "update", "delete"],
)
def test_unknown_acl_is_the_sample_404(
    client: ApiClient, reference: Path, method: str, body: dict[str, Any] | None
) -> None:
    response = client.request(method, f"/acls/{UNKNOWN}", json=body)
    expected = not_found_sample(reference, "error_404_acl_not_found", UNKNOWN)["error"]
    assert response.status_code == 404
    assert response.json() == {"error": expected}


def test_delete_answers_204_then_pending_delete_then_404(client: ApiClient, world: World) -> None:
    lifecycle(client, reads=2)
    path = f"/acls/{world['orders']}"
    response = client.delete(path)
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(path).json()["acl"]["status"] == "PENDING_DELETE"
    assert message(client.get(path)) == (404, f"acl {world['orders']} not found.")


def test_deleting_the_user_removes_its_acls(client: ApiClient, world: World) -> None:
    bobs = acl(client, world, user_id="{bob}", pattern_type="all")
    assert client.delete(f"/users/{world['alice']}").status_code == 204
    assert message(client.get(f"/acls/{world['orders']}")) == (404, f"acl {world['orders']} not found.")
    assert client.get("/acls", params={"user_id": world["alice"]}).json()["acls"] == []
    assert [a["id"] for a in client.get("/acls").json()["acls"]] == [bobs]


def test_deleting_the_datastore_removes_its_acls(client: ApiClient, world: World) -> None:
    assert client.delete(f"/datastores/{world['kafka']}").status_code == 204
    assert message(client.get(f"/acls/{world['orders']}")) == (404, f"acl {world['orders']} not found.")
    assert client.get("/acls").json()["acls"] == []


def test_acl_with_a_phase_in_progress_refuses_update_and_delete(client: ApiClient, world: World) -> None:
    lifecycle(client, kinds={"acl": "manual"})
    fields = {"datastore_id": world["kafka"], "user_id": world["bob"], "pattern_type": "all"}
    created = client.post("/acls", json={"acl": {**fields, "allow_read": True, "allow_write": True}})
    acl_id = created.json()["acl"]["id"]
    busy = (409, f"acl {acl_id} is not ACTIVE (status: PENDING_CREATE).")
    assert message(client.put(f"/acls/{acl_id}", json={"acl": {"allow_read": False}})) == busy
    assert message(client.delete(f"/acls/{acl_id}")) == busy


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["orders", "logs.", None]),
        ({"user_id": "{bob}"}, ["logs.", None]),
        ({"pattern": "logs."}, ["logs."]),
        ({"pattern_type": "all"}, [None]),
        ({"pattern_type": "prefixed", "user_id": "{alice}"}, []),
        ({"id": "{orders}"}, ["orders"]),
        ({"datastore_id": "{kafka}"}, ["orders", "logs.", None]),
        ({"datastore_id": "{kafka2}"}, []),
        ({"status": "ACTIVE"}, ["orders", "logs.", None]),
        ({"status": "PENDING_CREATE"}, []),
    ],
    ids=[
        "all",
        "user",
        "pattern",
        "type",
        "combined",
        "id",
        "datastore",
        "other-datastore",
        "active",
        "pending",
    ],
)
def test_list_filters(
    client: ApiClient, world: World, query: dict[str, str], expected: list[str | None]
) -> None:
    acl(client, world, user_id="{bob}", pattern="logs.", pattern_type="prefixed")
    acl(client, world, user_id="{bob}", pattern_type="all")
    found = client.get("/acls", params=fill(query, world)).json()["acls"]
    assert [a["pattern"] for a in found] == expected


def test_other_projects_see_nothing(client: ApiClient, other_client: ApiClient, world: World) -> None:
    before = snapshot(client)
    orders = world["orders"]
    not_found = (404, f"acl {orders} not found.")
    assert message(other_client.get(f"/acls/{orders}")) == not_found
    assert message(other_client.put(f"/acls/{orders}", json={"acl": {"allow_write": True}})) == not_found
    assert message(other_client.delete(f"/acls/{orders}")) == not_found
    assert other_client.get("/acls").json()["acls"] == []
    intruder = {
        "datastore_id": world["kafka"],
        "user_id": world["alice"],
        "pattern_type": "all",
        "allow_read": True,
        "allow_write": True,
    }
    assert message(other_client.post("/acls", json={"acl": intruder})) == (
        404,
        f"datastore {world['kafka']} not found.",
    )
    assert snapshot(client) == before
