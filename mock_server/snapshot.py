"""The whole state of a fake as one JSON document, and back.

:func:`take` walks the backend from outside: every model's tables (records are dataclasses: their
fields, lifecycle phase included, are written field by field), the plain data models keep beside
their tables, the id generator's position (so ids made after a restore never collide with restored
ones), the lifecycle settings, the outcomes queued by faults, the registered tokens and the clock.
:func:`restore` rebuilds a backend from such a document: every object comes back with its status and
the phase in progress, and list order is kept.

Nothing secret is written: a field whose name mentions a password is left out unless it is a salted
hash (``password_hash``). Tokens registered through the control API are written (they are the fake's
configuration, and a restored fake must accept them).

The document::

    {"format": "dbaas-mock/state", "version": 1, "now": "...", "frozen": false,
     "lifecycle": {...}, "forced_outcomes": {...}, "tokens": [...],
     "objects": {"<model>.<attr>": {"class": "module:Class", "records": [...]}},
     "data": {"<model>.<attr>": <value>}}

Values are JSON with a few tagged forms: ``{"$dt": iso}``, ``{"$dc": "module:Class", "f": {...}}``,
``{"$ref": n}`` (a record written before), ``{"$tuple": [...]}``, ``{"$set": [...]}``,
``{"$map": [[k, v], ...]}``, ``{"$enum": "module:Class", "v": value}``, ``{"$rng": state}``.
Only classes of the ``mock_server`` package are ever rebuilt.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import itertools
import random
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import Clock, parse_ts
from .errors import ApiError, validation_failure
from .lifecycle import TABLES, Mode
from .store import Record, Table

if TYPE_CHECKING:
    from .backend import Backend
    from .config import MockConfig

__all__ = ["FORMAT", "VERSION", "count_objects", "restore", "take"]

FORMAT = "dbaas-mock/state"
VERSION = 1

_PACKAGE = "mock_server"
_TAGS = frozenset({"$dt", "$ref", "$dc", "$enum", "$tuple", "$set", "$map", "$rng"})
_SKIPPED_ATTRS = frozenset({"backend"})
_SCALARS = (str, int, float, bool, type(None))
#: Record fields the position in the list stands for (the table renumbers them on insert).
_POSITIONAL = frozenset({"order"})


class _Unencodable(Exception):
    """A value the snapshot does not carry (a callable, a compiled validator...)."""


def _secret_field(name: str) -> bool:
    lowered = name.lower()
    return "password" in lowered and not lowered.endswith("_hash")


def _class_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _load_class(path: Any) -> type:
    if not isinstance(path, str) or ":" not in path:
        raise validation_failure({"snapshot": f"{path!r} is not a class path"})
    module_name, _, qualname = path.partition(":")
    if module_name != _PACKAGE and not module_name.startswith(_PACKAGE + "."):
        raise validation_failure({"snapshot": f"class {path!r} is outside the {_PACKAGE} package"})
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError):
        raise validation_failure({"snapshot": f"unknown class {path!r}"}) from None
    if not isinstance(target, type) or not (
        dataclasses.is_dataclass(target) or issubclass(target, enum.Enum)
    ):
        raise validation_failure({"snapshot": f"{path!r} is not a dataclass or an enum"})
    return target


class _Encoder:
    """Values to tagged JSON; records seen before become ``{"$ref": n}``."""

    def __init__(self) -> None:
        self.refs: dict[int, int] = {}
        self.counter = itertools.count(1)

    def record(self, obj: Record) -> dict[str, Any]:
        """A record's fields (secrets left out); the record gets a reference number."""
        self.refs[id(obj)] = next(self.counter)
        return {
            f.name: self.value(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not _secret_field(f.name) and f.name not in _POSITIONAL
        }

    def value(self, value: Any) -> Any:
        if isinstance(value, enum.Enum):
            return {"$enum": _class_path(type(value)), "v": self.value(value.value)}
        if isinstance(value, _SCALARS):
            return value
        if isinstance(value, datetime):
            return {"$dt": value.isoformat()}
        if isinstance(value, Record) and id(value) in self.refs:
            return {"$ref": self.refs[id(value)]}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            if not type(value).__module__.startswith(_PACKAGE):
                raise _Unencodable(type(value).__name__)
            fields = {}
            if isinstance(value, Record):
                fields = self.record(value)
            else:
                fields = {
                    f.name: self.value(getattr(value, f.name))
                    for f in dataclasses.fields(value)
                    if not _secret_field(f.name)
                }
            out: dict[str, Any] = {"$dc": _class_path(type(value)), "f": fields}
            if isinstance(value, Record):
                out["$id"] = self.refs[id(value)]
            return out
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, tuple):
            return {"$tuple": [self.value(v) for v in value]}
        if isinstance(value, set | frozenset):
            return {"$set": [self.value(v) for v in sorted(value, key=repr)]}
        if isinstance(value, dict):
            if all(isinstance(k, str) and not k.startswith("$") for k in value):
                return {k: self.value(v) for k, v in value.items() if not _secret_field(k)}
            return {"$map": [[self.value(k), self.value(v)] for k, v in value.items()]}
        if isinstance(value, random.Random):
            version, state, gauss = value.getstate()
            return {"$rng": [version, list(state), gauss]}
        raise _Unencodable(type(value).__name__)


class _Decoder:
    """Tagged JSON back to values; ``$ref`` resolves to the record rebuilt earlier."""

    def __init__(self) -> None:
        self.refs: dict[int, Any] = {}

    def build(self, cls: type, fields: Mapping[str, Any], ref: int | None) -> Any:
        if not isinstance(fields, Mapping):
            raise validation_failure({"snapshot": f"fields of {cls.__name__} must be an object"})
        known = {f.name: f for f in dataclasses.fields(cls)}
        values = {k: self.value(v) for k, v in fields.items() if k in known}
        init = {k: v for k, v in values.items() if known[k].init}
        try:
            obj = cls(**init)
        except TypeError as exc:
            raise validation_failure({"snapshot": f"cannot rebuild {cls.__name__}: {exc}"}) from None
        for name, value in values.items():
            if not known[name].init:
                object.__setattr__(obj, name, value)
        if ref is not None:
            self.refs[ref] = obj
        return obj

    def value(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if not isinstance(value, dict):
            return value
        if _TAGS.intersection(value):
            return self._tagged(value)
        return {k: self.value(v) for k, v in value.items()}

    def _tagged(self, value: Mapping[str, Any]) -> Any:
        if "$dt" in value:
            try:
                return parse_ts(str(value["$dt"]))
            except ValueError:
                raise validation_failure({"snapshot": f"{value['$dt']!r} is not a timestamp"}) from None
        if "$ref" in value:
            ref = value["$ref"]
            if ref not in self.refs:
                raise validation_failure({"snapshot": f"reference {ref!r} to an unknown record"})
            return self.refs[ref]
        if "$dc" in value:
            return self.build(_load_class(value["$dc"]), value.get("f", {}), value.get("$id"))
        if "$enum" in value:
            cls = _load_class(value["$enum"])
            try:
                return cls(self.value(value.get("v")))
            except ValueError:
                raise validation_failure(
                    {"snapshot": f"{value.get('v')!r} is not a {cls.__name__}"}
                ) from None
        if "$tuple" in value:
            return tuple(self.value(v) for v in value["$tuple"])
        if "$set" in value:
            return {self.value(v) for v in value["$set"]}
        if "$map" in value:
            return {self._key(k): self.value(v) for k, v in value["$map"]}
        if "$rng" in value:
            version, state, gauss = value["$rng"]
            rng = random.Random()
            rng.setstate((version, tuple(state), gauss))
            return rng
        raise validation_failure({"snapshot": f"unknown tag in {sorted(value)!r}"})

    def _key(self, key: Any) -> Any:
        decoded = self.value(key)
        return tuple(decoded) if isinstance(decoded, list) else decoded


# -- walking the backend ------------------------------------------------------------------------------


def _holders(backend: Backend) -> Iterator[tuple[str, Any]]:
    """The objects whose attributes hold state: the id generator and every model."""
    yield "ids", backend.ids
    for name, value in vars(backend).items():
        if getattr(value, "backend", None) is backend:
            yield name, value


def _attrs(holder: Any) -> Iterator[tuple[str, Any]]:
    names: list[str] = list(vars(holder)) if hasattr(holder, "__dict__") else []
    for cls in type(holder).__mro__:
        names.extend(n for n in getattr(cls, "__slots__", ()) if n not in names)
    for name in names:
        if name in _SKIPPED_ATTRS or name.startswith("__"):
            continue
        try:
            yield name, getattr(holder, name)
        except AttributeError:
            continue


def _tables(backend: Backend) -> Iterator[tuple[str, Table[Any]]]:
    """Every table once (a model may expose one table under two names)."""
    seen: set[int] = set()
    for holder_name, holder in _holders(backend):
        for name, value in _attrs(holder):
            if isinstance(value, Table) and id(value) not in seen:
                seen.add(id(value))
                yield f"{holder_name}.{name}", value


def count_objects(backend: Backend) -> dict[str, int]:
    """How many objects each table holds, by ``<model>.<attr>``."""
    return {key: len(table) for key, table in _tables(backend)}


def take(backend: Backend) -> dict[str, Any]:
    """The state of ``backend`` as a JSON-ready document (call it under the app's lock)."""
    encoder = _Encoder()
    objects: dict[str, Any] = {}
    for key, table in _tables(backend):
        records = sorted(table.all(), key=lambda r: r.order)
        classes = {_class_path(type(r)) for r in records}
        objects[key] = {
            "kind": table.kind,
            "classes": sorted(classes),
            "records": [encoder.value(r) for r in records],
        }
    data: dict[str, Any] = {}
    for holder_name, holder in _holders(backend):
        for name, value in _attrs(holder):
            if isinstance(value, Table) or (callable(value) and not isinstance(value, random.Random)):
                continue
            try:
                data[f"{holder_name}.{name}"] = encoder.value(value)
            except _Unencodable:
                continue
    settings = backend.engine.settings
    clock = backend.clock
    return {
        "format": FORMAT,
        "version": VERSION,
        "now": clock.now().isoformat(),
        "frozen": clock.frozen,
        "lifecycle": {
            "mode": settings.mode.value,
            "reads": settings.reads,
            "kinds": {k: m.value for k, m in settings.kind_modes.items()},
            "durations": {k: dict(v) for k, v in settings.durations.items()},
        },
        "forced_outcomes": {k: list(v) for k, v in backend.engine.forced_outcomes.items() if v},
        "tokens": [
            {"token": p.token, "project_id": p.project_id, "admin": p.admin}
            for p in backend.auth.registered()
        ],
        "objects": objects,
        "data": data,
    }


def _check_header(document: Any) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise validation_failure({"body": f"{document!r:.80} is not of type 'object'"})
    if document.get("format") != FORMAT:
        raise validation_failure({"format": f"{document.get('format')!r} is not {FORMAT!r}"})
    if document.get("version") != VERSION:
        raise validation_failure({"version": f"{document.get('version')!r} is not a supported version"})
    for key in ("objects", "data", "lifecycle", "forced_outcomes"):
        if not isinstance(document.get(key, {}), Mapping):
            raise validation_failure({key: "must be an object"})
    if not isinstance(document.get("tokens", []), list):
        raise validation_failure({"tokens": "must be a list"})
    return document


def restore(document: Any, config: MockConfig) -> Backend:
    """A new backend of ``config`` holding the state in ``document``.

    Its clock is a new one at the document's time (frozen if it was). A document that does not fit
    raises a 400 :class:`ApiError`; the caller swaps the new backend in only when all went well.
    """
    from .backend import Backend

    doc = _check_header(document)
    try:
        now = parse_ts(str(doc["now"]))
    except (KeyError, ValueError):
        raise validation_failure({"now": f"{doc.get('now')!r} is not a timestamp"}) from None
    decoder = _Decoder()
    tables: dict[str, list[Any]] = {}
    for key, dump in doc.get("objects", {}).items():
        if not isinstance(dump, Mapping) or not isinstance(dump.get("records"), list):
            raise validation_failure({f"objects.{key}": "must hold a list of records"})
        tables[key] = [decoder.value(item) for item in dump["records"]]
        if not all(isinstance(r, Record) for r in tables[key]):
            raise validation_failure({f"objects.{key}": "holds something that is not a record"})
    data = {key: decoder.value(value) for key, value in doc.get("data", {}).items()}
    lifecycle = doc.get("lifecycle", {})
    forced = doc.get("forced_outcomes", {})
    _check_lifecycle(lifecycle, forced)

    backend = Backend(config)
    backend.clock = Clock(now, frozen=bool(doc.get("frozen", False)))
    backend.reset()
    for token in doc.get("tokens", []):
        if not isinstance(token, Mapping) or not token.get("token"):
            raise validation_failure({"tokens": f"{token!r:.80} is not a token"})
        backend.auth.register(str(token["token"]), token.get("project_id"), admin=bool(token.get("admin")))
    live = dict(_tables(backend))
    for key, records in tables.items():
        table = live.get(key)
        if table is None:
            raise validation_failure({"objects": f"{key!r} is not a table of this fake"})
        for obj in list(table.all()):
            table.remove(obj)
        for record in records:
            table.insert(record)
    holders = dict(_holders(backend))
    for key, value in data.items():
        holder_name, _, attr = key.partition(".")
        holder = holders.get(holder_name)
        if holder is None or not attr:
            raise validation_failure({"data": f"{key!r} is not part of this fake"})
        setattr(holder, attr, value)
    settings = backend.engine.settings
    settings.mode = Mode(lifecycle.get("mode", settings.mode.value))
    settings.reads = int(lifecycle.get("reads", settings.reads))
    settings.kind_modes = {k: Mode(m) for k, m in lifecycle.get("kinds", {}).items()}
    settings.durations = {
        k: {a: float(s) for a, s in v.items()} for k, v in lifecycle.get("durations", {}).items()
    }
    backend.engine.forced_outcomes = {k: [str(o) for o in v] for k, v in forced.items()}
    return backend


def _check_lifecycle(lifecycle: Mapping[str, Any], forced: Mapping[str, Any]) -> None:
    try:
        Mode(lifecycle.get("mode", Mode.READS.value))
        for kind, mode in lifecycle.get("kinds", {}).items():
            if kind not in TABLES:
                raise ValueError(kind)
            Mode(mode)
        reads = lifecycle.get("reads", 1)
        if not isinstance(reads, int) or reads < 1:
            raise ValueError(reads)
        for kind, rows in lifecycle.get("durations", {}).items():
            if kind not in TABLES or not isinstance(rows, Mapping):
                raise ValueError(kind)
            for action, seconds in rows.items():
                if action not in TABLES[kind] or not isinstance(seconds, int | float):
                    raise ValueError(action)
        for kind, outcomes in forced.items():
            if kind not in TABLES or not isinstance(outcomes, list):
                raise ValueError(kind)
    except (ValueError, AttributeError, TypeError) as exc:
        raise ApiError(400, f"Validation failure: {{'lifecycle': 'bad setting {exc}'}}") from None
