"""The state of one fake: every resource model, the catalog, the clock and the lifecycle engine.

A :class:`Backend` belongs to one app instance; :meth:`Backend.reset` re-initialises it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .auth import Auth
from .clock import Clock
from .config import MockConfig
from .ids import IdFactory
from .lifecycle import LifecycleEngine, LifecycleSettings
from .resources.acls.models import AclModel
from .resources.actions.models import ActionModel
from .resources.catalog.models import CatalogModel
from .resources.databases.models import DatabaseModel
from .resources.datastores.models import DatastoreModel
from .resources.extensions.models import ExtensionModel
from .resources.grants.models import GrantModel
from .resources.quotas.models import QuotaModel
from .resources.slots.models import SlotModel
from .resources.tokens.models import TokenModel
from .resources.topics.models import TopicModel
from .resources.users.models import UserModel
from .store import Table

__all__ = ["Backend"]


class Backend:
    """All the state of one fake, built from a :class:`MockConfig`."""

    def __init__(self, config: MockConfig | None = None) -> None:
        self.config = config or MockConfig()
        self.clock = self.config.clock or Clock()
        self.auth = Auth(self.config.admin_token)
        self.reset()

    def reset(self) -> None:
        """Forget every object and rebuild the seeded catalog (the clock keeps its time)."""
        self.ids = IdFactory(self.config.seed)
        self.engine = LifecycleEngine(
            self.clock, LifecycleSettings(mode=self.config.lifecycle, reads=self.config.reads)
        )
        self.auth = Auth(self.config.admin_token)
        # Cheap: the seeded catalog is built once per process and shared copy-on-write.
        self.catalog = CatalogModel(self)
        self.datastores = DatastoreModel(self)
        self.databases = DatabaseModel(self)
        self.users = UserModel(self)
        self.grants = GrantModel(self)
        self.extensions = ExtensionModel(self)
        self.slots = SlotModel(self)
        self.topics = TopicModel(self)
        self.acls = AclModel(self)
        self.tokens = TokenModel(self)
        self.actions = ActionModel(self)
        self.quotas = QuotaModel(self)
        # Looked up on every mutating call (the action records its target's table).
        self._tables_by_kind = {table.kind: table for table in self.tables()}

    def now(self) -> datetime:
        """The fake's current time."""
        return self.clock.now()

    def tables(self) -> Iterator[Table[Any]]:
        """Every table with a lifecycle (datastores and what lives in them)."""
        yield self.datastores.table
        yield from self.child_tables()

    def child_tables(self) -> Iterator[Table[Any]]:
        """The tables of objects that live inside a datastore, parents before children."""
        yield self.databases.table
        yield self.users.table
        yield self.grants.table
        yield self.extensions.table
        yield self.slots.table
        yield self.topics.table
        yield self.acls.table

    def table_for(self, kind: str) -> Table[Any] | None:
        """The table of lifecycle ``kind`` (``datastore``, ``database``...), if any."""
        return self._tables_by_kind.get(kind)

    def cascade(self, project_id: str, field: str, value: str) -> int:
        """Remove every object whose ``field`` (``datastore_id``, ``database_id``, ``user_id``) is ``value``.

        Returns how many objects went (DECISIONS 16).
        """
        removed = 0
        for table in self.child_tables():
            if field not in table.indexed:
                continue
            for obj in list(table.bucket(project_id, field, value).values()):
                table.remove(obj)
                removed += 1
        return removed
