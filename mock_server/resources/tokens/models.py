"""State and rules of the tokens resource (skeleton: being written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = ["TokenModel"]


class TokenModel:
    """Skeleton."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
