"""Safety with the fake standing in for staging: nothing left, nothing foreign touched, ever."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _kit import client, foreign_objects, leftovers, listing

import contracts
from contracts.api import SafetyViolation
from contracts.options import RunOptions
from contracts.runner import open_context
from mock_server.server import LiveServer

KIT = [sys.executable, "-m", "contracts"]


@pytest.fixture
def timed() -> Iterator[LiveServer]:
    """A fake whose objects settle with its clock (``time`` mode), frozen: nothing settles unless told."""
    with LiveServer(lifecycle="time") as server:
        yield server


def _advance_until(server: LiveServer, done: threading.Event) -> None:
    while not done.is_set():
        server.clock.advance(120)
        time.sleep(0.02)


def _wait_for_ledger(path: Path, process: subprocess.Popen[str], timeout: float = 60) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            objects = json.loads(path.read_text())["objects"]
            if objects:
                return list(objects)
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the run created nothing in time")


def _start_run(url: str, report: Path, token: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *KIT,
            "run",
            "--base-url",
            url,
            "--token",
            token,
            "--allow-writes",
            "--phases",
            "scenarios",
            "--scenarios",
            "postgresql",
            "--wait-timeout",
            "600",
            "--report-dir",
            str(report),
            "--no-progress",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _prepared(server: LiveServer, token: str) -> tuple[Any, dict[str, Any]]:
    """Foreign objects made (and settled) first, then the clock frozen."""
    http = client(server.url, token)
    done = threading.Event()
    ticker = threading.Thread(target=_advance_until, args=(server, done))
    ticker.start()
    try:
        foreign_objects(http)
    finally:
        done.set()
        ticker.join()
    server.clock.freeze()
    return http, listing(http)


def test_after_a_normal_run_nothing_is_left(fake_url: str) -> None:
    http = client(fake_url, "normal")
    foreign_objects(http)
    before = listing(http)
    result = contracts.run(
        target=fake_url,
        token="normal",
        allow_writes=True,
        max_examples=3,
        seed=4,
        phases=("fuzzing", "stateful", "scenarios"),
        progress=False,
    )
    assert result.ok, [f.message for f in result.results.failures()]
    assert listing(http) == before
    assert len(result.ledger.entries()) > 10


def test_after_a_failure_injected_mid_run_nothing_is_left(fake: Any, fake_url: str) -> None:
    """A 500 on every grant create stops the scenarios half-way; what they made is still removed."""
    http = client(fake_url, "faulty")
    foreign_objects(http)
    before = listing(http)
    fake.faults.error("create_grant", status=500)
    result = contracts.run(
        target=fake_url,
        token="faulty",
        allow_writes=True,
        phases=("scenarios",),
        scenarios=("postgresql", "mysql"),
        progress=False,
    )
    assert result.exit_code == 1
    assert ("create_grant", "status_is_the_expected_one") in {
        (f.operation, f.check) for f in result.results.failures()
    }
    assert {e.kind for e in result.ledger.entries()} >= {"datastore", "user", "database"}
    assert listing(http) == before
    assert leftovers(http) == []


@pytest.mark.parametrize("how", ["prefix", "ledger"], ids=["sweep-by-prefix", "sweep-by-ledger"])
def test_a_killed_run_is_cleaned_by_sweep(timed: LiveServer, tmp_path: Path, how: str) -> None:
    http, before = _prepared(timed, "killed")
    process = _start_run(timed.url, tmp_path, "killed")
    created = _wait_for_ledger(tmp_path / "ledger.json", process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert leftovers(http) != []  # the kill left the datastore it was waiting for
    timed.controller.configure_lifecycle(mode="reads")
    by = (
        ["--prefix", "ct-"]
        if how == "prefix"
        else ["--prefix", "zz-none-", "--ledger", str(tmp_path / "ledger.json")]
    )
    done = subprocess.run(
        [*KIT, "sweep", "--base-url", timed.url, "--token", "killed", *by],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert created[0]["id"] in done.stdout
    assert leftovers(http) == []
    assert listing(http) == before


def test_sigterm_tears_down_and_exits_130(timed: LiveServer, tmp_path: Path) -> None:
    http, before = _prepared(timed, "terminated")
    process = _start_run(timed.url, tmp_path, "terminated")
    _wait_for_ledger(tmp_path / "ledger.json", process)
    process.send_signal(signal.SIGTERM)
    done = threading.Event()
    ticker = threading.Thread(target=_advance_until, args=(timed, done))
    ticker.start()
    try:
        _, err = process.communicate(timeout=120)
    finally:
        done.set()
        ticker.join()
    assert process.returncode == 130, err[-2000:]
    assert "INTERRUPTED" in err
    assert leftovers(http) == []
    assert listing(http) == before
    ledger = json.loads((tmp_path / "ledger.json").read_text())
    assert {o["state"] for o in ledger["objects"]} == {"deleted"}


def test_sweep_dry_run_removes_nothing(fake_url: str) -> None:
    http = client(fake_url, "dry")
    http.post("/prometheus-metrics-tokens", json={"prometheus-metrics-token": {"name": "ct-old-token"}})
    done = subprocess.run(
        [*KIT, "sweep", "--base-url", fake_url, "--token", "dry", "--dry-run"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "would remove prometheus_metrics_token" in done.stdout
    assert len(leftovers(http)) == 1


def _guarded(url: str, **fields: Any) -> Any:
    return open_context(
        RunOptions(base_url=url, token="guarded", allow_writes=True, progress=False, **fields)
    )


@pytest.mark.parametrize(
    ("operation", "path", "body"),
    [
        ("delete_datastore", {"datastore_id": "datastore"}, None),
        ("update_user", {"user_id": "user"}, {"user": {"password": "new-password-1"}}),
        ("create_database", {}, {"database": {"datastore_id": "datastore", "name": "intruder"}}),
        ("delete_prometheus_metrics_token", {"prometheus_metrics_token_id": "token"}, None),
    ],
    ids=[
        "delete-foreign-datastore",
        "update-foreign-user",
        "create-inside-foreign-datastore",
        "delete-foreign-token",
    ],
)
def test_generated_requests_cannot_touch_foreign_objects(
    fake_url: str, operation: str, path: dict[str, str], body: Any
) -> None:
    """A generated request naming an object the run did not create is sent with an unknown id instead."""
    http = client(fake_url, "guarded")
    mine = foreign_objects(http)
    before = listing(http)
    context = _guarded(fake_url)
    fields: dict[str, Any] = {"path_parameters": {k: mine[v] for k, v in path.items()}}
    if body is not None:
        fields["body"] = json.loads(json.dumps(body).replace('"datastore"', f'"{mine["datastore"]}"'))
        fields["media_type"] = "application/json"
    case = context.api.schema.find_operation_by_id(operation).Case(**fields)
    answer = case.call(headers={"X-Auth-Token": "guarded"})
    assert answer.status_code == 404
    assert listing(http) == before


def test_read_only_runs_refuse_writes(fake_url: str) -> None:
    context = open_context(RunOptions(base_url=fake_url, token="ro", progress=False))
    case = context.api.schema.find_operation_by_id("delete_datastore").Case(
        path_parameters={"datastore_id": "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa"}
    )
    with pytest.raises(Exception, match="read-only run") as raised:
        case.call(headers={"X-Auth-Token": "ro"})
    assert isinstance(raised.value.__cause__, SafetyViolation)


def test_caps_hold_one_datastore_one_node(fake: Any, fake_url: str) -> None:
    """With --max-datastores 1, never two datastores at once; never more than one node."""
    result = contracts.run(
        target=fake_url,
        token="capped",
        allow_writes=True,
        max_examples=6,
        seed=2,
        phases=("stateful", "scenarios"),
        max_datastores=1,
        progress=False,
    )
    alive, most = set(), 0
    for entry in fake.journal.entries():
        if entry.operation_id == "create_datastore" and entry.status == 200:
            created = json.loads(entry.raw_response)["datastore"]
            assert created["node_count"] <= 1
            alive.add(created["id"])
        elif entry.operation_id == "delete_datastore" and entry.status == 204:
            alive.discard(entry.path.rsplit("/", 1)[-1])
        most = max(most, len(alive))
    assert most == 1
    assert leftovers(client(fake_url, "capped")) == []
    assert result.ok, [f"{f.operation} {f.check} {f.message}" for f in result.results.failures()]
