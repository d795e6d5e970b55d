"""pytest plugin of dbaas-mock, active wherever the package is installed (entry point ``pytest11``).

Fixtures:

- ``dbaas_mock``: a fresh in-process fake per test (:class:`~mock_server.intercept.DbaasFake`):
  ``client``, ``async_client``, ``token``, ``project_id``, ``url``, ``app``, ``controller``, ``clock``,
  ``journal``, ``faults``, ``snapshot()``/``restore()``;
- ``dbaas_server``: a real HTTP server on a free loopback port (one per test session, i.e. one per
  xdist worker; reset before each test): ``url`` (ends in ``/v1``), ``base_url``, ``token``,
  ``admin_token``, ``controller``, ``client``, ``clock``, ``journal``, ``faults``;
- ``dbaas_clock``: the time and lifecycle mode of ``dbaas_mock``;
- ``dbaas_intercept``: calls to ``https://<region>.dbaas.selcloud.ru/v1`` made with httpx or requests
  go to in-process fakes, one per region (:class:`~mock_server.intercept.Interception`).

Settings: ini options ``dbaas_seed``, ``dbaas_lifecycle``, ``dbaas_admin_token``, ``dbaas_token`` for
the whole suite, and the marker ``@pytest.mark.dbaas(seed=..., lifecycle=..., reads=...,
admin_token=..., token=..., quotas={...})`` for a test, a class or a module (the closest wins).

Everything heavy is imported when a fixture is first used, so the plugin costs nothing to suites that
do not use it. The ``dbaas_mock`` fakes of a session share one helper event loop (:class:`HelperLoop`,
stopped when the session ends): starting and joining a thread per test was most of what the fixture
cost beyond the fake itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .control import ClockHandle
    from .intercept import DbaasFake, Interception, LoopThread
    from .server import LiveServer

__all__ = [
    "FakeSettings",
    "HelperLoop",
    "dbaas_clock",
    "dbaas_intercept",
    "dbaas_mock",
    "dbaas_server",
    "dbaas_server_session",
    "fake_settings",
    "new_fake",
]

_MARKER = (
    "dbaas(seed=None, lifecycle=None, reads=None, admin_token=None, token=None, quotas=None): "
    "settings of the dbaas-mock fakes of this test (dbaas_mock, dbaas_server, dbaas_intercept)"
)
_INI = (
    ("dbaas_seed", "dbaas-mock: seed of the fakes (catalog and ids); default 0"),
    ("dbaas_lifecycle", "dbaas-mock: lifecycle mode of the fakes: reads (default), time or manual"),
    ("dbaas_admin_token", "dbaas-mock: the admin token of the fakes; default dbaas-mock-admin"),
    ("dbaas_token", "dbaas-mock: the token of the fixtures' clients; default dbaas-test-token"),
)
_KEYS = frozenset({"seed", "lifecycle", "reads", "admin_token", "token", "quotas"})
_MODES = ("reads", "time", "manual")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ini options."""
    for name, text in _INI:
        parser.addini(name, text, default=None)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``dbaas`` marker."""
    config.addinivalue_line("markers", _MARKER)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the session's helper loop, if a ``dbaas_mock`` fake started it."""
    loop = config.stash.get(_LOOP_KEY, None)
    if loop is not None:
        loop.stop()


class HelperLoop:
    """The helper event loop of the sync clients of many fakes, started on first use.

    A :class:`~mock_server.intercept.DbaasFake` on its own starts a loop thread for its sync clients
    and stops it in ``close()``; the plugin's fakes share this one instead (the app never leaves work
    behind on the loop after answering, so nothing of one test reaches the next). ``close()`` of such
    a fake leaves the shared loop running; a loop found stopped is replaced.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: LoopThread | None = None

    def get(self) -> LoopThread:
        """The running loop (started now if need be)."""
        with self._lock:
            loop = self._loop
            if loop is None or loop.loop.is_closed() or not loop.thread.is_alive():
                from .intercept import LoopThread

                loop = self._loop = LoopThread()
            return loop

    def stop(self) -> None:
        """Stop the loop and its thread (a later :meth:`get` starts another)."""
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is not None:
            loop.stop()


_LOOP_KEY = pytest.StashKey[HelperLoop]()


def new_fake(settings: FakeSettings, loop: HelperLoop) -> DbaasFake:
    """A fake with ``settings`` whose sync clients run on ``loop`` (what ``dbaas_mock`` yields)."""
    from .intercept import AppTransport, DbaasFake

    fake = DbaasFake(token=settings.token, **settings.app_settings())
    # Every sync client of the fake (made on first use) goes through ``fake.transport``; this one
    # never starts the fake's own loop thread, so ``close()`` has none to stop and leaves ``loop`` be.
    fake.transport = AppTransport(fake.app, loop.get)
    return fake


def _helper_loop(config: pytest.Config) -> HelperLoop:
    loop = config.stash.get(_LOOP_KEY, None)
    if loop is None:
        loop = config.stash[_LOOP_KEY] = HelperLoop()
    return loop


@dataclass(frozen=True, slots=True)
class FakeSettings:
    """The settings of a test's fakes: ini options, overridden by the closest ``dbaas`` marker."""

    seed: int = 0
    lifecycle: str = "reads"
    reads: int = 1
    admin_token: str = "dbaas-mock-admin"
    token: str = "dbaas-test-token"
    quotas: Mapping[str, int] = field(default_factory=dict)

    def app_settings(self) -> dict[str, Any]:
        """Keyword settings for :func:`mock_server.create_app`."""
        from .config import DEFAULT_QUOTAS
        from .lifecycle import Mode

        return {
            "seed": self.seed,
            "lifecycle": Mode(self.lifecycle),
            "reads": self.reads,
            "admin_token": self.admin_token,
            "quotas": {**DEFAULT_QUOTAS, **self.quotas},
        }


def _fail(message: str) -> Any:
    pytest.fail(f"dbaas-mock: {message}", pytrace=False)


def _validated(values: dict[str, Any]) -> FakeSettings:
    seed, lifecycle, reads = values["seed"], values["lifecycle"], values["reads"]
    if not isinstance(seed, int) or isinstance(seed, bool):
        _fail(f"seed must be an integer, not {seed!r}")
    if lifecycle not in _MODES:
        _fail(f"lifecycle must be one of {list(_MODES)}, not {lifecycle!r}")
    if not isinstance(reads, int) or isinstance(reads, bool) or reads < 1:
        _fail(f"reads must be an integer >= 1, not {reads!r}")
    for key in ("admin_token", "token"):
        if not isinstance(values[key], str) or not values[key]:
            _fail(f"{key} must be a non-empty string, not {values[key]!r}")
    quotas = values["quotas"]
    if not isinstance(quotas, Mapping):
        _fail(f"quotas must be a dict, not {quotas!r}")
    from .config import DEFAULT_QUOTAS

    unknown = sorted(set(quotas) - set(DEFAULT_QUOTAS))
    if unknown:
        _fail(f"unknown quotas {unknown}; the quotas are {sorted(DEFAULT_QUOTAS)}")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in quotas.values()):
        _fail(f"quota limits must be integers >= 0: {dict(quotas)!r}")
    return FakeSettings(seed, lifecycle, reads, values["admin_token"], values["token"], dict(quotas))


def fake_settings(request: pytest.FixtureRequest) -> FakeSettings:
    """The settings for the test of ``request``: ini options, then markers from farthest to closest."""
    values: dict[str, Any] = {
        "seed": 0,
        "lifecycle": "reads",
        "reads": 1,
        "admin_token": "dbaas-mock-admin",
        "token": "dbaas-test-token",
        "quotas": {},
    }
    config = request.config
    seed = config.getini("dbaas_seed")
    if seed:
        try:
            values["seed"] = int(str(seed).strip())
        except ValueError:
            _fail(f"the ini option dbaas_seed must be an integer, not {seed!r}")
    for key in ("lifecycle", "admin_token", "token"):
        value = config.getini(f"dbaas_{key}")
        if value:
            values[key] = str(value).strip()
    markers = list(request.node.iter_markers("dbaas"))
    for marker in reversed(markers):
        if marker.args:
            _fail("the dbaas marker takes keyword arguments only")
        unknown = sorted(set(marker.kwargs) - _KEYS)
        if unknown:
            _fail(f"unknown dbaas marker arguments {unknown}; known: {sorted(_KEYS)}")
        values.update({k: v for k, v in marker.kwargs.items() if v is not None})
    return _validated(values)


@pytest.fixture
def dbaas_mock(request: pytest.FixtureRequest) -> Iterator[DbaasFake]:
    """A fresh in-process fake of the Managed Databases API for this test.

    ``dbaas_mock.client.get("/datastores")`` (sync httpx, token sent), ``await
    dbaas_mock.async_client.get(...)``, ``dbaas_mock.clock.advance(300)``,
    ``dbaas_mock.faults.rate_limit("create_datastore")``, ``dbaas_mock.journal.assert_called(...)``.
    """
    fake = new_fake(fake_settings(request), _helper_loop(request.config))
    yield fake
    fake.close()


@pytest.fixture
def dbaas_clock(dbaas_mock: DbaasFake) -> ClockHandle:
    """The time and lifecycle mode of ``dbaas_mock``: ``now``, ``advance``, ``set``, ``freeze``, ``mode``."""
    return dbaas_mock.clock


@pytest.fixture(scope="session")
def dbaas_server_session() -> Iterator[LiveServer]:
    """The session's live server (use ``dbaas_server``, which resets it for each test)."""
    from .server import LiveServer

    server = LiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dbaas_server(dbaas_server_session: LiveServer, request: pytest.FixtureRequest) -> LiveServer:
    """A fake served over HTTP on 127.0.0.1 (``url`` ends in ``/v1``), reset for this test.

    For code that takes an endpoint URL and for clients in other languages. One server per session
    (per xdist worker): state, faults, journal, tokens and clock start afresh for every test, with
    this test's settings.
    """
    from .lifecycle import Mode

    settings = fake_settings(request)
    server = dbaas_server_session
    config = server.app.config
    app_settings = settings.app_settings()
    with server.app.lock:
        config.seed = settings.seed
        config.lifecycle = Mode(settings.lifecycle)
        config.reads = settings.reads
        config.admin_token = settings.admin_token
        config.quotas = app_settings["quotas"]
    server.token = settings.token
    server.reset(clock=True)
    return server


@pytest.fixture
def dbaas_intercept(request: pytest.FixtureRequest) -> Iterator[Interception]:
    """Route httpx and requests calls to ``https://<region>.dbaas.selcloud.ru/v1`` to fakes.

    ``dbaas_intercept["ru-1"]`` is the fake of region ru-1 (a ``DbaasFake``); code under test needs no
    change. Calls to other hosts go through as usual.
    """
    from .intercept import intercept_dbaas

    settings = fake_settings(request)
    with intercept_dbaas(token=settings.token, **settings.app_settings()) as fakes:
        yield fakes
