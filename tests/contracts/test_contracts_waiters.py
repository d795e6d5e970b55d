"""Waiters: the provider's schedule, its pending/target sets, 404 confirmations, timeouts."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from contracts.kinds import KINDS
from contracts.waiters import Interrupted, Timing, Waiter, WaitFailed


class Clock:
    """A monotonic clock the pauses move forward (so timeouts are reached without sleeping)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def waiter(answers: list[tuple[int, Any]], timing: Timing | None = None) -> tuple[Waiter, list[str]]:
    """A waiter fed ``answers`` (the last one repeats); returns it and the ids it polled."""
    polled: list[str] = []
    feed: Iterator[tuple[int, Any]] = itertools.chain(answers, itertools.repeat(answers[-1]))
    clock = Clock()

    def fetch(kind: Any, object_id: str) -> tuple[int, Any]:
        polled.append(object_id)
        clock.now += 1.0
        return next(feed)

    return Waiter(fetch, timing or Timing(delay=0, interval=0, timeout=5), clock=clock), polled


def ds(status: str) -> tuple[int, dict[str, Any]]:
    return 200, {"datastore": {"id": "d", "status": status}}


def gone() -> tuple[int, dict[str, Any]]:
    return 404, {"error": {"code": 404, "title": "Not Found", "message": "datastore d not found."}}


def test_provider_schedule_waits_10s_then_min_timeout_then_10s() -> None:
    pauses = list(itertools.islice(Timing().intervals(20.0), 5))
    assert pauses == [10.0, 20.0, 10.0, 10.0, 10.0]


@pytest.mark.parametrize(
    ("local", "delay", "interval", "timeout", "expected"),
    [
        (True, None, None, None, Timing(0.0, 0.01, 60.0)),
        (False, None, None, None, Timing(10.0, None, 3600.0)),
        (False, 0.0, 1.0, 30.0, Timing(0.0, 1.0, 30.0)),
        (True, 2.0, None, None, Timing(2.0, 0.01, 60.0)),
    ],
    ids=["local-scaled-down", "remote-provider", "explicit", "explicit-delay-local"],
)
def test_timing_choice(local: bool, delay: Any, interval: Any, timeout: Any, expected: Timing) -> None:
    assert Timing.choose(local=local, delay=delay, interval=interval, timeout=timeout) == expected


@pytest.mark.parametrize(
    ("answers", "polls"),
    [
        ([ds("ACTIVE")], 1),
        ([ds("PENDING_CREATE"), ds("PENDING_CREATE"), ds("ACTIVE")], 3),
        ([ds("RESIZING"), ds("PENDING_UPDATE"), ds("ACTIVE")], 3),
    ],
    ids=["already-active", "pending-create", "resize-then-update"],
)
def test_until_active_polls_through_pending_states(answers: list[Any], polls: int) -> None:
    wait, polled = waiter(answers)
    assert wait.until_active(KINDS["datastore"], "d")["status"] == "ACTIVE"
    assert len(polled) == polls


@pytest.mark.parametrize(
    ("kind", "answers", "reason"),
    [
        ("datastore", [ds("PENDING_CREATE"), ds("ERROR")], "unexpected state ERROR"),
        ("database", [(200, {"database": {"status": "RESIZING"}})], "unexpected state RESIZING"),
        ("datastore", [gone()], "GET answered 404"),
        ("datastore", [(500, {"error": {"code": 500}})], "GET answered 500"),
        ("datastore", [ds("PENDING_CREATE")], "still PENDING_CREATE after 5 s"),
        ("datastore", [(200, {"database": {}})], "no 'datastore' object"),
    ],
    ids=["error-state", "resizing-is-not-pending-for-databases", "404", "500", "timeout", "wrong-wrapper"],
)
def test_until_active_fails_at_once_outside_pending_and_target(
    kind: str, answers: list[Any], reason: str
) -> None:
    wait, _ = waiter(answers)
    with pytest.raises(WaitFailed, match=reason):
        wait.until_active(KINDS[kind], "d")


def test_objects_without_status_need_one_read() -> None:
    wait, polled = waiter([(200, {"prometheus-metrics-token": {"id": "t", "value": "v"}})])
    assert wait.until_active(KINDS["prometheus_metrics_token"], "t")["value"] == "v"
    assert polled == ["t"]


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ([ds("PENDING_DELETE"), ds("PENDING_DELETE"), gone()], None),
        ([gone()], None),
        ([(404, {"detail": "Not Found"})], "body code is None"),
        ([(404, {"error": {"code": 400}})], "body code is 400"),
        ([(409, {"error": {"code": 409}})], "GET answered 409"),
        ([ds("PENDING_DELETE")], "still answers 200"),
    ],
    ids=[
        "pending-delete-then-404",
        "immediate-404",
        "404-outside-envelope",
        "404-with-400-code",
        "409",
        "never",
    ],
)
def test_until_gone_needs_a_404_in_the_envelope(answers: list[Any], reason: str | None) -> None:
    wait, _ = waiter(answers)
    if reason is None:
        wait.until_gone(KINDS["datastore"], "d")
    else:
        with pytest.raises(WaitFailed, match=reason):
            wait.until_gone(KINDS["datastore"], "d")


def test_a_stopping_run_interrupts_the_wait() -> None:
    stop = threading.Event()
    stop.set()
    wait = Waiter(
        lambda kind, object_id: ds("PENDING_CREATE"), Timing(delay=5, interval=5, timeout=60), stop=stop
    )
    with pytest.raises(Interrupted):
        wait.until_active(KINDS["datastore"], "d")
