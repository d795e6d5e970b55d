"""A fixed-seed schemathesis slice against a live server: every operation, positive and negative cases.

The cases are aimed at a fixture world (known ids in paths, bodies and filters; a mix of tokens), as in
``bench/fuzz.py``, which runs the same thing at scale. Each response must be no 5xx, a status documented
for the operation, in the error envelope when it is an error, a body the spec allows, 401 without a
token, and no success for an admin-only operation without the admin token.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.generation import GenerationMode

from bench.fuzz import Fuzzer, cases, fuzz, load_schema, operations, stateful
from bench.fuzz_world import TOKENS, World, build_world
from mock_server.server import LiveServer

SPEC = Path(__file__).resolve().parents[1] / "openapi" / "dbaas-v1.yaml"
SEED = 20261126
EXAMPLES = 3
LABELS = [op.label for op in operations(schemathesis.openapi.from_path(SPEC))]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(seed=0) as live:
        yield live


@pytest.fixture(scope="module")
def world(server: LiveServer) -> World:
    # Built once on a fresh fake: the same ids in every xdist worker, so the same cases.
    return build_world(server)


@pytest.fixture(scope="module")
def schema(server: LiveServer) -> Any:
    return load_schema(server.url)


@pytest.fixture(scope="module")
def fuzzer(server: LiveServer, world: World) -> Iterator[Fuzzer]:
    shooter = Fuzzer(server, world, seed=SEED)
    yield shooter
    shooter.close()


def test_every_operation_is_fuzzed() -> None:
    assert len(LABELS) == 78


def test_the_world_has_every_kind_of_object(world: World) -> None:
    engines = sorted(world.engine_of.values())
    assert engines == ["kafka", "mysql", "postgresql", "redis"]
    for kind in ("user", "database", "grant", "extension", "slot", "topic", "acl", "token", "action"):
        assert world.ids.get(kind), f"no {kind} in the world"


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
@pytest.mark.parametrize("label", LABELS)
def test_responses_follow_the_spec(label: str, mode: GenerationMode, schema: Any, fuzzer: Fuzzer) -> None:
    fuzzer.restore()
    operation = schema[label.split(" ", 1)[1]][label.split(" ", 1)[0]]
    findings = []
    sent = 0
    for shot in cases(operation, mode, EXAMPLES, SEED, fuzzer.world):
        finding = fuzzer.shoot(shot)
        sent += 1
        if finding is not None:
            findings.append(finding)
    if mode is GenerationMode.POSITIVE:
        assert sent > 0, f"no case generated for {label}"
    assert not findings, "\n".join(
        f"{f.request}\n  -> {f.status} {f.body!r}\n  " + "\n  ".join(f.problems) for f in findings
    )


def test_the_fuzzer_reaches_the_handlers(server: LiveServer, world: World) -> None:
    """Aimed at the world, most item operations get past the 404 of an unknown id."""
    tally = fuzz(server, requests_wanted=300, seconds=120, seed=SEED, world=world)
    assert tally.sent == 300
    assert not tally.findings, [f.request for f in tally.findings]
    items = sum(tally.item_statuses.values())
    assert tally.item_statuses[404] < 0.35 * items, tally.item_statuses
    assert sum(n for status, n in tally.statuses.items() if status < 300) > 0.3 * tally.sent
    for status in (400, 401, 403, 409):
        assert tally.statuses[status] > 0, f"no {status} in {tally.statuses}"
    assert set(tally.by_token) == set(TOKENS)
    assert set(tally.by_token["none"]) == {401}


def test_stateful_scenarios_follow_the_links_and_the_spec(server: LiveServer, world: World) -> None:
    """Schemathesis's state machine over the spec's links, from the world (derandomized)."""
    tally = stateful(server, world, scenarios=12, steps=8, seed=SEED)
    assert not tally.findings, [f"{f.request} -> {f.status}: {f.problems}" for f in tally.findings]
    assert tally.sent >= 12
    assert tally.linked > 0, "no step followed a link"
    assert sum(n for status, n in tally.statuses.items() if status < 300) > 0.3 * tally.sent


def test_a_server_error_is_a_finding(server: LiveServer, schema: Any, fuzzer: Fuzzer) -> None:
    """The checks can fail: a fault that answers 500 to ``get_datastore`` is reported."""
    fuzzer.restore()
    server.controller.add_fault("get_datastore", "error", status=500)
    try:
        shots = cases(
            schema["/datastores/{datastore_id}"]["GET"], GenerationMode.POSITIVE, 5, SEED, fuzzer.world
        )
        findings = [f for f in map(fuzzer.shoot, shots) if f is not None]
    finally:
        server.controller.clear_faults()
    assert findings
    assert all("server error 500" in f.problems for f in findings), [f.problems for f in findings]
