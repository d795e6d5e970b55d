"""What every benchmark shares: paths, statistics, timing, processes, ports, memory, result files."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BENCH_DIR",
    "OUT_DIR",
    "REPO",
    "SPEC",
    "Options",
    "Server",
    "free_port",
    "load_section",
    "median",
    "percentile",
    "rss_bytes",
    "save_section",
    "spawn",
    "time_calls",
    "venv_bin",
    "wait_http",
]

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SPEC = REPO / "openapi" / "dbaas-v1.yaml"
#: Raw results, one JSON file per section (git-ignored); ``results.md`` is rendered from them.
OUT_DIR = BENCH_DIR / "out"


@dataclass(frozen=True, slots=True)
class Options:
    """Knobs of a benchmark run; :meth:`quick` gives the tiny run of the smoke test."""

    #: Seconds of each measured load run (at least 5 for a reported figure).
    duration: float = 5.0
    #: Seconds of load before the measured runs of each target and endpoint.
    warmup: float = 2.0
    #: Measured load runs per target and endpoint; the median is reported.
    runs: int = 3
    #: Concurrent keep-alive connections of the load generator.
    connections: int = 32
    #: Datastores in the project of ``GET /v1/datastores?status=ACTIVE``.
    list_size: int = 1000
    #: Fixture benchmark: iterations of each measurement.
    fixture_iterations: int = 200
    #: Scale benchmark: datastores and objects under them in the large store.
    scale_datastores: int = 100_000
    scale_children: int = 1_000_000
    #: Scale benchmark: timed calls per query shape and store.
    scale_calls: int = 2000
    #: Do not run Prism (no Node, or a quick run).
    skip_prism: bool = False
    #: Use the Python load generator even where wrk is installed.
    python_loadgen: bool = False
    #: A tiny run: for the smoke test, figures not for reporting.
    quick: bool = False

    @classmethod
    def quick_run(cls) -> Options:
        """Seconds, not minutes: every code path once, nothing worth reporting."""
        return cls(
            duration=0.5,
            warmup=0.2,
            runs=1,
            connections=4,
            list_size=20,
            fixture_iterations=3,
            scale_datastores=40,
            scale_children=400,
            scale_calls=20,
            skip_prism=True,
            quick=True,
        )


def median(values: Sequence[float]) -> float:
    """The median (0.0 for no values)."""
    return float(statistics.median(values)) if values else 0.0


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return float(ordered[rank])


def time_calls(func: Callable[[], object], count: int) -> list[float]:
    """Wall time of each of ``count`` calls of ``func``, in seconds."""
    out: list[float] = []
    clock = time.perf_counter
    for _ in range(count):
        started = clock()
        func()
        out.append(clock() - started)
    return out


def rss_bytes() -> int:
    """Resident set size of this process, from ``/proc/self/statm``."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def venv_bin(name: str) -> Path:
    """An executable of the interpreter's environment (``dbaas-mock``, ``py-spy``...)."""
    return Path(sys.executable).parent / name


def wait_http(url: str, timeout: float = 60.0, headers: dict[str, str] | None = None) -> None:
    """Poll ``url`` until it answers (any status) or ``timeout`` passes."""
    import httpx

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            httpx.get(url, headers=headers, timeout=2.0)
            return
        except httpx.HTTPError as error:
            last = error
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last}")


@dataclass(slots=True)
class Server:
    """A server process started by the benchmark (always stopped by :func:`spawn`'s context)."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    @property
    def pid(self) -> int:
        """The server's process id."""
        return int(self.process.pid)


@contextlib.contextmanager
def spawn(
    name: str, argv: Sequence[str], base_url: str, log: Path, *, ready_url: str | None = None
) -> Iterator[Server]:
    """Run ``argv`` (its output to ``log``) until it serves ``ready_url``; stop it (by its pid) on exit."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as sink:
        process = subprocess.Popen(argv, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT)
    server = Server(name, process, base_url, log)
    try:
        try:
            wait_http(ready_url or base_url, timeout=90.0)
        except TimeoutError:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{name} did not start ({' '.join(argv)}):\n{tail}") from None
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at once with {process.returncode}; see {log}")
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def save_section(name: str, data: dict[str, Any], out: Path = OUT_DIR) -> Path:
    """Write the raw results of one section to ``<out>/<name>.json`` (default ``bench/out/``)."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.json"
    target.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def load_section(name: str, out: Path = OUT_DIR) -> dict[str, Any] | None:
    """The raw results of one section, if it was run."""
    target = out / f"{name}.json"
    if not target.is_file():
        return None
    loaded: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    return loaded
