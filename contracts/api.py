"""Calls to the target by operationId, through schemathesis cases (one transport for everything).

Every request the kit sends, generated or written by hand (scenarios, waiters, inventory, teardown),
goes through ``Case.call()``: the same transport (HTTP, or the ASGI app in-process), the same safety
guard (``before_call``) and the same ledger (``after_call``). Tokens never appear in what the kit
writes: :func:`curl_of` masks them as ``$DBAAS_TOKEN`` / ``$DBAAS_ADMIN_TOKEN``.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from .checks import parse_json
from .kinds import Kind
from .spec import OperationInfo, SpecIndex

if TYPE_CHECKING:
    from schemathesis import Case, Response

    from .integration import ContractSchema

__all__ = ["UNSET", "Api", "ApiError", "Reply", "SafetyViolation", "curl_of"]

TOKEN_HEADER: Final = "X-Auth-Token"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: No request body (distinct from a JSON ``null``).
UNSET: Final = _Unset()


class ApiError(Exception):
    """The target could not be reached or the call could not be made."""


class SafetyViolation(Exception):
    """A request the run's safety rules forbid (raised by the guard before anything is sent)."""


@dataclass(frozen=True)
class Reply:
    """One answered call."""

    op: OperationInfo
    status: int
    body: Any
    case: Case[Any]
    response: Response
    curl: str

    def obj(self) -> dict[str, Any]:
        """The object under the operation's wrapper (``{}`` when absent)."""
        if isinstance(self.body, dict):
            inner = self.body.get(self.op.response_wrapper or "")
            if isinstance(inner, dict):
                return inner
        return {}

    def items(self) -> list[dict[str, Any]]:
        """The objects of a list answer (``[]`` when absent)."""
        if isinstance(self.body, dict):
            inner = self.body.get(self.op.response_wrapper or "")
            if isinstance(inner, list):
                return [item for item in inner if isinstance(item, dict)]
        return []


def curl_of(response: Response, tokens: Mapping[str, str]) -> str:
    """The request of ``response`` as a curl line, with tokens replaced by shell variables."""
    request = response.request
    parts = ["curl", "-X", str(request.method), shlex.quote(str(request.url))]
    for name, value in request.headers.items():
        if name.lower() in ("user-agent", "accept-encoding", "accept", "connection", "content-length"):
            continue
        if name.lower().startswith("x-schemathesis"):
            continue
        mask = tokens.get(value)
        parts += ["-H", f'"{name}: {mask}"' if mask else shlex.quote(f"{name}: {value}")]
    body = request.body
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        parts += ["-d", shlex.quote(text)]
    return " ".join(parts)


class Api:
    """Calls operations of the contract by id against the run's target."""

    def __init__(
        self,
        schema: ContractSchema,
        spec: SpecIndex,
        *,
        token: str,
        admin_token: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.schema = schema
        self.spec = spec
        self.token = token
        self.admin_token = admin_token
        self.timeout = timeout
        self._local = threading.local()
        self.masks = {token: "$DBAAS_TOKEN"}
        if admin_token:
            self.masks[admin_token] = "$DBAAS_ADMIN_TOKEN"

    def token_for(self, op: OperationInfo) -> str:
        """The admin token for the admin operations when there is one, else the project token."""
        return self.admin_token if op.admin and self.admin_token else self.token

    def call(
        self,
        operation_id: str,
        *,
        path: Mapping[str, str] | None = None,
        body: Any = UNSET,
        query: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> Reply:
        """Send one request; raises :class:`ApiError` when no answer comes back."""
        op = self.spec.operations[operation_id]
        operation = self.schema.find_operation_by_id(operation_id)
        kwargs: dict[str, Any] = {"path_parameters": dict(path or {}), "query": dict(query or {})}
        if body is not UNSET:
            kwargs["body"] = body
            kwargs["media_type"] = "application/json"
        case = operation.Case(**kwargs)
        headers = {TOKEN_HEADER: token if token is not None else self.token_for(op)}
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            response = case.call(headers=headers, timeout=self.timeout)
        except Exception as error:  # the transport's own errors: connection refused, timeouts...
            raise ApiError(f"{op.label}: {type(error).__name__}: {error}") from error
        finally:
            self._local.depth = depth
        return Reply(
            op, response.status_code, parse_json(response.content), case, response, self.curl(response)
        )

    def in_call(self) -> bool:
        """Whether this thread is inside :meth:`call` (a request of the kit, not a generated one)."""
        return bool(getattr(self._local, "depth", 0))

    def curl(self, response: Response) -> str:
        """The request of ``response`` as a curl line with the tokens masked."""
        return curl_of(response, self.masks)

    # -- by kind ------------------------------------------------------------------------------------

    def _param(self, operation_id: str) -> str:
        return self.spec.operations[operation_id].path_params[0]

    def get(self, kind: Kind, object_id: str) -> Reply:
        """``GET /<collection>/{id}``."""
        op_id = f"get_{kind.name}"
        return self.call(op_id, path={self._param(op_id): object_id})

    def delete(self, kind: Kind, object_id: str) -> Reply:
        """``DELETE /<collection>/{id}``."""
        op_id = f"delete_{kind.name}"
        return self.call(op_id, path={self._param(op_id): object_id})

    def list(self, kind: Kind, query: Mapping[str, Any] | None = None) -> Reply:
        """``GET /<collection>``."""
        return self.call(f"list_{kind.collection.replace('-', '_')}", query=query)

    def fetch(self, kind: Kind, object_id: str) -> tuple[int, Any]:
        """Status and body of ``GET /<collection>/{id}`` (the waiters' refresh function)."""
        reply = self.get(kind, object_id)
        return reply.status, reply.body
