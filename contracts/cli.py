"""``dbaas-contracts``: run the contract kit against a target, or sweep a crashed run's leftovers.

Exit codes: 0 every check passed (and nothing was left or changed); 1 a check failed or errored;
2 usage error; 3 safety problem (something left behind, or something foreign changed); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .ledger import Ledger
from .options import ALL_PHASES, ALL_SCENARIOS, DEFAULT_SUBNET_ID, IN_PROCESS_URL, RunOptions
from .runner import open_context, run
from .safety import sweep

__all__ = ["build_parser", "load_app", "main"]


def _csv(choices: Sequence[str]) -> Any:
    def parse(text: str) -> tuple[str, ...]:
        items = tuple(item.strip() for item in text.split(",") if item.strip())
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {', '.join(unknown)}; choose from {', '.join(choices)}"
            )
        return items

    return parse


def _target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url", help="the API's endpoint, ending in /v1 (e.g. http://127.0.0.1:8080/v1)"
    )
    parser.add_argument(
        "--app", help="test an ASGI app in-process: 'mock_server' (the fake) or 'module:attribute'"
    )
    parser.add_argument("--token", required=True, help="the project's X-Auth-Token")
    parser.add_argument("--admin-token", help="a token for the admin-only operations (catalogue)")
    parser.add_argument("--spec", type=Path, help="the OpenAPI document (default: the packaged spec)")
    parser.add_argument(
        "--target-kind",
        choices=("auto", "fake", "live"),
        default="auto",
        help="is the target dbaas-mock? (auto: probe its control API)",
    )
    parser.add_argument(
        "--poll-delay", type=float, help="seconds before a waiter's first poll (default 10; 0 local)"
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        help="seconds between polls (default: the provider's schedule; 0.01 local)",
    )
    parser.add_argument(
        "--wait-timeout", type=float, help="seconds a waiter waits at most (default 3600; 60 local)"
    )
    parser.add_argument(
        "--request-timeout", type=float, default=30.0, help="seconds per request (default 30)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``dbaas-contracts``."""
    parser = argparse.ArgumentParser(
        prog="dbaas-contracts", description="Contract tests of the Managed Databases API v1."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="run the contract kit against a target")
    _target(run_cmd)
    run_cmd.add_argument(
        "--phases",
        type=_csv(ALL_PHASES),
        default=ALL_PHASES,
        help=f"comma-separated, from {','.join(ALL_PHASES)} (default: all)",
    )
    run_cmd.add_argument(
        "--scenarios",
        type=_csv(ALL_SCENARIOS),
        default=ALL_SCENARIOS,
        help=f"comma-separated, from {','.join(ALL_SCENARIOS)} (default: all)",
    )
    run_cmd.add_argument(
        "--max-examples", type=int, default=10, help="examples per operation and phase (default 10)"
    )
    run_cmd.add_argument("--max-steps", type=int, default=12, help="steps per stateful scenario (default 12)")
    run_cmd.add_argument("--seed", type=int, help="seed of the generated data (default: random, reported)")
    run_cmd.add_argument(
        "--allow-writes",
        action="store_true",
        help="allow requests that create or change objects (default: GETs only)",
    )
    run_cmd.add_argument(
        "--report-dir",
        type=Path,
        default=Path("contract-report"),
        help="where the ledger and reports go (default ./contract-report)",
    )
    run_cmd.add_argument(
        "--max-datastores", type=int, default=3, help="datastores alive at once at most (default 3)"
    )
    run_cmd.add_argument("--max-nodes", type=int, default=1, help="nodes per datastore at most (default 1)")
    run_cmd.add_argument("--prefix", default="ct-", help="prefix of every name the run gives (default ct-)")
    run_cmd.add_argument(
        "--subnet-id", default=DEFAULT_SUBNET_ID, help="subnet of the datastores the run creates"
    )
    run_cmd.add_argument(
        "--operation",
        action="append",
        default=[],
        metavar="OPERATION_ID",
        help="limit the schemathesis phases to an operation (repeatable)",
    )
    run_cmd.add_argument(
        "--exclude-operation",
        action="append",
        default=[],
        metavar="OPERATION_ID",
        help="leave an operation out of the schemathesis phases (repeatable)",
    )
    run_cmd.add_argument("--no-progress", action="store_true", help="no progress output")
    sweep_cmd = commands.add_parser("sweep", help="remove what crashed runs left (by name prefix and ledger)")
    _target(sweep_cmd)
    sweep_cmd.add_argument(
        "--prefix",
        default="ct-",
        help="remove datastores (and their children), tokens and "
        "catalogue entries whose name starts with this (default ct-)",
    )
    sweep_cmd.add_argument("--ledger", type=Path, help="also remove what this ledger.json lists")
    sweep_cmd.add_argument("--dry-run", action="store_true", help="list what would be removed")
    return parser


def load_app(spec: str) -> Any:
    """The ASGI app of ``--app``: ``mock_server`` (a fresh fake), ``module:attr`` or ``module:factory()``."""
    if spec == "mock_server":
        from mock_server import create_app

        return create_app()
    module_name, _, attribute = spec.partition(":")
    target: Any = importlib.import_module(module_name)
    factory = attribute.endswith("()")
    for part in (attribute.removesuffix("()") or "app").split("."):
        target = getattr(target, part)
    return target() if factory else target


def _common(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, Any]:
    if not args.base_url and not args.app:
        parser.error("give --base-url URL or --app mock_server")
    fields: dict[str, Any] = {
        "token": args.token,
        "admin_token": args.admin_token,
        "spec_path": args.spec,
        "target_kind": args.target_kind,
        "poll_delay": args.poll_delay,
        "poll_interval": args.poll_interval,
        "wait_timeout": args.wait_timeout,
        "request_timeout": args.request_timeout,
        "base_url": args.base_url or IN_PROCESS_URL,
    }
    if args.app:
        fields["app"] = load_app(args.app)
    return fields


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``dbaas-contracts``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    fields = _common(args, parser)
    try:
        if args.command == "run":
            options = RunOptions(
                **fields,
                phases=args.phases,
                scenarios=args.scenarios,
                max_examples=args.max_examples,
                max_steps=args.max_steps,
                seed=args.seed,
                allow_writes=args.allow_writes,
                report_dir=args.report_dir,
                max_datastores=args.max_datastores,
                max_nodes=args.max_nodes,
                prefix=args.prefix,
                subnet_id=args.subnet_id,
                operations=tuple(args.operation),
                exclude_operations=tuple(args.exclude_operation),
                progress=not args.no_progress,
            )
            result = run(options)
            if not options.progress:
                print(f"[dbaas-contracts] {result.headline()}", file=sys.stderr)
            return result.exit_code
        options = RunOptions(**fields, prefix=args.prefix, allow_writes=True, progress=False)
    except ValueError as error:
        parser.error(str(error))
    context = open_context(options, guarded=False)
    ledger = Ledger.load(args.ledger) if args.ledger else None
    report = sweep(context.api, context.cleaner, args.prefix, ledger=ledger, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for kind, object_id, name in report.found if args.dry_run else report.removed:
        print(f"{verb} {kind} {object_id} {name or ''}".rstrip())
    for problem in report.problems:
        print(f"could not remove {problem.kind} {problem.id}: {problem.reason}", file=sys.stderr)
    print(
        f"sweep: {len(report.found)} found, {len(report.removed)} removed, {len(report.problems)} problems",
        file=sys.stderr,
    )
    return 0 if not report.problems else 3


if __name__ == "__main__":
    raise SystemExit(main())
