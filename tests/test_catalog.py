"""The catalog: datastore types, flavors, configuration parameters, available extensions, admin ops."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import PARAMETER_FIELDS, ApiClient, ids

from mock_server import create_app
from mock_server.validation import ResponseValidator

MISSING = "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa"

#: Every datastore type of DECISIONS 17.
TYPES = [
    ("postgresql", "12"),
    ("postgresql", "13"),
    ("postgresql", "14"),
    ("postgresql", "15"),
    ("postgresql", "16"),
    ("postgresql", "17"),
    ("postgresql", "14-1C"),
    ("postgresql", "14-TimescaleDB"),
    ("mysql", "8"),
    ("mysql_native", "8"),
    ("redis", "6"),
    ("redis", "7"),
    ("kafka", "3.5"),
]
ENGINES = ["postgresql", "mysql", "mysql_native", "redis", "kafka"]
#: (collection, list wrapper, item wrapper) of the four catalog kinds.
KINDS = [
    ("datastore-types", "datastore-types", "datastore-type"),
    ("flavors", "flavors", "flavor"),
    ("configuration-parameters", "configuration-parameters", "configuration-parameter"),
    ("available-extensions", "available-extensions", "available-extension"),
]


def listing(client: ApiClient, collection: str, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/{collection}{query}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()[collection]
    return items


def types_by_label(client: ApiClient) -> dict[str, dict[str, Any]]:
    return {f"{t['engine']} {t['version']}": t for t in listing(client, "datastore-types")}


def parameter(client: ApiClient, engine: str, version: str, name: str) -> dict[str, Any]:
    type_id = types_by_label(client)[f"{engine} {version}"]["id"]
    found = listing(client, "configuration-parameters", f"?datastore_type_id={type_id}&name={name}")
    assert len(found) == 1, found
    return found[0]


def sample(reference: Path, name: str) -> Any:
    return json.loads((reference / "samples" / name).read_text())


def all_ids(client: ApiClient) -> list[str]:
    return [i for collection, _, _ in KINDS for i in ids(listing(client, collection))]


# -- content ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("engine", "version"), TYPES, ids=[f"{e}-{v}" for e, v in TYPES])
def test_each_datastore_type_of_decisions_17_exists_once(
    client: ApiClient, engine: str, version: str
) -> None:
    matching = [
        t for t in listing(client, "datastore-types") if (t["engine"], t["version"]) == (engine, version)
    ]
    assert len(matching) == 1


def test_the_datastore_types_are_exactly_those_of_decisions_17(client: ApiClient) -> None:
    found = sorted((t["engine"], t["version"]) for t in listing(client, "datastore-types"))
    assert found == sorted(TYPES)


@pytest.mark.parametrize(
    ("engine", "version"),
    [("postgresql", "17"), ("redis", "7"), ("mysql", "8"), ("kafka", "3.5")],
    ids=["postgresql", "redis", "mysql", "kafka"],
)
def test_the_last_type_of_an_engine_is_its_newest_plain_version(
    client: ApiClient, engine: str, version: str
) -> None:
    of_engine = [t for t in listing(client, "datastore-types") if t["engine"] == engine]
    assert of_engine[-1]["version"] == version


@pytest.mark.parametrize("engine", ENGINES)
def test_every_datastore_type_has_flavors_of_both_lines(client: ApiClient, engine: str) -> None:
    flavors = listing(client, "flavors")
    for datastore_type in (t for t in listing(client, "datastore-types") if t["engine"] == engine):
        usable = [f for f in flavors if datastore_type["id"] in f["datastore_type_ids"]]
        assert {f["fl_size"] for f in usable} == {"standard", "high_freq"}, datastore_type
        assert all(1 <= f["vcpus"] <= 32 and f["ram"] >= 1024 and f["disk"] >= 8 for f in usable)


@pytest.mark.parametrize(
    ("engine", "types_per_flavor"),
    [("postgresql", 8), ("mysql", 1), ("mysql_native", 1), ("redis", 1), ("kafka", 1)],
    ids=ENGINES,
)
def test_flavors_list_the_types_of_their_engine(
    client: ApiClient, engine: str, types_per_flavor: int
) -> None:
    engine_of = {t["id"]: t["engine"] for t in listing(client, "datastore-types")}
    flavors = [f for f in listing(client, "flavors") if engine_of[f["datastore_type_ids"][0]] == engine]
    assert flavors
    for flavor in flavors:
        assert len(flavor["datastore_type_ids"]) == types_per_flavor
        assert {engine_of[i] for i in flavor["datastore_type_ids"]} == {engine}


@pytest.mark.parametrize(
    ("engine", "size"),
    [
        ("postgresql", (2, 4096, 32)),
        ("postgresql", (2, 8192, 32)),
        ("mysql", (2, 4096, 32)),
        ("mysql_native", (2, 8192, 32)),
        ("kafka", (2, 8192, 32)),
        ("kafka", (2, 8192, 64)),
        ("redis", (2, 4096, 32)),
    ],
    ids=[
        "pg-2-4096-32",
        "pg-2-8192-32",
        "mysql-2-4096-32",
        "native-2-8192-32",
        "kafka-2-8192-32",
        "kafka-2-8192-64",
        "redis-2-4096-32",
    ],
)
def test_the_providers_acceptance_sizes_exist(
    client: ApiClient, engine: str, size: tuple[int, int, int]
) -> None:
    type_id = client.type_id(engine)
    matching = [
        f
        for f in listing(client, "flavors")
        if type_id in f["datastore_type_ids"] and (f["vcpus"], f["ram"], f["disk"]) == size
    ]
    assert [f["name"] for f in matching if f["fl_size"] == "standard"] == ["{}-{}-{}".format(*size)]


def test_some_flavors_have_dedicated_hosts(client: ApiClient) -> None:
    flavors = listing(client, "flavors")
    hosts = [f["host"] for f in flavors if "host" in f]
    assert 0 < len(hosts) < len(flavors)
    assert all(
        set(h) == {"line", "processor", "available_count"} and h["available_count"] >= 0 for h in hosts
    )


@pytest.mark.parametrize(
    ("engine", "version", "name", "expected"),
    [
        ("postgresql", "12", "work_mem",
         {"type": "int", "unit": "kB", "min": 64, "max": 2147483647, "default_value": 32768, "choices": None,
          "invalid_values": None, "is_restart_required": False, "is_changeable": True}),
        ("postgresql", "12", "session_replication_role",
         {"type": "str", "unit": "", "min": None, "max": None, "default_value": "origin",
          "choices": ["origin", "replica", "local"], "is_restart_required": False, "is_changeable": True}),
        ("postgresql", "16", "temp_file_limit",
         {"type": "int", "unit": "kB", "min": -1, "max": 2147483647, "default_value": -1}),
        ("postgresql", "17", "xmloption", {"type": "str", "choices": ["content", "document"]}),
        ("postgresql", "13", "vacuum_cost_delay", {"type": "float", "unit": "ms"}),
        ("postgresql", "14-1C", "transform_null_equals", {"type": "bool", "default_value": False}),
        ("postgresql", "15", "shared_buffers", {"type": "int", "is_changeable": False}),
        ("postgresql", "14-TimescaleDB", "timescaledb.max_background_workers", {"is_restart_required": True}),
        ("mysql", "8", "concurrent_insert",
         {"type": "str", "choices": ["NEVER", "AUTO", "ALWAYS", "0", "1", "2"], "default_value": "AUTO",
          "invalid_values": ["0"]}),
        ("mysql", "8", "thread_pool_size",
         {"type": "int", "min": 1, "max": 64, "default_value": None, "is_restart_required": True}),
        ("mysql_native", "8", "innodb_checksum_algorithm", {"type": "str", "default_value": "crc32"}),
        ("mysql_native", "8", "auto_increment_offset", {"type": "int", "min": 1, "max": 65535}),
        ("mysql", "8", "autocommit", {"type": "bool", "default_value": True}),
        ("redis", "6", "maxmemory-policy", {"type": "str", "default_value": "noeviction"}),
        ("redis", "7", "timeout", {"type": "int", "unit": "s", "min": 0}),
        ("kafka", "3.5", "log.retention.ms", {"type": "int", "unit": "ms", "min": -1}),
        ("kafka", "3.5", "log.retention.bytes", {"type": "int", "default_value": -1}),
        ("kafka", "3.5", "auto.create.topics.enable", {"type": "bool"}),
    ],
    ids=["pg-work_mem", "pg-session_replication_role", "pg-temp_file_limit", "pg-xmloption",
         "pg-vacuum_cost_delay", "pg1c-transform_null_equals", "pg-shared_buffers-fixed",
         "timescale-workers", "mysql-concurrent_insert", "mysql-thread_pool_size",
         "native-innodb_checksum_algorithm", "native-auto_increment_offset", "mysql-autocommit",
         "redis6-maxmemory-policy", "redis7-timeout", "kafka-retention-ms", "kafka-retention-bytes",
         "kafka-auto-create"],
)  # fmt: skip
def test_configuration_parameters_per_type(
    client: ApiClient, engine: str, version: str, name: str, expected: dict[str, Any]
) -> None:
    found = parameter(client, engine, version, name)
    assert {key: found[key] for key in expected} == expected


def test_redis_eviction_policies_are_the_engines(client: ApiClient) -> None:
    choices = parameter(client, "redis", "7", "maxmemory-policy")["choices"]
    assert {"volatile-lru", "allkeys-lru", "noeviction", "volatile-ttl", "allkeys-lfu"} <= set(choices)


def test_the_timescaledb_extension_is_offered_only_on_the_timescaledb_type(client: ApiClient) -> None:
    types = types_by_label(client)
    (timescale,) = listing(client, "available-extensions", "?name=timescaledb")
    assert timescale["datastore_type_ids"] == [types["postgresql 14-TimescaleDB"]["id"]]


def test_available_extensions_are_for_postgresql_only(client: ApiClient) -> None:
    postgresql = {t["id"] for t in listing(client, "datastore-types") if t["engine"] == "postgresql"}
    extensions = listing(client, "available-extensions")
    assert len(extensions) >= 16
    assert all(e["datastore_type_ids"] and set(e["datastore_type_ids"]) <= postgresql for e in extensions)


@pytest.mark.parametrize(
    ("name", "depends_on"),
    [("postgis_topology", ["postgis"]), ("postgis_raster", ["postgis"]), ("earthdistance", ["cube"]),
     ("hstore", []), ("pg_trgm", [])],
    ids=["postgis_topology", "postgis_raster", "earthdistance", "hstore", "pg_trgm"],
)  # fmt: skip
def test_available_extension_dependencies(client: ApiClient, name: str, depends_on: list[str]) -> None:
    by_id = {e["id"]: e["name"] for e in listing(client, "available-extensions")}
    (extension,) = listing(client, "available-extensions", f"?name={name}")
    assert [by_id[i] for i in extension["dependency_ids"]] == depends_on


# -- determinism ------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_catalog(response_validator: ResponseValidator) -> None:
    first = ApiClient(create_app(seed=7), "t", response_validator)
    second = ApiClient(create_app(seed=7), "t", response_validator)
    assert all_ids(first) == all_ids(second)
    assert listing(first, "flavors") == listing(second, "flavors")


def test_another_seed_gives_other_ids_and_the_same_content(response_validator: ResponseValidator) -> None:
    first = ApiClient(create_app(seed=0), "t", response_validator)
    second = ApiClient(create_app(seed=1), "t", response_validator)
    assert not set(all_ids(first)) & set(all_ids(second))
    names = [(t["engine"], t["version"]) for t in listing(first, "datastore-types")]
    assert names == [(t["engine"], t["version"]) for t in listing(second, "datastore-types")]
    assert [f["name"] for f in listing(first, "flavors")] == [f["name"] for f in listing(second, "flavors")]


def test_catalog_ids_do_not_depend_on_other_resources(response_validator: ResponseValidator) -> None:
    busy, quiet = create_app(seed=3), create_app(seed=3)
    busy_admin = ApiClient(busy, busy.config.admin_token, response_validator)
    quiet_admin = ApiClient(quiet, quiet.config.admin_token, response_validator)
    token = busy_admin.post("/prometheus-metrics-tokens", json={"prometheus-metrics-token": {"name": "t"}})
    assert token.status_code == 200, token.text
    body = {"flavor": new_flavor(quiet_admin)}
    assert busy_admin.post("/flavors", json=body).json() == quiet_admin.post("/flavors", json=body).json()


def test_the_catalog_is_shared_by_every_project(client: ApiClient, other_client: ApiClient) -> None:
    assert all_ids(client) == all_ids(other_client)


# -- get, list, filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(("collection", "plural", "wrapper"), KINDS, ids=[k[0] for k in KINDS])
def test_get_answers_the_listed_object(client: ApiClient, collection: str, plural: str, wrapper: str) -> None:
    items = listing(client, collection)
    for item in (items[0], items[-1]):
        response = client.get(f"/{collection}/{item['id']}")
        assert response.status_code == 200
        assert response.json() == {wrapper: item}


@pytest.mark.parametrize(
    ("collection", "entity"),
    [
        ("datastore-types", "datastoretype"),
        ("flavors", "flavor"),
        ("configuration-parameters", "configurationparameter"),
        ("available-extensions", "availableextension"),
    ],
    ids=["datastore-type", "flavor", "configuration-parameter", "available-extension"],
)
@pytest.mark.parametrize("object_id", [MISSING, "not-a-uuid"], ids=["unknown", "malformed"])
def test_unknown_id_is_404_with_the_entity_word(
    client: ApiClient, collection: str, entity: str, object_id: str
) -> None:
    response = client.get(f"/{collection}/{object_id}")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "title": "Not Found", "message": f"{entity} {object_id} not found."}
    }


@pytest.mark.parametrize(
    ("collection", "field"),
    [
        ("flavors", "id"),
        ("flavors", "name"),
        ("flavors", "fl_size"),
        ("configuration-parameters", "id"),
        ("configuration-parameters", "datastore_type_id"),
        ("configuration-parameters", "name"),
        ("available-extensions", "id"),
        ("available-extensions", "name"),
    ],
    ids=["flavor-id", "flavor-name", "flavor-fl_size", "parameter-id", "parameter-type", "parameter-name",
         "extension-id", "extension-name"],
)  # fmt: skip
def test_list_filters_match_exactly(client: ApiClient, collection: str, field: str) -> None:
    everything = listing(client, collection)
    value = everything[3][field]
    expected = [item for item in everything if item[field] == value]
    filtered = client.get(f"/{collection}", params={field: value}).json()[collection]
    assert filtered == expected
    assert 0 < len(filtered) < len(everything)


@pytest.mark.parametrize(
    ("collection", "field"),
    [("flavors", "name"), ("flavors", "fl_size"), ("configuration-parameters", "name"),
     ("configuration-parameters", "datastore_type_id"), ("available-extensions", "name"),
     ("available-extensions", "datastore_type_id")],
    ids=["flavor-name", "flavor-fl_size", "parameter-name", "parameter-type", "extension-name",
         "extension-type"],
)  # fmt: skip
def test_a_filter_matching_nothing_lists_nothing(client: ApiClient, collection: str, field: str) -> None:
    value = MISSING if field.endswith("_id") else "no-such-thing"
    assert listing(client, collection, f"?{field}={value}") == []


def test_available_extensions_filter_by_a_listed_type(client: ApiClient) -> None:
    type_id = types_by_label(client)["postgresql 14-1C"]["id"]
    everything = listing(client, "available-extensions")
    filtered = listing(client, "available-extensions", f"?datastore_type_id={type_id}")
    assert filtered == [e for e in everything if type_id in e["datastore_type_ids"]]
    names = {e["name"] for e in filtered}
    assert "mchar" in names
    assert "timescaledb" not in names


def test_parameter_size_filters_are_accepted_and_ignored(client: ApiClient) -> None:
    type_id = client.type_id("postgresql")
    plain = listing(client, "configuration-parameters", f"?datastore_type_id={type_id}")
    sized = listing(
        client, "configuration-parameters", f"?datastore_type_id={type_id}&ram=4096&vcpus=2&disk=32"
    )
    assert plain
    assert sized == plain


# -- shape fidelity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("collection", "sample_file", "wrapper"),
    [
        ("datastore-types", "datastore_type_get.json", "datastore-type"),
        ("configuration-parameters", "configuration_parameter_get.json", "configuration-parameter"),
        ("available-extensions", "available_extension_get.json", "available-extension"),
    ],
    ids=["datastore-type", "configuration-parameter", "available-extension"],
)
def test_keys_equal_the_samples(
    client: ApiClient, reference: Path, collection: str, sample_file: str, wrapper: str
) -> None:
    expected = set(sample(reference, sample_file)[wrapper])
    assert all(set(item) == expected for item in listing(client, collection))


@pytest.mark.parametrize("with_host", [True, False], ids=["with-host", "without-host"])
def test_flavor_keys_equal_the_sample_item_with_or_without_host(
    client: ApiClient, reference: Path, with_host: bool
) -> None:
    (expected,) = [
        set(f) for f in sample(reference, "flavors_list.json")["flavors"] if ("host" in f) == with_host
    ]
    flavors = [f for f in listing(client, "flavors") if ("host" in f) == with_host]
    assert flavors
    assert all(set(f) == expected for f in flavors)
    if with_host:
        assert all(
            set(f["host"]) == set(sample(reference, "flavors_list.json")["flavors"][1]["host"])
            for f in flavors
        )


# -- admin operations -------------------------------------------------------------------------------


def new_flavor(client: ApiClient, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "3-6144-48",
        "description": "a test size",
        "vcpus": 3,
        "ram": 6144,
        "disk": 48,
        "fl_size": "standard",
        "datastore_type_ids": [client.type_id("postgresql")],
    }
    body.update(fields)
    return body


def new_parameter(client: ApiClient, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"datastore_type_id": client.type_id("postgresql"), **PARAMETER_FIELDS}
    body.update(fields)
    return body


def extension_named(client: ApiClient, name: str) -> dict[str, Any]:
    (extension,) = listing(client, "available-extensions", f"?name={name}")
    return extension


def created(response: Any, wrapper: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    obj: dict[str, Any] = response.json()[wrapper]
    return obj


def error_of(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    return message


def admin_calls(client: ApiClient) -> list[tuple[str, str, dict[str, Any] | None]]:
    flavor = listing(client, "flavors")[0]["id"]
    extension = extension_named(client, "hstore")["id"]
    param = listing(client, "configuration-parameters")[0]["id"]
    host = {"host": {"line": "L", "processor": "Intel-Gold6240", "total_count": 2}}
    return [
        ("POST", "/flavors", {"flavor": new_flavor(client)}),
        ("PUT", f"/flavors/{flavor}", {"flavor": {"name": "renamed"}}),
        ("DELETE", f"/flavors/{flavor}", None),
        ("PUT", f"/flavors/{flavor}/host", host),
        ("DELETE", f"/flavors/{flavor}/host", None),
        ("POST", "/available-extensions",
         {"available-extension": {"name": "x", "datastore_type_ids": [client.type_id("postgresql")]}}),
        ("PUT", f"/available-extensions/{extension}",
         {"available-extension": {"datastore_type_ids": [client.type_id("postgresql")]}}),
        ("DELETE", f"/available-extensions/{extension}", None),
        ("POST", "/configuration-parameters", {"configuration-parameter": new_parameter(client)}),
        ("DELETE", f"/configuration-parameters/{param}", None),
    ]  # fmt: skip


ADMIN_OPS = ["create-flavor", "update-flavor", "delete-flavor", "put-host", "delete-host", "create-extension",
             "update-extension", "delete-extension", "create-parameter", "delete-parameter"]  # fmt: skip


@pytest.mark.parametrize("index", range(len(ADMIN_OPS)), ids=ADMIN_OPS)
@pytest.mark.parametrize(
    ("who", "status"), [("client", 403), ("anonymous_client", 401)], ids=["user", "anonymous"]
)
def test_admin_operations_refuse_other_callers_and_change_nothing(
    request: pytest.FixtureRequest, client: ApiClient, index: int, who: str, status: int
) -> None:
    caller: ApiClient = request.getfixturevalue(who)
    method, path, body = admin_calls(client)[index]
    before = [listing(client, collection) for collection, _, _ in KINDS]
    response = caller.request(method, path, json=body) if body is not None else caller.request(method, path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == status
    assert [listing(client, collection) for collection, _, _ in KINDS] == before


@pytest.mark.parametrize("index", range(len(ADMIN_OPS)), ids=ADMIN_OPS)
def test_admin_operations_succeed_with_the_admin_token(admin_client: ApiClient, index: int) -> None:
    method, path, body = admin_calls(admin_client)[index]
    response = (
        admin_client.request(method, path, json=body)
        if body is not None
        else admin_client.request(method, path)
    )
    assert response.status_code == (204 if method == "DELETE" else 200), response.text


def test_a_created_flavor_is_listed_and_readable(admin_client: ApiClient, reference: Path) -> None:
    body = new_flavor(admin_client)
    flavor = created(admin_client.post("/flavors", json={"flavor": body}), "flavor")
    assert set(flavor) == set(sample(reference, "flavor_get.json")["flavor"])
    assert {k: flavor[k] for k in ("name", "description", "vcpus", "ram", "disk", "fl_size")} == {
        k: body[k] for k in ("name", "description", "vcpus", "ram", "disk", "fl_size")
    }
    assert flavor["datastore_type_ids"] == body["datastore_type_ids"]
    assert admin_client.get(f"/flavors/{flavor['id']}").json() == {"flavor": flavor}
    assert flavor in listing(admin_client, "flavors")


def test_a_flavor_created_with_a_host_answers_its_available_count(admin_client: ApiClient) -> None:
    host = {"line": "HF", "processor": "AMD-EPYC-9374F", "total_count": 5}
    flavor = created(
        admin_client.post("/flavors", json={"flavor": new_flavor(admin_client, host=host)}), "flavor"
    )
    assert flavor["host"] == {"line": "HF", "processor": "AMD-EPYC-9374F", "available_count": 5}


def test_a_flavor_for_an_unknown_type_is_404_and_not_created(admin_client: ApiClient) -> None:
    before = listing(admin_client, "flavors")
    body = new_flavor(admin_client, datastore_type_ids=[admin_client.type_id("redis"), MISSING])
    response = admin_client.post("/flavors", json={"flavor": body})
    assert error_of(response, 404) == f"datastoretype {MISSING} not found."
    assert listing(admin_client, "flavors") == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": "renamed"}, {"name": "renamed"}),
        ({"description": "for tests"}, {"description": "for tests"}),
        ({"description": None}, {"description": ""}),
        ({"name": "both", "description": "changed"}, {"name": "both", "description": "changed"}),
        ({}, {}),
    ],
    ids=["name", "description", "description-null", "both", "nothing"],
)
def test_update_flavor(admin_client: ApiClient, change: dict[str, Any], expected: dict[str, Any]) -> None:
    flavor = created(admin_client.post("/flavors", json={"flavor": new_flavor(admin_client)}), "flavor")
    updated = created(admin_client.put(f"/flavors/{flavor['id']}", json={"flavor": change}), "flavor")
    assert updated == {**flavor, **expected}
    assert admin_client.get(f"/flavors/{flavor['id']}").json() == {"flavor": updated}


def test_put_and_delete_a_flavor_host(admin_client: ApiClient) -> None:
    flavor = next(f for f in listing(admin_client, "flavors") if "host" not in f)
    host = {"line": "L", "processor": "Intel-Gold6240", "total_count": 3}
    updated = created(admin_client.put(f"/flavors/{flavor['id']}/host", json={"host": host}), "flavor")
    assert updated == {**flavor, "host": {"line": "L", "processor": "Intel-Gold6240", "available_count": 3}}
    assert admin_client.get(f"/flavors/{flavor['id']}").json() == {"flavor": updated}
    for _ in range(2):  # deleting a host that is gone is a no-op
        response = admin_client.delete(f"/flavors/{flavor['id']}/host")
        assert (response.status_code, response.content) == (204, b"")
        assert admin_client.get(f"/flavors/{flavor['id']}").json() == {"flavor": flavor}


def test_delete_a_flavor(admin_client: ApiClient) -> None:
    flavor = listing(admin_client, "flavors")[0]
    response = admin_client.delete(f"/flavors/{flavor['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert error_of(admin_client.get(f"/flavors/{flavor['id']}"), 404) == f"flavor {flavor['id']} not found."
    assert flavor["id"] not in ids(listing(admin_client, "flavors"))


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        ("PUT", f"/flavors/{MISSING}", {"flavor": {"name": "x"}}, f"flavor {MISSING} not found."),
        ("DELETE", f"/flavors/{MISSING}", None, f"flavor {MISSING} not found."),
        ("PUT", f"/flavors/{MISSING}/host", {"host": {"line": "L", "processor": "p", "total_count": 1}},
         f"flavor {MISSING} not found."),
        ("DELETE", f"/flavors/{MISSING}/host", None, f"flavor {MISSING} not found."),
        ("PUT", f"/available-extensions/{MISSING}", {"available-extension": {"datastore_type_ids": []}},
         f"availableextension {MISSING} not found."),
        ("DELETE", f"/available-extensions/{MISSING}", None, f"availableextension {MISSING} not found."),
        ("DELETE", f"/configuration-parameters/{MISSING}", None,
         f"configurationparameter {MISSING} not found."),
    ],
    ids=["update-flavor", "delete-flavor", "put-host", "delete-host", "update-extension", "delete-extension",
         "delete-parameter"],
)  # fmt: skip
def test_admin_operations_on_unknown_ids_are_404(
    admin_client: ApiClient, method: str, path: str, body: dict[str, Any] | None, message: str
) -> None:
    response = (
        admin_client.request(method, path, json=body)
        if body is not None
        else admin_client.request(method, path)
    )
    assert error_of(response, 404) == message


@pytest.mark.parametrize(
    ("templates", "expected"),
    [
        ({"min_template": "0", "max_template": "100000", "default_value_template": "0"},
         {"min": 0, "max": 100000, "default_value": 0}),
        ({"min_template": "64", "max_template": "{{ ram * 1024 // 4 }}",
          "default_value_template": "{{ ram * 256 }}"},
         {"min": 64, "max": None, "default_value": None}),
        ({"type": "float", "min_template": "0.5", "max_template": "2.5", "default_value_template": "1.5"},
         {"min": 0.5, "max": 2.5, "default_value": 1.5}),
        ({"type": "str", "min_template": None, "max_template": None, "default_value_template": "AUTO",
          "choices": ["AUTO", "NEVER"], "invalid_values": ["NEVER"]},
         {"min": None, "max": None, "default_value": "AUTO", "choices": ["AUTO", "NEVER"],
          "invalid_values": ["NEVER"]}),
        ({"type": "bool", "min_template": None, "max_template": None, "default_value_template": "true"},
         {"default_value": True, "choices": None, "invalid_values": None}),
    ],
    ids=["plain-int", "flavor-templates", "float", "str-with-choices", "bool"],
)  # fmt: skip
def test_create_a_configuration_parameter_renders_plain_templates(
    admin_client: ApiClient, reference: Path, templates: dict[str, Any], expected: dict[str, Any]
) -> None:
    fields = {k: v for k, v in new_parameter(admin_client, **templates).items() if v is not None}
    param = created(
        admin_client.post("/configuration-parameters", json={"configuration-parameter": fields}),
        "configuration-parameter",
    )
    assert set(param) == set(sample(reference, "configuration_parameter_get.json")["configuration-parameter"])
    assert {k: param[k] for k in expected} == expected
    assert (param["name"], param["unit"], param["datastore_type_id"]) == (
        fields["name"], fields["unit"], fields["datastore_type_id"]
    )  # fmt: skip
    assert admin_client.get(f"/configuration-parameters/{param['id']}").json() == {
        "configuration-parameter": param
    }


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"name": "work_mem"}, 400,
         "Validation failure: configurationparameter with name 'work_mem' already exists for datastore type "
         "{type_id}"),
        ({"datastore_type_id": MISSING}, 404, f"datastoretype {MISSING} not found."),
    ],
    ids=["duplicate-name", "unknown-type"],
)  # fmt: skip
def test_create_a_configuration_parameter_refused(
    admin_client: ApiClient, fields: dict[str, Any], status: int, message: str
) -> None:
    before = listing(admin_client, "configuration-parameters")
    body = new_parameter(admin_client, **fields)
    response = admin_client.post("/configuration-parameters", json={"configuration-parameter": body})
    assert error_of(response, status) == message.format(type_id=body["datastore_type_id"])
    assert listing(admin_client, "configuration-parameters") == before


def test_delete_a_configuration_parameter(admin_client: ApiClient) -> None:
    param = parameter(admin_client, "postgresql", "16", "work_mem")
    response = admin_client.delete(f"/configuration-parameters/{param['id']}")
    assert (response.status_code, response.content) == (204, b"")
    message = error_of(admin_client.get(f"/configuration-parameters/{param['id']}"), 404)
    assert message == f"configurationparameter {param['id']} not found."


def test_create_an_available_extension(admin_client: ApiClient, reference: Path) -> None:
    postgis = extension_named(admin_client, "postgis")["id"]
    type_ids = [admin_client.type_id("postgresql", "16"), admin_client.type_id("postgresql", "17")]
    body = {"name": "postgis_sfcgal", "datastore_type_ids": type_ids, "dependency_ids": [postgis]}
    extension = created(admin_client.post("/available-extensions", json={"available-extension": body}),
                        "available-extension")  # fmt: skip
    assert set(extension) == set(sample(reference, "available_extension_get.json")["available-extension"])
    assert {k: extension[k] for k in body} == body
    assert admin_client.get(f"/available-extensions/{extension['id']}").json() == {
        "available-extension": extension
    }
    without_deps = {"name": "pg_cron", "datastore_type_ids": type_ids}
    response = admin_client.post("/available-extensions", json={"available-extension": without_deps})
    assert created(response, "available-extension")["dependency_ids"] == []


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"dependency_ids": [MISSING]}, 404, f"availableextension {MISSING} not found."),
        ({"datastore_type_ids": [MISSING]}, 404, f"datastoretype {MISSING} not found."),
        ({"datastore_type_ids": ["mysql"]}, 400,
         "Validation failure: extensions are not supported for datastores of engine mysql"),
        ({"name": "hstore"}, 400, "Validation failure: availableextension with name 'hstore' already exists"),
    ],
    ids=["unknown-dependency", "unknown-type", "mysql-type", "duplicate-name"],
)  # fmt: skip
def test_create_an_available_extension_refused(
    admin_client: ApiClient, change: dict[str, Any], status: int, message: str
) -> None:
    before = listing(admin_client, "available-extensions")
    body: dict[str, Any] = {"name": "pg_cron", "datastore_type_ids": [admin_client.type_id("postgresql")]}
    body.update(change)
    if body["datastore_type_ids"] == ["mysql"]:
        body["datastore_type_ids"] = [admin_client.type_id("mysql")]
    response = admin_client.post("/available-extensions", json={"available-extension": body})
    assert error_of(response, status) == message
    assert listing(admin_client, "available-extensions") == before


def test_update_an_available_extension_answers_the_bare_object(
    admin_client: ApiClient, reference: Path
) -> None:
    extension = extension_named(admin_client, "earthdistance")
    type_ids = [admin_client.type_id("postgresql", "15")]
    response = admin_client.put(
        f"/available-extensions/{extension['id']}",
        json={"available-extension": {"datastore_type_ids": type_ids}},
    )
    assert response.status_code == 200, response.text
    expected = {**extension, "datastore_type_ids": type_ids}
    assert response.json() == expected  # bare: no wrapper (DECISIONS 3); dependencies kept when omitted
    assert set(response.json()) == set(
        sample(reference, "available_extension_get.json")["available-extension"]
    )
    assert admin_client.get(f"/available-extensions/{extension['id']}").json() == {
        "available-extension": expected
    }


@pytest.mark.parametrize(
    ("extension", "dependencies", "status", "message"),
    [
        ("hstore", ["hstore"], 400,
         "Validation failure: dependency_ids of availableextension {id} would form a cycle"),
        ("cube", ["earthdistance"], 400,
         "Validation failure: dependency_ids of availableextension {id} would form a cycle"),
        ("hstore", [MISSING], 404, f"availableextension {MISSING} not found."),
        ("postgis", [], 200, None),
        ("hstore", ["citext", "pgcrypto"], 200, None),
    ],
    ids=["self", "cycle", "unknown", "cleared", "set"],
)  # fmt: skip
def test_update_available_extension_dependencies(
    admin_client: ApiClient, extension: str, dependencies: list[str], status: int, message: str | None
) -> None:
    target = extension_named(admin_client, extension)
    dependency_ids = [d if d == MISSING else extension_named(admin_client, d)["id"] for d in dependencies]
    body = {"datastore_type_ids": target["datastore_type_ids"], "dependency_ids": dependency_ids}
    response = admin_client.put(f"/available-extensions/{target['id']}", json={"available-extension": body})
    if message is not None:
        assert error_of(response, status) == message.format(id=target["id"])
        assert extension_named(admin_client, extension) == target
    else:
        assert response.status_code == status
        assert response.json() == {**target, "dependency_ids": dependency_ids}


def test_delete_an_available_extension_drops_it_from_dependents(admin_client: ApiClient) -> None:
    cube = extension_named(admin_client, "cube")
    response = admin_client.delete(f"/available-extensions/{cube['id']}")
    assert (response.status_code, response.content) == (204, b"")
    message = error_of(admin_client.get(f"/available-extensions/{cube['id']}"), 404)
    assert message == f"availableextension {cube['id']} not found."
    assert extension_named(admin_client, "earthdistance")["dependency_ids"] == []


def test_delete_an_available_extension_removes_its_installs(
    client: ApiClient, admin_client: ApiClient
) -> None:
    datastore = client.create_datastore("postgresql")
    owner = client.create(
        "users", "user", {"datastore_id": datastore["id"], "name": "owner", "password": "secret-pass-1"}
    )
    database = client.create(
        "databases", "database", {"datastore_id": datastore["id"], "name": "app", "owner_id": owner["id"]}
    )
    hstore = extension_named(client, "hstore")
    installed = client.create(
        "extensions",
        "extension",
        {
            "datastore_id": datastore["id"],
            "database_id": database["id"],
            "available_extension_id": hstore["id"],
        },
    )
    assert admin_client.delete(f"/available-extensions/{hstore['id']}").status_code == 204
    assert (
        error_of(client.get(f"/extensions/{installed['id']}"), 404)
        == f"extension {installed['id']} not found."
    )
    assert client.get(f"/databases/{database['id']}").status_code == 200


# -- datastore config checked against the parameters (backend.catalog.check_config) ---------------


def put_config(client: ApiClient, datastore_id: str, config: dict[str, Any]) -> Any:
    return client.put(f"/datastores/{datastore_id}/config", json={"config": config})


@pytest.mark.parametrize(
    ("engine", "config", "problems"),
    [
        ("postgresql", {"work_mem": 128, "xmloption": "content", "vacuum_cost_delay": 25,
                        "transform_null_equals": True}, None),
        ("postgresql", {"vacuum_cost_delay": 20.5, "transform_null_equals": None}, None),
        ("postgresql", {"work_mem": 5}, {"config.work_mem": "5 is less than the minimum of 64"}),
        ("postgresql", {"work_mem": 2147483648},
         {"config.work_mem": "2147483648 is greater than the maximum of 2147483647"}),
        ("postgresql", {"work_mem": "abc"}, {"config.work_mem": "'abc' is not of type 'integer'"}),
        ("postgresql", {"work_mem": True}, {"config.work_mem": "True is not of type 'integer'"}),
        ("postgresql", {"transform_null_equals": "yes"},
         {"config.transform_null_equals": "'yes' is not of type 'boolean'"}),
        ("postgresql", {"xmloption": "html"},
         {"config.xmloption": "'html' is not one of ['content', 'document']"}),
        ("postgresql", {"shared_buffers": 1024},
         {"config.shared_buffers": "'shared_buffers' is not changeable"}),
        ("postgresql", {"shared_buffers": None},
         {"config.shared_buffers": "'shared_buffers' is not changeable"}),
        ("postgresql", {"nope": 1, "work_mem": 1},
         {"config.nope": "'nope' is not a configuration parameter of datastore type postgresql 17",
          "config.work_mem": "1 is less than the minimum of 64"}),
        ("mysql", {"innodb_checksum_algorithm": "strict_innodb", "auto_increment_offset": 2,
                   "autocommit": False, "concurrent_insert": 2}, None),
        ("mysql", {"concurrent_insert": "0"},
         {"config.concurrent_insert": "'0' is not allowed for 'concurrent_insert'"}),
        ("mysql_native", {"thread_pool_size": 65},
         {"config.thread_pool_size": "65 is greater than the maximum of 64"}),
        ("redis", {"maxmemory-policy": "volatile-lru"}, None),
        ("redis", {"maxmemory-policy": "lru"},
         {"config.maxmemory-policy": "'lru' is not one of ['volatile-lru', 'allkeys-lru', 'volatile-lfu', "
          "'allkeys-lfu', 'volatile-random', 'allkeys-random', 'volatile-ttl', 'noeviction']"}),
        ("kafka", {"log.retention.ms": 1000, "log.retention.bytes": 1024}, None),
        ("kafka", {"log.retention.ms": -2}, {"config.log.retention.ms": "-2 is less than the minimum of -1"}),
    ],
    ids=["pg-provider-values", "pg-float-and-reset", "pg-below-min", "pg-above-max", "pg-string-for-int",
         "pg-bool-for-int", "pg-string-for-bool", "pg-not-a-choice", "pg-not-changeable",
         "pg-reset-not-changeable", "pg-unknown-and-below", "mysql-provider-values",
         "mysql-invalid-value", "native-above-max",
         "redis-provider-value", "redis-not-a-choice", "kafka-provider-values", "kafka-below-min"],
)  # fmt: skip
def test_datastore_config_is_checked_against_the_parameters(
    client: ApiClient, engine: str, config: dict[str, Any], problems: dict[str, str] | None
) -> None:
    datastore = client.create_datastore(engine)
    response = put_config(client, datastore["id"], config)
    if problems is None:
        assert response.status_code == 200, response.text
    else:
        assert error_of(response, 400) == f"Validation failure: {problems!r}"
        assert (
            client.get(f"/datastores/{datastore['id']}").json()["datastore"]["config"] == datastore["config"]
        )


def test_admin_parameters_take_effect_on_datastore_configs(
    client: ApiClient, admin_client: ApiClient
) -> None:
    datastore = client.create_datastore("postgresql")
    body = new_parameter(client, name="commit_siblings", min_template="0", max_template="1000")
    param = created(
        admin_client.post("/configuration-parameters", json={"configuration-parameter": body}),
        "configuration-parameter",
    )
    message = error_of(put_config(client, datastore["id"], {"commit_siblings": 1001}), 400)
    assert (
        message
        == "Validation failure: {'config.commit_siblings': '1001 is greater than the maximum of 1000'}"
    )
    assert put_config(client, datastore["id"], {"commit_siblings": 5}).status_code == 200
    client.wait_active("datastores", "datastore", datastore["id"])
    assert admin_client.delete(f"/configuration-parameters/{param['id']}").status_code == 204
    message = error_of(put_config(client, datastore["id"], {"commit_siblings": 6}), 400)
    expected = "'commit_siblings' is not a configuration parameter of datastore type postgresql 17"
    assert message == f"Validation failure: {{'config.commit_siblings': {expected!r}}}"


def test_admin_parameter_may_list_null_among_its_choices(client: ApiClient, admin_client: ApiClient) -> None:
    body = {
        "can_be_empty": True,
        "choices": [None, "on", "off"],
        "datastore_type_id": client.type_id("postgresql"),
        "is_available_for_customer": True,
        "is_changeable": True,
        "is_multiple_choice_available": False,
        "is_restart_required": False,
        "name": "custom_switch",
        "type": "str",
        "unit": "",
    }
    response = admin_client.post("/configuration-parameters", json={"configuration-parameter": body})
    assert response.status_code == 200, response.text
    assert response.json()["configuration-parameter"]["choices"] == [None, "on", "off"]
