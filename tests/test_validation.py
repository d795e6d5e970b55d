"""Request and response validation: the API's exact wording, bad bodies, query parsing, responses.

Most tests run against a small OpenAPI 3.1 document built here, shaped like the real one (wrappers,
``$ref``s to ``components``, ``additionalProperties: false``, ``format: UUID``); the last ones run over
the real ``openapi/dbaas-v1.yaml`` once it has content.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from mock_server.errors import ApiError
from mock_server.spec import ApiSpec, load_spec
from mock_server.validation import RequestValidator, ResponseValidator, is_uuid

REPO = Path(__file__).resolve().parents[1]
_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "reference"
REFERENCE = _BESIDE if _BESIDE.is_dir() else REPO.parent / "shared" / "reference"
SPEC_PATH = REPO / "openapi" / "dbaas-v1.yaml"

UUID_A = "20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f4"
SHORT_UUID = "20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f"

# -- a small spec shaped like the real one -----------------------------------------------------------------

UUID_S: dict[str, Any] = {"type": "string", "format": "UUID"}
ERROR = {"$ref": "#/components/responses/Error"}


def _wrapper(name: str, ref: str, *, required: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: {"$ref": f"#/components/schemas/{ref}"}},
        **({"required": [name]} if required else {}),
    }


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        **({"required": required} if required else {}),
    }


SCHEMAS: dict[str, Any] = {
    "DatastoreCreate": _obj(
        {
            "backup_retention_days": {"type": "integer", "minimum": 1},
            "config": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
            "disk": _obj({"type": {"type": "string"}, "size": {"type": "integer", "minimum": 1}}),
            "flavor": _obj(
                {
                    "disk_type": {"type": "string", "enum": ["local", "network-ultra"]},
                    "vcpus": {"type": "integer", "minimum": 1},
                    "ram": {"type": "integer", "minimum": 1},
                    "disk": {"type": "integer", "minimum": 1},
                }
            ),
            "flavor_id": UUID_S,
            "name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[A-Za-z0-9_-]*$"},
            "node_count": {"type": "integer", "minimum": 1},
            "project_id": UUID_S,
            "subnet_id": UUID_S,
            "type_id": UUID_S,
            "restore": _obj(
                {"datastore_id": UUID_S, "target_time": {"type": "string", "format": "date-time"}}
            ),
        },
        ["name", "node_count", "subnet_id", "type_id"],
    ),
    "DatastoreUpdate": _obj({"name": {"type": "string", "minLength": 1, "maxLength": 255}}),
    "DatastoreResize": _obj(
        {
            "disk": _obj({"size": {"type": "integer", "minimum": 1}}),
            "flavor": _obj(
                {
                    "vcpus": {"type": "integer", "minimum": 1},
                    "ram": {"type": "integer", "minimum": 1},
                    "disk": {"type": "integer", "minimum": 1},
                }
            ),
            "flavor_id": UUID_S,
            "node_count": {"type": "integer", "minimum": 1},
        }
    ),
    "DatastorePooler": _obj(
        {
            "mode": {"type": "string", "enum": ["session", "transaction", "statement"]},
            "size": {"type": "integer", "minimum": 1, "maximum": 500},
        }
    ),
    "DatastoreFirewall": _obj(
        {"ips": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 255}}}, ["ips"]
    ),
    "ACLCreate": _obj(
        {
            "allow_read": {"type": "boolean"},
            "allow_write": {"type": "boolean"},
            "datastore_id": UUID_S,
            "pattern": {"type": "string", "maxLength": 249, "pattern": r"^[a-zA-Z0-9\._\-]+$"},
            "pattern_type": {"type": "string", "enum": ["literal", "prefixed", "all"]},
            "user_id": UUID_S,
        },
        ["allow_read", "allow_write", "datastore_id", "pattern_type", "user_id"],
    ),
    "DatabaseCreate": _obj(
        {
            "datastore_id": UUID_S,
            "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 63,
                "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
            },
            "owner_id": UUID_S,
            "lc_collate": {"type": "string"},
            "lc_ctype": {"type": "string"},
        },
        ["datastore_id", "name"],
    ),
    "DatabaseUpdate": _obj({"owner_id": UUID_S}, ["owner_id"]),
    "ExtensionCreate": _obj(
        {"available_extension_id": UUID_S, "database_id": UUID_S, "datastore_id": UUID_S},
        ["available_extension_id", "database_id", "datastore_id"],
    ),
    "TopicCreate": _obj(
        {
            "datastore_id": UUID_S,
            "name": {"type": "string", "minLength": 1, "maxLength": 249, "pattern": r"^[a-zA-Z0-9\._\-]+$"},
            "partitions": {"type": "integer", "minimum": 1, "maximum": 4000, "default": 1},
        },
        ["datastore_id", "name", "partitions"],
    ),
    "TopicUpdate": _obj({"partitions": {"type": "integer", "minimum": 1, "maximum": 4000}}, ["partitions"]),
    "UserCreate": _obj(
        {
            "datastore_id": UUID_S,
            "name": {"type": "string", "minLength": 1, "maxLength": 63},
            "password": {"type": "string", "minLength": 1, "maxLength": 255},
        },
        ["datastore_id", "name", "password"],
    ),
    "ConfigurationParameterCreate": _obj(
        {
            "choices": {
                "type": "array",
                "uniqueItems": True,
                "minItems": 1,
                "maxItems": 3,
                "items": {"type": ["number", "string", "boolean", "null"]},
            },
            "default_value_template": {"type": ["string", "null"]},
            "factor": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
            "name": {"type": "string"},
            "kind": {"const": "fixed"},
            "step": {"type": "number", "multipleOf": 0.5},
        },
        ["name"],
    ),
    "FloatingIP": _obj({"instance_id": UUID_S}, ["instance_id"]),
    "Datastore": {
        "type": "object",
        "required": ["id", "name", "status", "project_id"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": ["ACTIVE", "PENDING_CREATE"]},
            "project_id": UUID_S,
            "created_at": {"type": "string", "format": "date-time"},
            "floating_ip": {"type": ["string", "null"]},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "title", "message"],
                "properties": {
                    "code": {"type": "integer"},
                    "title": {"type": "string"},
                    "message": {"type": "string"},
                },
            }
        },
    },
}


def _request(name: str, ref: str, *, required: bool = True) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": _wrapper(name, ref, required=required)}},
    }


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def _op(op_id: str, body: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "responses": {"200": _ok({"type": "object"}), "400": ERROR}}
    if body is not None:
        op["requestBody"] = body
    op.update(extra)
    return op


ID_PARAM = {"name": "datastore_id", "in": "path", "required": True, "schema": {"type": "string"}}
DATASTORE_RESPONSE = _ok(_wrapper("datastore", "Datastore") | {"additionalProperties": True})

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "test", "version": "1"},
    "paths": {
        "/datastores": {
            "get": _op(
                "list_datastores",
                parameters=[
                    {"name": "deleted", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "project_id", "in": "query", "schema": UUID_S},
                    {"$ref": "#/components/parameters/Status"},
                ],
            ),
            "post": _op("create_datastore", _request("datastore", "DatastoreCreate")),
        },
        "/datastores/{datastore_id}": {
            "parameters": [ID_PARAM],
            "get": _op("get_datastore", responses={"200": DATASTORE_RESPONSE, "404": ERROR}),
            "put": _op("update_datastore", _request("datastore", "DatastoreUpdate", required=False)),
            "delete": _op("delete_datastore", responses={"204": {"description": "Deleted"}, "404": ERROR}),
        },
        "/datastores/{datastore_id}/resize": {
            "parameters": [ID_PARAM],
            "post": _op("resize_datastore", _request("resize", "DatastoreResize")),
        },
        "/datastores/{datastore_id}/pooler": {
            "parameters": [ID_PARAM],
            "put": _op("update_datastore_pooler", _request("pooler", "DatastorePooler")),
        },
        "/datastores/{datastore_id}/firewall": {
            "parameters": [ID_PARAM],
            "put": _op("update_datastore_firewall", _request("firewall", "DatastoreFirewall")),
        },
        "/datastores/{datastore_id}/logs": {
            "parameters": [ID_PARAM],
            "get": _op(
                "get_datastore_logs",
                parameters=[
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                    },
                    {"name": "start", "in": "query", "schema": {"type": "integer"}},
                    {"name": "ratio", "in": "query", "schema": {"type": "number"}},
                    {"name": "job", "in": "query", "schema": {"type": "string", "minLength": 1}},
                    {"name": "ips", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                    {
                        "name": "dbs",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                ],
            ),
        },
        "/datastores/{datastore_id}/metrics": {
            "parameters": [ID_PARAM],
            "get": _op(
                "get_datastore_metrics",
                parameters=[
                    {"name": "start", "in": "query", "required": True, "schema": {"type": "integer"}},
                    {"name": "end", "in": "query", "schema": {"type": "integer"}},
                ],
            ),
        },
        "/acls": {"post": _op("create_acl", _request("acl", "ACLCreate"))},
        "/databases": {"post": _op("create_database", _request("database", "DatabaseCreate"))},
        "/databases/{database_id}": {
            "put": _op(
                "update_database",
                _request("database", "DatabaseUpdate"),
                parameters=[
                    {"name": "database_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
            )
        },
        "/extensions": {"post": _op("create_extension", _request("extension", "ExtensionCreate"))},
        "/topics": {"post": _op("create_topic", _request("topic", "TopicCreate"))},
        "/topics/{topic_id}": {
            "put": _op(
                "update_topic",
                _request("topic", "TopicUpdate"),
                parameters=[
                    {"name": "topic_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
            )
        },
        "/users": {"post": _op("create_user", _request("user", "UserCreate"))},
        "/configuration-parameters": {
            "post": _op(
                "create_configuration_parameter",
                {"$ref": "#/components/requestBodies/ConfigurationParameterCreate"},
            )
        },
        "/floating-ips": {
            "post": _op(
                "create_floating_ip",
                _request("floating_ip", "FloatingIP"),
                responses={"204": {"description": "Done"}},
            ),
            "delete": _op(
                "delete_floating_ip",
                _request("floating_ip", "FloatingIP"),
                responses={"204": {"description": "Done"}},
            ),
        },
    },
    "components": {
        "schemas": SCHEMAS,
        "parameters": {
            "Status": {
                "name": "status",
                "in": "query",
                "schema": {"type": "string", "enum": ["ACTIVE", "DELETED"]},
            }
        },
        "requestBodies": {
            "ConfigurationParameterCreate": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": _wrapper("configuration-parameter", "ConfigurationParameterCreate")
                    }
                },
            }
        },
        "responses": {
            "Error": {
                "description": "Error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    },
}


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return ApiSpec(DOCUMENT)


@pytest.fixture(scope="module")
def validator(spec: ApiSpec) -> RequestValidator:
    return RequestValidator(spec)


@pytest.fixture(scope="module")
def responses(spec: ApiSpec) -> ResponseValidator:
    return ResponseValidator(spec)


def _body(
    validator: RequestValidator, op_id: str, body: Any, content_type: str | None = "application/json"
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return validator.parse_body(validator.spec.operations[op_id], raw, content_type)


def _failure(
    validator: RequestValidator, op_id: str, body: Any, content_type: str | None = "application/json"
) -> ApiError:
    with pytest.raises(ApiError) as caught:
        _body(validator, op_id, body, content_type)
    return caught.value


def _sample_message(name: str) -> str:
    return str(json.loads((REFERENCE / "samples" / name).read_text())["error"]["message"])


def _datastore(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"name": "Name", "node_count": 1, "subnet_id": UUID_A, "type_id": UUID_A}
    return {"datastore": {**base, **fields}}


# -- the exact sample messages ------------------------------------------------------------------------------

SAMPLES = [
    pytest.param(
        "error_400_datastore_name_too_short.json",
        "update_datastore",
        {"datastore": {"name": ""}},
        id="datastore-name-too-short",
    ),
    pytest.param(
        "error_400_datastore_create_invalid_type_id.json",
        "create_datastore",
        _datastore(type_id=SHORT_UUID),
        id="datastore-type-id-uuid",
    ),
    pytest.param(
        "error_400_datastore_resize_node_count_below_minimum.json",
        "resize_datastore",
        {"resize": {"node_count": 0}},
        id="resize-node-count-minimum",
    ),
    pytest.param(
        "error_400_datastore_resize_flavor_disk_type_unexpected.json",
        "resize_datastore",
        # = samples/derived/sdk_datastore_resize_with_disk_type_rejected.request.json
        {"resize": {"flavor": {"disk_type": "network-ultra", "vcpus": 2, "ram": 4096, "disk": 32}}},
        id="resize-flavor-disk-type",
    ),
    pytest.param(
        "error_400_datastore_pooler_invalid_mode.json",
        "update_datastore_pooler",
        {"pooler": {"mode": "abc", "size": 30}},
        id="pooler-mode-enum",
    ),
    pytest.param(
        "error_400_acl_create_invalid_datastore_id.json",
        "create_acl",
        {
            "acl": {
                "allow_read": True,
                "allow_write": True,
                "datastore_id": SHORT_UUID,
                "pattern_type": "literal",
                "user_id": UUID_A,
            }
        },
        id="acl-datastore-id-uuid",
    ),
    pytest.param(
        "error_400_database_create_invalid_datastore_id.json",
        "create_database",
        {"database": {"datastore_id": SHORT_UUID, "name": "db", "owner_id": UUID_A}},
        id="database-datastore-id-uuid",
    ),
    pytest.param(
        "error_400_database_update_invalid_owner_id.json",
        "update_database",
        {"database": {"owner_id": SHORT_UUID}},
        id="database-owner-id-uuid",
    ),
    pytest.param(
        "error_400_extension_create_invalid_datastore_id.json",
        "create_extension",
        {"extension": {"available_extension_id": UUID_A, "database_id": UUID_A, "datastore_id": SHORT_UUID}},
        id="extension-datastore-id-uuid",
    ),
    pytest.param(
        "error_400_topic_create_invalid_datastore_id.json",
        "create_topic",
        {"topic": {"datastore_id": SHORT_UUID, "name": "topic1", "partitions": 1}},
        id="topic-datastore-id-uuid",
    ),
    pytest.param(
        "error_400_user_create_invalid_datastore_id.json",
        "create_user",
        {"user": {"datastore_id": SHORT_UUID, "name": "user", "password": "secret"}},
        id="user-datastore-id-uuid",
    ),
]


@pytest.mark.parametrize(("sample", "op_id", "body"), SAMPLES)
def test_sample_messages_reproduced_byte_for_byte(
    validator: RequestValidator, sample: str, op_id: str, body: Any
) -> None:
    error = _failure(validator, op_id, body)
    assert error.status == 400
    assert error.message == _sample_message(sample)
    assert error.envelope()["error"]["title"] == "Bad Request"


def test_topic_partitions_maximum_uses_the_repr_form_not_the_doubly_quoted_sample(
    validator: RequestValidator,
) -> None:
    error = _failure(validator, "update_topic", {"topic": {"partitions": 4001}})
    assert (
        error.message
        == "Validation failure: {'topic.partitions': '4001 is greater than the maximum of 4000'}"
    )
    assert error.message != _sample_message("error_400_topic_update_partitions_above_maximum.json")


# -- each keyword's wording ----------------------------------------------------------------------------------

WORDING = [
    pytest.param(
        "update_datastore", {"datastore": {"name": ""}}, {"datastore.name": "'' is too short"}, id="minLength"
    ),
    pytest.param(
        "update_datastore",
        {"datastore": {"name": "x" * 256}},
        {"datastore.name": f"'{'x' * 256}' is too long"},
        id="maxLength",
    ),
    pytest.param(
        "create_datastore",
        _datastore(name="a b"),
        {"datastore.name": "'a b' does not match '^[A-Za-z0-9_-]*$'"},
        id="pattern",
    ),
    pytest.param(
        "create_acl",
        {
            "acl": {
                "allow_read": True,
                "allow_write": True,
                "datastore_id": UUID_A,
                "pattern": "a b",
                "pattern_type": "literal",
                "user_id": UUID_A,
            }
        },
        {"acl.pattern": "'a b' does not match '^[a-zA-Z0-9\\\\._\\\\-]+$'"},
        id="pattern-with-escapes",
    ),
    pytest.param(
        "create_datastore",
        _datastore(flavor_id="nope"),
        {"datastore.flavor_id": "'nope' is not a 'UUID'"},
        id="format",
    ),
    pytest.param(
        "resize_datastore",
        {"resize": {"node_count": 0}},
        {"resize.node_count": "0 is less than the minimum of 1"},
        id="minimum",
    ),
    pytest.param(
        "update_datastore_pooler",
        {"pooler": {"size": 501}},
        {"pooler.size": "501 is greater than the maximum of 500"},
        id="maximum",
    ),
    pytest.param(
        "create_configuration_parameter",
        {"configuration-parameter": {"name": "x", "factor": 0}},
        {"configuration-parameter.factor": "0 is less than or equal to the minimum of 0"},
        id="exclusiveMinimum",
    ),
    pytest.param(
        "create_configuration_parameter",
        {"configuration-parameter": {"name": "x", "factor": 10}},
        {"configuration-parameter.factor": "10 is greater than or equal to the maximum of 10"},
        id="exclusiveMaximum",
    ),
    pytest.param(
        "update_datastore_pooler",
        {"pooler": {"mode": "abc"}},
        {"pooler.mode": "'abc' is not one of ['session', 'transaction', 'statement']"},
        id="enum",
    ),
    pytest.param(
        "update_datastore",
        {"datastore": {"name": 5}},
        {"datastore.name": "5 is not of type 'string'"},
        id="type",
    ),
    pytest.param(
        "update_datastore",
        {"datastore": {"name": None}},
        {"datastore.name": "None is not of type 'string'"},
        id="type-none",
    ),
    pytest.param(
        "resize_datastore",
        {"resize": {"node_count": True}},
        {"resize.node_count": "True is not of type 'integer'"},
        id="type-bool",
    ),
    pytest.param(
        "create_configuration_parameter",
        {"configuration-parameter": {"name": "x", "default_value_template": 5}},
        {"configuration-parameter.default_value_template": "5 is not of type 'string', 'null'"},
        id="type-several",
    ),
    pytest.param(
        "resize_datastore",
        {"resize": {"flavor": {"disk_type": "local", "vcpus": 2}}},
        {"resize.flavor": "Additional properties are not allowed ('disk_type' was unexpected)"},
        id="additionalProperties",
    ),
    pytest.param(
        "resize_datastore",
        {"resize": {"flavor": {"zeta": 1, "vcpus": 2, "alpha": 1}}},
        {"resize.flavor": "Additional properties are not allowed ('zeta', 'alpha' were unexpected)"},
        id="additionalProperties-several-in-instance-order",
    ),
    pytest.param(
        "resize_datastore",
        {"resize": {}, "extra": 1},
        {"body": "Additional properties are not allowed ('extra' was unexpected)"},
        id="additionalProperties-top-level",
    ),
    pytest.param(
        "create_datastore", {}, {"body": "'datastore' is a required property"}, id="required-wrapper"
    ),
    pytest.param(
        "create_database",
        {"database": {"datastore_id": UUID_A}},
        {"database": "'name' is a required property"},
        id="required-field-keyed-by-parent",
    ),
    pytest.param(
        "create_topic",
        {"topic": {"name": "t"}},
        {"topic": "'datastore_id' is a required property"},
        id="required-first-missing-wins",
    ),
    pytest.param(
        "create_configuration_parameter",
        {"configuration-parameter": {"name": "x", "choices": []}},
        {"configuration-parameter.choices": "[] is too short"},
        id="minItems",
    ),
    pytest.param(
        "create_configuration_parameter",
        {"configuration-parameter": {"name": "x", "choices": [1, 2, 3, 4]}},
        {"configuration-parameter.choices": "[1, 2, 3, 4] is too long"},
        id="maxItems",
    ),
    pytest.param(
        "create_configuration_parameter",
        {"configuration-parameter": {"name": "x", "choices": [1, 1]}},
        {"configuration-parameter.choices": "[1, 1] has non-unique elements"},
        id="uniqueItems",
    ),
    pytest.param(
        "create_configuration_parameter",
        {"configuration-parameter": {"name": "x", "kind": "other"}},
        {"configuration-parameter.kind": "'fixed' was expected"},
        id="const",
    ),
    pytest.param(
        "update_datastore_firewall",
        {"firewall": {"ips": ["10.0.0.1", ""]}},
        {"firewall.ips.1": "'' is too short"},
        id="array-item-path",
    ),
    pytest.param(
        "create_datastore",
        _datastore(flavor={"vcpus": 0, "ram": "x"}, node_count=0),
        {
            "datastore.flavor.ram": "'x' is not of type 'integer'",
            "datastore.flavor.vcpus": "0 is less than the minimum of 1",
            "datastore.node_count": "0 is less than the minimum of 1",
        },
        id="several-keys-sorted",
    ),
    pytest.param(
        "create_database",
        {"database": {"datastore_id": UUID_A, "name": ""}},
        {"database.name": "'' is too short"},
        id="one-entry-per-key-first-keyword",
    ),
]


@pytest.mark.parametrize(("op_id", "body", "expected"), WORDING)
def test_keyword_wording(
    validator: RequestValidator, op_id: str, body: Any, expected: dict[str, str]
) -> None:
    error = _failure(validator, op_id, body)
    assert error.status == 400
    assert error.message == f"Validation failure: {dict(sorted(expected.items()))!r}"


def test_other_formats_are_annotations(validator: RequestValidator) -> None:
    body = _datastore(restore={"datastore_id": UUID_A, "target_time": "2024-01-01T00:00:00"})
    assert _body(validator, "create_datastore", body) == body


def test_long_values_are_abridged(validator: RequestValidator) -> None:
    error = _failure(validator, "update_datastore", {"datastore": {"name": "y" * 5000}})
    assert error.status == 400
    assert len(error.message) < 1000
    assert "is too long" in error.message


# -- valid bodies ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op_id", "body"),
    [
        pytest.param("create_datastore", _datastore(), id="datastore-minimal"),
        pytest.param(
            "create_datastore",
            _datastore(
                flavor={"disk_type": "local", "vcpus": 2, "ram": 4096, "disk": 32},
                config={"work_mem": 128, "xmloption": "content", "flag": True},
                project_id="123e4567e89b12d3a456426655440000",
                backup_retention_days=7,
            ),
            id="datastore-full",
        ),
        pytest.param("update_datastore", {}, id="wrapper-not-required"),
        pytest.param("update_datastore_firewall", {"firewall": {"ips": []}}, id="firewall-clear"),
        pytest.param("update_topic", {"topic": {"partitions": 4000}}, id="maximum-inclusive"),
        pytest.param("delete_floating_ip", {"floating_ip": {"instance_id": UUID_A}}, id="delete-with-body"),
        pytest.param(
            "create_configuration_parameter",
            {
                "configuration-parameter": {
                    "name": "x",
                    "choices": [1, "a", None],
                    "default_value_template": None,
                }
            },
            id="nullable",
        ),
    ],
)
def test_valid_bodies_pass_unchanged(validator: RequestValidator, op_id: str, body: Any) -> None:
    assert _body(validator, op_id, body) == body


# -- bad bodies --------------------------------------------------------------------------------------------

INVALID_JSON = "Validation failure: {'body': 'Invalid JSON'}"

BAD_BODIES = [
    pytest.param(b"{not json", "application/json", 400, INVALID_JSON, id="not-json"),
    pytest.param(
        b'{"datastore": {"name": "\xff"}}', "application/json", 400, INVALID_JSON, id="invalid-utf8"
    ),
    pytest.param(b'{"datastore": NaN}', "application/json", 400, INVALID_JSON, id="nan"),
    pytest.param(
        b'{"datastore": {"name": "\\ud800"}}', "application/json", 400, INVALID_JSON, id="lone-surrogate"
    ),
    pytest.param(
        b"[" * 100_000 + b"]" * 100_000, "application/json", 400, INVALID_JSON, id="deep-array-100000"
    ),
    pytest.param(
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "application/json",
        400,
        INVALID_JSON,
        id="deep-object-100000",
    ),
    pytest.param(b"1" * 5000, "application/json", 400, INVALID_JSON, id="integer-too-long-to-convert"),
    pytest.param(
        b"[1, 2]",
        "application/json",
        400,
        "Validation failure: {'body': \"[1, 2] is not of type 'object'\"}",
        id="array",
    ),
    pytest.param(
        b'"text"',
        "application/json",
        400,
        "Validation failure: {'body': \"'text' is not of type 'object'\"}",
        id="string",
    ),
    pytest.param(
        b"5",
        "application/json",
        400,
        "Validation failure: {'body': \"5 is not of type 'object'\"}",
        id="number",
    ),
    pytest.param(
        b"null",
        "application/json",
        400,
        "Validation failure: {'body': \"None is not of type 'object'\"}",
        id="null",
    ),
    pytest.param(
        b"", "application/json", 400, "Validation failure: {'body': 'Request body is required'}", id="empty"
    ),
    pytest.param(
        b"", None, 400, "Validation failure: {'body': 'Request body is required'}", id="empty-no-content-type"
    ),
    pytest.param(
        b"{}",
        "text/plain",
        415,
        "Unsupported Content-Type 'text/plain': send application/json.",
        id="wrong-content-type",
    ),
    pytest.param(
        b"a=1",
        "application/x-www-form-urlencoded",
        415,
        "Unsupported Content-Type 'application/x-www-form-urlencoded': send application/json.",
        id="form-content-type",
    ),
]


@pytest.mark.parametrize(("raw", "content_type", "status", "message"), BAD_BODIES)
def test_bad_bodies(
    validator: RequestValidator, raw: bytes, content_type: str | None, status: int, message: str
) -> None:
    error = _failure(validator, "create_datastore", raw, content_type)
    assert (error.status, error.message) == (status, message)


def test_long_non_object_is_abridged(validator: RequestValidator) -> None:
    error = _failure(validator, "create_datastore", list(range(10_000)))
    assert error.status == 400
    assert error.message.endswith("is not of type 'object'\"}")
    assert len(error.message) < 1000


def test_deep_value_inside_a_free_form_object(validator: RequestValidator) -> None:
    deep = '{"a":' * 900 + "1" + "}" * 900
    head = json.dumps(_datastore())[:-2]  # '{"datastore": {...' without the closing braces
    raw = f'{head}, "config": {{"x": {deep}}}}}}}'.encode()
    error = _failure(validator, "create_datastore", raw)
    assert error.status == 400
    assert error.message.startswith("Validation failure: {'datastore.config.x': ")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(_datastore(node_count=10**400), None, id="huge-int-valid"),
        pytest.param(
            {"topic": {"partitions": 10**400}},
            f"Validation failure: {{'topic.partitions': '{10**400} is greater than the maximum of 4000'}}",
            id="huge-int-above-maximum",
        ),
        pytest.param(
            {"resize": {"node_count": -(10**400)}},
            f"Validation failure: {{'resize.node_count': '{-(10**400)} is less than the minimum of 1'}}",
            id="huge-negative-int",
        ),
    ],
)
def test_huge_integers_never_crash(validator: RequestValidator, body: Any, expected: str | None) -> None:
    op_id = {"datastore": "create_datastore", "topic": "update_topic", "resize": "resize_datastore"}[
        next(iter(body))
    ]
    if expected is None:
        assert _body(validator, op_id, body) == body
    else:
        error = _failure(validator, op_id, body)
        assert (error.status, error.message) == (400, expected)


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("application/json", id="plain"),
        pytest.param("application/json; charset=utf-8", id="charset"),
        pytest.param("Application/JSON;charset=UTF-8", id="case"),
        pytest.param("application/vnd.selectel+json", id="vendor-json"),
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
    ],
)
def test_json_content_types_accepted(validator: RequestValidator, content_type: str | None) -> None:
    assert _body(validator, "create_datastore", _datastore(), content_type) == _datastore()


@pytest.mark.parametrize(
    ("op_id", "raw"),
    [
        pytest.param("get_datastore", b"", id="get-empty"),
        pytest.param("get_datastore", b"{garbage", id="get-garbage-ignored"),
        pytest.param("delete_datastore", b'{"x": 1}', id="delete-body-ignored"),
    ],
)
def test_operations_without_body_ignore_it(validator: RequestValidator, op_id: str, raw: bytes) -> None:
    assert validator.parse_body(validator.spec.operations[op_id], raw, "text/plain") is None


def test_delete_floating_ip_body_is_validated(validator: RequestValidator) -> None:
    error = _failure(validator, "delete_floating_ip", {"floating_ip": {"instance_id": "x"}})
    assert error.message == "Validation failure: {'floating_ip.instance_id': \"'x' is not a 'UUID'\"}"


# -- UUID format -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        pytest.param("20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f4", True, id="dashed"),
        pytest.param("123e4567e89b12d3a456426655440000", True, id="undashed"),
        pytest.param("20D7BCF4-F8D6-4BF6-B8F6-46CB440A87F4", True, id="upper-case"),
        pytest.param(str(uuid.UUID(int=0)), True, id="nil"),
        pytest.param(SHORT_UUID, False, id="dashed-too-short"),
        pytest.param("123e4567e89b12d3a45642665544000", False, id="undashed-too-short"),
        pytest.param("123e4567e89b12d3a4564266554400000", False, id="undashed-too-long"),
        pytest.param("20d7bcf4f8d6-4bf6-b8f6-46cb440a87f4", False, id="partly-dashed"),
        pytest.param("{20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f4}", False, id="braces"),
        pytest.param("urn:uuid:20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f4", False, id="urn"),
        pytest.param("g0d7bcf4-f8d6-4bf6-b8f6-46cb440a87f4", False, id="not-hex"),
        pytest.param("20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f4\n", False, id="trailing-newline"),
        pytest.param("", False, id="empty"),
    ],
)
def test_uuid_format(validator: RequestValidator, value: str, ok: bool) -> None:
    assert is_uuid(value) is ok
    body = {"database": {"owner_id": value}}
    if ok:
        assert _body(validator, "update_database", body) == body
    else:
        error = _failure(validator, "update_database", body)
        expected = {"database.owner_id": f"{value!r} is not a 'UUID'"}
        assert error.message == f"Validation failure: {expected!r}"


# -- query parsing -----------------------------------------------------------------------------------------

QUERIES = [
    pytest.param("list_datastores", b"", {}, id="empty"),
    pytest.param("list_datastores", b"deleted=true", {"deleted": True}, id="true"),
    pytest.param("list_datastores", b"deleted=FALSE", {"deleted": False}, id="false-any-case"),
    pytest.param("list_datastores", "deleted=True", {"deleted": True}, id="str-input"),
    pytest.param("list_datastores", b"unknown=1&other", {}, id="unknown-ignored"),
    pytest.param(
        "list_datastores", b"deleted=true&deleted=false", {"deleted": False}, id="repeated-last-wins"
    ),
    pytest.param("list_datastores", b"status=ACTIVE", {"status": "ACTIVE"}, id="ref-parameter"),
    pytest.param(
        "list_datastores",
        b"project_id=123e4567e89b12d3a456426655440000",
        {"project_id": "123e4567e89b12d3a456426655440000"},
        id="uuid",
    ),
    pytest.param("get_datastore_logs", b"limit=10&start=-5", {"limit": 10, "start": -5}, id="integers"),
    pytest.param("get_datastore_logs", b"limit=1000", {"limit": 1000}, id="integer-maximum-inclusive"),
    pytest.param("get_datastore_logs", b"ratio=0.5", {"ratio": 0.5}, id="number"),
    pytest.param("get_datastore_logs", b"ratio=2", {"ratio": 2}, id="number-integral"),
    pytest.param("get_datastore_logs", b"ratio=-1.5e2", {"ratio": -150.0}, id="number-exponent"),
    pytest.param(
        "get_datastore_logs",
        b"job=postgres%20log&ips=a&ips=b",
        {"job": "postgres log", "ips": ["a", "b"]},
        id="string-and-exploded-array",
    ),
    pytest.param("get_datastore_logs", b"dbs=a,b", {"dbs": ["a", "b"]}, id="comma-array"),
    pytest.param("get_datastore", b"anything=1", {}, id="no-declared-parameters"),
    pytest.param("get_datastore_metrics", b"start=1", {"start": 1}, id="required-given"),
]


@pytest.mark.parametrize(("op_id", "raw", "expected"), QUERIES)
def test_parse_query(
    validator: RequestValidator, op_id: str, raw: bytes | str, expected: dict[str, Any]
) -> None:
    assert validator.parse_query(validator.spec.operations[op_id], raw) == expected


BAD_QUERIES = [
    pytest.param(
        "list_datastores", b"deleted=yes", {"deleted": "'yes' is not of type 'boolean'"}, id="boolean"
    ),
    pytest.param(
        "list_datastores", b"deleted=", {"deleted": "'' is not of type 'boolean'"}, id="blank-boolean"
    ),
    pytest.param(
        "get_datastore_logs", b"limit=0", {"limit": "0 is less than the minimum of 1"}, id="minimum"
    ),
    pytest.param(
        "get_datastore_logs",
        b"limit=1001",
        {"limit": "1001 is greater than the maximum of 1000"},
        id="maximum",
    ),
    pytest.param(
        "get_datastore_logs", b"limit=ten", {"limit": "'ten' is not of type 'integer'"}, id="not-integer"
    ),
    pytest.param(
        "get_datastore_logs", b"limit=1.5", {"limit": "'1.5' is not of type 'integer'"}, id="float-integer"
    ),
    pytest.param(
        "get_datastore_logs",
        "limit=\u0663",
        {"limit": "'\u0663' is not of type 'integer'"},
        id="unicode-digit",
    ),
    pytest.param(
        "get_datastore_logs", b"ratio=nan", {"ratio": "'nan' is not of type 'number'"}, id="nan-number"
    ),
    pytest.param(
        "get_datastore_logs", b"ratio=1_0", {"ratio": "'1_0' is not of type 'number'"}, id="underscore-number"
    ),
    pytest.param(
        "get_datastore_logs", b"ratio=1e999", {"ratio": "'1e999' is not of type 'number'"}, id="inf-number"
    ),
    pytest.param("get_datastore_logs", b"job=", {"job": "'' is too short"}, id="string-minLength"),
    pytest.param(
        "list_datastores",
        b"status=GONE&deleted=1",
        {"deleted": "'1' is not of type 'boolean'", "status": "'GONE' is not one of ['ACTIVE', 'DELETED']"},
        id="several",
    ),
    pytest.param("list_datastores", b"project_id=abc", {"project_id": "'abc' is not a 'UUID'"}, id="uuid"),
]


def test_required_query_parameter(validator: RequestValidator) -> None:
    op = validator.spec.operations["get_datastore_metrics"]
    for raw in (b"", b"end=5"):
        with pytest.raises(ApiError) as caught:
            validator.parse_query(op, raw)
        assert caught.value.message == "Validation failure: {'start': \"'start' is a required property\"}"


@pytest.mark.parametrize(("op_id", "raw", "expected"), BAD_QUERIES)
def test_parse_query_errors(
    validator: RequestValidator, op_id: str, raw: bytes | str, expected: dict[str, str]
) -> None:
    with pytest.raises(ApiError) as caught:
        validator.parse_query(validator.spec.operations[op_id], raw)
    assert caught.value.status == 400
    assert caught.value.message == f"Validation failure: {dict(sorted(expected.items()))!r}"


# -- responses ---------------------------------------------------------------------------------------------

DATASTORE = {"id": UUID_A, "name": "n", "status": "ACTIVE", "project_id": "123e4567e89b12d3a456426655440000"}
ERROR_BODY = {"error": {"code": 404, "title": "Not Found", "message": f"datastore {UUID_A} not found."}}


@pytest.mark.parametrize(
    ("op_id", "status", "body"),
    [
        pytest.param("get_datastore", 200, {"datastore": DATASTORE}, id="valid"),
        pytest.param(
            "get_datastore",
            200,
            {"datastore": {**DATASTORE, "created_at": "2024-01-01T00:00:00", "floating_ip": None}},
            id="timestamp-without-zone",
        ),
        pytest.param("get_datastore", 404, ERROR_BODY, id="error-envelope"),
        pytest.param("delete_datastore", 204, None, id="no-content"),
    ],
)
def test_valid_responses(responses: ResponseValidator, op_id: str, status: int, body: Any) -> None:
    assert responses.problems(op_id, status, body) == []


@pytest.mark.parametrize(
    ("op_id", "status", "body", "expected"),
    [
        pytest.param(
            "get_datastore",
            200,
            {"datastore": {k: v for k, v in DATASTORE.items() if k != "status"}},
            r"^200 get_datastore: datastore: .*status.* required",
            id="missing-required-field",
        ),
        pytest.param(
            "get_datastore",
            200,
            {"datastore": {**DATASTORE, "id": "x"}},
            r"^200 get_datastore: datastore\.id: ",
            id="bad-uuid",
        ),
        pytest.param(
            "get_datastore",
            200,
            {"datastore": {**DATASTORE, "id": "123e4567e89b12d3a456426655440000"}},
            r"^200 get_datastore: datastore\.id: ",
            id="undashed-uuid-format",
        ),
        pytest.param(
            "get_datastore",
            200,
            {"datastore": {**DATASTORE, "status": "NOPE"}},
            r"datastore\.status",
            id="bad-enum",
        ),
        pytest.param(
            "get_datastore",
            500,
            ERROR_BODY,
            r"^500 get_datastore: status not documented",
            id="undocumented-status",
        ),
        pytest.param(
            "delete_datastore", 204, {"x": 1}, r"^204 delete_datastore: .*has a body", id="204-with-body"
        ),
        pytest.param("get_datastore", 200, None, r"^200 get_datastore: .*no body", id="missing-body"),
        pytest.param(
            "get_datastore",
            404,
            {"message": "x"},
            r"^404 get_datastore: \(root\): .*error",
            id="bad-error-envelope",
        ),
        pytest.param("nope", 200, {}, r"^200 nope: unknown operation", id="unknown-operation"),
    ],
)
def test_response_problems(
    responses: ResponseValidator, op_id: str, status: int, body: Any, expected: str
) -> None:
    problems = responses.problems(op_id, status, body)
    assert problems
    assert re.search(expected, problems[0]), problems


def test_response_huge_integer_does_not_crash(responses: ResponseValidator) -> None:
    assert responses.problems("get_datastore", 200, {"datastore": {**DATASTORE, "name": 10**400}})


def test_slow_path_crash_falls_back_to_the_compiled_messages(validator: RequestValidator) -> None:
    # Python jsonschema overflows dividing a huge integer by a float multipleOf; jsonschema_rs does not.
    body = {"configuration-parameter": {"name": 5, "step": 10**400}}
    error = _failure(validator, "create_configuration_parameter", body)
    assert error.status == 400
    assert error.message.startswith("Validation failure: {'configuration-parameter.name': ")
    valid = {"configuration-parameter": {"name": "x", "step": 10**400}}
    assert _body(validator, "create_configuration_parameter", valid) == valid


def test_ref_with_sibling_keywords() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "post": _op(
                    "create_thing",
                    {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": _obj(
                                    {
                                        "id": {
                                            "$ref": "#/components/schemas/Id",
                                            "description": "annotation only",
                                            "maxLength": 32,
                                            "allOf": [{"minLength": 32}],
                                        }
                                    }
                                )
                            }
                        },
                    },
                )
            }
        },
        "components": {"schemas": {"Id": UUID_S}},
    }
    spec = ApiSpec(document)
    validator = RequestValidator(spec)
    op = spec.operations["create_thing"]
    assert validator.parse_body(op, b'{"id": "123e4567e89b12d3a456426655440000"}', None)
    for value, message in [
        ("20d7bcf4-f8d6-4bf6-b8f6-46cb440a87f4", "is too long"),
        ("123e4567", "is too short"),
        ("x" * 32, "is not a 'UUID'"),
    ]:
        with pytest.raises(ApiError) as caught:
            validator.parse_body(op, json.dumps({"id": value}).encode(), None)
        assert message in caught.value.message


def test_recursive_schemas_compile() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/nodes": {
                "post": {
                    "operationId": "create_node",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}},
                    },
                    "responses": {"200": _ok({"$ref": "#/components/schemas/Node"})},
                }
            }
        },
        "components": {
            "schemas": {
                "Node": _obj(
                    {
                        "name": {"type": "string", "minLength": 1},
                        "child": {"$ref": "#/components/schemas/Node"},
                    }
                )
            }
        },
    }
    spec = ApiSpec(document)
    validator = RequestValidator(spec)
    op = spec.operations["create_node"]
    assert validator.parse_body(op, b'{"child": {"child": {"name": "x"}}}', None) == {
        "child": {"child": {"name": "x"}}
    }
    with pytest.raises(ApiError) as caught:
        validator.parse_body(op, b'{"child": {"child": {"name": ""}}}', None)
    assert caught.value.message == "Validation failure: {'child.child.name': \"'' is too short\"}"
    assert ResponseValidator(spec).problems("create_node", 200, {"child": {"name": ""}})


# -- the real spec -----------------------------------------------------------------------------------------


def _real_spec_has_content() -> bool:
    return SPEC_PATH.is_file() and SPEC_PATH.stat().st_size > 0


needs_real_spec = pytest.mark.skipif(
    not _real_spec_has_content(), reason="openapi/dbaas-v1.yaml is still empty"
)

# derived request file -> the operations it is a body of (and whether the API rejects it)
DERIVED: list[tuple[str, str, bool]] = [
    ("sdk_acl_create", "create_acl", True),
    ("sdk_acl_update", "update_acl", True),
    ("sdk_database_create", "create_database", True),
    ("sdk_database_update", "update_database", True),
    ("sdk_datastore_backups", "update_datastore_backups", True),
    ("sdk_datastore_config", "update_datastore_config", True),
    ("sdk_datastore_create", "create_datastore", True),
    ("sdk_datastore_create_flavor_disk_type", "create_datastore", True),
    ("sdk_datastore_create_floating_ips", "create_datastore", True),
    ("sdk_datastore_firewall", "update_datastore_firewall", True),
    ("sdk_datastore_log_platform_enable", "update_datastore_log_platform", True),
    ("sdk_datastore_password", "update_datastore_password", True),
    ("sdk_datastore_pooler", "update_datastore_pooler", True),
    ("sdk_datastore_resize", "resize_datastore", True),
    ("sdk_datastore_resize_with_disk_type_rejected", "resize_datastore", False),
    ("sdk_datastore_security_groups", "update_datastore_security_groups", True),
    ("sdk_datastore_update", "update_datastore", True),
    ("sdk_extension_create", "create_extension", True),
    ("sdk_floating_ip_create_or_delete", "create_floating_ip", True),
    ("sdk_floating_ip_create_or_delete", "delete_floating_ip", True),
    ("sdk_grant_create", "create_grant", True),
    ("sdk_logical_replication_slot_create", "create_logical_replication_slot", True),
    ("sdk_prometheus_metrics_token_create", "create_prometheus_metrics_token", True),
    ("sdk_prometheus_metrics_token_update", "update_prometheus_metrics_token", True),
    ("sdk_topic_create", "create_topic", True),
    ("sdk_topic_update", "update_topic", True),
    ("sdk_user_create", "create_user", True),
    ("sdk_user_update", "update_user", True),
    ("tf_firewall_resource_delete", "update_datastore_firewall", True),
    ("tf_kafka_acl_create", "create_acl", True),
    ("tf_kafka_datastore_create", "create_datastore", True),
    ("tf_mysql_database_create", "create_database", True),
    ("tf_mysql_datastore_create", "create_datastore", True),
    ("tf_postgresql_database_create", "create_database", True),
    ("tf_postgresql_datastore_config_update", "update_datastore_config", True),
    ("tf_postgresql_datastore_create", "create_datastore", True),
    ("tf_postgresql_datastore_resize_flavor", "resize_datastore", True),
    ("tf_redis_datastore_create", "create_datastore", True),
    ("tf_redis_datastore_resize", "resize_datastore", True),
]


def _fill_placeholders(value: Any) -> Any:
    """The derived requests' ``<...>`` placeholders replaced by values of the right shape."""
    if isinstance(value, dict):
        return {k: _fill_placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_placeholders(v) for v in value]
    if isinstance(value, str) and "<" in value:
        if value == "<32-hex project id>":
            return "123e4567e89b12d3a456426655440000"
        if value.startswith("<"):
            return UUID_A
        return re.sub(r"<random int>", "42", re.sub(r"<random>", "abc123", value))
    return value


@pytest.fixture(scope="module")
def real_spec() -> ApiSpec:
    return load_spec(SPEC_PATH)


@pytest.fixture(scope="module")
def real_validator(real_spec: ApiSpec) -> RequestValidator:
    return RequestValidator(real_spec)


@needs_real_spec
def test_every_operation_of_the_real_spec_compiles(real_spec: ApiSpec) -> None:
    validator = RequestValidator(real_spec)
    responses = ResponseValidator(real_spec)
    assert len(real_spec.operations) >= 78
    for op_id, op in real_spec.operations.items():
        assert validator.parse_query(op, b"") is not None
        assert responses.problems(op_id, 999, None), op_id
        if not op.has_body:
            continue
        if op.body_required:
            with pytest.raises(ApiError):
                validator.parse_body(op, b"", "application/json")
        # every request object is closed (additionalProperties: false), so the compiled schema shows
        with pytest.raises(ApiError) as caught:
            validator.parse_body(op, b'{"zzz_unknown": 1}', "application/json")
        assert caught.value.status == 400, op_id
        assert caught.value.message.startswith("Validation failure: {'body': "), op_id


@needs_real_spec
@pytest.mark.parametrize(
    ("name", "op_id", "accepted"), [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in DERIVED]
)
def test_derived_requests_against_the_real_spec(
    real_spec: ApiSpec, real_validator: RequestValidator, name: str, op_id: str, accepted: bool
) -> None:
    if op_id not in real_spec.operations:
        pytest.fail(f"operation {op_id} missing from the spec")
    body = _fill_placeholders(
        json.loads((REFERENCE / "samples" / "derived" / f"{name}.request.json").read_text())
    )
    op = real_spec.operations[op_id]
    raw = json.dumps(body).encode()
    if accepted:
        assert real_validator.parse_body(op, raw, "application/json") == body
    else:
        with pytest.raises(ApiError) as caught:
            real_validator.parse_body(op, raw, "application/json")
        assert caught.value.message == _sample_message(
            "error_400_datastore_resize_flavor_disk_type_unexpected.json"
        )


@needs_real_spec
@pytest.mark.parametrize(("sample", "op_id", "body"), SAMPLES)
def test_sample_messages_against_the_real_spec(
    real_spec: ApiSpec, real_validator: RequestValidator, sample: str, op_id: str, body: Any
) -> None:
    with pytest.raises(ApiError) as caught:
        real_validator.parse_body(real_spec.operations[op_id], json.dumps(body).encode(), "application/json")
    assert caught.value.message == _sample_message(sample)


def _examples(spec: ApiSpec, media: Any) -> list[tuple[str, Any]]:
    media = spec.deref(media) if isinstance(media, dict) else {}
    found = [
        (name, spec.deref(example).get("value")) for name, example in (media.get("examples") or {}).items()
    ]
    if "example" in media:
        found.append(("example", media["example"]))
    return found


@needs_real_spec
def test_every_example_of_the_real_spec_validates(
    real_spec: ApiSpec, real_validator: RequestValidator
) -> None:
    responses = ResponseValidator(real_spec)
    problems: list[str] = []
    checked = 0
    for op in real_spec.operations.values():
        raw = real_spec.deref(real_spec.document["paths"][op.path][op.method.lower()])
        for code, response in raw["responses"].items():
            for media in (real_spec.deref(response).get("content") or {}).values():
                for name, value in _examples(real_spec, media):
                    checked += 1
                    problems += [
                        f"{name}: {p}" for p in responses.problems(op.operation_id, int(code), value)
                    ]
        if "requestBody" in raw:
            for content_type, media in real_spec.deref(raw["requestBody"]).get("content", {}).items():
                for name, value in _examples(real_spec, media):
                    checked += 1
                    try:
                        real_validator.parse_body(op, json.dumps(value).encode(), content_type)
                    except ApiError as error:
                        problems.append(f"{op.operation_id} request example {name}: {error.message}")
    assert checked
    assert not problems, "\n".join(problems)
