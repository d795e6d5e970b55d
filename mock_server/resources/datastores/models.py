"""State and rules of the datastores resource (skeleton: being written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = ["DatastoreModel"]


class DatastoreModel:
    """Skeleton."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
