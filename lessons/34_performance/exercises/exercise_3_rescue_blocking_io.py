"""Rescue blocking code in an async handler with the thread pool.

Sometimes an `async def` handler must call a blocking library. Add
`GET /work/blocking-in-threadpool` to app.py: an `async def` handler that calls the same
`blocking_io()` as `/work/blocking-in-async`, but without blocking the event loop, and
returns the same `Overlap` body. Concurrent requests must then overlap.
"""

import asyncio

import httpx
import pytest

from ..app import app, in_flight

HINT = (
    "fastapi.concurrency.run_in_threadpool(func) runs a blocking function in a worker "
    "thread and lets you await its result (anyio.to_thread.run_sync does the same)."
)

REQUESTS = 4


@pytest.mark.asyncio
async def test_blocking_io_awaited_in_the_thread_pool_overlaps() -> None:
    """Four simultaneous requests to the rescued endpoint are in their slow part together."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        responses = await asyncio.gather(
            *(client.get("/work/blocking-in-threadpool") for _ in range(REQUESTS))
        )
    assert [r.status_code for r in responses] == [200] * REQUESTS
    peak = max(r.json()["in_flight_on_entry"] for r in responses)
    assert peak >= 2, "the requests ran one at a time: the event loop was blocked"
    assert in_flight.now == 0
