"""Example: interception of the real endpoints (README.md, "Interception").

Code that calls ``https://<region>.dbaas.selcloud.ru/v1`` with httpx or requests reaches an
in-process fake of that region: no change to the code, no endpoint to inject (moto's ``mock_aws``
for this API). ``dbaas_intercept["ru-1"]`` is the fake of ru-1.
"""

from __future__ import annotations

import httpx
import pytest
import requests

from mock_server.intercept import Interception, intercept_dbaas

# -- the code under test: it hard-codes the real endpoints ----------------------------------------

ENDPOINT = "https://{region}.dbaas.selcloud.ru/v1"


def count_clusters(region: str, token: str) -> int:
    response = requests.get(
        ENDPOINT.format(region=region) + "/datastores", headers={"X-Auth-Token": token}, timeout=10
    )
    response.raise_for_status()
    return len(response.json()["datastores"])


def engines(region: str, token: str) -> set[str]:
    with httpx.Client(base_url=ENDPOINT.format(region=region), headers={"X-Auth-Token": token}) as client:
        return {t["engine"] for t in client.get("/datastore-types").json()["datastore-types"]}


# -- the tests ------------------------------------------------------------------------------------


def test_with_the_fixture(dbaas_intercept: Interception) -> None:
    assert count_clusters("ru-1", "my-token") == 0
    assert "kafka" in engines("kz-1", "my-token")
    dbaas_intercept["ru-1"].journal.assert_called_once("list_datastores")
    dbaas_intercept["kz-1"].journal.assert_called_once("list_datastore_types")


def test_with_the_context_manager() -> None:
    with intercept_dbaas(regions=["ru-2"]) as fakes:
        fakes["ru-2"].faults.unavailable("list_datastores", first=1)
        with pytest.raises(requests.HTTPError, match="503"):
            count_clusters("ru-2", "t")
        assert count_clusters("ru-2", "t") == 0


@intercept_dbaas(regions=["ru-3"])
def test_with_the_decorator() -> None:
    assert count_clusters("ru-3", "t") == 0
