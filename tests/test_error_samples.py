"""Every error sample of the official SDK, reproduced: its request sent to the fake, the answer equal.

One row per file of ``../shared/reference/samples/error_*.json``. The two documented quirks
(``samples/README.md``) are compared with the corrected text the SDK itself expects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import BAD_UUID, SUBNET_ID, UNKNOWN, ApiClient

INSTANCE = "7d959e48-4d42-41cd-8515-aae0a8482d8d"
SOME_ID = "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"

#: sample stem -> (method, path, body); ``{id}`` stands for the SDK's not-found id.
REQUESTS: dict[str, tuple[str, str, Any]] = {
    "error_400_acl_create_invalid_datastore_id": (
        "POST",
        "/acls",
        {
            "acl": {
                "datastore_id": BAD_UUID,
                "user_id": SOME_ID,
                "pattern": "topic",
                "pattern_type": "literal",
                "allow_read": True,
                "allow_write": False,
            }
        },
    ),
    "error_400_acl_update_read_and_write_false": (
        "PUT",
        f"/acls/{SOME_ID}",
        {"acl": {"allow_read": False, "allow_write": False}},
    ),
    "error_400_database_create_invalid_datastore_id": (
        "POST",
        "/databases",
        {"database": {"datastore_id": BAD_UUID, "name": "db"}},
    ),
    "error_400_database_update_invalid_owner_id": (
        "PUT",
        f"/databases/{SOME_ID}",
        {"database": {"owner_id": BAD_UUID}},
    ),
    "error_400_datastore_create_invalid_type_id": (
        "POST",
        "/datastores",
        {
            "datastore": {
                "name": "Name",
                "type_id": BAD_UUID,
                "subnet_id": SUBNET_ID,
                "node_count": 1,
                "flavor": {"vcpus": 2, "ram": 2048, "disk": 32},
            }
        },
    ),
    "error_400_datastore_name_too_short": ("PUT", f"/datastores/{SOME_ID}", {"datastore": {"name": ""}}),
    "error_400_datastore_pooler_invalid_mode": (
        "PUT",
        f"/datastores/{SOME_ID}/pooler",
        {"pooler": {"mode": "abc", "size": 30}},
    ),
    "error_400_datastore_resize_flavor_disk_type_unexpected": (
        "POST",
        f"/datastores/{SOME_ID}/resize",
        {"resize": {"flavor": {"disk_type": "network-ultra", "vcpus": 2, "ram": 4096, "disk": 32}}},
    ),
    "error_400_datastore_resize_node_count_below_minimum": (
        "POST",
        f"/datastores/{SOME_ID}/resize",
        {"resize": {"node_count": 0}},
    ),
    "error_400_extension_create_invalid_datastore_id": (
        "POST",
        "/extensions",
        {"extension": {"available_extension_id": SOME_ID, "database_id": SOME_ID, "datastore_id": BAD_UUID}},
    ),
    "error_400_topic_create_invalid_datastore_id": (
        "POST",
        "/topics",
        {"topic": {"datastore_id": BAD_UUID, "name": "topic", "partitions": 1}},
    ),
    "error_400_topic_update_partitions_above_maximum": (
        "PUT",
        f"/topics/{SOME_ID}",
        {"topic": {"partitions": 4001}},
    ),
    "error_400_user_create_invalid_datastore_id": (
        "POST",
        "/users",
        {"user": {"datastore_id": BAD_UUID, "name": "user", "password": "secret"}},
    ),
    "error_404_acl_not_found": ("GET", "/acls/{id}", None),
    "error_404_available_extension_not_found": ("GET", "/available-extensions/{id}", None),
    "error_404_configuration_parameter_not_found": ("GET", "/configuration-parameters/{id}", None),
    "error_404_database_not_found": ("GET", "/databases/{id}", None),
    "error_404_datastore_not_found": ("GET", "/datastores/{id}", None),
    "error_404_datastore_type_not_found": ("GET", "/datastore-types/{id}", None),
    "error_404_extension_not_found": ("GET", "/extensions/{id}", None),
    "error_404_flavor_not_found": ("GET", "/flavors/{id}", None),
    "error_404_grant_not_found": ("GET", "/grants/{id}", None),
    "error_404_instance_not_found": ("DELETE", "/floating-ips", {"floating_ip": {"instance_id": INSTANCE}}),
    "error_404_logical_replication_slot_not_found": ("GET", "/logical-replication-slots/{id}", None),
    "error_404_prometheus_metrics_token_not_found": ("GET", "/prometheus-metrics-tokens/{id}", None),
    "error_404_topic_not_found": ("GET", "/topics/{id}", None),
    "error_404_user_not_found": ("GET", "/users/{id}", None),
}

#: The two quirks of samples/README.md: what the SDK expects instead of the fixture's text.
CORRECTED = {
    # The fixture says "database %s not found."; the SDK's test expects the datastore wording.
    "error_404_datastore_not_found": "datastore %s not found.",
    # The fixture quotes the message twice; the Python-repr rule of every other sample gives this.
    "error_400_topic_update_partitions_above_maximum": (
        "Validation failure: {'topic.partitions': '4001 is greater than the maximum of 4000'}"
    ),
}

SAMPLE_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "samples"
SAMPLES = sorted(p.stem for p in SAMPLE_DIR.glob("error_*.json"))


def test_every_error_sample_has_a_row() -> None:
    assert set(SAMPLES) == set(REQUESTS)


@pytest.mark.parametrize("stem", SAMPLES, ids=SAMPLES)
def test_the_fake_answers_the_sample(client: ApiClient, stem: str) -> None:
    expected = json.loads((SAMPLE_DIR / f"{stem}.json").read_text())["error"]
    message = CORRECTED.get(stem, expected["message"])
    not_found_id = INSTANCE if "instance" in stem else UNKNOWN
    method, path, body = REQUESTS[stem]
    response = client.request(method, path.replace("{id}", UNKNOWN), json=body)
    assert response.status_code == expected["code"]
    assert response.json() == {
        "error": {
            "code": expected["code"],
            "title": expected["title"],
            "message": message.replace("%s", not_found_id),
        }
    }
