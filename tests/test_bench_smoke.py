"""The benchmark harness (``bench/``) imports and runs one tiny iteration (seconds, not minutes).

The figures of such a run mean nothing; ``make bench`` measures. The server section (which starts
servers and a load generator) and the contract kit's section are left to ``make bench``.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench import fixture, report, scale
from bench.__main__ import main as bench_main
from bench.common import Options, load_section, save_section
from bench.machine import describe
from bench.profile import fold_raw


def test_quick_options_are_tiny() -> None:
    options = Options.quick_run()
    assert options.quick
    assert options.scale_datastores <= 100
    assert options.fixture_iterations <= 5


def test_fixture_and_scale_run_once_and_render(tmp_path: Path) -> None:
    options = Options.quick_run()
    save_section("fixture", fixture.run(options), tmp_path)
    save_section("scale", scale.run(options), tmp_path)
    scale_data = load_section("scale", tmp_path)
    assert scale_data is not None
    assert set(scale_data["ratios"]) == set(scale.SHAPES)
    results, headline = report.write(describe(), tmp_path, tmp_path)
    text = results.read_text(encoding="utf-8")
    assert "## 2. Fixture cost" in text
    assert "## 3. Scale" in text
    assert "not run" in text  # the server and kit sections were not run
    assert headline.read_text(encoding="utf-8").startswith("### Performance")


def test_report_command_renders_what_is_there(tmp_path: Path) -> None:
    assert bench_main(["report", "--out", str(tmp_path), "--results", str(tmp_path)]) == 0
    assert (tmp_path / "results.md").is_file()


def test_py_spy_stacks_fold_per_function() -> None:
    raw = "main (app.py:1);handle (app.py:10) 3\nmain (app.py:1);handle (app.py:12) 1\nmain (app.py:2) 1\n"
    folded = fold_raw(raw)
    assert folded["samples"] == 5
    assert dict(folded["self"])["handle (app.py)"] == 80.0
    assert dict(folded["inclusive"])["main (app.py)"] == 100.0
    json.dumps(folded)
