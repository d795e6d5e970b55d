"""The ledger: recorded as it goes, atomically on disk, in teardown order; reloadable for sweep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.ledger import Ledger


def test_every_change_is_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger = Ledger("run1", "ct-run1-", path)
    ledger.add("datastore", "ds1", name="ct-run1-pg1", datastore_id=None, operation="create_datastore")
    ledger.add("grant", "g1", name=None, datastore_id="ds1", operation="create_grant", scope="s")
    document = json.loads(path.read_text())
    assert [o["id"] for o in document["objects"]] == ["ds1", "g1"]
    assert document["objects"][1]["name"] is None  # tracked by id
    assert not list(tmp_path.glob(".*.tmp"))


def test_deleting_a_datastore_takes_its_children(tmp_path: Path) -> None:
    ledger = Ledger("r", "ct-r-", tmp_path / "l.json")
    ledger.add("datastore", "ds1", name="n", datastore_id=None, operation="create_datastore")
    ledger.add("database", "db1", name="d", datastore_id="ds1", operation="create_database")
    ledger.add("user", "u2", name="u", datastore_id="other", operation="create_user")
    ledger.mark("ds1", "deleted")
    assert [entry.id for entry in ledger.live()] == ["u2"]


def test_teardown_order_puts_dependants_first() -> None:
    ledger = Ledger("r", "ct-r-")
    for kind, object_id in [
        ("datastore", "d"),
        ("user", "u"),
        ("database", "db"),
        ("grant", "g"),
        ("acl", "a"),
    ]:
        ledger.add(kind, object_id, name=None, datastore_id=None, operation=f"create_{kind}")
    assert [e.kind for e in ledger.in_teardown_order(ledger.live())] == [
        "acl",
        "grant",
        "database",
        "user",
        "datastore",
    ]


def test_parts_of_objects_are_owned() -> None:
    ledger = Ledger("r", "ct-r-")
    ledger.add("datastore", "d", name=None, datastore_id=None, operation="create_datastore")
    ledger.add_parts("d", ["instance-1"])
    assert ledger.owns("instance-1")
    assert ledger.owns("d")
    assert not ledger.owns("instance-2")


def test_a_ledger_file_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger = Ledger("r", "ct-r-", path)
    ledger.add("topic", "t", name="ct-r-t", datastore_id="d", operation="create_topic")
    again = Ledger.load(path)
    assert [(e.kind, e.id, e.datastore_id) for e in again.live()] == [("topic", "t", "d")]


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        Ledger("r", "p").add("cluster", "x", name=None, datastore_id=None, operation="x")
