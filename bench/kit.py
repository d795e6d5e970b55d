"""The contract kit's duration: ``dbaas-contracts`` against the in-process fake, all phases.

The kit (``contracts/``, command ``dbaas-contracts``) is written by another engineer; when it is not
there yet the section says so ("not measured: the kit was not ready") and carries no figure.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import REPO, Options, median, venv_bin

__all__ = ["KIT_ARGS", "kit_command", "run"]

#: Every phase and scenario against a fresh in-process fake (``--app mock_server``), writes allowed,
#: a fixed seed; ``--report-dir`` is added per run.
KIT_ARGS: tuple[str, ...] = (
    "run",
    "--app",
    "mock_server",
    "--token",
    "bench-kit",
    "--admin-token",
    "dbaas-mock-admin",
    "--allow-writes",
    "--seed",
    "0",
    "--no-progress",
)
NOT_READY = "not measured: the kit was not ready"


def kit_command() -> list[str] | None:
    """How to start the kit: ``dbaas-contracts``, else ``python -m contracts``, else ``None``."""
    local = venv_bin("dbaas-contracts")
    if local.exists():
        return [str(local)]
    found = shutil.which("dbaas-contracts")
    if found:
        return [found]
    if importlib.util.find_spec("contracts.cli") is not None:
        return [sys.executable, "-m", "contracts"]
    return None


def _summary(report_dir: Path) -> dict[str, Any]:
    """Checks passed and failed, failures and errors, from the kit's ``results.json`` if written."""
    try:
        data = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    tallies = data.get("tallies") or []
    return {
        "ok": data.get("ok"),
        "checks_passed": sum(int(t.get("passed", 0)) for t in tallies),
        "checks_failed": sum(int(t.get("failed", 0)) for t in tallies),
        "failures": len(data.get("failures") or []),
        "errors": len(data.get("errors") or []),
    }


def run(options: Options, out: Path | None = None) -> dict[str, Any]:
    """Time the kit (median of ``runs``, one run in a quick run); returns the section's raw results."""
    command = kit_command()
    if command is None:
        return {"status": NOT_READY, "command": None}
    durations: list[float] = []
    outcomes: list[int] = []
    tail = ""
    summary: dict[str, Any] = {}
    argv: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-kit-") as scratch:
        for index in range(1 if options.quick else options.runs):
            report_dir = (out or Path(scratch)) / f"kit-report-{index + 1}"
            argv = [*command, *KIT_ARGS, "--report-dir", str(report_dir)]
            if options.quick:
                argv += ["--max-examples", "1", "--max-steps", "2", "--phases", "examples"]
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=3600, check=False)
            durations.append(time.perf_counter() - started)
            outcomes.append(done.returncode)
            tail = (done.stdout + done.stderr)[-3000:]
            summary = _summary(report_dir)
            if done.returncode not in (0, 1):
                return {"status": f"not measured: the kit exited with {done.returncode}", "output_tail": tail}
    return {
        "status": "measured",
        "argv": argv,
        "display": "dbaas-contracts " + " ".join(argv[len(command) :]).replace(f"{REPO}/", ""),
        "seconds": median(durations),
        "runs": durations,
        "exit_codes": outcomes,
        "summary": summary,
        "output_tail": tail,
    }
