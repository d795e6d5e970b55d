"""Loading, walking and resolving ``openapi/dbaas-v1.yaml`` for the spec tests.

Schemas are checked with ``jsonschema``'s Draft 2020-12 validator against the whole document, registered
under :data:`SPEC_URI`, so every ``$ref`` of the spec resolves exactly as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HERE = Path(__file__).resolve()
REPO = HERE.parents[2]
SPEC_PATH = REPO / "openapi" / "dbaas-v1.yaml"
SPEC_URI = "https://dbaas-mock.invalid/openapi/dbaas-v1.yaml"
METHODS = ("get", "put", "post", "delete", "patch")
JSON = "application/json"

#: A UUID and a Keystone project id used to fill placeholders.
SOME_UUID = "0b9e4c1a-7d2f-4e3b-9a8c-5d6e7f8a9b0c"
SOME_PROJECT = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def reference_dir() -> Path:
    """``shared/reference``: beside the workplace, else beside the repository (CI's clone)."""
    beside_workplace = HERE.parents[3] / "shared" / "reference"
    if beside_workplace.is_dir():
        return beside_workplace
    return REPO.parent / "shared" / "reference"


@functools.cache
def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    assert isinstance(document, dict)
    return document


@dataclass(frozen=True)
class Op:
    """One operation of the spec."""

    op_id: str
    method: str
    path: str
    node: Mapping[str, Any]

    @property
    def pointer(self) -> str:
        return f"/paths/{escape(self.path)}/{self.method}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)


@functools.cache
def operations() -> dict[str, Op]:
    """Operations of the spec by operationId (a duplicate id fails the document test, not this)."""
    ops: dict[str, Op] = {}
    for path, item in load_spec()["paths"].items():
        for method in METHODS:
            if method in item:
                node = item[method]
                ops[str(node.get("operationId"))] = Op(str(node.get("operationId")), method, path, node)
    return ops


def escape(token: str) -> str:
    """Escape one JSON-pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer_get(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.lstrip("/").split("/") if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def deref(node: Any, document: Mapping[str, Any] | None = None) -> Any:
    """Follow local ``$ref`` s until a node without one."""
    document = document if document is not None else load_spec()
    while isinstance(node, Mapping) and "$ref" in node:
        node = pointer_get(document, str(node["$ref"]).removeprefix("#"))
    return node


def response_pointer(op_id: str, status: int | str) -> str:
    """JSON pointer of the response ``status`` of ``op_id`` (through a ``$ref`` to components)."""
    op = operations()[op_id]
    response = op.node["responses"][str(status)]
    if "$ref" in response:
        return str(response["$ref"]).removeprefix("#")
    return f"{op.pointer}/responses/{status}"


def response_schema_pointer(op_id: str, status: int | str) -> str:
    return f"{response_pointer(op_id, status)}/content/{escape(JSON)}/schema"


def request_schema_pointer(op_id: str) -> str:
    return f"{operations()[op_id].pointer}/requestBody/content/{escape(JSON)}/schema"


# -- validation ---------------------------------------------------------------------------------------


_API_UUID = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _is_api_uuid(value: object) -> bool:
    """The API's ``UUID`` format: 32 hex digits, with or without the 8-4-4-4-12 dashes, any case."""
    if isinstance(value, str) and not _API_UUID.fullmatch(value):
        raise ValueError(f"{value!r} is not a 'UUID'")
    return True


def format_checker() -> FormatChecker:
    checker = FormatChecker()  # every format jsonschema knows (``uuid`` included) ...
    checker.checks("UUID", raises=ValueError)(_is_api_uuid)  # ... plus the API's own ``UUID``
    return checker


@functools.cache
def registry() -> Registry:
    resource = Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


@functools.cache
def validator(pointer: str) -> Draft202012Validator:
    """A validator for the schema at ``pointer`` of the spec, with format checking."""
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry(), format_checker=format_checker()
    )


def errors(pointer: str, instance: Any) -> list[ValidationError]:
    return sorted(validator(pointer).iter_errors(instance), key=lambda e: list(e.absolute_path))


def location(error: ValidationError) -> str:
    """Dotted instance path of an error (``""`` for the body itself)."""
    return ".".join(str(part) for part in error.absolute_path)


def describe(found: list[ValidationError]) -> str:
    return "; ".join(f"{location(e) or '<body>'}: [{e.validator}] {e.message}" for e in found)


# -- walking ------------------------------------------------------------------------------------------

EXAMPLE_KEYS = frozenset({"example", "examples"})
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_ONE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
)


def walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every node of the document with its path, skipping example values (they are data, not spec)."""
    yield path, node
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in EXAMPLE_KEYS and (not path or path[-1] != "properties"):
                continue
            yield from walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, str(index)))


def _subschemas(schema: Mapping[str, Any], path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    for key in _SUBSCHEMA_MAPS:
        for name, sub in (schema.get(key) or {}).items():
            yield (*path, key, name), sub
    for key in _SUBSCHEMA_LISTS:
        for index, sub in enumerate(schema.get(key) or []):
            yield (*path, key, str(index)), sub
    for key in _SUBSCHEMA_ONE:
        if isinstance(schema.get(key), Mapping):
            yield (*path, key), schema[key]


def iter_schemas(document: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every schema position of the document (components and inline), refs not followed."""
    roots: list[tuple[tuple[str, ...], Any]] = [
        (("components", "schemas", name), schema)
        for name, schema in document.get("components", {}).get("schemas", {}).items()
    ]
    for path, node in walk(document):
        if "schemas" in path[:2]:
            continue
        if isinstance(node, Mapping) and "schema" in node and path[-1:] != ("properties",):
            roots.append(((*path, "schema"), node["schema"]))
    pending = list(roots)
    while pending:
        path, schema = pending.pop()
        yield path, schema
        if isinstance(schema, Mapping):
            pending.extend(_subschemas(schema, path))


def closed_objects(schema: Any, path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every object schema reachable from ``schema`` (refs followed), with a readable location."""
    seen: set[int] = set()
    pending: list[tuple[str, Any]] = [(path, schema)]
    while pending:
        where, node = pending.pop()
        node = deref(node)
        if not isinstance(node, Mapping) or id(node) in seen:
            continue
        seen.add(id(node))
        types = node.get("type")
        if types == "object" or (isinstance(types, list) and "object" in types) or "properties" in node:
            yield where, node
        for sub_path, sub in _subschemas(node, ()):
            pending.append((f"{where}/{'/'.join(sub_path)}", sub))


# -- placeholders of the derived samples -----------------------------------------------------------------

PLACEHOLDER = re.compile(r"<[^<>]*>")


def fill_placeholders(value: Any, key: str | None = None) -> Any:
    """Replace ``"<...>"`` placeholders: ids by a UUID, the project id by 32 hex, name parts by digits."""
    if isinstance(value, dict):
        return {k: fill_placeholders(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(v, key) for v in value]
    if isinstance(value, str) and PLACEHOLDER.search(value):
        if PLACEHOLDER.fullmatch(value):
            if key == "project_id":
                return SOME_PROJECT
            if key is not None and key.endswith("_id"):
                return SOME_UUID
            raise AssertionError(f"no rule to fill the placeholder {value!r} of {key!r}")
        return PLACEHOLDER.sub("4211", value)
    return value


def has_placeholder(value: Any) -> bool:
    if isinstance(value, dict):
        return any(has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(has_placeholder(v) for v in value)
    return isinstance(value, str) and bool(PLACEHOLDER.search(value))
