"""The contract the kit checks against: the OpenAPI document, indexed per operation.

:class:`SpecIndex` is immutable once built; :meth:`SpecIndex.load` reads the YAML once per call (the
runner loads it once per run). It answers what the checks need without schemathesis: each operation's
wrappers, path parameters and documented statuses, and validates a body against a response schema with
``jsonschema`` (an implementation independent of the fake's own validator).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .kinds import KINDS_BY_COLLECTION, Kind

__all__ = ["OperationInfo", "SpecIndex", "default_spec_path"]

_METHODS: Final = ("get", "put", "post", "delete", "patch")
_UUID_RE: Final = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _request_uuid(value: object) -> bool:
    """The API's own ``UUID`` format: 32 hex digits, dashed or not, any case."""
    return not isinstance(value, str) or _UUID_RE.fullmatch(value) is not None


#: The standard formats plus the API's ``UUID``.
_FORMATS: Final = jsonschema.FormatChecker()
_FORMATS.checks("UUID")(_request_uuid)
_SPEC_URI: Final = "urn:dbaas-contract"


def default_spec_path() -> Path:
    """The spec shipped with the installed package, else the source tree's ``openapi/dbaas-v1.yaml``."""
    packaged = resources.files("mock_server") / "_spec" / "dbaas-v1.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "openapi" / "dbaas-v1.yaml"


@dataclass(frozen=True, slots=True)
class OperationInfo:
    """One operation of the contract, as the checks see it."""

    operation_id: str
    method: str
    path: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    #: Wrapper key of the request body's object (``datastore`` in ``{"datastore": {...}}``), if any.
    request_wrapper: str | None
    #: Wrapper key of the success body, ``None`` for a bare object or no body.
    response_wrapper: str | None
    #: Whether the success body wraps a list.
    response_is_list: bool
    success_status: int
    statuses: frozenset[str]
    #: Whether only the admin token may call it (403 documented).
    admin: bool
    inferred: bool
    kind: Kind | None

    @property
    def mutating(self) -> bool:
        """Whether the operation may change state (anything but GET)."""
        return self.method != "GET"

    @property
    def is_create(self) -> bool:
        """A ``POST`` on a collection that answers the new object."""
        return self.method == "POST" and not self.path_params and self.response_wrapper is not None

    @property
    def is_delete(self) -> bool:
        """A ``DELETE`` of the object named in the path."""
        return self.method == "DELETE" and self.path.count("/") == 2 and bool(self.path_params)

    @property
    def label(self) -> str:
        """``METHOD /path`` as schemathesis labels it."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class SpecIndex:
    """The parsed contract and an index of its operations."""

    document: Mapping[str, Any]
    path: Path
    operations: Mapping[str, OperationInfo]
    _by_label: Mapping[str, OperationInfo] = field(repr=False)
    _registry: Any = field(repr=False)
    #: Compiled validators by pointer (filled on first use; the only mutable part, never shared).
    _validators: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | str | None = None) -> SpecIndex:
        """Read and index the spec (``path`` or :func:`default_spec_path`)."""
        spec_path = Path(path) if path is not None else default_spec_path()
        with spec_path.open(encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        registry: Registry[Any] = Registry().with_resource(
            _SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        operations: dict[str, OperationInfo] = {}
        for op in _operations(document):
            operations[op.operation_id] = op
        by_label = {op.label: op for op in operations.values()}
        return cls(document, spec_path, MappingProxyType(operations), MappingProxyType(by_label), registry)

    # -- lookups ------------------------------------------------------------------------------------

    def by_label(self, label: str) -> OperationInfo | None:
        """The operation labelled ``METHOD /path`` (schemathesis' label), if any."""
        return self._by_label.get(label)

    def pointer(self, pointer: str) -> Any:
        """The node at a JSON pointer of the document (``#/components/schemas/Datastore``)."""
        return _pointer(self.document, pointer)

    def raw_operation(self, op: OperationInfo) -> Mapping[str, Any]:
        """The operation object of the document."""
        return dict(self.document["paths"][op.path][op.method.lower()])

    def response_for(self, op: OperationInfo, status: int) -> tuple[str, Mapping[str, Any]] | None:
        """The documented response of ``status`` (exact, then ``4XX``, then ``default``) and its pointer."""
        responses = self.raw_operation(op).get("responses", {})
        base = f"#/paths/{_escape(op.path)}/{op.method.lower()}/responses"
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                node = responses[key]
                pointer = f"{base}/{key}"
                while isinstance(node, Mapping) and "$ref" in node:
                    pointer = str(node["$ref"])
                    node = self.pointer(pointer)
                return pointer, node
        return None

    def response_schema_pointer(self, op: OperationInfo, status: int) -> str | None:
        """JSON pointer of the JSON schema of the documented response of ``status``."""
        found = self.response_for(op, status)
        if found is None:
            return None
        pointer, response = found
        if "application/json" not in (response.get("content") or {}):
            return None
        return f"{pointer}/content/application~1json/schema"

    # -- validation ---------------------------------------------------------------------------------

    def validate(self, pointer: str, instance: Any) -> list[str]:
        """Problems of ``instance`` against the schema at ``pointer`` (empty when it conforms)."""
        validator = self._validators.get(pointer)
        if validator is None:
            validator = jsonschema.Draft202012Validator(
                {"$ref": f"{_SPEC_URI}{pointer}"}, registry=self._registry, format_checker=_FORMATS
            )
            self._validators[pointer] = validator
        problems = []
        for error in validator.iter_errors(instance):
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            problems.append(f"{where}: {error.message}")
            if len(problems) >= 10:
                break
        return problems

    def validate_request(self, op: OperationInfo, body: Any) -> list[str]:
        """Problems of a request body against the operation's request schema (formats asserted)."""
        if op.request_wrapper is None and "requestBody" not in self.raw_operation(op):
            return []
        pointer = (
            f"#/paths/{_escape(op.path)}/{op.method.lower()}/requestBody/content/application~1json/schema"
        )
        return self.validate(pointer, body)

    def validate_response(self, op: OperationInfo, status: int, body: Any) -> list[str]:
        """Problems of a response: undocumented status, or a body outside the documented schema."""
        if self.response_for(op, status) is None:
            return [f"status {status} is not documented for {op.operation_id}"]
        pointer = self.response_schema_pointer(op, status)
        if pointer is None:
            return []
        return self.validate(pointer, body)


def _escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def _pointer(document: Mapping[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.lstrip("#").strip("/").split("/"):
        if not part:
            continue
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _deref(document: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        node = _pointer(document, str(node["$ref"]))
    return node


def _single_key(document: Mapping[str, Any], schema: Any) -> tuple[str | None, bool]:
    """The wrapper key of an object schema with one property, and whether it wraps an array."""
    schema = _deref(document, schema)
    if not isinstance(schema, Mapping):
        return None, False
    properties = schema.get("properties") or {}
    if len(properties) != 1:
        return None, False
    key = next(iter(properties))
    inner = _deref(document, properties[key])
    return key, isinstance(inner, Mapping) and inner.get("type") == "array"


def _operations(document: Mapping[str, Any]) -> Iterator[OperationInfo]:
    for path, item in document.get("paths", {}).items():
        shared = [_deref(document, p) for p in item.get("parameters", [])]
        for method in _METHODS:
            raw = item.get(method)
            if not isinstance(raw, Mapping):
                continue
            params = shared + [_deref(document, p) for p in raw.get("parameters", [])]
            responses = raw.get("responses", {})
            success = min(int(code) for code in responses if str(code).isdigit() and str(code)[0] == "2")
            wrapper, is_list = None, False
            success_node = _deref(document, responses.get(str(success)))
            content = (success_node or {}).get("content") or {}
            if "application/json" in content:
                wrapper, is_list = _single_key(document, content["application/json"].get("schema"))
            request_wrapper = None
            body = _deref(document, raw.get("requestBody"))
            if isinstance(body, Mapping):
                body_schema = (body.get("content") or {}).get("application/json", {}).get("schema")
                request_wrapper, _ = _single_key(document, body_schema)
            collection = path.strip("/").split("/")[0]
            yield OperationInfo(
                operation_id=str(raw["operationId"]),
                method=method.upper(),
                path=path,
                path_params=tuple(str(p["name"]) for p in params if p.get("in") == "path"),
                query_params=tuple(str(p["name"]) for p in params if p.get("in") == "query"),
                request_wrapper=request_wrapper,
                response_wrapper=wrapper,
                response_is_list=is_list,
                success_status=success,
                statuses=frozenset(str(code) for code in responses),
                admin="403" in responses,
                inferred=raw.get("x-fidelity") == "inferred",
                kind=KINDS_BY_COLLECTION.get(collection),
            )
