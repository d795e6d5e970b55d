"""Tokens and projects (DECISIONS 14, 18)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ApiError, forbidden
from .ids import project_for_token

__all__ = ["Auth", "Principal"]

UNAUTHORIZED = "Authentication required: send a valid token in the X-Auth-Token header."
#: Unregistered tokens whose principal is remembered (a sha256 per request is the cost saved); bounded
#: so that a client inventing a token per request cannot grow it without limit.
_DERIVED_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the project their token maps to, and whether it is the admin token."""

    token: str
    project_id: str
    admin: bool


class Auth:
    """Maps tokens to projects. Unregistered tokens get a project derived from the token itself."""

    def __init__(self, admin_token: str) -> None:
        self.admin_token = admin_token
        self._registered: dict[str, Principal] = {}
        self._derived: dict[str, Principal] = {}

    def register(self, token: str, project_id: str | None = None, *, admin: bool = False) -> Principal:
        """Make ``token`` belong to ``project_id`` (derived when omitted), optionally as an admin."""
        if not token:
            raise ValueError("token must not be empty")
        principal = Principal(token, project_id or project_for_token(token), admin)
        self._registered[token] = principal
        self._derived.pop(token, None)
        return principal

    def principal(self, token: str | None) -> Principal:
        """The caller for ``token``; 401 without one."""
        if not token:
            raise ApiError(401, UNAUTHORIZED)
        known = self._registered.get(token) or self._derived.get(token)
        if known is not None:
            return known
        derived = Principal(token, project_for_token(token), token == self.admin_token)
        if len(self._derived) >= _DERIVED_LIMIT:
            self._derived.clear()
        self._derived[token] = derived
        return derived

    def require_admin(self, principal: Principal) -> None:
        """403 unless the caller holds the admin token."""
        if not principal.admin:
            raise forbidden()

    def registered(self) -> list[Principal]:
        """Tokens registered explicitly (for snapshots)."""
        return list(self._registered.values())
