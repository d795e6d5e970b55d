"""Fixtures shared by every black-box test: a fresh fake per test and clients for several tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ApiClient

from mock_server import DbaasMockApp, create_app
from mock_server.spec import load_spec
from mock_server.validation import ResponseValidator

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"

TOKEN = "test-token"
OTHER_TOKEN = "other-token"


@pytest.fixture(scope="session")
def response_validator() -> ResponseValidator:
    return ResponseValidator(load_spec())


@pytest.fixture
def app() -> DbaasMockApp:
    return create_app(seed=0)


@pytest.fixture
def client(app: DbaasMockApp, response_validator: ResponseValidator) -> ApiClient:
    return ApiClient(app, TOKEN, response_validator)


@pytest.fixture
def other_client(app: DbaasMockApp, response_validator: ResponseValidator) -> ApiClient:
    """A client of another project, on the same fake."""
    return ApiClient(app, OTHER_TOKEN, response_validator)


@pytest.fixture
def admin_client(app: DbaasMockApp, response_validator: ResponseValidator) -> ApiClient:
    return ApiClient(app, app.config.admin_token, response_validator)


@pytest.fixture
def anonymous_client(app: DbaasMockApp, response_validator: ResponseValidator) -> ApiClient:
    return ApiClient(app, None, response_validator)


@pytest.fixture(scope="session")
def reference() -> Path:
    """``../shared/reference`` beside the repository (a copy of it sits beside CI's clone too)."""
    assert REFERENCE.is_dir(), f"reference folder missing: {REFERENCE}"
    return REFERENCE
