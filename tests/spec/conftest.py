"""Fixtures of the spec tests: the parsed document and the reference folder beside the repository."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _helpers import load_spec, reference_dir


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return load_spec()


@pytest.fixture(scope="session")
def reference_root() -> Path:
    root = reference_dir()
    assert root.is_dir(), f"reference folder missing: {root}"
    return root


@pytest.fixture(scope="session")
def samples_dir(reference_root: Path) -> Path:
    return reference_root / "samples"
