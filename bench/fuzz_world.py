"""The fuzzer's fixture world: objects built over HTTP before fuzzing, and the aiming of cases at them.

:func:`build_world` makes an ACTIVE datastore of each engine with objects of every kind inside and
snapshots the lot; :func:`aim` replaces most generated path ids, body id fields and query filters of a
case with known ids of the right kind (``bench/fuzz.py`` draws, sends and checks the cases).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import requests
from schemathesis.generation import GenerationMode

from mock_server.server import LiveServer

from .inproc import SUBNET_ID

PASSWORD = "Zq7-very-secret-passw0rd"

#: The tokens a case may be sent with, and how often (weights).
PROJECT_TOKEN = "fuzz-project"
PROJECT_ADMIN_TOKEN = "fuzz-project-admin"  # registered as an admin of the project
ADMIN_TOKEN = "dbaas-mock-admin"  # the fake's default admin, in its own project
OTHER_TOKEN = "fuzz-other-project"
TOKENS: dict[str, tuple[str | None, int]] = {
    "project": (PROJECT_TOKEN, 70),
    "project-admin": (PROJECT_ADMIN_TOKEN, 12),
    "admin": (ADMIN_TOKEN, 6),
    "other": (OTHER_TOKEN, 6),
    "none": (None, 6),
}

#: The kind of object a path parameter, body field or query filter names.
KIND_OF: dict[str, str] = {
    "datastore_id": "datastore",
    "user_id": "user",
    "owner_id": "user",
    "database_id": "database",
    "grant_id": "grant",
    "extension_id": "extension",
    "logical_replication_slot_id": "slot",
    "topic_id": "topic",
    "acl_id": "acl",
    "action_id": "action",
    "prometheus_metrics_token_id": "token",
    "flavor_id": "flavor",
    "type_id": "datastore_type",
    "datastore_type_id": "datastore_type",
    "datastore_type_ids": "datastore_type",
    "available_extension_id": "available_extension",
    "dependency_ids": "available_extension",
    "configuration_parameter_id": "configuration_parameter",
    "instance_id": "instance",
    "project_id": "project",
    "subnet_id": "subnet",
}

#: The kind of the objects of a collection (``?id=`` filters).
COLLECTION_KIND: dict[str, str] = {
    "acls": "acl",
    "actions": "action",
    "available-extensions": "available_extension",
    "configuration-parameters": "configuration_parameter",
    "databases": "database",
    "datastores": "datastore",
    "datastore-types": "datastore_type",
    "extensions": "extension",
    "flavors": "flavor",
    "grants": "grant",
    "logical-replication-slots": "slot",
    "prometheus-metrics-tokens": "token",
    "users": "user",
    "topics": "topic",
}

#: The engines whose datastores a collection's objects live on (the others answer 400 or 409).
ENGINES: dict[str, tuple[str, ...]] = {
    "acls": ("kafka",),
    "topics": ("kafka",),
    "grants": ("postgresql",),
    "extensions": ("postgresql",),
    "logical-replication-slots": ("postgresql",),
    "databases": ("postgresql", "mysql"),
    "users": ("postgresql", "mysql", "kafka"),
}

#: How often a generated id is replaced by a known one: path, body (positive, negative), query.
AIM_PATH = 0.9
AIM_BODY = {GenerationMode.POSITIVE: 0.85, GenerationMode.NEGATIVE: 0.5}
AIM_QUERY = 0.5
#: How often a successful change is settled at once (the rest stay in progress, to reach the 409s).
SETTLE = 0.75


@dataclass
class World:
    """The objects built before fuzzing, by kind, and the snapshot that brings them back."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    #: The datastore each datastore-bound object (user, database, grant...) lives on.
    datastore_of: dict[str, str] = field(default_factory=dict)
    #: The engine of each datastore.
    engine_of: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: str, object_id: str, datastore_id: str | None = None) -> str:
        """Record ``object_id`` of ``kind`` (on ``datastore_id``); returns it."""
        self.ids.setdefault(kind, []).append(object_id)
        if datastore_id is not None:
            self.datastore_of[object_id] = datastore_id
        return object_id

    def anchor(self, collection: str, rng: random.Random) -> str:
        """A datastore for a case on ``collection``: mostly of an engine the collection lives on."""
        engines = ENGINES.get(collection)
        fitting = [d for d in self.ids["datastore"] if engines is None or self.engine_of[d] in engines]
        return rng.choice(fitting if fitting and rng.random() < 0.85 else self.ids["datastore"])

    def pick(self, kind: str, anchor: str, rng: random.Random) -> str:
        """A known id of ``kind``, preferably one on the ``anchor`` datastore."""
        if kind == "datastore":
            return anchor
        known = self.ids[kind]
        near = [i for i in known if self.datastore_of.get(i) == anchor]
        return rng.choice(near if near and rng.random() < 0.8 else known)


class Api:
    """A tiny HTTP client for building the world with one token."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = token

    def get(self, path: str) -> Any:
        response = self.session.get(self.url + path, timeout=30)
        response.raise_for_status()
        return response.json()

    def create(self, collection: str, wrapper: str, fields: dict[str, Any]) -> str:
        response = self.session.post(f"{self.url}/{collection}", json={wrapper: fields}, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"building the fuzz world: POST /{collection} {fields}: {response.text}")
        return str(response.json()[wrapper]["id"])


def build_world(server: LiveServer) -> World:
    """Create the fixture world over HTTP on ``server`` (settled to ACTIVE) and snapshot it.

    Deterministic: on a fresh fake of the same seed the same calls give the same ids.
    """
    world = World()
    server.controller.register_token(
        PROJECT_ADMIN_TOKEN, server.controller.project_of(PROJECT_TOKEN), admin=True
    )
    api = Api(server.url, PROJECT_TOKEN)
    for name, wrapper, kind in (
        ("flavors", "flavors", "flavor"),
        ("datastore-types", "datastore-types", "datastore_type"),
        ("available-extensions", "available-extensions", "available_extension"),
        ("configuration-parameters", "configuration-parameters", "configuration_parameter"),
    ):
        for item in api.get(f"/{name}")[wrapper]:
            world.add(kind, str(item["id"]))
    world.add("project", server.controller.project_of(PROJECT_TOKEN))
    world.add("subnet", SUBNET_ID)
    types = api.get("/datastore-types")["datastore-types"]
    flavors = api.get("/flavors")["flavors"]

    def datastore(engine: str, node_count: int) -> str:
        type_id = [str(t["id"]) for t in types if t["engine"] == engine][-1]
        body: dict[str, Any] = {
            "name": f"fuzz-{engine}",
            "type_id": type_id,
            "subnet_id": SUBNET_ID,
            "node_count": node_count,
        }
        if engine == "redis":
            body["flavor_id"] = next(str(f["id"]) for f in flavors if type_id in f["datastore_type_ids"])
            body["redis_password"] = "quie7Hoh7ohTo[i0bae3Leeb4mai7ca6"
        else:
            body["flavor"] = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}
        found = world.add("datastore", api.create("datastores", "datastore", body))
        world.engine_of[found] = engine
        return found

    pg, mysql = datastore("postgresql", 2), datastore("mysql", 1)
    datastore("redis", 2)
    kafka = datastore("kafka", 1)
    server.controller.settle()

    def user(datastore_id: str, name: str) -> str:
        fields = {"datastore_id": datastore_id, "name": name, "password": PASSWORD}
        return world.add("user", api.create("users", "user", fields), datastore_id)

    def database(datastore_id: str, name: str, owner_id: str | None) -> str:
        fields = {"datastore_id": datastore_id, "name": name}
        if owner_id is not None:
            fields["owner_id"] = owner_id
        return world.add("database", api.create("databases", "database", fields), datastore_id)

    alice, bob = user(pg, "alice"), user(pg, "bob")
    user(mysql, "mary")
    kim = user(kafka, "kim")
    shop, _ = database(pg, "shop", alice), database(pg, "stock", bob)
    database(mysql, "sales", None)
    server.controller.settle()
    grant = {"datastore_id": pg, "database_id": shop, "user_id": bob}
    world.add("grant", api.create("grants", "grant", grant), pg)
    hstore = next(
        str(e["id"])
        for e in api.get("/available-extensions")["available-extensions"]
        if e["name"] == "hstore"
    )
    extension = {"datastore_id": pg, "database_id": shop, "available_extension_id": hstore}
    world.add("extension", api.create("extensions", "extension", extension), pg)
    slot = {"datastore_id": pg, "database_id": shop, "name": "fuzz_slot"}
    world.add("slot", api.create("logical-replication-slots", "logical-replication-slot", slot), pg)
    for name, partitions in (("orders", 4), ("logs", 1)):
        topic = {"datastore_id": kafka, "name": name, "partitions": partitions}
        world.add("topic", api.create("topics", "topic", topic), kafka)
    acl = {"datastore_id": kafka, "user_id": kim, "pattern": "orders", "pattern_type": "literal"}
    world.add("acl", api.create("acls", "acl", {**acl, "allow_read": True, "allow_write": False}), kafka)
    world.add("token", api.create("prometheus-metrics-tokens", "prometheus-metrics-token", {"name": "fuzz"}))
    server.controller.settle()
    for found in world.ids["datastore"]:
        for instance in api.get(f"/datastores/{found}")["datastore"]["instances"]:
            world.add("instance", str(instance["id"]), found)
    # One instance with a floating IP, so that detaching one can succeed.
    attach = api.session.post(
        server.url + "/floating-ips",
        json={"floating_ip": {"instance_id": world.ids["instance"][0]}},
        timeout=30,
    )
    if attach.status_code != 204:
        raise RuntimeError(f"building the fuzz world: POST /floating-ips: {attach.text}")
    server.controller.settle()
    for action in api.get("/actions")["actions"]:
        world.add("action", str(action["id"]), action.get("datastore_id"))
    world.state = server.snapshot()
    return world


@dataclass
class Shot:
    """A generated case and the token it goes with (``TOKENS`` key); ``status`` once sent."""

    case: Any
    token: str = "project"
    status: int = 0
    response: Any = None


def aim(
    world: World, case: Any, mode: GenerationMode, rng: random.Random, keep: frozenset[str] = frozenset()
) -> Shot:
    """Point ``case`` at the world (most ids known, some left random) and choose its token.

    Values in ``keep`` (ids a link carried from an earlier response) stay as they are.
    """
    collection = case.operation.path.split("/")[1]
    anchor = world.anchor(collection, rng)

    def known(name: str, value: Any, chance: float) -> Any:
        kind = KIND_OF.get(name)
        if (
            kind is None
            or kind not in world.ids
            or rng.random() >= chance
            or (isinstance(value, str) and value in keep)
        ):
            return value
        if name.endswith("_ids"):
            # A list of ids: keep a malformed value (negative case) malformed.
            if not isinstance(value, list):
                return value
            return [world.pick(kind, anchor, rng) for _ in range(rng.randint(1, 2))]
        return world.pick(kind, anchor, rng) if isinstance(value, str) else value

    def body(value: Any, chance: float) -> Any:
        if isinstance(value, dict):
            return {k: body(known(k, v, chance), chance) for k, v in value.items()}
        return value

    if case.path_parameters:
        case.path_parameters = {k: known(k, v, AIM_PATH) for k, v in case.path_parameters.items()}
    if isinstance(case.body, dict):
        case.body = body(case.body, AIM_BODY[mode])
    if case.query:
        own = COLLECTION_KIND.get(collection)
        query = dict(case.query)
        for name, value in query.items():
            if name == "id" and own in world.ids and isinstance(value, str) and rng.random() < AIM_QUERY:
                query[name] = world.pick(own, anchor, rng)
            else:
                query[name] = known(name, value, AIM_QUERY)
        case.query = query
    names = list(TOKENS)
    return Shot(case, rng.choices(names, weights=[TOKENS[n][1] for n in names])[0])
