"""``python -m bench [server|fixture|scale|kit|profile|whatif|report|all]`` (default ``all``; ``make bench``).

Each section writes its raw figures to ``bench/out/<section>.json`` (or ``--out``), then
``bench/results.md`` and ``bench/HEADLINE.md`` are rendered again from every section at hand.
``profile`` (py-spy on the server, cProfile in-process) and ``whatif`` (the fake with the changes
proposed in ``bench/analysis.md`` monkeypatched in, against the fake as it is) are not part of
``all``. ``--quick`` runs every code path once with tiny sizes (the smoke test), figures not for
reporting: write them elsewhere with ``--out`` and ``--results``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import fixture, kit, profile, report, scale, server, whatif
from .common import BENCH_DIR, OUT_DIR, Options, save_section
from .machine import calibrate, describe, load_average

__all__ = ["SECTIONS", "main"]

#: The sections of ``all``, in the order they run.
SECTIONS = ("server", "fixture", "scale", "kit")


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "section",
        nargs="?",
        default="all",
        choices=[*SECTIONS, "profile", "whatif", "report", "all"],
        help="default: all",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run, not a measurement")
    parser.add_argument("--duration", type=float, help="seconds per measured load run (default 5)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up load (default 2)")
    parser.add_argument("--runs", type=int, help="measured runs per target and endpoint (default 3)")
    parser.add_argument("--connections", type=int, help="keep-alive connections (default 32)")
    parser.add_argument("--list-size", type=int, help="datastores listed by the list endpoint (default 1000)")
    parser.add_argument("--scale-datastores", type=int, help="datastores of the large store (default 100000)")
    parser.add_argument("--scale-children", type=int, help="objects under them (default 1000000)")
    parser.add_argument("--no-prism", action="store_true", help="do not run Prism")
    parser.add_argument("--python-loadgen", action="store_true", help="the Python load generator, not wrk")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="raw results folder (default bench/out)")
    parser.add_argument(
        "--results", type=Path, default=BENCH_DIR, help="where results.md goes (default bench/)"
    )
    return parser


def options_from(args: argparse.Namespace) -> Options:
    """The run's :class:`Options`: the defaults (or the quick ones) with the flags given."""
    base = Options.quick_run() if args.quick else Options()
    changes: dict[str, Any] = {}
    for flag in (
        "duration",
        "warmup",
        "runs",
        "connections",
        "list_size",
        "scale_datastores",
        "scale_children",
    ):
        value = getattr(args, flag)
        if value is not None:
            changes[flag] = value
    if args.no_prism:
        changes["skip_prism"] = True
    if args.python_loadgen:
        changes["python_loadgen"] = True
    return dataclasses.replace(base, **changes)


def _sections(options: Options, out: Path) -> dict[str, Callable[[], dict[str, Any]]]:
    logs = out / "logs"
    return {
        "server": lambda: server.run(options, logs),
        "fixture": lambda: fixture.run(options),
        "scale": lambda: scale.run(options),
        "kit": lambda: kit.run(options, out / "logs"),
        "profile": lambda: profile.run(options, logs),
        "whatif": lambda: whatif.run(options, logs),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sections, then render the results."""
    args = build_parser().parse_args(argv)
    options = options_from(args)
    wanted = list(SECTIONS) if args.section == "all" else [] if args.section == "report" else [args.section]
    runners = _sections(options, args.out)
    for name in wanted:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        before = {"calibration_ms": calibrate(), "load_average": load_average()}
        data = runners[name]()
        data["options"] = dataclasses.asdict(options)
        data["machine_state"] = {
            "before": before,
            "after": {"calibration_ms": calibrate(), "load_average": load_average()},
        }
        path = save_section(name, data, args.out)
        summary = {k: v for k, v in data.items() if not isinstance(v, dict | list)}
        print(
            f"   done in {time.perf_counter() - started:.1f} s -> {path}: {json.dumps(summary)[:300]}",
            flush=True,
        )
    results, headline = report.write(describe(), args.out, args.results)
    print(f"== wrote {results} and {headline}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
