"""The request path shared by every operation: auth, routing, body limits, the error envelope."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support import ApiClient

from mock_server import DbaasMockApp
from mock_server.calls import Call


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/datastores"), ("POST", "/datastores"), ("GET", "/datastore-types"), ("DELETE", "/acls/x")],
    ids=["list", "create", "catalog", "delete"],
)
def test_no_token_is_401_in_the_envelope(anonymous_client: ApiClient, method: str, path: str) -> None:
    response = anonymous_client.request(method, path)
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": 401,
            "title": "Unauthorized",
            "message": "Authentication required: send a valid token in the X-Auth-Token header.",
        }
    }


@pytest.mark.parametrize(
    "path",
    ["/nothing", "/datastores/x/y/z", "/datastores/x/unknown", "//datastores", ""],
    ids=["unknown-collection", "too-deep", "unknown-sub", "empty-segment", "root"],
)
def test_unknown_path_is_404_in_the_envelope(client: ApiClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    error = response.json()["error"]
    assert (error["code"], error["title"]) == (404, "Not Found")
    assert error["message"].startswith("The requested URL was not found on the server.")


def test_wrong_method_is_405_with_allow(client: ApiClient) -> None:
    response = client.request("PATCH", "/datastores")
    assert response.status_code == 405
    assert response.json()["error"]["title"] == "Method Not Allowed"
    assert {"GET", "POST"} <= set(response.headers["allow"].split(", "))


def test_non_admin_token_is_403_on_admin_operations(client: ApiClient) -> None:
    response = client.post("/flavors", json={"flavor": {}})
    assert response.status_code == 403
    assert response.json()["error"]["title"] == "Forbidden"


def test_body_over_one_mebibyte_is_413(client: ApiClient) -> None:
    body = b'{"datastore": {"name": "' + b"a" * (1024 * 1024) + b'"}}'
    response = client.post("/datastores", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == 413


def test_request_id_is_echoed(client: ApiClient) -> None:
    response = client.get("/datastores", headers={"X-Request-Id": "req-abc"})
    assert response.headers["x-request-id"] == "req-abc"
    assert client.get("/datastores").headers["x-request-id"].startswith("req-")


def test_head_answers_like_get_without_body(client: ApiClient) -> None:
    response = client.http.head("/v1/datastore-types", headers={"X-Auth-Token": "t"})
    assert response.status_code == 200
    assert response.content == b""


def test_a_crashing_handler_answers_500_in_the_envelope(app: DbaasMockApp, client: ApiClient) -> None:
    def boom(call: Call) -> tuple[int, Any]:
        raise RuntimeError("secret internals")

    app.handlers["list_acls"] = boom
    client.http = type(client.http)(app, raise_server_exceptions=False)
    response = client.get("/acls")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == 500
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_two_apps_do_not_share_state(app: DbaasMockApp, client: ApiClient) -> None:
    from mock_server import create_app
    from mock_server.spec import load_spec
    from mock_server.validation import ResponseValidator

    other = ApiClient(create_app(seed=0), "test-token", ResponseValidator(load_spec()))
    created = client.create_datastore("postgresql")
    assert other.get(f"/datastores/{created['id']}").status_code == 404
    assert other.get("/datastores").json() == {"datastores": []}


def test_bodies_are_compact_utf8_json(client: ApiClient) -> None:
    created = client.create_datastore("postgresql")
    for response in (client.get(f"/datastores/{created['id']}"), client.get("/datastores/nope")):
        compact = json.dumps(response.json(), separators=(",", ":"), ensure_ascii=False).encode()
        assert response.content == compact


def test_the_last_of_repeated_auth_headers_counts(client: ApiClient) -> None:
    created = client.create_datastore("postgresql")
    headers = [("X-Auth-Token", "someone-else"), ("X-Auth-Token", client.token)]
    response = client.http.get(f"/v1/datastores/{created['id']}", headers=headers)
    assert response.status_code == 200, response.text
