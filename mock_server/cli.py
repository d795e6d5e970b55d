"""``dbaas-mock serve``: the fake as a standalone server under uvicorn."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .config import DEFAULT_ADMIN_TOKEN, MockConfig
from .lifecycle import Mode

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``dbaas-mock``."""
    parser = argparse.ArgumentParser(prog="dbaas-mock", description="A fake of Selectel's DBaaS API v1.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the fake on HOST:PORT (the API under /v1)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--seed", type=int, default=0, help="catalog and id seed (default 0)")
    serve.add_argument("--lifecycle", choices=[m.value for m in Mode], default=Mode.READS.value)
    serve.add_argument("--reads", type=int, default=1, help="reads before a pending object settles")
    serve.add_argument("--admin-token", default=DEFAULT_ADMIN_TOKEN)
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dbaas-mock`` command."""
    args = build_parser().parse_args(argv)
    import uvicorn

    from .app import create_app

    config = MockConfig(
        seed=args.seed, admin_token=args.admin_token, lifecycle=Mode(args.lifecycle), reads=args.reads
    )
    app = create_app(config)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    print(
        f"dbaas-mock: Managed Databases API v1 at http://{args.host}:{args.port}/v1 "
        f"(lifecycle {args.lifecycle}, admin token {args.admin_token!r}); control API at /__mock__",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
