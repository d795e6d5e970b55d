"""Metrics and logs of a datastore: shapes of the exporter samples, windows, determinism, filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import ApiClient

from mock_server import create_app
from mock_server.validation import ResponseValidator

UNKNOWN = "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa"
T0 = 1924992000  # 2031-01-01T00:00:00Z
HOUR = 3600
ENGINE_JOBS = {
    "postgresql": {"postgresql", "pgbouncer", "patroni"},
    "mysql": {"mysql", "orchestrator"},
    "mysql_native": {"mysql", "orchestrator"},
    "redis": {"redis", "sentinel"},
    "kafka": {"kafka", "zookeeper"},
}


def shape(reference: Path, name: str) -> Any:
    path = reference / "samples" / "derived" / f"exporter_{name}.shape.response.json"
    return json.loads(path.read_text())["metrics"]


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["message"]


def at(client: ApiClient, seconds: int = T0) -> None:
    """Freeze the fake's clock at ``seconds`` (unix)."""
    moment = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert client.http.post("/__mock__/clock/set", json={"now": moment, "frozen": True}).status_code == 200


def get(client: ApiClient, datastore_id: str, what: str, **params: Any) -> Any:
    response = client.get(f"/datastores/{datastore_id}/{what}", params=params)
    assert response.status_code == 200, response.text
    return next(iter(response.json().values()))


def check_series(series: dict[str, Any]) -> None:
    values = series["values"]
    assert len(values) == len(series["timestamps"]) > 0
    assert (series["max"], series["min"], series["last"]) == (max(values), min(values), values[-1])
    assert series["avg"] == pytest.approx(sum(values) / len(values), abs=1e-5)


# -- datastore metrics ------------------------------------------------------------------------------------


def test_metrics_have_the_exporter_shape_one_series_per_instance(client: ApiClient, reference: Path) -> None:
    at(client)
    datastore = client.create_datastore("postgresql", node_count=3)
    metrics = get(client, datastore["id"], "metrics")
    expected = shape(reference, "datastore_metrics")
    assert list(metrics) == list(expected)
    assert metrics["step"] == 60
    ips = [i["ip"] for i in datastore["instances"]]
    for key in list(expected)[1:]:
        assert [s["ip"] for s in metrics[key]] == ips
        for series in metrics[key]:
            assert list(series) == list(expected[key][0])
            assert series["datastore_id"] == datastore["id"]
            assert series["timestamps"] == list(range(T0 - 600, T0 + 1, 60))
            check_series(series)


def test_metric_values_are_plausible(client: ApiClient) -> None:
    datastore = client.create_datastore("mysql", flavor={"vcpus": 2, "ram": 4096, "disk": 32})
    metrics = get(client, datastore["id"], "metrics")
    ram, disk = 4096 * 1024**2, 32 * 1024**3
    for key, top in (("cpu", 100), ("memory_percent", 100), ("disk_percent", 100), ("memory_bytes", ram),
                     ("disk_bytes", disk)):  # fmt: skip
        assert all(0 <= v <= top for v in metrics[key][0]["values"]), key
    used = datastore["disk_used"] / 32 * 100
    assert metrics["disk_percent"][0]["avg"] == pytest.approx(used, abs=0.2)


def test_the_same_window_gives_the_same_values(
    client: ApiClient, response_validator: ResponseValidator
) -> None:
    datastore = client.create_datastore("postgresql")
    window = {"start": T0, "end": T0 + HOUR}
    first = get(client, datastore["id"], "metrics", **window)
    assert get(client, datastore["id"], "metrics", **window) == first
    later = get(client, datastore["id"], "metrics", start=T0 + 1800, end=T0 + 2 * HOUR)
    shared = dict(zip(first["cpu"][0]["timestamps"], first["cpu"][0]["values"], strict=True))
    for moment, value in zip(later["cpu"][0]["timestamps"], later["cpu"][0]["values"], strict=True):
        if moment in shared:
            assert shared[moment] == value
    twin = ApiClient(create_app(seed=0), "test-token", response_validator)
    assert get(twin, twin.create_datastore("postgresql")["id"], "metrics", **window) == first


@pytest.mark.parametrize(
    ("start", "end", "step", "points"),
    [
        (T0, T0, 60, 1),
        (T0 + 1, T0 + 59, 60, 1),
        (T0, T0 + 3600, 60, 61),
        (T0, T0 + 59_940, 60, 1000),
        (T0, T0 + 86_400 * 30, 2640, 982),
        (0, T0, 1_926_960, 999),
    ],
    ids=["instant", "inside-one-step", "hour", "thousand-points", "month", "since-epoch"],
)
def test_windows_keep_at_most_a_thousand_points(
    client: ApiClient, start: int, end: int, step: int, points: int
) -> None:
    datastore = client.create_datastore("redis")
    metrics = get(client, datastore["id"], "metrics", start=start, end=end)
    stamps = metrics["cpu"][0]["timestamps"]
    assert (metrics["step"], len(stamps)) == (step, points)
    assert all(start <= t <= end for t in stamps)


@pytest.mark.parametrize("what", ["metrics", "database-metrics", "logs"], ids=["metrics", "database", "logs"])
def test_start_after_end_is_400_and_unknown_datastores_404(
    client: ApiClient, other_client: ApiClient, what: str
) -> None:
    datastore = client.create_datastore("postgresql")
    response = client.get(f"/datastores/{datastore['id']}/{what}", params={"start": T0 + 1, "end": T0})
    assert error(response) == (400, f"Validation failure: start ({T0 + 1}) is after end ({T0})")
    assert error(client.get(f"/datastores/{UNKNOWN}/{what}")) == (404, f"datastore {UNKNOWN} not found.")
    assert error(other_client.get(f"/datastores/{datastore['id']}/{what}"))[0] == 404


# -- database metrics ------------------------------------------------------------------------------------


def test_postgresql_database_metrics_per_instance_and_database(client: ApiClient, reference: Path) -> None:
    datastore = client.create_datastore("postgresql", node_count=2)
    empty = get(client, datastore["id"], "database-metrics")
    expected = [*shape(reference, "database_metrics_postgresql"), "connections"]
    assert empty == {key: [] for key in expected}
    owner = client.create("users", "user", {"datastore_id": datastore["id"], "name": "o", "password": "p4ss"})
    for name in ("shop", "blog"):
        fields = {"datastore_id": datastore["id"], "name": name, "owner_id": owner["id"]}
        client.create("databases", "database", fields)
    metrics = get(client, datastore["id"], "database-metrics", start=T0, end=T0 + 300)
    assert list(metrics) == expected
    ips = [i["ip"] for i in datastore["instances"]]
    for key in expected:
        assert [(s["ip"], s["db_name"]) for s in metrics[key]] == [
            (ip, db) for ip in ips for db in ("shop", "blog")
        ]
        for series in metrics[key]:
            check_series(series)


@pytest.mark.parametrize("engine", ["mysql", "mysql_native"])
def test_mysql_database_metrics_have_an_empty_db_name(
    client: ApiClient, reference: Path, engine: str
) -> None:
    datastore = client.create_datastore(engine)
    metrics = get(client, datastore["id"], "database-metrics")
    expected = shape(reference, "database_metrics_mysql")
    assert list(metrics) == list(expected)
    for key in expected:
        assert [(s["ip"], s["db_name"]) for s in metrics[key]] == [(datastore["instances"][0]["ip"], "")]
        assert list(metrics[key][0]) == list(expected[key][0])


@pytest.mark.parametrize("engine", ["redis", "kafka"])
def test_database_metrics_of_engines_without_databases_are_400(client: ApiClient, engine: str) -> None:
    datastore = client.create_datastore(engine)
    response = client.get(f"/datastores/{datastore['id']}/database-metrics")
    expected = f"Validation failure: database metrics are not supported for datastores of engine {engine}"
    assert error(response) == (400, expected)


# -- logs -----------------------------------------------------------------------------------------------


@pytest.fixture
def aged(client: ApiClient) -> dict[str, Any]:
    """A two-node PostgreSQL datastore with two databases, created at T0 and six hours old."""
    at(client)
    datastore = client.create_datastore("postgresql", node_count=2)
    owner = client.create("users", "user", {"datastore_id": datastore["id"], "name": "o", "password": "p4ss"})
    for name in ("shop", "blog"):
        fields = {"datastore_id": datastore["id"], "name": name, "owner_id": owner["id"]}
        client.create("databases", "database", fields)
    assert client.http.post("/__mock__/clock/advance", json={"seconds": 6 * HOUR}).status_code == 200
    return datastore


def test_logs_default_to_the_last_hour_newest_first(client: ApiClient, aged: dict[str, Any]) -> None:
    logs = get(client, aged["id"], "logs")
    now = T0 + 6 * HOUR
    assert {k: logs[k] for k in ("datastore_id", "start", "end", "limit")} == {
        "datastore_id": aged["id"], "start": now - HOUR, "end": now, "limit": 100}  # fmt: skip
    entries = logs["entries"]
    assert len(entries) == 100
    stamps = [e["timestamp"] for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    assert "2031-01-01T05:00:00" <= stamps[-1] <= stamps[0] <= "2031-01-01T06:00:00"
    hosts = {i["ip"]: i["hostname"] for i in aged["instances"]}
    assert all(hosts[e["ip"]] == e["hostname"] for e in entries)
    assert {e["job"] for e in entries} == ENGINE_JOBS["postgresql"]
    assert {e["database"] for e in entries} == {None, "shop", "blog"}
    assert get(client, aged["id"], "logs") == logs


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"job": "pgbouncer"}, lambda e, ds: e["job"] == "pgbouncer"),
        ({"job": "redis"}, lambda e, ds: False),
        ({"ips": "{replica}"}, lambda e, ds: e["ip"] == ds["instances"][1]["ip"]),
        ({"ips": "{replica}, 10.255.255.255"}, lambda e, ds: e["ip"] == ds["instances"][1]["ip"]),
        ({"databases": "shop"}, lambda e, ds: e["database"] == "shop" and e["job"] == "postgresql"),
        ({"databases": "shop,blog", "job": "patroni"}, lambda e, ds: False),
        ({"databases": "nope"}, lambda e, ds: False),
    ],
    ids=["job", "job-of-another-engine", "ip", "ips", "database", "database-and-other-job",
         "unknown-database"],
)  # fmt: skip
def test_log_filters(client: ApiClient, aged: dict[str, Any], params: dict[str, str], check: Any) -> None:
    query = {k: v.replace("{replica}", aged["instances"][1]["ip"]) for k, v in params.items()}
    entries = get(client, aged["id"], "logs", limit=1000, start=T0, **query)["entries"]
    assert all(check(e, aged) for e in entries)
    assert bool(entries) is any(
        check(e, aged) for e in get(client, aged["id"], "logs", limit=1000, start=T0)["entries"]
    )


@pytest.mark.parametrize("engine", sorted(ENGINE_JOBS))
def test_each_engine_has_its_jobs(client: ApiClient, engine: str) -> None:
    at(client)
    datastore = client.create_datastore(engine)
    assert client.http.post("/__mock__/clock/advance", json={"seconds": 3 * HOUR}).status_code == 200
    entries = get(client, datastore["id"], "logs", limit=1000, start=T0)["entries"]
    assert {e["job"] for e in entries} == ENGINE_JOBS[engine]
    assert {e["database"] for e in entries} == {None}


def test_logs_exist_only_since_creation_and_for_seven_days(client: ApiClient) -> None:
    at(client)
    datastore = client.create_datastore("kafka")
    assert get(client, datastore["id"], "logs", start=0, end=T0 - 1)["entries"] == []
    assert client.http.post("/__mock__/clock/advance", json={"seconds": 8 * 24 * HOUR}).status_code == 200
    oldest = get(client, datastore["id"], "logs", start=T0, end=T0 + 2 * 24 * HOUR, limit=5)["entries"]
    assert oldest[-1]["timestamp"] >= "2031-01-02T00:00:00"
    future = get(client, datastore["id"], "logs", start=T0 + 9 * 24 * HOUR, end=T0 + 10 * 24 * HOUR)
    assert future["entries"] == []


@pytest.mark.parametrize("limit", [1, 7, 1000], ids=["one", "seven", "max"])
def test_log_limit(client: ApiClient, aged: dict[str, Any], limit: int) -> None:
    everything = get(client, aged["id"], "logs", limit=1000, start=T0)["entries"]
    assert 7 < len(everything) < 1000
    logs = get(client, aged["id"], "logs", limit=limit, start=T0)
    assert (logs["limit"], logs["entries"]) == (limit, everything[:limit])
    assert error(client.get(f"/datastores/{aged['id']}/logs", params={"limit": 1001}))[0] == 400
