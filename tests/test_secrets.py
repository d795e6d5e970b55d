"""Secrets never leave the fake: user and Redis passwords in no response, journal, access log or snapshot.

Each case sends one request carrying a distinctive password (a create, an update, or a request that
fails and might echo its body), then looks for that password everywhere the fake writes: the
response, every list and object read afterwards, the actions, the journal (Python and control API),
the access log and the state snapshot (Python and control API).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient
from support import SUBNET_ID, ApiClient

from mock_server import DbaasMockApp
from mock_server.control import Controller
from mock_server.journal import ACCESS_LOGGER

SECRET = "Zq7-s3cr3t-Vx9pW2"  # distinctive: found nowhere unless leaked
LONG_SECRET = "Zq7L" * 80  # 320 characters: over the 255 maximum
JSON = {"content-type": "application/json"}

World = dict[str, str]


@dataclass(frozen=True)
class Case:
    """A request carrying ``secret``: ``build(world)`` gives (method, path, raw body)."""

    build: Callable[[World], tuple[str, str, bytes]]
    status: int
    secret: str = SECRET


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


def redis_datastore(world: World, password: Any) -> dict[str, Any]:
    return {
        "datastore": {
            "name": "redis-secret",
            "type_id": world["redis_type"],
            "flavor_id": world["redis_flavor"],
            "subnet_id": SUBNET_ID,
            "node_count": 1,
            "redis_password": password,
        }
    }


CASES = [
    pytest.param(
        Case(
            lambda w: (
                "POST",
                "/users",
                body({"user": {"datastore_id": w["pg"], "name": "alice", "password": SECRET}}),
            ),
            200,
        ),
        id="create-user",
    ),
    pytest.param(
        Case(lambda w: ("PUT", f"/users/{w['user']}", body({"user": {"password": SECRET}})), 200),
        id="update-user-password",
    ),
    pytest.param(
        Case(
            lambda w: (
                "POST",
                "/users",
                body({"user": {"datastore_id": w["pg"], "name": "9bad", "password": SECRET}}),
            ),
            400,
        ),
        id="create-user-bad-name",
    ),
    pytest.param(
        Case(
            lambda w: (
                "POST",
                "/users",
                body({"user": {"datastore_id": w["pg"], "name": "bob", "password": SECRET}}),
            ),
            409,
        ),
        id="create-user-duplicate-name",
    ),
    pytest.param(
        Case(
            lambda w: (
                "POST",
                "/users",
                body({"user": {"datastore_id": w["missing"], "name": "carol", "password": SECRET}}),
            ),
            404,
        ),
        id="create-user-missing-datastore",
    ),
    pytest.param(
        Case(
            lambda w: ("POST", "/users", body({"user": {"name": "dave", "password": SECRET, "extra": 1}})),
            400,
        ),
        id="create-user-extra-field",
    ),
    pytest.param(
        Case(
            lambda w: (
                "POST",
                "/users",
                body({"user": {"datastore_id": w["pg"], "name": "erin", "password": LONG_SECRET}}),
            ),
            400,
            LONG_SECRET,
        ),
        id="create-user-password-too-long",
    ),
    pytest.param(
        Case(lambda w: ("PUT", f"/users/{w['user']}", body({"user": {"password": [SECRET]}})), 400),
        id="update-user-password-wrong-type",
    ),
    pytest.param(
        Case(lambda w: ("PUT", f"/users/{w['user']}", body({"user": {"password": {"value": SECRET}}})), 400),
        id="update-user-password-object",
    ),
    pytest.param(
        Case(
            lambda w: ("PUT", f"/users/{w['user']}", body({"user": {"password": SECRET, "name": "x"}})), 400
        ),
        id="update-user-extra-field",
    ),
    pytest.param(
        Case(
            lambda w: ("PUT", f"/users/{w['user']}", b'{"user": {"password": "' + SECRET.encode() + b'"}'),
            400,
        ),
        id="update-user-invalid-json",
    ),
    pytest.param(
        Case(lambda w: ("PUT", f"/users/{w['missing']}", body({"user": {"password": SECRET}})), 404),
        id="update-missing-user",
    ),
    pytest.param(
        Case(lambda w: ("POST", "/datastores", body(redis_datastore(w, SECRET))), 200),
        id="create-redis-datastore",
    ),
    pytest.param(
        Case(lambda w: ("POST", "/datastores", body(redis_datastore(w, [SECRET]))), 400),
        id="create-redis-password-wrong-type",
    ),
    pytest.param(
        Case(
            lambda w: (
                "PUT",
                f"/datastores/{w['redis']}/password",
                body({"password": {"redis_password": SECRET}}),
            ),
            200,
        ),
        id="update-redis-password",
    ),
    pytest.param(
        Case(
            lambda w: (
                "PUT",
                f"/datastores/{w['redis']}/password",
                body({"password": {"redis_password": LONG_SECRET}}),
            ),
            400,
            LONG_SECRET,
        ),
        id="update-redis-password-too-long",
    ),
    pytest.param(
        Case(
            lambda w: (
                "PUT",
                f"/datastores/{w['pg']}/password",
                body({"password": {"redis_password": SECRET}}),
            ),
            400,
        ),
        id="update-redis-password-on-postgresql",
    ),
    pytest.param(
        Case(
            lambda w: (
                "PUT",
                f"/datastores/{w['redis']}/password",
                body({"password": {"redis_password": SECRET, "other": SECRET}}),
            ),
            400,
        ),
        id="update-redis-password-extra-field-echoing-it",
    ),
]


@pytest.fixture
def world(client: ApiClient) -> World:
    pg = client.create_datastore("postgresql", name="pg-secret")
    redis = client.create_datastore("redis", name="redis-existing")
    user = client.create(
        "users", "user", {"datastore_id": pg["id"], "name": "bob", "password": "Initial-pass-1"}
    )
    return {
        "pg": pg["id"],
        "redis": redis["id"],
        "user": user["id"],
        "missing": "00000000-0000-4000-8000-000000000000",
        "redis_type": client.type_id("redis"),
        "redis_flavor": client.flavor_id("redis"),
    }


def everything_readable(client: ApiClient, app: DbaasMockApp) -> dict[str, str]:
    """Every place the fake writes to, as text."""
    places: dict[str, str] = {}
    for collection in ("datastores", "users", "databases", "actions"):
        places[f"GET /{collection}"] = client.get(f"/{collection}").text
    for collection in ("datastores", "users"):
        for item in client.get(f"/{collection}").json()[collection]:
            places[f"GET /{collection}/{item['id']}"] = client.get(f"/{collection}/{item['id']}").text
    journal = app.journal
    places["journal.to_dict"] = json.dumps([e.to_dict() for e in journal.entries()], default=str)
    places["journal.bodies"] = json.dumps(
        [[e.request_body, e.response_body, e.headers, e.describe()] for e in journal.entries()], default=str
    )
    places["journal.listing"] = repr(journal.entries())
    control = TestClient(app)
    places["GET /__mock__/journal"] = control.get("/__mock__/journal").text
    places["GET /__mock__/state"] = control.get("/__mock__/state").text
    places["snapshot"] = json.dumps(Controller(app).snapshot())
    return places


@pytest.mark.parametrize("case", CASES)
def test_password_goes_nowhere(
    client: ApiClient, app: DbaasMockApp, world: World, case: Case, caplog: pytest.LogCaptureFixture
) -> None:
    method, path, raw = case.build(world)
    with caplog.at_level(logging.DEBUG):
        response = client.request(method, path, content=raw, headers=JSON)
        assert response.status_code == case.status, response.text[:300]
        places = everything_readable(client, app)
    places["response"] = response.text
    places["log"] = "\n".join(caplog.messages) + caplog.text
    leaks = [where for where, text in places.items() if case.secret[:12] in text]
    assert not leaks, f"the password leaks into {leaks}"
    access = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert access, "the access log was not captured"


def test_the_journal_shows_the_password_redacted(client: ApiClient, app: DbaasMockApp, world: World) -> None:
    response = client.put(f"/users/{world['user']}", json={"user": {"password": SECRET}})
    assert response.status_code == 200
    entry = app.journal.last("update_user")
    assert entry.request_body == {"user": {"password": "***"}}
    assert entry.headers["x-auth-token"] == "***"
