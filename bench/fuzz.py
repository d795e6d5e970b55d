"""Schemathesis fuzzing of every operation against a LiveServer: ``python -m bench.fuzz``.

Before fuzzing, a fixture world is built over HTTP (an ACTIVE PostgreSQL, MySQL, Redis and Kafka
datastore; users, databases, a grant, an extension, a slot, topics, an ACL, a metrics token, a floating
IP) and snapshotted. Positive and negative cases are generated for each operation of
``openapi/dbaas-v1.yaml`` with a fixed seed; most path parameters, body id fields and query filters are
then aimed at known ids of the right kind (the rest stay random), and each case is sent with a token
drawn from a mix: the project's own (most), an admin of the project, the default admin (another
project), another project's, or none. The world is restored from its snapshot after every successful
delete and every ``restore_every`` requests; most successful changes are settled at once. Then
schemathesis's links-based state machine runs scenarios from the same world (:func:`stateful`).

Each response must be: no 5xx, a status documented for the operation, a body that matches the spec (the
error envelope for 4xx), 401 without a token, no 2xx for an admin-only operation without the admin
token. The status codes are tallied (overall, for item operations, per token) so the report shows how
deep the fuzzer reaches. ``tests/test_fuzz.py`` runs a small slice of the same thing.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.strategies as st
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.generation import GenerationMode
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput

from mock_server.server import LiveServer
from mock_server.spec import load_spec
from mock_server.validation import ResponseValidator

from .fuzz_world import (
    SETTLE,
    TOKENS,
    Shot,
    World,
    aim,
    build_world,
)

MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


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
    """Requests sent, status codes seen and findings so far."""

    sent: int = 0
    findings: list[Finding] = field(default_factory=list)
    #: Status code -> responses, over every request.
    statuses: Counter[int] = field(default_factory=Counter)
    #: Status code -> responses, over the requests with a path id (item operations).
    item_statuses: Counter[int] = field(default_factory=Counter)
    #: Token kind -> status code -> responses.
    by_token: dict[str, Counter[int]] = field(default_factory=dict)
    restores: int = 0
    #: Stateful steps whose request a link filled from an earlier response.
    linked: int = 0

    def record(self, shot: Shot, finding: Finding | None) -> None:
        """Count one response."""
        self.sent += 1
        self.statuses[shot.status] += 1
        if shot.case.path_parameters:
            self.item_statuses[shot.status] += 1
        self.by_token.setdefault(shot.token, Counter())[shot.status] += 1
        if finding is not None:
            self.findings.append(finding)


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
    """Whether ``status`` is among ``codes`` (exactly, by its ``NXX`` range, or ``default``)."""
    return str(status) in codes or f"{str(status)[0]}XX" in codes or "default" in codes


def check(shot: Shot, response: requests.Response, validator: ResponseValidator) -> list[str]:
    """What is wrong with ``response`` to ``shot`` (empty when nothing)."""
    operation = shot.case.operation
    status = response.status_code
    codes = documented(operation)
    problems: list[str] = []
    if status >= 500:
        problems.append(f"server error {status}")
    if not is_documented(status, codes):
        problems.append(f"status {status} not documented for {operation.label}")
    if shot.token == "none" and status < 400:
        problems.append(f"{status} without a token")
    if "403" in codes and shot.token not in ("admin", "project-admin") and status < 400:
        problems.append(f"{status} to an admin-only operation without the admin token")
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


def cases(
    operation: Any, mode: GenerationMode, count: int, seed: int, world: World | None = None
) -> list[Shot]:
    """``count`` cases of ``operation`` in ``mode``, deterministic for ``seed``.

    Aimed at ``world`` when given; else sent as generated, with the project token.
    """
    collected: list[Shot] = []
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception:  # an operation with nothing to make negative, for instance
        return collected
    if world is None:
        strategy = strategy.map(Shot)
    else:
        # The choices come from a generator seeded by hypothesis (same seed, same requests): its own
        # ``randoms()`` lean hard to the edges (``random()`` is often 0), which skews the weights. The
        # operation, seed and rank are mixed in, else the first (simplest) draw of each would choose alike.
        drawn = itertools.count()
        seeds = st.integers(min_value=0, max_value=2**64 - 1).map(
            lambda n: random.Random(f"{operation.label}|{mode.value}|{seed}|{next(drawn)}|{n}")
        )
        strategy = st.tuples(strategy, seeds).map(lambda drawn: aim(world, drawn[0], mode, drawn[1]))

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
    def draw(shot: Shot) -> None:
        collected.append(shot)

    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        draw()
    return collected[:count]


def describe(shot: Shot) -> str:
    """The request of ``shot`` on one line, with its token kind."""
    case = shot.case
    query = f"?{case.query}" if case.query else ""
    body = case.body if case.body is not None and not isinstance(case.body, type) else None
    return f"{case.method.upper()} {case.formatted_path}{query} token={shot.token} body={body!r}"[:500]


def send(
    shot: Shot, session: requests.Session, url: str, validator: ResponseValidator, tally: Tally | None = None
) -> Finding | None:
    """Send ``shot``; a :class:`Finding` when the response breaks a rule (counted in ``tally``)."""
    case = shot.case
    token = TOKENS[shot.token][0]
    # Negative mode may make the auth header up: the drawn token replaces it.
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "x-auth-token"}
    case.headers = headers if token is None else {**headers, "X-Auth-Token": token}
    response = case.call(base_url=url, session=session, timeout=30)
    shot.status, shot.response = response.status_code, response
    problems = check(shot, response, validator)
    finding = None
    if problems:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text[:300]
        finding = Finding(
            operation=case.operation.label,
            method=case.method.upper(),
            path=case.formatted_path,
            status=response.status_code,
            problems=problems,
            request=describe(shot),
            body=body,
        )
    if tally is not None:
        tally.record(shot, finding)
    return finding


def rounds(schema: Any, per_operation: int, seed: int, world: World | None = None) -> Iterator[Shot]:
    """Cases round after round (a new seed each round) across every operation and both modes."""
    ops = operations(schema)
    round_number = 0
    while True:
        for index, operation in enumerate(ops):
            for mode_index, mode in enumerate(MODES):
                yield from cases(
                    operation,
                    mode,
                    per_operation,
                    seed + round_number * 100_003 + index * 7 + mode_index,
                    world,
                )
        round_number += 1


class Fuzzer:
    """Sends shots at ``server`` and keeps its ``world`` usable: restored after a successful delete and
    every ``restore_every`` requests, settled after most successful changes. Counts in :attr:`tally`.
    """

    def __init__(self, server: LiveServer, world: World, *, seed: int = 0, restore_every: int = 200) -> None:
        self.server = server
        self.world = world
        self.restore_every = restore_every
        self.validator = ResponseValidator(load_spec())
        self.session = requests.Session()
        self.tally = Tally()
        self._chance = random.Random(seed)
        self._since_restore = 0
        #: Ids of objects made after the world was built (by a stateful scenario).
        self.made: set[str] = set()

    def reseed(self, seed: int) -> None:
        """Start the settle-or-not choices over from ``seed``."""
        self._chance.seed(seed)

    def restore(self) -> None:
        """Put the world back as built (and empty the journal, which would only grow)."""
        self.server.restore(self.world.state)
        self.server.journal.clear()
        self._since_restore = 0

    def shoot(self, shot: Shot) -> Finding | None:
        """Send ``shot``; the :class:`Finding` when its response breaks a rule."""
        finding = send(shot, self.session, self.server.url, self.validator, self.tally)
        self._since_restore += 1
        method = shot.case.method.upper()
        # A delete may have taken a world object (and its cascade) away; updates, creates and quotas
        # pile up: bring the world back. (Objects a stateful scenario made may go without it.)
        ids = shot.case.path_parameters or {}
        deleted = method == "DELETE" and shot.status < 300 and (not ids or not set(ids.values()) <= self.made)
        if deleted or self._since_restore >= self.restore_every:
            self.restore()
            self.tally.restores += 1
        elif method != "GET" and shot.status < 300 and self._chance.random() < SETTLE:
            # Else the next cases on this object or its datastore would mostly answer 409 (busy).
            self.server.controller.settle()
        return finding

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()


def fuzz(
    server: LiveServer,
    *,
    requests_wanted: int,
    seconds: float,
    per_operation: int = 3,
    seed: int = 0,
    restore_every: int = 200,
    world: World | None = None,
) -> Tally:
    """Send up to ``requests_wanted`` aimed cases (at most ``seconds`` long); returns the tally.

    ``world`` is built on ``server`` unless given (it must then be ``server``'s).
    """
    if world is None:
        world = build_world(server)
    fuzzer = Fuzzer(server, world, seed=seed, restore_every=restore_every)
    fuzzer.restore()
    deadline = time.monotonic() + seconds
    try:
        for shot in rounds(load_schema(server.url), per_operation, seed, world):
            if fuzzer.tally.sent >= requests_wanted or time.monotonic() > deadline:
                break
            fuzzer.shoot(shot)
    finally:
        fuzzer.close()
    return fuzzer.tally


def stateful(server: LiveServer, world: World, *, scenarios: int, steps: int, seed: int = 0) -> Tally:
    """Schemathesis's links-based state machine from the world: ``scenarios`` runs of up to ``steps``.

    Each step is aimed like the other cases (ids, token), except the ids a link carried from an earlier
    response, so chains (create, read, update, delete) stay whole. Responses are checked by the same
    rules; findings are recorded in the tally without stopping the run. Deterministic for ``seed``.
    """
    fuzzer = Fuzzer(server, world, seed=seed)
    chooser = random.Random(seed)

    def collect(value: Any) -> None:
        """Remember the ids an answer carries (a later link step may use them)."""
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str) and (key == "id" or key.endswith("_id")):
                    fuzzer.made.add(item)
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    class Machine(load_schema(server.url).as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Hypothesis replays scenarios and wants the same choices to give the same run: every
            # scenario starts from the same world and the same generators.
            fuzzer.restore()
            fuzzer.made.clear()
            fuzzer.reseed(seed)
            chooser.seed(seed)

        def step(self, input: StepInput) -> StepOutput:
            shot = aim(world, input.case, GenerationMode.POSITIVE, chooser, frozenset(fuzzer.made))
            fuzzer.shoot(shot)
            if input.transition is not None and input.is_applied:
                fuzzer.tally.linked += 1
            with contextlib.suppress(ValueError):
                collect(shot.response.json() if shot.response.content else None)
            return StepOutput(shot.response, shot.case)

    try:
        Machine.run(
            settings=hypothesis.settings(
                max_examples=scenarios,
                stateful_step_count=steps,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
        )
    finally:
        fuzzer.close()
    return fuzzer.tally


def distribution(statuses: Counter[int]) -> str:
    """``2xx 40% (200 x30, 204 x10), 400 x5, ...``: the status codes by count."""
    total = sum(statuses.values()) or 1
    success = sum(n for s, n in statuses.items() if s < 300)
    parts = [f"2xx {success} ({100 * success / total:.0f}%)"]
    parts += [f"{s} {n} ({100 * n / total:.0f}%)" for s, n in sorted(statuses.items()) if s >= 300]
    return ", ".join(parts)


def summary(tally: Tally, elapsed: float) -> list[str]:
    """The lines of the report of a run."""
    kinds: Counter[str] = Counter(f"{f.operation} -> {f.status}" for f in tally.findings)
    item_total = sum(tally.item_statuses.values()) or 1
    reached = 100 * (item_total - tally.item_statuses.get(404, 0)) / item_total
    lines = [
        f"requests sent: {tally.sent} (world restored {tally.restores} times"
        + (f"; {tally.linked} stateful steps followed a link)" if tally.linked else ")"),
        f"failures found: {len(tally.findings)} ({len(kinds)} distinct operation/status)",
        f"elapsed: {elapsed:.1f} s ({tally.sent / max(elapsed, 1e-9):.0f} req/s)",
        f"statuses: {distribution(tally.statuses)}",
        f"item operations (a path id): {item_total} requests, {reached:.0f}% not 404: "
        f"{distribution(tally.item_statuses)}",
    ]
    for token in TOKENS:
        if token in tally.by_token:
            lines.append(f"token {token}: {distribution(tally.by_token[token])}")
    shown: set[str] = set()
    for finding in tally.findings:
        key = f"{finding.operation} -> {finding.status}"
        if key in shown:
            continue
        shown.add(key)
        lines.append(f"- {key} (x{kinds[key]}): {finding.request}")
        lines.extend(f"    {problem}" for problem in finding.problems[:3])
        lines.append(f"    response: {str(finding.body)[:300]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the long fuzzing session, then the stateful one, and print their reports; 1 on a finding."""
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000, help="requests to send (default 10000)")
    parser.add_argument("--seconds", type=float, default=600.0, help="time bound (default 600)")
    parser.add_argument("--per-operation", type=int, default=3, help="cases per operation and mode")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--scenarios", type=int, default=100, help="stateful scenarios (default 100; 0: none)"
    )
    parser.add_argument("--steps", type=int, default=10, help="steps per stateful scenario (default 10)")
    args = parser.parse_args(argv)
    with LiveServer(seed=0) as server:
        started = time.monotonic()
        world = build_world(server)
        tally = fuzz(
            server,
            requests_wanted=args.requests,
            seconds=args.seconds,
            per_operation=args.per_operation,
            seed=args.seed,
            world=world,
        )
        print("\n".join(summary(tally, time.monotonic() - started)))
        findings = len(tally.findings)
        if args.scenarios:
            started = time.monotonic()
            tally = stateful(server, world, scenarios=args.scenarios, steps=args.steps, seed=args.seed)
            print(f"\nstateful ({args.scenarios} scenarios of up to {args.steps} steps, links of the spec):")
            print("\n".join(summary(tally, time.monotonic() - started)))
            findings += len(tally.findings)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
