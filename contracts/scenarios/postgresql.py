"""PostgreSQL: datastore -> database, user, grant, extension, replication slot -> resize -> config ->
pooler -> firewall -> floating IP -> delete, and the cascade of the delete."""

from __future__ import annotations

from typing import Any

from .base import ScenarioContext

__all__ = ["config_change", "postgresql"]


def config_change(ctx: ScenarioContext, type_id: str) -> tuple[str, Any] | None:
    """A changeable parameter of a type and a value other than its default."""
    reply = ctx.call("list_configuration_parameters", query={"datastore_type_id": type_id})
    candidates = [
        p for p in reply.items() if p.get("is_changeable", True) and p.get("datastore_type_id") == type_id
    ]
    for param in candidates:
        choices = [c for c in param.get("choices") or [] if c != param.get("default_value")]
        high, low, default = param.get("max"), param.get("min"), param.get("default_value")
        if param.get("type") in ("int", "integer") and isinstance(high, int):
            low = low if isinstance(low, int) else 0
            default = default if isinstance(default, int) else low
            value = min(high, max(low, default * 2 if default > 0 else low + 1))
            if value != default:
                return str(param["name"]), value
        elif choices:
            return str(param["name"]), choices[0]
    return None


def postgresql(ctx: ScenarioContext) -> None:
    """The PostgreSQL life of a datastore and everything that lives in it."""
    ds, type_id = ctx.datastore("postgresql")
    ds_id = str(ds["id"])
    path = {"datastore_id": ds_id}
    owner = ctx.create(
        "create_user",
        "user",
        {"datastore_id": ds_id, "name": ctx.unique("owner", identifier=True), "password": ctx.secret()},
        "user",
    )
    database = ctx.create(
        "create_database",
        "database",
        {
            "datastore_id": ds_id,
            "name": ctx.unique("db", identifier=True),
            "owner_id": owner["id"],
            "lc_collate": "C",
            "lc_ctype": "C",
        },
        "database",
    )
    reader = ctx.create(
        "create_user",
        "user",
        {"datastore_id": ds_id, "name": ctx.unique("reader", identifier=True), "password": ctx.secret()},
        "user",
    )
    grant = ctx.create(
        "create_grant",
        "grant",
        {"datastore_id": ds_id, "database_id": database["id"], "user_id": reader["id"]},
        "grant",
    )
    listed = ctx.call("list_databases", query={"datastore_id": ds_id}).items()
    ctx.expect(
        [d.get("id") for d in listed] == [database["id"]],
        "list_databases",
        "list_filter_by_datastore_is_exact",
        f"listed {[d.get('id') for d in listed]}",
    )
    current = ctx.call("get_datastore", path=path).obj()
    if "databases_count" in current:
        ctx.expect(
            current["databases_count"] == 1,
            "get_datastore",
            "databases_count_counts_the_databases",
            f"databases_count {current['databases_count']} with one database",
        )
    extensions = ctx.call("list_available_extensions").items()
    available = next(
        (
            e
            for e in extensions
            if type_id in (e.get("datastore_type_ids") or []) and not e.get("dependency_ids")
        ),
        None,
    )
    children = {
        str(owner["id"]): "user",
        str(reader["id"]): "user",
        str(database["id"]): "database",
        str(grant["id"]): "grant",
    }
    if ctx.expect(available is not None, "list_available_extensions", "an_extension_is_available", type_id):
        assert available is not None
        extension = ctx.create(
            "create_extension",
            "extension",
            {"datastore_id": ds_id, "database_id": database["id"], "available_extension_id": available["id"]},
            "extension",
        )
        children[str(extension["id"])] = "extension"
    slot = ctx.create(
        "create_logical_replication_slot",
        "logical-replication-slot",
        {"datastore_id": ds_id, "database_id": database["id"], "name": ctx.unique("slot", identifier=True)},
        "logical_replication_slot",
    )
    children[str(slot["id"])] = "logical_replication_slot"

    flavor = ds.get("flavor") or {}
    bigger = ctx.catalogue.larger(
        type_id, (flavor.get("vcpus", 0), flavor.get("ram", 0), flavor.get("disk", 0))
    )
    if bigger is not None:
        wanted = {"vcpus": bigger.vcpus, "ram": bigger.ram, "disk": bigger.disk}
        ctx.call("resize_datastore", path=path, body={"resize": {"node_count": 1, "flavor": wanted}})
        after = ctx.active("datastore", ds_id, "resize_datastore")
        got = {key: (after.get("flavor") or {}).get(key) for key in wanted}
        ctx.expect(
            got == wanted, "resize_datastore", "resize_changes_the_flavor", f"flavor {got}, asked {wanted}"
        )

    change = config_change(ctx, type_id)
    if ctx.expect(change is not None, "list_configuration_parameters", "a_parameter_is_changeable", type_id):
        assert change is not None
        name, value = change
        ctx.call("update_datastore_config", path=path, body={"config": {name: value}})
        after = ctx.active("datastore", ds_id, "update_datastore_config")
        ctx.expect(
            after.get("config") == {name: value},
            "update_datastore_config",
            "config_holds_only_the_keys_set",
            f"config {after.get('config')}, set {{{name!r}: {value!r}}}",
        )
        ctx.call("update_datastore_config", path=path, body={"config": {name: None}})
        after = ctx.active("datastore", ds_id, "update_datastore_config")
        ctx.expect(
            name not in (after.get("config") or {}),
            "update_datastore_config",
            "null_resets_a_parameter",
            f"config {after.get('config')} after {name}: null",
        )

    pooler = {"mode": "transaction", "size": 25}
    ctx.call("update_datastore_pooler", path=path, body={"pooler": pooler})
    after = ctx.active("datastore", ds_id, "update_datastore_pooler")
    ctx.expect(
        after.get("pooler") == pooler,
        "update_datastore_pooler",
        "pooler_is_applied",
        str(after.get("pooler")),
    )

    ctx.call("update_datastore_firewall", path=path, body={"firewall": {"ips": ["10.0.0.1"]}})
    after = ctx.active("datastore", ds_id, "update_datastore_firewall")
    ctx.expect(
        after.get("firewall") == [{"ip": "10.0.0.1"}],
        "update_datastore_firewall",
        "firewall_lists_the_addresses",
        str(after.get("firewall")),
    )
    ctx.call("update_datastore_firewall", path=path, body={"firewall": {"ips": []}})
    after = ctx.active("datastore", ds_id, "update_datastore_firewall")
    ctx.expect(
        after.get("firewall") == [], "update_datastore_firewall", "firewall_can_be_emptied", str(after)
    )

    master = next((i for i in after.get("instances") or [] if i.get("role") == "MASTER"), None)
    if ctx.expect(master is not None, "get_datastore", "one_instance_per_node_one_master", "no MASTER"):
        assert master is not None
        body = {"floating_ip": {"instance_id": master["id"]}}
        ctx.call("create_floating_ip", body=body)
        after = ctx.active("datastore", ds_id, "create_floating_ip")
        ip = next(
            (i.get("floating_ip") for i in after.get("instances") or [] if i.get("id") == master["id"]), None
        )
        ctx.expect(bool(ip), "create_floating_ip", "floating_ip_is_assigned", f"floating_ip {ip!r}")
        ctx.call("delete_floating_ip", body=body)
        after = ctx.active("datastore", ds_id, "delete_floating_ip")
        ip = next(
            (i.get("floating_ip") for i in after.get("instances") or [] if i.get("id") == master["id"]), "?"
        )
        ctx.expect(ip is None, "delete_floating_ip", "floating_ip_is_released", f"floating_ip {ip!r}")

    ctx.delete("datastore", ds_id)
    ctx.cascade(children)
    deleted = ctx.call("list_datastores", query={"deleted": True}).items()
    found = next((d for d in deleted if d.get("id") == ds_id), None)
    ctx.expect(
        found is None or found.get("status") == "DELETED",
        "list_datastores",
        "deleted_datastores_list_as_deleted",
        f"listed as {found.get('status') if found else None}",
    )
