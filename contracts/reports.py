"""The reports of a run, written to ``--report-dir``.

- ``junit.xml``: one test case per (phase, operation, check), a ``<failure>`` with the failing request
  as a curl line; errors and safety problems as their own cases;
- ``summary.md``: the verdict, the failures (operation, check, message, curl) and the operations x
  checks matrix;
- ``fidelity.md`` / ``fidelity.json``: every ``x-fidelity: inferred`` element the run exercised, and
  whether the target behaved as the spec assumes;
- ``results.json``: the tallies, for tools.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .fidelity import FidelityTracker
from .results import Results

__all__ = ["RunSummary", "write_reports"]


@dataclass
class RunSummary:
    """Facts about a run for the reports' headers."""

    run_id: str
    target: str
    target_kind: str
    phases: tuple[str, ...]
    seed: int | None
    duration: float
    allow_writes: bool
    created: int = 0
    safety: list[str] = field(default_factory=list)


def _junit(results: Results, summary: RunSummary) -> ET.ElementTree[ET.Element]:
    root = ET.Element("testsuites", name="dbaas-contracts", time=f"{summary.duration:.3f}")
    suites: dict[str, ET.Element] = {}
    counts: dict[str, list[int]] = {}

    def suite(name: str) -> ET.Element:
        if name not in suites:
            suites[name] = ET.SubElement(root, "testsuite", name=name)
            counts[name] = [0, 0, 0]
        return suites[name]

    for (phase, operation, check), tally in sorted(results.tallies.items()):
        case = ET.SubElement(suite(phase), "testcase", classname=f"{phase}.{operation}", name=check)
        counts[phase][0] += 1
        if tally.failed:
            counts[phase][1] += 1
            first = tally.failures[0] if tally.failures else None
            failure = ET.SubElement(case, "failure", message=first.title if first else "failed", type="check")
            lines = [
                f"{tally.failed} of {tally.passed + tally.failed} responses failed {check} on {operation}"
            ]
            for record in tally.failures:
                lines += ["", record.message, f"status: {record.status}", record.curl]
            failure.text = "\n".join(lines)
    for record in results.errors:
        case = ET.SubElement(
            suite(record.phase), "testcase", classname=f"{record.phase}.{record.operation}", name="error"
        )
        counts[record.phase][0] += 1
        counts[record.phase][2] += 1
        ET.SubElement(case, "error", message=record.title, type="error").text = record.message
    for name, element in suites.items():
        tests, failures, errors = counts[name]
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", str(errors))
    totals = [sum(c[i] for c in counts.values()) for i in range(3)]
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", str(totals[2]))
    return ET.ElementTree(root)


def _cell(passed: int, failed: int) -> str:
    if failed:
        return f"FAIL {failed}/{passed + failed}"
    return f"ok {passed}" if passed else ""


def _summary_md(results: Results, summary: RunSummary) -> str:
    passed, failed = results.totals()
    verdict = (
        "INTERRUPTED" if results.interrupted else "PASS" if results.ok and not summary.safety else "FAIL"
    )
    lines = [
        f"# dbaas-contracts run `{summary.run_id}`: {verdict}",
        "",
        f"- target: `{summary.target}` ({summary.target_kind})",
        f"- phases: {', '.join(summary.phases)}; writes {'allowed' if summary.allow_writes else 'off'}",
        f"- seed: {summary.seed}; duration {summary.duration:.1f} s",
        f"- checks: {passed} passed, {failed} failed; errors: {len(results.errors)}",
        f"- objects created: {summary.created}; safety: {'ok' if not summary.safety else 'PROBLEMS'}",
    ]
    if results.interrupted:
        lines.append("- the run was **interrupted**")
    failures = results.failures()
    if failures:
        lines += ["", "## Failures", ""]
        for record in failures:
            lines += [
                f"### `{record.operation}` / `{record.check}` ({record.phase})",
                "",
                record.message.strip() or record.title,
                "",
                "```sh",
                record.curl or "# no request",
                "```",
                "",
            ]
    if results.errors:
        lines += ["", "## Errors", ""]
        lines += [
            f"- `{r.operation}` ({r.phase}): {r.title}: {r.message.strip()[:500]}" for r in results.errors
        ]
    if summary.safety:
        lines += ["", "## Safety", ""] + [f"- {line}" for line in summary.safety]
    matrix = results.matrix()
    checks = sorted({check for row in matrix.values() for check in row})
    if matrix:
        lines += ["", "## Operations x checks", ""]
        lines += ["Checks: " + ", ".join(f"{i + 1} = `{name}`" for i, name in enumerate(checks)), ""]
        lines.append("| operation | " + " | ".join(str(i + 1) for i in range(len(checks))) + " |")
        lines.append("|---|" + "---|" * len(checks))
        for operation, row in matrix.items():
            cells = [_cell(row[c].passed, row[c].failed) if c in row else "" for c in checks]
            lines.append(f"| `{operation}` | " + " | ".join(cells) + " |")
    if results.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in results.notes]
    return "\n".join(lines) + "\n"


def _fidelity(tracker: FidelityTracker) -> tuple[str, list[dict[str, Any]]]:
    rows = tracker.report()
    document = [
        {
            "pointer": element.pointer,
            "kind": element.kind,
            "reason": element.reason,
            "exercised": seen.exercised,
            "held": seen.held,
            "violated": seen.violated,
            "verdict": "violated" if seen.violated else "held",
            "example": seen.example,
            "operations": sorted(seen.operations),
        }
        for element, seen in rows
    ]
    total = len(tracker.elements)
    violated = sum(1 for row in document if row["violated"])
    lines = [
        "# Fidelity of the inferred parts of the spec",
        "",
        f"{len(document)} of the {total} `x-fidelity: inferred` elements were exercised; "
        f"{len(document) - violated} held, {violated} did not.",
        "",
        "| element | kind | verdict | held / exercised | why it was inferred; what went against it |",
        "|---|---|---|---|---|",
    ]
    for row in document:
        note = str(row["reason"]) if not row["violated"] else f"{row['reason']} **Seen:** {row['example']}"
        note = note.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| `{row['pointer']}` | {row['kind']} | {row['verdict']} "
            f"| {row['held']} / {row['exercised']} | {note} |"
        )
    unexercised = sorted(set(tracker.elements) - {row["pointer"] for row in document})
    if unexercised:
        lines += ["", "Not exercised by this run:", ""] + [f"- `{pointer}`" for pointer in unexercised]
    return "\n".join(lines) + "\n", document


def write_reports(
    directory: Path, results: Results, tracker: FidelityTracker, summary: RunSummary
) -> Mapping[str, Path]:
    """Write every report into ``directory``; returns their paths by name."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "junit": directory / "junit.xml",
        "summary": directory / "summary.md",
        "fidelity": directory / "fidelity.md",
        "fidelity_json": directory / "fidelity.json",
        "results": directory / "results.json",
    }
    tree = _junit(results, summary)
    ET.indent(tree)
    tree.write(paths["junit"], encoding="utf-8", xml_declaration=True)
    paths["summary"].write_text(_summary_md(results, summary), encoding="utf-8")
    markdown, document = _fidelity(tracker)
    paths["fidelity"].write_text(markdown, encoding="utf-8")
    paths["fidelity_json"].write_text(json.dumps(document, indent=2), encoding="utf-8")
    tallies = [
        {"phase": phase, "operation": operation, "check": check, "passed": t.passed, "failed": t.failed}
        for (phase, operation, check), t in sorted(results.tallies.items())
    ]
    paths["results"].write_text(
        json.dumps(
            {
                "run_id": summary.run_id,
                "ok": results.ok and not summary.safety,
                "tallies": tallies,
                "errors": [vars_of(record) for record in results.errors],
                "failures": [vars_of(record) for record in results.failures()],
                "safety": summary.safety,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return paths


def vars_of(record: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict."""
    return {name: getattr(record, name) for name in record.__slots__}
