"""Fakes in this process: :class:`DbaasFake`, and interception of the real regional endpoints.

:class:`DbaasFake` wraps one app with ready clients (``client``, ``async_client``), its token and
project, and handles on its clock, journal, faults and state.

:func:`intercept_dbaas` routes every call to ``https://<region>.dbaas.selcloud.ru/v1`` made with httpx
(sync or async, through respx) or requests (through ``responses``) to an in-process fake of that
region, without any change to the calling code, in the spirit of moto's ``mock_aws``. Each region is
its own fake, created on first use::

    with intercept_dbaas() as fakes:
        my_code_that_calls_selectel(region="ru-1")
        fakes["ru-1"].journal.assert_called("create_datastore", times=1)

It is also a decorator (of sync and async functions; each call gets fresh fakes). Calls to other hosts
go to the network as usual (``passthrough=False`` makes them fail instead). Sync calls run the app
on an event loop in a helper thread (as starlette's TestClient does), async ones on
the caller's loop; both through :class:`httpx.ASGITransport`.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
import threading
import warnings
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from .app import DbaasMockApp, create_app
from .control import ClockHandle, Controller
from .faults import ConnectionDropped, Faults
from .journal import Journal
from .lifecycle import Mode

if TYPE_CHECKING:
    import requests
    import responses as responses_lib
    import respx

__all__ = [
    "DEFAULT_TOKEN",
    "REGIONS",
    "AppTransport",
    "DbaasFake",
    "Interception",
    "LoopThread",
    "app_settings",
    "intercept_dbaas",
    "region_host",
    "region_url",
]

#: The regions of the Managed Databases API.
REGIONS: tuple[str, ...] = ("ru-1", "ru-2", "ru-3", "ru-7", "ru-8", "ru-9", "uz-1", "kz-1")
#: The token of a fake's ready clients unless told otherwise.
DEFAULT_TOKEN = "dbaas-test-token"
_DOMAIN = "dbaas.selcloud.ru"
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


async def _answer(transport: httpx.ASGITransport, request: httpx.Request) -> httpx.Response:
    response = await transport.handle_async_request(request)
    body = await response.aread()
    return httpx.Response(response.status_code, headers=response.headers.raw, content=body, request=request)


class LoopThread:
    """An asyncio event loop running in a daemon thread, to run coroutines from sync code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="dbaas-mock-loop", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the loop and wait for its result (its exception is raised here)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def stop(self) -> None:
        """Stop the loop and its thread."""
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


class AppTransport(httpx.BaseTransport):
    """A sync httpx transport that runs an ASGI app on an event loop in a helper thread.

    This is what starlette's TestClient does, with one loop kept for the life of the owner instead of
    one per request, and plain httpx types. Exceptions the app raises reach the caller (a ``drop``
    fault arrives as :class:`httpx.RemoteProtocolError`).
    """

    def __init__(self, app: DbaasMockApp, loop: Callable[[], LoopThread]) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the app on the helper loop and return its complete response."""
        request.read()
        return self._loop().call(_answer(self._asgi, request))


def app_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """:class:`MockConfig` keyword settings with the lifecycle mode given as text made a :class:`Mode`."""
    out = dict(settings)
    if isinstance(out.get("lifecycle"), str):
        out["lifecycle"] = Mode(out["lifecycle"])
    return out


def region_host(region: str) -> str:
    """``<region>.dbaas.selcloud.ru``."""
    return f"{region}.{_DOMAIN}"


def region_url(region: str) -> str:
    """The API's endpoint in ``region``: ``https://<region>.dbaas.selcloud.ru/v1``."""
    return f"https://{region_host(region)}/v1"


class DbaasFake:
    """One fake in this process with clients pointed at its ``/v1`` and handles on its state.

    ``client`` is an :class:`httpx.Client` over :class:`AppTransport` and ``async_client`` an
    :class:`httpx.AsyncClient` over :class:`httpx.ASGITransport`, both sending ``token``; paths are
    relative to ``/v1`` (``client.get("/datastores")``). Call :meth:`close` when done (the sync
    clients share a helper thread).
    """

    def __init__(
        self,
        app: DbaasMockApp | None = None,
        *,
        token: str = DEFAULT_TOKEN,
        base_url: str = "http://testserver",
        **settings: Any,
    ) -> None:
        self.app = app if app is not None else create_app(**app_settings(settings))
        self.controller = Controller(self.app)
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/v1"
        self._client: httpx.Client | None = None
        self._admin_client: httpx.Client | None = None
        self._async_client: httpx.AsyncClient | None = None
        self._raw: httpx.Client | None = None
        self._lock = threading.Lock()
        self._loop: LoopThread | None = None
        #: The sync transport of every client of this fake.
        self.transport = AppTransport(self.app, self._get_loop)

    # -- clients ------------------------------------------------------------------------------------

    @property
    def client(self) -> httpx.Client:
        """A sync client for ``token`` (created on first use)."""
        if self._client is None:
            self._client = self.client_for(self.token)
        return self._client

    @property
    def admin_client(self) -> httpx.Client:
        """A sync client for the admin token."""
        if self._admin_client is None:
            self._admin_client = self.client_for(self.admin_token)
        return self._admin_client

    @property
    def async_client(self) -> httpx.AsyncClient:
        """An async client for ``token`` (created on first use)."""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=self.app),
                base_url=self.url,
                headers={"X-Auth-Token": self.token},
            )
        return self._async_client

    def client_for(self, token: str | None) -> httpx.Client:
        """A new sync client sending ``token`` (none when ``None``), paths relative to ``/v1``."""
        headers = {"X-Auth-Token": token} if token is not None else {}
        return httpx.Client(transport=self.transport, base_url=self.url, headers=headers)

    @property
    def control(self) -> httpx.Client:
        """A sync client at the server root, for the control API (``/__mock__/...``)."""
        if self._raw is None:
            self._raw = httpx.Client(transport=self.transport, base_url=self.base_url)
        return self._raw

    def _get_loop(self) -> LoopThread:
        with self._lock:
            if self._loop is None:
                self._loop = LoopThread()
            return self._loop

    # -- who ----------------------------------------------------------------------------------------

    @property
    def project_id(self) -> str:
        """The project of ``token``."""
        return self.controller.project_of(self.token)

    @property
    def admin_token(self) -> str:
        """The token that may call the admin-only operations."""
        return str(self.app.config.admin_token)

    # -- handles ------------------------------------------------------------------------------------

    @property
    def clock(self) -> ClockHandle:
        """The fake's time and lifecycle mode."""
        return ClockHandle(self.app)

    @property
    def journal(self) -> Journal:
        """Every ``/v1`` call answered."""
        return self.app.journal

    @property
    def faults(self) -> Faults:
        """Fault rules by operationId."""
        return self.app.faults

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON (see :mod:`mock_server.snapshot`)."""
        return self.controller.snapshot()

    def restore(self, document: Any) -> dict[str, Any]:
        """Put back a state taken by :meth:`snapshot`."""
        return self.controller.restore(document)

    def reset(self, *, clock: bool = False) -> None:
        """Forget every object, fault and journal entry."""
        self.controller.reset(clock=clock)

    def settle(self, ids: Sequence[str] | None = None) -> list[str]:
        """Complete the phases in progress (of ``ids``, or all)."""
        settled: list[str] = self.controller.settle(ids)["settled"]
        return settled

    def fail_next(self, kind: str = "datastore", outcome: str = "ERROR", times: int = 1) -> None:
        """The next ``times`` phases of a ``kind`` (its create, update or resize) end in ``outcome``."""
        self.controller.fail_next(kind, outcome, times)

    def force_status(self, object_id: str, status: str, kind: str | None = None) -> None:
        """Put a settled object into ``status`` now (``DISK_FULL``, ``DEGRADED``... or ``ACTIVE``)."""
        self.controller.force_status(object_id, status, kind)

    # -- answering intercepted calls ----------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` (its path and query; any host) synchronously.

        The app runs on an event loop of its own in a helper thread (started on first use, stopped by
        :meth:`close`), so this works from sync code and from inside a running event loop.
        """
        return self.transport.handle_request(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` on the caller's event loop through :class:`httpx.ASGITransport`."""
        await request.aread()
        return await _answer(httpx.ASGITransport(app=self.app), request)

    def close(self) -> None:
        """Close the sync clients and stop the helper loop (the async client holds no connection)."""
        for client in (self._client, self._admin_client, self._raw):
            if client is not None:
                client.close()
        self._client = self._admin_client = self._raw = None
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is not None:
            loop.stop()

    async def aclose(self) -> None:
        """Close every client."""
        self.close()
        if self._async_client is not None:
            await self._async_client.aclose()
            self._async_client = None

    def __repr__(self) -> str:
        return f"DbaasFake(url={self.url!r}, token={self.token!r})"


class Interception(Mapping[str, DbaasFake]):
    """The fakes of the intercepted regions (a mapping region -> :class:`DbaasFake`).

    A context manager (``with`` / ``async with``) and a decorator. ``settings`` are :class:`MockConfig`
    fields (``seed``, ``lifecycle``...); region *i* of :data:`REGIONS` gets ``seed + i`` so that the
    regions never share ids.
    """

    def __init__(
        self,
        regions: Sequence[str] = REGIONS,
        *,
        token: str = DEFAULT_TOKEN,
        passthrough: bool = True,
        requests: bool | None = None,
        setup: Callable[[DbaasFake], None] | None = None,
        **settings: Any,
    ) -> None:
        unknown = [r for r in regions if r not in REGIONS]
        if unknown:
            raise ValueError(f"unknown regions {unknown}; the regions are {list(REGIONS)}")
        self.regions = tuple(regions)
        self.token = token
        self.passthrough = passthrough
        self.settings = settings
        self.setup = setup
        self._want_requests = requests
        self._hosts = {region_host(r): r for r in self.regions}
        self._fakes: dict[str, DbaasFake] = {}
        self._lock = threading.Lock()
        self._router: respx.MockRouter | None = None
        self._requests_mock: responses_lib.RequestsMock | None = None
        self.active = False

    # -- the mapping --------------------------------------------------------------------------------

    def __getitem__(self, region: str) -> DbaasFake:
        if region not in self._hosts.values():
            raise KeyError(region)
        with self._lock:
            fake = self._fakes.get(region)
            if fake is None:
                settings = dict(self.settings)
                settings["seed"] = int(settings.get("seed", 0)) + REGIONS.index(region)
                settings["region"] = region
                fake = DbaasFake(token=self.token, base_url=f"https://{region_host(region)}", **settings)
                if self.setup is not None:
                    self.setup(fake)
                self._fakes[region] = fake
        return fake

    def __iter__(self) -> Iterator[str]:
        return iter(self.regions)

    def __len__(self) -> int:
        return len(self.regions)

    def created(self) -> list[str]:
        """The regions whose fake exists (was called or looked at)."""
        return [r for r in self.regions if r in self._fakes]

    def fake_for(self, url: httpx.URL) -> DbaasFake | None:
        """The fake answering ``url``, if its host is an intercepted region."""
        region = self._hosts.get(url.host.lower())
        return self[region] if region is not None else None

    @property
    def respx(self) -> respx.MockRouter:
        """The respx router (add routes of your own for other hosts to it)."""
        if self._router is None or not self.active:
            raise RuntimeError("the interception is not active")
        return self._router

    @property
    def responses(self) -> responses_lib.RequestsMock | None:
        """The ``responses`` mock for requests (``None`` when requests is not intercepted)."""
        return self._requests_mock

    # -- starting and stopping ----------------------------------------------------------------------

    def start(self) -> Interception:
        """Begin routing calls to the fakes."""
        if self.active:
            raise RuntimeError("this interception is already active")
        self._router = _router(self)
        self._router.start()
        try:
            self._requests_mock = self._start_requests()
        except BaseException:
            self._router.stop(quiet=True)
            raise
        self.active = True
        return self

    def stop(self) -> None:
        """Stop routing; the fakes stay readable."""
        if not self.active:
            return
        self.active = False
        if self._requests_mock is not None:
            self._requests_mock.stop(allow_assert=False)
            self._requests_mock.reset()
        if self._router is not None:
            self._router.stop(quiet=True)
        for fake in self._fakes.values():
            fake.close()

    def __enter__(self) -> Interception:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Interception:
        return self.start()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def __call__(self, func: F) -> F:
        """Decorate ``func``: each call runs under a fresh interception with these settings."""

        def fresh() -> Interception:
            return Interception(
                self.regions,
                token=self.token,
                passthrough=self.passthrough,
                requests=self._want_requests,
                setup=self.setup,
                **self.settings,
            )

        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                async with fresh():
                    return await func(*args, **kwargs)

            return cast(F, run_async)

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return func(*args, **kwargs)

        return cast(F, run)

    def _start_requests(self) -> responses_lib.RequestsMock | None:
        if self._want_requests is False:
            return None
        try:
            import requests as requests_lib
            import responses as responses_lib
        except ImportError as missing:
            if self._want_requests:
                raise ImportError(
                    "intercepting requests needs the 'responses' package: pip install 'dbaas-mock[intercept]'"
                ) from missing
            if missing.name == "responses" and _importable("requests"):
                warnings.warn(
                    "requests is installed but 'responses' is not: calls made with requests are not "
                    "intercepted (pip install 'dbaas-mock[intercept]')",
                    RuntimeWarning,
                    stacklevel=4,
                )
            return None
        mock = responses_lib.RequestsMock(assert_all_requests_are_fired=False)
        for host, region in self._hosts.items():
            pattern = re.compile(rf"https?://{re.escape(host)}(?::\d+)?(?:[/?#].*)?$", re.IGNORECASE)
            callback = _requests_callback(self, region, requests_lib)
            for method in _METHODS:
                mock.add_callback(method, pattern, callback=callback)
        if self.passthrough:
            hosts = "|".join(re.escape(h) for h in self._hosts)
            mock.add_passthru(re.compile(rf"^(?!https?://(?:{hosts})(?::\d+)?(?:[/?#]|$))", re.IGNORECASE))
        mock.start()
        return mock


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def _requests_callback(
    interception: Interception, region: str, requests_lib: Any
) -> Callable[[requests.PreparedRequest], tuple[int, dict[str, str], bytes]]:
    def answer(prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = prepared.body
        content = body.encode() if isinstance(body, str) else (body or b"")
        request = httpx.Request(
            str(prepared.method), str(prepared.url), headers=dict(prepared.headers), content=content
        )
        try:
            response = interception[region].handle(request)
        except ConnectionDropped as dropped:
            raise requests_lib.exceptions.ChunkedEncodingError(
                f"('Connection broken: IncompleteRead', {dropped})", request=prepared
            ) from dropped
        headers = dict(response.headers)
        if prepared.method == "HEAD":
            headers.pop("content-length", None)
        return response.status_code, headers, response.content

    return answer


def _router(interception: Interception) -> respx.MockRouter:
    try:
        import respx
        from respx.models import AllMockedAssertionError, PassThrough
    except ImportError as missing:
        raise ImportError(
            "intercepting httpx needs the 'respx' package: pip install 'dbaas-mock[intercept]'"
        ) from missing

    class Router(respx.MockRouter):
        """Answers the regions' hosts from the fakes; other hosts: own routes, other routers, network."""

        def handler(self, request: httpx.Request) -> httpx.Response:
            fake = interception.fake_for(request.url)
            if fake is not None:
                return fake.handle(request)
            try:
                return super().handler(request)
            except AllMockedAssertionError:
                self._other_host(request)
                raise

        async def async_handler(self, request: httpx.Request) -> httpx.Response:
            fake = interception.fake_for(request.url)
            if fake is not None:
                return await fake.handle_async(request)
            try:
                return await super().async_handler(request)
            except AllMockedAssertionError:
                self._other_host(request)
                raise

        def _other_host(self, request: httpx.Request) -> None:
            """Let a router registered after this one try; if none is, pass through (when allowed)."""
            routers = self.Mocker.routers if self.Mocker is not None else []
            last = not routers or routers[-1] is self
            if last and interception.passthrough:
                message = f"dbaas-mock: {request.url.host} is not intercepted"
                raise PassThrough(message, request=request, origin=None)  # type: ignore[arg-type]

    return Router(assert_all_called=False, assert_all_mocked=True)


def intercept_dbaas(
    regions: Sequence[str] = REGIONS,
    *,
    token: str = DEFAULT_TOKEN,
    passthrough: bool = True,
    requests: bool | None = None,
    setup: Callable[[DbaasFake], None] | None = None,
    **settings: Any,
) -> Interception:
    """Route calls to ``https://<region>.dbaas.selcloud.ru/v1`` to in-process fakes.

    A context manager (sync or async) yielding the :class:`Interception` (region -> fake), or a
    decorator. ``regions``: the regions intercepted (all by default); ``passthrough``: let calls to
    other hosts reach the network; ``requests``: intercept requests too (default: when ``responses`` is
    installed); ``setup``: called with each region's fake when it is created; ``settings``: the fakes'
    :class:`~mock_server.config.MockConfig` fields (``seed``, ``lifecycle``, ``admin_token``...).
    """
    return Interception(
        regions, token=token, passthrough=passthrough, requests=requests, setup=setup, **settings
    )
