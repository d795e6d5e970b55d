"""``dbaas-mock serve``: the fake as a standalone server under uvicorn.

``--state-file PATH`` loads the state saved there at start (when the file exists) and saves it on
shutdown (SIGINT, SIGTERM) and on ``POST /__mock__/state/save``, so nothing is lost across restarts.
``--demo`` starts with an ``ACTIVE`` datastore of every engine, with databases, users, topics (see
:mod:`mock_server.demo`). Every request is logged on one line (method, path, status, duration, request
id; never a token or a body) on the ``dbaas_mock.access`` logger.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .config import DEFAULT_ADMIN_TOKEN, MockConfig
from .lifecycle import Mode

__all__ = ["build_parser", "main"]

log = logging.getLogger("dbaas_mock")


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
    serve.add_argument(
        "--state-file",
        type=Path,
        metavar="PATH",
        help="load the state from PATH at start (if it exists); save it there on shutdown and on "
        "POST /__mock__/state/save",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="start with an ACTIVE datastore of every engine (with databases, users, topics); "
        "ignored when --state-file loads a saved state",
    )
    serve.add_argument("--demo-token", default="demo", help="the token whose project holds the demo data")
    serve.add_argument("--no-access-log", action="store_true", help="do not log every request")
    return parser


def _saving_server(config: Any, on_shutdown: Callable[[], None]) -> Any:
    import uvicorn

    class SavingServer(uvicorn.Server):
        """Saves the state once the server has stopped serving, before the process exits."""

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await super().shutdown(sockets)
            on_shutdown()

    return SavingServer(config)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dbaas-mock`` command."""
    args = build_parser().parse_args(argv)
    import uvicorn

    from .app import create_app
    from .control import Controller
    from .demo import build_demo
    from .errors import ApiError
    from .server import DropFilter

    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    access = logging.getLogger("dbaas_mock.access")
    access.setLevel(logging.WARNING if args.no_access_log else logging.INFO)
    logging.getLogger("uvicorn.error").addFilter(DropFilter())

    config = MockConfig(
        seed=args.seed, admin_token=args.admin_token, lifecycle=Mode(args.lifecycle), reads=args.reads
    )
    app = create_app(config)
    controller = Controller(app)
    loaded = False
    if args.state_file is not None:
        app.state_file = args.state_file.resolve()
        if app.state_file.exists():
            try:
                restored = controller.load_state(app.state_file)
            except (ApiError, ValueError, OSError) as error:
                reason = error.message if isinstance(error, ApiError) else str(error)
                print(f"dbaas-mock: cannot load the state in {app.state_file}: {reason}", file=sys.stderr)
                return 2
            loaded = True
            print(
                f"dbaas-mock: state loaded from {app.state_file} "
                f"({sum(restored['objects'].values())} objects, clock at {restored['now']})",
                file=sys.stderr,
                flush=True,
            )
    if args.demo and not loaded:
        created = build_demo(app, args.demo_token)
        app.journal.clear()
        print(
            f"dbaas-mock: demo data for token {args.demo_token!r}: "
            + ", ".join(f"{len(ids)} {name}" for name, ids in created.items()),
            file=sys.stderr,
            flush=True,
        )

    # Everything built so far lives as long as the server: keep it out of the collector's full
    # passes, whose pauses grow with the store and showed as p99 spikes under load (bench/).
    gc.collect()
    gc.freeze()

    def save() -> None:
        if app.state_file is None:
            return
        saved = controller.save_state()
        print(
            f"dbaas-mock: state saved to {saved['path']} ({saved['objects']} objects)",
            file=sys.stderr,
            flush=True,
        )

    print(
        f"dbaas-mock: Managed Databases API v1 at http://{args.host}:{args.port}/v1 "
        f"(lifecycle {args.lifecycle}, admin token {args.admin_token!r}); control API at /__mock__",
        file=sys.stderr,
        flush=True,
    )
    server = _saving_server(
        uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False),
        save,
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
