"""`dbaas-mock serve`: the real command under uvicorn on a loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent / "dbaas-mock"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--seed", "7", "--admin-token", "root-token"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/__mock__/clock", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None:
                raise AssertionError(
                    process.stdout.read().decode() if process.stdout else "server died"
                ) from None
            time.sleep(0.05)
    else:
        process.kill()
        raise AssertionError("the server did not start within 30 s")
    yield url
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=15)[0].decode()
    assert "Traceback" not in output, output


def test_serves_datastore_types_with_a_token(server: str) -> None:
    response = httpx.get(server + "/v1/datastore-types", headers={"X-Auth-Token": "any"})
    assert response.status_code == 200
    engines = {t["engine"] for t in response.json()["datastore-types"]}
    assert engines == {"postgresql", "mysql", "mysql_native", "redis", "kafka"}


def test_answers_401_without_a_token(server: str) -> None:
    response = httpx.get(server + "/v1/datastore-types")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 401


def test_the_admin_token_is_settable(server: str) -> None:
    body = {"flavor": {"name": "x"}}
    assert (
        httpx.put(server + "/v1/flavors/nope", json=body, headers={"X-Auth-Token": "any"}).status_code == 403
    )
    response = httpx.put(server + "/v1/flavors/nope", json=body, headers={"X-Auth-Token": "root-token"})
    assert response.status_code == 404


def test_serves_its_spec(server: str) -> None:
    document = httpx.get(server + "/openapi.json").json()
    assert document["openapi"].startswith("3.1")
