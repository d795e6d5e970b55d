"""The journal keeps a bounded number of body bytes, evicting the oldest calls first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mock_server.journal import Journal


def _record(journal: Journal, size: int) -> None:
    journal.record(
        at=datetime(2026, 1, 1, tzinfo=UTC),
        method="GET",
        path="/v1/datastores",
        query="",
        operation_id="list_datastores",
        status=200,
        duration=0.001,
        request_id="req-1",
        project_id="p",
        fault=None,
        raw_headers=(),
        raw_request=b"",
        raw_response=b"x" * size,
    )


@pytest.mark.parametrize(
    ("limit", "max_bytes", "sizes", "kept"),
    [
        (10, 1000, [400, 400, 400], 2),
        (2, 10**6, [1, 1, 1, 1], 2),
        (10, 100, [500], 1),
    ],
    ids=["byte-budget", "count-limit", "one-oversized-entry-kept"],
)
def test_journal_is_bounded(limit: int, max_bytes: int, sizes: list[int], kept: int) -> None:
    journal = Journal(limit, max_bytes=max_bytes)
    for size in sizes:
        _record(journal, size)
    assert len(journal.calls()) == kept
    assert journal.total == len(sizes)
