"""A fake served by uvicorn on a loopback port, in a background thread of this process.

For code that takes an endpoint URL and for clients in other languages (Go, curl...)::

    with LiveServer() as server:
        subprocess.run(["my-go-client", "--endpoint", server.url, "--token", server.token])
        server.controller.journal.assert_called("create_datastore")

The server listens on a free port of 127.0.0.1 (``port=0``) unless told otherwise; ``url`` ends in
``/v1``; the state is reachable both over HTTP (the control API under ``/__mock__``) and from Python
(``controller``), which drive the same app.
"""

from __future__ import annotations

import logging
import socket
import threading
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from .app import DbaasMockApp, create_app
from .control import ClockHandle, Controller
from .faults import ConnectionDropped, Faults
from .intercept import DEFAULT_TOKEN, app_settings
from .journal import Journal

__all__ = ["DropFilter", "LiveServer"]

_STARTUP_TIMEOUT = 30.0


class DropFilter(logging.Filter):
    """Hides uvicorn's traceback for a connection dropped on purpose by a ``drop`` fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but the traceback of a :class:`ConnectionDropped`."""
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ConnectionDropped)


class _Server(uvicorn.Server):
    """A uvicorn server that says when it is listening."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


class LiveServer:
    """A fake on ``http://host:port`` in a daemon thread: :meth:`start`, :meth:`stop`, or ``with``.

    ``app`` is served when given, else one made from ``settings`` (:class:`MockConfig` fields).
    """

    def __init__(
        self,
        app: DbaasMockApp | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = DEFAULT_TOKEN,
        log_level: str = "warning",
        **settings: Any,
    ) -> None:
        self.app = app if app is not None else create_app(**app_settings(settings))
        self.controller = Controller(self.app)
        self.host = host
        self.port = port
        self.token = token
        self.log_level = log_level
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._client: httpx.Client | None = None
        self._filter = DropFilter()

    # -- where --------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (the control API lives under ``/__mock__``)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The API's endpoint: ``http://127.0.0.1:<port>/v1``."""
        return f"{self.base_url}/v1"

    @property
    def admin_token(self) -> str:
        """The token that may call the admin-only operations."""
        return str(self.app.config.admin_token)

    @property
    def project_id(self) -> str:
        """The project of :attr:`token`."""
        return self.controller.project_of(self.token)

    @property
    def clock(self) -> ClockHandle:
        """The fake's time and lifecycle mode."""
        return ClockHandle(self.app)

    @property
    def journal(self) -> Journal:
        """Every ``/v1`` call the server answered."""
        return self.app.journal

    @property
    def faults(self) -> Faults:
        """Fault rules by operationId."""
        return self.app.faults

    @property
    def client(self) -> httpx.Client:
        """An httpx client over the network to :attr:`url`, sending :attr:`token` (made on first use)."""
        if self._client is None:
            self._client = httpx.Client(base_url=self.url, headers={"X-Auth-Token": self.token})
        return self._client

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON."""
        return self.controller.snapshot()

    def restore(self, document: Any) -> dict[str, Any]:
        """Put back a state taken by :meth:`snapshot`."""
        return self.controller.restore(document)

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    # -- life ---------------------------------------------------------------------------------------

    def start(self) -> LiveServer:
        """Bind the port and serve in a background thread; returns once the server listens."""
        if self.running:
            raise RuntimeError("the server is already running")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            self.app,
            log_level=self.log_level,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=5,
        )
        server = _Server(config)
        logging.getLogger("uvicorn.error").addFilter(self._filter)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"dbaas-mock:{self.port}", daemon=True
        )
        thread.start()
        self._server, self._thread, self._socket = server, thread, sock
        if not server.ready.wait(_STARTUP_TIMEOUT) or not thread.is_alive():
            self.stop()
            raise RuntimeError(f"dbaas-mock: the server on {self.base_url} did not start")
        return self

    def stop(self) -> None:
        """Stop serving (open connections get up to 5 seconds) and free the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._client is not None:
            self._client.close()
            self._client = None
        logging.getLogger("uvicorn.error").removeFilter(self._filter)

    def reset(self, *, clock: bool = True) -> None:
        """Forget every object, fault, journal entry and registered token; a new clock by default."""
        self.controller.reset(clock=clock)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LiveServer(url={self.url!r}, running={self.running})"
