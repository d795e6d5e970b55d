"""``dbaas-mock serve`` as a user runs it: state kept across restarts, demo data, the access log."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.cli import build_parser

BIN = Path(sys.executable).parent / "dbaas-mock"
SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
PASSWORD = "Cli-Secret-Pa55word!"
TOKEN = "cli-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """One ``dbaas-mock serve`` process."""

    def __init__(self, *args: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN), "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            text=True,
        )
        self.output = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.base}/__mock__/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        self.api = httpx.Client(base_url=f"{self.base}/v1", headers={"X-Auth-Token": TOKEN}, timeout=10)
        self.control = httpx.Client(base_url=self.base, timeout=10)

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.api.close()
        self.control.close()
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        assert self.process.stdout is not None
        self.output = self.process.stdout.read()
        return code


@pytest.fixture
def served() -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.stop()


def _serve(started: list[Served], *args: str) -> Served:
    server = Served(*args)
    started.append(server)
    assert server.process.poll() is None, server.stop() or server.output
    return server


def _datastore(api: httpx.Client, name: str) -> str:
    types = api.get("/datastore-types").json()["datastore-types"]
    type_id = [t["id"] for t in types if t["engine"] == "postgresql"][-1]
    fields = {"name": name, "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": FLAVOR}
    response = api.post("/datastores", json={"datastore": fields})
    assert response.status_code == 200, response.text
    return str(response.json()["datastore"]["id"])


def _everything(server: Served) -> dict[str, Any]:
    """What a client sees, in a fixed order of reads."""
    seen: dict[str, Any] = {}
    for path in ("/datastores", "/users", "/databases", "/actions", "/prometheus-metrics-tokens", "/quotas"):
        seen[path] = server.api.get(path).json()
    seen["clock"] = server.control.get("/__mock__/clock").json()
    seen["lifecycle"] = server.control.get("/__mock__/lifecycle").json()
    seen["tokens"] = server.control.get("/__mock__/tokens").json()
    return seen


def test_the_command_line_has_the_options() -> None:
    args = build_parser().parse_args(["serve", "--state-file", "s.json", "--demo", "--demo-token", "d"])
    assert (args.state_file, args.demo, args.demo_token, args.no_access_log) == (
        Path("s.json"),
        True,
        "d",
        False,
    )


def _populate(server: Served) -> dict[str, str]:
    control, api = server.control, server.api
    control.post("/__mock__/tokens", json={"token": TOKEN, "project_id": "c" * 32})
    ids = {"active": _datastore(api, "active"), "failing": _datastore(api, "failing")}
    control.post("/__mock__/lifecycle/settle")
    user = api.post(
        "/users", json={"user": {"datastore_id": ids["active"], "name": "u1", "password": PASSWORD}}
    )
    assert user.status_code == 200, user.text
    ids["user"] = user.json()["user"]["id"]
    control.post("/__mock__/lifecycle/settle")
    control.post("/__mock__/faults/status", json={"id": ids["failing"], "status": "DISK_FULL"})
    api.post("/prometheus-metrics-tokens", json={"prometheus-metrics-token": {"name": "kept"}})
    ids["pending"] = _datastore(api, "pending")
    control.post("/__mock__/clock/set", json={"now": "2033-06-07T08:09:10", "frozen": True})
    return ids


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_the_state_survives_a_restart(served: list[Served], tmp_path: Path, sig: int) -> None:
    state = tmp_path / "state.json"
    first = _serve(served, "--state-file", str(state), "--lifecycle", "manual")
    ids = _populate(first)
    before = _everything(first)
    code = first.stop(sig)
    assert code in (0, -signal.SIGTERM), first.output
    assert f"state saved to {state}" in first.output
    text = state.read_text()
    assert PASSWORD not in text
    second = _serve(served, "--state-file", str(state), "--lifecycle", "reads")
    assert _everything(second) == before
    statuses = {d["name"]: d["status"] for d in before["/datastores"]["datastores"]}
    assert statuses == {"active": "ACTIVE", "failing": "DISK_FULL", "pending": "PENDING_CREATE"}
    assert second.control.post("/__mock__/lifecycle/settle").json()["settled"] == [ids["pending"]]
    assert second.api.get(f"/datastores/{ids['pending']}").json()["datastore"]["status"] == "ACTIVE"
    second.stop()
    assert f"state loaded from {state}" in second.output


def test_save_on_request(served: list[Served], tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    server = _serve(served, "--state-file", str(state))
    datastore_id = _datastore(server.api, "saved-now")
    saved = server.control.post("/__mock__/state/save")
    assert saved.status_code == 200
    assert saved.json()["path"] == str(state)
    assert datastore_id in state.read_text()


def test_save_without_a_state_file_is_409(served: list[Served]) -> None:
    server = _serve(served)
    assert server.control.post("/__mock__/state/save").status_code == 409


def test_a_broken_state_file_stops_the_start(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format": "something else"}))
    result = subprocess.run(
        [str(BIN), "serve", "--port", str(_free_port()), "--state-file", str(state)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert f"cannot load the state in {state}" in result.stderr


def test_demo_data(served: list[Served]) -> None:
    server = _serve(served, "--demo", "--demo-token", "demo-user")
    assert server.control.get("/__mock__/journal").json()["count"] == 0
    api = httpx.Client(base_url=f"{server.base}/v1", headers={"X-Auth-Token": "demo-user"})
    datastores = api.get("/datastores").json()["datastores"]
    types = {t["id"]: t["engine"] for t in api.get("/datastore-types").json()["datastore-types"]}
    engines = {types[d["type_id"]] for d in datastores}
    assert engines == {"postgresql", "mysql", "mysql_native", "redis", "kafka"}
    assert {d["status"] for d in datastores} == {"ACTIVE"}
    for path in ("/databases", "/users", "/topics", "/grants", "/acls"):
        items = next(iter(api.get(path).json().values()))
        assert items, path
        assert {i["status"] for i in items} == {"ACTIVE"}, path
    assert server.api.get("/datastores").json()["datastores"] == []


def test_the_access_log(served: list[Served]) -> None:
    server = _serve(served)
    server.api.get("/datastores", headers={"X-Request-Id": "req-logged-1"})
    server.api.post("/users", json={"user": {"datastore_id": "x", "name": "u", "password": PASSWORD}})
    server.control.get("/__mock__/clock")
    server.stop()
    lines = [line for line in server.output.splitlines() if "dbaas_mock.access" in line]
    assert any("GET /v1/datastores 200 " in line and line.endswith("ms req-logged-1") for line in lines), (
        lines
    )
    assert any("POST /v1/users " in line for line in lines), lines
    assert any("GET /__mock__/clock 200 " in line and line.endswith("ms -") for line in lines), lines
    assert TOKEN not in server.output
    assert PASSWORD not in server.output


def test_no_access_log(served: list[Served]) -> None:
    server = _serve(served, "--no-access-log")
    server.api.get("/datastores")
    server.stop()
    assert "dbaas_mock.access" not in server.output
