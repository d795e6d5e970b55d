"""State of the prometheus metrics tokens resource (SCHEMAS.md §1.13, BEHAVIOUR.md §2, §6.3).

A token belongs to a project (no datastore) and has no status: create, rename and revoke take effect
at once (DECISIONS 15), and a revoked token answers 404 straight away. Its ``value`` is a 64-character
``[A-Za-z0-9]`` secret that every read returns (DECISIONS 6: clients read it back).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...store import Record, Table

if TYPE_CHECKING:
    from ...backend import Backend

__all__ = ["TOKEN_LENGTH", "PrometheusToken", "TokenModel"]

#: Length of a token's ``value``.
TOKEN_LENGTH = 64
_FILTERS = ("id", "project_id", "name", "value")


@dataclass(slots=True, kw_only=True)
class PrometheusToken(Record):
    """A prometheus metrics token of a project."""

    name: str
    value: str


class TokenModel:
    """The prometheus metrics tokens of every project."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.table: Table[PrometheusToken] = Table(
            "prometheus_metrics_token", "prometheusmetrictoken", None, indexed=("name", "value")
        )

    def query(self, project_id: str, query: Mapping[str, Any], now: datetime) -> list[PrometheusToken]:
        """The project's tokens matching the ``id``, ``project_id``, ``name`` and ``value`` filters."""
        filters = {name: query[name] for name in _FILTERS if name in query}
        return self.table.query(project_id, filters, now)

    def get(self, project_id: str, token_id: str, now: datetime) -> PrometheusToken:
        """The token; 404 ``prometheusmetrictoken <id> not found.``."""
        return self.table.get(project_id, token_id, now)

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> PrometheusToken:
        """Issue a token with a fresh secret value."""
        token = PrometheusToken(
            id=self.backend.ids.uuid(),
            project_id=project_id,
            created_at=now,
            updated_at=now,
            name=str(fields["name"]),
            value=self.backend.ids.token(TOKEN_LENGTH),
        )
        return self.table.insert(token)

    def update(
        self, project_id: str, token_id: str, fields: Mapping[str, Any], now: datetime
    ) -> PrometheusToken:
        """Rename a token (its value stays)."""
        token = self.get(project_id, token_id, now)
        self.table.set(token, "name", str(fields["name"]))
        token.updated_at = now
        return token

    def delete(self, project_id: str, token_id: str, now: datetime) -> PrometheusToken:
        """Revoke a token at once."""
        token = self.get(project_id, token_id, now)
        self.table.remove(token)
        return token
