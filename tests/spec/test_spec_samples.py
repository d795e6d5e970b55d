"""Every real response sample validates against the response schema of the operation that answers it."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from _helpers import (
    SOME_UUID,
    deref,
    describe,
    errors,
    load_spec,
    operations,
    pointer_get,
    request_schema_pointer,
    response_schema_pointer,
)

#: Roles and user-setting parameters come from newer SDK commits: outside v1's scope (DECISIONS 1).
OUT_OF_SCOPE = "newer SDK feature (roles / user-setting parameters): not in the v1 spec (DECISIONS 1)"

#: sample file stem -> (operationId, status), or OUT_OF_SCOPE.
SAMPLES: dict[str, tuple[str, int] | str] = {
    "acl_get": ("get_acl", 200),
    "acls_list": ("list_acls", 200),
    "available_extension_get": ("get_available_extension", 200),
    "available_extensions_list": ("list_available_extensions", 200),
    "configuration_parameter_get": ("get_configuration_parameter", 200),
    "configuration_parameters_list": ("list_configuration_parameters", 200),
    "database_get": ("get_database", 200),
    "databases_list": ("list_databases", 200),
    "datastore_get": ("get_datastore", 200),
    "datastore_get_multinode": ("get_datastore", 200),
    "datastore_type_get": ("get_datastore_type", 200),
    "datastore_types_list": ("list_datastore_types", 200),
    "datastores_list": ("list_datastores", 200),
    "error_400_acl_create_invalid_datastore_id": ("create_acl", 400),
    "error_400_acl_update_read_and_write_false": ("update_acl", 400),
    "error_400_database_create_invalid_datastore_id": ("create_database", 400),
    "error_400_database_update_invalid_owner_id": ("update_database", 400),
    "error_400_datastore_create_invalid_type_id": ("create_datastore", 400),
    "error_400_datastore_name_too_short": ("update_datastore", 400),
    "error_400_datastore_pooler_invalid_mode": ("update_datastore_pooler", 400),
    "error_400_datastore_resize_flavor_disk_type_unexpected": ("resize_datastore", 400),
    "error_400_datastore_resize_node_count_below_minimum": ("resize_datastore", 400),
    "error_400_extension_create_invalid_datastore_id": ("create_extension", 400),
    "error_400_topic_create_invalid_datastore_id": ("create_topic", 400),
    "error_400_topic_update_partitions_above_maximum": ("update_topic", 400),
    "error_400_user_create_invalid_datastore_id": ("create_user", 400),
    "error_404_acl_not_found": ("get_acl", 404),
    "error_404_available_extension_not_found": ("get_available_extension", 404),
    "error_404_configuration_parameter_not_found": ("get_configuration_parameter", 404),
    "error_404_database_not_found": ("get_database", 404),
    "error_404_datastore_not_found": ("get_datastore", 404),
    "error_404_datastore_type_not_found": ("get_datastore_type", 404),
    "error_404_extension_not_found": ("get_extension", 404),
    "error_404_flavor_not_found": ("get_flavor", 404),
    "error_404_grant_not_found": ("get_grant", 404),
    "error_404_instance_not_found": ("delete_floating_ip", 404),
    "error_404_logical_replication_slot_not_found": ("get_logical_replication_slot", 404),
    "error_404_prometheus_metrics_token_not_found": ("get_prometheus_metrics_token", 404),
    "error_404_topic_not_found": ("get_topic", 404),
    "error_404_user_not_found": ("get_user", 404),
    "extension_get": ("get_extension", 200),
    "extensions_list": ("list_extensions", 200),
    "flavor_get": ("get_flavor", 200),
    "flavors_list": ("list_flavors", 200),
    "grant_get": ("get_grant", 200),
    "grants_list": ("list_grants", 200),
    "logical_replication_slot_get": ("get_logical_replication_slot", 200),
    "logical_replication_slots_list": ("list_logical_replication_slots", 200),
    "newer_sdk_error_404_user_setting_parameter_not_found": OUT_OF_SCOPE,
    "newer_sdk_roles_list": OUT_OF_SCOPE,
    "newer_sdk_user_setting_parameter_get": OUT_OF_SCOPE,
    "newer_sdk_user_setting_parameters_list": OUT_OF_SCOPE,
    "prometheus_metrics_token_get": ("get_prometheus_metrics_token", 200),
    "prometheus_metrics_tokens_list": ("list_prometheus_metrics_tokens", 200),
    "topic_get": ("get_topic", 200),
    "topics_list": ("list_topics", 200),
    "user_get": ("get_user", 200),
    "users_list": ("list_users", 200),
}

#: Exporter-derived metric shapes (samples/derived) -> operationId (status 200).
EXPORTER_SHAPES = {
    "exporter_datastore_metrics": "get_datastore_metrics",
    "exporter_database_metrics_postgresql": "get_datastore_database_metrics",
    "exporter_database_metrics_mysql": "get_datastore_database_metrics",
}


def sample_rows() -> list[Any]:
    rows = []
    for stem, target in SAMPLES.items():
        if target == OUT_OF_SCOPE:
            rows.append(pytest.param(stem, None, None, id=stem, marks=pytest.mark.skip(reason=OUT_OF_SCOPE)))
        else:
            op_id, status = target
            rows.append(pytest.param(stem, op_id, status, id=stem))
    return rows


def load(samples_dir: Path, name: str) -> Any:
    return json.loads((samples_dir / name).read_text(encoding="utf-8"))


def test_table_covers_every_sample(samples_dir: Path) -> None:
    assert {path.stem for path in samples_dir.glob("*.json")} == set(SAMPLES)


def test_out_of_scope_samples_are_exactly_the_newer_sdk_ones() -> None:
    assert {stem for stem, target in SAMPLES.items() if target == OUT_OF_SCOPE} == {
        stem for stem in SAMPLES if stem.startswith("newer_sdk_")
    }


def test_out_of_scope_operations_are_absent_from_the_spec() -> None:
    paths = set(load_spec()["paths"])
    assert not {p for p in paths if p.startswith(("/roles", "/user-setting-parameters"))}
    assert not {p for p in paths if p.endswith(("/roles", "/settings"))}


@pytest.mark.parametrize(("stem", "op_id", "status"), sample_rows())
def test_sample_matches_the_response_schema(samples_dir: Path, stem: str, op_id: str, status: int) -> None:
    body = load(samples_dir, f"{stem}.json")
    assert str(status) in operations()[op_id].node["responses"], f"{op_id} does not document {status}"
    if status >= 400:
        assert body["error"]["code"] == status
    found = errors(response_schema_pointer(op_id, status), body)
    assert not found, describe(found)


@pytest.mark.parametrize(("stem", "op_id"), EXPORTER_SHAPES.items(), ids=list(EXPORTER_SHAPES))
def test_exporter_metric_shape_matches(samples_dir: Path, stem: str, op_id: str) -> None:
    text = (samples_dir / "derived" / f"{stem}.shape.response.json").read_text(encoding="utf-8")
    body = json.loads(text.replace("<datastore uuid>", SOME_UUID))
    assert "<" not in json.dumps(body)
    found = errors(response_schema_pointer(op_id, 200), body)
    assert not found, describe(found)


def test_every_exporter_shape_is_listed(samples_dir: Path) -> None:
    shapes = {
        path.name.removesuffix(".shape.response.json") for path in (samples_dir / "derived").glob("*.shape.*")
    }
    assert shapes == set(EXPORTER_SHAPES)


VALIDATION_SAMPLES = [
    stem
    for stem in SAMPLES
    if stem.startswith("error_400_") and stem != "error_400_acl_update_read_and_write_false"
]


@pytest.mark.parametrize("stem", VALIDATION_SAMPLES)
def test_validation_sample_names_a_field_of_the_request(samples_dir: Path, stem: str) -> None:
    """``Validation failure: {'<wrapper>.<field>': ...}``: the key is a property of the request schema."""
    message = load(samples_dir, f"{stem}.json")["error"]["message"]
    prefix = "Validation failure: "
    assert message.startswith(prefix)
    problems = ast.literal_eval(message.removeprefix(prefix))
    op_id = SAMPLES[stem][0]
    for key in problems:
        node = deref(pointer_get(load_spec(), request_schema_pointer(op_id)))
        for part in key.split("."):
            node = deref(node["properties"][part])
        assert node, key


# Guards against a vacuous check: the same schemas reject broken versions of real samples.
BROKEN = [
    pytest.param("datastore_get", "get_datastore", ("datastore", "status"), "RUNNING", id="datastore-status"),
    pytest.param(
        "datastore_get", "get_datastore", ("datastore", "created_at"), "1970-01-01 00:00:00", id="timestamp"
    ),
    pytest.param("acl_get", "get_acl", ("acl", "allow_read"), "true", id="acl-bool"),
    pytest.param("flavors_list", "list_flavors", ("flavors",), {}, id="list-not-array"),
    pytest.param("topic_get", "get_topic", ("topic", "partitions"), None, id="topic-partitions-null"),
    pytest.param("error_404_user_not_found", "get_user", ("error", "code"), "404", id="error-code-string"),
]


@pytest.mark.parametrize(("stem", "op_id", "path", "value"), BROKEN)
def test_broken_sample_is_rejected(
    samples_dir: Path, stem: str, op_id: str, path: tuple[str, ...], value: Any
) -> None:
    body = load(samples_dir, f"{stem}.json")
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    status = 404 if stem.startswith("error_404") else 200
    assert errors(response_schema_pointer(op_id, status), body)


@pytest.mark.parametrize("wrapper_key", ["datastore", "error"])
def test_missing_wrapper_is_rejected(wrapper_key: str) -> None:
    op_id, status = ("get_datastore", 200) if wrapper_key == "datastore" else ("get_datastore", 404)
    found = errors(response_schema_pointer(op_id, status), {})
    assert [e.validator for e in found] == ["required"]


def test_bad_request_examples_quote_real_messages(samples_dir: Path) -> None:
    """The 400 examples are the API's own messages, character for character."""
    real = {load(samples_dir, path.name)["error"]["message"] for path in samples_dir.glob("error_400_*.json")}
    examples = load_spec()["components"]["responses"]["BadRequest"]["content"]["application/json"]["examples"]
    assert examples
    for name, example in examples.items():
        assert example["value"]["error"]["message"] in real, name
