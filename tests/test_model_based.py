"""A model-based test: random sequences of calls against a fresh fake, checked against a small model.

Two tokens (two projects) create PostgreSQL and Kafka datastores and everything that lives in them
(users, databases, topics, grants, extensions, logical replication slots, ACLs), rename, resize and
configure datastores, update users, databases, topics and ACLs, delete any of them, advance the clock,
switch the lifecycle between ``reads`` and ``time`` (with a frozen clock) and reset.

The reference model (``test_model_based_ops.py``) predicts the exact answer of every call before it is
sent: success, or the status and message of a refusal (409 for a busy object or datastore, a duplicate,
a user owning a database, an extension needed by another; 400 and 404 where the rules say). Phases are
not settled by the rules: in ``time`` mode objects stay pending until the clock passes their duration,
and every status the fake shows (create/update answers, ``GET``s, lists) must be the predicted one and
follow the transition table from the last status seen. After each step, each project's lists must
equal the model field by field, name no object whose parent is gone, and the objects touched by the
step must answer 404 to the other token.
"""

from __future__ import annotations

import re
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, event, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from support import SUBNET_ID, ApiClient
from test_model_based_ops import (
    CHILD_KINDS,
    ENGINE_KINDS,
    EXTENSION_DEPENDENCIES,
    GONE,
    KINDS,
    UPDATABLE,
    Model,
    Obj,
    Outcome,
)

from mock_server import create_app
from mock_server.spec import load_spec
from mock_server.validation import ResponseValidator

settings.register_profile(
    "dbaas",
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
    derandomize=True,
)

VALIDATOR = ResponseValidator(load_spec())
TOKENS = ("model-token-a", "model-token-b")
NAMES = ("alpha", "beta", "gamma")
PASSWORD = "tf-acc-pass-1"
#: Config parameters (valid values only: value checks are test_datastore_operations.py's business).
CONFIG = {"postgresql": ("work_mem", (64, 128, None)), "kafka": ("log.retention.ms", (1000, 60000, None))}
#: ACL patterns: (pattern_type, pattern).
PATTERNS = (("literal", "orders"), ("prefixed", "logs."), ("all", None))
#: ACL permissions (read, write); both false is the 400, drawn least often (hypothesis favours the first).
PERMISSIONS = st.sampled_from([(True, True), (True, False), (False, True), (False, False)])
#: Clock steps: around the durations of the transition tables, so that boundaries are hit.
SECONDS = st.one_of(
    st.sampled_from([1, 4, 5, 9, 10, 59, 60, 119, 120, 299, 300, 600, 700]), st.integers(1, 900)
)
#: (parent field in a child's body, kind it names): the references the invariants follow.
REFERENCES = {
    "database": (("owner_id", "user"),),
    "grant": (("database_id", "database"), ("user_id", "user")),
    "extension": (("database_id", "database"),),
    "logical_replication_slot": (("database_id", "database"),),
    "acl": (("user_id", "user"),),
}


class DbaasModel(RuleBasedStateMachine):
    """Every rule and every mode: wide sequences over up to four datastores."""

    #: At most this many datastores (held by the model) at a time.
    max_datastores = 4
    #: Whether resets and mode switches may happen (they cut sequences short).
    churn = True
    #: Whether updates always wait for their phase (in ``time`` mode: its duration checked to the second).
    always_wait = False

    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(seed=0)
        self.clients = [ApiClient(self.app, token, VALIDATOR) for token in TOKENS]
        for client in self.clients:  # one event loop per client for the whole run: 3x faster calls
            client.http.__enter__()
        self.control = self.clients[0].http
        self.model = Model()
        self.type_ids = {e: self.clients[0].type_id(e) for e in ENGINE_KINDS}
        catalog = self.clients[0].get("/available-extensions").json()["available-extensions"]
        self.extension_ids = {e["name"]: e["id"] for e in catalog if e["name"] in EXTENSION_DEPENDENCIES}
        self.extension_names = {v: k for k, v in self.extension_ids.items()}
        #: Objects created or changed by the current step (the isolation invariant looks at them).
        self.touched: list[Obj] = []

    def teardown(self) -> None:
        for client in self.clients:
            client.http.__exit__(None, None, None)

    @initialize()
    def start(self) -> None:
        assert (
            self.control.post("/__mock__/clock/set", json={"now": "2030-01-01T00:00:00"}).status_code == 200
        )

    # -- helpers ----------------------------------------------------------------------------------------

    def expect(self, response: Any, problem: Outcome, success: int = 200) -> bool:
        """Assert the response is the predicted refusal, or ``success``; returns whether it succeeded."""
        if problem is None:
            assert response.status_code == success, response.text
            return True
        got = (response.status_code, response.json()["error"]["message"])
        assert got == problem, (got, problem)
        event(f"refused {problem[0]}: {re.sub('[0-9a-f-]{36}', '<id>', problem[1])}")
        return False

    def show(self, obj: Obj, shown: str) -> None:
        """A status the fake showed for ``obj``: check it against the model, then its transition table."""
        if obj.id in self.model.objs or shown != GONE:
            assert shown == obj.status, (obj.kind, obj.id, shown, obj.status, obj.action)
        self.model.observe(obj, shown)

    def look(self, obj: Obj) -> None:
        """``GET`` the object (a read) and check what it shows."""
        path, wrapper, entity = KINDS[obj.kind]
        expected = self.model.peek(obj, read=True) if obj.id in self.model.objs else GONE
        response = self.clients[obj.project].get(f"/{path}/{obj.id}")
        if expected == GONE:
            assert (response.status_code, response.json()["error"]["message"]) == (
                404,
                f"{entity} {obj.id} not found.",
            ), response.text
            self.show(obj, GONE)
        else:
            assert response.status_code == 200, response.text
            self.check_fields(obj, response.json()[wrapper])
            self.show(obj, response.json()[wrapper]["status"])

    def check_fields(self, obj: Obj, item: dict[str, Any]) -> None:
        got = {k: item["flavor"]["disk"] if k == "disk" else item[k] for k in obj.shown}
        assert got == obj.shown, (obj.kind, got, obj.shown)
        assert item["datastore_id" if obj.kind != "datastore" else "id"] == obj.datastore_id

    def advance(self, seconds: float) -> None:
        response = self.control.post("/__mock__/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text
        self.model.advance(seconds)

    def settle(self, obj: Obj) -> None:
        """Let the phase of ``obj`` end; in ``time`` mode it shows pending up to the last second."""
        if obj.action is None:
            return
        remaining = obj.due - self.model.clock
        if self.model.mode == "time" and remaining > 0:
            if remaining > 1:
                self.advance(remaining - 1)
                self.look(obj)
                assert obj.action is not None
            self.advance(min(remaining, 1))
        self.look(obj)
        assert obj.action is None

    def pick(self, data: st.DataObject, objs: list[Obj], label: str) -> Obj:
        return data.draw(st.sampled_from(objs), label=label)

    def objects(self, *kinds: str) -> list[Obj]:
        return [o for o in self.model.objs.values() if o.kind in kinds]

    def client_for(self, obj: Obj, foreign: bool) -> tuple[int, ApiClient]:
        """The owner's client, or the other token's (which must not see the object)."""
        project = 1 - obj.project if foreign else obj.project
        return project, self.clients[project]

    def create(
        self, project: int, kind: str, fields: dict[str, Any], engine: str = "", again: bool = True
    ) -> Obj | None:
        """``POST`` a new object; the model predicts the answer, and holds the object when made.

        A child made is sent again at once (``again``): duplicates are checked on every create, not only
        when a rare rule happens to pick a rare kind.
        """
        path, wrapper, _ = KINDS[kind]
        if kind == "datastore":
            problem = self.model.datastore_name_problem(project, fields["name"])
        else:
            problem = self.model.create_problem(project, kind, fields, self.extension_names)
        response = self.clients[project].post(f"/{path}", json={wrapper: fields})
        event(f"create {kind}: {response.status_code}")
        if not self.expect(response, problem):
            return None
        item = response.json()[wrapper]
        shown = {k: item["flavor"]["disk"] if k == "disk" else item[k] for k in self.shown_keys(kind)}
        ds = item["id"] if kind == "datastore" else fields["datastore_id"]
        obj = self.model.add(Obj(kind, item["id"], project, ds, shown, engine=engine))
        assert {k: v for k, v in fields.items() if k in shown} == {k: shown[k] for k in fields if k in shown}
        self.show(obj, item["status"])
        self.touched.append(obj)
        if again and kind != "datastore":
            self.create(project, kind, fields, again=False)
        return obj

    @staticmethod
    def shown_keys(kind: str) -> tuple[str, ...]:
        return {
            "datastore": ("name", "node_count", "disk", "config"),
            "user": ("name",),
            "database": ("name", "owner_id"),
            "topic": ("name", "partitions"),
            "grant": ("database_id", "user_id"),
            "extension": ("database_id", "available_extension_id"),
            "logical_replication_slot": ("name", "database_id"),
            "acl": ("user_id", "pattern_type", "pattern", "allow_read", "allow_write"),
        }[kind]

    # -- creates ----------------------------------------------------------------------------------------

    @precondition(lambda self: len(self.objects("datastore")) < self.max_datastores)
    @rule(
        project=st.integers(0, 1),
        engine=st.sampled_from(sorted(ENGINE_KINDS)),
        name=st.sampled_from(NAMES),
        child_too_early=st.booleans(),
        wait=st.booleans(),
    )
    def create_datastore(
        self, project: int, engine: str, name: str, child_too_early: bool, wait: bool
    ) -> None:
        body = {
            "name": name,
            "type_id": self.type_ids[engine],
            "subnet_id": SUBNET_ID,
            "node_count": 1,
            "flavor": {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"},
        }
        obj = self.create(project, "datastore", body, engine)
        if obj is None:
            return
        if child_too_early:  # no read yet (reads mode) or a frozen clock (time mode): still PENDING_CREATE
            fields = {"datastore_id": obj.id, "name": "early", "password": PASSWORD}
            assert self.create(project, "user", fields) is None
        if wait:  # three times in four, with an owner (and its database) so the next steps go deeper
            self.settle(obj)
            owner = self.create(
                project, "user", {"datastore_id": obj.id, "name": "owner", "password": PASSWORD}
            )
            assert owner is not None
            self.settle(owner)
            if engine == "postgresql":
                db = self.create(
                    project, "database", {"datastore_id": obj.id, "name": "db", "owner_id": owner.id}
                )
                assert db is not None
                self.settle(db)

    # Hypothesis orders rules by their number of arguments, then by name, and favours the first ones:
    # the children rules take one argument and sort before the others.

    @precondition(lambda self: bool(self.objects("datastore")))
    @rule(data=st.data())
    def create_child_again(self, data: st.DataObject) -> None:
        """Children are the bulk of the model: three times the weight of the other rules."""
        self.create_child(data)

    @precondition(lambda self: bool(self.objects("datastore")))
    @rule(data=st.data())
    def create_child_once_more(self, data: st.DataObject) -> None:
        self.create_child(data)

    @precondition(lambda self: bool(self.objects("datastore")))
    @rule(data=st.data())
    def create_child(self, data: st.DataObject) -> None:
        """A child of a random kind; when what it names is missing, that comes first (user, database)."""
        name = data.draw(st.sampled_from(NAMES), label="name")
        datastore = self.pick(data, self.objects("datastore"), "datastore")
        # The deepest kinds first (hypothesis favours them), falling back on what they need.
        kind = data.draw(st.sampled_from(ENGINE_KINDS[datastore.engine][::-1]), label="kind")
        project, ds = datastore.project, datastore.id
        if kind in ("grant", "extension", "logical_replication_slot") and not self.model.of(
            project, "database", ds
        ):
            kind = "database"
        if kind in ("database", "acl") and not self.model.of(project, "user", ds):
            kind = "user"
        fields: dict[str, Any] = {"datastore_id": ds}
        if kind in ("user", "topic", "database", "logical_replication_slot"):
            fields["name"] = name
        if kind == "user":
            fields["password"] = PASSWORD
        elif kind == "topic":
            fields["partitions"] = data.draw(st.integers(1, 3), label="partitions")
        elif kind == "acl":
            pattern_type, pattern = data.draw(st.sampled_from(PATTERNS), label="pattern")
            fields.update(user_id=self.reference(data, project, "user", ds), pattern_type=pattern_type)
            if pattern is not None:
                fields["pattern"] = pattern
            fields.update(
                zip(("allow_read", "allow_write"), data.draw(PERMISSIONS, label="permissions"), strict=True)
            )
        elif kind == "database":
            fields["owner_id"] = self.reference(data, project, "user", ds)
        else:
            fields["database_id"] = self.reference(data, project, "database", ds)
            if kind == "grant":
                if not self.model.of(project, "user"):
                    return
                fields["user_id"] = self.reference(data, project, "user", ds)
            elif kind == "extension":
                extension = data.draw(st.sampled_from(sorted(self.extension_ids)), label="extension")
                fields["available_extension_id"] = self.extension_ids[extension]
        obj = self.create(project, kind, fields)
        if obj is not None and data.draw(st.booleans(), label="wait"):
            self.settle(obj)

    def reference(self, data: st.DataObject, project: int, kind: str, datastore_id: str) -> str:
        """An object to name in a body: mostly of the same datastore, else any of the project's (a 400)."""
        same = [o.id for o in self.model.of(project, kind, datastore_id)]
        anywhere = [o.id for o in self.model.of(project, kind)]
        # Hypothesis favours 0: the rare branch is a middle value.
        if same and data.draw(st.integers(0, 5), label=f"same datastore's {kind}") != 3:
            return data.draw(st.sampled_from(same), label=kind)
        return data.draw(st.sampled_from(anywhere), label=kind)

    def dependents(self, obj: Obj) -> list[Obj]:
        """The objects that name ``obj`` in a reference (an owned database, a grant, an ACL...)."""
        return [
            o
            for o in self.model.objs.values()
            for ref, kind in REFERENCES.get(o.kind, ())
            if kind == obj.kind and o.shown[ref] == obj.id
        ] + [
            o
            for o in self.model.objs.values()
            if o.kind == "extension" == obj.kind
            and o.shown["database_id"] == obj.shown["database_id"]
            and self.extension_names[obj.shown["available_extension_id"]]
            in EXTENSION_DEPENDENCIES[self.extension_names[o.shown["available_extension_id"]]]
        ]

    @precondition(lambda self: bool(self.objects(*CHILD_KINDS)))
    @rule(data=st.data())
    def create_duplicate(self, data: st.DataObject) -> None:
        """Send again the create of an existing child: a duplicate (409) unless the rules say otherwise."""
        obj = self.pick(data, self.objects(*CHILD_KINDS), "object")
        fields = {"datastore_id": obj.datastore_id, **{k: v for k, v in obj.shown.items() if v is not None}}
        if obj.kind == "user":
            fields["password"] = PASSWORD
        obj = self.create(obj.project, obj.kind, fields) or obj
        if data.draw(st.booleans(), label="wait"):
            self.settle(obj)

    # Chains: a rare precondition built in one step, then the call that depends on it.

    @precondition(lambda self: bool(self.objects("database")))
    @rule(data=st.data())
    def chain_extensions(self, data: st.DataObject) -> None:
        """Install each extension of a dependency chain in a database, then delete them from the first,
        and the first ones again once the last is being deleted (or gone).

        Deleting an extension another one needs is the 409 of the rules, unless that one is being
        deleted; each phase is settled first so the refusal is not hidden by a busy object.
        """
        database = self.pick(data, self.objects("database"), "database")
        project, ds = database.project, database.datastore_id
        needed = data.draw(st.sampled_from(sorted(n for n, d in EXTENSION_DEPENDENCIES.items() if d)), "top")
        chain = [*EXTENSION_DEPENDENCIES[needed], needed]
        for name in chain:
            fields = {
                "datastore_id": ds,
                "database_id": database.id,
                "available_extension_id": self.extension_ids[name],
            }
            made = self.create(project, "extension", fields)
            if made is not None:
                self.settle(made)
        for name in chain + chain[:-1]:
            installed = [
                o
                for o in self.model.live(project, "extension", database_id=database.id)
                if o.shown["available_extension_id"] == self.extension_ids[name]
            ]
            for obj in installed:
                self.settle(obj)
                if obj.id in self.model.objs:
                    self.remove(obj, foreign=False, wait=data.draw(st.booleans(), label="wait"))

    @precondition(lambda self: bool(self.objects("user")))
    @rule(data=st.data())
    def delete_user_then_databases(self, data: st.DataObject) -> None:
        """Delete a user (a 409 while it owns a database; its grants and ACLs go with it), else delete
        the databases it owns and at once the user again: a database being deleted owns nothing."""
        owner = self.pick(data, sorted(self.objects("user"), key=lambda o: -len(self.dependents(o))), "user")
        owned = [o for o in self.objects("database") if o.shown["owner_id"] == owner.id]
        # Something that goes with the user (an ACL, or a grant): the delete must take it along.
        project, ds = owner.project, owner.datastore_id
        fields: dict[str, Any] = {"datastore_id": ds, "user_id": owner.id}
        datastore = self.model.objs.get(ds)
        if datastore is not None and datastore.engine == "kafka":
            fields.update(pattern_type="prefixed", pattern="logs.", allow_read=True, allow_write=False)
            self.create(project, "acl", fields)
        elif databases := self.model.of(project, "database", ds):
            self.create(project, "grant", {**fields, "database_id": databases[0].id})
        self.settle(owner)
        if owner.id in self.model.objs:
            self.remove(owner, foreign=False, wait=False)
        if owner.action is None and owner.id in self.model.objs:
            for database in owned:
                self.settle(database)
                if database.id in self.model.objs:
                    self.remove(database, foreign=False, wait=False)
            self.remove(owner, foreign=False, wait=data.draw(st.booleans(), label="wait"))

    # -- updates ----------------------------------------------------------------------------------------

    @precondition(lambda self: bool(self.objects("datastore")))
    @rule(
        data=st.data(),
        op=st.sampled_from(["rename", "resize", "config"]),
        foreign=st.integers(0, 5),
        wait=st.booleans(),
    )
    def update_datastore(self, data: st.DataObject, op: str, foreign: int, wait: bool) -> None:
        obj = self.pick(data, self.objects("datastore"), "datastore")
        project, client = self.client_for(obj, foreign == 3)
        fields: dict[str, Any]
        if op == "rename":
            fields = {"name": data.draw(st.sampled_from(NAMES), label="name")}
            method, path, body = "PUT", f"/datastores/{obj.id}", {"datastore": fields}
        elif op == "resize":
            fields = {"node_count": data.draw(st.integers(1, 3), label="nodes")}
            if data.draw(st.booleans(), label="disk too"):
                fields["disk"] = {"size": data.draw(st.sampled_from([32, 48, 64]), label="disk")}
            method, path, body = "POST", f"/datastores/{obj.id}/resize", {"resize": fields}
        else:
            key, values = CONFIG[obj.engine]
            fields = {key: data.draw(st.sampled_from(values), label="value")}
            method, path, body = "PUT", f"/datastores/{obj.id}/config", {"config": fields}
        problem = self.model.datastore_update_problem(project, obj, op, fields)
        response = client.request(method, path, json=body)
        event(f"{op} datastore: {response.status_code}")
        if not self.expect(response, problem):
            return
        if op == "rename":
            obj.shown["name"] = fields["name"]
        elif op == "resize":
            obj.shown["node_count"] = fields["node_count"]
            obj.shown["disk"] = fields.get("disk", {}).get("size", obj.shown["disk"])
        else:
            config = dict(obj.shown["config"])
            for key, value in fields.items():
                if value is None:
                    config.pop(key, None)
                else:
                    config[key] = value
            obj.shown["config"] = config
        self.model.begin(obj, "resize" if op == "resize" else "update")
        item = response.json()["datastore"]
        self.check_fields(obj, item)
        self.show(obj, item["status"])
        self.touched.append(obj)
        if op == "resize":  # a second one before any read or while the clock is frozen: 409 RESIZING
            again = client.post(path, json={"resize": {}})
            self.expect(again, self.model.datastore_update_problem(project, obj, op, {}))
        children = self.updatable(obj.id)
        if project == obj.project and children:  # the datastore is busy (not read by a child's update)
            self.update(self.pick(data, children, "child"), data, foreign=False, wait=False)
        if wait or self.always_wait:
            self.settle(obj)

    @precondition(lambda self: bool(self.objects(*UPDATABLE)))
    @rule(data=st.data(), foreign=st.integers(0, 5), wait=st.booleans())
    def update_child(self, data: st.DataObject, foreign: int, wait: bool) -> None:
        # The rarer kinds first (hypothesis favours them).
        self.update(self.pick(data, self.updatable(), "object"), data, foreign == 3, wait)

    def updatable(self, datastore_id: str | None = None) -> list[Obj]:
        """The objects with an update call (of one datastore when given), the rarer kinds first."""
        found = [o for o in self.objects(*UPDATABLE) if datastore_id in (None, o.datastore_id)]
        return sorted(found, key=lambda o: UPDATABLE[::-1].index(o.kind))

    @precondition(lambda self: bool(self.objects(*UPDATABLE)))
    @rule(data=st.data())
    def update_settled_child(self, data: st.DataObject) -> None:
        """Update an object once its phase is over and wait: in ``time`` mode each update phase is
        checked pending one second before its duration and settled at it."""
        obj = self.pick(data, self.updatable(), "object")
        self.settle(obj)
        if obj.id in self.model.objs:
            self.update(obj, data, foreign=False, wait=True)

    def update(self, obj: Obj, data: st.DataObject, foreign: bool, wait: bool) -> None:
        """``PUT`` new fields on a child; the model predicts the answer."""
        project, client = self.client_for(obj, foreign)
        fields: dict[str, Any]
        if obj.kind == "user":
            fields = {"password": PASSWORD + "-new"}
        elif obj.kind == "database":
            users = [o.id for o in self.model.of(obj.project, "user")]
            if not users:
                return
            fields = {"owner_id": data.draw(st.sampled_from(users), label="owner")}
        elif obj.kind == "topic":
            fields = {"partitions": data.draw(st.integers(1, 4), label="partitions")}
        else:
            fields = dict(
                zip(("allow_read", "allow_write"), data.draw(PERMISSIONS, label="permissions"), strict=True)
            )
        path, wrapper, _ = KINDS[obj.kind]
        problem = self.model.update_problem(project, obj, fields)
        response = client.put(f"/{path}/{obj.id}", json={wrapper: fields})
        event(f"update {obj.kind}: {response.status_code}")
        if not self.expect(response, problem):
            return
        if obj.kind == "database" and fields["owner_id"] != obj.shown["owner_id"]:
            self.model.counter += 1
            obj.owner_order = self.model.counter
        obj.shown.update({k: v for k, v in fields.items() if k != "password"})
        self.model.begin(obj, "update")
        item = response.json()[wrapper]
        self.check_fields(obj, item)
        self.show(obj, item["status"])
        self.touched.append(obj)
        if wait or self.always_wait:
            self.settle(obj)

    # -- deletes ----------------------------------------------------------------------------------------

    def after_delete(self, obj: Obj, gone: list[Obj], wait: bool) -> None:
        """What a delete began: the object pending deletion, what went with it gone at once (no orphan)."""
        event(f"cascade from {obj.kind}: {'some' if gone else 'none'}")
        self.model.begin(obj, "delete")
        for child in gone:
            self.look(child)
        self.touched.append(obj)
        if wait:
            self.settle(obj)

    @precondition(lambda self: bool(self.objects("datastore")))
    @rule(data=st.data(), foreign=st.integers(0, 5), wait=st.booleans())
    def delete_datastore(self, data: st.DataObject, foreign: int, wait: bool) -> None:
        obj = self.pick(data, self.objects("datastore"), "datastore")
        project, client = self.client_for(obj, foreign == 3)
        problem = self.model.datastore_delete_problem(project, obj)
        response = client.delete(f"/datastores/{obj.id}")
        event(f"delete datastore: {response.status_code}")
        if not self.expect(response, problem, success=204):
            return
        assert response.content == b""
        self.after_delete(obj, self.model.cascade(project, "datastore", obj.id), wait)

    @precondition(lambda self: bool(self.objects(*CHILD_KINDS)))
    @rule(data=st.data(), foreign=st.integers(0, 5), wait=st.booleans())
    def delete_child(self, data: st.DataObject, foreign: int, wait: bool) -> None:
        # Objects others depend on first (hypothesis favours them): cascades and refusals.
        victims = sorted(self.objects(*CHILD_KINDS), key=lambda o: -len(self.dependents(o)))
        self.remove(self.pick(data, victims, "object"), foreign == 3, wait)

    def remove(self, obj: Obj, foreign: bool, wait: bool) -> None:
        """``DELETE`` a child; the model predicts the answer and what goes with it."""
        project, client = self.client_for(obj, foreign)
        problem = self.model.delete_problem(project, obj, self.extension_names)
        response = client.delete(f"/{KINDS[obj.kind][0]}/{obj.id}")
        event(f"delete {obj.kind}: {response.status_code}")
        if not self.expect(response, problem, success=204):
            return
        assert response.content == b""
        self.after_delete(obj, self.model.cascade(project, obj.kind, obj.id), wait)

    # -- clock, modes, reset ----------------------------------------------------------------------------

    @rule(seconds=SECONDS)
    def let_time_pass(self, seconds: int) -> None:
        self.advance(seconds)

    @precondition(lambda self: self.churn)
    @rule(mode=st.sampled_from(["reads", "time"]))
    def switch_mode(self, mode: str) -> None:
        """Switch the lifecycle mode."""
        self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        # Freeze before time mode starts and thaw after it ends, so no phase moves with the wall clock.
        if mode == "time":
            assert self.control.post("/__mock__/clock/freeze", json={"frozen": True}).status_code == 200
        assert self.control.put("/__mock__/lifecycle", json={"mode": mode}).status_code == 200
        if mode == "reads":
            assert self.control.post("/__mock__/clock/freeze", json={"frozen": False}).status_code == 200
        self.model.mode = mode

    @precondition(lambda self: self.churn)
    @rule(roll=st.integers(0, 7))
    def reset(self, roll: int) -> None:
        if roll != 5:  # a reset one time in eight (hypothesis favours 0): sequences build something
            return
        assert self.control.post("/__mock__/reset", json={}).status_code in (200, 204)
        mode = str(self.control.get("/__mock__/lifecycle").json()["mode"])
        self.model = Model(mode=mode, clock=self.model.clock)
        self.touched = []

    # -- invariants -------------------------------------------------------------------------------------

    @invariant()
    def lists_match_the_model(self) -> None:
        """Every list equals the model (statuses, fields, counters) and names no missing parent.

        The lists are reads: in ``reads`` mode they settle every phase, in the order the model does.
        """
        for project, client in enumerate(self.clients):
            listed: dict[str, dict[str, dict[str, Any]]] = {}
            for kind, (path, _, _) in KINDS.items():
                expected = {}
                for obj in self.model.of(project, kind):
                    if self.model.peek(obj, read=True) != GONE:
                        expected[obj.id] = obj
                items = {item["id"]: item for item in client.get(f"/{path}").json()[path]}
                assert set(items) == set(expected), (kind, sorted(items), sorted(expected))
                for object_id, obj in expected.items():
                    self.check_fields(obj, items[object_id])
                    self.show(obj, items[object_id]["status"])
                    if kind == "datastore":
                        for counter, counted in (("databases_count", "database"), ("topics_count", "topic")):
                            got = items[object_id][counter]
                            assert got == self.model.count(project, counted, object_id), (counter, got)
                listed[kind] = items
            for kind, items in listed.items():  # no orphans, whatever the model says
                for item in items.values():
                    if kind != "datastore":
                        assert item["datastore_id"] in listed["datastore"], (kind, item)
                    for ref, parent in REFERENCES.get(kind, ()):
                        assert item[ref] in listed[parent], (kind, ref, item)

    @invariant()
    def tokens_do_not_see_each_other(self) -> None:
        for obj in self.touched:
            path, _, entity = KINDS[obj.kind]
            response = self.clients[1 - obj.project].get(f"/{path}/{obj.id}")
            assert (response.status_code, response.json()["error"]["message"]) == (
                404,
                f"{entity} {obj.id} not found.",
            )
        self.touched = []


class DeepDbaasModel(DbaasModel):
    """``time`` mode throughout, one or two datastores, no reset: sequences go deep into the children
    (duplicates, dependency chains, owners of databases being deleted) and every phase is timed."""

    max_datastores = 2
    churn = False
    always_wait = True

    @initialize()
    def start(self) -> None:
        super().start()
        self.set_mode("time")


DbaasModel.TestCase.settings = settings.get_profile("dbaas")
TestDbaasModel = DbaasModel.TestCase
DeepDbaasModel.TestCase.settings = settings(
    settings.get_profile("dbaas"), max_examples=10, stateful_step_count=40
)
TestDeepDbaasModel = DeepDbaasModel.TestCase
