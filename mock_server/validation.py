"""Request and response validation compiled once from the OpenAPI document.

Every schema the spec uses is resolved (``$ref`` inlined from ``components``) and compiled into one
``jsonschema_rs`` validator per request body, query parameter and documented response when a
validator is built, so the per-request success path is ``json.loads`` plus one ``is_valid`` call.

Only a body that fails takes the slow path: Python ``jsonschema`` iterates the errors over the same
resolved schema and each error is worded here in the older ``jsonschema`` (< 4.20) wording the real
API uses (``DECISIONS.md`` 8, ``BEHAVIOUR.md`` §3.3): ``'' is too short``, ``'x' is not a 'UUID'``,
``0 is less than the minimum of 1``... keyed by the error's path joined with ``.`` (``body`` for the
root), one entry per key, rendered by :func:`~mock_server.errors.validation_failure`.

Of the ``format`` keywords only the API's custom ``UUID`` (32 hex digits, dashed or not) and the standard
``uuid`` (dashed) are checked; the others are annotations (the API's timestamps carry no zone, so
``date-time`` would reject them).
"""

from __future__ import annotations

import json
import math
import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl

import jsonschema  # no stubs in the dependency set
import jsonschema_rs
from jsonschema.exceptions import relevance

from .errors import ApiError, validation_failure
from .spec import ApiSpec, Operation

__all__ = [
    "JSON_REQUIRED_MESSAGE",
    "RequestValidator",
    "ResponseValidator",
    "is_uuid",
]

_DASHED_UUID_RE: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_UUID_RE: Final = re.compile(f"[0-9a-fA-F]{{32}}|{_DASHED_UUID_RE.pattern}")

#: The 415 text for a body sent with another media type.
JSON_REQUIRED_MESSAGE: Final = "Unsupported Content-Type '{}': send application/json."

_INVALID_JSON: Final = {"body": "Invalid JSON"}
_BODY_REQUIRED: Final = {"body": "Request body is required"}
_ROOT_KEY: Final = "body"

#: Longest ``repr`` of a value quoted whole in a message; longer ones are abridged.
_REPR_LIMIT: Final = 1024
#: Longest library-worded message kept whole.
_MESSAGE_LIMIT: Final = 2048
#: Most problems :meth:`ResponseValidator.problems` lists for one body.
_PROBLEM_LIMIT: Final = 20

_INTEGER_RE: Final = re.compile(r"[+-]?[0-9]+")
_NUMBER_RE: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_BOOLEANS: Final = {"true": True, "false": False}

# Schema keywords whose value is a schema, a list of schemas, or a map of names to schemas.
_SUBSCHEMA: Final = frozenset(
    {
        "additionalItems",
        "additionalProperties",
        "contains",
        "else",
        "if",
        "items",
        "not",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_SUBSCHEMA_LIST: Final = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SUBSCHEMA_MAP: Final = frozenset(
    {"$defs", "definitions", "dependentSchemas", "patternProperties", "properties"}
)
# Keywords next to a ``$ref`` that only annotate: the reference is inlined in their place.
_ANNOTATIONS: Final = frozenset(
    {
        "$comment",
        "deprecated",
        "description",
        "example",
        "examples",
        "externalDocs",
        "readOnly",
        "summary",
        "title",
        "writeOnly",
        "xml",
    }
)


def is_uuid(value: object) -> bool:
    """The API's ``UUID`` format: 32 hex digits, with or without the 8-4-4-4-12 dashes, any case.

    Values that are not strings pass (``format`` only applies to strings).
    """
    return not isinstance(value, str) or _UUID_RE.fullmatch(value) is not None


#: The ``format`` names that are checked, by the regular expression a value must match in full;
#: every other ``format`` is an annotation only.
_CHECKED_FORMATS: Final[Mapping[str, re.Pattern[str]]] = {"UUID": _UUID_RE, "uuid": _DASHED_UUID_RE}


def _format_function(regex: re.Pattern[str]) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        return not isinstance(value, str) or regex.fullmatch(value) is not None

    return check


# -- resolving the document's schemas --------------------------------------------------------------------


class _Resolver:
    """Inlines the document's local ``$ref``s into self-contained schemas, memoised per reference.

    A reference met again while it is being inlined (a recursive schema) is left as a ``$ref``; the
    schema that holds one then carries the inlined targets at their pointers so that it still resolves.
    """

    def __init__(self, spec: ApiSpec) -> None:
        self._spec = spec
        self._done: dict[str, Any] = {}
        self._active: set[str] = set()
        self._tainted: set[str] = set()  # references whose inlined form keeps a ``$ref``
        self.recursive = False

    def schema(self, node: Any) -> Any:
        """``node`` with every ``$ref`` inlined and only the checked ``format``s kept."""
        self.recursive = False
        resolved = self._walk(node)
        if self.recursive and isinstance(resolved, dict):
            resolved = {**self._targets(), **resolved}
        return resolved

    def _targets(self) -> dict[str, Any]:
        """The inlined references placed at their pointers (``components`` -> ``schemas`` -> ...)."""
        root: dict[str, Any] = {}
        containers = {id(root)}  # the dicts built here; a target below another target is left to it
        for ref, resolved in sorted(self._done.items(), key=lambda item: item[0].count("/")):
            parts = [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
            node: Any = root
            for part in parts[:-1]:
                if part not in node:
                    node[part] = {}
                    containers.add(id(node[part]))
                node = node[part]
                if id(node) not in containers:
                    break
            else:
                node.setdefault(parts[-1], resolved)
        return root

    def _walk(self, node: Any) -> Any:
        if isinstance(node, list):  # a list of schemas
            return [self._walk(item) for item in node]
        if not isinstance(node, Mapping):
            return node
        if "$ref" in node:
            ref = str(node["$ref"])
            target = self._ref(ref)
            siblings = {k: v for k, v in node.items() if k != "$ref" and k not in _ANNOTATIONS}
            if not siblings:
                return target
            keywords = self._keywords(siblings)
            return {**keywords, "allOf": [target, *keywords.get("allOf", [])]}
        return self._keywords(node)

    def _keywords(self, node: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "format" and value not in _CHECKED_FORMATS:
                continue
            if key in _SUBSCHEMA or key in _SUBSCHEMA_LIST:
                out[key] = self._walk(value)
            elif key in _SUBSCHEMA_MAP and isinstance(value, Mapping):
                out[key] = {name: self._walk(sub) for name, sub in value.items()}
            else:
                out[key] = value
        return out

    def _ref(self, ref: str) -> Any:
        if ref in self._done:
            self.recursive = self.recursive or ref in self._tainted
            return self._done[ref]
        if ref in self._active or not ref.startswith("#/"):
            self.recursive = True
            return {"$ref": ref}
        outer, self.recursive = self.recursive, False
        self._active.add(ref)
        try:
            resolved = self._walk(self._spec.pointer(ref))
        finally:
            self._active.discard(ref)
        if self.recursive:
            self._tainted.add(ref)
        self.recursive = self.recursive or outer
        self._done[ref] = resolved
        return resolved


def _rust_validator(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """``schema`` compiled by ``jsonschema_rs``, its ``format: UUID`` checked as a pattern.

    The custom format stays registered for the ``$ref``s a recursive schema keeps.
    """
    formats = {name: _format_function(regex) for name, regex in _CHECKED_FORMATS.items()}
    return jsonschema_rs.Draft202012Validator(
        _formats_as_patterns(schema, {}), formats=formats, validate_formats=True
    )


def _formats_as_patterns(node: Any, memo: dict[int, tuple[Any, Any]]) -> Any:
    """A copy of the resolved schema ``node`` with each checked ``format`` turned into a pattern."""
    if isinstance(node, list):
        return [_formats_as_patterns(item, memo) for item in node]
    if not isinstance(node, dict):
        return node
    seen = memo.get(id(node))
    if seen is not None:
        return seen[1]
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SUBSCHEMA or key in _SUBSCHEMA_LIST:
            out[key] = _formats_as_patterns(value, memo)
        elif key in _SUBSCHEMA_MAP and isinstance(value, dict):
            out[key] = {name: _formats_as_patterns(sub, memo) for name, sub in value.items()}
        elif key != "format" or value not in _CHECKED_FORMATS:
            out[key] = value
    declared = node.get("format")
    regex = _CHECKED_FORMATS.get(declared) if isinstance(declared, str) else None
    if regex is not None:
        pattern = f"^(?:{regex.pattern})$"
        if "pattern" in out:
            out["allOf"] = [*out.get("allOf", []), {"pattern": pattern}]
        else:
            out["pattern"] = pattern
    memo[id(node)] = (node, out)  # the node is kept alive so that its id is not reused
    return out


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    for name, regex in _CHECKED_FORMATS.items():
        checker.checks(name)(_format_function(regex))
    return checker


@dataclass(frozen=True, slots=True)
class _Compiled:
    """One resolved schema, compiled for the fast check and for the worded slow path."""

    schema: Any
    fast: jsonschema_rs.Validator
    slow: jsonschema.protocols.Validator

    @classmethod
    def build(cls, schema: Any, checker: jsonschema.FormatChecker) -> _Compiled:
        fast = _rust_validator(schema)
        slow = jsonschema.Draft202012Validator(schema, format_checker=checker)
        return cls(schema, fast, slow)

    def problems(self, instance: Any) -> dict[str, str]:
        """The worded problems of ``instance``, one per key (``{}`` when it is valid).

        Should the Python library fail on a value (it divides huge integers by float ``multipleOf``s,
        recurses per nesting level), the compiled validator's own messages stand in; should both
        fail, the body is answered as invalid JSON.
        """
        try:
            by_key: dict[str, list[jsonschema.ValidationError]] = {}
            for error in self.slow.iter_errors(instance):
                by_key.setdefault(_key(error), []).append(error)
            return {key: _secret_safe(key, max(errors, key=relevance)) for key, errors in by_key.items()}
        except (RecursionError, OverflowError, ValueError, TypeError):
            pass
        try:
            found: dict[str, str] = {}
            for fast_error in self.fast.iter_errors(instance):
                key = ".".join(str(part) for part in fast_error.instance_path) or _ROOT_KEY
                found.setdefault(key, _HIDDEN_MESSAGE if _is_secret(key) else fast_error.message)
        except (RecursionError, OverflowError, ValueError, TypeError):
            found = {}
        return found or dict(_INVALID_JSON)


# -- wording ---------------------------------------------------------------------------------------------


def _abridged(value: Any) -> str:
    """``reprlib``'s abridged ``repr``: a few levels, elements and characters of each."""
    short = reprlib.Repr()
    short.maxlevel = 4
    short.maxstring = short.maxother = short.maxlong = 200
    short.maxlist = short.maxtuple = short.maxdict = short.maxset = 20
    return short.repr(value)


def _repr(value: Any) -> str:
    """Python ``repr`` of ``value``, abridged (``reprlib``) when it is long or too deep to print."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        text = ""
    if text and len(text) <= _REPR_LIMIT:
        return text
    try:
        return _abridged(value)
    except (RecursionError, ValueError):
        return "..."


#: Fields whose value is a secret: never echoed in an error message (DECISIONS 6).
_SECRET_FIELDS = frozenset({"password", "redis_password"})
_HIDDEN_MESSAGE = "the value is invalid (not shown: it is a secret)"


def _is_secret(key: str) -> bool:
    return key.rsplit(".", 1)[-1] in _SECRET_FIELDS


def _secret_safe(key: str, error: jsonschema.ValidationError) -> str:
    """``error`` worded, with the value replaced by ``'***'`` when the field is a password."""
    message = _word(error)
    if not _is_secret(key) or error.instance == "":
        return message
    shown = _repr(error.instance)
    return message.replace(shown, "'***'") if shown in message else _HIDDEN_MESSAGE


def _key(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or _ROOT_KEY


def _word(error: jsonschema.ValidationError) -> str:
    """``error`` in the API's (older ``jsonschema``) wording."""
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword in ("minLength", "minItems"):
        return f"{_repr(instance)} is too short"
    if keyword in ("maxLength", "maxItems"):
        return f"{_repr(instance)} is too long"
    if keyword == "pattern":
        return f"{_repr(instance)} does not match {expected!r}"
    if keyword == "format":
        return f"{_repr(instance)} is not a {expected!r}"
    if keyword == "minimum":
        return f"{_repr(instance)} is less than the minimum of {expected!r}"
    if keyword == "maximum":
        return f"{_repr(instance)} is greater than the maximum of {expected!r}"
    if keyword == "exclusiveMinimum":
        return f"{_repr(instance)} is less than or equal to the minimum of {expected!r}"
    if keyword == "exclusiveMaximum":
        return f"{_repr(instance)} is greater than or equal to the maximum of {expected!r}"
    if keyword == "enum":
        return f"{_repr(instance)} is not one of {expected!r}"
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        return f"{_repr(instance)} is not of type {', '.join(repr(t) for t in types)}"
    if keyword == "uniqueItems":
        return f"{_repr(instance)} has non-unique elements"
    if keyword == "const":
        return f"{expected!r} was expected"
    if keyword == "additionalProperties" and isinstance(instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        if "patternProperties" not in schema:
            known = schema.get("properties", {})
            extras = [name for name in instance if name not in known]
            verb = "was" if len(extras) == 1 else "were"
            listed = ", ".join(_repr(name) for name in extras)
            return f"Additional properties are not allowed ({listed} {verb} unexpected)"
    message = str(error.message)  # required, oneOf, anyOf, not, ...: the library's own words
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 3] + "..."


# -- requests --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _QuerySpec:
    """One declared query parameter: how to convert it and the compiled schema of the result."""

    name: str
    kind: str
    explode: bool
    required: bool
    compiled: _Compiled | None


@dataclass(frozen=True, slots=True)
class _BodySpec:
    """An operation's request body: required or not, and its compiled schema (``None``: any JSON)."""

    required: bool
    object_root: bool
    compiled: _Compiled | None


def _json_media(content: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for media_type, media in content.items():
        if _is_json(media_type):
            return media if isinstance(media, Mapping) else {}
    return None


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or ("/" in media_type and media_type.endswith("+json"))


def _types(schema: Any) -> list[str]:
    declared = schema.get("type") if isinstance(schema, Mapping) else None
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [str(t) for t in declared]
    return []


def _reject_nonfinite(constant: str) -> Any:
    raise ValueError(f"not JSON: {constant}")


def _parse_float(text: str) -> float | int:
    """A JSON number with a fraction or exponent.

    An integral one (``1.0``) becomes an ``int``: JSON Schema counts it as an integer, so it passes
    ``type: integer`` and must not reach the models as a float. One that overflows (``1e400``) is
    refused like ``Infinity``.
    """
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"not JSON: {text}")
    return int(value) if value.is_integer() else value


class RequestValidator:
    """Parses and checks the query and body of a request against the operation's spec.

    Everything is resolved and compiled in the constructor; :meth:`parse_body` on a valid body costs
    one ``json.loads`` and one compiled ``is_valid`` call.
    """

    def __init__(self, spec: ApiSpec) -> None:
        """Resolve and compile the body and query schemas of every operation of ``spec``."""
        self.spec = spec
        # One decoder, built once: ``json.loads`` with an option builds a new one per call.
        self._decoder = json.JSONDecoder(parse_constant=_reject_nonfinite, parse_float=_parse_float)
        resolver = _Resolver(spec)
        checker = _format_checker()
        self._bodies: dict[str, _BodySpec] = {}
        self._queries: dict[str, tuple[_QuerySpec, ...]] = {}
        for op_id, op in spec.operations.items():
            raw = spec.deref(spec.document["paths"][op.path][op.method.lower()])
            self._queries[op_id] = tuple(
                self._query_spec(param.name, param.schema, resolver, checker) for param in op.query.values()
            )
            if "requestBody" in raw:
                self._bodies[op_id] = self._body_spec(spec.deref(raw["requestBody"]), resolver, checker)
        #: Operations with a required query parameter (an empty query string needs a look).
        self._required_query = frozenset(
            op_id for op_id, params in self._queries.items() if any(p.required for p in params)
        )

    def _query_spec(
        self, name: str, declared: Mapping[str, Any], resolver: _Resolver, checker: jsonschema.FormatChecker
    ) -> _QuerySpec:
        param = self.spec.deref(declared)
        # ``QueryParam.schema`` holds the parameter object; accept a bare schema too.
        is_parameter = isinstance(param, Mapping) and ("in" in param or "name" in param)
        raw_schema = param.get("schema", {}) if is_parameter else param
        schema = resolver.schema(raw_schema)
        types = [t for t in _types(schema) if t != "null"]
        kind = types[0] if types else "string"
        explode = bool(param.get("explode", param.get("style", "form") == "form")) if is_parameter else True
        required = bool(param.get("required", False)) if is_parameter else False
        compiled = _Compiled.build(schema, checker) if isinstance(schema, dict) and schema else None
        return _QuerySpec(name, kind, explode, required, compiled)

    @staticmethod
    def _body_spec(
        body: Mapping[str, Any], resolver: _Resolver, checker: jsonschema.FormatChecker
    ) -> _BodySpec:
        media = _json_media(body.get("content", {}))
        schema = resolver.schema(media.get("schema")) if media is not None else None
        compiled = _Compiled.build(schema, checker) if isinstance(schema, dict) and schema else None
        types = _types(schema)
        return _BodySpec(bool(body.get("required")), not types or "object" in types, compiled)

    # -- query ---------------------------------------------------------------------------------------------

    def parse_query(self, op: Operation, raw_query: bytes | str) -> dict[str, Any]:
        """The operation's declared query parameters, converted by type; unknown ones are ignored.

        Booleans are ``true``/``false`` (any case), integers decimal; a repeated parameter keeps its
        last value (an exploded array keeps them all). Raises a 400 ``Validation failure`` naming the
        parameter on a bad value.
        """
        declared = self._queries.get(op.operation_id, ())
        if not raw_query and op.operation_id not in self._required_query:
            return {}
        text = raw_query.decode("latin-1") if isinstance(raw_query, bytes) else raw_query
        values: dict[str, list[str]] = {}
        for name, value in parse_qsl(text, keep_blank_values=True):
            values.setdefault(name, []).append(value)
        result: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for param in declared:
            given = values.get(param.name)
            if given is None:
                if param.required:
                    problems[param.name] = f"{param.name!r} is a required property"
                continue
            try:
                value = self._convert(param, given)
            except _BadValue as bad:
                problems[param.name] = bad.message
                continue
            if param.compiled is not None and not param.compiled.fast.is_valid(value):
                worded = param.compiled.problems(value)
                if worded:
                    problems[param.name] = next(iter(worded.values()))
                    continue
            result[param.name] = value
        if problems:
            raise validation_failure(problems)
        return result

    @staticmethod
    def _convert(param: _QuerySpec, given: list[str]) -> Any:
        if param.kind == "array":
            items = given if param.explode else given[-1].split(",")
            return list(items)
        return _scalar(param.kind, given[-1])

    # -- body ----------------------------------------------------------------------------------------------

    def parse_body(self, op: Operation, body: bytes, content_type: str | None) -> Any:
        """The decoded and checked JSON body of a request to ``op`` (``None`` when it takes none).

        Raises 415 for a body that is not declared as JSON, 400 ``{'body': 'Invalid JSON'}`` for one
        that does not parse, and a 400 ``Validation failure`` in the API's wording when it breaks the
        operation's schema.
        """
        spec = self._bodies.get(op.operation_id)
        if spec is None:
            return None  # the operation takes no body: whatever was sent is ignored
        if not body:
            if spec.required:
                raise validation_failure(_BODY_REQUIRED)
            return None
        if content_type and not _is_json(content_type):
            raise ApiError(415, JSON_REQUIRED_MESSAGE.format(content_type))
        value = _decode(self._decoder, body)
        if spec.object_root and not isinstance(value, dict):
            raise validation_failure({_ROOT_KEY: f"{_repr(value)} is not of type 'object'"})
        compiled = spec.compiled
        if compiled is None:
            return value
        try:
            if compiled.fast.is_valid(value):
                return value
        except UnicodeEncodeError:  # a lone surrogate escape: not a Unicode string
            raise validation_failure(_INVALID_JSON) from None
        except (ValueError, OverflowError, TypeError):
            pass  # the compiled check could not take the value: let the slow path decide
        problems = compiled.problems(value)
        if problems:
            raise validation_failure(problems)
        return value


class _BadValue(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _scalar(kind: str, raw: str) -> Any:
    """A query value converted to the declared JSON type, or :class:`_BadValue` worded as jsonschema."""
    if kind == "boolean":
        flag = _BOOLEANS.get(raw.lower())
        if flag is None:
            raise _BadValue(f"{raw!r} is not of type 'boolean'")
        return flag
    if kind == "integer":
        if _INTEGER_RE.fullmatch(raw):
            try:
                return int(raw)
            except ValueError:  # longer than int() converts
                pass
        raise _BadValue(f"{_repr(raw)} is not of type 'integer'")
    if kind == "number":
        if _NUMBER_RE.fullmatch(raw):
            try:
                number = int(raw) if _INTEGER_RE.fullmatch(raw) else float(raw)
            except ValueError:
                number = math.nan
            if not isinstance(number, float) or math.isfinite(number):
                return number
        raise _BadValue(f"{_repr(raw)} is not of type 'number'")
    return raw


def _decode(decoder: json.JSONDecoder, body: bytes) -> Any:
    """``body`` parsed as strict JSON, or a 400 ``Invalid JSON``.

    Strict: UTF-8, no ``NaN``/``Infinity``, no ``\\u`` escape of a lone surrogate (not a character:
    it could not be answered back), nesting within the interpreter's recursion limit.
    """
    try:
        text = body.decode("utf-8")
        value = decoder.decode(text)
        if "\\u" in text:  # rare: only escapes can smuggle in a lone surrogate
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # Unicode errors and JSONDecodeError are ValueErrors
        raise validation_failure(_INVALID_JSON) from None
    return value


# -- responses -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ResponseSpec:
    """One documented response: whether it has a JSON body, and its compiled schema."""

    has_body: bool
    compiled: jsonschema_rs.Validator | None


class ResponseValidator:
    """Checks the fake's responses against the spec: status documented, body matching its schema."""

    def __init__(self, spec: ApiSpec) -> None:
        """Resolve and compile the schema of every documented response of every operation."""
        self.spec = spec
        resolver = _Resolver(spec)
        self._responses: dict[str, dict[str, _ResponseSpec]] = {}
        for op_id, op in spec.operations.items():
            raw = spec.deref(spec.document["paths"][op.path][op.method.lower()])
            table: dict[str, _ResponseSpec] = {}
            for code, response in raw.get("responses", {}).items():
                table[str(code).upper()] = self._response(spec.deref(response), resolver)
            self._responses[op_id] = table

    @staticmethod
    def _response(response: Mapping[str, Any], resolver: _Resolver) -> _ResponseSpec:
        content = response.get("content") or {}
        if not content:
            return _ResponseSpec(False, None)
        media = _json_media(content)
        schema = resolver.schema(media.get("schema")) if media is not None else None
        if not isinstance(schema, dict) or not schema:
            return _ResponseSpec(True, None)
        return _ResponseSpec(True, _rust_validator(schema))

    def problems(self, operation_id: str, status: int, body: Any) -> list[str]:
        """What is wrong with answering ``status`` and ``body`` to ``operation_id`` (``[]``: nothing).

        ``body`` is the decoded JSON, ``None`` for an empty body.
        """
        prefix = f"{status} {operation_id}"
        table = self._responses.get(operation_id)
        if table is None:
            return [f"{prefix}: unknown operation"]
        documented = table.get(str(status)) or table.get(f"{str(status)[0]}XX") or table.get("DEFAULT")
        if documented is None:
            return [f"{prefix}: status not documented (documented: {', '.join(sorted(table))})"]
        if not documented.has_body:
            return [] if body is None else [f"{prefix}: the response has a body; the spec documents none"]
        if body is None:
            return [f"{prefix}: the response has no body; the spec documents one"]
        if documented.compiled is None:
            return []
        try:
            if documented.compiled.is_valid(body):
                return []
            errors: Iterable[jsonschema_rs.ValidationError] = documented.compiled.iter_errors(body)
            found = [
                f"{prefix}: {'.'.join(str(p) for p in error.instance_path) or '(root)'}: {error.message}"
                for error in errors
            ]
        except (ValueError, TypeError, OverflowError) as exc:
            return [f"{prefix}: the body could not be checked: {exc}"]
        if len(found) > _PROBLEM_LIMIT:
            found = [*found[:_PROBLEM_LIMIT], f"{prefix}: ... and {len(found) - _PROBLEM_LIMIT} more"]
        return found
