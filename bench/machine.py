"""The machine and software a run measured: CPU model, cores, memory, Python and library versions."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from importlib import metadata
from typing import Any

from .common import BENCH_DIR

__all__ = ["calibrate", "describe", "load_average", "prism_bin", "prism_version", "wrk_version"]

_PACKAGES = ("dbaas-mock", "starlette", "uvicorn", "uvloop", "httptools", "httpx", "jsonschema-rs")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _run(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else ""


def calibrate(rounds: int = 5) -> float:
    """Median ms of a fixed pure-Python loop: compare it across sections to see how busy the machine was."""
    import statistics
    import time

    times: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i % 7
        times.append((time.perf_counter() - started) * 1000)
    return float(statistics.median(times))


def load_average() -> float:
    """The 1-minute load average (other tenants of the machine show up here too)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def prism_bin() -> str | None:
    """The Prism executable installed in ``bench/.prism/``, if any."""
    path = BENCH_DIR / ".prism" / "node_modules" / ".bin" / "prism"
    return str(path) if path.exists() else None


def prism_version() -> str:
    """Prism's version, or ``not installed``."""
    binary = prism_bin()
    return _run([binary, "--version"]) if binary else "not installed"


def wrk_version() -> str:
    """wrk's version line, or ``not installed``."""
    binary = shutil.which("wrk")
    if binary is None:
        return "not installed"
    line = _run([binary, "--version"])
    return line.split(" Copyright")[0].strip()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> dict[str, Any]:
    """Everything the results need to say about the machine and the software."""
    node = shutil.which("node")
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "memory_gib": round(_memory_gib(), 1),
        "kernel": platform.release(),
        "os": _run(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]) or platform.platform(),
        "python": platform.python_version(),
        "python_impl": platform.python_implementation(),
        "packages": {name: _version(name) for name in _PACKAGES},
        "node": _run([node, "--version"]) if node else "not installed",
        "prism": prism_version(),
        "wrk": wrk_version(),
    }
