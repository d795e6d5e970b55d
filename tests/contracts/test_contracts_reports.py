"""Reports: JUnit with the failing request, the markdown summary, the fidelity report, progress."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from contracts.fidelity import FidelityTracker
from contracts.progress import Progress
from contracts.reports import RunSummary, write_reports
from contracts.results import FailureRecord, Results
from contracts.spec import SpecIndex

SPEC = SpecIndex.load()
CURL = 'curl -X GET http://x/v1/users/1 -H "X-Auth-Token: secret-token-123"'


def _written(tmp_path: Path) -> dict[str, Path]:
    results = Results({"secret-token-123": "$DBAAS_TOKEN"})
    results.passed("fuzzing", "get_user", "status_code_conformance", 4)
    results.failed(
        FailureRecord(
            "fuzzing", "get_user", "error_envelope_is_well_formed", "t", "not the envelope", CURL, 404
        )
    )
    results.error("coverage", "list_acls", "Network Error", "refused")
    summary = RunSummary("r1", "http://x/v1", "fake", ("fuzzing", "coverage"), 3, 1.5, True, 2)
    return dict(write_reports(tmp_path, results, FidelityTracker(SPEC), summary))


def test_junit_has_a_case_per_check_and_the_failing_request(tmp_path: Path) -> None:
    root = ET.parse(_written(tmp_path)["junit"]).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    failure = root.find(
        ".//testcase[@classname='fuzzing.get_user'][@name='error_envelope_is_well_formed']/failure"
    )
    assert failure is not None
    assert failure.text is not None
    assert "curl -X GET http://x/v1/users/1" in failure.text
    assert "secret-token-123" not in failure.text
    assert "$DBAAS_TOKEN" in failure.text


def test_summary_names_failures_and_the_matrix(tmp_path: Path) -> None:
    text = _written(tmp_path)["summary"].read_text()
    assert text.splitlines()[0] == "# dbaas-contracts run `r1`: FAIL"
    assert "### `get_user` / `error_envelope_is_well_formed` (fuzzing)" in text
    assert "```sh\ncurl -X GET" in text
    assert "| `get_user` |" in text
    assert "FAIL 1/1" in text
    assert "ok 4" in text
    assert "- `list_acls` (coverage): Network Error: refused" in text


def test_results_json_is_for_tools(tmp_path: Path) -> None:
    document = json.loads(_written(tmp_path)["results"].read_text())
    assert document["ok"] is False
    assert {
        "phase": "fuzzing",
        "operation": "get_user",
        "check": "status_code_conformance",
        "passed": 4,
        "failed": 0,
    } in document["tallies"]


@pytest.mark.parametrize(
    ("op", "status", "body", "pointer", "held"),
    [
        ("delete_acl", 204, None, "#/paths/~1acls~1{acl_id}/delete/responses/204", True),
        ("delete_acl", 200, {"acl": {}}, "#/paths/~1acls~1{acl_id}/delete/responses/204", False),
        (
            "get_user",
            401,
            {"error": {"code": 401, "title": "Unauthorized", "message": "x"}},
            "#/components/responses/Unauthorized",
            True,
        ),
        ("get_user", 401, {"detail": "no"}, "#/components/responses/Unauthorized", False),
        ("get_limits", 200, {"limits": {}}, "#/paths/~1limits/get", False),
    ],
    ids=[
        "inferred-204-held",
        "200-instead-of-204",
        "401-envelope-held",
        "401-outside-envelope",
        "limits-shape",
    ],
)
def test_fidelity_judges_inferred_elements(op: str, status: int, body: Any, pointer: str, held: bool) -> None:
    tracker = FidelityTracker(SPEC)
    tracker.observe(SPEC.operations[op], status, body)
    seen = tracker.observations[pointer]
    assert seen.exercised == 1
    assert (seen.violated == 0) is held


def test_fidelity_checks_optional_inferred_properties() -> None:
    tracker = FidelityTracker(SPEC)
    database = {
        "id": "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa",
        "created_at": "2025-01-01T00:00:00",
        "updated_at": "2025-01-01T00:00:00",
        "name": "d",
        "owner_id": None,
        "lc_collate": None,
        "lc_ctype": 5,
        "datastore_id": "x",
        "status": "ACTIVE",
    }
    tracker.observe(SPEC.operations["get_database"], 200, {"database": database})
    assert tracker.observations["#/components/schemas/Database/properties/lc_collate"].held == 1
    assert tracker.observations["#/components/schemas/Database/properties/lc_ctype"].violated == 1
    assert tracker.observations["#/components/schemas/Database/properties/project_id"].held == 1  # optional


def test_progress_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream, tty=False)
    progress.start("fuzzing", 20)
    for index in range(20):
        progress.advance(f"op{index}")
    progress.finish("fuzzing")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[dbaas-contracts] fuzzing: started (20 steps)"
    assert 5 <= len(lines) <= 13
    assert lines[-1].startswith("[dbaas-contracts] fuzzing: done in")
    assert "\r" not in stream.getvalue()


def test_progress_bar_on_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream, tty=True)
    progress.start("coverage", 4)
    progress.advance("GET /acls")
    text = stream.getvalue()
    assert "\r" in text
    assert "[#######" in text
    assert "1/4 GET /acls" in text
