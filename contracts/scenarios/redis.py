"""Redis: datastore (flavor id, password) -> password change -> resize by flavor id -> delete."""

from __future__ import annotations

from .base import ScenarioContext

__all__ = ["redis"]


def redis(ctx: ScenarioContext) -> None:
    """A Redis datastore: its password is never read back; it is resized by flavor id."""
    ds, type_id = ctx.datastore("redis")
    ds_id = str(ds["id"])
    path = {"datastore_id": ds_id}
    ctx.expect(
        ds.get("pooler") is None, "get_datastore", "pooler_is_null_without_a_pooler", str(ds.get("pooler"))
    )
    ctx.call("update_datastore_password", path=path, body={"password": {"redis_password": ctx.secret()}})
    ctx.active("datastore", ds_id, "update_datastore_password")
    current = ctx.catalogue.by_id(str(ds.get("flavor_id"))) if ds.get("flavor_id") else None
    size = current.size if current is not None else (0, 0, 0)
    bigger = ctx.catalogue.larger(type_id, size)
    if ctx.expect(bigger is not None, "list_flavors", "a_larger_flavor_exists", f"none above {size}"):
        assert bigger is not None
        ctx.call("resize_datastore", path=path, body={"resize": {"flavor_id": bigger.id, "node_count": 1}})
        after = ctx.active("datastore", ds_id, "resize_datastore")
        flavor = after.get("flavor") or {}
        ctx.expect(
            after.get("flavor_id") == bigger.id
            and (flavor.get("vcpus"), flavor.get("ram"), flavor.get("disk")) == bigger.size,
            "resize_datastore",
            "resize_by_flavor_id_changes_the_flavor",
            f"flavor_id {after.get('flavor_id')}, flavor {flavor}, asked {bigger.id} {bigger.size}",
        )
    ctx.call(
        "create_database",
        body={"database": {"datastore_id": ds_id, "name": ctx.unique("db", identifier=True)}},
        expect=400,
    )
    ctx.delete("datastore", ds_id)
