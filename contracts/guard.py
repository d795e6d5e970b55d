"""The safety guard every request of a run passes through (the ``before_call``/``after_call`` hooks).

Before a call:

- read-only runs refuse anything but ``GET`` (:class:`SafetyViolation`);
- a mutating request may touch only objects the run created: a path id or an owning reference in the
  body (``datastore_id``, ``database_id``, ``user_id``, ``owner_id``, ``instance_id``) that is a UUID
  the ledger does not hold is replaced by a fresh random UUID, so the request still goes out and must
  be answered 404, but cannot reach someone else's object;
- caps: a datastore create beyond ``--max-datastores`` live datastores gets an unknown ``type_id``
  (generated requests; the kit's own requests raise instead); generated creates and resizes are
  clamped to ``--max-nodes`` and to the smallest flavor;
- generated names get the run's prefix (``ct-<run id>-``, or ``ct_<run id>_`` where hyphens are not
  allowed) whenever the name is valid, so whatever is created can be found by ``sweep``;
- in the stateful phase a positive datastore create is replaced by a small valid one (a type of the
  catalogue, one node, the smallest flavor), so that the links have something to chain from.

After a call: a successful create is recorded in the ledger, with the scope (scenario) that made it;
the instances of the run's datastores are remembered as the run's too (floating IPs act on them).
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from .api import SafetyViolation
from .catalogue import Catalogue
from .checks import parse_json
from .kinds import child_name_prefix
from .spec import OperationInfo, SpecIndex
from .stateful import ScopeFixtures

if TYPE_CHECKING:
    from schemathesis import Case, Response

    from .integration import RunContext

__all__ = ["OWNED_REFERENCES", "Guard", "SafetyViolation"]

_UUID_RE: Final = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
#: Body fields naming an object the request acts on or inside (DECISIONS 10).
OWNED_REFERENCES: Final = frozenset({"datastore_id", "database_id", "user_id", "owner_id", "instance_id"})
_STATEFUL_ENGINES: Final = ("postgresql", "mysql", "redis", "kafka")
#: Methods that cannot change anything.
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def _name_rule(spec: SpecIndex, op: OperationInfo) -> tuple[re.Pattern[str] | None, int, int] | None:
    """(pattern, min length, max length) of the ``name`` in the operation's request object, if any."""
    if op.request_wrapper is None:
        return None
    node: Any = spec.raw_operation(op).get("requestBody", {})
    for key in (
        "content",
        "application/json",
        "schema",
        "properties",
        op.request_wrapper,
        "properties",
        "name",
    ):
        while isinstance(node, Mapping) and "$ref" in node:
            node = spec.pointer(str(node["$ref"]))
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    while isinstance(node, Mapping) and "$ref" in node:
        node = spec.pointer(str(node["$ref"]))
    pattern = node.get("pattern")
    return (
        re.compile(pattern) if isinstance(pattern, str) else None,
        int(node.get("minLength", 1)),
        int(node.get("maxLength", 255)),
    )


def _walk_references(node: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """(containing object, key) of every owning reference in a body."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in OWNED_REFERENCES:
                yield node, key
            yield from _walk_references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_references(item)


class Guard:
    """Applies the run's safety rules to its requests and records what they create."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
        self.options = context.options
        self.catalogue = Catalogue(context.api)
        self.prefix = self.options.run_prefix
        self._counter = itertools.count(1)
        self._engines = itertools.cycle(_STATEFUL_ENGINES)
        self._lock = threading.RLock()
        self.neutralised = 0
        #: Engine of each datastore the run created (for the stateful fixtures).
        self.engines: dict[str, str] = {}
        self.fixtures = ScopeFixtures(self)
        self.rules = {op_id: _name_rule(context.spec, op) for op_id, op in context.spec.operations.items()}

    # -- before -------------------------------------------------------------------------------------

    def before_call(self, case: Case[Any], kwargs: dict[str, Any]) -> None:
        """Make ``case`` safe to send (in place), or refuse it."""
        from .integration import operation_of

        method = str(case.method).upper()
        if method in _SAFE_METHODS:
            return
        if not self.options.allow_writes:
            raise SafetyViolation(f"{method} {case.path}: not a GET in a read-only run (use --allow-writes)")
        op = operation_of(self.context, case)
        if op is None:
            return
        # The kit's own requests (scenarios, waiters, teardown) go through Api.call; everything else was
        # generated by schemathesis (stateful steps built from links carry no metadata).
        generated = not self.context.api.in_call()
        with self._lock:
            if generated and self._stateful_positive(case):
                self.fixtures.prepare(op, case)
            self._own_path(op, case)
            if isinstance(case.body, dict) and method == op.method:
                self._own_references(case.body)
                if op.operation_id == "create_datastore":
                    self._datastore_create(case, generated)
                elif op.operation_id == "resize_datastore" and generated:
                    self._clamp(case.body.get("resize"))
                if generated:
                    self._prefix_name(op, case.body)

    def _stateful_positive(self, case: Case[Any]) -> bool:
        """A positive request of a stateful scenario."""
        meta = case.meta
        positive = meta is None or meta.generation.mode.is_positive
        return positive and (self.context.scope or "").startswith("stateful")

    def _fresh(self) -> str:
        self.neutralised += 1
        return str(uuid.uuid4())

    def _foreign(self, value: Any) -> bool:
        return (
            isinstance(value, str) and bool(_UUID_RE.fullmatch(value)) and not self.context.ledger.owns(value)
        )

    def _own_path(self, op: OperationInfo, case: Case[Any]) -> None:
        for name in op.path_params:
            if self._foreign((case.path_parameters or {}).get(name)):
                case.path_parameters[name] = self._fresh()

    def _own_references(self, body: dict[str, Any]) -> None:
        for holder, key in _walk_references(body):
            if self._foreign(holder[key]):
                holder[key] = self._fresh()

    def _datastore_create(self, case: Case[Any], generated: bool) -> None:
        body: Any = case.body
        live = len(self.context.ledger.live(kind="datastore"))
        datastore = body.get("datastore")
        if not isinstance(datastore, dict):
            return
        if live >= self.options.max_datastores:
            if not generated:
                raise SafetyViolation(
                    f"create_datastore: {live} datastores alive, the cap is {self.options.max_datastores}"
                )
            datastore["type_id"] = self._fresh()
            return
        if not generated:
            return
        if self._stateful_positive(case):
            template = self._template()
            if template is not None:
                body.clear()
                body["datastore"] = template
                return
        self._clamp(datastore)

    def _clamp(self, target: Any) -> None:
        """Keep a generated create/resize small: ``--max-nodes`` and the smallest flavor."""
        if not isinstance(target, dict):
            return
        count = target.get("node_count")
        if isinstance(count, int) and not isinstance(count, bool) and count > self.options.max_nodes:
            target["node_count"] = self.options.max_nodes
        flavor = target.get("flavor")
        smallest = self.catalogue.smallest(
            target.get("type_id") if isinstance(target.get("type_id"), str) else None
        )
        if isinstance(flavor, dict) and smallest is not None:
            for key, limit in (("vcpus", smallest.vcpus), ("ram", smallest.ram), ("disk", smallest.disk)):
                value = flavor.get(key)
                if isinstance(value, int) and not isinstance(value, bool) and value > limit:
                    flavor[key] = limit
        flavor_id = target.get("flavor_id")
        if isinstance(flavor_id, str):
            known = self.catalogue.by_id(flavor_id)
            if known is not None:
                small = min(
                    (f for f in self.catalogue.flavors if f.type_ids & known.type_ids or not known.type_ids),
                    key=lambda f: f.size,
                    default=known,
                )
                target["flavor_id"] = small.id
        disk = target.get("disk")
        if isinstance(disk, dict) and smallest is not None:
            size = disk.get("size")
            if isinstance(size, int) and not isinstance(size, bool) and size > smallest.disk:
                disk["size"] = smallest.disk
        ips = target.get("floating_ips")
        if isinstance(ips, dict):
            for key in ("master", "replica"):
                if isinstance(ips.get(key), int) and not isinstance(ips.get(key), bool) and ips[key] > 0:
                    ips[key] = 0

    def _template(self, engine: str | None = None) -> dict[str, Any] | None:
        """A small, valid datastore create (of ``engine``, else of the engines in turn)."""
        for _ in _STATEFUL_ENGINES:
            engine = engine or next(self._engines)
            kind = self.catalogue.type_for(engine)
            if kind is None:
                continue
            flavor = self.catalogue.smallest(str(kind["id"]))
            if flavor is None:
                continue
            datastore: dict[str, Any] = {
                "name": f"{self.prefix}sf-{next(self._counter)}",
                "type_id": kind["id"],
                "subnet_id": self.options.subnet_id,
                "node_count": 1,
            }
            if engine == "redis":
                datastore["flavor_id"] = flavor.id
                datastore["redis_password"] = secrets.token_urlsafe(18)
            else:
                datastore["flavor"] = {"vcpus": flavor.vcpus, "ram": flavor.ram, "disk": flavor.disk}
            return datastore
        return None

    def engine_of_create(self, body: Any) -> str | None:
        """The engine of the type a datastore create names."""
        datastore = body.get("datastore") if isinstance(body, dict) else None
        type_id = datastore.get("type_id") if isinstance(datastore, dict) else None
        return self.catalogue.engine_of(type_id) if isinstance(type_id, str) else None

    def _prefix_name(self, op: OperationInfo, body: dict[str, Any]) -> None:
        rule = self.rules.get(op.operation_id)
        inner = body.get(op.request_wrapper or "")
        if rule is None or not isinstance(inner, dict) or not isinstance(inner.get("name"), str):
            return
        name: str = inner["name"]
        if not self._valid(name, rule):
            return  # negative data: left as generated (it must be refused)
        for prefix in (self.prefix, child_name_prefix(self.prefix)):
            if name.startswith(prefix):
                return
            candidate = (prefix + name)[: rule[2]]
            if self._valid(candidate, rule):
                inner["name"] = candidate
                return

    @staticmethod
    def _valid(name: str, rule: tuple[re.Pattern[str] | None, int, int]) -> bool:
        pattern, low, high = rule
        return low <= len(name) <= high and (pattern is None or pattern.search(name) is not None)

    # -- after --------------------------------------------------------------------------------------

    def after_call(self, case: Case[Any], response: Response) -> None:
        """Record what a successful call created."""
        from .integration import operation_of

        op = operation_of(self.context, case)
        if op is None or not 200 <= response.status_code < 300 or op.response_wrapper is None:
            return
        body = parse_json(response.content)
        if not isinstance(body, dict):
            return
        inner = body.get(op.response_wrapper)
        ledger = self.context.ledger
        if op.is_create and op.kind is not None and op.kind.creatable and isinstance(inner, dict):
            object_id = inner.get("id")
            if isinstance(object_id, str) and object_id:
                if op.kind.name == "datastore":
                    engine = self.catalogue.engine_of(str(inner.get("type_id")))
                    if engine is not None:
                        self.engines[object_id] = engine
                datastore_id = inner.get("datastore_id") if op.kind.name != "datastore" else None
                ledger.add(
                    op.kind.name,
                    object_id,
                    name=inner.get("name") if isinstance(inner.get("name"), str) else None,
                    datastore_id=datastore_id if isinstance(datastore_id, str) else None,
                    operation=op.operation_id,
                    scope=self.context.scope,
                )
        datastores = inner if isinstance(inner, list) else [inner]
        if op.response_wrapper in ("datastore", "datastores"):
            for datastore in datastores:
                if isinstance(datastore, dict) and ledger.owns(str(datastore.get("id"))):
                    instances = datastore.get("instances") or []
                    ledger.add_parts(
                        str(datastore["id"]),
                        [str(i["id"]) for i in instances if isinstance(i, dict) and "id" in i],
                    )
