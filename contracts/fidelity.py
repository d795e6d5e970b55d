"""The fidelity report: for each ``x-fidelity: inferred`` element the run exercised, did it hold?

Elements are operations, responses (a status of an operation, or a shared response component),
query parameters and schema nodes (a schema or one property). Every answered call is observed:

- an inferred operation holds when its answers have documented statuses and conforming bodies;
- an inferred response holds when an answer with its status conforms to its schema; an inferred success
  status (``204`` of the deletes) is violated by a success with another status;
- an inferred query parameter holds when a request carrying a valid value is accepted, and is violated
  when such a request is rejected with 400;
- an inferred response-schema node holds when the part of a body it describes conforms (or, for an
  optional property, is absent); an inferred request-schema node holds when a request using it is
  accepted, and is violated by a 400 naming it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .checks import NOT_JSON
from .spec import OperationInfo, SpecIndex

__all__ = ["Element", "FidelityTracker", "Observation"]

_LIST_SAMPLE: Final = 5


@dataclass(frozen=True, slots=True)
class Element:
    """One inferred element of the spec."""

    pointer: str
    kind: str
    reason: str


@dataclass(slots=True)
class Observation:
    """How often an element was exercised, held and was violated."""

    exercised: int = 0
    held: int = 0
    violated: int = 0
    example: str | None = None
    operations: set[str] = field(default_factory=set)


def _reason(node: Mapping[str, Any]) -> str:
    text = " ".join(str(node.get("description", "")).split())
    index = text.find("Inferred:")
    return text[index:] if index >= 0 else text or "marked x-fidelity: inferred"


def _inferred_nodes(node: Any, pointer: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        if node.get("x-fidelity") == "inferred":
            yield pointer, node
        for key, value in node.items():
            yield from _inferred_nodes(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _inferred_nodes(value, f"{pointer}/{index}")


class FidelityTracker:
    """Collects observations of inferred elements; thread-safe."""

    def __init__(self, spec: SpecIndex) -> None:
        self.spec = spec
        self.elements: dict[str, Element] = {}
        for pointer, node in _inferred_nodes(spec.document, "#"):
            parts = pointer.split("/")
            if parts[1] == "paths":
                kind = "response" if "responses" in parts else "operation"
            elif parts[2] == "responses":
                kind = "response"
            elif parts[2] == "parameters":
                kind = "parameter"
            else:
                kind = "schema"
            self.elements[pointer] = Element(pointer, kind, _reason(node))
        self.observations: dict[str, Observation] = {}
        self._lock = threading.Lock()

    # -- recording ----------------------------------------------------------------------------------

    def _record(self, pointer: str, op: OperationInfo, held: bool, example: str) -> None:
        with self._lock:
            seen = self.observations.setdefault(pointer, Observation())
            seen.exercised += 1
            seen.operations.add(op.operation_id)
            if held:
                seen.held += 1
            else:
                seen.violated += 1
                if seen.example is None:
                    seen.example = f"{op.operation_id}: {example}"[:400]

    def observe(
        self,
        op: OperationInfo,
        status: int,
        body: Any,
        *,
        query: Mapping[str, Any] | None = None,
        request_body: Any = None,
    ) -> None:
        """Account for one answered call."""
        problems = [] if body is NOT_JSON else self.spec.validate_response(op, status, body)
        if body is NOT_JSON:
            problems = ["the body is not JSON"]
        base = f"#/paths/{op.path.replace('~', '~0').replace('/', '~1')}/{op.method.lower()}"
        if base in self.elements:
            self._record(base, op, not problems, "; ".join(problems))
        found = self.spec.response_for(op, status)
        if found is not None and found[0] in self.elements:
            self._record(found[0], op, not problems, f"{status}: " + "; ".join(problems))
        if 200 <= status < 300:
            for code in op.statuses:
                pointer = f"{base}/responses/{code}"
                if code.startswith("2") and code != str(status) and pointer in self.elements:
                    self._record(pointer, op, False, f"answered {status} instead of {code}")
        self._observe_parameters(op, status, body, query or {})
        schema_pointer = self.spec.response_schema_pointer(op, status)
        if schema_pointer is not None and body is not NOT_JSON and body is not None:
            self._walk(op, schema_pointer, body)
        if request_body is not None and op.request_wrapper is not None:
            self._observe_request(op, base, status, body, request_body)

    def _observe_parameters(
        self, op: OperationInfo, status: int, body: Any, query: Mapping[str, Any]
    ) -> None:
        if not query or not (200 <= status < 300 or status == 400):
            return
        raw = self.spec.raw_operation(op)
        shared = self.spec.document["paths"][op.path].get("parameters", [])
        for param in [*shared, *raw.get("parameters", [])]:
            ref = param.get("$ref") if isinstance(param, Mapping) else None
            if ref not in self.elements:
                continue
            name = self.spec.pointer(ref).get("name")
            if name not in query:
                continue
            value = query[name]
            if isinstance(value, str) and value in ("true", "false"):
                value = value == "true"
            if self.spec.validate(f"{ref}/schema", value):
                continue  # an invalid value says nothing about the parameter
            message = _message(body)
            if status == 400 and f"'{name}'" not in message:
                continue  # refused for another parameter
            self._record(str(ref), op, status != 400, f"{name}={query[name]!r} rejected: {message}")

    def _observe_request(self, op: OperationInfo, base: str, status: int, body: Any, request: Any) -> None:
        if not (200 <= status < 300 or status == 400):
            return
        pointer = f"{base}/requestBody/content/application~1json/schema"
        if self.spec.validate(pointer, request):
            return  # negative data: its refusal says nothing about the inferred parts
        message = _message(body)
        for element, name in self._request_elements(pointer, request):
            if status == 400 and f".{name}" not in message and f"'{name}" not in message:
                continue  # a business rule refused it for another reason
            self._record(element, op, status != 400, f"rejected: {message}")

    def _request_elements(self, pointer: str, instance: Any, name: str = "") -> Iterator[tuple[str, str]]:
        node = self.spec.pointer(pointer)
        if isinstance(node, Mapping) and "$ref" in node:
            pointer = str(node["$ref"])
            node = self.spec.pointer(pointer)
        if not isinstance(node, Mapping) or not isinstance(instance, dict):
            return
        if pointer in self.elements:
            yield pointer, name
        for prop in node.get("properties", {}):
            if prop in instance:
                yield from self._request_elements(f"{pointer}/properties/{prop}", instance[prop], prop)

    def _walk(self, op: OperationInfo, pointer: str, instance: Any, depth: int = 0) -> None:
        if depth > 12:
            return
        node = self.spec.pointer(pointer)
        if not isinstance(node, Mapping):
            return
        if pointer in self.elements:
            problems = self.spec.validate(pointer, instance)
            self._record(pointer, op, not problems, "; ".join(problems))
        if "$ref" in node:
            self._walk(op, str(node["$ref"]), instance, depth + 1)
            return
        if isinstance(instance, dict):
            required = set(node.get("required", []))
            for prop in node.get("properties", {}):
                child = f"{pointer}/properties/{prop}"
                if prop in instance:
                    self._walk(op, child, instance[prop], depth + 1)
                elif child in self.elements:
                    self._record(child, op, prop not in required, f"required property {prop!r} is absent")
        elif isinstance(instance, list) and isinstance(node.get("items"), Mapping):
            for item in instance[:_LIST_SAMPLE]:
                self._walk(op, f"{pointer}/items", item, depth + 1)
        for keyword in ("oneOf", "anyOf"):
            for index, _ in enumerate(node.get(keyword, [])):
                branch = f"{pointer}/{keyword}/{index}"
                if not self.spec.validate(branch, instance):
                    self._walk(op, branch, instance, depth + 1)
                    break

    # -- reading ------------------------------------------------------------------------------------

    def report(self) -> list[tuple[Element, Observation]]:
        """Every exercised element with its observation, violated ones first."""
        with self._lock:
            rows = [(self.elements[p], o) for p, o in self.observations.items() if p in self.elements]
        return sorted(rows, key=lambda row: (row[1].violated == 0, row[0].kind, row[0].pointer))


def _message(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message", ""))
    return ""
