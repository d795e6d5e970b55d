"""The kit's own checks, one property each: what holds and what does not."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.checks import (
    CHECKS,
    NOT_JSON,
    Exchange,
    error_envelope_is_well_formed,
    mutations_answer_a_pending_status,
    not_found_message_names_the_entity,
    parse_json,
    secrets_are_never_returned,
    status_vocabulary_is_known,
    wrapper_keys_match_operation,
)
from contracts.spec import SpecIndex

SPEC = SpecIndex.load()
DS = "0721fd40-77e9-4012-8f4d-6bb3bd9ea1fa"


def exchange(op: str, status: int, body: Any, request: Any = None, **path: str) -> Exchange:
    return Exchange(SPEC.operations[op], status, body, request, path)


def envelope(code: int, message: str = "boom", title: str = "Error") -> dict[str, Any]:
    return {"error": {"code": code, "title": title, "message": message}}


def test_every_check_is_named_after_its_property() -> None:
    assert sorted(CHECKS) == sorted(
        [
            "error_envelope_is_well_formed",
            "wrapper_keys_match_operation",
            "status_vocabulary_is_known",
            "secrets_are_never_returned",
            "not_found_message_names_the_entity",
            "mutations_answer_a_pending_status",
        ]
    )


@pytest.mark.parametrize(
    ("status", "body", "holds"),
    [
        (404, envelope(404), True),
        (500, envelope(500), True),
        (200, {"anything": 1}, True),
        (404, envelope(400), False),
        (409, {"error": {"code": 409, "title": "Conflict"}}, False),
        (400, {"detail": "Bad"}, False),
        (500, NOT_JSON, False),
        (503, None, False),
        (401, {"error": {"code": "401", "title": "Unauthorized", "message": "no"}}, False),
    ],
    ids=[
        "404-ok",
        "500-ok",
        "success-not-judged",
        "code-mismatch",
        "no-message",
        "other-shape",
        "html",
        "empty",
        "code-as-string",
    ],
)
def test_error_envelope_is_well_formed(status: int, body: Any, holds: bool) -> None:
    assert (error_envelope_is_well_formed(exchange("get_datastore", status, body)) == []) is holds


@pytest.mark.parametrize(
    ("op", "status", "body", "holds"),
    [
        ("get_datastore", 200, {"datastore": {"id": DS}}, True),
        ("list_datastores", 200, {"datastores": []}, True),
        ("delete_datastore", 204, None, True),
        ("get_datastore", 200, {"datastores": {"id": DS}}, False),
        ("get_datastore", 200, {"datastore": {}, "extra": 1}, False),
        ("list_datastores", 200, {"datastores": {}}, False),
        ("get_datastore", 200, {"id": DS}, False),
        ("delete_datastore", 204, {"deleted": True}, False),
        ("update_available_extension", 200, {"id": DS, "name": "x"}, True),
    ],
    ids=[
        "single",
        "list",
        "no-content",
        "plural-for-one",
        "extra-key",
        "list-not-array",
        "bare",
        "204-body",
        "documented-bare-object",
    ],
)
def test_wrapper_keys_match_operation(op: str, status: int, body: Any, holds: bool) -> None:
    assert (wrapper_keys_match_operation(exchange(op, status, body)) == []) is holds


@pytest.mark.parametrize(
    ("op", "body", "holds"),
    [
        ("get_datastore", {"datastore": {"status": "ACTIVE", "instances": [{"status": "RESIZING"}]}}, True),
        ("get_datastore", {"datastore": {"status": "RUNNING"}}, False),
        ("get_datastore", {"datastore": {"status": "ACTIVE", "instances": [{"status": "active"}]}}, False),
        ("get_action", {"action": {"status": "SUCCESS"}}, True),
        ("get_action", {"action": {"status": "ACTIVE"}}, False),
    ],
    ids=["ten-statuses", "unknown", "lower-case-nested", "action-vocabulary", "action-with-object-status"],
)
def test_status_vocabulary_is_known(op: str, body: Any, holds: bool) -> None:
    assert (status_vocabulary_is_known(exchange(op, 200, body)) == []) is holds


@pytest.mark.parametrize(
    ("status", "body", "request_body", "holds"),
    [
        (200, {"user": {"name": "u"}}, {"user": {"password": "hunter2-hunter2"}}, True),
        (200, {"user": {"name": "u", "password": "x"}}, None, False),
        (200, {"datastore": {"config": {"redis_password": "x"}}}, None, False),
        (200, {"user": {"name": "hunter2-hunter2"}}, {"user": {"password": "hunter2-hunter2"}}, False),
        (400, envelope(400, "password too short"), {"user": {"password": "abc"}}, True),
    ],
    ids=["not-returned", "password-key", "nested-redis-password", "echoed-value", "error-text-allowed"],
)
def test_secrets_are_never_returned(status: int, body: Any, request_body: Any, holds: bool) -> None:
    result = secrets_are_never_returned(exchange("create_user", status, body, request_body))
    assert (result == []) is holds


@pytest.mark.parametrize(
    ("op", "message", "path", "request_body", "holds"),
    [
        ("get_datastore", f"datastore {DS} not found.", {"datastore_id": DS}, None, True),
        ("get_datastore", f"database {DS} not found.", {"datastore_id": DS}, None, False),
        ("get_datastore", "Not Found", {"datastore_id": DS}, None, False),
        ("get_datastore_metrics", f"datastore {DS} not found.", {"datastore_id": DS}, None, True),
        (
            "get_prometheus_metrics_token",
            f"prometheusmetrictoken {DS} not found.",
            {"prometheus_metrics_token_id": DS},
            None,
            True,
        ),
        ("create_database", f"datastore {DS} not found.", {}, {"database": {"datastore_id": DS}}, True),
        ("create_database", "datastore 123 not found.", {}, {"database": {"datastore_id": DS}}, False),
        ("create_floating_ip", f"instance {DS} not found.", {}, {"floating_ip": {"instance_id": DS}}, True),
        ("get_flavor", "flavor a b not found.", {"flavor_id": "a%20b"}, None, True),
    ],
    ids=[
        "path-object",
        "wrong-entity",
        "generic-text",
        "sub-operation",
        "token-entity",
        "parent-in-body",
        "other-id",
        "instance",
        "decoded-id",
    ],
)
def test_not_found_message_names_the_entity(
    op: str, message: str, path: dict[str, str], request_body: Any, holds: bool
) -> None:
    result = not_found_message_names_the_entity(
        exchange(op, 404, envelope(404, message), request_body, **path)
    )
    assert (result == []) is holds


@pytest.mark.parametrize(
    ("op", "status", "holds"),
    [
        ("create_datastore", "PENDING_CREATE", True),
        ("create_datastore", "ACTIVE", False),
        ("update_datastore_pooler", "PENDING_UPDATE", True),
        ("update_datastore_pooler", "ACTIVE", False),
        ("resize_datastore", "RESIZING", True),
        ("resize_datastore", "PENDING_UPDATE", False),
        ("update_datastore_security_groups", "ACTIVE", True),
    ],
    ids=["create", "create-active", "update", "update-active", "resize", "resize-wrong", "security-groups"],
)
def test_mutations_answer_a_pending_status(op: str, status: str, holds: bool) -> None:
    wrapper = SPEC.operations[op].response_wrapper
    result = mutations_answer_a_pending_status(exchange(op, 200, {wrapper: {"status": status}}))
    assert (result == []) is holds


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(b"", None), (b"  ", None), (b'{"a": 1}', {"a": 1}), (b"<html>", NOT_JSON), (b"\xff", NOT_JSON)],
    ids=["empty", "blank", "json", "html", "binary"],
)
def test_parse_json(raw: bytes, expected: Any) -> None:
    assert parse_json(raw) == expected
