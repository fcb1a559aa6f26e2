"""Give the outbound call a deadline for the whole call, not only for each phase.

httpx's timeout limits each phase (connect, every single read, ...), and only transports
that do real I/O enforce it: an upstream that drips one byte before every read timeout, or
a mock transport, can keep a call going for ever. In app.py, make `/prices/{symbol}` give
up after UPSTREAM_TIMEOUT_SECONDS in total, with the same 504. Leave
`/prices/{symbol}/no-timeout` unbounded: the lesson measures it.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from ..app import UPSTREAM_TIMEOUT_SECONDS, Upstream, app, get_upstream

HINT = (
    "`async with asyncio.timeout(seconds):` (or anyio.fail_after) around the awaited call "
    "raises TimeoutError when the time is up; catch it next to httpx.TimeoutException. "
    "`asyncio.timeout(None)` means no deadline, which suits the other endpoint."
)


@pytest.fixture(autouse=True)
def silent_upstream() -> Iterator[None]:
    """An upstream whose mock transport never answers (and ignores httpx's timeouts)."""
    never = asyncio.Event()  # nobody ever sets it

    async def silent(request: httpx.Request) -> httpx.Response:
        await never.wait()
        raise AssertionError("unreachable")

    async def override() -> AsyncIterator[Upstream]:
        transport = httpx.MockTransport(silent)
        async with httpx.AsyncClient(transport=transport, base_url="http://upstream.test") as c:
            yield Upstream(bounded=c, unbounded=c)

    app.dependency_overrides[get_upstream] = override
    yield
    app.dependency_overrides.clear()


@pytest.mark.asyncio
async def test_an_upstream_that_never_answers_gets_a_504_within_the_deadline() -> None:
    """Even when the transport ignores per-phase timeouts, the call ends with 504 in time."""
    patience = 10 * UPSTREAM_TIMEOUT_SECONDS  # a wide margin over the deadline
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        try:
            response = await asyncio.wait_for(client.get("/prices/ACME"), patience)
        except TimeoutError:
            pytest.fail(f"no answer within {patience}s: the call has no total deadline")
    assert response.status_code == 504
    assert response.json() == {"detail": "Upstream timed out"}
