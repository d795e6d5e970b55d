"""Scale: latency of reads and memory with 100,000 datastores and 1,000,000 objects under them.

Two fakes are built the same way through the handlers (:class:`~bench.inproc.Builder`), all in one
project (the hardest case for a filter: the whole store is one project's): a small one (10 datastores,
10 objects each) and a large one (``scale_datastores``, ``scale_children`` objects). Per datastore:
4 users, 4 databases (PostgreSQL ones owned by those users) and 2 grants; PostgreSQL and MySQL
alternate. Three datastores use an older PostgreSQL type (the "rare" type) in both fakes, so a filter
on it has the same small result whatever the size of the store. Everything is settled
(``Controller.settle``) before the reads are timed.

Two rules of the create path scan the project, which makes building one large project quadratic, so
the build works around them (and :func:`measure_writes` measures them instead):

- the quota check (``QuotaModel.usage`` walks every datastore of the project): during the build only,
  ``backend.quotas.check`` is replaced by a no-op (the limits are huge anyway; nothing it would store);
- the name check of users and databases (``ChildModel.check_name`` walks every object of the project
  with that name): the build gives every user and database a name unique in the project.

The reads go through the whole in-process request path (:class:`~bench.inproc.AsgiDriver`): routing,
auth, query validation, handler, serialisation. Each shape runs ``scale_calls`` times after a warm-up,
in 10 rounds alternating the stores; the median and p99 per call are reported, and the ratio
large/small (the target: within 10%) as the median of the per-round ratios (see :func:`measure`).

Memory: RSS growth while building the large store (after ``gc.collect()``) per object, and
``tracemalloc``'s count of Python allocations for a sample (1% of the store, at least 100 datastores).
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import Any

from .common import Options, median, percentile, rss_bytes
from .inproc import SUBNET_ID, AsgiDriver, Builder

__all__ = ["SHAPES", "build", "run"]

TOKEN = "bench"
RARE = 3
SHAPES = ("get_datastore", "get_database", "list_by_name", "list_by_type_id", "list_databases_of_datastore")
_QUOTAS = {"datastores": 10**9, "nodes": 10**9, "vcpus": 10**9, "ram": 10**12, "disk": 10**12}


@dataclass(slots=True)
class Store:
    """A built fake and what the reads ask for."""

    app: Any
    datastores: int = 0
    children: int = 0
    seconds: float = 0.0
    target_datastore: str = ""
    target_name: str = ""
    target_database: str = ""
    rare_type: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def build(datastores: int, children: int, *, progress: bool = False) -> Store:
    """A fake with ``datastores`` datastores and ``children`` objects under them (see the module doc)."""
    from mock_server import create_app
    from mock_server.control import Controller

    app = create_app(seed=0, quotas=dict(_QUOTAS))
    app.journal.enabled = False
    builder = Builder(app)
    vars(app.backend.quotas)["check"] = _no_quota_check
    pg_types = builder.type_ids("postgresql")
    rare, bulk_pg = pg_types[0], pg_types[-1]
    mysql = builder.type_ids("mysql")[-1]
    per = max(1, children // max(1, datastores))
    store = Store(app=app, rare_type=rare)
    target = datastores // 2
    counts = {"datastore": 0, "user": 0, "database": 0, "grant": 0}
    started = time.perf_counter()
    for n in range(datastores):
        postgres = n % 2 == 0 or n < RARE * 2
        engine = "postgresql" if postgres else "mysql"
        type_id = rare if n % 2 == 0 and n < RARE * 2 else (bulk_pg if postgres else mysql)
        name = f"ds-{n:07d}"
        ds = builder.datastore(TOKEN, name, engine, type_id)
        counts["datastore"] += 1
        users: list[str] = []
        databases: list[str] = []
        for k in range(per):
            slot = k % 10
            if slot < 4:
                fields = {"datastore_id": ds, "name": f"u{n}_{k}", "password": "bench-password-1"}
                users.append(builder.child("create_user", "user", TOKEN, fields))
                counts["user"] += 1
            elif slot < 8:
                db_fields: dict[str, Any] = {"datastore_id": ds, "name": f"d{n}_{k}"}
                if postgres:
                    db_fields["owner_id"] = users[(slot - 4) % len(users)]
                databases.append(builder.child("create_database", "database", TOKEN, db_fields))
                counts["database"] += 1
            else:
                grant = {"datastore_id": ds, "database_id": databases[slot - 8], "user_id": users[slot - 8]}
                builder.child("create_grant", "grant", TOKEN, grant)
                counts["grant"] += 1
        if n == target:
            store.target_datastore, store.target_name = ds, name
            store.target_database = databases[0] if databases else ""
        if progress and n and n % 10_000 == 0:
            rate = (n * (per + 1)) / (time.perf_counter() - started)
            print(f"    built {n} datastores ({rate:,.0f} objects/s)", flush=True)
    Controller(app).settle()
    del vars(app.backend.quotas)["check"]
    app.journal.enabled = True
    store.seconds = time.perf_counter() - started
    store.datastores = counts["datastore"]
    store.children = sum(v for k, v in counts.items() if k != "datastore")
    store.counts = counts
    return store


def _no_quota_check(*args: Any, **kwargs: Any) -> None:
    """Stands in for ``QuotaModel.check`` during a build (see the module doc)."""


def _queries(store: Store) -> dict[str, tuple[str, str, int]]:
    """Shape -> (path, query, expected result size)."""
    return {
        "get_datastore": (f"/v1/datastores/{store.target_datastore}", "", 1),
        "get_database": (f"/v1/databases/{store.target_database}", "", 1),
        "list_by_name": ("/v1/datastores", f"name={store.target_name}", 1),
        "list_by_type_id": ("/v1/datastores", f"type_id={store.rare_type}", RARE),
        "list_databases_of_datastore": ("/v1/databases", f"datastore_id={store.target_datastore}", 4),
    }


def _check(driver: AsgiDriver, store: Store) -> None:
    """Every shape answers 200 with the expected number of results."""
    import json

    for shape, (path, query, expected) in _queries(store).items():
        status, body = driver.request("GET", path, query)
        if status != 200:
            raise RuntimeError(f"{shape}: {status} {body}")
        size = 1 if shape.startswith("get_") else len(next(iter(body.values())))
        if size != expected:
            raise RuntimeError(f"{shape}: {size} results, expected {expected}: {json.dumps(body)[:300]}")


def measure(stores: dict[str, Store], calls: int, rounds: int = 10) -> dict[str, dict[str, dict[str, float]]]:
    """Median and p99 (ms) per call of every shape on every store, and the large/small ratio.

    The stores take turns, ``rounds`` times (``calls / rounds`` calls of each shape per turn), so that
    drift of the machine hits them alike; each shape is warmed up first. ``ratio`` (on the last store)
    is the median over the rounds of (its median / the first store's median) in that round: the two
    measurements of a pair are taken seconds apart, which keeps a busy machine's drift out of it.
    """
    drivers = {name: AsgiDriver(store.app, TOKEN) for name, store in stores.items()}
    samples: dict[str, dict[str, list[float]]] = {name: {shape: [] for shape in SHAPES} for name in stores}
    per_round: dict[str, dict[str, list[float]]] = {name: {shape: [] for shape in SHAPES} for name in stores}
    per_turn = max(1, calls // rounds)
    try:
        for name, store in stores.items():
            _check(drivers[name], store)
            for path, query, _ in _queries(store).values():
                drivers[name].timed("GET", path, query, max(10, calls // 10))
        for _ in range(rounds):
            for name, store in stores.items():
                for shape, (path, query, _) in _queries(store).items():
                    times = drivers[name].timed("GET", path, query, per_turn)
                    samples[name][shape] += times
                    per_round[name][shape].append(median(times))
    finally:
        for driver in drivers.values():
            driver.close()
    first = next(iter(stores))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, by_shape in samples.items():
        out[name] = {}
        for shape, times in by_shape.items():
            pairs = zip(per_round[name][shape], per_round[first][shape], strict=True)
            out[name][shape] = {
                "median_ms": median(times) * 1000,
                "p99_ms": percentile(times, 99) * 1000,
                "results": _queries(stores[name])[shape][2],
                "ratio": median([mine / base for mine, base in pairs if base]),
            }
    return out


def measure_writes(store: Store, calls: int) -> dict[str, float]:
    """Median ms of ``POST /v1/datastores`` in the store's project (the quota check scans the project)."""
    import json

    driver = AsgiDriver(store.app, TOKEN)
    builder = Builder(store.app)
    type_id = builder.type_id("postgresql")
    times: list[float] = []
    try:
        for n in range(calls):
            body = {
                "datastore": {
                    "name": f"write-{n}",
                    "type_id": type_id,
                    "subnet_id": SUBNET_ID,
                    "node_count": 1,
                    "flavor": {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"},
                }
            }
            raw = json.dumps(body).encode()
            started = time.perf_counter()
            status, payload = driver.loop.run_until_complete(driver.call("POST", "/v1/datastores", body=raw))
            times.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"create_datastore: {status} {payload[:300]!r}")
    finally:
        driver.close()
    return {"median_ms": median(times) * 1000, "calls": calls}


def shared_name_cost(sizes: tuple[int, ...], calls: int) -> dict[str, float]:
    """Median ms of ``POST /v1/users`` named ``admin`` when ``k`` users of the project are named so."""
    import json

    from mock_server import create_app

    out: dict[str, float] = {}
    for k in sizes:
        app = create_app(seed=0, quotas=dict(_QUOTAS))
        app.journal.enabled = False
        vars(app.backend.quotas)["check"] = _no_quota_check
        builder = Builder(app)
        for n in range(k):
            ds = builder.datastore(TOKEN, f"ds-{n}")
            builder.child(
                "create_user", "user", TOKEN, {"datastore_id": ds, "name": "admin", "password": "p-1"}
            )
        targets = [builder.datastore(TOKEN, f"target-{n}") for n in range(calls)]
        driver = AsgiDriver(app, TOKEN)
        times: list[float] = []
        try:
            for ds in targets:
                raw = json.dumps({"user": {"datastore_id": ds, "name": "admin", "password": "p-1"}}).encode()
                started = time.perf_counter()
                status, payload = driver.loop.run_until_complete(driver.call("POST", "/v1/users", body=raw))
                times.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"create_user: {status} {payload[:300]!r}")
        finally:
            driver.close()
        out[str(k)] = median(times) * 1000
    return out


def _tracemalloc_sample(datastores: int, children: int) -> dict[str, float]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    store = build(datastores, children)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    objects = store.datastores + store.children
    del store
    return {
        "datastores": datastores,
        "children": children,
        "bytes": grown,
        "bytes_per_object": grown / objects,
    }


def run(options: Options) -> dict[str, Any]:
    """Build both stores, time the reads, measure memory; returns the section's raw results."""
    per = max(1, options.scale_children // max(1, options.scale_datastores))
    small_n = min(10, options.scale_datastores)
    small = build(small_n, small_n * per)
    gc.collect()
    rss_before = rss_bytes()
    large = build(options.scale_datastores, options.scale_children, progress=not options.quick)
    gc.collect()
    rss_after = rss_bytes()
    objects = large.datastores + large.children
    times = measure({"small": small, "large": large}, options.scale_calls)
    small_times, large_times = times["small"], times["large"]
    write_calls = 3 if options.quick else 10
    small_writes = measure_writes(small, write_calls)
    large_writes = measure_writes(large, write_calls)
    shared = shared_name_cost((10, 100) if options.quick else (10, 1000, 3000), write_calls)
    sample_ds = max(10 if options.quick else 100, options.scale_datastores // 100)
    sample = _tracemalloc_sample(sample_ds, sample_ds * per)
    ratios = {shape: large_times[shape]["ratio"] for shape in SHAPES}
    return {
        "small": {"datastores": small.datastores, "children": small.children, "reads": small_times},
        "large": {
            "datastores": large.datastores,
            "children": large.children,
            "counts": large.counts,
            "build_seconds": large.seconds,
            "build_objects_per_second": objects / large.seconds if large.seconds else 0.0,
            "reads": large_times,
        },
        "ratios": ratios,
        "memory": {
            "rss_growth_bytes": rss_after - rss_before,
            "rss_bytes_per_object": (rss_after - rss_before) / objects if objects else 0.0,
            "rss_after_bytes": rss_after,
            "tracemalloc_sample": sample,
        },
        "writes": {
            "create_datastore_small_ms": small_writes["median_ms"],
            "create_datastore_large_ms": large_writes["median_ms"],
            "create_user_shared_name_ms": shared,
            "calls": write_calls,
        },
        "calls": options.scale_calls,
        "path": "handlers (Builder) for the build; whole ASGI request path (AsgiDriver) for the reads",
    }
