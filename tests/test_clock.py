"""The injected clock: monotonic, forward-only, UTC-aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mock_server import Clock
from mock_server.clock import format_ts, parse_ts

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_frozen_clock_moves_only_when_advanced() -> None:
    clock = Clock(START, frozen=True)
    assert clock.now() == START
    assert clock.advance(90) == START + timedelta(seconds=90)
    assert clock.now() == START + timedelta(seconds=90)


def test_running_clock_never_goes_back() -> None:
    clock = Clock(START)
    seen = [clock.now() for _ in range(100)]
    assert seen == sorted(seen)


@pytest.mark.parametrize("action", ["advance", "set"], ids=["advance-negative", "set-earlier"])
def test_the_clock_refuses_to_go_back(action: str) -> None:
    clock = Clock(START, frozen=True)
    move = (
        (lambda: clock.advance(-1))
        if action == "advance"
        else (lambda: clock.set(START - timedelta(seconds=1)))
    )
    with pytest.raises(ValueError, match="never goes back"):
        move()


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Clock(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_timestamps_have_the_api_format() -> None:
    moment = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    assert format_ts(moment) == "2026-03-04T05:06:07"
    assert parse_ts("2026-03-04T05:06:07") == moment.replace(microsecond=0)
