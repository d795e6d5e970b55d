"""Fixture cost: a fresh in-process fake plus its first request, and a reset between tests.

Every figure is the median of ``fixture_iterations`` iterations in one warm process (the spec is
parsed once per process: a cold start, a new interpreter importing the fake, building one and
answering a first request, is reported on its own: once per test session or xdist worker). The first request
is ``GET /v1/datastores`` (an empty list), sent through each way a test suite reaches the fake:

- ``TestClient``: ``starlette.testclient.TestClient(app)`` without ``with`` (as ``tests/conftest.py``
  and ``tests/support.py`` use it; it starts a thread per request);
- ``ASGITransport``: ``httpx.AsyncClient(transport=httpx.ASGITransport(app))`` in a running loop;
- ``DbaasFake``: what the pytest plugin's ``dbaas_mock`` fixture does (``pytest_plugin.new_fake``,
  ``fake.client.get``, ``fake.close()``; the sync clients of every fake of the session share one helper
  loop thread, started before the measure as a session's first test would);
- ``DbaasFake`` on its own (``standalone_dbaas_fake_first_request_ms``): ``DbaasFake()`` outside the
  plugin starts a helper thread for its first sync request and joins it in ``close()``.

Resets run on a fake holding what a typical test leaves behind (a datastore, two users, two databases):
``app.backend.reset()``, ``Controller.reset()`` (also clears faults and the journal) and
``POST /__mock__/reset`` to a live server through a keep-alive httpx client.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from .common import Options, median
from .inproc import Builder

__all__ = ["run"]

TOKEN = "bench"


def _ms(values: list[float]) -> float:
    return median(values) * 1000


def _timed(func: Callable[[], Any], count: int, setup: Callable[[], Any] | None = None) -> list[float]:
    out: list[float] = []
    for _ in range(count):
        if setup is not None:
            setup()
        started = time.perf_counter()
        func()
        out.append(time.perf_counter() - started)
    return out


def _populate(app: Any) -> None:
    """What a typical test leaves in the fake: one ACTIVE datastore, two users, two databases."""
    builder = Builder(app)
    datastore_id = builder.datastore(TOKEN, "fixture-ds")
    for n in range(2):
        user_id = builder.child(
            "create_user",
            "user",
            TOKEN,
            {"datastore_id": datastore_id, "name": f"u{n}", "password": "secret-1"},
        )
        builder.child(
            "create_database",
            "database",
            TOKEN,
            {"datastore_id": datastore_id, "name": f"d{n}", "owner_id": user_id},
        )


_COLD = """
import time
started = time.perf_counter()
from starlette.testclient import TestClient
from mock_server import create_app
TestClient(create_app()).get("/v1/datastores", headers={"X-Auth-Token": "t"})
print(time.perf_counter() - started)
"""


def _cold_start() -> float:
    """Seconds for a new interpreter to import the fake, build one and answer a first request."""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _COLD], capture_output=True, text=True, check=True, timeout=120
    )
    return float(done.stdout.strip().splitlines()[-1])


def run(options: Options) -> dict[str, Any]:
    """Measure the fixture costs; returns the section's raw results."""
    import httpx
    from starlette.testclient import TestClient

    from mock_server import create_app
    from mock_server.control import Controller
    from mock_server.intercept import DbaasFake
    from mock_server.pytest_plugin import FakeSettings, HelperLoop, new_fake
    from mock_server.server import LiveServer

    count = options.fixture_iterations
    headers = {"X-Auth-Token": TOKEN}

    cold_ms = median([_cold_start() for _ in range(3 if options.quick else 5)]) * 1000

    def with_testclient() -> None:
        app = create_app()
        response = TestClient(app).get("/v1/datastores", headers=headers)
        assert response.status_code == 200, response.text

    async def with_asgi_transport() -> list[float]:
        out: list[float] = []
        for _ in range(count):
            begun = time.perf_counter()
            app = create_app()
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as client:
                response = await client.get("/v1/datastores", headers=headers)
            out.append(time.perf_counter() - begun)
            assert response.status_code == 200, response.text
        return out

    helper_loop = HelperLoop()
    plugin_settings = FakeSettings(token=TOKEN)

    def with_dbaas_fake() -> None:
        fake = new_fake(plugin_settings, helper_loop)
        try:
            response = fake.client.get("/datastores")
            assert response.status_code == 200, response.text
        finally:
            fake.close()

    def with_standalone_dbaas_fake() -> None:
        fake = DbaasFake(token=TOKEN)
        try:
            response = fake.client.get("/datastores")
            assert response.status_code == 200, response.text
        finally:
            fake.close()

    gc.collect()
    results: dict[str, Any] = {"iterations": count, "cold_create_app_ms": cold_ms}
    results["create_app_ms"] = _ms(_timed(create_app, count))
    results["testclient_first_request_ms"] = _ms(_timed(with_testclient, count))
    results["asgi_transport_first_request_ms"] = _ms(asyncio.run(with_asgi_transport()))
    with_dbaas_fake()  # the session's first test starts the shared helper loop
    results["dbaas_fake_first_request_ms"] = _ms(_timed(with_dbaas_fake, count))
    helper_loop.stop()
    results["standalone_dbaas_fake_first_request_ms"] = _ms(_timed(with_standalone_dbaas_fake, count))

    app = create_app()
    controller = Controller(app)
    results["backend_reset_ms"] = _ms(_timed(app.backend.reset, count, setup=lambda: _populate(app)))
    results["controller_reset_ms"] = _ms(_timed(controller.reset, count, setup=lambda: _populate(app)))
    # Over a real socket with a keep-alive client, as a test suite driving ``dbaas-mock serve`` does
    # (TestClient would add its own portal start-up to every request).
    with LiveServer(app=app) as server, httpx.Client(base_url=server.base_url) as client:

        def http_reset() -> None:
            response = client.post("/__mock__/reset")
            assert response.status_code < 300, response.text

        results["http_reset_ms"] = _ms(_timed(http_reset, count, setup=lambda: _populate(app)))
    results["best_first_request_ms"] = min(
        results["testclient_first_request_ms"],
        results["asgi_transport_first_request_ms"],
        results["dbaas_fake_first_request_ms"],
    )
    return results
