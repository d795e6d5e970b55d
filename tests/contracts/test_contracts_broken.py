"""The kit can fail: a fake that breaks one thing is caught, and the report names the operation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _kit import Breaker, report_text, served

import contracts
from mock_server import DbaasMockApp, create_app

TOKEN_PATH = re.compile(r"^/v1/prometheus-metrics-tokens/([^/]+)$")


@dataclass
class Broken:
    """How to break the fake, what to run against it, and what the report must name."""

    breaker: Callable[[DbaasMockApp], Breaker]
    operation: str
    check: str
    options: dict[str, Any] = field(default_factory=dict)


def _missing_field(app: DbaasMockApp) -> Breaker:
    def rewrite(method: str, path: str, status: int, body: Any) -> tuple[int, Any]:
        if path == "/v1/datastore-types" and status == 200:
            for item in body["datastore-types"]:
                item.pop("version")
        return status, body

    return Breaker(app, rewrite=rewrite)


def _wrong_status(app: DbaasMockApp) -> Breaker:
    return Breaker(app, rewrite=lambda m, p, s, b: (201, b) if p == "/v1/limits" and s == 200 else (s, b))


def _server_error(app: DbaasMockApp) -> Breaker:
    error = {"error": {"code": 500, "title": "Internal Server Error", "message": "boom"}}
    return Breaker(app, respond=lambda m, p: (500, error) if p == "/v1/quotas" else None)


def _outside_envelope(app: DbaasMockApp) -> Breaker:
    def rewrite(method: str, path: str, status: int, body: Any) -> tuple[int, Any]:
        if path.startswith("/v1/users/") and status == 404:
            return 404, {"detail": "Not Found"}
        return status, body

    return Breaker(app, rewrite=rewrite)


def _delete_never_completes(app: DbaasMockApp) -> Breaker:
    def respond(method: str, path: str) -> tuple[int, Any] | None:
        return (204, None) if method == "DELETE" and path.startswith("/v1/datastores/") else None

    return Breaker(app, respond=respond)


def _left_behind(app: DbaasMockApp) -> Breaker:
    """Token deletes answer 204 and the token then answers 404, but it stays in the list."""
    hidden: set[str] = set()
    gone = {"error": {"code": 404, "title": "Not Found", "message": ""}}

    def respond(method: str, path: str) -> tuple[int, Any] | None:
        match = TOKEN_PATH.match(path)
        if match is None:
            return None
        if method == "DELETE":
            hidden.add(match.group(1))
            return 204, None
        if method == "GET" and match.group(1) in hidden:
            return 404, {
                "error": {**gone["error"], "message": f"prometheusmetrictoken {match.group(1)} not found."}
            }
        return None

    return Breaker(app, respond=respond)


READ_ONLY = {"phases": ("examples", "coverage", "fuzzing"), "max_examples": 3}
CASES = {
    "missing-required-field": Broken(
        _missing_field,
        "list_datastore_types",
        "response_schema_conformance",
        {**READ_ONLY, "operations": ("list_datastore_types",)},
    ),
    "wrong-status": Broken(
        _wrong_status, "get_limits", "status_code_conformance", {**READ_ONLY, "operations": ("get_limits",)}
    ),
    "server-error": Broken(
        _server_error, "get_quotas", "not_a_server_error", {**READ_ONLY, "operations": ("get_quotas",)}
    ),
    "error-outside-envelope": Broken(
        _outside_envelope,
        "get_user",
        "error_envelope_is_well_formed",
        {**READ_ONLY, "operations": ("get_user",)},
    ),
    "delete-never-completes": Broken(
        _delete_never_completes,
        "delete_datastore",
        "deleted_resource_eventually_answers_not_found",
        {"phases": ("scenarios",), "scenarios": ("mysql",), "allow_writes": True, "wait_timeout": 0.5},
    ),
    "object-left-behind": Broken(
        _left_behind,
        "delete_prometheus_metrics_token",
        "nothing_left_nothing_foreign_changed",
        {
            "phases": ("fuzzing",),
            "operations": ("create_prometheus_metrics_token",),
            "allow_writes": True,
            "max_examples": 5,
        },
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_broken_target_fails_the_run_and_the_report_names_the_operation(
    case: Broken, tmp_path: Path
) -> None:
    with served(case.breaker(create_app(seed=0))) as url:
        result = contracts.run(
            target=url, token="broken-token", seed=1, progress=False, report_dir=tmp_path, **case.options
        )
    assert result.exit_code != 0
    failed = {(record.operation, record.check) for record in result.results.failures()}
    assert (case.operation, case.check) in failed, sorted(failed)
    assert case.operation in report_text(tmp_path)
    assert "curl" in (tmp_path / "summary.md").read_text()


def test_the_same_runs_pass_against_the_unbroken_fake(tmp_path: Path) -> None:
    """The broken targets fail because of what was broken: the same options pass on the plain fake."""
    with served(create_app(seed=0)) as url:
        for name, case in CASES.items():
            result = contracts.run(target=url, token=f"plain-{name}", seed=1, progress=False, **case.options)
            assert result.ok, (
                name,
                [f"{f.operation} {f.check} {f.message}" for f in result.results.failures()],
            )
