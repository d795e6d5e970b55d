"""Example: the live server ``dbaas_server`` (README.md, "Live server: Go, curl, any language").

A real HTTP server on a free loopback port, one per test session (per xdist worker), reset before
each test. Give ``dbaas_server.url`` and ``dbaas_server.token`` to any client: a Go binary, curl,
a Node.js script, Terraform...
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from mock_server.server import LiveServer

NODE_CLIENT = """
const [url, token] = process.argv.slice(1);
const response = await fetch(`${url}/datastore-types`, {headers: {"X-Auth-Token": token}});
const body = await response.json();
const engines = [...new Set(body["datastore-types"].map(t => t.engine))];
console.log(JSON.stringify({status: response.status, engines}));
"""


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl(dbaas_server: LiveServer) -> None:
    out = subprocess.run(
        ["curl", "-sS", "-H", f"X-Auth-Token: {dbaas_server.token}", f"{dbaas_server.url}/datastore-types"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert "postgresql" in {t["engine"] for t in json.loads(out)["datastore-types"]}
    dbaas_server.journal.assert_called_once("list_datastore_types")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_drives_the_control_api(dbaas_server: LiveServer) -> None:
    def curl(*args: str) -> str:
        return subprocess.run(
            ["curl", "-sS", *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout

    curl(
        "-X",
        "POST",
        "-d",
        '{"now": "2030-01-01T00:00:00", "frozen": true}',
        f"{dbaas_server.base_url}/__mock__/clock/set",
    )
    assert json.loads(curl(f"{dbaas_server.base_url}/__mock__/clock")) == {
        "now": "2030-01-01T00:00:00",
        "frozen": True,
    }


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_client_in_another_language(dbaas_server: LiveServer) -> None:
    out = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_CLIENT, dbaas_server.url, dbaas_server.token],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    answer = json.loads(out)
    assert answer["status"] == 200
    assert {"postgresql", "mysql", "redis", "kafka"} <= set(answer["engines"])


def test_outside_pytest() -> None:
    # the same server without the fixture: a context manager
    with LiveServer(seed=7) as server:
        assert server.client.get("/datastore-types").status_code == 200
        assert server.url.startswith("http://127.0.0.1:")
