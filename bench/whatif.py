"""What the proposed changes would buy: the fake with them monkeypatched in, against the fake as it is.

Not part of ``python -m bench`` (``all``): run ``python -m bench whatif``. The patches stand in for the
changes proposed in ``bench/analysis.md`` (the lead applies the real ones to ``mock_server/``); they
reach into the fake's internals by name, so they are an experiment, not a product:

- ``fmt``: ``clock.format_ts`` memoised (``functools.lru_cache``) where the views import it;
- ``principal``: ``Auth.principal`` memoised per unregistered token (no sha256 per request);
- ``reqid``: the request id from ``os.urandom(16).hex()`` instead of ``uuid.uuid4().hex``;
- ``seed``: ``disk_used``'s ``seed_of`` (blake2b) memoised;
- ``json``: one ``JSONEncoder`` built once instead of one per ``json.dumps(..., ensure_ascii=False)``;
- ``tablefor``: ``Backend.table_for`` from a dict instead of walking two generators per mutation;
- ``gcfreeze`` (server only): ``gc.freeze()`` once a second, so full collections skip the store;
- ``validator`` (fixture): one ``RequestValidator`` per (cached, immutable) spec instead of per app;
- ``catalog`` (fixture): the seeded catalog built once per seed and shared (the experiment shares it
  outright, which is only right while nobody changes the catalog; the proposal is copy-on-write).

``python -m bench.whatif serve ARGS`` is ``dbaas-mock serve ARGS`` with every server patch applied.
"""

from __future__ import annotations

import copy
import functools
import gc
import importlib
import json
import os
import sys
import threading
import time
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .common import Options, free_port, median, spawn, venv_bin
from .loadgen import run_load
from .server import _named, _prepare_fake, _rebase

__all__ = ["SERVER_PATCHES", "apply", "main", "run"]

SERVER_PATCHES = ("fmt", "principal", "reqid", "seed", "json", "tablefor", "gcfreeze")
FIXTURE_PATCHES = ("validator", "catalog")


def _module(name: str) -> Any:
    """A module of the fake, typed loosely: the patches replace its attributes."""
    return importlib.import_module(name)


def _patch_fmt() -> None:
    clock = _module("mock_server.clock")
    original = clock.format_ts
    fast = functools.lru_cache(maxsize=1 << 16)(original)
    for name, module in list(sys.modules.items()):
        if (
            name.startswith("mock_server")
            and module is not clock
            and getattr(module, "format_ts", None) is original
        ):
            vars(module)["format_ts"] = fast


def _patch_principal() -> None:
    auth = _module("mock_server.auth")
    original = auth.Auth.principal

    def principal(self: Any, token: str | None) -> Any:
        if not token or token in self._registered:
            return original(self, token)
        cache: dict[str, Any] = self.__dict__.setdefault("_whatif_principals", {})
        found = cache.get(token)
        if found is None:
            found = cache[token] = original(self, token)
        return found

    auth.Auth.principal = principal


def _patch_reqid() -> None:
    app_module = _module("mock_server.app")

    def uuid4() -> Any:
        return types.SimpleNamespace(hex=os.urandom(16).hex())

    app_module.uuid = types.SimpleNamespace(uuid4=uuid4)


def _patch_seed() -> None:
    base = _module("mock_server.resources.datastores.base")
    base.seed_of = functools.lru_cache(maxsize=1 << 16)(base.seed_of)


def _patch_json() -> None:
    app_module = _module("mock_server.app")
    encoder = json.JSONEncoder(ensure_ascii=False, check_circular=False)

    def dumps(value: Any, ensure_ascii: bool = False) -> str:
        return encoder.encode(value)

    app_module.json = types.SimpleNamespace(dumps=dumps)


def _patch_tablefor() -> None:
    backend_module = _module("mock_server.backend")

    def table_for(self: Any, kind: str) -> Any:
        cached = self.__dict__.get("_whatif_tables")
        if cached is None or cached[0] is not self.databases:
            cached = (self.databases, {table.kind: table for table in self.tables()})
            self.__dict__["_whatif_tables"] = cached
        return cached[1].get(kind)

    backend_module.Backend.table_for = table_for


def _freezer() -> None:
    while True:
        time.sleep(1.0)
        gc.freeze()


def _patch_gcfreeze() -> None:
    threading.Thread(target=_freezer, name="whatif-gc-freeze", daemon=True).start()


def _patch_validator() -> None:
    app_module = _module("mock_server.app")
    app_module.RequestValidator = functools.lru_cache(maxsize=8)(app_module.RequestValidator)


def _patch_catalog() -> None:
    backend_module = _module("mock_server.backend")
    original = backend_module.CatalogModel
    templates: dict[int, Any] = {}

    def catalog(backend: Any) -> Any:
        seed = backend.config.seed
        if seed not in templates:
            templates[seed] = original(backend)
        shared = copy.copy(templates[seed])
        shared.backend = backend
        return shared

    backend_module.CatalogModel = catalog


_PATCHES = {
    "fmt": _patch_fmt,
    "principal": _patch_principal,
    "reqid": _patch_reqid,
    "seed": _patch_seed,
    "json": _patch_json,
    "tablefor": _patch_tablefor,
    "gcfreeze": _patch_gcfreeze,
    "validator": _patch_validator,
    "catalog": _patch_catalog,
}


def apply(names: Sequence[str]) -> None:
    """Apply the named patches to the ``mock_server`` of this process."""
    # Every module the patches reach must be loaded first (``fmt`` patches the importers).
    _module("mock_server.app")
    _module("mock_server.resources.datastores.responses")
    for name in names:
        _PATCHES[name]()


def _fixture(patched: bool, count: int) -> dict[str, float]:
    import asyncio

    import httpx

    from mock_server import create_app

    if patched:
        apply(FIXTURE_PATCHES)
    create_app()

    async def first_requests() -> list[float]:
        out: list[float] = []
        for _ in range(count):
            started = time.perf_counter()
            app = create_app()
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                response = await client.get("/v1/datastores", headers={"X-Auth-Token": "t"})
            out.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        return out

    app = create_app()
    resets: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        app.backend.reset()
        resets.append(time.perf_counter() - started)
    return {
        "asgi_transport_first_request_ms": median(asyncio.run(first_requests())) * 1000,
        "backend_reset_ms": median(resets) * 1000,
    }


def _fixture_in_subprocess(patched: bool, count: int) -> dict[str, float]:
    import subprocess

    code = f"import json; from bench.whatif import _fixture; print(json.dumps(_fixture({patched}, {count})))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(options: Options, logs: Path) -> dict[str, Any]:
    """Plain fake, patched fake and the ceiling, interleaved; fixture costs plain and patched."""
    logs.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"server_patches": list(SERVER_PATCHES), "fixture_patches": list(FIXTURE_PATCHES)}
    count = options.fixture_iterations
    out["fixture"] = {
        "plain": _fixture_in_subprocess(False, count),
        "patched": _fixture_in_subprocess(True, count),
    }
    serve = ["serve", "--no-access-log", "--log-level", "warning"]
    plain_port, patched_port, ceiling_port = free_port(), free_port(), free_port()
    plain_url, patched_url = f"http://127.0.0.1:{plain_port}", f"http://127.0.0.1:{patched_port}"
    plain_argv = [str(venv_bin("dbaas-mock")), *serve, "--port", str(plain_port)]
    patched_argv = [sys.executable, "-m", "bench.whatif", *serve, "--port", str(patched_port)]
    with (
        spawn(
            "plain",
            plain_argv,
            plain_url,
            logs / "whatif-plain.log",
            ready_url=f"{plain_url}/__mock__/health",
        ) as plain,
        spawn(
            "patched",
            patched_argv,
            patched_url,
            logs / "whatif-patched.log",
            ready_url=f"{patched_url}/__mock__/health",
        ) as patched,
    ):
        plain_loads, bodies = _prepare_fake(plain, options.list_size)
        patched_loads, _ = _prepare_fake(patched, options.list_size)
        bodies_file = logs / "whatif-bodies.json"
        bodies_file.write_text(json.dumps(bodies), encoding="utf-8")
        ceiling_url = f"http://127.0.0.1:{ceiling_port}"
        ceiling_argv = [
            sys.executable,
            "-m",
            "bench.ceiling",
            "--port",
            str(ceiling_port),
            "--bodies",
            str(bodies_file),
        ]
        with spawn(
            "ceiling",
            ceiling_argv,
            ceiling_url,
            logs / "whatif-ceiling.log",
            ready_url=f"{ceiling_url}/health",
        ):
            targets = {
                "plain": plain_loads,
                "patched": patched_loads,
                "ceiling": _rebase(plain_loads, plain.base_url, ceiling_url),
            }
            for endpoint in ("get_datastore", "create_database"):
                runs: dict[str, list[Any]] = {name: [] for name in targets}
                for loads in targets.values():
                    run_load(_named(loads[endpoint], "w"), options.warmup, options.connections)
                for index in range(options.runs):
                    for name, loads in targets.items():
                        runs[name].append(
                            run_load(
                                _named(loads[endpoint], f"r{index}"), options.duration, options.connections
                            )
                        )
                out[endpoint] = {
                    name: {
                        "rps": median([r.rps for r in results]),
                        "p50_ms": median([r.p50_ms for r in results]),
                        "p99_ms": median([r.p99_ms for r in results]),
                        "runs": [r.rps for r in results],
                    }
                    for name, results in runs.items()
                }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.whatif serve ...``: ``dbaas-mock serve`` with the server patches applied."""
    from mock_server.cli import main as serve_main

    apply(SERVER_PATCHES)
    return serve_main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    raise SystemExit(main())
