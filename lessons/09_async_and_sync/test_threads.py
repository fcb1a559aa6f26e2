"""Lesson 09 claims: which thread runs a handler or a dependency, and the thread pool's cap."""

import asyncio
import threading

import anyio.to_thread
import httpx
import pytest

from .app import app, in_flight


def asgi_client() -> httpx.AsyncClient:
    # ASGITransport calls the app on the test's own event loop, so the test can compare
    # the thread a handler reports with the thread that runs the loop: its own.
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.mark.asyncio
async def test_async_handler_runs_on_the_event_loop_thread() -> None:
    """An `async def` handler is called directly on the thread that runs the event loop."""
    loop_thread = threading.get_ident()  # an async test runs on the event loop
    async with asgi_client() as client:
        where = (await client.get("/whereami/async")).json()
    assert where["thread_id"] == loop_thread, "async def handler left the loop's thread"
    assert where["on_event_loop"] is True


@pytest.mark.asyncio
async def test_def_handler_runs_in_a_worker_thread() -> None:
    """A plain `def` handler is called in a worker thread, where no event loop is running."""
    loop_thread = threading.get_ident()
    async with asgi_client() as client:
        where = (await client.get("/whereami/def")).json()
    assert where["thread_id"] != loop_thread, "def handler ran on the event loop's thread"
    assert where["on_event_loop"] is False


@pytest.mark.asyncio
async def test_def_dependency_runs_in_a_worker_thread_too() -> None:
    """A plain `def` dependency of an `async def` handler also runs in a worker thread."""
    loop_thread = threading.get_ident()
    async with asgi_client() as client:
        where = (await client.get("/whereami/def-dependency")).json()
    assert where["handler"]["thread_id"] == loop_thread
    assert where["dependency"]["thread_id"] != loop_thread
    assert where["dependency"]["on_event_loop"] is False


@pytest.mark.asyncio
async def test_worker_threads_come_from_a_pool_capped_by_anyio() -> None:
    """`def` handlers share AnyIO's thread limiter (40 by default): it caps their concurrency."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    assert limiter.total_tokens == 40, "AnyIO's default thread limit changed"
    # The limiter belongs to this test's event loop, which is thrown away afterwards.
    limiter.total_tokens = 2
    in_flight.reset()
    async with asgi_client() as client:
        responses = [client.get("/work/blocking-in-def") for _ in range(4)]
        statuses = [r.status_code for r in await asyncio.gather(*responses)]
    assert statuses == [200] * 4
    assert in_flight.peak == 2, f"expected 2 def handlers at once (the limit), saw {in_flight.peak}"
