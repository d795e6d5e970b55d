"""MySQL: datastore -> database, user, grant -> delete, and the cascade of the delete."""

from __future__ import annotations

from .base import ScenarioContext

__all__ = ["mysql"]


def mysql(ctx: ScenarioContext) -> None:
    """A MySQL datastore with a database, a user and a grant."""
    ds, _ = ctx.datastore("mysql")
    ds_id = str(ds["id"])
    database = ctx.create(
        "create_database",
        "database",
        {"datastore_id": ds_id, "name": ctx.unique("db", identifier=True)},
        "database",
    )
    ctx.expect(
        database.get("lc_collate") is None and database.get("lc_ctype") is None,
        "create_database",
        "mysql_databases_have_no_locale",
        f"lc_collate {database.get('lc_collate')!r}, lc_ctype {database.get('lc_ctype')!r}",
    )
    user = ctx.create(
        "create_user",
        "user",
        {"datastore_id": ds_id, "name": ctx.unique("app", identifier=True), "password": ctx.secret()},
        "user",
    )
    grant = ctx.create(
        "create_grant",
        "grant",
        {"datastore_id": ds_id, "database_id": database["id"], "user_id": user["id"]},
        "grant",
    )
    ctx.call(
        "create_grant",
        body={"grant": {"datastore_id": ds_id, "database_id": database["id"], "user_id": user["id"]}},
        expect=409,
    )
    ctx.call(
        "create_logical_replication_slot",
        body={
            "logical-replication-slot": {
                "datastore_id": ds_id,
                "database_id": database["id"],
                "name": ctx.unique("slot", identifier=True),
            }
        },
        expect=400,
    )
    ctx.delete("datastore", ds_id)
    ctx.cascade({str(database["id"]): "database", str(user["id"]): "user", str(grant["id"]): "grant"})
