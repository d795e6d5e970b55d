"""Server throughput and latency: ``dbaas-mock serve`` against Prism 5 and a bare Starlette ceiling.

Three targets, all on 127.0.0.1, all up for the whole run, measured interleaved (run 1 of every target,
then run 2...) so that drift of the machine hits them alike:

- ``dbaas-mock``: ``dbaas-mock serve --lifecycle reads --no-access-log --log-level warning``; its state
  (``list_size`` ACTIVE datastores in the project of token ``bench``) is built in-process and loaded
  through the control API (``PUT /__mock__/state``); the creates go to an ACTIVE MySQL datastore of
  another project (``bench-writer``) created over HTTP, so the list is not affected by them;
- ``ceiling``: a bare Starlette app answering the fake's own bytes (:mod:`bench.ceiling`) under the
  same uvicorn settings;
- ``prism``: ``prism mock -v error openapi/dbaas-v1.yaml`` (static examples; its log at ``error``,
  the counterpart of the access log being off). Prism serves the spec's paths without ``/v1``
  (the spec's server URL is templated).

Endpoints: ``GET /v1/datastores/{id}``, ``GET /v1/datastores?status=ACTIVE`` and ``POST /v1/databases``
(validated and created: a unique name per request).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .common import BENCH_DIR, REPO, SPEC, Options, Server, free_port, median, spawn, venv_bin
from .inproc import SUBNET_ID, Builder
from .loadgen import Load, LoadResult, generator_name, run_load
from .machine import prism_bin

__all__ = ["ENDPOINTS", "TARGETS", "ensure_prism", "run"]

TOKEN = "bench"
WRITER_TOKEN = "bench-writer"
#: Any UUID: Prism answers its static example whatever the id.
_ANY_ID = "20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f4"
ENDPOINTS = ("get_datastore", "list_datastores", "create_database")
TARGETS = ("dbaas-mock", "ceiling", "prism")
_LABELS = {
    "get_datastore": "GET /v1/datastores/{id}",
    "list_datastores": "GET /v1/datastores?status=ACTIVE",
    "create_database": "POST /v1/databases",
}


@dataclass(slots=True)
class _Target:
    """A running target and the loads it answers."""

    name: str
    server: Server
    loads: dict[str, Load]
    #: Bytes of the response body per endpoint (as answered once before the measurements).
    body_bytes: dict[str, int]


def ensure_prism(log: Path) -> str | None:
    """Prism's executable, installing ``@stoplight/prism-cli@5`` into ``bench/.prism/`` when missing."""
    existing = prism_bin()
    if existing is not None:
        return existing
    npm = shutil.which("npm")
    if npm is None:
        return None
    target = BENCH_DIR / ".prism"
    target.mkdir(parents=True, exist_ok=True)
    package = target / "package.json"
    if not package.exists():
        package.write_text('{"name": "dbaas-mock-bench-prism", "private": true}\n', encoding="utf-8")
    with open(log, "wb") as sink:
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "@stoplight/prism-cli@5"],
            cwd=target,
            stdout=sink,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=600,
        )
    return prism_bin()


def build_state(list_size: int) -> dict[str, Any]:
    """A snapshot with ``list_size`` ACTIVE PostgreSQL datastores in the project of :data:`TOKEN`."""
    from mock_server import create_app
    from mock_server.control import Controller

    quotas = {"datastores": 10**9, "nodes": 10**9, "vcpus": 10**9, "ram": 10**12, "disk": 10**12}
    app = create_app(seed=0, quotas=quotas)
    builder = Builder(app)
    for n in range(list_size):
        builder.datastore(TOKEN, f"bench-{n:05d}")
    return Controller(app).snapshot()


def _check(response: httpx.Response, what: str) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


def _prepare_fake(server: Server, list_size: int) -> tuple[dict[str, Load], dict[str, str]]:
    """Load the state, create the writer's datastore; the loads and the bodies the fake answered."""
    base = server.base_url
    with httpx.Client(base_url=base, timeout=120.0) as http:
        state = build_state(list_size)
        _check(http.put("/__mock__/state", content=json.dumps(state)), "PUT /__mock__/state")
        reader = {"X-Auth-Token": TOKEN}
        writer = {"X-Auth-Token": WRITER_TOKEN}
        listed = _check(http.get("/v1/datastores", params={"status": "ACTIVE"}, headers=reader), "list")
        if len(listed["datastores"]) != list_size:
            raise RuntimeError(f"expected {list_size} ACTIVE datastores, got {len(listed['datastores'])}")
        item_id = listed["datastores"][0]["id"]
        types = _check(http.get("/v1/datastore-types", headers=writer), "types")["datastore-types"]
        mysql = [t["id"] for t in types if t["engine"] == "mysql"][-1]
        body = {
            "datastore": {
                "name": "bench-writer",
                "type_id": mysql,
                "subnet_id": SUBNET_ID,
                "node_count": 1,
                "flavor": {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"},
            }
        }
        created = _check(http.post("/v1/datastores", json=body, headers=writer), "create datastore")
        writer_ds = created["datastore"]["id"]
        status = _check(http.get(f"/v1/datastores/{writer_ds}", headers=writer), "get")["datastore"]["status"]
        if status != "ACTIVE":
            raise RuntimeError(f"the writer's datastore is {status}, not ACTIVE")
        bodies = {
            "get": http.get(f"/v1/datastores/{item_id}", headers=reader).text,
            "list": http.get("/v1/datastores", params={"status": "ACTIVE"}, headers=reader).text,
            "post": http.post(
                "/v1/databases",
                json={"database": {"datastore_id": writer_ds, "name": "probe"}},
                headers=writer,
            ).text,
        }
    loads = {
        "get_datastore": Load(f"{base}/v1/datastores/{item_id}", {"X-Auth-Token": TOKEN}),
        "list_datastores": Load(f"{base}/v1/datastores?status=ACTIVE", {"X-Auth-Token": TOKEN}),
        "create_database": Load(
            f"{base}/v1/databases", {"X-Auth-Token": WRITER_TOKEN}, post_database=writer_ds
        ),
    }
    return loads, bodies


def _body_sizes(loads: dict[str, Load]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    with httpx.Client(timeout=60.0) as http:
        for name, load in loads.items():
            if load.post_database is not None:
                body = {
                    "database": {"datastore_id": load.post_database, "name": f"size_{uuid.uuid4().hex[:8]}"}
                }
                response = http.post(load.url, json=body, headers=load.headers)
            else:
                response = http.get(load.url, headers=load.headers)
            if response.status_code >= 400:
                raise RuntimeError(f"{load.url}: {response.status_code} {response.text[:300]}")
            sizes[name] = len(response.content)
    return sizes


@contextlib.contextmanager
def _targets(options: Options, logs: Path) -> Iterator[list[_Target]]:
    """Start every target (stopped on exit); the fake first, since the others copy its bodies."""
    with contextlib.ExitStack() as stack:
        port = free_port()
        fake_argv = [
            str(venv_bin("dbaas-mock")),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifecycle",
            "reads",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        base = f"http://127.0.0.1:{port}"
        fake = stack.enter_context(
            spawn("dbaas-mock", fake_argv, base, logs / "dbaas-mock.log", ready_url=f"{base}/__mock__/health")
        )
        loads, bodies = _prepare_fake(fake, options.list_size)
        targets = [_Target("dbaas-mock", fake, loads, {})]

        bodies_file = logs / "ceiling-bodies.json"
        bodies_file.write_text(json.dumps(bodies), encoding="utf-8")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        ceiling_argv = [
            sys.executable,
            "-m",
            "bench.ceiling",
            "--port",
            str(port),
            "--bodies",
            str(bodies_file),
        ]
        ceiling = stack.enter_context(
            spawn("ceiling", ceiling_argv, base, logs / "ceiling.log", ready_url=f"{base}/health")
        )
        targets.append(_Target("ceiling", ceiling, _rebase(loads, fake.base_url, base), {}))

        prism = None if options.skip_prism else ensure_prism(logs / "npm-install.log")
        if prism is not None:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            prism_argv = [prism, "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "error", str(SPEC)]
            server = stack.enter_context(spawn("prism", prism_argv, base, logs / "prism.log"))
            prism_loads = {
                "get_datastore": Load(f"{base}/datastores/{_ANY_ID}", {"X-Auth-Token": TOKEN}),
                "list_datastores": Load(f"{base}/datastores?status=ACTIVE", {"X-Auth-Token": TOKEN}),
                "create_database": Load(f"{base}/databases", {"X-Auth-Token": TOKEN}, post_database=_ANY_ID),
            }
            targets.append(_Target("prism", server, prism_loads, {}))
        for target in targets:
            target.body_bytes = _body_sizes(target.loads)
        yield targets


def _rebase(loads: dict[str, Load], old: str, new: str) -> dict[str, Load]:
    return {
        name: Load(load.url.replace(old, new, 1), dict(load.headers), load.post_database, load.name_prefix)
        for name, load in loads.items()
    }


def _named(load: Load, tag: str) -> Load:
    """The same load with a fresh name prefix (creates never collide across runs)."""
    return Load(load.url, dict(load.headers), load.post_database, f"{tag}_{uuid.uuid4().hex[:8]}")


def _summary(results: list[LoadResult]) -> dict[str, Any]:
    return {
        "runs": [r.as_dict() for r in results],
        "rps": median([r.rps for r in results]),
        "p50_ms": median([r.p50_ms for r in results]),
        "p99_ms": median([r.p99_ms for r in results]),
        "status_errors": sum(r.status_errors for r in results),
        "socket_errors": sum(r.socket_errors for r in results),
    }


def run(options: Options, logs: Path) -> dict[str, Any]:
    """Measure every endpoint on every target; returns the section's raw results."""
    import uvicorn

    logs.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results: dict[str, dict[str, Any]] = {}
    with _targets(options, logs) as targets:
        names = [t.name for t in targets]
        sizes = {t.name: t.body_bytes for t in targets}
        for endpoint in ENDPOINTS:
            per_target: dict[str, list[LoadResult]] = {t.name: [] for t in targets}
            for target in targets:
                load = _named(target.loads[endpoint], "w")
                run_load(load, options.warmup, options.connections, python=options.python_loadgen)
            for index in range(options.runs):
                for target in targets:
                    load = _named(target.loads[endpoint], f"r{index}")
                    outcome = run_load(
                        load, options.duration, options.connections, python=options.python_loadgen
                    )
                    per_target[target.name].append(outcome)
                    print(
                        f"  {endpoint:16} {target.name:10} run {index + 1}: {outcome.rps:9.0f} req/s "
                        f"p50 {outcome.p50_ms:7.2f} ms p99 {outcome.p99_ms:7.2f} ms "
                        f"(non-2xx {outcome.status_errors}, socket errors {outcome.socket_errors})",
                        flush=True,
                    )
            results[endpoint] = {name: _summary(per_target[name]) for name in names}
            for name in names:
                results[endpoint][name]["body_bytes"] = sizes[name][endpoint]
    ratios: dict[str, dict[str, float | None]] = {}
    for endpoint, by_target in results.items():
        ours = by_target["dbaas-mock"]["rps"]
        ratios[endpoint] = {
            "vs_prism": ours / by_target["prism"]["rps"] if "prism" in by_target else None,
            "vs_ceiling": ours / by_target["ceiling"]["rps"] if by_target["ceiling"]["rps"] else None,
        }
    return {
        "generator": generator_name(options.python_loadgen),
        "connections": options.connections,
        "duration_s": options.duration,
        "warmup_s": options.warmup,
        "runs": options.runs,
        "list_size": options.list_size,
        "targets": names,
        "labels": _LABELS,
        "results": results,
        "ratios": ratios,
        "uvicorn": {
            "version": uvicorn.__version__,
            "loop": "uvloop" if _importable("uvloop") else "asyncio",
            "http": "httptools" if _importable("httptools") else "h11",
            "access_log": "off (uvicorn access_log=False; dbaas-mock --no-access-log)",
            "workers": 1,
        },
        "prism_flags": "mock -v error (static examples, no -d)",
        "elapsed_s": time.time() - started,
        "repo": str(REPO),
    }


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
