"""Hand-made invalid bodies: each breaks one constraint, and the spec rejects it with that keyword."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest
from _helpers import describe, errors, location, request_schema_pointer

U = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
BAD_UUID = "20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f"  # one digit short, as in the SDK fixtures

#: One valid body per operation with a body; each case below changes one thing in it.
BASE: dict[str, Any] = {
    "create_datastore": {
        "datastore": {
            "name": "pg-main",
            "type_id": U,
            "subnet_id": U,
            "node_count": 1,
            "project_id": "a" * 32,
            "flavor": {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"},
            "disk": {"type": "local", "size": 32},
            "pooler": {"mode": "transaction", "size": 30},
            "floating_ips": {"master": 1, "replica": 0},
            "restore": {"datastore_id": U, "target_time": "2025-11-20T10:00:00"},
            "config": {"work_mem": 128},
            "backup_retention_days": 7,
            "redis_password": "secret",
            "security_groups": [U],
            "log_platform": {"log_group": "s/dbaas/group"},
        }
    },
    "update_datastore": {"datastore": {"name": "pg-renamed"}},
    "resize_datastore": {
        "resize": {"flavor": {"vcpus": 2, "ram": 8192, "disk": 32}, "disk": {"size": 64}, "node_count": 3}
    },
    "resize_datastore_flavor_id": {"resize": {"flavor_id": U, "node_count": 1}},
    "update_datastore_pooler": {"pooler": {"mode": "session", "size": 30}},
    "update_datastore_firewall": {"firewall": {"ips": ["10.0.0.1"]}},
    "update_datastore_password": {"password": {"redis_password": "secret"}},
    "update_datastore_backups": {"backups": {"backup_retention_days": 14}},
    "update_datastore_config": {"config": {"work_mem": 256}},
    "update_datastore_security_groups": {"security_groups": [U]},
    "update_datastore_log_platform": {"log_platform": {"log_group": "s/dbaas/group"}},
    "create_database": {
        "database": {"datastore_id": U, "name": "app_db", "owner_id": U, "lc_collate": "C", "lc_ctype": "C"}
    },
    "update_database": {"database": {"owner_id": U}},
    "create_user": {"user": {"datastore_id": U, "name": "app_user", "password": "secret"}},
    "update_user": {"user": {"password": "secret2"}},
    "create_grant": {"grant": {"datastore_id": U, "database_id": U, "user_id": U}},
    "create_extension": {"extension": {"available_extension_id": U, "datastore_id": U, "database_id": U}},
    "create_topic": {"topic": {"datastore_id": U, "name": "orders.v1", "partitions": 3}},
    "update_topic": {"topic": {"partitions": 4}},
    "create_acl": {
        "acl": {
            "allow_read": True,
            "allow_write": False,
            "datastore_id": U,
            "pattern": "orders",
            "pattern_type": "prefixed",
            "user_id": U,
        }
    },
    "update_acl": {"acl": {"allow_read": True, "allow_write": True}},
    "create_logical_replication_slot": {
        "logical-replication-slot": {"name": "slot_1", "datastore_id": U, "database_id": U}
    },
    "create_prometheus_metrics_token": {"prometheus-metrics-token": {"name": "grafana"}},
    "update_prometheus_metrics_token": {"prometheus-metrics-token": {"name": "grafana-2"}},
    "create_flavor": {
        "flavor": {
            "datastore_type_ids": [U],
            "description": "",
            "disk": 32,
            "fl_size": "standard",
            "host": {"line": "L", "processor": "Intel-Gold6240", "total_count": 2},
            "is_public": True,
            "name": "2-4096-32",
            "ram": 4096,
            "template": "t",
            "vcpus": 2,
        }
    },
    "update_flavor": {"flavor": {"name": "2-4096-32", "description": None}},
    "update_flavor_host": {"host": {"line": "L", "processor": "Intel-Gold6240", "total_count": 0}},
    "create_available_extension": {
        "available-extension": {"datastore_type_ids": [U], "dependency_ids": [], "name": "hstore"}
    },
    "update_available_extension": {"available-extension": {"datastore_type_ids": [U], "dependency_ids": [U]}},
    "create_configuration_parameter": {
        "configuration-parameter": {
            "can_be_empty": False,
            "choices": ["on", "off"],
            "datastore_type_id": U,
            "default_value_template": None,
            "factor": 1,
            "invalid_values": [],
            "is_available_for_customer": True,
            "is_changeable": True,
            "is_multiple_choice_available": False,
            "is_restart_required": False,
            "max_template": "64",
            "min_template": "1",
            "name": "thread_pool_size",
            "type": "int",
            "unit": "",
        }
    },
    "create_floating_ip": {"floating_ip": {"instance_id": U}},
    "delete_floating_ip": {"floating_ip": {"instance_id": U}},
}


def operation_of(base: str) -> str:
    return "resize_datastore" if base == "resize_datastore_flavor_id" else base


@dataclass(frozen=True)
class Set:
    """Set the value at a dotted path (``""`` replaces the whole body)."""

    path: str
    value: Any

    def apply(self, body: Any) -> Any:
        if not self.path:
            return self.value
        *parents, last = self.path.split(".")
        node = body
        for key in parents:
            node = node[key]
        node[last] = self.value
        return body


@dataclass(frozen=True)
class Drop:
    """Remove the key at a dotted path."""

    path: str

    def apply(self, body: Any) -> Any:
        *parents, last = self.path.split(".")
        node = body
        for key in parents:
            node = node[key]
        del node[last]
        return body


def case(base: str, change: Set | Drop, keyword: str, where: str, name: str) -> Any:
    return pytest.param(base, change, keyword, where, id=f"{base}-{name}")


DS = "datastore"
CASES = [
    # create_datastore
    case("create_datastore", Drop("datastore.name"), "required", DS, "missing-name"),
    case("create_datastore", Drop("datastore.subnet_id"), "required", DS, "missing-subnet"),
    case("create_datastore", Set("datastore.name", ""), "minLength", "datastore.name", "name-empty"),
    case("create_datastore", Set("datastore.name", "a" * 256), "maxLength", "datastore.name", "name-long"),
    case("create_datastore", Set("datastore.name", "pg main!"), "pattern", "datastore.name", "name-pattern"),
    case(
        "create_datastore", Set("datastore.type_id", BAD_UUID), "format", "datastore.type_id", "type-id-uuid"
    ),
    case(
        "create_datastore",
        Set("datastore.project_id", "my-project"),
        "format",
        "datastore.project_id",
        "project-id",
    ),
    case(
        "create_datastore", Set("datastore.node_count", 0), "minimum", "datastore.node_count", "node-count-0"
    ),
    case(
        "create_datastore", Set("datastore.node_count", "1"), "type", "datastore.node_count", "node-count-str"
    ),
    case(
        "create_datastore", Set("datastore.flavor.vcpus", 0), "minimum", "datastore.flavor.vcpus", "vcpus-0"
    ),
    case(
        "create_datastore",
        Set("datastore.flavor.disk_type", "ssd"),
        "enum",
        "datastore.flavor.disk_type",
        "disk-type-enum",
    ),
    case("create_datastore", Drop("datastore.flavor.ram"), "required", "datastore.flavor", "flavor-no-ram"),
    case(
        "create_datastore",
        Set("datastore.flavor.gpu", 1),
        "additionalProperties",
        "datastore.flavor",
        "flavor-extra",
    ),
    case("create_datastore", Set("datastore.disk.type", "ssd"), "enum", "datastore.disk.type", "disk-enum"),
    case("create_datastore", Set("datastore.disk.size", 0), "minimum", "datastore.disk.size", "disk-size-0"),
    case(
        "create_datastore",
        Set("datastore.floating_ips.master", 2),
        "maximum",
        "datastore.floating_ips.master",
        "fip-master-2",
    ),
    case(
        "create_datastore",
        Set("datastore.floating_ips.replica", -1),
        "minimum",
        "datastore.floating_ips.replica",
        "fip-replica-negative",
    ),
    case(
        "create_datastore",
        Set("datastore.pooler.size", 501),
        "maximum",
        "datastore.pooler.size",
        "pooler-501",
    ),
    case(
        "create_datastore",
        Set("datastore.pooler.mode", "abc"),
        "enum",
        "datastore.pooler.mode",
        "pooler-mode",
    ),
    case(
        "create_datastore",
        Set("datastore.restore.datastore_id", BAD_UUID),
        "format",
        "datastore.restore.datastore_id",
        "restore-uuid",
    ),
    case(
        "create_datastore",
        Drop("datastore.restore.datastore_id"),
        "required",
        "datastore.restore",
        "restore-empty",
    ),
    case(
        "create_datastore",
        Set("datastore.config.work_mem", [1]),
        "type",
        "datastore.config.work_mem",
        "config-list-value",
    ),
    case(
        "create_datastore",
        Set("datastore.config.work_mem", None),
        "type",
        "datastore.config.work_mem",
        "config-null-on-create",
    ),
    case(
        "create_datastore",
        Set("datastore.redis_password", ""),
        "minLength",
        "datastore.redis_password",
        "redis-password-empty",
    ),
    case(
        "create_datastore",
        Set("datastore.backup_retention_days", 0),
        "minimum",
        "datastore.backup_retention_days",
        "backups-0",
    ),
    case(
        "create_datastore",
        Set("datastore.security_groups", ["default"]),
        "format",
        "datastore.security_groups.0",
        "security-group-uuid",
    ),
    case(
        "create_datastore",
        Set("datastore.log_platform.log_group", "dbaas/group"),
        "pattern",
        "datastore.log_platform.log_group",
        "log-group-prefix",
    ),
    case(
        "create_datastore",
        Set("datastore.log_platform.log_group", "s/dbaas/" + "a" * 505),
        "maxLength",
        "datastore.log_platform.log_group",
        "log-group-long",
    ),
    case("create_datastore", Set("datastore.region", "ru-1"), "additionalProperties", DS, "unknown-field"),
    case("create_datastore", Set("extra", 1), "additionalProperties", "", "unknown-top-level-key"),
    case("create_datastore", Set("", {}), "required", "", "no-wrapper"),
    case("create_datastore", Set("", []), "type", "", "body-not-object"),
    # update_datastore
    case("update_datastore", Set("datastore.name", ""), "minLength", "datastore.name", "name-empty"),
    case("update_datastore", Set("datastore.name", 5), "type", "datastore.name", "name-int"),
    case("update_datastore", Set("datastore.enabled", False), "additionalProperties", DS, "unknown-field"),
    case("update_datastore", Set("datastore", "pg"), "type", DS, "wrapper-string"),
    # resize_datastore
    case("resize_datastore", Set("resize.node_count", 0), "minimum", "resize.node_count", "node-count-0"),
    case(
        "resize_datastore",
        Set("resize.flavor.disk_type", "local"),
        "additionalProperties",
        "resize.flavor",
        "flavor-disk-type",
    ),
    case("resize_datastore", Drop("resize.flavor.ram"), "required", "resize.flavor", "flavor-no-ram"),
    case("resize_datastore", Set("resize.disk", {}), "required", "resize.disk", "disk-no-size"),
    case("resize_datastore", Set("resize.disk.size", "64"), "type", "resize.disk.size", "disk-size-str"),
    case(
        "resize_datastore_flavor_id",
        Set("resize.flavor_id", BAD_UUID),
        "format",
        "resize.flavor_id",
        "flavor-id",
    ),
    case("resize_datastore", Set("", {}), "required", "", "no-wrapper"),
    # pooler / firewall / password / backups / config / security groups / log platform
    case("update_datastore_pooler", Set("pooler.mode", "abc"), "enum", "pooler.mode", "mode-enum"),
    case("update_datastore_pooler", Set("pooler.size", 0), "minimum", "pooler.size", "size-0"),
    case("update_datastore_pooler", Set("pooler.size", 501), "maximum", "pooler.size", "size-501"),
    case(
        "update_datastore_pooler", Set("pooler.port", 5433), "additionalProperties", "pooler", "unknown-field"
    ),
    case("update_datastore_firewall", Drop("firewall.ips"), "required", "firewall", "missing-ips"),
    case("update_datastore_firewall", Set("firewall.ips", "10.0.0.1"), "type", "firewall.ips", "ips-string"),
    case("update_datastore_firewall", Set("firewall.ips", [""]), "minLength", "firewall.ips.0", "ip-empty"),
    case(
        "update_datastore_firewall",
        Set("firewall.ips", ["1" * 256]),
        "maxLength",
        "firewall.ips.0",
        "ip-long",
    ),
    case("update_datastore_password", Drop("password.redis_password"), "required", "password", "missing"),
    case(
        "update_datastore_password",
        Set("password.redis_password", ""),
        "minLength",
        "password.redis_password",
        "empty",
    ),
    case(
        "update_datastore_password",
        Set("password.redis_password", "p" * 256),
        "maxLength",
        "password.redis_password",
        "long",
    ),
    case(
        "update_datastore_password",
        Set("password.redis_password", 12345),
        "type",
        "password.redis_password",
        "int",
    ),
    case(
        "update_datastore_backups",
        Set("backups.backup_retention_days", 0),
        "minimum",
        "backups.backup_retention_days",
        "days-0",
    ),
    case(
        "update_datastore_backups",
        Set("backups.backup_retention_days", "7"),
        "type",
        "backups.backup_retention_days",
        "days-str",
    ),
    case(
        "update_datastore_backups",
        Set("backups.window", "02:00"),
        "additionalProperties",
        "backups",
        "unknown",
    ),
    case("update_datastore_config", Set("config", []), "type", "config", "config-list"),
    case(
        "update_datastore_config",
        Set("config.work_mem", {"value": 1}),
        "type",
        "config.work_mem",
        "value-object",
    ),
    case(
        "update_datastore_config", Set("datastore_id", U), "additionalProperties", "", "unknown-top-level-key"
    ),
    case("update_datastore_security_groups", Set("", {}), "required", "", "missing"),
    case(
        "update_datastore_security_groups",
        Set("security_groups", ["default"]),
        "format",
        "security_groups.0",
        "not-uuid",
    ),
    case(
        "update_datastore_security_groups", Set("security_groups", U), "type", "security_groups", "not-array"
    ),
    case(
        "update_datastore_log_platform",
        Set("log_platform.log_group", "s/other/x"),
        "pattern",
        "log_platform.log_group",
        "pattern",
    ),
    case(
        "update_datastore_log_platform", Set("log_platform", {}), "required", "log_platform", "missing-group"
    ),
    case(
        "update_datastore_log_platform",
        Set("log_platform.retention", 7),
        "additionalProperties",
        "log_platform",
        "unknown",
    ),
    # databases, users, grants, extensions
    case("create_database", Set("database.name", "1db"), "pattern", "database.name", "name-pattern"),
    case("create_database", Set("database.name", "d" * 64), "maxLength", "database.name", "name-long"),
    case("create_database", Drop("database.datastore_id"), "required", "database", "missing-datastore"),
    case("create_database", Set("database.owner_id", BAD_UUID), "format", "database.owner_id", "owner-uuid"),
    case("create_database", Set("database.encoding", "UTF8"), "additionalProperties", "database", "unknown"),
    case("update_database", Drop("database.owner_id"), "required", "database", "missing-owner"),
    case("update_database", Set("database.owner_id", BAD_UUID), "format", "database.owner_id", "owner-uuid"),
    case(
        "update_database", Set("database.name", "x"), "additionalProperties", "database", "rename-not-allowed"
    ),
    case("create_user", Set("user.name", "app-user"), "pattern", "user.name", "name-pattern"),
    case("create_user", Set("user.password", ""), "minLength", "user.password", "password-empty"),
    case("create_user", Drop("user.password"), "required", "user", "missing-password"),
    case("create_user", Set("user.datastore_id", BAD_UUID), "format", "user.datastore_id", "datastore-uuid"),
    case(
        "create_user",
        Set("user.roles", ["pg_read_all_data"]),
        "additionalProperties",
        "user",
        "newer-sdk-roles",
    ),
    case("update_user", Drop("user.password"), "required", "user", "missing-password"),
    case("update_user", Set("user.password", "p" * 256), "maxLength", "user.password", "password-long"),
    case("update_user", Set("user.name", "x"), "additionalProperties", "user", "rename-not-allowed"),
    case("create_grant", Set("grant.user_id", BAD_UUID), "format", "grant.user_id", "user-uuid"),
    case("create_grant", Drop("grant.database_id"), "required", "grant", "missing-database"),
    case("create_grant", Set("grant.privileges", "ALL"), "additionalProperties", "grant", "unknown"),
    case(
        "create_extension",
        Set("extension.available_extension_id", BAD_UUID),
        "format",
        "extension.available_extension_id",
        "available-uuid",
    ),
    case("create_extension", Drop("extension.database_id"), "required", "extension", "missing-database"),
    case("create_extension", Set("extension.version", "1.0"), "additionalProperties", "extension", "unknown"),
    # topics, ACLs, slots, tokens
    case("create_topic", Set("topic.partitions", 0), "minimum", "topic.partitions", "partitions-0"),
    case("create_topic", Set("topic.partitions", 4001), "maximum", "topic.partitions", "partitions-4001"),
    case("create_topic", Set("topic.name", "my topic"), "pattern", "topic.name", "name-pattern"),
    case("create_topic", Set("topic.name", "t" * 250), "maxLength", "topic.name", "name-long"),
    case("create_topic", Drop("topic.datastore_id"), "required", "topic", "missing-datastore"),
    case("update_topic", Set("topic.partitions", 4001), "maximum", "topic.partitions", "partitions-4001"),
    case("update_topic", Set("topic.partitions", "2"), "type", "topic.partitions", "partitions-str"),
    case("update_topic", Set("topic", {}), "required", "topic", "missing-partitions"),
    case("create_acl", Set("acl.pattern_type", "any"), "enum", "acl.pattern_type", "pattern-type-enum"),
    case("create_acl", Set("acl.pattern", "orders topic"), "pattern", "acl.pattern", "pattern-pattern"),
    case("create_acl", Set("acl.pattern", "o" * 250), "maxLength", "acl.pattern", "pattern-long"),
    case("create_acl", Set("acl.allow_read", "yes"), "type", "acl.allow_read", "allow-read-str"),
    case("create_acl", Drop("acl.user_id"), "required", "acl", "missing-user"),
    case("create_acl", Set("acl.datastore_id", BAD_UUID), "format", "acl.datastore_id", "datastore-uuid"),
    case("update_acl", Set("acl.allow_write", "true"), "type", "acl.allow_write", "allow-write-str"),
    case("update_acl", Set("acl.pattern", "x"), "additionalProperties", "acl", "pattern-not-allowed"),
    case("update_acl", Set("acl", None), "type", "acl", "wrapper-null"),
    case(
        "create_logical_replication_slot",
        Set("logical-replication-slot.name", ""),
        "minLength",
        "logical-replication-slot.name",
        "name-empty",
    ),
    case(
        "create_logical_replication_slot",
        Set("logical-replication-slot.name", "s" * 256),
        "maxLength",
        "logical-replication-slot.name",
        "name-long",
    ),
    case(
        "create_logical_replication_slot",
        Drop("logical-replication-slot.database_id"),
        "required",
        "logical-replication-slot",
        "missing-database",
    ),
    case(
        "create_logical_replication_slot",
        Set("logical-replication-slot.datastore_id", BAD_UUID),
        "format",
        "logical-replication-slot.datastore_id",
        "datastore-uuid",
    ),
    case(
        "create_prometheus_metrics_token",
        Set("prometheus-metrics-token.name", ""),
        "minLength",
        "prometheus-metrics-token.name",
        "name-empty",
    ),
    case(
        "create_prometheus_metrics_token",
        Set("prometheus-metrics-token", {}),
        "required",
        "prometheus-metrics-token",
        "missing-name",
    ),
    case(
        "create_prometheus_metrics_token",
        Set("prometheus-metrics-token.value", "x" * 64),
        "additionalProperties",
        "prometheus-metrics-token",
        "value-not-allowed",
    ),
    case(
        "update_prometheus_metrics_token",
        Set("prometheus-metrics-token.name", "n" * 256),
        "maxLength",
        "prometheus-metrics-token.name",
        "name-long",
    ),
    # admin catalogue
    case("create_flavor", Set("flavor.vcpus", 0), "minimum", "flavor.vcpus", "vcpus-0"),
    case("create_flavor", Set("flavor.disk", -1), "minimum", "flavor.disk", "disk-negative"),
    case("create_flavor", Drop("flavor.fl_size"), "required", "flavor", "missing-fl-size"),
    case(
        "create_flavor",
        Set("flavor.datastore_type_ids", [BAD_UUID]),
        "format",
        "flavor.datastore_type_ids.0",
        "type-uuid",
    ),
    case("create_flavor", Set("flavor.is_public", "yes"), "type", "flavor.is_public", "is-public-str"),
    case(
        "create_flavor",
        Set("flavor.host.total_count", -1),
        "minimum",
        "flavor.host.total_count",
        "host-count",
    ),
    case("create_flavor", Set("flavor.gpu", 1), "additionalProperties", "flavor", "unknown"),
    case("update_flavor", Set("flavor.name", ""), "minLength", "flavor.name", "name-empty"),
    case("update_flavor", Set("flavor.description", 5), "type", "flavor.description", "description-int"),
    case("update_flavor", Set("flavor.vcpus", 4), "additionalProperties", "flavor", "vcpus-not-allowed"),
    case("update_flavor_host", Set("host.total_count", -1), "minimum", "host.total_count", "count-negative"),
    case("update_flavor_host", Set("host.line", ""), "minLength", "host.line", "line-empty"),
    case("update_flavor_host", Drop("host.processor"), "required", "host", "missing-processor"),
    case(
        "update_flavor_host",
        Set("host.available_count", 2),
        "additionalProperties",
        "host",
        "available-count",
    ),
    case(
        "create_available_extension",
        Set("available-extension.name", ""),
        "minLength",
        "available-extension.name",
        "name-empty",
    ),
    case(
        "create_available_extension",
        Drop("available-extension.datastore_type_ids"),
        "required",
        "available-extension",
        "missing-types",
    ),
    case(
        "create_available_extension",
        Set("available-extension.dependency_ids", ["hstore"]),
        "format",
        "available-extension.dependency_ids.0",
        "dependency-uuid",
    ),
    case(
        "create_available_extension",
        Set("available-extension.id", U),
        "additionalProperties",
        "available-extension",
        "unknown",
    ),
    case(
        "update_available_extension",
        Drop("available-extension.datastore_type_ids"),
        "required",
        "available-extension",
        "missing-types",
    ),
    case(
        "update_available_extension",
        Set("available-extension.datastore_type_ids", U),
        "type",
        "available-extension.datastore_type_ids",
        "types-not-array",
    ),
    case(
        "update_available_extension",
        Set("available-extension.name", "x"),
        "additionalProperties",
        "available-extension",
        "rename-not-allowed",
    ),
    case(
        "create_configuration_parameter",
        Set("configuration-parameter.factor", 0),
        "minimum",
        "configuration-parameter.factor",
        "factor-0",
    ),
    case(
        "create_configuration_parameter",
        Set("configuration-parameter.choices", ["on", "on"]),
        "uniqueItems",
        "configuration-parameter.choices",
        "choices-unique",
    ),
    case(
        "create_configuration_parameter",
        Drop("configuration-parameter.can_be_empty"),
        "required",
        "configuration-parameter",
        "missing-can-be-empty",
    ),
    case(
        "create_configuration_parameter",
        Set("configuration-parameter.datastore_type_id", BAD_UUID),
        "format",
        "configuration-parameter.datastore_type_id",
        "type-uuid",
    ),
    case(
        "create_configuration_parameter",
        Set("configuration-parameter.default_value_template", 5),
        "type",
        "configuration-parameter.default_value_template",
        "template-int",
    ),
    case(
        "create_configuration_parameter",
        Set("configuration-parameter.min", 1),
        "additionalProperties",
        "configuration-parameter",
        "unknown",
    ),
    # floating IPs
    case(
        "create_floating_ip",
        Set("floating_ip.instance_id", BAD_UUID),
        "format",
        "floating_ip.instance_id",
        "instance-uuid",
    ),
    case("create_floating_ip", Set("floating_ip", {}), "required", "floating_ip", "missing-instance"),
    case(
        "create_floating_ip",
        Set("floating_ip.address", "1.2.3.4"),
        "additionalProperties",
        "floating_ip",
        "unknown",
    ),
    case(
        "delete_floating_ip",
        Set("floating_ip.instance_id", 7),
        "type",
        "floating_ip.instance_id",
        "instance-int",
    ),
    case("delete_floating_ip", Drop("floating_ip"), "required", "", "no-wrapper"),
]


@pytest.mark.parametrize("base", sorted(BASE))
def test_base_body_is_valid(base: str) -> None:
    found = errors(request_schema_pointer(operation_of(base)), BASE[base])
    assert not found, describe(found)


@pytest.mark.parametrize(("base", "change", "keyword", "where"), CASES)
def test_invalid_body_is_rejected_by_that_constraint(
    base: str, change: Set | Drop, keyword: str, where: str
) -> None:
    body = change.apply(copy.deepcopy(BASE[base]))
    found = errors(request_schema_pointer(operation_of(base)), body)
    assert [(e.validator, location(e)) for e in found] == [(keyword, where)], describe(found)


def test_every_request_schema_has_cases() -> None:
    covered = {operation_of(param.values[0]) for param in CASES}
    assert covered == {operation_of(base) for base in BASE}
    assert len(CASES) >= 3 * len(covered)


#: The wrapper's fields sent bare, or under the wrong key (older SDKs used ``floating-ip``).
UNWRAPPED = [
    pytest.param("resize_datastore", {"node_count": 3}, "resize", id="resize-fields-bare"),
    pytest.param(
        "create_floating_ip", {"floating-ip": {"instance_id": U}}, "floating_ip", id="floating-ip-hyphen"
    ),
    pytest.param(
        "create_user", {"name": "u", "password": "p", "datastore_id": U}, "user", id="user-fields-bare"
    ),
]


@pytest.mark.parametrize(("op_id", "body", "wrapper"), UNWRAPPED)
def test_unwrapped_body_is_rejected(op_id: str, body: Any, wrapper: str) -> None:
    found = errors(request_schema_pointer(op_id), body)
    assert [(e.validator, location(e)) for e in found] == [("required", ""), ("additionalProperties", "")]
    assert f"'{wrapper}' is a required property" in found[0].message
