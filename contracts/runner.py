"""One run of the kit, from the inventory before to the reports after.

Order: reach the target, take the inventory, run the schemathesis phases, run the scenarios; then, on
success, failure or interrupt alike (``finally`` plus SIGINT/SIGTERM handlers), tear down every object
in the ledger, sweep anything named with the run's prefix, take the inventory again, compare, and write
the reports.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from .api import Api, ApiError
from .engine import run_engine
from .fidelity import FidelityTracker
from .guard import Guard
from .integration import RunContext, build_schema
from .kinds import KINDS
from .ledger import Ledger
from .options import ENGINE_PHASES, IN_PROCESS_URL, RunOptions
from .progress import Progress
from .reports import RunSummary, write_reports
from .results import SAFETY, FailureRecord, Results
from .safety import Inventory, StopSignals, compare_inventories, sweep, take_inventory, teardown
from .scenarios import SCENARIOS, run_scenarios
from .spec import SpecIndex
from .waiters import Timing, Waiter

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNSAFE",
    "RunResult",
    "detect_fake",
    "open_context",
    "run",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_UNSAFE: Final = 3
EXIT_INTERRUPTED: Final = 130


@dataclass
class RunResult:
    """What a run did and found."""

    run_id: str
    ok: bool
    exit_code: int
    results: Results
    ledger: Ledger
    fidelity: FidelityTracker
    safety: list[str]
    fake: bool
    seed: int | None
    duration: float
    reports: Mapping[str, Path]

    def headline(self) -> str:
        """One line: the verdict and the counts."""
        passed, failed = self.results.totals()
        where = f"; reports in {self.reports['summary'].parent}" if self.reports else ""
        verdict = "PASS" if self.ok else "INTERRUPTED" if self.results.interrupted else "FAIL"
        return (
            f"{verdict}: {passed} checks passed, {failed} failed, {len(self.results.errors)} errors, "
            f"{len(self.ledger.entries())} objects created, {len(self.safety)} safety problems, "
            f"{self.duration:.1f} s{where}"
        )


def detect_fake(options: RunOptions) -> bool:
    """Whether the target is dbaas-mock (its control API answers ``GET /__mock__/clock``)."""
    if options.target_kind != "auto":
        return options.target_kind == "fake"
    try:
        if options.app is not None:
            from schemathesis.python import asgi

            with asgi.get_client(options.app) as client:
                response = client.get("/__mock__/clock", timeout=5)
                return bool(
                    response.status_code == 200 and "json" in response.headers.get("content-type", "")
                )
        parts = urlsplit(options.base_url)
        answer = httpx.get(f"{parts.scheme}://{parts.netloc}/__mock__/clock", timeout=5)
        return answer.status_code == 200 and "json" in answer.headers.get("content-type", "")
    except Exception:  # unreachable or not the fake: a live target
        return False


def open_context(options: RunOptions, *, ledger_path: Path | None = None, guarded: bool = True) -> RunContext:
    """The shared state of a run (or of a sweep, unguarded): spec, ledger, API, waiters, guard."""
    spec = SpecIndex.load(options.spec_path)
    masks = {options.token: "$DBAAS_TOKEN"}
    if options.admin_token:
        masks[options.admin_token] = "$DBAAS_ADMIN_TOKEN"
    fake = detect_fake(options)
    context = RunContext(
        options=options,
        spec=spec,
        ledger=Ledger(options.run_id, options.run_prefix, ledger_path),
        results=Results(masks),
        fidelity=FidelityTracker(spec),
        fake=fake,
        stop=threading.Event(),
    )
    schema = build_schema(spec, {"base-url": options.base_url}, app=options.app)
    schema.contract = context
    context.api = Api(
        schema, spec, token=options.token, admin_token=options.admin_token, timeout=options.request_timeout
    )
    timing = Timing.choose(
        local=options.local or fake,
        delay=options.poll_delay,
        interval=options.poll_interval,
        timeout=options.wait_timeout,
    )
    context.waiter = Waiter(context.api.fetch, timing, stop=context.stop)
    context.cleaner = Waiter(context.api.fetch, timing)
    if guarded:
        context.guard = Guard(context)
    return context


def run(options: RunOptions | None = None, *, target: Any = None, **fields: Any) -> RunResult:
    """Run the kit. ``target`` is a base URL or an ASGI app (in-process); ``fields`` are RunOptions'."""
    if isinstance(target, str):
        fields["base_url"] = target
    elif target is not None:
        fields.setdefault("app", target)
        fields.setdefault("base_url", IN_PROCESS_URL)
    options = dataclasses.replace(options, **fields) if options is not None else RunOptions(**fields)
    started = time.monotonic()
    report_dir = Path(options.report_dir) if options.report_dir is not None else None
    context = open_context(options, ledger_path=report_dir / "ledger.json" if report_dir else None)
    results = context.results
    progress = Progress(enabled=options.progress)
    progress.line(
        f"run {options.run_id} against {'the app in-process' if options.in_process else options.base_url}"
        f" ({'fake' if context.fake else 'live'}); writes {'allowed' if options.allow_writes else 'off'}"
    )
    seed: int | None = options.seed
    before: Inventory | None = None
    safety: list[str] = []
    with StopSignals(on_stop=context.stop.set):
        try:
            before = _reach(context)
            if before is not None:
                if any(phase in ENGINE_PHASES for phase in options.phases):
                    seed = run_engine(context, progress)
                if results.interrupted:  # the engine absorbed the interrupt and stopped
                    raise KeyboardInterrupt
                if "scenarios" in options.phases:
                    if options.allow_writes:
                        wanted = {name: SCENARIOS[name] for name in options.scenarios}
                        run_scenarios(context, wanted, progress)
                    else:
                        results.note("scenarios skipped: they create objects (use --allow-writes)")
                if "stateful" in options.phases and not options.allow_writes:
                    results.note("stateful phase skipped: it creates objects (use --allow-writes)")
        except KeyboardInterrupt:
            results.interrupted = True
            progress.line("interrupted: tearing down what the run created")
        finally:
            safety = _clean_up(context, before, progress)
    duration = time.monotonic() - started
    created = len(context.ledger.entries())
    summary = RunSummary(
        options.run_id,
        "in-process app" if options.in_process else options.base_url,
        "fake" if context.fake else "live",
        options.phases,
        seed,
        duration,
        options.allow_writes,
        created,
        safety,
    )
    reports = write_reports(report_dir, results, context.fidelity, summary) if report_dir else {}
    ok = results.ok and not safety
    code = (
        EXIT_INTERRUPTED if results.interrupted else EXIT_OK if ok else EXIT_UNSAFE if safety else EXIT_FAILED
    )
    result = RunResult(
        options.run_id,
        ok,
        code,
        results,
        context.ledger,
        context.fidelity,
        safety,
        context.fake,
        seed,
        duration,
        reports,
    )
    progress.line(result.headline())
    return result


def _reach(context: RunContext) -> Inventory | None:
    """Check the target answers, then take the inventory; ``None`` (and an error) when it does not."""
    try:
        reply = context.api.list(KINDS["datastore_type"])
    except ApiError as error:
        context.results.error("setup", "list_datastore_types", "Target unreachable", str(error))
        return None
    if reply.status != 200:
        context.results.error(
            "setup", "list_datastore_types", "Target refused", f"{reply.status}: {str(reply.body)[:300]}"
        )
        return None
    return take_inventory(context.api)


def _list_op(kind: str) -> str:
    return f"list_{KINDS[kind].collection.replace('-', '_')}"


def _clean_up(context: RunContext, before: Inventory | None, progress: Progress) -> list[str]:
    """Teardown, sweep of the run's prefix, inventory comparison; the safety problems found."""
    problems: list[str] = []
    results = context.results
    try:
        for problem in teardown(context.api, context.cleaner, context.ledger):
            problems.append(f"{problem.kind} {problem.id} ({problem.name}) not removed: {problem.reason}")
            results.failed(
                FailureRecord(
                    SAFETY,
                    f"delete_{problem.kind}",
                    "teardown_removes_created_objects",
                    f"{problem.kind} {problem.id} was not removed",
                    problem.reason,
                    problem.curl,
                )
            )
        if before is None:
            return problems
        after = take_inventory(context.api)
        diff = compare_inventories(before, after, context.ledger)
        if diff.left:
            # Named with the run's prefix but never recorded (a create that failed after creating).
            swept = sweep(context.api, context.cleaner, context.options.run_prefix)
            after = take_inventory(context.api)
            diff = compare_inventories(before, after, context.ledger)
            if swept.removed:
                results.note(f"swept {len(swept.removed)} unrecorded objects named with the run's prefix")
        check = "nothing_left_nothing_foreign_changed"
        found: list[tuple[str, str, str]] = []
        for kind, object_id, name in diff.left:
            found.append((f"delete_{kind}", kind, f"left behind: {kind} {object_id} ({name})"))
        for kind, object_id, fields in diff.changed:
            found.append(
                (_list_op(kind), kind, f"changed, not created by the run: {kind} {object_id} ({fields})")
            )
        for kind, object_id in diff.vanished:
            found.append((_list_op(kind), kind, f"removed, not created by the run: {kind} {object_id}"))
        for kind, object_id, name in diff.appeared:
            results.note(f"appeared during the run, not created by it: {kind} {object_id} ({name})")
        for operation, kind, line in found:
            problems.append(f"{operation}: {line}")
            listed = f"{context.options.base_url}/{KINDS[kind].collection}"
            curl = f'curl -X GET {listed} -H "X-Auth-Token: $DBAAS_TOKEN"'
            results.failed(FailureRecord(SAFETY, operation, check, line, line, curl))
        if not found:
            results.passed(SAFETY, "inventory", check)
    except KeyboardInterrupt:
        problems.append(
            "teardown interrupted: run `dbaas-contracts sweep --ledger <report-dir>/ledger.json` to finish it"
        )
    except ApiError as error:
        problems.append(f"teardown could not reach the target: {error}")
    progress.line(f"teardown: {len(problems)} problems")
    return problems
