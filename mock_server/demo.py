"""Demo data for ``dbaas-mock serve --demo``: an ``ACTIVE`` datastore of every engine, with content.

Everything is built through the API itself (the app's own handlers, in process), then settled, so the
demo objects are exactly what a client would have created: PostgreSQL with an owner, a reader, a
database, a grant and an extension; MySQL (both flavours) with a user, a database and a grant; Redis;
Kafka with a user, a topic and an ACL; and a prometheus metrics token. They belong to the project of
the demo token (``demo`` unless told otherwise).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from .app import DbaasMockApp

__all__ = ["DEMO_ENGINES", "DEMO_SUBNET", "DEMO_TOKEN", "build_demo"]

DEMO_TOKEN = "demo"
#: The subnet the demo datastores are placed in.
DEMO_SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"
DEMO_ENGINES = ("postgresql", "mysql", "mysql_native", "redis", "kafka")
_FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}


class _Builder:
    def __init__(self, client: httpx.Client, settle: Any) -> None:
        self.client = client
        self.settle = settle
        self.created: dict[str, list[str]] = {}

    def create(self, collection: str, wrapper: str, fields: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(f"/{collection}", json={wrapper: fields})
        if response.status_code not in (200, 201):
            raise RuntimeError(f"demo: creating {wrapper} failed: {response.status_code} {response.text}")
        obj: dict[str, Any] = response.json()[wrapper]
        self.settle()
        self.created.setdefault(collection, []).append(str(obj["id"]))
        return obj

    def get(self, path: str, key: str) -> list[dict[str, Any]]:
        response = self.client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"demo: GET {path} failed: {response.status_code} {response.text}")
        items: list[dict[str, Any]] = response.json()[key]
        return items


def _newest_types(builder: _Builder) -> dict[str, dict[str, Any]]:
    newest: dict[str, dict[str, Any]] = {}
    for item in builder.get("/datastore-types", "datastore-types"):
        engine = item["engine"]
        if engine not in newest or _version(item["version"]) > _version(newest[engine]["version"]):
            newest[engine] = item
    return newest


def _version(text: str) -> tuple[int, ...]:
    head = text.split("-", 1)[0]
    return tuple(int(p) for p in head.split(".") if p.isdigit()) + ((0,) if "-" in text else (1,))


def _datastore(builder: _Builder, engine: str, type_id: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": f"demo-{engine.replace('_', '-')}",
        "type_id": type_id,
        "subnet_id": DEMO_SUBNET,
        "node_count": 1,
    }
    if engine == "redis":
        usable = [f for f in builder.get("/flavors", "flavors") if type_id in f["datastore_type_ids"]]
        if not usable:
            raise RuntimeError("demo: no flavor for redis")
        fields["flavor_id"] = usable[0]["id"]
        fields["redis_password"] = secrets.token_urlsafe(24)
    else:
        fields["flavor"] = dict(_FLAVOR)
    return builder.create("datastores", "datastore", fields)


def _fill(builder: _Builder, engine: str, datastore: dict[str, Any], type_id: str) -> None:
    ds = datastore["id"]
    if engine == "postgresql":
        owner = builder.create("users", "user", _user(ds, "demo_owner"))
        reader = builder.create("users", "user", _user(ds, "demo_reader"))
        database = builder.create(
            "databases", "database", {"datastore_id": ds, "name": "demo", "owner_id": owner["id"]}
        )
        builder.create(
            "grants", "grant", {"datastore_id": ds, "database_id": database["id"], "user_id": reader["id"]}
        )
        extensions = builder.get("/available-extensions", "available-extensions")
        usable = [
            e
            for e in extensions
            if type_id in e.get("datastore_type_ids", []) and not e.get("dependency_ids")
        ]
        if usable:
            builder.create(
                "extensions",
                "extension",
                {
                    "datastore_id": ds,
                    "database_id": database["id"],
                    "available_extension_id": usable[0]["id"],
                },
            )
    elif engine in ("mysql", "mysql_native"):
        user = builder.create("users", "user", _user(ds, "demo_app"))
        database = builder.create("databases", "database", {"datastore_id": ds, "name": "demo"})
        builder.create(
            "grants", "grant", {"datastore_id": ds, "database_id": database["id"], "user_id": user["id"]}
        )
    elif engine == "kafka":
        user = builder.create("users", "user", _user(ds, "demo_client"))
        builder.create("topics", "topic", {"datastore_id": ds, "name": "demo-events", "partitions": 3})
        builder.create(
            "acls",
            "acl",
            {
                "datastore_id": ds,
                "user_id": user["id"],
                "pattern": "demo-events",
                "pattern_type": "literal",
                "allow_read": True,
                "allow_write": True,
            },
        )


def _user(datastore_id: str, name: str) -> dict[str, Any]:
    return {"datastore_id": datastore_id, "name": name, "password": secrets.token_urlsafe(24)}


def build_demo(app: DbaasMockApp, token: str = DEMO_TOKEN) -> dict[str, list[str]]:
    """Create the demo objects in the project of ``token``; returns their ids by collection.

    Passwords are random and never printed (set new ones through the API when needed).
    """
    from .intercept import DbaasFake

    fake = DbaasFake(app, token=token)
    try:
        builder = _Builder(fake.client, fake.settle)
        types = _newest_types(builder)
        for engine in DEMO_ENGINES:
            if engine not in types:
                continue
            type_id = str(types[engine]["id"])
            datastore = _datastore(builder, engine, type_id)
            _fill(builder, engine, datastore, type_id)
        builder.create("prometheus-metrics-tokens", "prometheus-metrics-token", {"name": "demo"})
        fake.settle()
        return builder.created
    finally:
        fake.close()
