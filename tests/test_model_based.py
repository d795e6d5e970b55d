"""A model-based test: random sequences of calls against a fresh fake, checked against a small model.

Two tokens (two projects) create PostgreSQL and Kafka datastores, users, databases and topics, delete
any of them, advance the clock, switch the lifecycle between ``reads`` and ``time`` (with a frozen
clock) and reset. Every rule settles what it started (a read in ``reads`` mode, a clock advance past
the durations in ``time`` mode) after checking the pending status, so the invariants compare the fake's
lists, counters and 404s with the model exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from support import SUBNET_ID, ApiClient

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
#: Longer than any duration of the ``time`` mode (a datastore resize: 600 s).
PAST_EVERY_DURATION = 700
CHILDREN = {"databases": "database", "users": "user", "topics": "topic"}
ENGINE_CHILDREN = {"postgresql": ("databases", "users"), "kafka": ("topics",)}


@dataclass
class Store:
    """The model's view of one datastore."""

    engine: str
    name: str
    children: dict[str, dict[str, str]] = field(default_factory=lambda: {c: {} for c in CHILDREN})
    #: database id -> owner user id
    owners: dict[str, str] = field(default_factory=dict)


class DbaasModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(seed=0)
        self.clients = [ApiClient(self.app, token, VALIDATOR) for token in TOKENS]
        self.control = self.clients[0].http
        self.projects: list[dict[str, Store]] = [{}, {}]
        self.mode = "reads"
        self.type_ids = {e: self.clients[0].type_id(e) for e in ENGINE_CHILDREN}

    @initialize()
    def start(self) -> None:
        assert (
            self.control.post("/__mock__/clock/set", json={"now": "2030-01-01T00:00:00"}).status_code == 200
        )

    # -- helpers ----------------------------------------------------------------------------------------

    def settle(self, client: ApiClient, path: str, expect_gone: bool) -> None:
        """Let the phase begun on ``path`` end, then check its outcome (ACTIVE or 404)."""
        if self.mode == "time":
            pending = client.get(path)
            if pending.status_code == 200:  # the clock is frozen: nothing has moved yet
                status = next(iter(pending.json().values()))["status"]
                assert status == ("PENDING_DELETE" if expect_gone else "PENDING_CREATE"), (path, status)
            else:
                assert expect_gone, (path, pending.status_code)
                assert pending.status_code == 404, (path, pending.status_code)
            advanced = self.control.post("/__mock__/clock/advance", json={"seconds": PAST_EVERY_DURATION})
            assert advanced.status_code == 200
        response = client.get(path)
        if expect_gone:
            assert response.status_code == 404, (path, response.status_code, response.text)
            assert response.json()["error"]["code"] == 404
        else:
            assert response.status_code == 200, response.text
            assert next(iter(response.json().values()))["status"] == "ACTIVE", response.text

    def stores(self) -> list[tuple[int, str, Store]]:
        return [
            (p, ds_id, store) for p, project in enumerate(self.projects) for ds_id, store in project.items()
        ]

    # -- rules ------------------------------------------------------------------------------------------

    @precondition(lambda self: sum(len(p) for p in self.projects) < 8)
    @rule(
        project=st.integers(0, 1),
        engine=st.sampled_from(sorted(ENGINE_CHILDREN)),
        name=st.sampled_from(NAMES),
        child_too_early=st.booleans(),
    )
    def create_datastore(self, project: int, engine: str, name: str, child_too_early: bool) -> None:
        client = self.clients[project]
        body = {
            "name": name,
            "type_id": self.type_ids[engine],
            "subnet_id": SUBNET_ID,
            "node_count": 1,
            "flavor": {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"},
        }
        response = client.post("/datastores", json={"datastore": body})
        if any(store.name == name for store in self.projects[project].values()):
            assert response.status_code == 409, response.text
            assert response.json()["error"]["message"] == f"datastore with name '{name}' already exists."
            return
        assert response.status_code == 200, response.text
        created = response.json()["datastore"]
        assert created["status"] == "PENDING_CREATE"
        ds_id = created["id"]
        if child_too_early:  # no read yet and a frozen clock in time mode: still PENDING_CREATE
            collection = ENGINE_CHILDREN[engine][-1]
            early = client.post(
                f"/{collection}", json={CHILDREN[collection]: self.child_body(collection, ds_id)}
            )
            assert early.status_code == 409, early.text
            message = f"datastore {ds_id} is not ACTIVE (status: PENDING_CREATE)."
            assert early.json()["error"]["message"] == message
        store = self.projects[project][ds_id] = Store(engine, name)
        self.settle(client, f"/datastores/{ds_id}", expect_gone=False)
        if engine == "postgresql":  # an owner, so that databases can be made from the next step on
            fields = {"datastore_id": ds_id, "name": "owner", "password": PASSWORD}
            owner = client.post("/users", json={"user": fields})
            assert owner.status_code == 200, owner.text
            store.children["users"][owner.json()["user"]["id"]] = "owner"
            self.settle(client, f"/users/{owner.json()['user']['id']}", expect_gone=False)

    def child_body(self, collection: str, ds_id: str) -> dict[str, Any]:
        extra: dict[str, Any] = {"password": PASSWORD} if collection == "users" else {"partitions": 1}
        return {"datastore_id": ds_id, "name": "early", **extra}

    @precondition(lambda self: bool(self.stores()))
    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def create_child_again(self, data: st.DataObject, name: str) -> None:
        """Children are the bulk of the model: twice the weight of the other rules."""
        self.create_child(data, name)

    @precondition(lambda self: bool(self.stores()))
    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def create_child(self, data: st.DataObject, name: str) -> None:
        project, ds_id, store = data.draw(st.sampled_from(self.stores()), label="datastore")
        collection = data.draw(st.sampled_from(ENGINE_CHILDREN[store.engine]), label="collection")
        client = self.clients[project]
        fields: dict[str, Any] = {"datastore_id": ds_id, "name": name}
        if collection == "users":
            fields["password"] = PASSWORD
        elif collection == "topics":
            fields["partitions"] = 1
        else:
            users = sorted(store.children["users"])
            if not users:
                return
            fields["owner_id"] = data.draw(st.sampled_from(users), label="owner")
        wrapper = CHILDREN[collection]
        response = client.post(f"/{collection}", json={wrapper: fields})
        if name in store.children[collection].values():
            assert response.status_code == 409, response.text
            message = f"{wrapper} with name '{name}' already exists in datastore {ds_id}."
            assert response.json()["error"]["message"] == message
            return
        assert response.status_code == 200, response.text
        created = response.json()[wrapper]
        assert created["status"] == "PENDING_CREATE"
        store.children[collection][created["id"]] = name
        if collection == "databases":
            store.owners[created["id"]] = fields["owner_id"]
        self.settle(client, f"/{collection}/{created['id']}", expect_gone=False)

    @precondition(lambda self: bool(self.stores()))
    @rule(data=st.data())
    def delete_datastore(self, data: st.DataObject) -> None:
        project, ds_id, store = data.draw(st.sampled_from(self.stores()), label="datastore")
        client = self.clients[project]
        response = client.delete(f"/datastores/{ds_id}")
        assert (response.status_code, response.content) == (204, b""), response.text
        for collection, children in store.children.items():  # the cascade runs at the call
            for child_id in children:
                gone = client.get(f"/{collection}/{child_id}")
                assert gone.status_code == 404, (collection, child_id, gone.text)
        del self.projects[project][ds_id]
        self.settle(client, f"/datastores/{ds_id}", expect_gone=True)

    @precondition(lambda self: any(any(s.children.values()) for _, _, s in self.stores()))
    @rule(data=st.data())
    def delete_child(self, data: st.DataObject) -> None:
        candidates = [
            (p, ds_id, store, collection, child_id)
            for p, ds_id, store in self.stores()
            for collection, children in store.children.items()
            for child_id in children
        ]
        project, _ds_id, store, collection, child_id = data.draw(st.sampled_from(candidates), label="child")
        client = self.clients[project]
        response = client.delete(f"/{collection}/{child_id}")
        owned = sorted(db for db, owner in store.owners.items() if owner == child_id)
        if collection == "users" and owned:
            assert response.status_code == 409, response.text
            assert response.json()["error"]["message"].startswith(f"user {child_id} owns database ")
            return
        assert (response.status_code, response.content) == (204, b""), response.text
        del store.children[collection][child_id]
        store.owners.pop(child_id, None)
        self.settle(client, f"/{collection}/{child_id}", expect_gone=True)

    @rule(seconds=st.integers(1, 3600))
    def advance_clock(self, seconds: int) -> None:
        response = self.control.post("/__mock__/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text

    @rule(mode=st.sampled_from(["reads", "time"]))
    def switch_mode(self, mode: str) -> None:
        assert self.control.post("/__mock__/clock/freeze", json={"frozen": mode == "time"}).status_code == 200
        assert self.control.put("/__mock__/lifecycle", json={"mode": mode}).status_code == 200
        self.mode = mode

    @rule(roll=st.integers(0, 3))
    def reset(self, roll: int) -> None:
        if roll:  # a reset one time in four: sequences get long enough to build something
            return
        assert self.control.post("/__mock__/reset", json={}).status_code in (200, 204)
        self.projects = [{}, {}]
        self.mode = str(self.control.get("/__mock__/lifecycle").json()["mode"])

    # -- invariants -------------------------------------------------------------------------------------

    @invariant()
    def lists_match_the_model(self) -> None:
        for client, project in zip(self.clients, self.projects, strict=True):
            datastores = client.get("/datastores").json()["datastores"]
            assert {d["id"]: d["status"] for d in datastores} == dict.fromkeys(project, "ACTIVE")
            for datastore in datastores:
                store = project[datastore["id"]]
                if "databases_count" in datastore:
                    assert datastore["databases_count"] == len(store.children["databases"])
                if "topics_count" in datastore:
                    assert datastore["topics_count"] == len(store.children["topics"])
            for collection, wrapper in CHILDREN.items():
                listed = client.get(f"/{collection}").json()[collection]
                expected = {
                    child_id: (ds_id, name)
                    for ds_id, store in project.items()
                    for child_id, name in store.children[collection].items()
                }
                got = {item["id"]: (item["datastore_id"], item["name"]) for item in listed}
                assert got == expected, (wrapper, got, expected)
                assert all(item["status"] == "ACTIVE" for item in listed)

    @invariant()
    def tokens_do_not_see_each_other(self) -> None:
        for mine, theirs in ((0, 1), (1, 0)):
            client = self.clients[mine]
            for ds_id, store in self.projects[theirs].items():
                assert client.get(f"/datastores/{ds_id}").status_code == 404
                for collection, children in store.children.items():
                    for child_id in children:
                        assert client.get(f"/{collection}/{child_id}").status_code == 404


DbaasModel.TestCase.settings = settings.get_profile("dbaas")
TestDbaasModel = DbaasModel.TestCase
