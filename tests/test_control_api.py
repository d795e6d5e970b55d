"""The control API: its document (openapi/control.yaml) and every operation, over HTTP and from Python.

Every answer of the control API checked here is validated against ``openapi/control.yaml``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.routing import Route

from mock_server.control import Controller, control_routes
from mock_server.intercept import DbaasFake

DOCUMENT = Path(__file__).resolve().parents[1] / "openapi" / "control.yaml"
SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


class Checked:
    """A control client whose every answer must be documented in control.yaml (status and body)."""

    def __init__(self, fake: DbaasFake, document: dict[str, Any]) -> None:
        self.http = fake.control
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource("urn:control", resource)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.request(method, path, **kwargs)
        template = _template(self.document, path)
        operation = self.document["paths"][template][method.lower()]
        documented = operation["responses"]
        code = str(response.status_code)
        assert code in documented, f"{method} {path}: {code} is not documented ({sorted(documented)})"
        node = documented[code]
        if "$ref" in node:
            pointer = str(node["$ref"])[1:]
        else:
            pointer = (
                f"/paths/{template.replace('~', '~0').replace('/', '~1')}/{method.lower()}/responses/{code}"
            )
        content = self._deref(node).get("content", {}).get("application/json")
        if content is not None:
            schema = {"$ref": f"urn:control#{pointer}/content/application~1json/schema"}
            validator = jsonschema.Draft202012Validator(schema, registry=self.registry)
            errors = sorted(validator.iter_errors(response.json()), key=str)
            assert not errors, f"{method} {path}: {errors[0].message}"
        else:
            assert not response.content
        return response

    def _deref(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            node = target
        return node

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


def _template(document: dict[str, Any], path: str) -> str:
    path = path.split("?", 1)[0]
    if path in document["paths"]:
        return path
    for template in document["paths"]:
        parts, wanted = template.split("/"), path.split("/")
        if len(parts) == len(wanted) and all(
            p == w or p.startswith("{") for p, w in zip(parts, wanted, strict=True)
        ):
            return str(template)
    raise AssertionError(f"{path} is not in control.yaml")


@pytest.fixture
def control(dbaas_mock: DbaasFake, document: dict[str, Any]) -> Checked:
    return Checked(dbaas_mock, document)


def _datastore(fake: DbaasFake, client: httpx.Client | None = None, name: str = "ctl") -> str:
    client = client or fake.client
    types = client.get("/datastore-types").json()["datastore-types"]
    type_id = [t for t in types if t["engine"] == "postgresql"][-1]["id"]
    fields = {"name": name, "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": FLAVOR}
    response = client.post("/datastores", json={"datastore": fields})
    assert response.status_code == 200, response.text
    return str(response.json()["datastore"]["id"])


# -- the document -------------------------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def _served() -> set[tuple[str, str]]:
    served: set[tuple[str, str]] = set()
    for route in control_routes():
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                served.add((method.lower(), route.path))
    return served


def test_every_route_is_documented_and_every_documented_operation_is_served(document: dict[str, Any]) -> None:
    documented = {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }
    assert documented == _served()


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [
        op["operationId"]
        for item in document["paths"].values()
        for k, op in item.items()
        if k != "parameters"
    ]
    assert len(ids) == len(set(ids))


# -- state: reset, health, tokens ---------------------------------------------------------------------


def test_health(control: Checked, dbaas_mock: DbaasFake) -> None:
    before = control.get("/__mock__/health").json()
    _datastore(dbaas_mock)
    after = control.get("/__mock__/health").json()
    assert before["status"] == "ok"
    assert after["objects"] > before["objects"]


def test_reset_forgets_objects_faults_journal_and_tokens(control: Checked, dbaas_mock: DbaasFake) -> None:
    _datastore(dbaas_mock)
    control.post("/__mock__/tokens", json={"token": "registered", "project_id": "p" * 32})
    control.post("/__mock__/faults", json={"operation_id": "get_limits", "status": 500})
    control.post("/__mock__/clock/set", json={"now": "2040-01-01T00:00:00", "frozen": True})
    assert control.post("/__mock__/reset").status_code == 204
    assert dbaas_mock.client.get("/datastores").json()["datastores"] == []
    assert control.get("/__mock__/faults").json()["faults"] == []
    assert control.get("/__mock__/tokens").json() == {"tokens": []}
    assert [e["operation_id"] for e in control.get("/__mock__/journal").json()["entries"]] == [
        "list_datastores"
    ]
    assert control.get("/__mock__/clock").json() == {"now": "2040-01-01T00:00:00", "frozen": True}


def test_reset_with_a_new_clock(control: Checked) -> None:
    control.post("/__mock__/clock/set", json={"now": "2040-01-01T00:00:00", "frozen": True})
    control.post("/__mock__/reset", json={"clock": True})
    clock = control.get("/__mock__/clock").json()
    assert clock["frozen"] is False
    assert clock["now"] < "2040"


@pytest.mark.parametrize(
    "body", [{"clock": True, "colour": "red"}, ["clock"]], ids=["unknown-key", "not-an-object"]
)
def test_bad_reset_is_400(control: Checked, body: Any) -> None:
    assert control.post("/__mock__/reset", json=body).status_code == 400


def test_tokens_of_one_project_share_its_objects(control: Checked, dbaas_mock: DbaasFake) -> None:
    project = "0123456789abcdef0123456789abcdef"
    for token in ("alice-token", "bob-token"):
        registered = control.post("/__mock__/tokens", json={"token": token, "project_id": project})
        assert registered.status_code == 201
        assert registered.json() == {"token": token, "project_id": project, "admin": False}
    alice, bob = dbaas_mock.client_for("alice-token"), dbaas_mock.client_for("bob-token")
    datastore_id = _datastore(dbaas_mock, alice)
    assert [d["id"] for d in bob.get("/datastores").json()["datastores"]] == [datastore_id]
    assert bob.get(f"/datastores/{datastore_id}").json()["datastore"]["project_id"] == project
    assert dbaas_mock.client.get("/datastores").json()["datastores"] == []
    assert len(control.get("/__mock__/tokens").json()["tokens"]) == 2


def test_an_admin_token_may_call_admin_operations(control: Checked, dbaas_mock: DbaasFake) -> None:
    fields = {
        "name": "tiny",
        "vcpus": 1,
        "ram": 1024,
        "disk": 10,
        "fl_size": "standard",
        "datastore_type_ids": [],
    }
    outsider = dbaas_mock.client_for("ops-token")
    assert outsider.post("/flavors", json={"flavor": fields}).status_code == 403
    control.post("/__mock__/tokens", json={"token": "ops-token", "admin": True})
    assert outsider.post("/flavors", json={"flavor": fields}).status_code in (200, 201)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"token": ""},
        {"token": 5},
        {"token": "t", "project_id": ""},
        {"token": "t", "admin": "yes"},
        {"token": "t", "role": "x"},
    ],
    ids=["no-token", "empty-token", "token-not-string", "empty-project", "admin-not-bool", "unknown-key"],
)
def test_bad_token_registrations_are_400(control: Checked, body: dict[str, Any]) -> None:
    assert control.post("/__mock__/tokens", json=body).status_code == 400
    assert control.get("/__mock__/tokens").json() == {"tokens": []}


# -- clock and lifecycle ------------------------------------------------------------------------------


def test_clock_operations(control: Checked) -> None:
    control.post("/__mock__/clock/set", json={"now": "2031-05-01T10:00:00"})
    frozen = control.post("/__mock__/clock/freeze").json()
    assert frozen["frozen"] is True
    assert (
        control.post("/__mock__/clock/advance", json={"seconds": 90}).json()["now"] == "2031-05-01T10:01:30"
    )
    assert control.get("/__mock__/clock").json() == {"now": "2031-05-01T10:01:30", "frozen": True}
    assert control.post("/__mock__/clock/freeze", json={"frozen": False}).json()["frozen"] is False


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/__mock__/clock/freeze", {"frozen": "yes"}),
        ("/__mock__/clock/freeze", {"frozen": True, "at": 1}),
        ("/__mock__/clock/advance", {"seconds": -1}),
        ("/__mock__/clock/set", {"now": "2000-01-01T00:00:00"}),
    ],
    ids=["freeze-not-bool", "freeze-unknown-key", "advance-back", "set-back"],
)
def test_bad_clock_requests_are_400(control: Checked, path: str, body: dict[str, Any]) -> None:
    assert control.post(path, json=body).status_code == 400


def test_lifecycle_time_mode_and_durations(control: Checked, dbaas_mock: DbaasFake) -> None:
    control.post("/__mock__/clock/freeze")
    settings = control.put(
        "/__mock__/lifecycle", json={"mode": "time", "durations": {"datastore": {"create": 60}}}
    )
    assert settings.json()["durations"]["datastore"]["create"] == 60
    datastore_id = _datastore(dbaas_mock)
    client = dbaas_mock.client
    assert client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "PENDING_CREATE"
    control.post("/__mock__/clock/advance", json={"seconds": 59})
    assert client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "PENDING_CREATE"
    control.post("/__mock__/clock/advance", json={"seconds": 1})
    assert client.get(f"/datastores/{datastore_id}").json()["datastore"]["status"] == "ACTIVE"


def test_manual_mode_and_settle(control: Checked, dbaas_mock: DbaasFake) -> None:
    control.put("/__mock__/lifecycle", json={"mode": "manual"})
    first, second = _datastore(dbaas_mock, name="one"), _datastore(dbaas_mock, name="two")
    client = dbaas_mock.client
    assert client.get(f"/datastores/{first}").json()["datastore"]["status"] == "PENDING_CREATE"
    assert control.post("/__mock__/lifecycle/settle", json={"ids": [first]}).json() == {"settled": [first]}
    assert client.get(f"/datastores/{first}").json()["datastore"]["status"] == "ACTIVE"
    assert client.get(f"/datastores/{second}").json()["datastore"]["status"] == "PENDING_CREATE"
    assert second in control.post("/__mock__/lifecycle/settle").json()["settled"]


# -- every operation answers as documented ------------------------------------------------------------


def test_every_documented_operation_answers_as_documented(control: Checked, dbaas_mock: DbaasFake) -> None:
    datastore_id = _datastore(dbaas_mock)
    dbaas_mock.client.get(f"/datastores/{datastore_id}")
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/__mock__/health", {}),
        ("GET", "/__mock__/clock", {}),
        ("POST", "/__mock__/clock/set", {"json": {"now": "2035-01-01T00:00:00"}}),
        ("POST", "/__mock__/clock/advance", {"json": {"seconds": 1}}),
        ("POST", "/__mock__/clock/freeze", {}),
        ("GET", "/__mock__/lifecycle", {}),
        ("PUT", "/__mock__/lifecycle", {"json": {"reads": 2, "kinds": {"user": "manual"}}}),
        ("POST", "/__mock__/lifecycle/settle", {}),
        ("POST", "/__mock__/faults", {"json": {"operation_id": "get_limits", "kind": "drop", "every": 2}}),
        ("GET", "/__mock__/faults", {}),
        ("GET", "/__mock__/faults/f1", {}),
        ("GET", "/__mock__/faults/f9", {}),
        ("DELETE", "/__mock__/faults/f1", {}),
        ("POST", "/__mock__/faults/lifecycle", {"json": {"kind": "user"}}),
        ("GET", "/__mock__/faults/lifecycle", {}),
        ("DELETE", "/__mock__/faults/lifecycle", {}),
        ("POST", "/__mock__/faults/status", {"json": {"id": datastore_id, "status": "DISK_FULL"}}),
        ("DELETE", "/__mock__/faults", {}),
        ("GET", "/__mock__/journal", {"params": {"limit": 3}}),
        ("PUT", "/__mock__/journal", {"json": {"limit": 100}}),
        ("DELETE", "/__mock__/journal", {}),
        ("POST", "/__mock__/tokens", {"json": {"token": "t1"}}),
        ("GET", "/__mock__/tokens", {}),
        ("GET", "/__mock__/state", {}),
        ("POST", "/__mock__/state/save", {}),
        ("POST", "/__mock__/reset", {}),
        ("GET", "/openapi.json", {}),
    ]
    seen: set[tuple[str, str]] = set()
    for method, path, kwargs in calls:
        control.request(method, path, **kwargs)
        seen.add((method.lower(), _template(control.document, path)))
    state = control.get("/__mock__/state").json()
    control.put("/__mock__/state", json=state)
    seen.update({("get", "/__mock__/state"), ("put", "/__mock__/state")})
    assert seen == _served()


# -- the same from Python ---------------------------------------------------------------------------


@pytest.fixture
def controller(dbaas_mock: DbaasFake) -> Controller:
    return dbaas_mock.controller


def test_python_controller_mirrors_http(controller: Controller, dbaas_mock: DbaasFake) -> None:
    registered = controller.register_token("py-token", "f" * 32)
    assert registered == {"token": "py-token", "project_id": "f" * 32, "admin": False}
    assert controller.project_of("py-token") == "f" * 32
    fault = controller.add_fault("get_limits", "error", status=503, first=1)
    assert fault["id"] == "f1"
    assert dbaas_mock.client.get("/limits").status_code == 503
    assert controller.list_faults()["faults"][0]["fired"] == 1
    controller.remove_fault("f1")
    assert controller.fail_next("user", "ERROR", 2) == {"user": ["ERROR", "ERROR"]}
    controller.clear_faults()
    assert controller.pending_outcomes() == {}
    assert controller.journal_entries(operation_id="get_limits", limit=1)[0]["status"] == 503
    assert controller.configure_journal(enabled=False)["enabled"] is False
    controller.set_time(dbaas_mock.clock.now.replace(year=2040))
    assert controller.clock()["now"].startswith("2040")
    assert controller.health()["status"] == "ok"
    controller.reset()
    assert controller.tokens() == []


def test_clock_handle(dbaas_mock: DbaasFake) -> None:
    clock = dbaas_mock.clock
    frozen_at = clock.freeze()
    assert clock.frozen
    assert clock.advance(60) - frozen_at == timedelta(seconds=60)
    assert clock.set("2045-01-01T00:00:00").year == 2045
    clock.mode = "manual"
    assert clock.mode == "manual"
    datastore_id = _datastore(dbaas_mock)
    assert clock.settle() == [datastore_id]
    assert clock.configure(mode="time")["mode"] == "time"
    clock.unfreeze()
    assert not clock.frozen
    assert "ClockHandle(now='2045-01-01T00:" in repr(clock)


def test_a_token_used_before_its_registration_follows_it(control: Checked, dbaas_mock: DbaasFake) -> None:
    early = dbaas_mock.client_for("early-token")
    datastore_id = _datastore(dbaas_mock, early)  # its own project, derived from the token
    project = "fedcba9876543210fedcba9876543210"
    assert (
        control.post("/__mock__/tokens", json={"token": "early-token", "project_id": project}).status_code
        == 201
    )
    assert early.get("/datastores").json()["datastores"] == []
    assert early.get(f"/datastores/{datastore_id}").status_code == 404
