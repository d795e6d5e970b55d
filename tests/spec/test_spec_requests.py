"""Every request the SDK or the provider sends (samples/derived) is valid for its operation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _helpers import (
    SOME_PROJECT,
    SOME_UUID,
    describe,
    errors,
    fill_placeholders,
    has_placeholder,
    location,
    request_schema_pointer,
)

REJECTED = "sdk_datastore_resize_with_disk_type_rejected"

#: derived request sample stem -> the operation(s) that take it.
REQUESTS: dict[str, tuple[str, ...]] = {
    "sdk_acl_create": ("create_acl",),
    "sdk_acl_update": ("update_acl",),
    "sdk_database_create": ("create_database",),
    "sdk_database_update": ("update_database",),
    "sdk_datastore_backups": ("update_datastore_backups",),
    "sdk_datastore_config": ("update_datastore_config",),
    "sdk_datastore_create": ("create_datastore",),
    "sdk_datastore_create_flavor_disk_type": ("create_datastore",),
    "sdk_datastore_create_floating_ips": ("create_datastore",),
    "sdk_datastore_firewall": ("update_datastore_firewall",),
    "sdk_datastore_log_platform_enable": ("update_datastore_log_platform",),
    "sdk_datastore_password": ("update_datastore_password",),
    "sdk_datastore_pooler": ("update_datastore_pooler",),
    "sdk_datastore_resize": ("resize_datastore",),
    REJECTED: ("resize_datastore",),
    "sdk_datastore_security_groups": ("update_datastore_security_groups",),
    "sdk_datastore_update": ("update_datastore",),
    "sdk_extension_create": ("create_extension",),
    "sdk_floating_ip_create_or_delete": ("create_floating_ip", "delete_floating_ip"),
    "sdk_grant_create": ("create_grant",),
    "sdk_logical_replication_slot_create": ("create_logical_replication_slot",),
    "sdk_prometheus_metrics_token_create": ("create_prometheus_metrics_token",),
    "sdk_prometheus_metrics_token_update": ("update_prometheus_metrics_token",),
    "sdk_topic_create": ("create_topic",),
    "sdk_topic_update": ("update_topic",),
    "sdk_user_create": ("create_user",),
    "sdk_user_update": ("update_user",),
    "tf_firewall_resource_delete": ("update_datastore_firewall",),
    "tf_kafka_acl_create": ("create_acl",),
    "tf_kafka_datastore_create": ("create_datastore",),
    "tf_mysql_database_create": ("create_database",),
    "tf_mysql_datastore_create": ("create_datastore",),
    "tf_postgresql_database_create": ("create_database",),
    "tf_postgresql_datastore_config_update": ("update_datastore_config",),
    "tf_postgresql_datastore_create": ("create_datastore",),
    "tf_postgresql_datastore_resize_flavor": ("resize_datastore",),
    "tf_redis_datastore_create": ("create_datastore",),
    "tf_redis_datastore_resize": ("resize_datastore",),
}


def load(samples_dir: Path, stem: str) -> Any:
    raw = json.loads((samples_dir / "derived" / f"{stem}.request.json").read_text(encoding="utf-8"))
    body = fill_placeholders(raw)
    assert not has_placeholder(body)
    return body


def accepted_rows() -> list[Any]:
    return [
        pytest.param(stem, op_id, id=f"{stem}-{op_id}" if len(ops) > 1 else stem)
        for stem, ops in REQUESTS.items()
        if stem != REJECTED
        for op_id in ops
    ]


def test_table_covers_every_request_sample(samples_dir: Path) -> None:
    stems = {
        path.name.removesuffix(".request.json") for path in (samples_dir / "derived").glob("*.request.json")
    }
    assert stems == set(REQUESTS)


@pytest.mark.parametrize(("stem", "op_id"), accepted_rows())
def test_request_sample_is_valid(samples_dir: Path, stem: str, op_id: str) -> None:
    found = errors(request_schema_pointer(op_id), load(samples_dir, stem))
    assert not found, describe(found)


def test_resize_with_disk_type_is_rejected_like_the_api(samples_dir: Path) -> None:
    found = errors(request_schema_pointer("resize_datastore"), load(samples_dir, REJECTED))
    assert [(e.validator, location(e)) for e in found] == [("additionalProperties", "resize.flavor")]
    assert "'disk_type' was unexpected" in found[0].message
    # The API's own message for it (SDK fixture) quotes the same jsonschema text.
    api = json.loads(
        (samples_dir / "error_400_datastore_resize_flavor_disk_type_unexpected.json").read_text()
    )
    assert found[0].message in api["error"]["message"]


def test_placeholders_are_filled_by_field() -> None:
    filled = fill_placeholders(
        {
            "datastore": {
                "project_id": "<32-hex project id>",
                "type_id": "<type id>",
                "name": "tf-acc-ds-<random>",
            }
        }
    )
    assert filled == {
        "datastore": {"project_id": SOME_PROJECT, "type_id": SOME_UUID, "name": "tf-acc-ds-4211"}
    }


#: Bodies the brief and the provider's edge cases require to pass.
EDGE_CASES = [
    pytest.param("update_datastore_pooler", {"pooler": {}}, id="pooler-empty"),
    pytest.param("update_datastore_firewall", {"firewall": {"ips": []}}, id="firewall-empty-list"),
    pytest.param("update_datastore_firewall", {"firewall": {"ips": None}}, id="firewall-null"),
    pytest.param(
        "update_datastore_config", {"config": {"work_mem": None, "autocommit": True}}, id="config-null-reset"
    ),
    pytest.param("update_datastore_config", {"config": {}}, id="config-empty"),
    pytest.param(
        "create_datastore",
        {
            "datastore": {
                "name": "ds_1",
                "node_count": 1,
                "subnet_id": SOME_UUID,
                "type_id": SOME_UUID,
                "project_id": SOME_PROJECT,
                "flavor_id": SOME_PROJECT.upper(),
            }
        },
        id="create-hexless-uuids",
    ),
    pytest.param(
        "create_datastore",
        {
            "datastore": {
                "name": "pg",
                "node_count": 3,
                "subnet_id": SOME_UUID,
                "type_id": SOME_UUID,
                "security_groups": [SOME_UUID],
                "log_platform": {"log_group": "s/dbaas/a_b-c/d.e#f"},
                "restore": {"datastore_id": SOME_UUID, "target_time": "2025-11-20T10:00:00"},
                "pooler": {"mode": "session", "size": 500},
                "floating_ips": {"master": 1, "replica": 2},
                "disk": {"type": "network-ultra", "size": 64},
                "backup_retention_days": 1,
                "config": {"work_mem": 1.5, "xmloption": "content", "autocommit": False},
            }
        },
        id="create-every-field",
    ),
    pytest.param("resize_datastore", {"resize": {"node_count": 1}}, id="resize-node-count-only"),
    pytest.param("update_datastore", {}, id="rename-wrapper-optional"),
    pytest.param("update_flavor", {"flavor": {"description": None}}, id="flavor-description-null"),
    pytest.param("update_datastore_security_groups", {"security_groups": []}, id="security-groups-empty"),
    pytest.param("update_acl", {"acl": {}}, id="acl-update-no-fields"),
    pytest.param(
        "create_acl",
        {
            "acl": {
                "allow_read": True,
                "allow_write": False,
                "datastore_id": SOME_UUID,
                "pattern_type": "all",
                "user_id": SOME_UUID,
            }
        },
        id="acl-all-without-pattern",
    ),
    pytest.param(
        "create_logical_replication_slot",
        {
            "logical-replication-slot": {
                "name": "test_slot-123",
                "datastore_id": SOME_UUID,
                "database_id": SOME_UUID,
            }
        },
        id="slot-name-with-hyphen",
    ),
]


@pytest.mark.parametrize(("op_id", "body"), EDGE_CASES)
def test_edge_case_is_accepted(op_id: str, body: Any) -> None:
    found = errors(request_schema_pointer(op_id), body)
    assert not found, describe(found)
