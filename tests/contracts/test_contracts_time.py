"""The waiters do the waiting: against a fake whose clock only moves when the test moves it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import contracts
from mock_server.server import LiveServer


@pytest.fixture
def frozen() -> Iterator[LiveServer]:
    """A fake in ``time`` mode with a frozen clock: a create stays PENDING_CREATE until time moves."""
    with LiveServer(lifecycle="time") as server:
        server.clock.freeze()
        yield server


def _kafka(url: str, **fields: Any) -> Any:
    return contracts.run(
        target=url,
        token="timed",
        allow_writes=True,
        phases=("scenarios",),
        scenarios=("kafka",),
        progress=False,
        **fields,
    )


def test_without_time_passing_the_waiter_gives_up(frozen: LiveServer) -> None:
    result = _kafka(frozen.url, wait_timeout=0.3)
    assert result.exit_code != 0
    failure = next(f for f in result.results.failures() if f.operation == "create_datastore")
    assert "still PENDING_CREATE" in failure.message
    frozen.clock.unfreeze()


def test_the_waiters_wait_until_the_clock_settles_each_object(frozen: LiveServer) -> None:
    done = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        box["result"] = _kafka(frozen.url, wait_timeout=60)
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    ticks = 0
    while not done.is_set():
        time.sleep(0.05)
        frozen.clock.advance(60)
        ticks += 1
    worker.join()
    result = box["result"]
    assert result.ok, [f"{f.operation} {f.check} {f.message}" for f in result.results.failures()]
    reads = [e for e in frozen.journal.entries() if e.operation_id == "get_datastore" and e.status == 200]
    pending = [e for e in reads if json.loads(e.raw_response)["datastore"]["status"] != "ACTIVE"]
    assert len(pending) >= 3  # polled while the datastore was still pending, more than once
    assert ticks >= 5  # the run could only finish because the test moved time
