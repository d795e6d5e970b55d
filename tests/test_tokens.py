"""Prometheus metrics tokens over HTTP: no status, the value read back, wrapped update, revoke, isolation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from support import UNKNOWN, ApiClient, message, not_found_sample, sample

ONE = "prometheus-metrics-token"
MANY = "prometheus-metrics-tokens"
VALUE = re.compile(r"[A-Za-z0-9]{64}")


def issue(client: ApiClient, name: str) -> dict[str, Any]:
    response = client.post(f"/{MANY}", json={ONE: {"name": name}})
    assert response.status_code == 200, response.text
    token: dict[str, Any] = response.json()[ONE]
    return token


def listed(client: ApiClient, **params: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(f"/{MANY}", params=params).json()[MANY]
    return found


@pytest.fixture
def tokens(client: ApiClient) -> dict[str, dict[str, Any]]:
    return {name: issue(client, name) for name in ("grafana", "vmagent")}


def test_issue_get_and_list_return_the_value_with_the_sample_shape(
    client: ApiClient, reference: Path
) -> None:
    created = issue(client, "tf-acc-token-1")
    expected_keys = list(sample(reference, "prometheus_metrics_token_get")[ONE])
    assert list(created) == expected_keys
    assert "status" not in created
    assert created["name"] == "tf-acc-token-1"
    assert VALUE.fullmatch(created["value"])
    assert re.fullmatch(r"[0-9a-f]{32}", created["project_id"])
    assert created["created_at"] == created["updated_at"]
    assert client.get(f"/{MANY}/{created['id']}").json() == {ONE: created}
    assert listed(client) == [created]
    sample_item = sample(reference, "prometheus_metrics_tokens_list")[MANY][0]
    assert all(list(t) == list(sample_item) for t in listed(client))


def test_each_token_has_its_own_value(client: ApiClient, tokens: dict[str, dict[str, Any]]) -> None:
    values = {t["value"] for t in tokens.values()}
    assert len(values) == 2
    assert all(VALUE.fullmatch(v) for v in values)


def test_update_renames_at_once_keeps_the_value_and_answers_wrapped(
    client: ApiClient, tokens: dict[str, dict[str, Any]]
) -> None:
    token = tokens["grafana"]
    client.http.post("/__mock__/clock/advance", json={"seconds": 90})
    response = client.put(f"/{MANY}/{token['id']}", json={ONE: {"name": "grafana-prod"}})
    assert response.status_code == 200
    updated = response.json()[ONE]  # wrapped, DECISIONS 3
    assert {k: v for k, v in updated.items() if k not in ("name", "updated_at")} == {
        k: v for k, v in token.items() if k not in ("name", "updated_at")
    }
    assert updated["name"] == "grafana-prod"
    assert updated["updated_at"] > token["updated_at"]
    assert client.get(f"/{MANY}/{token['id']}").json()[ONE] == updated
    assert [t["name"] for t in listed(client, name="grafana-prod")] == ["grafana-prod"]
    assert listed(client, name="grafana") == []


def test_revoke_is_204_and_404_at_once(client: ApiClient, tokens: dict[str, dict[str, Any]]) -> None:
    token = tokens["grafana"]
    response = client.delete(f"/{MANY}/{token['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert message(client.get(f"/{MANY}/{token['id']}")) == (
        404,
        f"prometheusmetrictoken {token['id']} not found.",
    )
    assert [t["name"] for t in listed(client)] == ["vmagent"]
    assert listed(client, value=token["value"]) == []


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", None), ("PUT", {ONE: {"name": "x"}}), ("DELETE", None)],
    ids=["get", "update", "delete"],
)
def test_unknown_token_is_the_sample_404(
    client: ApiClient, reference: Path, method: str, body: dict[str, Any] | None
) -> None:
    response = client.request(method, f"/{MANY}/{UNKNOWN}", json=body)
    expected = not_found_sample(reference, "error_404_prometheus_metrics_token_not_found", UNKNOWN)["error"]
    assert response.status_code == 404
    assert response.json() == {"error": expected}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({ONE: {"name": ""}}, "Validation failure: {'prometheus-metrics-token.name': \"'' is too short\"}"),
        ({ONE: {}}, "Validation failure: {'prometheus-metrics-token': \"'name' is a required property\"}"),
        (
            {ONE: {"name": 5}},
            "Validation failure: {'prometheus-metrics-token.name': \"5 is not of type 'string'\"}",
        ),
        (
            {ONE: {"name": "a" * 256}},
            "Validation failure: {'prometheus-metrics-token.name': \"'" + "a" * 256 + "' is too long\"}",
        ),
    ],
    ids=["empty-name", "no-name", "not-a-string", "too-long"],
)
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_bad_bodies_are_400_and_change_nothing(
    client: ApiClient, tokens: dict[str, dict[str, Any]], method: str, body: dict[str, Any], expected: str
) -> None:
    before = listed(client)
    path = f"/{MANY}" if method == "POST" else f"/{MANY}/{tokens['grafana']['id']}"
    assert message(client.request(method, path, json=body)) == (400, expected)
    assert listed(client) == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["grafana", "vmagent"]),
        ({"name": "vmagent"}, ["vmagent"]),
        ({"id": "{grafana[id]}"}, ["grafana"]),
        ({"value": "{vmagent[value]}"}, ["vmagent"]),
        ({"project_id": "{grafana[project_id]}"}, ["grafana", "vmagent"]),
        ({"project_id": "0" * 32}, []),
        ({"name": "grafana", "value": "{vmagent[value]}"}, []),
        ({"id": UNKNOWN}, []),
    ],
    ids=["all", "name", "id", "value", "project", "other-project", "combined", "unknown-id"],
)
def test_list_filters(
    client: ApiClient, tokens: dict[str, dict[str, Any]], query: dict[str, str], expected: list[str]
) -> None:
    params = {k: v.format(**tokens) for k, v in query.items()}
    assert [t["name"] for t in listed(client, **params)] == expected


def test_other_projects_see_nothing(
    client: ApiClient, other_client: ApiClient, tokens: dict[str, dict[str, Any]]
) -> None:
    before = listed(client)
    token = tokens["grafana"]
    not_found = (404, f"prometheusmetrictoken {token['id']} not found.")
    assert message(other_client.get(f"/{MANY}/{token['id']}")) == not_found
    assert message(other_client.put(f"/{MANY}/{token['id']}", json={ONE: {"name": "x"}})) == not_found
    assert message(other_client.delete(f"/{MANY}/{token['id']}")) == not_found
    assert listed(other_client) == []
    assert listed(other_client, value=token["value"]) == []
    theirs = issue(other_client, "theirs")
    assert theirs["project_id"] != token["project_id"]
    assert listed(client) == before
