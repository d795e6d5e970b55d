"""Load generators: wrk (Debian's ``wrk``, preferred: light, written in C) and a Python fallback.

Both keep ``connections`` HTTP/1.1 keep-alive connections busy for ``duration`` seconds and report
requests per second and latency percentiles. Requests are either one fixed ``GET`` or
``POST /databases`` with a unique, valid name per request (``Load.post_database``).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .common import BENCH_DIR, percentile

__all__ = ["Load", "LoadResult", "generator_name", "run_load"]

_WRK_DIR = BENCH_DIR / "wrk"
_MARK = "BENCH_JSON "


@dataclass(frozen=True, slots=True)
class Load:
    """One load: a URL, headers, and for a create the datastore its databases go into."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    #: When set, ``POST`` a new database into this datastore per request (``url`` is ``.../databases``).
    post_database: str | None = None
    #: Unique name prefix of the created databases (``[A-Za-z_][A-Za-z0-9_]*``).
    name_prefix: str = "b"


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one load run measured."""

    generator: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    #: Responses outside 2xx/3xx.
    status_errors: int
    #: Connect, read, write errors and timeouts.
    socket_errors: int

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return asdict(self)


def generator_name(python: bool = False) -> str:
    """The generator :func:`run_load` will use."""
    return "wrk" if shutil.which("wrk") and not python else "python-asyncio"


def run_load(load: Load, duration: float, connections: int, *, python: bool = False) -> LoadResult:
    """Run ``load`` for ``duration`` seconds over ``connections`` keep-alive connections."""
    if generator_name(python) == "wrk":
        return _wrk(load, duration, connections)
    return asyncio.run(_python_load(load, duration, connections))


# -- wrk --------------------------------------------------------------------------------------------


def _wrk(load: Load, duration: float, connections: int) -> LoadResult:
    report = (_WRK_DIR / "report.lua").read_text(encoding="utf-8")
    script = report
    extra: list[str] = []
    if load.post_database is not None:
        script = (_WRK_DIR / "post_database.lua").read_text(encoding="utf-8") + "\n" + report
        extra = ["--", load.name_prefix, load.post_database]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as handle:
        handle.write(script)
        script_path = Path(handle.name)
    headers: list[str] = []
    for name, value in load.headers.items():
        headers += ["-H", f"{name}: {value}"]
    if load.post_database is not None:
        headers += ["-H", "Content-Type: application/json"]
    seconds = max(1, round(duration))
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script_path),
        *headers,
        load.url,
        *extra,
    ]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        script_path.unlink(missing_ok=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith(_MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(line[len(_MARK) :])
    elapsed = data["duration_us"] / 1e6
    return LoadResult(
        generator="wrk",
        requests=data["requests"],
        seconds=elapsed,
        rps=data["requests"] / elapsed if elapsed else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        status_errors=data["status_errors"],
        socket_errors=data["connect_errors"] + data["read_errors"] + data["write_errors"] + data["timeouts"],
    )


# -- Python fallback ----------------------------------------------------------------------------------


def _request_factory(load: Load) -> Callable[[int], bytes]:
    parts = urlsplit(load.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    host = parts.netloc
    fixed = "".join(f"{k}: {v}\r\n" for k, v in load.headers.items())
    if load.post_database is None:
        raw = f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{fixed}\r\n".encode("latin-1")
        return lambda _n: raw
    datastore_id, prefix = load.post_database, load.name_prefix

    def post(n: int) -> bytes:
        body = json.dumps({"database": {"datastore_id": datastore_id, "name": f"{prefix}_{n}"}}).encode()
        head = (
            f"POST {target} HTTP/1.1\r\nHost: {host}\r\n{fixed}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode("latin-1") + body

    return post


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        lowered = name.strip().lower()
        if lowered == "content-length":
            length = int(value.strip())
        elif lowered == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip() or b"0", 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _python_load(load: Load, duration: float, connections: int) -> LoadResult:
    parts = urlsplit(load.url)
    make = _request_factory(load)
    latencies: list[float] = []
    errors = {"status": 0, "socket": 0}
    counter = iter(range(1, 1 << 62))
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(make(next(counter)))
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                if status >= 400:
                    errors["status"] += 1
        except (OSError, asyncio.IncompleteReadError):
            errors["socket"] += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]
    return LoadResult(
        generator="python-asyncio",
        requests=len(latencies),
        seconds=elapsed,
        rps=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=percentile(ms, 50),
        p90_ms=percentile(ms, 90),
        p99_ms=percentile(ms, 99),
        max_ms=max(ms, default=0.0),
        status_errors=errors["status"],
        socket_errors=errors["socket"],
    )
