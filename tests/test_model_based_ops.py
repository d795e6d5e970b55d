"""The reference model of ``test_model_based.py``: objects, lifecycles and the outcome of every operation.

Pure Python, no HTTP: the state machine asks it what a call must answer (``None`` for success, or the
exact ``(status, message)`` of the refusal) before sending the call, then tells it what the call
changed. It holds no test of its own.

Statuses follow :data:`TABLES` (the documented transition tables, kept apart from the fake's): a phase
settles on the first read of the object in ``reads`` mode, and when the clock reaches ``begun +
duration`` in ``time`` mode (the clock is frozen there, so the model keeps its own count of seconds).
Which looks count as reads is the API's documented behaviour: a ``GET`` or a list of the object, and
the update or delete of the object itself; the datastore behind a call and the objects named in a
body are only looked at (DESIGN.md, ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Step:
    """One row of a transition table: while in progress show ``pending``, then become ``outcome``."""

    pending: str
    outcome: str
    seconds: float


def _table(create: float, update: float, delete: float, resize: float | None = None) -> dict[str, Step]:
    rows = {
        "create": Step("PENDING_CREATE", "ACTIVE", create),
        "update": Step("PENDING_UPDATE", "ACTIVE", update),
        "delete": Step("PENDING_DELETE", "GONE", delete),
    }
    if resize is not None:
        rows["resize"] = Step("RESIZING", "ACTIVE", resize)
    return rows


#: The documented transition tables of ``time`` mode (seconds per kind and action). The model keeps its
#: own copy rather than importing the fake's ``TABLES``: a wrong duration there must be caught here.
TABLES: dict[str, dict[str, Step]] = {
    "datastore": _table(create=300, update=60, delete=120, resize=600),
    "database": _table(create=5, update=5, delete=5),
    "user": _table(create=5, update=5, delete=5),
    "grant": _table(create=5, update=5, delete=5),
    "extension": _table(create=10, update=10, delete=10),
    "logical_replication_slot": _table(create=5, update=5, delete=5),
    "topic": _table(create=10, update=10, delete=10),
    "acl": _table(create=5, update=5, delete=5),
}

#: What a list or a ``GET`` shows of an object once its delete completed: nothing (404).
GONE = "GONE"
#: kind -> (collection path, body wrapper, entity word of the API's messages).
KINDS: dict[str, tuple[str, str, str]] = {
    "datastore": ("datastores", "datastore", "datastore"),
    "user": ("users", "user", "user"),
    "database": ("databases", "database", "database"),
    "topic": ("topics", "topic", "topic"),
    "grant": ("grants", "grant", "grant"),
    "extension": ("extensions", "extension", "extension"),
    "logical_replication_slot": (
        "logical-replication-slots",
        "logical-replication-slot",
        "logicalreplicationslot",
    ),
    "acl": ("acls", "acl", "acl"),
}
CHILD_KINDS = tuple(kind for kind in KINDS if kind != "datastore")
#: The kinds a datastore of each engine may hold.
ENGINE_KINDS = {
    "postgresql": ("user", "database", "grant", "extension", "logical_replication_slot"),
    "kafka": ("user", "topic", "acl"),
}
#: Kinds with an update call, and the kinds named by reference in other objects' bodies.
UPDATABLE = ("user", "database", "topic", "acl")
#: Which kinds go when an object of a kind is deleted, and through which of their fields (DECISIONS 16).
CASCADES = {
    "database": (("grant", "database_id"), ("extension", "database_id"), ("logical_replication_slot",
                                                                           "database_id")),
    "user": (("grant", "user_id"), ("acl", "user_id")),
}  # fmt: skip
#: Available extensions used by the model and what each needs installed first.
EXTENSION_DEPENDENCIES = {"hstore": (), "cube": (), "earthdistance": ("cube",)}
READ_OR_WRITE = "Validation failure: At least one of these fields (allow_read, allow_write) must be true"

Outcome = tuple[int, str] | None


@dataclass
class Obj:
    """One object the model expects the fake to hold, with its lifecycle phase."""

    kind: str
    id: str
    project: int
    datastore_id: str
    #: The fields a list shows and the model predicts (``disk`` stands for ``flavor.disk``).
    shown: dict[str, Any]
    engine: str = ""
    status: str = "PENDING_CREATE"
    action: str | None = "create"
    due: float = 0.0
    #: For databases: when the owner was last assigned (the fake reports the first owned database).
    owner_order: int = 0

    @property
    def entity(self) -> str:
        return KINDS[self.kind][2]


@dataclass
class Model:
    """Every object of both projects, the lifecycle mode and the seconds the frozen clock advanced."""

    mode: str = "reads"
    clock: float = 0.0
    objs: dict[str, Obj] = field(default_factory=dict)
    #: Per object id: the actions begun on it, in order (``create`` first).
    started: dict[str, list[str]] = field(default_factory=dict)
    #: Per object id: the statuses seen, each with how many phases had been begun when seen.
    seen: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    counter: int = 0

    # -- lifecycle ----------------------------------------------------------------------------------

    def add(self, obj: Obj) -> Obj:
        """A new object in ``PENDING_CREATE``."""
        self.counter += 1
        obj.owner_order = self.counter
        obj.due = self.clock + TABLES[obj.kind]["create"].seconds
        self.objs[obj.id] = obj
        self.started[obj.id] = ["create"]
        return obj

    def begin(self, obj: Obj, action: str) -> str:
        """Start ``action`` on ``obj``; returns the pending status the call must answer."""
        step = TABLES[obj.kind][action]
        obj.action, obj.status, obj.due = action, step.pending, self.clock + step.seconds
        self.started[obj.id].append(action)
        return step.pending

    def peek(self, obj: Obj, read: bool) -> str:
        """The status the fake shows now; a read settles the phase in ``reads`` mode."""
        if obj.action is not None and (self.clock >= obj.due if self.mode == "time" else read):
            outcome = TABLES[obj.kind][obj.action].outcome
            obj.status, obj.action = ("ACTIVE" if outcome == "ACTIVE" else GONE), None
            if obj.status == GONE:
                del self.objs[obj.id]
        return obj.status

    def status(self, object_id: str, read: bool) -> str:
        """:meth:`peek` by id; ``GONE`` for an object the model no longer holds."""
        obj = self.objs.get(object_id)
        return GONE if obj is None else self.peek(obj, read)

    def observe(self, obj: Obj, shown: str) -> None:
        """Record a status the fake showed and check it follows the transition table from the last one.

        Independent of the exact prediction: only what the model *started* is used. A status repeats or
        settles into the outcome of the phase in progress; a new status otherwise is the pending status
        (or outcome) of an action begun since; ``PENDING_CREATE`` never comes back; nothing follows GONE.
        """
        actions = self.started[obj.id]
        history = self.seen.setdefault(obj.id, [])
        current = (shown, len(actions))
        step = TABLES[obj.kind][actions[-1]]
        outcome = "ACTIVE" if step.outcome == "ACTIVE" else GONE
        if history:
            before, begun = history[-1]
            assert before != GONE, (obj.kind, obj.id, history, current)
            if begun == len(actions):
                assert shown == before or (before, shown) == (step.pending, outcome), (
                    obj.kind,
                    history,
                    shown,
                )
            else:
                assert begun < len(actions), (obj.kind, history, current)
                assert shown in (step.pending, outcome), (obj.kind, history, actions, shown)
        else:
            assert shown in (step.pending, outcome), (obj.kind, actions, shown)
        assert shown != "PENDING_CREATE" or len(actions) == 1, (obj.kind, actions, shown)
        history.append(current)

    def advance(self, seconds: float) -> None:
        self.clock += seconds

    # -- queries ----------------------------------------------------------------------------------------

    def of(self, project: int, kind: str, datastore_id: str | None = None) -> list[Obj]:
        """The objects of ``kind`` of a project (of one datastore when given), oldest first."""
        return [
            o
            for o in list(self.objs.values())
            if o.kind == kind and o.project == project and datastore_id in (None, o.datastore_id)
        ]

    def live(self, project: int, kind: str, **match: Any) -> list[Obj]:
        """Objects whose shown fields match, not gone (the fake's non-read look, as its indexes do)."""
        found = [
            o
            for o in self.of(project, kind)
            if all((o.datastore_id if k == "datastore_id" else o.shown.get(k)) == v for k, v in match.items())
        ]
        return [o for o in found if self.peek(o, read=False) != GONE]

    def count(self, project: int, kind: str, datastore_id: str) -> int:
        """``databases_count`` / ``topics_count``: objects not yet gone, being deleted included."""
        return len(self.live(project, kind, datastore_id=datastore_id))

    def cascade(self, project: int, kind: str, object_id: str) -> list[Obj]:
        """Drop what goes with the object at once (DECISIONS 16); returns what went."""
        if kind == "datastore":
            gone = [o for o in self.objs.values() if o.kind != "datastore" and o.datastore_id == object_id]
        else:
            gone = [
                o
                for child_kind, ref in CASCADES.get(kind, ())
                for o in self.of(project, child_kind)
                if o.shown[ref] == object_id
            ]
        for obj in gone:  # a delete that completes at once
            del self.objs[obj.id]
            self.started[obj.id].append("delete")
            obj.status, obj.action = GONE, None
        return gone

    # -- outcomes of the calls (each check in the order the API makes them) ------------------------------

    def datastore_problem(self, project: int, datastore_id: str) -> Outcome:
        """The datastore a call uses or changes: 404 once gone, 409 unless ACTIVE (not a read)."""
        obj = self.objs.get(datastore_id)
        if obj is None or obj.project != project or self.peek(obj, read=False) == GONE:
            return 404, f"datastore {datastore_id} not found."
        if obj.status != "ACTIVE":
            return 409, f"datastore {datastore_id} is not ACTIVE (status: {obj.status})."
        return None

    def reference_problem(self, project: int, kind: str, object_id: str, datastore_id: str) -> Outcome:
        """An object named in a body: exists (404), is not being deleted (409), same datastore (400)."""
        entity = KINDS[kind][2]
        obj = self.objs.get(object_id)
        if obj is None or obj.project != project or self.peek(obj, read=False) == GONE:
            return 404, f"{entity} {object_id} not found."
        if obj.status == "PENDING_DELETE":
            return 409, f"{entity} {object_id} is being deleted."
        if obj.datastore_id != datastore_id:
            return (
                400,
                f"Validation failure: {entity} {object_id} does not belong to datastore {datastore_id}",
            )
        return None

    def name_problem(self, project: int, kind: str, datastore_id: str, name: str) -> Outcome:
        if self.live(project, kind, datastore_id=datastore_id, name=name):
            return 409, f"{KINDS[kind][2]} with name '{name}' already exists in datastore {datastore_id}."
        return None

    def create_problem(
        self, project: int, kind: str, fields: dict[str, Any], names: dict[str, str]
    ) -> Outcome:
        """What ``POST /<kind>s`` must answer; ``names`` maps available extension ids to names."""
        ds = fields["datastore_id"]
        if kind == "acl" and not (fields["allow_read"] or fields["allow_write"]):
            return 400, READ_OR_WRITE
        problem = self.datastore_problem(project, ds)
        if problem:
            return problem
        if kind == "database":
            return self.reference_problem(project, "user", fields["owner_id"], ds) or self.name_problem(
                project, kind, ds, fields["name"]
            )
        if kind in ("user", "topic"):
            return self.name_problem(project, kind, ds, fields["name"])
        if kind == "acl":
            problem = self.reference_problem(project, "user", fields["user_id"], ds)
            pattern_type, pattern = fields["pattern_type"], fields.get("pattern")
            if problem is None and self.live(
                project, "acl", user_id=fields["user_id"], pattern_type=pattern_type, pattern=pattern
            ):
                user = fields["user_id"]
                with_pattern = "" if pattern is None else f" and pattern '{pattern}'"
                text = f"acl for user {user} with pattern_type '{pattern_type}'{with_pattern} already exists."
                return 409, text
            return problem
        database = fields["database_id"]
        problem = self.reference_problem(project, "database", database, ds)
        if problem:
            return problem
        if kind == "logical_replication_slot":
            return self.name_problem(project, kind, ds, fields["name"])
        if kind == "grant":
            user = fields["user_id"]
            problem = self.reference_problem(project, "user", user, ds)
            if problem is None and self.live(project, "grant", user_id=user, database_id=database):
                return 409, f"grant for user {user} on database {database} already exists."
            return problem
        name = names[fields["available_extension_id"]]
        present = self.live(project, "extension", database_id=database)
        usable = {names[e.shown["available_extension_id"]] for e in present if e.status != "PENDING_DELETE"}
        for dependency in EXTENSION_DEPENDENCIES[name]:
            if dependency not in usable:
                return 400, (
                    f"Validation failure: extension {name} requires extension {dependency}"
                    f" to be installed in database {database} first"
                )
        if any(e.shown["available_extension_id"] == fields["available_extension_id"] for e in present):
            return 409, f"extension with name '{name}' already exists in database {database}."
        return None

    def mutable_problem(self, project: int, obj: Obj) -> Outcome:
        """An update or delete of a child: it is read (404 once gone), its own phase is over (409), its
        datastore is ACTIVE (409)."""
        if obj.project != project or self.peek(obj, read=True) == GONE:
            return 404, f"{obj.entity} {obj.id} not found."
        if obj.action is not None:
            return 409, f"{obj.entity} {obj.id} is not ACTIVE (status: {obj.status})."
        return self.datastore_problem(project, obj.datastore_id)

    def update_problem(self, project: int, obj: Obj, fields: dict[str, Any]) -> Outcome:
        """What ``PUT /<kind>s/{id}`` must answer."""
        if obj.kind == "acl" and fields.get("allow_read") is False and fields.get("allow_write") is False:
            return 400, READ_OR_WRITE
        problem = self.mutable_problem(project, obj)
        if problem:
            return problem
        if obj.kind == "database":
            return self.reference_problem(project, "user", fields["owner_id"], obj.datastore_id)
        if obj.kind == "topic" and fields["partitions"] < obj.shown["partitions"]:
            had, got = obj.shown["partitions"], fields["partitions"]
            return 400, f"Validation failure: partitions can only be increased: topic has {had}, got {got}"
        return None

    def delete_problem(self, project: int, obj: Obj, names: dict[str, str]) -> Outcome:
        """What ``DELETE /<kind>s/{id}`` must answer."""
        problem = self.mutable_problem(project, obj)
        if problem:
            return problem
        if obj.kind == "user":
            owned = [
                db for db in self.live(project, "database", owner_id=obj.id) if db.status != "PENDING_DELETE"
            ]
            if owned:
                first = min(owned, key=lambda db: db.owner_order)
                return 409, f"user {obj.id} owns database {first.id}."
        if obj.kind == "extension":
            name = names[obj.shown["available_extension_id"]]
            for other in self.live(project, "extension", database_id=obj.shown["database_id"]):
                other_name = names[other.shown["available_extension_id"]]
                if (
                    other is not obj
                    and other.status != "PENDING_DELETE"
                    and name in EXTENSION_DEPENDENCIES[other_name]
                ):
                    return 409, (
                        f"extension {name} is required by extension {other_name}"
                        f" in database {obj.shown['database_id']}."
                    )
        return None

    def datastore_name_problem(self, project: int, name: str, itself: str | None = None) -> Outcome:
        """409 when a datastore of the project not (soft-)deleted has the name (a rename keeps its own)."""
        for obj in self.of(project, "datastore"):
            if obj.id != itself and obj.shown["name"] == name and self.peek(obj, read=False) != GONE:
                return 409, f"datastore with name '{name}' already exists."
        return None

    def datastore_update_problem(self, project: int, obj: Obj, op: str, fields: dict[str, Any]) -> Outcome:
        """What rename, resize and config update of a datastore must answer."""
        problem = self.datastore_problem(project, obj.id)
        if problem:
            return problem
        if op == "rename" and fields["name"] != obj.shown["name"]:
            return self.datastore_name_problem(project, fields["name"], obj.id)
        if op == "resize":
            nodes = fields.get("node_count", obj.shown["node_count"])
            if obj.engine == "kafka" and nodes != 1:
                return 400, f"Validation failure: node_count for engine kafka must be exactly 1, got {nodes}"
            disk = fields.get("disk", {}).get("size", obj.shown["disk"])
            if disk < obj.shown["disk"]:
                return 400, (
                    f"Validation failure: disk cannot shrink: {disk} GB is less than the current"
                    f" {obj.shown['disk']} GB"
                )
        return None

    def datastore_delete_problem(self, project: int, obj: Obj) -> Outcome:
        """A datastore delete: 404 once gone, 409 while any phase is in progress."""
        if obj.project != project or self.peek(obj, read=False) == GONE:
            return 404, f"datastore {obj.id} not found."
        if obj.action is not None:
            return 409, f"datastore {obj.id} is not ACTIVE (status: {obj.status})."
        return None
