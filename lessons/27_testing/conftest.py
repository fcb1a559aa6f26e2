"""Fixtures for lesson 27: one client of each kind, and overrides that never leak.

Each client fixture runs the app's lifespan, so every test gets a freshly opened store and
a fresh cookie jar, and nothing survives into the next test.
"""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from fastapi.testclient import TestClient

from .app import app
from .support import BASE_URL, Overrides, temporary_overrides


@pytest.fixture
def client() -> Iterator[TestClient]:
    """A TestClient used as a context manager: startup before the test, shutdown after."""
    with TestClient(app, base_url=BASE_URL) as client:
        yield client


@pytest_asyncio.fixture
async def async_client() -> AsyncIterator[httpx.AsyncClient]:
    """An httpx.AsyncClient on the test's own event loop, with the lifespan run by hand.

    ASGITransport only sends requests: it never runs the lifespan, so the fixture enters the
    app's lifespan context itself around the client.
    """
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client


@pytest.fixture
def overrides() -> Iterator[Overrides]:
    """`app.dependency_overrides` for this test; emptied when the test ends, pass or fail."""
    with temporary_overrides(app) as overrides:
        yield overrides


@pytest.fixture(autouse=True)
def starts_without_overrides() -> None:
    """Every test starts from the real dependencies; a leak from another test fails here."""
    assert app.dependency_overrides == {}, "an earlier test left overrides installed"
