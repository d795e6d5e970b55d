"""The whole kit against the fake: every phase passes, over loopback and in-process, and leaves nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from _kit import client, foreign_objects, leftovers, listing, settle

import contracts
from contracts.options import ALL_PHASES
from mock_server import DbaasMockApp, create_app

KIT = [sys.executable, "-m", "contracts"]


def test_every_phase_passes_against_the_fake_on_loopback(fake_url: str, tmp_path: Path) -> None:
    """``dbaas-contracts run`` with writes, every phase: exit 0, reports, nothing left or foreign touched."""
    http = client(fake_url, "kit-token")
    mine = foreign_objects(http)
    before = listing(http)
    report = tmp_path / "report"
    done = subprocess.run(
        [
            *KIT,
            "run",
            "--base-url",
            fake_url,
            "--token",
            "kit-token",
            "--allow-writes",
            "--max-examples",
            "5",
            "--seed",
            "7",
            "--report-dir",
            str(report),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:] + (report / "summary.md").read_text()[:3000]
    assert listing(http) == before  # the foreign objects are untouched, nothing of the run is left
    assert leftovers(http) == []
    for name, object_id in mine.items():
        path = {
            "datastore": "datastores",
            "user": "users",
            "database": "databases",
            "token": "prometheus-metrics-tokens",
        }
        assert http.get(f"/{path[name]}/{object_id}").status_code == 200
    suites = {suite.get("name") for suite in ET.parse(report / "junit.xml").getroot()}
    assert set(ALL_PHASES) <= suites
    assert (report / "summary.md").read_text().startswith("# dbaas-contracts run")
    assert "PASS" in (report / "summary.md").read_text().splitlines()[0]
    fidelity = json.loads((report / "fidelity.json").read_text())
    assert fidelity
    assert all(row["exercised"] >= 1 for row in fidelity)
    ledger = json.loads((report / "ledger.json").read_text())
    assert ledger["objects"]
    assert {o["state"] for o in ledger["objects"]} == {"deleted"}
    assert all(o["name"] is None or o["name"].startswith(("ct-", "ct_")) for o in ledger["objects"])


def test_in_process_every_phase_within_the_bench_budget(tmp_path: Path) -> None:
    """``contracts.run(target=app)``: every phase in-process passes well under 60 s, and really creates."""
    app = create_app(seed=0)
    result = contracts.run(
        target=app, allow_writes=True, max_examples=5, seed=11, progress=False, report_dir=tmp_path
    )
    failures = [
        f"{f.phase} {f.operation} {f.check}: {f.message} {f.status} {f.curl}"
        for f in result.results.failures()
    ]
    assert result.ok, failures + [e.message for e in result.results.errors]
    assert result.exit_code == 0
    assert result.duration < 60
    entries = result.ledger.entries()
    scopes = {(entry.scope or "").split("-")[0] for entry in entries if entry.kind == "datastore"}
    assert {"stateful", "scenario"} <= scopes  # the stateful phase and the scenarios made datastores
    assert {entry.state for entry in entries} == {"deleted"}
    assert {"create_datastore", "create_topic", "create_acl", "create_extension"} <= {
        e.operation for e in entries
    }


def test_read_only_by_default_sends_only_gets(tmp_path: Path) -> None:
    """Without --allow-writes nothing but GETs goes out, and the writing phases say they were skipped."""
    app: DbaasMockApp = create_app(seed=0)
    result = contracts.run(target=app, max_examples=3, seed=5, progress=False, report_dir=tmp_path)
    assert result.ok, [f.message for f in result.results.failures()]
    methods = {entry.method for entry in app.journal.entries()}
    assert methods == {"GET"}
    assert result.ledger.entries() == []
    assert any("stateful phase skipped" in note for note in result.results.notes)
    assert any("scenarios skipped" in note for note in result.results.notes)


def test_the_pytest_suites_run_against_any_target(fake_url: str, tmp_path: Path) -> None:
    """``pytest --pyargs contracts.suites`` (settings from the environment) passes against the fake."""
    env = dict(
        os.environ,
        DBAAS_BASE_URL=fake_url,
        DBAAS_TOKEN="suite-token",
        DBAAS_ALLOW_WRITES="1",
        DBAAS_MAX_EXAMPLES="3",
        DBAAS_SEED="3",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs", "contracts.suites"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    assert " passed" in done.stdout
    assert "failed" not in done.stdout
    assert leftovers(client(fake_url, "suite-token")) == []


def test_the_pytest_suites_skip_without_a_target(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBAAS_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "contracts.pytest_plugin",
            "--pyargs",
            "contracts.suites",
            "-k",
            "scenario",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "skipped" in done.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--token", "t"], "give --base-url URL or --app mock_server"),
        (["run", "--token", "t", "--app", "mock_server", "--phases", "fuzz"], "unknown fuzz"),
        (["run", "--token", "t", "--app", "mock_server", "--prefix", "a b"], "the prefix is made of"),
    ],
    ids=["no-target", "unknown-phase", "bad-prefix"],
)
def test_usage_errors_exit_2(argv: list[str], message: str) -> None:
    done = subprocess.run([*KIT, *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr


def test_in_process_app_from_the_command_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            *KIT,
            "run",
            "--app",
            "mock_server",
            "--token",
            "t",
            "--phases",
            "examples,scenarios",
            "--allow-writes",
            "--scenarios",
            "mysql",
            "--report-dir",
            str(tmp_path),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "PASS" in done.stderr


def test_settle_helper_sees_active(fake_url: str) -> None:
    """The test helpers themselves: a created token reads back (guards the other tests' assumptions)."""
    http = client(fake_url, "helper")
    token = http.post("/prometheus-metrics-tokens", json={"prometheus-metrics-token": {"name": "x"}}).json()
    assert (
        settle(http, f"/prometheus-metrics-tokens/{token['prometheus-metrics-token']['id']}")["name"] == "x"
    )
