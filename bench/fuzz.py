"""Schemathesis fuzzing of every operation against a LiveServer: ``python -m bench.fuzz``.

Generates positive and negative cases for each operation of ``openapi/dbaas-v1.yaml`` with a fixed
seed, sends them with the admin token and checks each response: no 5xx, a status documented for the
operation, a body that matches the spec (and the error envelope for 4xx). ``tests/test_fuzz.py`` runs a
small slice of the same thing.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.strategies as st
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.generation import GenerationMode

from mock_server.server import LiveServer
from mock_server.spec import load_spec
from mock_server.validation import ResponseValidator

ADMIN_TOKEN = "dbaas-mock-admin"
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)

schemathesis.openapi.format("UUID", st.uuids().map(str))


@dataclass
class Finding:
    """One response outside the rules."""

    operation: str
    method: str
    path: str
    status: int
    problems: list[str]
    request: str
    body: Any


@dataclass
class Tally:
    """Requests sent and findings so far."""

    sent: int = 0
    findings: list[Finding] = field(default_factory=list)


def load_schema(url: str) -> Any:
    """The spec served by the fake at ``url`` (``/v1`` stripped), aimed at ``url``."""
    base = url.rsplit("/v1", 1)[0]
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    schema.config.update(base_url=url)
    return schema


def operations(schema: Any) -> list[Any]:
    """Every operation of the schema (ordered by label)."""
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=lambda op: op.label)


def documented(operation: Any) -> set[str]:
    """The status codes (``"200"``, ``"4XX"``, ``"default"``) documented for ``operation``."""
    return {str(code) for code in operation.definition.raw.get("responses", {})}


def is_documented(status: int, codes: set[str]) -> bool:
    return str(status) in codes or f"{str(status)[0]}XX" in codes or "default" in codes


def check(case: Any, response: requests.Response, validator: ResponseValidator) -> list[str]:
    """What is wrong with ``response`` to ``case`` (empty when nothing)."""
    operation = case.operation
    status = response.status_code
    problems: list[str] = []
    if status >= 500:
        problems.append(f"server error {status}")
    if not is_documented(status, documented(operation)):
        problems.append(f"status {status} not documented for {operation.label}")
    try:
        body = response.json() if response.content else None
    except ValueError:
        return [*problems, f"body is not JSON: {response.text[:200]!r}"]
    if status >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        if not (isinstance(error, dict) and error.get("code") == status):
            problems.append(f"{status} outside the error envelope: {body!r}"[:300])
    operation_id = operation.definition.raw.get("operationId")
    if operation_id:
        problems.extend(validator.problems(str(operation_id), status, body))
    return problems


def cases(operation: Any, mode: GenerationMode, count: int, seed: int) -> list[Any]:
    """``count`` cases of ``operation`` in ``mode``, deterministic for ``seed``."""
    collected: list[Any] = []
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception:  # an operation with nothing to make negative, for instance
        return collected

    @hypothesis.settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.seed(seed)
    @hypothesis.given(strategy)
    def draw(case: Any) -> None:
        collected.append(case)

    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        draw()
    return collected[:count]


def describe(case: Any) -> str:
    query = f"?{case.query}" if case.query else ""
    body = case.body if case.body is not None and not isinstance(case.body, type) else None
    return f"{case.method.upper()} {case.formatted_path}{query} body={body!r}"[:500]


def send(case: Any, session: requests.Session, url: str, validator: ResponseValidator) -> Finding | None:
    """Send ``case`` with the admin token; a :class:`Finding` when the response breaks a rule."""
    # The generated header (negative mode makes it up) would shadow ours: always send the admin token.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "x-auth-token"}
    case.headers["X-Auth-Token"] = ADMIN_TOKEN
    response = case.call(base_url=url, session=session, timeout=30)
    problems = check(case, response, validator)
    if not problems:
        return None
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text[:300]
    return Finding(
        operation=case.operation.label,
        method=case.method.upper(),
        path=case.formatted_path,
        status=response.status_code,
        problems=problems,
        request=describe(case),
        body=body,
    )


def rounds(schema: Any, per_operation: int, seed: int) -> Iterator[Any]:
    """Cases round after round (a new seed each round) across every operation and both modes."""
    ops = operations(schema)
    round_number = 0
    while True:
        for index, operation in enumerate(ops):
            for mode_index, mode in enumerate(MODES):
                yield from cases(
                    operation, mode, per_operation, seed + round_number * 100_003 + index * 7 + mode_index
                )
        round_number += 1


def fuzz(
    server: LiveServer,
    *,
    requests_wanted: int,
    seconds: float,
    per_operation: int = 3,
    seed: int = 0,
    reset_every: int = 500,
) -> Tally:
    """Send up to ``requests_wanted`` cases (at most ``seconds`` long); returns the tally."""
    schema = load_schema(server.url)
    validator = ResponseValidator(load_spec())
    tally = Tally()
    deadline = time.monotonic() + seconds
    with requests.Session() as session:
        for case in rounds(schema, per_operation, seed):
            if tally.sent >= requests_wanted or time.monotonic() > deadline:
                break
            if reset_every and tally.sent and tally.sent % reset_every == 0:
                server.reset()  # keep quotas and journal budgets from filling up
            finding = send(case, session, server.url, validator)
            tally.sent += 1
            if finding is not None:
                tally.findings.append(finding)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000, help="requests to send (default 10000)")
    parser.add_argument("--seconds", type=float, default=600.0, help="time bound (default 600)")
    parser.add_argument("--per-operation", type=int, default=3, help="cases per operation and mode")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.monotonic()
    with LiveServer(seed=0) as server:
        tally = fuzz(
            server,
            requests_wanted=args.requests,
            seconds=args.seconds,
            per_operation=args.per_operation,
            seed=args.seed,
        )
    elapsed = time.monotonic() - started
    kinds: dict[str, int] = {}
    for finding in tally.findings:
        key = f"{finding.operation} -> {finding.status}"
        kinds[key] = kinds.get(key, 0) + 1
    print(f"requests sent: {tally.sent}")
    print(f"failures found: {len(tally.findings)} ({len(kinds)} distinct operation/status)")
    print(f"elapsed: {elapsed:.1f} s ({tally.sent / max(elapsed, 1e-9):.0f} req/s)")
    shown: set[str] = set()
    for finding in tally.findings:
        key = f"{finding.operation} -> {finding.status}"
        if key in shown:
            continue
        shown.add(key)
        print(f"- {key} (x{kinds[key]}): {finding.request}")
        for problem in finding.problems[:3]:
            print(f"    {problem}")
        print(f"    response: {str(finding.body)[:300]}")
    return 1 if tally.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
