"""A fixed-seed schemathesis slice against a live server: every operation, positive and negative cases.

Each response must be no 5xx, a status documented for the operation, in the error envelope when it is
an error, and a body the spec allows. ``bench/fuzz.py`` runs the same thing at scale.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.generation import GenerationMode

from bench.fuzz import cases, load_schema, operations, send
from mock_server.server import LiveServer
from mock_server.validation import ResponseValidator

SPEC = Path(__file__).resolve().parents[1] / "openapi" / "dbaas-v1.yaml"
SEED = 20261126
EXAMPLES = 2
LABELS = [op.label for op in operations(schemathesis.openapi.from_path(SPEC))]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(seed=0) as live:
        yield live


@pytest.fixture(scope="module")
def schema(server: LiveServer) -> Any:
    return load_schema(server.url)


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        yield http


def test_every_operation_is_fuzzed() -> None:
    assert len(LABELS) == 78


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
@pytest.mark.parametrize("label", LABELS)
def test_responses_follow_the_spec(
    label: str,
    mode: GenerationMode,
    server: LiveServer,
    schema: Any,
    session: requests.Session,
    response_validator: ResponseValidator,
) -> None:
    server.reset()
    operation = schema[label.split(" ", 1)[1]][label.split(" ", 1)[0]]
    findings = []
    sent = 0
    for case in cases(operation, mode, EXAMPLES, SEED):
        finding = send(case, session, server.url, response_validator)
        sent += 1
        if finding is not None:
            findings.append(finding)
    if mode is GenerationMode.POSITIVE:
        assert sent > 0, f"no case generated for {label}"
    assert not findings, "\n".join(
        f"{f.request}\n  -> {f.status} {f.body!r}\n  " + "\n  ".join(f.problems) for f in findings
    )
