"""Where the time goes: py-spy on the running server under load, cProfile on the in-process path.

- :func:`spy_server`: ``dbaas-mock serve`` as in :mod:`bench.server`, wrk on one endpoint, and
  ``py-spy record --format raw`` on the server's pid meanwhile; the raw stacks are folded into the
  functions with the most samples on top of the stack (self) and anywhere in it (inclusive).
- :func:`cprofile_inprocess`: the same requests through :class:`~bench.inproc.AsgiDriver` under
  cProfile (no uvicorn, no sockets): the fake's own code only.
"""

from __future__ import annotations

import cProfile
import pstats
import re
import subprocess
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .common import Options, free_port, spawn, venv_bin
from .inproc import AsgiDriver, Builder
from .loadgen import Load, run_load
from .server import ENDPOINTS, TOKEN, WRITER_TOKEN, _named, _prepare_fake

__all__ = ["cprofile_inprocess", "fold_raw", "run", "spy_server"]

_TOP = 25
#: The line number of a py-spy frame (``func (file.py:123)``): folded away to count per function.
_LINE = re.compile(r":\d+\)$")


def fold_raw(text: str, top: int = _TOP) -> dict[str, Any]:
    """Self and inclusive sample shares (% of all samples) per function from py-spy's raw output."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [
            f for f in stack.split(";") if f and not f.startswith("process ") and not f.startswith("thread ")
        ]
        if not frames:
            continue
        functions = [_LINE.sub(")", frame) for frame in frames]
        own[functions[-1]] += count
        for function in set(functions):
            inclusive[function] += count
    share = (lambda n: round(100 * n / total, 1)) if total else (lambda n: 0.0)
    return {
        "samples": total,
        "self": [(name, share(n)) for name, n in own.most_common(top)],
        "inclusive": [(name, share(n)) for name, n in inclusive.most_common(top)],
    }


def _load_into(result: dict[str, Any], load: Load, seconds: float, connections: int) -> None:
    result["load"] = run_load(load, seconds, connections)


def spy_server(options: Options, logs: Path, endpoints: tuple[str, ...]) -> dict[str, Any]:
    """py-spy profiles of ``dbaas-mock serve`` under wrk load, one per endpoint."""
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [
        str(venv_bin("dbaas-mock")),
        "serve",
        "--port",
        str(port),
        "--lifecycle",
        "reads",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    out: dict[str, Any] = {}
    with spawn(
        "dbaas-mock", argv, base, logs / "profile-server.log", ready_url=f"{base}/__mock__/health"
    ) as server:
        loads, _ = _prepare_fake(server, options.list_size)
        for endpoint in endpoints:
            load = _named(loads[endpoint], "p")
            run_load(load, options.warmup, options.connections)
            raw = logs / f"py-spy-{endpoint}.txt"
            seconds = max(2, round(options.duration))
            spy = ["py-spy", "record", "--pid", str(server.pid), "--duration", str(seconds)]
            spy += ["--rate", "250", "--format", "raw", "--output", str(raw), "--nonblocking"]
            result: dict[str, Any] = {}
            thread = threading.Thread(
                target=_load_into, args=(result, _named(load, "q"), seconds + 1, options.connections)
            )
            thread.start()
            spy[0] = str(venv_bin("py-spy"))
            subprocess.run(spy, capture_output=True, text=True, timeout=seconds + 60, check=False)
            thread.join()
            folded: dict[str, Any] = fold_raw(raw.read_text(encoding="utf-8")) if raw.exists() else {}
            folded["rps_while_sampled"] = result["load"].rps if "load" in result else None
            out[endpoint] = folded
    return out


async def _drive(make: Callable[[int], Awaitable[tuple[int, bytes]]], start: int, count: int) -> None:
    for n in range(start, start + count):
        status, body = await make(n)
        if status != 200:
            raise RuntimeError(f"{status} {body[:200]!r}")


def cprofile_inprocess(options: Options, calls: int = 5000) -> dict[str, Any]:
    """cProfile of the fake's request path (``AsgiDriver``) for the three benchmarked requests.

    The state is the server benchmark's: ``list_size`` ACTIVE datastores in one project, an ACTIVE
    MySQL datastore in another for the creates. The list runs ``calls / 50`` times (it is long).
    """
    from mock_server import create_app

    quotas = {"datastores": 10**9, "nodes": 10**9, "vcpus": 10**9, "ram": 10**12, "disk": 10**12}
    app = create_app(seed=0, quotas=quotas)
    builder = Builder(app)
    ids = [builder.datastore(TOKEN, f"profiled-{n}") for n in range(options.list_size)]
    writer = builder.datastore(WRITER_TOKEN, "writer", "mysql")
    driver = AsgiDriver(app, TOKEN)
    item = ids[0]
    shapes: dict[str, tuple[int, Callable[[int], Awaitable[tuple[int, bytes]]]]] = {
        "get_datastore": (calls, lambda n: driver.call("GET", f"/v1/datastores/{item}")),
        "list_datastores": (
            max(2, calls // 50),
            lambda n: driver.call("GET", "/v1/datastores", "status=ACTIVE"),
        ),
        "create_database": (
            calls,
            lambda n: driver.call(
                "POST",
                "/v1/databases",
                body=f'{{"database":{{"datastore_id":"{writer}","name":"p_{n}"}}}}'.encode(),
                token=WRITER_TOKEN,
            ),
        ),
    }
    out: dict[str, Any] = {}
    try:
        for name, (count, make) in shapes.items():
            driver.loop.run_until_complete(_drive(make, 0, count))  # warm-up
            profiler = cProfile.Profile()
            profiler.enable()
            driver.loop.run_until_complete(_drive(make, count, count))
            profiler.disable()
            out[name] = _top(pstats.Stats(profiler), count)
    finally:
        driver.close()
    return out


def _top(stats: pstats.Stats, count: int) -> dict[str, Any]:
    """The entries with the most own time and the most cumulative time, in microseconds per request."""
    entries = []
    raw_stats: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in raw_stats.items():
        entries.append((f"{func} ({Path(filename).name}:{line})", ncalls, tottime, cumtime))
    total = sum(e[2] for e in entries)
    by_self = sorted(entries, key=lambda e: e[2], reverse=True)[:_TOP]
    by_cum = sorted(entries, key=lambda e: e[3], reverse=True)[:_TOP]
    return {
        "calls": count,
        "us_per_request": total / count * 1e6,
        "self": [(e[0], e[1] // count, round(e[2] / count * 1e6, 2)) for e in by_self],
        "cumulative": [(e[0], e[1] // count, round(e[3] / count * 1e6, 2)) for e in by_cum],
    }


def run(options: Options, logs: Path) -> dict[str, Any]:
    """Both profiles; returns the section's raw results."""
    return {
        "py_spy": spy_server(options, logs, ENDPOINTS),
        "cprofile": cprofile_inprocess(options, calls=200 if options.quick else 5000),
    }
