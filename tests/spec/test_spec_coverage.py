"""The spec has exactly the operations of the reference list and our operationIds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from _helpers import REPO, operations


def rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def spec_operations() -> set[tuple[str, str, str]]:
    return {(op.method.upper(), op.path, op.op_id) for op in operations().values()}


def test_reference_lists_78_distinct_operations(reference_root: Path) -> None:
    reference = [(method, path) for method, path, *_ in rows(reference_root / "operations.tsv")]
    assert len(reference) == 78
    assert not [item for item, count in Counter(reference).items() if count > 1]


def test_spec_has_exactly_the_reference_operations(reference_root: Path) -> None:
    reference = {(method, path) for method, path, *_ in rows(reference_root / "operations.tsv")}
    spec = {(method, path) for method, path, _ in spec_operations()}
    assert spec - reference == set(), "operations the reference does not list"
    assert reference - spec == set(), "reference operations missing from the spec"


def test_operation_ids_are_ours() -> None:
    ours = rows(REPO / "openapi" / "operations.tsv")
    assert len(ours) == 78
    assert {(method, path, op_id) for method, path, op_id in ours} == spec_operations()
