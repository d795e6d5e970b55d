"""The pytest plugin, as a downstream project sees it: a fresh project (pytester) where the plugin is
active through its ``pytest11`` entry point, with no ``-p`` and no conftest of ours."""

from __future__ import annotations

import importlib.metadata
import textwrap
import threading

import pytest

pytest_plugins = ["pytester"]

DATASTORE_HELPERS = """
SUBNET = "6f9a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b"
FLAVOR = {"vcpus": 2, "ram": 4096, "disk": 32, "disk_type": "local"}


def create_datastore(client, name):
    types = client.get("/datastore-types").json()["datastore-types"]
    type_id = [t["id"] for t in types if t["engine"] == "postgresql"][-1]
    fields = {"name": name, "type_id": type_id, "subnet_id": SUBNET, "node_count": 1, "flavor": FLAVOR}
    response = client.post("/datastores", json={"datastore": fields})
    assert response.status_code == 200, response.text
    return response.json()["datastore"]
"""


def _write(pytester: pytest.Pytester, source: str, helpers: bool = True) -> None:
    body = textwrap.dedent(source)
    pytester.makepyfile(test_downstream=(DATASTORE_HELPERS if helpers else "") + body)


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert points.get("dbaas_mock") == "mock_server.pytest_plugin"


def test_the_plugin_loads_without_being_asked(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        def test_plugin(request):
            assert request.config.pluginmanager.has_plugin("dbaas_mock")
        def test_fixture(dbaas_mock):
            assert dbaas_mock.url == "http://testserver/v1"
        """,
        helpers=False,
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=2)
    disabled = pytester.runpytest_inprocess("-p", "no:dbaas_mock")
    disabled.assert_outcomes(passed=0, failed=1, errors=1)


def test_fixtures_and_marker_are_listed(pytester: pytest.Pytester) -> None:
    fixtures = pytester.runpytest_inprocess("--fixtures")
    for name in ("dbaas_mock", "dbaas_server", "dbaas_clock", "dbaas_intercept"):
        fixtures.stdout.fnmatch_lines([f"{name}*"])
    pytester.runpytest_inprocess("--markers").stdout.fnmatch_lines(
        ["@pytest.mark.dbaas(seed=None, lifecycle=None*"]
    )


def test_dbaas_mock_offers_clients_and_handles(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        import asyncio
        import hashlib

        def test_sync_client(dbaas_mock):
            created = create_datastore(dbaas_mock.client, "one")
            listed = dbaas_mock.client.get("/datastores").json()["datastores"]
            assert [d["id"] for d in listed] == [created["id"]]
            assert created["project_id"] == dbaas_mock.project_id
            dbaas_mock.journal.assert_called("create_datastore", times=1)

        def test_async_client(dbaas_mock):
            async def main():
                return (await dbaas_mock.async_client.get("/datastore-types")).status_code
            assert asyncio.run(main()) == 200

        def test_identity(dbaas_mock):
            assert dbaas_mock.token == "dbaas-test-token"
            assert dbaas_mock.url == "http://testserver/v1"
            assert len(dbaas_mock.project_id) == 32
            assert dbaas_mock.app.backend is dbaas_mock.controller.backend

        def test_clock_faults_state(dbaas_mock):
            before = dbaas_mock.clock.now
            dbaas_mock.clock.advance(3600)
            assert (dbaas_mock.clock.now - before).total_seconds() >= 3600
            dbaas_mock.faults.unavailable("list_datastores", first=1)
            assert dbaas_mock.client.get("/datastores").status_code == 503
            snapshot = dbaas_mock.snapshot()
            create_datastore(dbaas_mock.client, "later")
            dbaas_mock.restore(snapshot)
            assert dbaas_mock.client.get("/datastores").json()["datastores"] == []

        def test_first_fresh(dbaas_mock):
            create_datastore(dbaas_mock.client, "mine")

        def test_second_fresh(dbaas_mock):
            assert dbaas_mock.client.get("/datastores").json()["datastores"] == []
            assert [e.operation_id for e in dbaas_mock.journal.entries()] == ["list_datastores"]
        """,
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=6)


def _loop_threads() -> int:
    return sum(t.name == "dbaas-mock-loop" for t in threading.enumerate())


def test_the_fakes_of_a_session_share_one_helper_thread(pytester: pytest.Pytester) -> None:
    """Each ``dbaas_mock`` is a fresh fake, but their sync clients share the session's helper loop
    thread (no thread per test); a test closing its fake harms no other; the thread ends with the session.
    """
    _write(
        pytester,
        """
        import threading

        SEEN = set()

        def loop_threads():
            return {t.ident for t in threading.enumerate() if t.name == "dbaas-mock-loop"}

        def test_first(dbaas_mock):
            before = loop_threads()
            create_datastore(dbaas_mock.client, "first")
            SEEN.update(loop_threads() - before)
            assert len(SEEN) == 1
            dbaas_mock.close()
            assert dbaas_mock.client.get("/datastores").status_code == 200

        def test_second(dbaas_mock):
            assert dbaas_mock.client.get("/datastores").json()["datastores"] == []
            assert dbaas_mock.admin_client.get("/flavors").status_code == 200
            assert SEEN <= loop_threads()

        def test_third(dbaas_mock):
            other = dbaas_mock.client_for("another-token")
            assert other.get("/datastores").json()["datastores"] == []
            assert SEEN <= loop_threads()
        """,
    )
    before = _loop_threads()
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=3)
    assert _loop_threads() == before


def test_the_marker_sets_each_test(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        import pytest

        IDS = {}

        @pytest.mark.dbaas(seed=11)
        def test_seed_a(dbaas_mock):
            IDS["a"] = create_datastore(dbaas_mock.client, "x")["id"]

        @pytest.mark.dbaas(seed=11)
        def test_seed_b(dbaas_mock):
            assert create_datastore(dbaas_mock.client, "x")["id"] == IDS["a"]

        @pytest.mark.dbaas(seed=12)
        def test_seed_c(dbaas_mock):
            assert create_datastore(dbaas_mock.client, "x")["id"] != IDS["a"]

        @pytest.mark.dbaas(lifecycle="manual")
        def test_manual(dbaas_mock):
            created = create_datastore(dbaas_mock.client, "stays")
            again = dbaas_mock.client.get(f"/datastores/{created['id']}").json()["datastore"]
            assert again["status"] == "PENDING_CREATE"

        @pytest.mark.dbaas(reads=2)
        def test_reads(dbaas_mock):
            created = create_datastore(dbaas_mock.client, "two-reads")
            statuses = [dbaas_mock.client.get(f"/datastores/{created['id']}").json()["datastore"]["status"]
                        for _ in range(2)]
            assert statuses == ["PENDING_CREATE", "ACTIVE"]

        @pytest.mark.dbaas(token="marker-token", admin_token="marker-admin")
        def test_tokens(dbaas_mock):
            assert dbaas_mock.token == "marker-token"
            assert dbaas_mock.client.headers["X-Auth-Token"] == "marker-token"
            assert dbaas_mock.admin_token == "marker-admin"
            flavor = {"name": "f", "vcpus": 1, "ram": 1024, "disk": 10, "fl_size": "standard",
                      "datastore_type_ids": []}
            assert dbaas_mock.admin_client.post("/flavors", json={"flavor": flavor}).status_code == 200

        @pytest.mark.dbaas(quotas={"datastores": 1})
        def test_quotas(dbaas_mock):
            assert dbaas_mock.client.get("/quotas").json()["quotas"]["datastores"]["limit"] == 1

        @pytest.mark.dbaas(lifecycle="time")
        class TestClassMarker:
            def test_class_setting(self, dbaas_mock):
                assert dbaas_mock.clock.mode == "time"

            @pytest.mark.dbaas(lifecycle="manual")
            def test_closest_wins(self, dbaas_mock):
                assert dbaas_mock.clock.mode == "manual"
        """,
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=9)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("dbaas(lifecycle='warp')", "lifecycle must be one of"),
        ("dbaas(colour='red')", "unknown dbaas marker arguments ['colour']"),
        ("dbaas(5)", "keyword arguments only"),
        ("dbaas(quotas={'cpus': 1})", "unknown quotas ['cpus']"),
        ("dbaas(reads=0)", "reads must be an integer >= 1"),
    ],
    ids=["bad-mode", "unknown-argument", "positional", "unknown-quota", "zero-reads"],
)
def test_a_bad_marker_is_reported(pytester: pytest.Pytester, marker: str, message: str) -> None:
    _write(
        pytester,
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_it(dbaas_mock):
            pass
        """,
        helpers=False,
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    errors = [line for line in result.outlines if line.startswith("dbaas-mock: ")]
    assert len(errors) == 1
    assert message in errors[0]


def test_ini_options_set_the_suite_and_the_marker_overrides_them(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        dbaas_seed = 21
        dbaas_lifecycle = manual
        dbaas_admin_token = ini-admin
        dbaas_token = ini-token
        """
    )
    _write(
        pytester,
        """
        import pytest

        def test_ini(dbaas_mock):
            config = dbaas_mock.app.config
            assert (config.seed, config.admin_token, dbaas_mock.token) == (21, "ini-admin", "ini-token")
            assert dbaas_mock.clock.mode == "manual"

        @pytest.mark.dbaas(lifecycle="reads", token="marked")
        def test_marker_over_ini(dbaas_mock):
            seen = (dbaas_mock.clock.mode, dbaas_mock.token, dbaas_mock.app.config.seed)
            assert seen == ("reads", "marked", 21)

        def test_server_takes_the_ini(dbaas_server):
            assert (dbaas_server.token, dbaas_server.admin_token) == ("ini-token", "ini-admin")
            assert dbaas_server.clock.mode == "manual"
        """,
        helpers=False,
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=3)


def test_dbaas_server_is_one_server_reset_for_every_test(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        import json
        import urllib.request

        import httpx
        import pytest
        import requests

        SEEN = {}

        def test_first(dbaas_server):
            SEEN["port"] = dbaas_server.port
            assert dbaas_server.url == f"http://127.0.0.1:{dbaas_server.port}/v1"
            assert dbaas_server.base_url + "/v1" == dbaas_server.url
            headers = {"X-Auth-Token": dbaas_server.token}
            with httpx.Client(base_url=dbaas_server.url, headers=headers) as client:
                create_datastore(client, "from-first")
            dbaas_server.controller.register_token("extra", "e" * 32)
            dbaas_server.faults.error("get_limits", 500)
            dbaas_server.clock.freeze()
            dbaas_server.clock.set("2044-01-01T00:00:00")

        def test_second_sees_a_clean_server(dbaas_server):
            assert dbaas_server.port == SEEN["port"]
            headers = {"X-Auth-Token": dbaas_server.token}
            listed = requests.get(dbaas_server.url + "/datastores", headers=headers).json()
            assert listed == {"datastores": []}
            assert requests.get(dbaas_server.url + "/limits", headers=headers).status_code == 200
            assert dbaas_server.controller.tokens() == []
            assert not dbaas_server.clock.frozen
            assert dbaas_server.clock.now.year < 2044
            calls = [e.operation_id for e in dbaas_server.journal.entries()]
            assert calls == ["list_datastores", "get_limits"]

        def test_any_client_of_the_url(dbaas_server):
            request = urllib.request.Request(dbaas_server.url + "/datastore-types",
                                             headers={"X-Auth-Token": "any"})
            with urllib.request.urlopen(request) as answer:
                assert len(json.load(answer)["datastore-types"]) > 0
            control = httpx.get(dbaas_server.base_url + "/__mock__/clock").json()
            assert set(control) == {"now", "frozen"}

        @pytest.mark.dbaas(lifecycle="manual", token="srv-token", seed=3)
        def test_marker_applies_to_the_server(dbaas_server):
            assert dbaas_server.token == "srv-token"
            created = create_datastore(dbaas_server.client, "pending")
            again = dbaas_server.client.get(f"/datastores/{created['id']}").json()["datastore"]
            assert again["status"] == "PENDING_CREATE"
            assert dbaas_server.app.config.seed == 3
        """,
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=4)


def test_dbaas_clock(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        def test_time_mode(dbaas_clock, dbaas_mock):
            dbaas_clock.freeze()
            dbaas_clock.mode = "time"
            created = create_datastore(dbaas_mock.client, "slow")
            path = f"/datastores/{created['id']}"
            status = lambda: dbaas_mock.client.get(path).json()["datastore"]["status"]
            assert status() == "PENDING_CREATE"
            dbaas_clock.advance(299)
            assert status() == "PENDING_CREATE"
            dbaas_clock.advance(1)
            assert status() == "ACTIVE"

        def test_set_and_read(dbaas_clock):
            moment = dbaas_clock.set("2040-02-03T04:05:06")
            assert (moment.year, moment.tzinfo is not None) == (2040, True)
            assert dbaas_clock.now >= moment
        """,
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=2)


def test_dbaas_intercept(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        import asyncio

        import httpx
        import requests

        URL = "https://ru-9.dbaas.selcloud.ru/v1"
        HEADERS = {"X-Auth-Token": "downstream"}

        def app_code_sync():
            with httpx.Client(base_url=URL, headers=HEADERS) as client:
                return create_datastore(client, "sync")["id"]

        async def app_code_async():
            async with httpx.AsyncClient(base_url=URL, headers=HEADERS) as client:
                return (await client.get("/datastores")).json()["datastores"]

        def app_code_requests():
            return requests.get(URL + "/datastores", headers=HEADERS).json()["datastores"]

        def test_all_libraries(dbaas_intercept):
            datastore_id = app_code_sync()
            assert [d["id"] for d in asyncio.run(app_code_async())] == [datastore_id]
            assert [d["id"] for d in app_code_requests()] == [datastore_id]
            dbaas_intercept["ru-9"].journal.assert_called("list_datastores", times=2)
            assert dbaas_intercept.created() == ["ru-9"]

        def test_next_test_starts_afresh(dbaas_intercept):
            assert app_code_requests() == []
        """,
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=2)


def test_xdist_workers_do_not_see_each_other(pytester: pytest.Pytester) -> None:
    tests = "\n".join(
        f"""
def test_isolated_{n}(dbaas_server, dbaas_mock, worker_id, tmp_path_factory):
    name = "ds-{n}"
    for client in (dbaas_server.client, dbaas_mock.client):
        create_datastore(client, name)
        assert [d["name"] for d in client.get("/datastores").json()["datastores"]] == [name]
    marker = tmp_path_factory.getbasetemp().parent / f"{{worker_id}}-{{dbaas_server.port}}-{n}"
    marker.write_text("")
"""
        for n in range(8)
    )
    pytester.makepyfile(test_parallel=DATASTORE_HELPERS + tests)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=8)
    markers = [p.name for p in pytester.path.rglob("gw*-*-*") if p.is_file()]
    workers = {name.split("-")[0]: name.split("-")[1] for name in markers}
    assert len(markers) == 8
    assert set(workers) == {"gw0", "gw1"}
    assert len(set(workers.values())) == 2
