"""Fixtures of the contract-kit tests: a fresh fake, served on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _kit import served

from mock_server import DbaasMockApp, create_app


@pytest.fixture
def fake() -> DbaasMockApp:
    """A fresh fake (reads lifecycle)."""
    return create_app(seed=0)


@pytest.fixture
def fake_url(fake: DbaasMockApp) -> Iterator[str]:
    """The fake served on loopback."""
    with served(fake) as url:
        yield url
