"""The OpenAPI document, loaded and resolved once, and the operation table the app routes with.

The parsed document and everything derived from it are immutable, so one load serves every app in
the process (:func:`load_spec` caches by path); no mutable state lives at module level.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import ApiError

if TYPE_CHECKING:
    from .validation import RequestValidator

__all__ = ["ADMIN_OPERATIONS", "ApiSpec", "Operation", "QueryParam", "default_spec_path", "load_spec"]

#: Operations only the admin token may call (DECISIONS 14).
ADMIN_OPERATIONS = frozenset(
    {
        "create_flavor",
        "update_flavor",
        "delete_flavor",
        "update_flavor_host",
        "delete_flavor_host",
        "create_available_extension",
        "update_available_extension",
        "delete_available_extension",
        "create_configuration_parameter",
        "delete_configuration_parameter",
    }
)

_METHODS = ("get", "put", "post", "delete", "patch")

NOT_FOUND_URL = (
    "The requested URL was not found on the server. If you entered the URL manually please check "
    "your spelling and try again."
)
METHOD_NOT_ALLOWED = "The method is not allowed for the requested URL."


@dataclass(frozen=True, slots=True)
class QueryParam:
    """A query parameter of an operation, with its JSON-schema type."""

    name: str
    type: str
    schema: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the spec."""

    operation_id: str
    method: str
    path: str
    path_param: str | None
    query: Mapping[str, QueryParam]
    has_body: bool
    body_required: bool
    success: int
    admin: bool
    mutating: bool


def default_spec_path() -> Path:
    """The spec shipped in the installed package, else the source tree's ``openapi/dbaas-v1.yaml``."""
    packaged = resources.files("mock_server") / "_spec" / "dbaas-v1.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "openapi" / "dbaas-v1.yaml"


class ApiSpec:
    """The parsed document, its operations by id, and a constant-time router."""

    def __init__(self, document: Mapping[str, Any], path: Path | None = None) -> None:
        self.document = document
        self.path = path
        self.operations: dict[str, Operation] = {}
        # (first segment, has-id, sub-segment) -> {METHOD: operation}
        self._routes: dict[tuple[str, bool, str | None], dict[str, Operation]] = {}
        for template, item in document.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in _METHODS:
                if method in item:
                    op = self._operation(template, method.upper(), item[method], shared)
                    self.operations[op.operation_id] = op
                    self._routes.setdefault(_route_key(template), {})[op.method] = op

    def _operation(
        self, template: str, method: str, raw: Mapping[str, Any], shared: list[Mapping[str, Any]]
    ) -> Operation:
        params = [self.deref(p) for p in [*shared, *raw.get("parameters", [])]]
        path_params = [p["name"] for p in params if p.get("in") == "path"]
        query = {
            p["name"]: QueryParam(p["name"], str(self.deref(p.get("schema", {})).get("type", "string")), p)
            for p in params
            if p.get("in") == "query"
        }
        body = self.deref(raw["requestBody"]) if "requestBody" in raw else None
        codes = sorted(
            int(c) for c in raw.get("responses", {}) if str(c).isdigit() and str(c).startswith("2")
        )
        op_id = str(raw["operationId"])
        return Operation(
            operation_id=op_id,
            method=method,
            path=template,
            path_param=path_params[0] if path_params else None,
            query=query,
            has_body=body is not None,
            body_required=bool(body and body.get("required")),
            success=codes[0] if codes else 200,
            admin=op_id in ADMIN_OPERATIONS,
            mutating=method != "GET",
        )

    @functools.cached_property
    def request_validator(self) -> RequestValidator:
        """The compiled request validator of this spec (built once: the spec never changes)."""
        from .validation import RequestValidator

        return RequestValidator(self)

    def deref(self, node: Any) -> Any:
        """Follow a local ``$ref`` (repeatedly) to the node it names."""
        seen = 0
        while isinstance(node, Mapping) and "$ref" in node and seen < 32:
            node = self.pointer(str(node["$ref"]))
            seen += 1
        return node

    def pointer(self, ref: str) -> Any:
        """The node at a local JSON pointer such as ``#/components/schemas/Datastore``."""
        if not ref.startswith("#"):
            raise ValueError(f"only local references are supported: {ref}")
        node: Any = self.document
        for part in ref[1:].split("/")[1:]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        """The operation for ``method`` and ``path`` (relative to ``/v1``) and its path parameters.

        Raises 404 for an unknown path and 405 for a known path with another method.
        """
        # One trailing slash is tolerated; any other empty segment (``//datastores``) is unknown.
        trimmed = path[1:] if path.startswith("/") else path
        trimmed = trimmed[:-1] if trimmed.endswith("/") else trimmed
        parts = trimmed.split("/") if trimmed else []
        if not parts or len(parts) > 3 or any(p == "" for p in parts):
            raise ApiError(404, NOT_FOUND_URL)
        key = (parts[0], len(parts) > 1, parts[2] if len(parts) == 3 else None)
        by_method = self._routes.get(key)
        if by_method is None:
            raise ApiError(404, NOT_FOUND_URL)
        op = by_method.get(method)
        if op is None:
            allowed = ", ".join(sorted({*by_method, "OPTIONS"} | ({"HEAD"} if "GET" in by_method else set())))
            raise ApiError(405, METHOD_NOT_ALLOWED, {"Allow": allowed})
        params = {op.path_param: parts[1]} if op.path_param and len(parts) > 1 else {}
        return op, params


def _route_key(template: str) -> tuple[str, bool, str | None]:
    parts = template.strip("/").split("/")
    return parts[0], len(parts) > 1, parts[2] if len(parts) == 3 else None


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> ApiSpec:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=loader)  # a safe loader (CSafeLoader or SafeLoader)
    return ApiSpec(document, Path(path))


def load_spec(path: Path | str | None = None) -> ApiSpec:
    """Load (once per file version) the spec at ``path`` or the default one."""
    target = Path(path) if path is not None else default_spec_path()
    return _load(str(target), target.stat().st_mtime)
