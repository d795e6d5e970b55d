"""Kafka: datastore -> topic, user, ACL -> partitions grow (never shrink) -> delete, and the cascade."""

from __future__ import annotations

from .base import ScenarioContext

__all__ = ["kafka"]


def kafka(ctx: ScenarioContext) -> None:
    """A Kafka datastore with a topic, a user and an ACL on the topic."""
    ds, _ = ctx.datastore("kafka")
    ds_id = str(ds["id"])
    ctx.expect(
        "backup_retention_days" not in ds,
        "get_datastore",
        "kafka_has_no_backups",
        f"backup_retention_days {ds.get('backup_retention_days')!r}",
    )
    topic = ctx.create(
        "create_topic",
        "topic",
        {"datastore_id": ds_id, "name": ctx.unique("topic"), "partitions": 1},
        "topic",
    )
    user = ctx.create(
        "create_user",
        "user",
        {"datastore_id": ds_id, "name": ctx.unique("client", identifier=True), "password": ctx.secret()},
        "user",
    )
    acl = ctx.create(
        "create_acl",
        "acl",
        {
            "datastore_id": ds_id,
            "user_id": user["id"],
            "pattern": topic["name"],
            "pattern_type": "literal",
            "allow_read": True,
            "allow_write": False,
        },
        "acl",
    )
    topic_path = {"topic_id": str(topic["id"])}
    ctx.call("update_topic", path=topic_path, body={"topic": {"partitions": 2}})
    grown = ctx.active("topic", str(topic["id"]), "update_topic")
    ctx.expect(
        grown.get("partitions") == 2,
        "update_topic",
        "partitions_grow",
        f"partitions {grown.get('partitions')}",
    )
    ctx.call("update_topic", path=topic_path, body={"topic": {"partitions": 1}}, expect=400)
    still = ctx.call("get_topic", path=topic_path).obj()
    ctx.expect(
        still.get("partitions") == 2,
        "update_topic",
        "partitions_never_shrink",
        f"partitions {still.get('partitions')}",
    )
    acl_path = {"acl_id": str(acl["id"])}
    ctx.call(
        "update_acl", path=acl_path, body={"acl": {"allow_read": False, "allow_write": False}}, expect=400
    )
    ctx.call("update_acl", path=acl_path, body={"acl": {"allow_read": False, "allow_write": True}})
    changed = ctx.active("acl", str(acl["id"]), "update_acl")
    ctx.expect(
        (changed.get("allow_read"), changed.get("allow_write")) == (False, True),
        "update_acl",
        "acl_update_is_applied",
        f"allow_read {changed.get('allow_read')}, allow_write {changed.get('allow_write')}",
    )
    current = ctx.call("get_datastore", path={"datastore_id": ds_id}).obj()
    if "topics_count" in current:
        ctx.expect(
            current["topics_count"] == 1,
            "get_datastore",
            "topics_count_counts_the_topics",
            f"topics_count {current['topics_count']} with one topic",
        )
    ctx.call(
        "create_database",
        body={"database": {"datastore_id": ds_id, "name": ctx.unique("db", identifier=True)}},
        expect=400,
    )
    ctx.delete("datastore", ds_id)
    ctx.cascade({str(topic["id"]): "topic", str(user["id"]): "user", str(acl["id"]): "acl"})
