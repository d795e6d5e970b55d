"""The OpenAPI document itself: valid 3.1, complete per operation, closed request objects, markers, links."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from _helpers import (
    JSON,
    Op,
    closed_objects,
    deref,
    describe,
    errors,
    iter_schemas,
    load_spec,
    operations,
    pointer_get,
    request_schema_pointer,
    walk,
)
from openapi_spec_validator import validate

OPS = operations()


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


OP_IDS = sorted(OPS)
TAGS = {
    line.strip()
    for line in """
    Acls
    Actions
    Available extensions
    Configuration parameters
    Databases
    Datastores
    Datastore types
    Extensions
    Flavors
    Floating ips
    Grants
    Limits
    Logical replication slots
    Prometheus metrics tokens
    Quotas
    Users
    Topics
    """.strip().splitlines()
}
ADMIN_OPS = words(
    """
    create_flavor update_flavor delete_flavor update_flavor_host delete_flavor_host
    create_available_extension update_available_extension delete_available_extension
    create_configuration_parameter delete_configuration_parameter
    """
)
#: Creates whose body names a parent that must exist (DECISIONS 10): 404 although there is no path id.
BODY_PARENT_OPS = words(
    """
    create_datastore create_database create_user create_grant create_extension
    create_logical_replication_slot create_topic create_acl create_flavor create_available_extension
    create_configuration_parameter create_floating_ip delete_floating_ip
    """
)
#: Mutations that can conflict (DECISIONS 12-13): datastore-scoped writes, except the security-group update.
CONFLICT_OPS = words(
    """
    create_datastore update_datastore delete_datastore update_datastore_backups update_datastore_config
    update_datastore_firewall update_datastore_password update_datastore_pooler resize_datastore
    update_datastore_log_platform delete_datastore_log_platform create_database update_database
    delete_database create_user update_user delete_user create_grant delete_grant create_extension
    delete_extension create_logical_replication_slot delete_logical_replication_slot create_topic
    update_topic delete_topic create_acl update_acl delete_acl create_floating_ip delete_floating_ip
    """
)
BODY_OPS = {op_id for op_id, op in OPS.items() if "requestBody" in op.node}
NO_BODY_OPS = {op_id for op_id, op in OPS.items() if op.method == "delete"} | {"create_floating_ip"}
BOOLEAN_FILTERS = {"enabled", "allow_restore", "is_maintenance", "is_protected", "deleted", "in_use"}
INTEGER_FILTERS = {"start", "end", "limit"}
ERROR_COMPONENTS = {
    "BadRequest": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "NotFound": 404,
    "ParentNotFound": 404,
    "Conflict": 409,
    "PayloadTooLarge": 413,
    "UnsupportedMediaType": 415,
    "TooManyRequests": 429,
    "InternalServerError": 500,
    "ServiceUnavailable": 503,
}


def op_param(op_ids: list[str] | set[str]) -> list[Any]:
    return [pytest.param(OPS[op_id], id=op_id) for op_id in sorted(op_ids)]


def parameters_of(op: Op) -> list[Mapping[str, Any]]:
    shared = load_spec()["paths"][op.path].get("parameters", [])
    return [deref(p) for p in [*shared, *op.node.get("parameters", [])]]


def success(op: Op) -> tuple[str, Mapping[str, Any]]:
    codes = [code for code in op.node["responses"] if code.startswith("2")]
    assert len(codes) == 1, f"{op.op_id}: one success response expected, got {codes}"
    return codes[0], deref(op.node["responses"][codes[0]])


# -- the document -------------------------------------------------------------------------------------


def test_document_validates_as_openapi_3_1(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"] == "3.1.0"


def test_info_explains_the_reconstruction_and_the_markers(spec: dict[str, Any]) -> None:
    info = spec["info"]
    assert info["version"] == "1.0.0"
    assert info["title"]
    assert "reconstructed from public evidence" in info["description"]
    assert "x-fidelity: inferred" in info["description"]


def test_servers_are_the_regions_and_the_local_fake(spec: dict[str, Any]) -> None:
    servers = {server["url"]: server for server in spec["servers"]}
    assert set(servers) == {"https://{region}.dbaas.selcloud.ru/v1", "http://127.0.0.1:8080/v1"}
    region = servers["https://{region}.dbaas.selcloud.ru/v1"]["variables"]["region"]
    assert region["enum"] == ["ru-1", "ru-2", "ru-3", "ru-7", "ru-8", "ru-9", "uz-1", "kz-1"]
    assert region["default"] == "ru-1"


def test_token_security_applies_globally(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["X-Auth-Token"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Auth-Token")
    assert spec["security"] == [{"X-Auth-Token": []}]


def test_tags_are_declared_with_descriptions(spec: dict[str, Any]) -> None:
    declared = {tag["name"]: tag.get("description") for tag in spec["tags"]}
    assert set(declared) == TAGS
    assert all(declared.values())


def test_operation_ids_are_unique(spec: dict[str, Any]) -> None:
    ids = [item[m]["operationId"] for item in spec["paths"].values() for m in item if m != "parameters"]
    assert len(ids) == len(set(ids)) == 78


# -- every operation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("op", op_param(OP_IDS))
def test_operation_has_summary_tag_and_inherited_security(op: Op) -> None:
    assert op.node.get("summary"), "summary missing"
    assert len(op.node["tags"]) == 1
    assert op.node["tags"][0] in TAGS
    assert "security" not in op.node, "security must be inherited from the top level"


@pytest.mark.parametrize("op", op_param(OP_IDS))
def test_operation_answers_exactly_its_error_statuses(op: Op) -> None:
    has_body = "requestBody" in op.node
    has_query = any(p["in"] == "query" for p in parameters_of(op))
    expected = {"401", "429", "500", "503"}
    expected |= {"400"} if has_body or has_query else set()
    expected |= {"413", "415"} if has_body else set()
    expected |= {"403"} if op.op_id in ADMIN_OPS else set()
    expected |= {"404"} if op.path_params or op.op_id in BODY_PARENT_OPS else set()
    expected |= {"409"} if op.op_id in CONFLICT_OPS else set()
    actual = {code for code in op.node["responses"] if not code.startswith("2")}
    assert actual == expected


@pytest.mark.parametrize("op", op_param(OP_IDS))
def test_every_error_response_is_the_envelope(op: Op) -> None:
    for code, response in op.node["responses"].items():
        if int(code) >= 400:
            assert "$ref" in response, f"{code}: use a components.responses entry"
            content = deref(response)["content"]
            assert list(content) == [JSON]
            assert content[JSON]["schema"] == {"$ref": "#/components/schemas/Error"}, code


@pytest.mark.parametrize("op", op_param(OP_IDS))
def test_success_response(op: Op) -> None:
    code, response = success(op)
    if op.op_id in NO_BODY_OPS:
        assert code == "204"
        assert "content" not in response
    else:
        assert code == "200"
        media = response["content"][JSON]
        assert "$ref" in media["schema"]
        assert media["examples"], "success responses carry examples"


@pytest.mark.parametrize("op", op_param(BODY_OPS))
def test_request_body_is_required_json_with_examples(op: Op) -> None:
    body = op.node["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == [JSON]
    assert body["content"][JSON]["examples"]


@pytest.mark.parametrize("op", op_param(BODY_OPS))
def test_request_objects_reject_unknown_properties(op: Op) -> None:
    schema = pointer_get(load_spec(), request_schema_pointer(op.op_id))
    found = list(closed_objects(schema, op.op_id))
    assert found
    for where, node in found:
        if "properties" in node:
            assert node.get("additionalProperties") is False, f"{where}: additionalProperties: false missing"
        else:  # a free-form map: typed values, never anything
            assert isinstance(node.get("additionalProperties"), Mapping), f"{where}: untyped map"


@pytest.mark.parametrize("op", op_param(BODY_OPS))
def test_request_ids_use_the_api_uuid_format(op: Op) -> None:
    """Every ``*_id``, ``*_ids`` and ``security_groups`` field of a request is ``format: UUID``."""
    schema = pointer_get(load_spec(), request_schema_pointer(op.op_id))
    for where, node in closed_objects(schema, op.op_id):
        for name, prop in node.get("properties", {}).items():
            if name.endswith(("_id", "_ids")) or name == "security_groups":
                prop = deref(prop)
                target = deref(prop["items"]) if prop.get("type") == "array" else prop
                assert target.get("format") == "UUID", f"{where}.{name}"


def test_body_wrapper_is_required_where_the_docs_say_so() -> None:
    """The docs mark every wrapper required except three (``required`` shown once, for the body only)."""
    optional = set()
    for op_id, op in OPS.items():
        if "requestBody" in op.node:
            wrapper = deref(pointer_get(load_spec(), request_schema_pointer(op_id)))
            if not set(wrapper["properties"]) <= set(wrapper.get("required", [])):
                optional.add(op_id)
    assert optional == {"update_datastore", "update_flavor", "update_datastore_config"}


# -- parameters ---------------------------------------------------------------------------------------


def test_parameters_are_typed(spec: dict[str, Any]) -> None:
    for name, param in spec["components"]["parameters"].items():
        schema = param["schema"]
        if param["in"] == "path":
            assert param["required"] is True
            assert schema == {"type": "string"}, name
            continue
        assert param["in"] == "query"
        assert param.get("required", False) is False, name
        if param["name"] in BOOLEAN_FILTERS:
            assert schema == {"type": "boolean"}, name
        elif param["name"] in INTEGER_FILTERS:
            assert schema["type"] == "integer", name
        else:
            assert schema == {"type": "string"}, name
    limit = spec["components"]["parameters"]["LogsLimit"]["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, 1000)


def test_operations_use_parameter_components(spec: dict[str, Any]) -> None:
    for op in OPS.values():
        shared = spec["paths"][op.path].get("parameters", [])
        for param in [*shared, *op.node.get("parameters", [])]:
            assert set(param) == {"$ref"}, f"{op.op_id}: inline parameter {param}"
        assert sorted(p["name"] for p in parameters_of(op) if p["in"] == "path") == sorted(op.path_params)


# -- schemas ------------------------------------------------------------------------------------------

SCHEMA_KINDS = {"$ref", "type", "enum", "const", "oneOf", "anyOf", "allOf"}


def test_no_empty_or_untyped_schema(spec: dict[str, Any]) -> None:
    bad = []
    for path, schema in iter_schemas(spec):
        where = "/".join(path)
        if not isinstance(schema, Mapping) or not schema or not SCHEMA_KINDS & set(schema):
            bad.append(f"{where}: {schema!r}")
            continue
        types = schema.get("type")
        is_object = types == "object" or (isinstance(types, list) and "object" in types)
        if (
            is_object
            and "properties" not in schema
            and not isinstance(schema.get("additionalProperties"), Mapping)
        ):
            bad.append(f"{where}: an object with neither properties nor typed additionalProperties")
        if types == "array" and "items" not in schema:
            bad.append(f"{where}: an array without items")
    assert not bad, "\n".join(bad)


def test_no_empty_object_anywhere(spec: dict[str, Any]) -> None:
    empty = ["/".join(path) for path, node in walk(spec) if isinstance(node, Mapping) and not node]
    assert not empty


def test_response_objects_stay_open(spec: dict[str, Any]) -> None:
    """The real service may add fields: response schemas never forbid extra properties."""
    for op in OPS.values():
        _, response = success(op)
        if "content" in response:
            for where, node in closed_objects(response["content"][JSON]["schema"], op.op_id):
                assert node.get("additionalProperties") is not False, where


STATUS_ENUM = [
    "ACTIVE",
    "DELETED",
    "DEGRADED",
    "DISK_FULL",
    "ERROR",
    "PENDING_CREATE",
    "PENDING_UPDATE",
    "PENDING_DELETE",
    "DOWN",
    "RESIZING",
]


@pytest.mark.parametrize(
    "schema",
    [
        "Datastore",
        "Instance",
        "Database",
        "User",
        "Grant",
        "Extension",
        "Topic",
        "Acl",
        "LogicalReplicationSlot",
    ],
)
def test_status_fields_use_the_ten_statuses(spec: dict[str, Any], schema: str) -> None:
    status = deref(spec["components"]["schemas"][schema]["properties"]["status"])
    assert status["enum"] == STATUS_ENUM


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("Datastore", "created_at"),
        ("Datastore", "creation_finished_at"),
        ("Acl", "updated_at"),
        ("LogEntry", "timestamp"),
        ("Action", "created_at"),
    ],
)
def test_timestamps_have_the_seconds_pattern(spec: dict[str, Any], schema: str, field: str) -> None:
    node = deref(spec["components"]["schemas"][schema]["properties"][field])
    assert node["pattern"] == r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"


def test_error_schema_is_the_envelope(spec: dict[str, Any]) -> None:
    pointer = "/components/schemas/Error"
    assert not errors(pointer, {"error": {"code": 404, "title": "Not Found", "message": "x"}})
    for bad in (
        {},
        {"error": {"code": 404, "title": "Not Found"}},
        {"error": {"code": "404", "title": "", "message": ""}},
    ):
        assert errors(pointer, bad), bad


@pytest.mark.parametrize(("name", "code"), ERROR_COMPONENTS.items(), ids=list(ERROR_COMPONENTS))
def test_error_component_examples_match_their_status(spec: dict[str, Any], name: str, code: int) -> None:
    response = spec["components"]["responses"][name]
    examples = response["content"][JSON]["examples"]
    assert examples
    for key, example in examples.items():
        assert example["value"]["error"]["code"] == code, key
    if code == 429:
        assert "Retry-After" in response["headers"]


def test_every_error_component_is_used(spec: dict[str, Any]) -> None:
    used = {r["$ref"] for op in OPS.values() for r in op.node["responses"].values() if "$ref" in r}
    assert used == {f"#/components/responses/{name}" for name in spec["components"]["responses"]}


# -- examples -----------------------------------------------------------------------------------------


def media_examples(spec: dict[str, Any]) -> list[Any]:
    rows = []
    for path, node in walk(spec):
        if (
            isinstance(node, Mapping)
            and "schema" in node
            and "examples" in node
            and path[-2:-1] == ("content",)
        ):
            for name, example in node["examples"].items():
                pointer = "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in (*path, "schema"))
                rows.append(pytest.param(pointer, example["value"], id=f"{'/'.join(path[1:4])}:{name}"))
    return rows


@pytest.mark.parametrize(("pointer", "value"), media_examples(load_spec()))
def test_example_matches_its_schema(pointer: str, value: Any) -> None:
    found = errors(pointer, value)
    assert not found, describe(found)


# -- fidelity markers ---------------------------------------------------------------------------------


def test_every_fidelity_marker_is_inferred_and_explained(spec: dict[str, Any]) -> None:
    markers = [
        (path, node) for path, node in walk(spec) if isinstance(node, Mapping) and "x-fidelity" in node
    ]
    assert len(markers) > 40
    for path, node in markers:
        assert node["x-fidelity"] == "inferred", path
        assert "Inferred: " in node.get("description", ""), path


INFERRED_PATH_OPS = words(
    """
    list_actions get_action get_limits get_quotas get_datastore_logs create_available_extension
    update_available_extension delete_available_extension create_configuration_parameter
    delete_configuration_parameter create_flavor update_flavor delete_flavor update_flavor_host
    delete_flavor_host
    """
)


def test_inferred_paths_are_marked_and_only_they() -> None:
    marked = {op_id for op_id, op in OPS.items() if op.node.get("x-fidelity") == "inferred"}
    assert marked == INFERRED_PATH_OPS


@pytest.mark.parametrize(
    "pointer",
    [
        "/components/responses/Conflict",
        "/components/responses/PayloadTooLarge",
        "/components/responses/TooManyRequests",
        "/components/responses/InternalServerError",
        "/components/responses/ServiceUnavailable",
        "/components/responses/ParentNotFound",
        "/components/schemas/Limits",
        "/components/schemas/Quotas",
        "/components/schemas/Action",
        "/components/schemas/Logs",
        "/components/schemas/Datastore/properties/flavor_id",
        "/components/schemas/Datastore/properties/creation_finished_at",
        "/components/schemas/LogicalReplicationSlot/properties/in_use",
        "/components/schemas/Instance/properties/floating_ip",
        "/paths/~1datastores~1{datastore_id}/delete/responses/204",
        "/paths/~1floating-ips/post/responses/204",
        "/components/parameters/FilterDeleted",
        "/components/parameters/LogsLimit",
    ],
)
def test_decided_elements_are_marked(spec: dict[str, Any], pointer: str) -> None:
    assert pointer_get(spec, pointer).get("x-fidelity") == "inferred"


@pytest.mark.parametrize(
    "pointer",
    [
        "/components/responses/BadRequest",
        "/components/responses/NotFound",
        "/components/schemas/Datastore",
        "/components/schemas/Error",
        "/components/schemas/DatastoreMetrics",
        "/paths/~1datastores~1{datastore_id}~1log-platform/delete/responses/204",
        "/paths/~1datastores/get",
        "/components/parameters/MetricsStart",
    ],
)
def test_evidenced_elements_are_unmarked(spec: dict[str, Any], pointer: str) -> None:
    assert "x-fidelity" not in pointer_get(spec, pointer)


# -- links --------------------------------------------------------------------------------------------

CREATES = sorted(op_id for op_id in OPS if op_id.startswith("create_"))
EXPRESSION = re.compile(r"^\$(response|request)\.body#(/.*)$")


def first_example(media: Mapping[str, Any]) -> Any:
    return next(iter(media["examples"].values()))["value"]


def expressions(node: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    if isinstance(node, Mapping):
        return [item for key, value in node.items() for item in expressions(value, (*prefix, key))]
    assert isinstance(node, str), f"{prefix}: {node!r}"
    return [(prefix, node)]


def test_creates_are_the_thirteen_post_collections() -> None:
    posts = {op_id for op_id, op in OPS.items() if op.method == "post" and not op.path_params}
    assert set(CREATES) == posts
    assert len(CREATES) == 13


@pytest.mark.parametrize("op", op_param(CREATES))
def test_create_links_to_what_it_made(op: Op) -> None:
    _, response = success(op)
    links = response.get("links")
    assert links, f"{op.op_id}: no links"
    source_body = first_example(response["content"][JSON]) if "content" in response else None
    source_request = first_example(op.node["requestBody"]["content"][JSON])
    for name, link in links.items():
        target = OPS.get(link["operationId"])
        assert target is not None, f"{name}: unknown operation {link['operationId']}"
        assert set(link) <= {"operationId", "parameters", "requestBody", "description"}, name
        assert link.get("parameters") or link.get("requestBody"), name
        assert set(link.get("parameters", {})) <= set(target.path_params), name
        assert set(target.path_params) <= set(link.get("parameters", {})), (
            f"{name}: target path id not linked"
        )
        body_schema = (
            deref(pointer_get(load_spec(), request_schema_pointer(target.op_id)))
            if "requestBody" in link
            else None
        )
        for where, expression in [
            *expressions(link.get("parameters", {})),
            *expressions(link.get("requestBody", {})),
        ]:
            match = EXPRESSION.match(expression)
            assert match, f"{name}: {expression}"
            document = source_body if match.group(1) == "response" else source_request
            pointer_get(document, match.group(2))  # resolves against the documented example
            if body_schema is not None and where and where[0] in body_schema["properties"]:
                inner = deref(body_schema["properties"][where[0]])
                assert where[1] in inner["properties"], f"{name}: {where} not in {target.op_id}'s body"


def test_datastore_links_reach_its_children() -> None:
    links = success(OPS["create_datastore"])[1]["links"]
    targets = {link["operationId"] for link in links.values()}
    assert {
        "get_datastore",
        "update_datastore",
        "delete_datastore",
        "resize_datastore",
        "update_datastore_config",
        "update_datastore_pooler",
        "update_datastore_firewall",
        "create_database",
        "create_user",
        "create_topic",
        "create_logical_replication_slot",
        "create_extension",
        "create_grant",
        "create_acl",
        "create_floating_ip",
    } <= targets


def test_grant_is_linked_from_both_its_user_and_its_database() -> None:
    for source, field in (("create_user", "user_id"), ("create_database", "database_id")):
        links = success(OPS[source])[1]["links"]
        grant = [link for link in links.values() if link["operationId"] == "create_grant"]
        assert len(grant) == 1, source
        assert {field, "datastore_id"} <= set(grant[0]["requestBody"]["grant"])
    acl = [
        link
        for link in success(OPS["create_user"])[1]["links"].values()
        if link["operationId"] == "create_acl"
    ]
    assert set(acl[0]["requestBody"]["acl"]) == {"user_id", "datastore_id"}
