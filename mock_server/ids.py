"""Deterministic identifiers: the same seed and the same calls give the same ids."""

from __future__ import annotations

import hashlib
import random
import uuid

__all__ = ["IdFactory", "project_for_token"]


class IdFactory:
    """Dashed UUIDs (version 4 layout) drawn from a seeded generator."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(f"dbaas-mock-ids-{seed}")

    def uuid(self) -> str:
        """A new dashed UUID."""
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def hex(self, length: int = 32) -> str:
        """``length`` random lowercase hex digits."""
        return "".join(self._random.choice("0123456789abcdef") for _ in range(length))

    def token(self, length: int = 64) -> str:
        """A secret of ``[A-Za-z0-9]`` characters (prometheus metrics token values)."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self._random.choice(alphabet) for _ in range(length))


def project_for_token(token: str) -> str:
    """The project a token belongs to unless registered otherwise: 32 hex digits derived from it."""
    return hashlib.sha256(f"dbaas-mock-project:{token}".encode()).hexdigest()[:32]
