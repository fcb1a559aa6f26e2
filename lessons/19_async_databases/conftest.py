"""Lesson 19 fixtures: one fresh database per test, the app's lifespan run around each test."""

import gc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from lessons.testkit import async_database_url, isolated_database

from .app import DATABASE_URL_ENV, Base, app

BASE_URL = "http://lesson19.test"

# When SQLAlchemy refuses to do I/O outside its greenlet (MissingGreenlet), aiosqlite has
# already built the coroutine for a cursor, and nobody closes it: Python warns when it is
# garbage-collected. That is a by-product of the very error the tests provoke, so those
# tests ignore exactly this warning and collect the garbage themselves, at teardown.
DROPPED_CURSOR = "ignore:coroutine 'Connection.cursor' was never awaited:RuntimeWarning"


@pytest.fixture
def collect_dropped_coroutines() -> Iterator[None]:
    """Collect the dropped coroutines at teardown, while the test's warning filters apply.

    The coroutine sits in a reference cycle (exception -> traceback -> frame), so only the
    cyclic collector frees it, at whatever allocation happens to trigger a collection. If
    that is inside a namedtuple's generated __new__ (evaluated with empty builtins), the
    "never awaited" warning cannot even be issued and Python reports `KeyError: '__import__'`
    instead: a failure in about one run out of fifty. Pausing automatic collection for the
    test and collecting here makes the moment deterministic.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database of its own (SQLite file or PostgreSQL), and the app pointed at it."""
    with isolated_database(tmp_path) as url:
        async_url = async_database_url(url)
        monkeypatch.setenv(DATABASE_URL_ENV, async_url)
        yield async_url


@pytest_asyncio.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An AsyncClient talking to the app in-process, with the app's lifespan running.

    ASGITransport only sends HTTP requests: it never sends the lifespan startup/shutdown
    events, so without the `lifespan_context` block the engine would never be created.
    """
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client
    app.dependency_overrides.clear()  # a test that overrode the session leaves nothing behind


@pytest_asyncio.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A bare async engine on the test's database with the tables created (no app)."""
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()
