"""The kit's own checks: each a plain function named after the property that must hold.

A check takes an :class:`Exchange` (one request and its response, as the contract sees them) and
returns the problems it found; an empty list means the property holds. The same functions judge the
responses of the schemathesis phases (through :mod:`contracts.integration`) and of the scenarios.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import unquote

from .kinds import ACTION_STATUSES, REFERENCE_ENTITIES, STATUSES
from .spec import OperationInfo

__all__ = [
    "CHECKS",
    "NOT_JSON",
    "Check",
    "Exchange",
    "error_envelope_is_well_formed",
    "mutations_answer_a_pending_status",
    "not_found_message_names_the_entity",
    "parse_json",
    "secrets_are_never_returned",
    "status_vocabulary_is_known",
    "wrapper_keys_match_operation",
]


class _NotJson:
    """The body of a response that is not JSON."""

    def __repr__(self) -> str:
        return "<not JSON>"


#: Stands for a body that could not be parsed as JSON.
NOT_JSON: Final = _NotJson()

SECRET_KEYS: Final = frozenset({"password", "redis_password"})
_NOT_FOUND_RE: Final = re.compile(r"^(\S+) (.+) not found\.$", re.DOTALL)
#: Secret values shorter than this are not searched for in responses (too many false matches).
_MIN_SECRET: Final = 6


def parse_json(content: bytes) -> Any:
    """The JSON document of a body, ``None`` when empty, :data:`NOT_JSON` when unparsable."""
    if not content or not content.strip():
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return NOT_JSON


@dataclass(frozen=True, slots=True)
class Exchange:
    """One call: the operation, what was sent, what came back."""

    op: OperationInfo
    status: int
    body: Any
    request_body: Any = None
    path_params: Mapping[str, Any] = field(default_factory=dict)


Check = Callable[[Exchange], list[str]]


def error_envelope_is_well_formed(exchange: Exchange) -> list[str]:
    """Every 4xx/5xx body is ``{"error": {"code", "title", "message"}}`` with ``code`` = the HTTP status."""
    if exchange.status < 400:
        return []
    body = exchange.body
    if body is NOT_JSON or not isinstance(body, dict):
        return [f"{exchange.status} answered {_show(body)}, not the error envelope"]
    error = body.get("error")
    if not isinstance(error, dict):
        return [f"{exchange.status} body has no 'error' object: {_show(body)}"]
    problems = []
    code = error.get("code")
    if not isinstance(code, int) or isinstance(code, bool) or code != exchange.status:
        problems.append(f"error.code is {code!r}, the HTTP status is {exchange.status}")
    for key in ("title", "message"):
        if not isinstance(error.get(key), str) or not error.get(key):
            problems.append(f"error.{key} is {error.get(key)!r}, not a non-empty string")
    return problems


def wrapper_keys_match_operation(exchange: Exchange) -> list[str]:
    """A success body is wrapped in the operation's key (a list under the plural one); a 204 has no body."""
    if not 200 <= exchange.status < 300:
        return []
    op, body = exchange.op, exchange.body
    if exchange.status == 204:
        return [] if body is None else [f"204 answered a body: {_show(body)}"]
    if op.response_wrapper is None:
        return []
    if not isinstance(body, dict):
        return [f"expected {{{op.response_wrapper!r}: ...}}, got {_show(body)}"]
    keys = sorted(body)
    if keys != [op.response_wrapper]:
        return [f"top-level keys {keys}, expected exactly [{op.response_wrapper!r}]"]
    inner = body[op.response_wrapper]
    if op.response_is_list and not isinstance(inner, list):
        return [f"{op.response_wrapper!r} holds {type(inner).__name__}, expected a list"]
    if not op.response_is_list and not isinstance(inner, dict):
        return [f"{op.response_wrapper!r} holds {type(inner).__name__}, expected an object"]
    return []


def status_vocabulary_is_known(exchange: Exchange) -> list[str]:
    """Every ``status`` in a success body is one of the 10 statuses (an action's: PENDING/SUCCESS/ERROR)."""
    if not 200 <= exchange.status < 300 or not isinstance(exchange.body, dict):
        return []
    wrapper = exchange.op.response_wrapper or ""
    vocabulary = ACTION_STATUSES if wrapper in ("action", "actions") else STATUSES
    problems = []
    for path, value in _walk(exchange.body):
        if path and path[-1] == "status" and isinstance(value, str | int) and value not in vocabulary:
            problems.append(f"{'/'.join(map(str, path))} = {value!r} is not a known status")
    return problems


def secrets_are_never_returned(exchange: Exchange) -> list[str]:
    """No ``password``/``redis_password`` key in any response, and no secret sent echoed in a success body."""
    problems = [
        f"response carries the secret key {'/'.join(map(str, path))}"
        for path, _ in _walk(exchange.body)
        if path and path[-1] in SECRET_KEYS
    ]
    if 200 <= exchange.status < 300 and exchange.body not in (None, NOT_JSON):
        secrets = {
            value
            for path, value in _walk(exchange.request_body)
            if path and path[-1] in SECRET_KEYS and isinstance(value, str) and len(value) >= _MIN_SECRET
        }
        for path, value in _walk(exchange.body):
            if isinstance(value, str) and value in secrets:
                problems.append(f"the secret sent comes back at {'/'.join(map(str, path))}")
    return problems


def not_found_message_names_the_entity(exchange: Exchange) -> list[str]:
    """A 404 says ``<entity> <id> not found.`` for the object in the path or a parent named in the body."""
    if exchange.status != 404 or not isinstance(exchange.body, dict):
        return []
    error = exchange.body.get("error")
    message = error.get("message") if isinstance(error, dict) else None
    if not isinstance(message, str):
        return []  # the envelope check reports it
    allowed = set(_named_objects(exchange))
    if not allowed:
        return []  # nothing identifiable was sent (an unknown route); nothing to compare with
    match = _NOT_FOUND_RE.match(message)
    if match is None or (match.group(1), match.group(2)) not in allowed:
        expected = " or ".join(sorted(f"'{entity} {ident} not found.'" for entity, ident in allowed)[:3])
        return [f"404 message {message!r}, expected {expected}"]
    return []


def mutations_answer_a_pending_status(exchange: Exchange) -> list[str]:
    """A create answers ``PENDING_CREATE``, an update ``PENDING_UPDATE``, a resize ``RESIZING``.

    DECISIONS 15; the security-group update keeps the status (DECISIONS 12).
    """
    op = exchange.op
    if not op.mutating or exchange.status != 200 or op.kind is None or not op.kind.has_status:
        return []
    if op.operation_id == "update_datastore_security_groups" or op.response_is_list:
        return []  # the security-group update does not change the status (DECISIONS 12)
    if not isinstance(exchange.body, dict) or not isinstance(
        exchange.body.get(op.response_wrapper or ""), dict
    ):
        return []
    status = exchange.body[op.response_wrapper or ""].get("status")
    if op.is_create:
        expected = "PENDING_CREATE"
    elif op.operation_id == "resize_datastore":
        expected = "RESIZING"
    else:
        expected = "PENDING_UPDATE"
    if status != expected:
        return [f"{op.operation_id} answered status {status!r}, expected {expected}"]
    return []


#: The kit's own stateless checks, by name.
CHECKS: Final[Mapping[str, Check]] = {
    check.__name__: check
    for check in (
        error_envelope_is_well_formed,
        wrapper_keys_match_operation,
        status_vocabulary_is_known,
        secrets_are_never_returned,
        not_found_message_names_the_entity,
        mutations_answer_a_pending_status,
    )
}


def _named_objects(exchange: Exchange) -> Iterator[tuple[str, str]]:
    """The (entity, id) pairs a 404 of this exchange may name."""
    op = exchange.op
    if op.path_params and op.kind is not None:
        value = exchange.path_params.get(op.path_params[0])
        if value is not None:
            # The id goes out percent-encoded and the server decodes it: either form may come back.
            for form in {str(value), unquote(str(value))}:
                if _routable(form):
                    yield op.kind.entity, form
    for path, value in _walk(exchange.request_body):
        field_name = next((str(part) for part in reversed(path) if isinstance(part, str)), None)
        entity = REFERENCE_ENTITIES.get(field_name or "")
        if entity is not None and isinstance(value, str):
            yield entity, value


def _routable(value: str) -> bool:
    """Whether an id sent in a path reaches the operation's route unchanged."""
    return bool(value) and "/" not in value and value not in (".", "..")


def _walk(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every (path, value) below a JSON document, depth first; list items have integer path parts."""
    items: Iterator[tuple[str | int, Any]]
    if isinstance(node, dict):
        items = ((str(key), value) for key, value in node.items())
    elif isinstance(node, list):
        items = iter(enumerate(node))
    else:
        return
    for key, value in items:
        yield (*path, key), value
        yield from _walk(value, (*path, key))


def _show(body: Any) -> str:
    return repr(body) if body is NOT_JSON else json.dumps(body)[:200]
