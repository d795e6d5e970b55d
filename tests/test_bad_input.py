"""Bad input: malformed, oversized or ill-typed requests get a clear 4xx in the API's envelope.

Never a 500, never a traceback, and the state is exactly what it was before the request. The long
path and long header cases also go over a real socket to a live uvicorn server, so that uvicorn's own
limits are exercised too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from support import SUBNET_ID, ApiClient

from mock_server import DbaasMockApp
from mock_server.control import Controller
from mock_server.server import LiveServer

JSON = {"content-type": "application/json"}
MISSING = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Case:
    """One bad request; ``{ds}``, ``{type}``, ``{subnet}``... in ``path`` and ``body`` are filled in."""

    method: str
    path: str
    status: int
    message: str  # a substring of the error message ("" when the answer is a success)
    body: bytes | str | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))


def datastore_body(node_count: str) -> str:
    """A valid datastore create but for ``node_count`` (raw JSON text)."""
    template = (
        '{"datastore": {"name": "bad-input", "type_id": "{type}", "subnet_id": "{subnet}", '
        '"node_count": NODES, "flavor": {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}}}'
    )
    return template.replace("NODES", node_count)


RESIZE_HUGE = '{"resize": {"node_count": BIG}}'.replace("BIG", str(10**400))


CASES: list[Any] = [
    pytest.param(Case("POST", "/databases", 400, "Invalid JSON", b"{nope"), id="body-not-json"),
    pytest.param(Case("POST", "/databases", 400, "[] is not of type 'object'", b"[]"), id="body-json-array"),
    pytest.param(
        Case("POST", "/databases", 400, "'x' is not of type 'object'", b'"x"'), id="body-json-string"
    ),
    pytest.param(Case("POST", "/databases", 400, "1 is not of type 'object'", b"1"), id="body-json-number"),
    pytest.param(Case("POST", "/databases", 400, "is not of type 'object'", b"null"), id="body-json-null"),
    pytest.param(
        Case(
            "POST",
            "/databases",
            415,
            "Unsupported Content-Type 'text/plain'",
            b'{"database": {}}',
            {"content-type": "text/plain"},
        ),
        id="content-type-text-plain",
    ),
    pytest.param(
        Case(
            "POST", "/databases", 415, "send application/json", b"<x/>", {"content-type": "application/xml"}
        ),
        id="content-type-xml",
    ),
    pytest.param(
        Case(
            "POST",
            "/databases",
            404,
            f"datastore {MISSING} not found.",
            '{"database": {"datastore_id": "MISSING", "name": "x"}}'.replace("MISSING", MISSING),
            {},
        ),
        id="no-content-type-valid-json-accepted",
    ),
    pytest.param(Case("POST", "/databases", 400, "Request body is required", b""), id="empty-body-on-create"),
    pytest.param(
        Case("POST", "/datastores", 400, "Request body is required", b""), id="empty-body-on-create-datastore"
    ),
    pytest.param(
        Case(
            "POST",
            "/databases",
            413,
            "Request body is too large: the limit is 1048576 bytes.",
            b'{"a": "' + b"x" * (1 << 20) + b'"}',
        ),
        id="body-over-1MiB",
    ),
    pytest.param(
        Case("POST", "/databases", 400, "Invalid JSON", b"[" * 100_000 + b"]" * 100_000),
        id="deep-nesting-arrays",
    ),
    pytest.param(
        Case("POST", "/databases", 400, "Invalid JSON", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        id="deep-nesting-objects",
    ),
    pytest.param(
        Case("POST", "/databases", 400, "Invalid JSON", b'{"database": {"name": "\xff\xfe"}}'),
        id="invalid-utf8",
    ),
    pytest.param(
        Case("POST", "/databases", 400, "Invalid JSON", b'{"database": {"name": "\\ud800"}}'),
        id="lone-surrogate",
    ),
    pytest.param(
        Case("POST", "/databases", 400, "Invalid JSON", b'{"database": {"name": NaN}}'), id="nan-literal"
    ),
    pytest.param(
        Case("POST", "/datastores", 400, "node_count", datastore_body(str(10**400))),
        id="huge-integer-node-count",
    ),
    pytest.param(
        Case("POST", "/datastores", 400, "node_count", datastore_body(str(-(10**400)))),
        id="huge-negative-integer",
    ),
    pytest.param(
        Case(
            "POST",
            "/datastores/{ds}/resize",
            400,
            "node_count",
            RESIZE_HUGE,
        ),
        id="huge-integer-resize",
    ),
    pytest.param(
        Case("POST", "/datastores", 400, "1.5 is not of type 'integer'", datastore_body("1.5")),
        id="float-node-count",
    ),
    pytest.param(
        Case("POST", "/datastores", 400, "Invalid JSON", datastore_body("1e400")),
        id="float-overflow-node-count",
    ),
    pytest.param(
        Case("POST", "/datastores", 400, "True is not of type 'integer'", datastore_body("true")),
        id="bool-node-count",
    ),
    pytest.param(
        Case("GET", "/datastores/not-a-uuid", 404, "datastore not-a-uuid not found."),
        id="bad-uuid-path-datastore",
    ),
    pytest.param(
        Case("GET", "/users/not-a-uuid", 404, "user not-a-uuid not found."), id="bad-uuid-path-user"
    ),
    pytest.param(
        Case("DELETE", "/databases/zzz", 404, "database zzz not found."), id="bad-uuid-path-delete-database"
    ),
    pytest.param(
        Case("PUT", "/users/123", 404, "user 123 not found.", '{"user": {"password": "Secret-pass-1"}}'),
        id="bad-uuid-path-update",
    ),
    pytest.param(
        Case(
            "POST",
            "/databases",
            400,
            "'nope' is not a 'UUID'",
            '{"database": {"datastore_id": "nope", "name": "x"}}',
        ),
        id="bad-uuid-in-body",
    ),
    pytest.param(Case("GET", "/datastores?foo=bar&x=1", 200, ""), id="unknown-query-params-ignored"),
    pytest.param(Case("GET", "/datastores?status=ACTIVE&status=ERROR", 200, ""), id="repeated-query-param"),
    pytest.param(
        Case("GET", "/databases?datastore_id=x&datastore_id={ds}", 200, ""),
        id="repeated-query-param-last-wins",
    ),
    pytest.param(Case("GET", "/datastores/" + "a" * 10_000, 404, "datastore aaaa"), id="very-long-path"),
    pytest.param(
        Case("GET", "/datastores", 200, "", headers={"X-Long": "a" * 10_000}), id="long-header-value"
    ),
]


@pytest.fixture
def world(client: ApiClient) -> dict[str, str]:
    """A datastore with a database and a user, so that the state under test is not empty."""
    ds = client.create_datastore("postgresql", name="bad-input-ds")
    user = client.create(
        "users", "user", {"datastore_id": ds["id"], "name": "u1", "password": "Secret-pass-1"}
    )
    db = client.create(
        "databases", "database", {"datastore_id": ds["id"], "name": "db1", "owner_id": user["id"]}
    )
    return {
        "ds": ds["id"],
        "db": db["id"],
        "user": user["id"],
        "type": client.type_id("postgresql"),
        "subnet": SUBNET_ID,
    }


def fill(text: Any, world: dict[str, str]) -> Any:
    if isinstance(text, str):
        for key, value in world.items():
            text = text.replace("{" + key + "}", value)
    return text


def body_of(case: Case, world: dict[str, str]) -> bytes | None:
    body = case.body
    if isinstance(body, str):
        return fill(body, world).encode()
    return body


def state(app: DbaasMockApp) -> dict[str, Any]:
    """The state snapshot, without the wall-clock time."""
    document = Controller(app).snapshot()
    document.pop("now", None)
    return document


def check_answer(case: Case, response: httpx.Response) -> None:
    assert response.status_code == case.status, response.text[:500]
    assert "Traceback" not in response.text
    body = response.json()
    if case.status >= 400:
        error = body["error"]
        assert set(error) == {"code", "title", "message"}
        assert error["code"] == case.status
        assert error["title"]
        assert error["message"]
        assert case.message in error["message"], error["message"][:500]
    else:
        assert isinstance(body, dict)
        assert "error" not in body


@pytest.mark.parametrize("case", CASES)
def test_bad_request_in_process(
    client: ApiClient,
    app: DbaasMockApp,
    world: dict[str, str],
    case: Case,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = state(app)
    with caplog.at_level(logging.WARNING, logger="dbaas_mock"):
        response = client.request(
            case.method, fill(case.path, world), content=body_of(case, world), headers=case.headers
        )
    check_answer(case, response)
    assert state(app) == before
    assert not [r for r in caplog.records if r.name.startswith("dbaas_mock") and r.levelno >= logging.ERROR]


# -- over a real socket: uvicorn's own limits ---------------------------------------------------------------


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


LIVE_CASES = [
    pytest.param("GET", "/datastores/" + "a" * 10_000, {}, 404, "datastore aaaa", id="path-10k"),
    pytest.param("GET", "/datastores/" + "b" * 60_000, {}, 404, "datastore bbbb", id="path-60k"),
    pytest.param("GET", "/datastores", {"X-Long": "a" * 10_000}, 200, "", id="header-10k"),
    pytest.param("GET", "/datastores", {"X-Long": "a" * 60_000}, 200, "", id="header-60k"),
    pytest.param("GET", "/datastores", {"X-Auth-Token": "t" * 10_000}, 200, "", id="token-10k"),
    pytest.param(
        "GET", "/datastores?" + "&".join(f"q{i}=v" for i in range(2_000)), {}, 200, "", id="query-2000-params"
    ),
]


@pytest.mark.parametrize(("method", "path", "headers", "status", "message"), LIVE_CASES)
def test_long_requests_over_the_network(
    live: LiveServer, method: str, path: str, headers: dict[str, str], status: int, message: str
) -> None:
    before = state(live.app)
    with httpx.Client(base_url=live.url, headers={"X-Auth-Token": live.token}, timeout=10) as http:
        response = http.request(method, live.url + path, headers=headers)
        assert "Traceback" not in response.text
        if response.status_code == status:
            check_answer(Case(method, path, status, message), response)
        else:
            # uvicorn refused the request itself: a 4xx of its own, never a 5xx
            assert 400 <= response.status_code < 500, response.text[:300]
        assert http.get("/datastores").status_code == 200  # the server still serves
    assert state(live.app) == before


@pytest.mark.parametrize("size", [100_000, 1_000_000], ids=["header-100k", "header-1M"])
def test_oversized_header_is_refused_by_uvicorn_without_a_5xx(live: LiveServer, size: int) -> None:
    before = state(live.app)
    with httpx.Client(base_url=live.url, headers={"X-Auth-Token": live.token}, timeout=10) as http:
        try:
            response = http.get("/datastores", headers={"X-Long": "a" * size})
        except httpx.TransportError:
            pass  # the server may close the connection: fine, as long as it still serves
        else:
            assert response.status_code < 500, response.text[:300]
            assert "Traceback" not in response.text
        assert http.get("/datastores").status_code == 200
    assert state(live.app) == before


def test_an_integral_float_counts_as_an_integer(client: ApiClient) -> None:
    """JSON Schema counts ``1.0`` as an integer: accepted, and answered back as ``1``."""
    body = (
        datastore_body("1.0").replace("{type}", client.type_id("postgresql")).replace("{subnet}", SUBNET_ID)
    )
    response = client.post("/datastores", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["datastore"]["node_count"] == 1
    assert '"node_count": 1,' in response.text or '"node_count":1,' in response.text
