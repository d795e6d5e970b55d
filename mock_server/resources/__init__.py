"""One package per resource: ``models.py`` holds state and rules, ``responses.py`` the thin handlers."""

from __future__ import annotations

from ..calls import Handler
from .acls.responses import HANDLERS as _ACLS
from .actions.responses import HANDLERS as _ACTIONS
from .catalog.responses import HANDLERS as _CATALOG
from .databases.responses import HANDLERS as _DATABASES
from .datastores.responses import HANDLERS as _DATASTORES
from .extensions.responses import HANDLERS as _EXTENSIONS
from .grants.responses import HANDLERS as _GRANTS
from .quotas.responses import HANDLERS as _QUOTAS
from .slots.responses import HANDLERS as _SLOTS
from .tokens.responses import HANDLERS as _TOKENS
from .topics.responses import HANDLERS as _TOPICS
from .users.responses import HANDLERS as _USERS

__all__ = ["HANDLERS"]

#: operationId -> handler, for all the operations of the spec.
HANDLERS: dict[str, Handler] = {
    **_ACLS,
    **_ACTIONS,
    **_CATALOG,
    **_DATABASES,
    **_DATASTORES,
    **_EXTENSIONS,
    **_GRANTS,
    **_QUOTAS,
    **_SLOTS,
    **_TOKENS,
    **_TOPICS,
    **_USERS,
}
