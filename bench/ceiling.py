"""The framework's ceiling: a bare Starlette app answering the fake's own JSON bytes, nothing else.

``python -m bench.ceiling --port P --bodies FILE`` serves it under uvicorn with the same settings as
``dbaas-mock serve`` (``uvicorn.Config`` defaults: ``loop="auto"``, ``http="auto"``, i.e. uvloop and
httptools when installed; access log off). ``FILE`` is a JSON object ``{"get": str, "list": str,
"post": str}``: the bodies the fake answered for the three benchmarked requests.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["build_app", "main"]


def build_app(bodies: dict[str, bytes]) -> Starlette:
    """Routes for ``GET /v1/datastores/{id}``, ``GET /v1/datastores`` and ``POST /v1/databases``."""
    get_body, list_body, post_body = bodies["get"], bodies["list"], bodies["post"]

    async def get_datastore(request: Request) -> Response:
        return Response(get_body, media_type="application/json")

    async def list_datastores(request: Request) -> Response:
        return Response(list_body, media_type="application/json")

    async def create_database(request: Request) -> Response:
        await request.body()
        return Response(post_body, media_type="application/json")

    async def health(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    return Starlette(
        routes=[
            Route("/v1/datastores/{datastore_id}", get_datastore, methods=["GET"]),
            Route("/v1/datastores", list_datastores, methods=["GET"]),
            Route("/v1/databases", create_database, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the ceiling app on loopback."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bodies", type=Path, required=True)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    raw = json.loads(args.bodies.read_text(encoding="utf-8"))
    bodies = {key: str(raw[key]).encode() for key in ("get", "list", "post")}
    # The same uvicorn.Config as mock_server.cli: defaults (loop/http "auto"), access log off.
    config = uvicorn.Config(
        build_app(bodies), host=args.host, port=args.port, log_level=args.log_level, access_log=False
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
