"""State and rules of the actions resource (skeleton: being written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = ["ActionModel"]


class ActionModel:
    """Skeleton."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
