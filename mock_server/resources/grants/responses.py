"""HTTP handlers of the grants resource (skeleton: being written)."""

from __future__ import annotations

from ...calls import Handler

__all__ = ["HANDLERS"]

HANDLERS: dict[str, Handler] = {}
