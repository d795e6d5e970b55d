"""Planted bugs for the model-based tests: ``python -m bench.mutants [NAME...]``.

Each mutant is one small, plausible break of a rule of the fake (a 409 skipped, a duration changed, a
cascade dropped...). For each, the repository is copied to a temporary folder with the mutant applied
and ``tests/test_model_based.py`` runs there (shrinking off: only whether a failure is found matters).
A mutant the tests do not fail is MISSED, and the command exits 1. The control run (no mutant) must
pass. Worth re-running after any edit of the model-based tests: their runs are derandomised, so a
change to a rule changes which sequences are tried.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MUTANTS", "Mutant", "main"]

ROOT = Path(__file__).resolve().parents[1]
_IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "out"
)


@dataclass(frozen=True)
class Mutant:
    """Replace ``old`` (found exactly once) by ``new`` in ``path``."""

    name: str
    path: str
    old: str
    new: str


MUTANTS = (
    Mutant(
        "duplicate-grants",
        "mock_server/resources/grants/models.py",
        'raise conflict(f"grant for user {user.id} on database {database.id} already exists.")',
        "pass",
    ),
    Mutant(
        "topic-update-12s",
        "mock_server/lifecycle.py",
        '"topic": _table(create=10, update=10, delete=10)',
        '"topic": _table(create=10, update=12, delete=10)',
    ),
    Mutant(
        "topic-update-8s",
        "mock_server/lifecycle.py",
        '"topic": _table(create=10, update=10, delete=10)',
        '"topic": _table(create=10, update=8, delete=10)',
    ),
    Mutant(
        "needed-extension-deleted",
        "mock_server/resources/extensions/models.py",
        "    def _before_delete(self, obj: Extension, now: datetime) -> None:\n",
        "    def _before_delete(self, obj: Extension, now: datetime) -> None:\n        return\n",
    ),
    Mutant(
        "dependent-being-deleted-counted",
        "mock_server/resources/extensions/models.py",
        'if other.id == obj.id or status_of(other) == "PENDING_DELETE":',
        "if other.id == obj.id:",
    ),
    Mutant(
        "owner-check-counts-deleting-databases",
        "mock_server/resources/databases/models.py",
        'if status_of(database) != "PENDING_DELETE":',
        "if True:",
    ),
    Mutant(
        "owner-check-removed",
        "mock_server/resources/users/models.py",
        "        if owned is not None:\n            raise",
        "        if False:\n            raise",
    ),
    Mutant(
        "user-delete-leaves-acls",
        "mock_server/resources/users/models.py",
        '        self.backend.cascade(obj.project_id, "user_id", obj.id)',
        "        pass",
    ),
    Mutant(
        "resize-shown-as-update",
        "mock_server/resources/datastores/operations.py",
        'return self.begin(datastore, "resize", now)',
        'return self.begin(datastore, "update", now)',
    ),
    Mutant(
        "busy-datastore-unchecked",
        "mock_server/resources/databases/common.py",
        "datastore = self.backend.datastores.require(project_id, obj.datastore_id, now)",
        "datastore = self.backend.datastores.get(project_id, obj.datastore_id, now)",
    ),
)
#: The unmutated copy: must pass, or every verdict above means nothing.
CONTROL = Mutant("control", "mock_server/lifecycle.py", "TABLES", "TABLES")
_NO_SHRINK = "derandomize=True, phases=list(__import__('hypothesis').Phase)[:4],"
_RUN = (
    "import sys, pytest, mock_server\n"
    "assert mock_server.__file__.startswith({root!r}), mock_server.__file__\n"
    "sys.exit(pytest.main(['-p', 'no:cacheprovider', '-p', 'no:xdist', '-q', 'tests/test_model_based.py']))"
)


def plant(mutant: Mutant, into: Path) -> None:
    """Copy the repository to ``into`` with ``mutant`` applied and shrinking turned off."""
    shutil.copytree(ROOT, into, ignore=_IGNORED)
    target = into / mutant.path
    text = target.read_text()
    if mutant is not CONTROL and text.count(mutant.old) != 1:
        raise SystemExit(f"{mutant.name}: the text to replace is not found once in {mutant.path}")
    target.write_text(text.replace(mutant.old, mutant.new))
    tests = into / "tests" / "test_model_based.py"
    tests.write_text(tests.read_text().replace("derandomize=True,", _NO_SHRINK))


def main(argv: list[str] | None = None) -> int:
    """Run the chosen mutants (all by default) two at a time; print a table; 1 if any is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", help=f"mutants to run (default: all): {[m.name for m in MUTANTS]}"
    )
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    verdicts: dict[str, tuple[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="dbaas-mutants-") as scratch:
        queue = [CONTROL, *chosen]
        running: dict[str, tuple[subprocess.Popen[str], float]] = {}
        while queue or running:
            while queue and len(running) < args.jobs:
                mutant = queue.pop(0)
                copy = Path(scratch) / mutant.name
                plant(mutant, copy)
                command = [sys.executable, "-c", _RUN.format(root=str(copy))]
                process = subprocess.Popen(
                    command, cwd=copy, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
                )
                running[mutant.name] = (process, time.perf_counter())
            for name, (process, started) in list(running.items()):
                if process.poll() is None:
                    continue
                output = process.stdout.read() if process.stdout else ""
                verdict = {0: "MISSED", 1: "CAUGHT"}.get(process.returncode, f"ERROR {process.returncode}")
                if name == CONTROL.name:
                    verdict = "passes" if process.returncode == 0 else f"FAILS ({process.returncode})"
                if process.returncode not in (0, 1):
                    print(output[-3000:])
                verdicts[name] = (verdict, time.perf_counter() - started)
                print(f"{name:40} {verdict:10} {verdicts[name][1]:5.0f} s", flush=True)
                del running[name]
            time.sleep(0.2)
    missed = [n for n, (v, _) in verdicts.items() if n != CONTROL.name and v != "CAUGHT"]
    ok = verdicts[CONTROL.name][0] == "passes" and not missed
    tried = len(verdicts) - 1
    print(f"{tried - len(missed)} of {tried} mutants caught; control {verdicts[CONTROL.name][0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
