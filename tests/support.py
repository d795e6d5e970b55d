"""Shared helpers for the black-box tests: a spec-checking HTTP client and builders over HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from mock_server import DbaasMockApp
from mock_server.errors import ApiError
from mock_server.validation import ResponseValidator

SUBNET_ID = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"


class SpecViolation(AssertionError):
    """A response of the fake that its own spec does not allow."""


class ApiClient:
    """An HTTP client for one token; every response is checked against the spec.

    Paths are relative to ``/v1``. A response outside the spec raises :class:`SpecViolation`.
    """

    def __init__(self, app: DbaasMockApp, token: str | None, validator: ResponseValidator) -> None:
        self.app = app
        self.token = token
        self.validator = validator
        self.http = TestClient(app, raise_server_exceptions=True)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token is not None:
            headers.setdefault("X-Auth-Token", self.token)
        response = self.http.request(method, "/v1" + path, headers=headers, **kwargs)
        self.check(method, path.split("?", 1)[0], response)
        return response

    def check(self, method: str, path: str, response: httpx.Response) -> None:
        body = response.json() if response.content else None
        if response.status_code >= 400:
            error = (body or {}).get("error") if isinstance(body, dict) else None
            if not (isinstance(error, dict) and error.get("code") == response.status_code):
                raise SpecViolation(f"{method} {path}: {response.status_code} outside the envelope: {body}")
        try:
            op, _ = self.app.spec.match(method, path)
        except ApiError:
            return  # unknown path or method: only the envelope applies
        problems = self.validator.problems(op.operation_id, response.status_code, body)
        if problems:
            raise SpecViolation("\n".join(problems))

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    # -- builders -------------------------------------------------------------------------------------

    def type_id(self, engine: str, version: str | None = None) -> str:
        """The id of a datastore type of ``engine`` (the newest version unless ``version``)."""
        types = self.get("/datastore-types").json()["datastore-types"]
        matching = [
            t for t in types if t["engine"] == engine and (version is None or t["version"] == version)
        ]
        assert matching, f"no datastore type {engine} {version}"
        return str(matching[-1]["id"]) if version is None else str(matching[0]["id"])

    def flavor_id(self, engine: str) -> str:
        """A flavor id usable with ``engine``."""
        type_id = self.type_id(engine)
        flavors = self.get("/flavors").json()["flavors"]
        usable = [f for f in flavors if type_id in f["datastore_type_ids"]]
        assert usable, f"no flavor for {engine}"
        return str(usable[0]["id"])

    def wait_active(self, collection: str, wrapper: str, object_id: str, tries: int = 10) -> dict[str, Any]:
        """Poll ``GET /<collection>/<id>`` until the object is ACTIVE (reads mode: one poll)."""
        for _ in range(tries):
            response = self.get(f"/{collection}/{object_id}")
            assert response.status_code == 200, response.text
            obj: dict[str, Any] = response.json()[wrapper]
            if obj["status"] == "ACTIVE":
                return obj
        raise AssertionError(f"{wrapper} {object_id} never became ACTIVE: {obj['status']}")

    def create_datastore(self, engine: str = "postgresql", **fields: Any) -> dict[str, Any]:
        """Create a datastore of ``engine`` and wait until it is ACTIVE; returns it."""
        body: dict[str, Any] = {
            "name": fields.pop("name", f"ds-{uuid.uuid4().hex[:8]}"),
            "type_id": self.type_id(engine),
            "subnet_id": SUBNET_ID,
            "node_count": fields.pop("node_count", 1),
        }
        if engine == "redis":
            body["flavor_id"] = self.flavor_id(engine)
            body["redis_password"] = "quie7Hoh7ohTo[i0bae3Leeb4mai7ca6"
        else:
            body["flavor"] = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
        body.update(fields)
        response = self.post("/datastores", json={"datastore": body})
        assert response.status_code == 200, response.text
        return self.wait_active("datastores", "datastore", response.json()["datastore"]["id"])

    def create(self, collection: str, wrapper: str, fields: dict[str, Any]) -> dict[str, Any]:
        """``POST /<collection>`` with ``{wrapper: fields}``, then wait until ACTIVE."""
        response = self.post(f"/{collection}", json={wrapper: fields})
        assert response.status_code == 200, response.text
        return self.wait_active(collection, wrapper, response.json()[wrapper]["id"])


def ids(items: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> list[str]:
    """The ``id`` of each object."""
    return [str(item["id"]) for item in items]


# -- shared by the per-resource test files ---------------------------------------------------------

UNKNOWN = "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa"
BAD_UUID = "20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f"
COLLECTIONS = ("databases", "users", "grants", "extensions", "logical-replication-slots")

World = dict[str, str]


def sample(reference: Path, name: str) -> Any:
    return json.loads((reference / "samples" / f"{name}.json").read_text())


def message(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["message"]


def snapshot(client: ApiClient) -> dict[str, Any]:
    state = {c: client.get(f"/{c}").json() for c in COLLECTIONS}
    state["datastores"] = client.get("/datastores").json()
    return state


def lifecycle(client: ApiClient, **settings: Any) -> None:
    assert client.http.put("/__mock__/lifecycle", json=settings).status_code == 200


def wait_gone(client: ApiClient, path: str, tries: int = 10) -> None:
    for _ in range(tries):
        response = client.get(path)
        if response.status_code == 404:
            assert response.json()["error"]["code"] == 404
            return
        assert response.status_code == 200, response.text
        assert next(iter(response.json().values()))["status"] == "PENDING_DELETE"
    raise AssertionError(f"{path} never went away")


def fill(value: Any, world: World) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return value.format(**world) if isinstance(value, str) else value


def not_found_sample(reference: Path, name: str, object_id: str) -> dict[str, Any]:
    """The SDK's 404 sample ``name`` with its ``%s`` filled by ``object_id`` (the whole envelope)."""
    expected: dict[str, Any] = sample(reference, name)
    expected["error"]["message"] = expected["error"]["message"].replace("%s", object_id)
    return expected


#: A valid ``ConfigurationParameterCreate`` without its ``datastore_type_id`` (admin catalog tests).
PARAMETER_FIELDS: dict[str, Any] = {
    "name": "commit_delay",
    "type": "int",
    "unit": "us",
    "min_template": "0",
    "max_template": "100000",
    "default_value_template": "0",
    "can_be_empty": False,
    "is_available_for_customer": True,
    "is_changeable": True,
    "is_multiple_choice_available": False,
    "is_restart_required": False,
}
